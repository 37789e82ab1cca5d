import Foundation
import Testing
@testable import SessionGuard

@Suite("SQLite store")
struct StoreTests {
    func session(requests: Int, last: String) -> Session {
        Session(db: "prod", key: "sid:S1", identifier: "S1", uid: 7, login: "alice@example.com",
                firstActivity: UTC.parse("2025-03-14T09:00:00Z")!, lastActivity: UTC.parse(last)!, requests: requests,
                ips: [SessionIP(ip: "198.51.100.10", firstSeen: UTC.parse("2025-03-14T09:00:00Z")!, lastSeen: UTC.parse(last)!,
                                requests: requests, firstEvidence: Evidence(file: "odoo.log", line: 3))],
                loggedOut: false, revoked: false, invalidated: false, userAgent: nil, firstEvidence: Evidence(file: "odoo.log", line: 3),
                lastEvidence: Evidence(file: "odoo.log", line: 9), source: "odoo-log")
    }

    @Test("the store file is created with mode 0600 and migrated")
    func mode() throws {
        let path = temporaryDirectory().appendingPathComponent("s.sqlite").path
        let store = try SessionStore.open(url: "sqlite:\(path)")
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        #expect(try store.read(now: 0) { try $0.count("sessions") } == 0)
    }

    @Test("merging a session again adds what is new: times widen, requests add up (checkpoints keep lines from being read twice)")
    func additiveMerge() throws {
        let store = try testStore()
        try store.transaction(now: 0) { tx in
            let run = try tx.beginRun(kind: "test", host: "h", rulesHash: nil, geoip: nil)
            _ = try tx.upsert(sessions: [session(requests: 5, last: "2025-03-14T10:00:00Z")], run: run)
        }
        let (count, loaded) = try store.read(now: 0) { tx in (try tx.count("sessions"), try tx.sessions(ids: [1])) }
        #expect(count == 1)
        #expect(loaded.first?.requests == 5)
        try store.transaction(now: 0) { tx in
            let run = try tx.beginRun(kind: "test", host: "h", rulesHash: nil, geoip: nil)
            _ = try tx.upsert(sessions: [session(requests: 3, last: "2025-03-15T10:00:00Z")], run: run)
        }
        let widened = try store.read(now: 0) { try $0.sessions(ids: [1]) }.first
        #expect(widened?.requests == 8)
        #expect(widened.map { UTC.iso($0.lastActivity) } == "2025-03-15T10:00:00Z")
        #expect(widened?.lastEvidence == Evidence(file: "odoo.log", line: 9))
    }

    @Test("visit lists are stored merged, whatever the source gave, and merge the same way on every backend")
    func visitsStoredMerged() throws {
        let store = try testStore()
        // Two points of one stretch, as session files and the device log give them (under 30 minutes apart).
        var first = session(requests: 1, last: "2025-03-14T10:00:00Z")
        first.ips[0].visits = [Visit(1_000, 1_000), Visit(2_000, 2_000)]
        var later = session(requests: 1, last: "2025-03-15T10:00:00Z")
        later.ips[0].visits = [Visit(2_500, 2_500), Visit(5_000_000, 5_000_000)]
        for s in [first, later] {
            try store.transaction(now: 0) { tx in
                let run = try tx.beginRun(kind: "test", host: "h", rulesHash: nil, geoip: nil)
                _ = try tx.upsert(sessions: [s], run: run)
            }
        }
        let visits = try store.read(now: 0) { try $0.sessions(ids: [1]) }.first?.ips.first?.visits
        #expect(visits == [Visit(1_000, 2_500), Visit(5_000_000, 5_000_000)])
    }

