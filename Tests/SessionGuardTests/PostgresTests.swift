import Foundation
import Testing
@testable import SessionGuard

/// What only the PostgreSQL backend has: its own spelling of `sg_merge_visits`, array literals for
/// bulk writes, connection errors. (Everything else runs in the whole suite on both backends.)
@Suite("PostgreSQL store", .enabled(if: testsOnPostgres))
struct PostgresTests {
    @Test("sg_merge_visits in PL/pgSQL merges exactly as Visits.mergeEncoded does in SQLite")
    func mergeVisitsAgrees() throws {
        let store = try testStore()
        var generator = SystemRandomNumberGenerator()
        var cases: [(String, String)] = [
            ("", ""), ("1-2", ""), ("", "5-9"), ("10-20", "15-30"), ("0-0", "1800000-1800000"), ("0-0", "1800001-1800001"),
            ("1-2,junk,3-x,9-4,-5,7-", "4-5"), ("123456789012345678-123456789012345679", "1234567890123456789-1234567890123456790"),
        ]
        // Long lists: the oldest beyond `Visits.limit` are forgotten.
        let many = (0..<300).map { "\(Millis($0) * 3_600_000)-\(Millis($0) * 3_600_000 + 60_000)" }.joined(separator: ",")
        cases.append((many, "1-2"))
        cases.append((many, "\(Millis(299) * 3_600_000 + 30_000)-\(Millis(400) * 3_600_000)"))  // joins the last, then drops the oldest
        cases.append((many, "\(Millis(310) * 3_600_000)-\(Millis(311) * 3_600_000),\(Millis(320) * 3_600_000)-\(Millis(321) * 3_600_000)"))
        cases.append(("100-200", "150-160,5000000-5000001"))  // the common case: starts within the last visit
        cases.append(("100-200,1900000-1900100", "1900050-1900060"))
        for _ in 0..<200 {
            func list() -> String {
                var visits: [Visit] = []
                for _ in 0..<Int.random(in: 0...12, using: &generator) {
                    let start = Millis.random(in: 0...86_400_000, using: &generator)
                    visits.append(Visit(start, start + Millis.random(in: 0...7_200_000, using: &generator)))
                }
                var merged: [Visit] = []
                Visits.merge(&merged, visits)
                return Visits.encode(merged)
            }
            cases.append((list(), list()))
            // What a later run adds: visits from the stored list's last start on.
            let stored = list()
            let from = Visits.decode(stored).last?.start ?? 0
            let later = (0..<Int.random(in: 1...4, using: &generator)).map { _ in
                let start = from + Millis.random(in: 0...14_400_000, using: &generator)
                return Visit(start, start + Millis.random(in: 0...3_600_000, using: &generator))
            }
            var added: [Visit] = []
            Visits.merge(&added, later)
            cases.append((stored, Visits.encode(added)))
        }
        try store.read(now: 0) { tx in
            for (a, b) in cases {
                let merged: String? = try tx.db.value(sql: "SELECT sg_merge_visits(?, ?)", arguments: [a, b])
                #expect(merged == Visits.mergeEncoded(a, b), "\(a.prefix(80)) + \(b.prefix(80))")
            }
        }
    }

