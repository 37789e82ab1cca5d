import Foundation
import Testing
@testable import SessionGuard

/// Revoking on a realistic sessions directory: only the intended files ever disappear.
@Suite("Revoking Odoo sessions")
struct RevokeTests {
    static let alice = "H0TwA_6pQ_KKAz9wYYtxcJ7SWjDguiBCTqm5__47Uk"
    /// An 84-character sid starting with `identifier`.
    static func sid(_ identifier: String, _ tail: Character = "x") -> String { identifier + String(repeating: tail, count: 42) }

    /// A sessions directory as Odoo writes it, with the traps the issue lists.
    static func directory() throws -> (URL, outside: URL) {
        let root = temporaryDirectory().appendingPathComponent("sessions")
        let outside = temporaryDirectory().appendingPathComponent("precious")
        try "keep me".write(to: outside, atomically: true, encoding: .utf8)
        let fm = FileManager.default
        func write(_ relative: String, _ json: String) throws {
            let url = root.appendingPathComponent(relative)
            try fm.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try json.write(to: url, atomically: false, encoding: .utf8)
        }
        let trace = #""_trace": [{"platform": "linux", "browser": "chrome", "ip_address": "203.0.113.130", "first_activity": 1741985894, "last_activity": 1741986926}]"#
        try write("H0/\(sid(alice))", #"{"db": "prod", "login": "alice@example.com", "uid": 7, "session_token": "t", "context": {}, \#(trace)}"#)
        try write("H0/\(sid(alice, "y"))", #"{"db": "prod", "login": "alice@example.com", "uid": 7}"#)  // 19.0 rotation: same identifier
        try write("H0/\(sid("H0TwA_6pQ_KKAz9wYYtxcJ7SWjDguiBCTqm5__47Uz"))", #"{"db": "prod", "login": "alice@example.com", "uid": 7}"#)
        try write("-a/\(sid("-a" + String(repeating: "b", count: 40)))", #"{"db": "prod", "login": "bob@example.com", "uid": 8}"#)
        try write("_c/\(sid("_c" + String(repeating: "d", count: 40)))", #"{"db": "prod", "login": "carol@example.com", "uid": 9}"#)
        try write("\(sid(alice, "z")).__wz_sess", "{}")                      // a write in progress
        try write("werkzeug_\(sid(alice)).sess", "{}")                        // legacy
        try write("ab/abcdef0123456789abcdef0123456789abcdef01", "pickle")   // ≤17 pickle: never read
        // A link named like alice's session, pointing outside the directory.
        try fm.createSymbolicLink(atPath: root.appendingPathComponent("H0/\(sid(alice, "w"))").path, withDestinationPath: outside.path)
        // A bucket that is a link out of the directory.
        try fm.createSymbolicLink(atPath: root.appendingPathComponent("Zz").path, withDestinationPath: outside.deletingLastPathComponent().path)
        return (root, outside)
    }

    static func files(_ root: URL) -> [String] {
        (FileManager.default.enumerator(atPath: root.path)?.allObjects as? [String] ?? []).sorted()
    }

    @Test("the sessions read: identifiers only, with db, login, uid and trace; temporaries, legacy files and pickles skipped")
    func reading() throws {
        let (root, _) = try Self.directory()
        let sessions = try OdooSessionsDirectory(path: root.path).sessions()
        #expect(Set(sessions.map(\.identifier)) == [Self.alice, "H0TwA_6pQ_KKAz9wYYtxcJ7SWjDguiBCTqm5__47Uz", "-a" + String(repeating: "b", count: 40),
                                                     "_c" + String(repeating: "d", count: 40)])
        #expect(sessions.allSatisfy { $0.identifier.count == 42 })
        let alice = try #require(sessions.first { $0.identifier == Self.alice && !$0.trace.isEmpty })
        #expect(alice.db == "prod" && alice.uid == 7 && alice.login == "alice@example.com")
        #expect(alice.trace.first?.ip == "203.0.113.130" && alice.trace.first?.lastActivity == 1_741_986_926_000)
    }

    @Test("revoking an identifier deletes exactly its regular files; links, neighbours and outside files stay")
    func deleting() throws {
        let (root, outside) = try Self.directory()
        let dir = try OdooSessionsDirectory(path: root.path)
        let before = Self.files(root)
        #expect(try dir.delete(Self.alice) == 2)
        let gone = Set(before).subtracting(Self.files(root))
        #expect(gone == ["H0/\(Self.sid(Self.alice))", "H0/\(Self.sid(Self.alice, "y"))"])
        #expect(try String(contentsOf: outside, encoding: .utf8) == "keep me")
        #expect(try dir.delete(Self.alice) == 0)  // twice is harmless
        for bad in ["H0TwA", Self.alice + "x", "H0/../../../etc/passwd_________________", "H0TwA_6pQ_KKAz9wYYtxcJ7SWjDguiBCTqm5__47U*",
                    "H0TwA_6pQ_KKAz9wYYtxcJ7SWjDguiBCTqm5__47U?", "../" + String(repeating: "a", count: 39), ""] {
            #expect(throws: RevokeError.self) { try dir.delete(bad) }
        }
        // The bucket that is a link out of the directory is never entered.
        #expect(try dir.files(of: "Zz" + String(repeating: "a", count: 40)).isEmpty)
        #expect(Set(Self.files(root)) == Set(before).subtracting(gone))
    }

    @Test("revoke_user_sessions plans every session file of that user in that database; a ≤17 session cannot be revoked")
    func plans() throws {
        let (root, _) = try Self.directory()
        let dir = try OdooSessionsDirectory(path: root.path)
        let store = try testStore()
        let items = try store.transaction(now: 0) { tx -> [Revoker.Item] in
            let run = try tx.beginRun(kind: "test", host: "h", rulesHash: nil, geoip: nil)
            let user = Recommendation(id: "R-u", action: .revokeUserSessions, db: "prod", target: "user:alice@example.com",
                                      user: "alice@example.com", sessionIdentifier: nil, sessionKey: nil, severity: .high,
                                      status: "open", findings: [], reasons: ["offboarded"])
            var legacy = user
            legacy.id = "R-l"
            legacy.action = .revokeSession
            legacy.target = "login:bob@198.51.100.41#2025-03-01T09:00:00Z"
            _ = try tx.upsert(recommendation: user, run: run)
            _ = try tx.upsert(recommendation: legacy, run: run)
            try tx.approve("R-u", by: "ann")
            try tx.approve("R-l", by: "ann")
            return try Revoker.plan(tx, sessions: dir)
        }
        let user = try #require(items.first { $0.recommendation.id == "R-u" })
        #expect(Set(user.identifiers) == [Self.alice, "H0TwA_6pQ_KKAz9wYYtxcJ7SWjDguiBCTqm5__47Uz"])
        #expect(user.files == 3 && user.problem == nil)
        #expect(items.first { $0.recommendation.id == "R-l" }?.problem?.contains("reset the user's password") == true)
    }

    @Test("a revocation that failed is planned again, and applying it then records the outcome")
    func failedIsRetried() throws {
        let (root, _) = try Self.directory()
        let sessions = try OdooSessionsDirectory(path: root.path)
        let store = try testStore()
        try store.transaction(now: 0) { tx in
            let run = try tx.beginRun(kind: "test", host: "h", rulesHash: nil, geoip: nil)
            _ = try tx.upsert(recommendation: Recommendation(
                id: "R-A", action: .revokeSession, db: "prod", target: Self.alice, user: "alice@example.com", sessionIdentifier: Self.alice,
                sessionKey: "sid:\(Self.alice)", severity: .high, status: "open", findings: [], reasons: ["r"]), run: run)
            try tx.approve("R-A", by: "ann")
            try tx.recordOutcome("R-A", applied: false, outcome: "Odoo's database was down", by: "ann")
            #expect(try Revoker.plan(tx, sessions: sessions).map(\.recommendation.id) == ["R-A"])
            try tx.recordOutcome("R-A", applied: true, outcome: "deleted", by: "ann")
            #expect(try Revoker.plan(tx, sessions: sessions).isEmpty)
        }
    }

    @Test("session files as an input: a live session with no log line is judged, and logged sessions gain their device")
    func asInput() throws {
        let root = temporaryDirectory().appendingPathComponent("sessions")
        func write(_ identifier: String, _ json: String, modified: String) throws {
            let url = root.appendingPathComponent("\(identifier.prefix(2))/\(Self.sid(identifier))")
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try json.write(to: url, atomically: false, encoding: .utf8)
            try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSince1970: Double(UTC.parse(modified)! / 1000))],
                                                  ofItemAtPath: url.path)
        }
        let eve = "EveSession00000000000000000000000000000001"
        try write(eve, #"{"db": "prod", "login": "eve@example.com", "uid": 12, "_trace": [{"platform": "windows", "browser": "edge", "ip_address": "198.51.100.77", "first_activity": 1741165200, "last_activity": 1741514400}]}"#, modified: "2025-03-09T10:00:00Z")
        try write(Self.alice, #"{"db": "prod", "login": "alice@example.com", "uid": 7, "_trace": [{"platform": "linux", "browser": "chrome", "ip_address": "203.0.113.130", "first_activity": 1741985894, "last_activity": 1741986926}]}"#, modified: "2025-03-14T21:15:26Z")
        let store = try testStore()
        let rules = try RuleLoader.load(directory: samplePath("Rules"))
        let locator = try GeoLocator(city: GeoDatabase(path: samplePath("Samples/geoip/GeoLite2-City-Sample.mmdb")), asn: nil)
        var options = AnalyzeOptions(inputs: ["Samples/logs/odoo.log.2.gz", "Samples/logs/odoo.log.1", "Samples/logs/odoo.log"].map(samplePath),
                                     now: UTC.parse("2025-03-15T00:00:00Z")!)
        options.sessionFiles = root.path
        let result = try Analyzer(rules: rules, locator: locator, store: store).run(options)
        #expect(result.findings.contains { $0.rule == "forgotten-session" && $0.user == "eve@example.com" })
        let alice = try store.read(now: 0) { try $0.sessions(matching: Self.alice) }.first
        #expect(alice?.userAgent == "linux/chrome" && alice?.requests == 20)
    }

    @Test("the device log export (18.0 and later columns) merges devices and revocations; a revoked session's recommendation expires")
    func deviceLog() throws {
        let dir = temporaryDirectory()
        let v18 = dir.appendingPathComponent("device-log-18.csv")
        try """
            id,session_identifier,platform,browser,ip_address,country,city,device_type,user_id,first_activity,last_activity,revoked
            1,\(Self.alice),linux,chrome,203.0.113.130,Brazil,São Paulo,computer,7,2025-03-14 20:58:14.5,2025-03-14 21:15:26,t
            2,hIEJzyWpZ5zSrdo8VANDzUiFM5pmSU01A4U5BmEnfP,windows,firefox,198.51.100.41,Belgium,Brussels,computer,8,2025-03-03 08:05:25,2025-03-14 15:26:07,f
            """.write(to: v18, atomically: true, encoding: .utf8)
        let later = dir.appendingPathComponent("device-log-19.csv")
        try """
            session_identifier,user_agent,ip_address,user_id,first_activity,last_activity,revoked
            hIEJzyWpZ5zSrdo8VANDzUiFM5pmSU01A4U5BmEnfP,"Mozilla/5.0 (Windows NT 10.0; Win64; x64) Gecko/20100101 Firefox/133.0",198.51.100.41,8,2025-03-03 08:05:25,2025-03-14 15:26:07,false
            """.write(to: later, atomically: true, encoding: .utf8)
        let rows = try DeviceLog.sessions(csv: later.path, db: "prod")
        #expect(rows.first?.userAgent?.hasPrefix("Mozilla/5.0 (Windows NT 10.0") == true && rows.first?.revoked == false)
        let store = try testStore(dir)
        let rules = try RuleLoader.load(directory: samplePath("Rules"))
        let locator = try GeoLocator(city: GeoDatabase(path: samplePath("Samples/geoip/GeoLite2-City-Sample.mmdb")), asn: nil)
        var options = AnalyzeOptions(inputs: ["Samples/logs/odoo.log.2.gz", "Samples/logs/odoo.log.1", "Samples/logs/odoo.log"].map(samplePath),
                                     now: UTC.parse("2025-03-15T00:00:00Z")!)
        options.deviceLogs = [("prod", v18.path)]
        let result = try Analyzer(rules: rules, locator: locator, store: store).run(options)
        #expect(result.recommendations.first { $0.user == "alice@example.com" }?.status == "expired")  // Odoo revoked it already
        let bob = try store.read(now: 0) { try $0.sessions(matching: "hIEJzyWpZ5zSrdo8VANDzUiFM5pmSU01A4U5BmEnfP") }.first
        #expect(bob?.userAgent == "windows/firefox" && bob?.requests == 1446 && bob?.revoked == false)
        let bad = dir.appendingPathComponent("bad.csv")
        try "session_identifier,last_activity\nnot-an-id,2025-03-14 10:00:00\n".write(to: bad, atomically: true, encoding: .utf8)
        #expect(throws: RevokeError.self) { try DeviceLog.sessions(csv: bad.path, db: "prod") }
    }
}