    @Test("a PostgreSQL URL libpq cannot parse is an error that shows no password; postgres: without // is not a file name")
    func postgresURLErrors() throws {
        for url in ["postgres://sg:s3cretPW@[::1/db", "postgres://sg:s3cret%zzPW@localhost/db"] {
            #expect {
                _ = try SessionStore.open(url: url)
            } throws: { error in
                !"\(error)".contains("s3cret") && "\(error)".contains("PostgreSQL")
            }
        }
        let dir = temporaryDirectory()
        #expect(throws: StoreError.self) { _ = try SessionStore.open(url: "postgres:\(dir.path)/db") }
        #expect(!FileManager.default.fileExists(atPath: "postgres:\(dir.path)/db"))
    }

    @Test("a run without GeoIP keeps the places an earlier run stored")
    func keepsPlaces() throws {
        let store = try testStore()
        var placed = session(requests: 5, last: "2025-03-14T10:00:00Z")
        var l = GeoLocation()
        l.countryCode = "BE"
        l.asn = 5432
        placed.ips[0].placement = .located(l)
        for s in [placed, session(requests: 5, last: "2025-03-14T10:00:00Z")] {
            try store.transaction(now: 0) { tx in
                let run = try tx.beginRun(kind: "test", host: "h", rulesHash: nil, geoip: nil)
                _ = try tx.upsert(sessions: [s], run: run)
            }
        }
        let loaded = try store.read(now: 0) { try $0.sessions(ids: [1]) }
        #expect(loaded.first?.ips.first?.placement.location?.countryCode == "BE")
    }

    @Test("a new place replaces the old one whole: never a country from one and a city from another")
    func wholePlaces() throws {
        let store = try testStore()
        var paris = GeoLocation()
        paris.countryCode = "FR"
        paris.region = "Île-de-France"
        paris.city = "Paris"
        var germany = GeoLocation()
        germany.countryCode = "DE"
        for place in [paris, germany] {
            var s = session(requests: 5, last: "2025-03-14T10:00:00Z")
            s.ips[0].placement = .located(place)
            try store.transaction(now: 0) { tx in
                let run = try tx.beginRun(kind: "test", host: "h", rulesHash: nil, geoip: nil)
                _ = try tx.upsert(sessions: [s], run: run)
            }
        }
        let l = try store.read(now: 0) { try $0.sessions(ids: [1]) }.first?.ips.first?.placement.location
        #expect(l?.countryCode == "DE")
        #expect(l?.city == nil)
        #expect(l?.region == nil)
    }

    @Test("a failed transaction leaves the store as it was")
    func rollback() throws {
        let store = try testStore()
        struct Boom: Error {}
        #expect(throws: Boom.self) {
            try store.transaction(now: 0) { tx in
                let run = try tx.beginRun(kind: "test", host: "h", rulesHash: nil, geoip: nil)
                _ = try tx.upsert(sessions: [session(requests: 5, last: "2025-03-14T10:00:00Z")], run: run)
                throw Boom()
            }
        }
        #expect(try store.read(now: 0) { try $0.count("sessions") + $0.count("runs") } == 0)
    }

    @Test("PostgreSQL URLs are refused clearly until that backend exists")
    func postgres() {
        #expect(throws: StoreError.self) { try SessionStore.open(url: "postgres://localhost/sg") }
    }
}

extension StoreTests {
    @Test("an existing store that others could read is tightened to 0600")
    func tightens() throws {
        let path = temporaryDirectory().appendingPathComponent("s.sqlite").path
        _ = FileManager.default.createFile(atPath: path, contents: nil, attributes: [.posixPermissions: 0o644])
        _ = try SessionStore(path: path)
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
    }

    @Test("JSON read back keeps key order, escapes and numbers")
    func jsonRoundTrip() throws {
        let value = JSON.object([
            ("z", .int(-3)), ("a", .double(2.5)), ("s", .string("<script>\"x\"\n\u{1F600}\u{7}")),
            ("n", .null), ("b", .bool(false)), ("list", .array([.int(1), .object([]), .array([])])),
        ])
        #expect(JSON.parse(value.serialized()) == value)
        #expect(JSON.parse(value.serialized(pretty: true)) == value)
        #expect(JSON.parse("{\"a\": 1,}") == nil)
        #expect(JSON.parse("[1, 2") == nil)
        #expect(JSON.parse("\"\\ud83d\\ude00\"") == .string("\u{1F600}"))
        #expect(JSON.parse("[\"\\ud800\\u0041\"]") == nil)  // a high surrogate without its low half: malformed, not a crash
    }

