import Foundation
import Testing
@testable import SessionGuard

/// `--odoo-db`: Odoo's own `res_device_log` and `res_users`, in a real PostgreSQL database shaped as
/// Odoo 18.0 and later releases make them.
@Suite("Odoo's database (res_device_log)", .enabled(if: testsOnPostgres), .serialized)
struct OdooDatabaseTests {
    static let alice = RevokeTests.alice
    static let bob = "hIEJzyWpZ5zSrdo8VANDzUiFM5pmSU01A4U5BmEnfP"
    /// An older session of alice's that nobody recommends revoking.
    static let aliceOld = "Ab" + String(repeating: "c", count: 40)

    enum Shape { case v18, later }

    /// A fresh schema shaped like an Odoo database of `shape`, with alice (7) and bob (8) and
    /// their device rows; returns its URL as `prod=URL` (the logs call the database prod).
    static func odooDatabase(_ shape: Shape, revoked alice: Bool = false) throws -> (spec: String, url: String) {
        let server = try #require(ProcessInfo.processInfo.environment["SESSIONGUARD_TEST_POSTGRES"])
        let schema = "odoo_" + StableHash.hex([UUID().uuidString])
        let device = shape == .v18
            ? "platform varchar, browser varchar, device_type varchar"
            : "user_agent varchar"
        func row(_ identifier: String, _ uid: Int, _ ip: String, _ first: String, _ last: String, _ revoked: Bool,
                 _ platform: String, _ browser: String, _ agent: String) -> String {
            let values = shape == .v18 ? "'\(platform)', '\(browser)', 'computer'" : "'\(agent)'"
            return "('\(identifier)', \(uid), '\(ip)', 'Brussels', '\(first)', '\(last)', \(revoked), \(values))"
        }
        let columns = shape == .v18 ? "platform, browser, device_type" : "user_agent"
        let firefox = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0"
        let chrome = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/133.0.0.0 Safari/537.36"
        let connection = try PostgresConnection(server)
        try connection.execute(sql: """
            CREATE SCHEMA \(schema);
            SET search_path = \(schema);
            CREATE TABLE res_users (id serial PRIMARY KEY, login varchar NOT NULL UNIQUE, active boolean DEFAULT true);
            INSERT INTO res_users (id, login) VALUES (2, 'admin'), (7, 'alice@example.com'), (8, 'bob@example.com');
            CREATE TABLE res_device_log (
                id serial PRIMARY KEY,
                session_identifier varchar NOT NULL,
                user_id integer REFERENCES res_users(id),
                ip_address varchar,
                city varchar,
                first_activity timestamp without time zone,
                last_activity timestamp without time zone,
                revoked boolean,
                \(device),
                create_date timestamp without time zone DEFAULT now()
            );
            INSERT INTO res_device_log (session_identifier, user_id, ip_address, city, first_activity, last_activity, revoked, \(columns)) VALUES
                \(row(Self.alice, 7, "198.51.100.23", "2025-03-14 08:01:02.5", "2025-03-14 16:25:07", alice, "linux", "chrome", chrome)),
                \(row(Self.alice, 7, "203.0.113.130", "2025-03-14 20:58:14", "2025-03-14 21:15:26.123456", alice, "linux", "chrome", chrome)),
                \(row(Self.aliceOld, 7, "198.51.100.23", "2025-03-10 08:00:00", "2025-03-14 09:00:00", false, "linux", "firefox", firefox)),
                \(row(Self.bob, 8, "198.51.100.41", "2025-03-03 08:05:25", "2025-03-14 15:26:07", false, "windows", "firefox", firefox));
            """)
        let url = server + (server.contains("?") ? "&" : "?") + "options=-csearch_path%3D\(schema)"
        return ("prod=\(url)", url)
    }

    /// (identifier, revoked) of every row, in row order.
    static func rows(_ url: String) throws -> [String] {
        try PostgresConnection(url).fetchAll(sql: "SELECT session_identifier, revoked FROM res_device_log ORDER BY id")
            .map { "\($0[0] as String) \($0[1] as Bool)" }
    }