    @Test("bulk writes carry any text (quotes, backslashes, braces, commas, NULL, non-ASCII) and repeated keys")
    func bulkText() throws {
        let store = try testStore()
        let awkward = [#"say "hi""#, #"back\slash"#, "{braces}", "a,b", "NULL", "", " spaced ", "Zürich 東京 🚀", "line\nbreak", "tab\t"]
        try store.transaction(now: 0) { tx in
            try tx.db.execute(sql: "CREATE TEMP TABLE t (k TEXT PRIMARY KEY, v TEXT, n BIGINT, x DOUBLE PRECISION)")
            var rows: [[SQLValue]] = awkward.enumerated().map { i, text in [.text(text), .text(text), .integer(Int64(i)), .real(Double(i) / 3)] }
            rows.append([.text("nothing"), .null, .null, .null])
            rows.append([.text("a,b"), .text("second"), .integer(-1), .real(-0.5)])  // the same key again: a later round
            _ = try tx.db.insertMany(into: "t", columns: [SQLColumn("k", .text), SQLColumn("v", .text), SQLColumn("n", .integer),
                                                          SQLColumn("x", .real)],
                                     rows: rows, key: [0], tail: "ON CONFLICT (k) DO UPDATE SET v = excluded.v, n = excluded.n")
            for (i, text) in awkward.enumerated() where text != "a,b" {
                let row = try #require(try tx.db.fetchOne(sql: "SELECT v, n, x FROM t WHERE k = ?", arguments: [text]))
                #expect(row[0] as String? == text)
                #expect(row[1] as Int? == i)
                #expect(abs((row[2] as Double? ?? 0) - Double(i) / 3) < 1e-12)
            }
            #expect(try tx.db.value(sql: "SELECT v FROM t WHERE k = 'a,b'") == "second")
            #expect(try tx.db.fetchOne(sql: "SELECT v, n FROM t WHERE k = 'nothing'")?.values == [.null, .null])
            try tx.db.execute(sql: "DROP TABLE t")
        }
    }

    @Test("a detect waits for the ingests in flight, so that none commits behind it unseen")
    func detectWaitsForIngests() throws {
        /// When something happened, set from another thread.
        final class Moment: @unchecked Sendable {
            private let lock = NSLock()
            private var date: Date?
            func mark() { lock.withLock { date = Date() } }
            var value: Date? { lock.withLock { date } }
        }
        let url = testStoreURL()
        let detect = try SessionStore.open(url: url)
        let committed = Moment(), started = Moment()
        let ingesting = Thread {
            guard let ingest = try? SessionStore.open(url: url) else { return }
            try? ingest.transaction(now: 0) { tx in
                try tx.lock("detect", shared: true)
                _ = try tx.beginRun(kind: "ingest", host: "a", rulesHash: nil, geoip: nil)
                started.mark()
                Thread.sleep(forTimeInterval: 0.8)
            }
            committed.mark()
        }
        ingesting.start()
        while started.value == nil { Thread.sleep(forTimeInterval: 0.02) }
        let judging = try detect.transaction(now: 0) { tx in
            try tx.lock("detect")
            let at = Date()
            #expect(try tx.count("runs") == 1)  // the ingest's run is there: it committed first
            return at
        }
        // It waited for the ingest (which held on for 0.8 s after starting its run), and saw its run.
        #expect(judging.timeIntervalSince(try #require(started.value)) >= 0.7)
        while committed.value == nil { Thread.sleep(forTimeInterval: 0.02) }
    }

    @Test("a connection the server dropped while idle is opened again for the next statement")
    func reconnects() throws {
        let server = try #require(ProcessInfo.processInfo.environment["SESSIONGUARD_TEST_POSTGRES"])
        let idle = try PostgresConnection(server)
        let pid: Int = try #require(try idle.value(sql: "SELECT pg_backend_pid()"))
        try PostgresConnection(server).execute(sql: "SELECT pg_terminate_backend(CAST(? AS integer))", arguments: [pid])
        Thread.sleep(forTimeInterval: 0.3)
        #expect(try idle.value(sql: "SELECT 41 + ?", arguments: [1]) == 42)
        #expect(try idle.value(sql: "SELECT pg_backend_pid()") != pid)
    }

    @Test("an unreachable server or a wrong database is a clear error that shows no password")
    func connectionErrors() throws {
        #expect {
            _ = try SessionStore.open(url: "postgres://someone:s3cret@127.0.0.1:1/nowhere?connect_timeout=2")
        } throws: { error in
            let text = "\(error)"
            return text.contains("cannot connect to PostgreSQL") && !text.contains("s3cret")
        }
        let server = try #require(ProcessInfo.processInfo.environment["SESSIONGUARD_TEST_POSTGRES"])
        let wrong = server.hasPrefix("postgresql://postgres@/postgres")
            ? server.replacingOccurrences(of: "@/postgres", with: "@/no_such_database")
            : server.replacingOccurrences(of: "/postgres", with: "/no_such_database")
        #expect {
            _ = try SessionStore.open(url: wrong)
        } throws: { "\($0)".contains("no_such_database") }
    }

    @Test("the store says where it went without credentials; `--store postgres://` alone takes libpq's PG* environment")
    func environment() throws {
        let store = try testStore()
        #expect(store.isPostgres)
        #expect(store.location.hasPrefix("postgres@") && store.location.hasSuffix("/postgres"), "\(store.location)")

        // The URL the test store got, taken apart into the variables every PostgreSQL tool reads.
        let url = try #require(URLComponents(string: testStoreURL()))
        let schema = try #require(url.queryItems?.first { $0.name == "options" }?.value?.replacingOccurrences(of: "-csearch_path=", with: ""))
        var environment = ProcessInfo.processInfo.environment
        environment["PGHOST"] = url.queryItems?.first { $0.name == "host" }?.value ?? url.host
        environment["PGPORT"] = url.queryItems?.first { $0.name == "port" }?.value ?? url.port.map(String.init)
        environment["PGUSER"] = url.user
        environment["PGDATABASE"] = String(url.path.dropFirst())
        environment["PGOPTIONS"] = "-csearch_path=\(schema)"
        let p = Process()
        p.executableURL = URL(fileURLWithPath: EndToEndTests.binary)
        p.arguments = ["analyze", "--config", "Samples/sessionguard.yml", "--now", "2025-03-15T00:00:00Z", "--store", "postgres://",
                       "Samples/logs/odoo.log"]
        p.environment = environment
        p.currentDirectoryURL = packageRoot
        let out = Pipe()
        p.standardOutput = out
        p.standardError = FileHandle.nullDevice
        try p.run()
        let summary = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        #expect(p.terminationStatus == 0 || p.terminationStatus == 1)
        #expect(summary.contains("Store: postgres@"), "\(summary)")
        let direct = try SessionStore.open(url: url.string!)
        #expect(try direct.read(now: 0) { try $0.count("sessions") } > 0)
    }
}