    @Test("anchored patterns get a literal prefix that only ever rejects subjects PCRE2 would reject")
    func literalPrefixes() throws {
        let cases: [(String, String)] = [
            ("^/web/export/(xlsx|csv)", "/web/export/"), ("^POST$", "POST"), ("^ab*c", "a"), ("^ab?", "a"),
            ("^a{2}b", ""), ("^Login (successful|failed)", "Login "), ("^/a|/b", ""), ("/web", ""), ("^[|]x", ""),
            ("^x[a|b]y", ""), ("^\\d+", ""), ("^abc\\Q(\\E|xyz", ""), ("^abc(?#(|)x|xyz", ""), ("^abc[](]|xyz", ""),
            ("^abc[[:alpha:](]|xyz", ""), ("^/web/export/(xlsx|csv)", "/web/export/"), ("^(?i)post", ""), ("^odoo\\.service", "odoo"), ("^é", ""),
        ]
        for (pattern, prefix) in cases {
            #expect(String(decoding: try PCRERegex(pattern).literalPrefix, as: UTF8.self) == prefix, "\(pattern)")
        }
        #expect(try PCRERegex("^post", caseless: true).literalPrefix.isEmpty)
        let r = try PCRERegex("^/web/export/(xlsx|csv)")
        for (subject, expected) in [("/web/export/xlsx", true), ("/web/export/pdf", false), ("/web/exp", false), ("", false), ("x/web/export/csv", false)] {
            #expect(r.matches(subject) == expected, "\(subject)")
        }
        #expect(try PCRERegex("^/a|/b").matches("x/b"))
        for tricky in ["^abc\\Q(\\E|xyz", "^abc(?#(|)x|xyz", "^abc[](]|xyz", "^abc[[:alpha:](]|xyz"] {
            #expect(try PCRERegex(tricky).matches("xyz"), "\(tricky)")
        }
        let post = try PCRERegex("^POST$")
        #expect(post.matches("POST") && !post.matches("POSTS") && !post.matches("GET") && post.matches("POST\n"))
    }

    @Test("a store in a folder that does not exist yet gets the folder, readable by its owner only")
    func missingFolder() throws {
        let path = temporaryDirectory().appendingPathComponent("a/b/store.sqlite").path
        _ = try SessionStore(path: path)
        let folder = try FileManager.default.attributesOfItem(atPath: (path as NSString).deletingLastPathComponent)
        #expect((folder[.posixPermissions] as? Int) == 0o700)
        #expect(FileManager.default.fileExists(atPath: path))
    }

    @Test("a closed recommendation keeps what it was decided on: new findings on its target open a new one")
    func closedRecommendation() throws {
        let store = try testStore()
        func draft(_ findings: [String]) -> Recommendation {
            Recommendation(id: "R-1", action: .revokeSession, db: "prod", target: "SID", user: "alice", sessionIdentifier: "SID",
                           sessionKey: "sid:SID", severity: .high, status: "open", findings: findings, reasons: ["r"])
        }
        try store.transaction(now: 0) { tx in
            let run = try tx.beginRun(kind: "test", host: "h", rulesHash: nil, geoip: nil)
            for id in ["F-1", "F-2"] {
                try tx.db.execute(sql: """
                    INSERT INTO findings (id, rule, detector, severity, db, "user", session_key, first_seen, last_seen, summary, facts,
                                          evidence, recommend, rule_hash, first_run, last_run)
                    VALUES (?, 'r', 'd', 'high', 'prod', 'alice', 'sid:SID', 't', 't', 's', '{}', '[]', 'revoke_session', 'h', ?, ?)
                    """, arguments: [id, run, run])
            }
            _ = try tx.upsert(recommendation: draft(["F-1"]), run: run)
            try tx.dismiss("R-1", by: "ann", reason: "known", suppressDays: 0)
            let (same, sameIsNew) = try tx.upsert(recommendation: draft(["F-1"]), run: run)
            #expect(same.id == "R-1" && same.status == "dismissed" && !sameIsNew)
            let (fresh, isNew) = try tx.upsert(recommendation: draft(["F-1", "F-2"]), run: run)
            #expect(isNew && fresh.id != "R-1" && fresh.status == "open")
        }
    }
}