    @Test("18.0 and later columns both read: devices, logins from res_users, addresses with their times, revocations", arguments: [Shape.v18, .later])
    func reading(shape: Shape) throws {
        let (spec, _) = try Self.odooDatabase(shape, revoked: true)
        let database = try OdooDatabase(spec)
        #expect(database.db == "prod")
        let sessions = try database.sessions()
        #expect(sessions.map(\.identifier) == [Self.alice, Self.aliceOld, Self.bob])
        let alice = try #require(sessions.first)
        #expect(alice.login == "alice@example.com" && alice.uid == 7 && alice.revoked)
        #expect(alice.ips.map(\.ip) == ["198.51.100.23", "203.0.113.130"])
        #expect(alice.firstActivity == UTC.parse("2025-03-14T08:01:02Z") && alice.lastActivity == UTC.parse("2025-03-14T21:15:26Z"))
        let bob = try #require(sessions.last)
        #expect(!bob.revoked && bob.login == "bob@example.com")
        #expect(bob.userAgent == (shape == .v18 ? "windows/firefox" : "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0"))
        #expect(bob.userAgent.flatMap(DeviceClass.init(userAgent:)) == DeviceClass(userAgent: "windows/firefox"))
        // Only what was used since a time (analyze asks for the rules' 90 days).
        #expect(try database.sessions(since: UTC.parse("2025-03-14T12:00:00Z")).map(\.identifier) == [Self.alice, Self.bob])
    }

    @Test("odd rows in Odoo's table (no identifier, no time) are left out and counted, not fatal")
    func oddRows() throws {
        let (spec, url) = try Self.odooDatabase(.v18)
        try PostgresConnection(url).execute(sql: """
            INSERT INTO res_device_log (session_identifier, user_id, first_activity, last_activity, revoked)
            VALUES ('not-an-identifier', 7, now(), now(), false), ('\(String(repeating: "z", count: 42))', 7, NULL, NULL, false)
            """)
        let database = try OdooDatabase(spec)
        #expect(try database.sessions().count == 3)
        #expect(database.skippedRows == 2)
    }

    @Test("without DB=, the database is named by the connection; a database without res_device_log (Odoo 16/17) is a clear error")
    func naming() throws {
        let (_, url) = try Self.odooDatabase(.v18)
        #expect(try OdooDatabase(url).db == "postgres")
        let server = try #require(ProcessInfo.processInfo.environment["SESSIONGUARD_TEST_POSTGRES"])
        #expect {
            _ = try OdooDatabase("prod=" + server)
        } throws: { "\($0)".contains("no res_device_log table") && "\($0)".contains("16 and 17 do not") }
    }

    @Test("analyze with --odoo-db: a session Odoo revoked is over (its recommendation expires); logged sessions gain their device")
    func asInput() throws {
        let (spec, _) = try Self.odooDatabase(.later, revoked: true)
        let store = try testStore()
        let rules = try RuleLoader.load(directory: samplePath("Rules"))
        let locator = try GeoLocator(city: GeoDatabase(path: samplePath("Samples/geoip/GeoLite2-City-Sample.mmdb")), asn: nil)
        var options = AnalyzeOptions(inputs: EndToEndTests.logs.map(samplePath), now: UTC.parse("2025-03-15T00:00:00Z")!)
        options.odooDatabases = [spec]
        let result = try Analyzer(rules: rules, locator: locator, store: store).run(options)
        #expect(result.recommendations.first { $0.user == "alice@example.com" }?.status == "expired")
        let bob = try store.read(now: 0) { try $0.sessions(matching: Self.bob) }.first
        #expect(bob?.userAgent?.contains("Firefox/133.0") == true && bob?.requests == 1446)
        // An old session of alice's with no log line is known all the same.
        #expect(try store.read(now: 0) { try $0.sessions(matching: Self.aliceOld) }.first?.login == "alice@example.com")
    }

    @Test("revoke --apply with --odoo-db marks exactly the revoked identifiers' rows; twice changes nothing")
    func revoking() throws {
        let e2e = EndToEndTests()
        let dir = temporaryDirectory()
        let (spec, url) = try Self.odooDatabase(.v18)
        #expect(try e2e.analyze(dir, report: "r", extra: ["--odoo-db", spec]).status == 0)
        let store = testStoreURL(dir, "store.sqlite")
        let recommendations = try #require(try e2e.document(dir, "r")["recommendations"] as? [[String: Any]])
        let alice = try #require(recommendations.first { $0["user"] as? String == "alice@example.com" }?["id"] as? String)
        let sessions = dir.appendingPathComponent("sessions")
        let file = sessions.appendingPathComponent("H0/\(RevokeTests.sid(Self.alice))")
        try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        try #"{"db": "prod", "uid": 7}"#.write(to: file, atomically: true, encoding: .utf8)
        #expect(try e2e.run(["recommendations", "approve", alice, "--by", "ann", "--store", store]).status == 0)

        let before = try Self.rows(url)
        let plan = try e2e.run(["revoke", "--sessions-dir", sessions.path, "--odoo-db", spec, "--store", store])
        #expect(plan.status == 0 && plan.stdout.contains("1 session(s), 1 file(s) now") && !plan.stdout.contains("no --odoo-db"),
                "\(plan.stdout)\(plan.stderr)")
        #expect(try Self.rows(url) == before)  // a plan changes nothing

        let applied = try e2e.run(["revoke", "--sessions-dir", sessions.path, "--odoo-db", spec, "--apply", "--no-wait", "--by", "ann",
                                   "--store", store])
        #expect(applied.status == 0 && applied.stdout.contains("deleted 1 session file(s) of 1 session(s); 2 res_device_log row(s) marked revoked"),
                "\(applied.stdout)\(applied.stderr)")
        #expect(!FileManager.default.fileExists(atPath: file.path))
        #expect(try Self.rows(url) == ["\(Self.alice) true", "\(Self.alice) true", "\(Self.aliceOld) false", "\(Self.bob) false"])
        #expect(try e2e.run(["recommendations", "show", alice, "--store", store]).stdout.contains("2 res_device_log row(s) marked revoked"))

        let again = try e2e.run(["revoke", "--sessions-dir", sessions.path, "--odoo-db", spec, "--apply", "--no-wait", "--store", store])
        #expect(again.status == 0 && again.stdout.contains("nothing to revoke"))
        #expect(try Self.rows(url) == ["\(Self.alice) true", "\(Self.alice) true", "\(Self.aliceOld) false", "\(Self.bob) false"])
    }

    @Test("revoke_user_sessions takes the user's sessions from res_device_log too (not those already revoked), and marks them")
    func userSessions() throws {
        let (spec, url) = try Self.odooDatabase(.later)
        let connection = try PostgresConnection(url)
        try connection.execute(sql: "UPDATE res_device_log SET revoked = true WHERE session_identifier = '\(Self.alice)'")
        let database = try OdooDatabase(spec)
        let root = temporaryDirectory().appendingPathComponent("sessions")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        let sessions = try OdooSessionsDirectory(path: root.path)
        let store = try testStore()
        let items = try store.transaction(now: 0) { tx in
            let run = try tx.beginRun(kind: "test", host: "h", rulesHash: nil, geoip: nil)
            let draft = Recommendation(id: "R-U", action: .revokeUserSessions, db: "prod", target: "login:alice@example.com",
                                       user: "alice@example.com", sessionIdentifier: nil, sessionKey: nil, severity: .high, status: "open",
                                       findings: [], reasons: ["offboarded"])
            _ = try tx.upsert(recommendation: draft, run: run)
            try tx.approve("R-U", by: "ann")
            return try Revoker.plan(tx, sessions: sessions, databases: ["prod": database])
        }
        #expect(items.map(\.identifiers) == [[Self.aliceOld]])
        let marked = Revoker.markRevoked(items, after: [.success(0)], databases: ["prod": database])
        #expect(try marked.first?.get() == 1)
        #expect(try Self.rows(url) == ["\(Self.alice) true", "\(Self.alice) true", "\(Self.aliceOld) true", "\(Self.bob) false"])
        // Nothing marked where deleting the files failed.
        #expect(Revoker.markRevoked(items, after: [.failure(RevokeError(message: "denied"))], databases: ["prod": database])
            .first.map { if case .failure = $0 { true } else { false } } == true)
    }
}
