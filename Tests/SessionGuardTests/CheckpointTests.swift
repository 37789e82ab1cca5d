import Foundation
import Testing
@testable import SessionGuard

/// Exactly-once reading across runs (`design.md` §5): whatever happens to the files between runs —
/// appends, an unfinished last line, rotation, compression, copy-and-truncate — the store ends up as
/// one run over the final content would leave it.
@Suite("Exactly-once reading with checkpoints")
struct CheckpointTests {
    static let now = UTC.parse("2025-03-15T00:00:00Z")!
    /// The sample month's last week, split into parts at record boundaries (and one mid-line).
    static let text = try! String(contentsOfFile: samplePath("Samples/logs/odoo.log"), encoding: .utf8)
    static let lines = text.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map { String($0) + "\n" }

    static func part(_ range: Range<Int>) -> String { lines[range].joined() }

    func analyze(_ paths: [String], store: SessionStore) throws -> AnalysisResult {
        let rules = try RuleLoader.load(directory: samplePath("Rules"))
        let locator = try GeoLocator(city: GeoDatabase(path: samplePath("Samples/geoip/GeoLite2-City-Sample.mmdb")), asn: nil)
        return try Analyzer(rules: rules, locator: locator, store: store).run(AnalyzeOptions(inputs: paths, now: Self.now))
    }

    /// What the logs put into the store (evidence paths aside: files get renamed).
    func fingerprint(_ store: SessionStore) throws -> [String] {
        try store.read(now: Self.now) { tx in
            let sessions = try tx.db.fetchAll(sql: """
                SELECT db, session_key, identifier, uid, login, first_activity, last_activity, request_count, logged_out, revoked,
                       invalidated, probably_logged_out FROM sessions ORDER BY db, session_key
                """).map { "S \($0)" }
            let ips = try tx.db.fetchAll(sql: """
                SELECT s.session_key, i.ip, i.first_seen, i.last_seen, i.requests, i.visits, i.country_code
                FROM session_ips i JOIN sessions s ON s.id = i.session_id ORDER BY s.session_key, i.ip
                """).map { "I \($0)" }
            let auth = try tx.db.fetchAll(sql: "SELECT time_ms, kind, db, login, uid, ip FROM auth_events ORDER BY time_ms, kind, login, ip")
                .map { "A \($0)" }
            return sessions + ips + auth
        }
    }

    func reference(_ content: String) throws -> [String] {
        let dir = temporaryDirectory()
        let store = try testStore(dir)
        _ = try analyze([writeLog(content, in: dir)], store: store)
        return try fingerprint(store)
    }

    func append(_ text: String, to path: String) throws {
        let handle = try #require(FileHandle(forWritingAtPath: path))
        handle.seekToEndOfFile()
        handle.write(Data(text.utf8))
        handle.closeFile()
    }

    @Test("appended lines, and an unfinished last line, are read once")
    func appends() throws {
        let dir = temporaryDirectory()
        let store = try testStore(dir)
        let cut = Self.lines[1500]
        let half = cut.index(cut.startIndex, offsetBy: cut.count / 2)
        let log = writeLog(Self.part(0..<1500) + String(cut[..<half]), in: dir)
        let first = try analyze([log], store: store)
        #expect(first.inputs[0].lines == 1500)  // the unfinished line waits
        try append(String(cut[half...]) + Self.part(1501..<3000), to: log)
        let second = try analyze([log], store: store)
        #expect(second.inputs[0].resumedAfterLine == 1500)
        #expect(second.inputs[0].lines == 1500)
        #expect(first.inputs[0].unparsed + second.inputs[0].unparsed == 2)  // lines 564 and 2045, each once
        let third = try analyze([log], store: store)  // nothing new: nothing read
        #expect(third.inputs[0].lines == 0 && third.newFindings == 0)
        try append(Self.part(3000..<Self.lines.count), to: log)
        _ = try analyze([log], store: store)
        #expect(try fingerprint(store) == reference(Self.text))
    }

    @Test("rotation, compression and copy-and-truncate between runs: every line read once")
    func rotations() throws {
        let dir = temporaryDirectory()
        let store = try testStore(dir)
        let log = dir.appendingPathComponent("odoo.log").path
        let one = log + ".1", two = log + ".2.gz"
        try Self.part(0..<1000).write(toFile: log, atomically: false, encoding: .utf8)
        _ = try analyze([log], store: store)
        // Lines written after the run, then logrotate renames the file and Odoo starts a new one.
        try append(Self.part(1000..<1800), to: log)
        try FileManager.default.moveItem(atPath: log, toPath: one)
        try Self.part(1800..<2600).write(toFile: log, atomically: false, encoding: .utf8)
        let rotated = try analyze([one, log], store: store)
        #expect(rotated.inputs[0].resumedAfterLine == 1000 && rotated.inputs[0].lines == 800)
        // Next night: .1 is compressed to .2.gz, the current file rotated again.
        let gzip = Process()
        gzip.executableURL = URL(fileURLWithPath: "/bin/sh")
        gzip.arguments = ["-c", "gzip -n -c '\(one)' > '\(two)' && rm '\(one)'"]
        try gzip.run()
        gzip.waitUntilExit()
        try append(Self.part(2600..<3300), to: log)
        try FileManager.default.moveItem(atPath: log, toPath: one)
        try Self.part(3300..<3800).write(toFile: log, atomically: false, encoding: .utf8)
        let compressed = try analyze([two, one, log], store: store)
        #expect(compressed.inputs[0].lines == 0 && compressed.inputs[0].resumedAfterLine == 1800)
        // copytruncate: the file is copied to .1 and emptied in place; Odoo goes on writing to it.
        try FileManager.default.removeItem(atPath: one)
        try FileManager.default.copyItem(atPath: log, toPath: one)
        try Self.part(3800..<Self.lines.count).write(toFile: log, atomically: false, encoding: .utf8)
        let truncated = try analyze([one, log], store: store)
        #expect(truncated.inputs[0].lines == 0)
        #expect(truncated.inputs[1].resumedAfterLine == 0 && truncated.inputs[1].lines == Self.lines.count - 3800)
        #expect(try fingerprint(store) == reference(Self.text))
    }

    @Test("a file truncated in place (same beginning, shorter) is not read again: its lines were counted already")
    func truncatedInPlace() throws {
        let dir = temporaryDirectory()
        let store = try testStore(dir)
        let log = writeLog(Self.part(0..<2000), in: dir)
        _ = try analyze([log], store: store)
        let before = try fingerprint(store)
        try Self.part(0..<100).write(toFile: log, atomically: false, encoding: .utf8)  // same head, shorter
        let again = try analyze([log], store: store)
        #expect(again.inputs[0].restarted && again.inputs[0].lines == 0)
        #expect(again.warnings.contains { $0.contains("shorter than what an earlier run read") })
        #expect(try fingerprint(store) == before)
    }

    @Test("a revocation of a session an earlier run left alive is stored, and its recommendation expires")
    func resumedSessionEnds() throws {
        let dir = temporaryDirectory()
        let store = try testStore(dir)
        let log = writeLog(Self.text, in: dir)
        let first = try analyze([log], store: store)
        let alice = try #require(first.recommendations.first { $0.user == "alice@example.com" })
        try append("2025-03-14 23:30:00,000 4214 INFO prod odoo.addons.base.models.res_device: User 6 revokes devices (H0TwA_6pQ_KKAz9wYYtxcJ7SWjDguiBCTqm5__47Uk) \n", to: log)
        let second = try analyze([log], store: store)
        #expect(second.inputs[0].lines == 1)
        let revoked = try store.read(now: 0) { try $0.sessions(matching: "H0TwA_6pQ_KKAz9wYYtxcJ7SWjDguiBCTqm5__47Uk") }
        #expect(revoked.first?.revoked == true)
        #expect(try store.read(now: 0) { try $0.recommendation(id: alice.id) }?.status == "expired")
    }

    @Test("a compressed file whose last line has no newline is read whole: it cannot grow")
    func finalLineWithoutNewline() throws {
        let dir = temporaryDirectory()
        let plain = writeLog(String(Self.part(0..<300).dropLast()), name: "odoo.log.1", in: dir)
        let gzip = Process()
        gzip.executableURL = URL(fileURLWithPath: "/bin/sh")
        gzip.arguments = ["-c", "gzip -n '\(plain)'"]
        try gzip.run()
        gzip.waitUntilExit()
        let store = try testStore(dir)
        let result = try analyze([plain + ".gz"], store: store)
        #expect(result.inputs[0].lines == 300)
        #expect(try analyze([plain + ".gz"], store: store).inputs[0].lines == 0)
    }

    @Test("one content under two names is read once")
    func copies() throws {
        let dir = temporaryDirectory()
        let store = try testStore(dir)
        let log = writeLog(Self.part(0..<500), in: dir)
        let copy = dir.appendingPathComponent("copy.log").path
        try FileManager.default.copyItem(atPath: log, toPath: copy)
        let result = try analyze([log, copy], store: store)
        #expect(result.inputs.count == 1)
        #expect(result.warnings.contains { $0.contains("same content") })
    }
}

/// `ingest` and `detect` as runs of their own (`design.md` §2).
@Suite("Ingest and detect phases")
struct PhaseTests {
    static let now = UTC.parse("2025-03-15T00:00:00Z")!
    static let logs = ["Samples/logs/odoo.log.2.gz", "Samples/logs/odoo.log.1", "Samples/logs/odoo.log"].map(samplePath)

    func run(_ store: SessionStore, _ inputs: [String], ingest: Bool = true, detect: Bool = true,
             partition: (Int, Int)? = nil) throws -> AnalysisResult {
        let rules = try RuleLoader.load(directory: samplePath("Rules"))
        let locator = try GeoLocator(city: GeoDatabase(path: samplePath("Samples/geoip/GeoLite2-City-Sample.mmdb")),
                                     asn: GeoDatabase(path: samplePath("Samples/geoip/GeoLite2-ASN-Sample.mmdb")))
        var options = AnalyzeOptions(inputs: inputs, now: Self.now)
        options.ingest = ingest
        options.detect = detect
        options.partition = partition
        return try Analyzer(rules: rules, locator: locator, store: store).run(options)
    }

    func store() throws -> SessionStore { try testStore() }

    @Test("ingest, then detect, finds what analyze finds; a second detect finds nothing new")
    func split() throws {
        let whole = try run(try store(), Self.logs)
        let s = try store()
        let ingested = try run(s, Self.logs, detect: false)
        #expect(ingested.findings.isEmpty && ingested.sessions.count == whole.sessions.count)
        let detected = try run(s, [], ingest: false)
        #expect(detected.findings.map(\.id).sorted() == whole.findings.map(\.id).sorted())
        #expect(detected.recommendations.map(\.id).sorted() == whole.recommendations.map(\.id).sorted())
        let again = try run(s, [], ingest: false)
        #expect(again.newFindings == 0 && again.newRecommendations == 0)
    }

    @Test("request_match findings survive the split: ingest keeps what the watches saw for detect")
    func matchesKept() throws {
        let dir = temporaryDirectory()
        let rules = dir.appendingPathComponent("rules")
        try FileManager.default.createDirectory(at: rules, withIntermediateDirectories: true)
        try "id: x\ndetector: request_match\nseverity: low\nparams: { path: '^/web/export/xlsx' }\n"
            .write(to: rules.appendingPathComponent("x.yml"), atomically: true, encoding: .utf8)
        let loaded = try RuleLoader.load(directory: rules.path)
        let s = try store()
        let analyzer = Analyzer(rules: loaded, locator: GeoLocator(city: nil, asn: nil), store: s)
        var ingest = AnalyzeOptions(inputs: Self.logs, now: Self.now)
        ingest.detect = false
        _ = try analyzer.run(ingest)
        var detect = AnalyzeOptions(inputs: [], now: Self.now)
        detect.ingest = false
        let found = try analyzer.run(detect)
        #expect(found.findings.contains { $0.user == "alice@example.com" && $0.summary.contains("/web/export/xlsx") })
    }

    @Test("detect --partition K/N: the parts together find what one detect finds, each user in one part")
    func partitions() throws {
        let whole = try run(try store(), Self.logs)
        let s = try store()
        _ = try run(s, Self.logs, detect: false)
        let one = try run(s, [], ingest: false, partition: (1, 2))
        let two = try run(s, [], ingest: false, partition: (2, 2))
        #expect(Set(one.findings.map(\.user)).isDisjoint(with: two.findings.map(\.user)))
        #expect((one.findings + two.findings).map(\.id).sorted() == whole.findings.map(\.id).sorted())
        let parts = Set(["alice@example.com", "bob@example.com", "carol@example.com", "dave@example.com", "admin"]
            .map { Analyzer.partition(db: "prod", user: $0, count: 2) })
        #expect(parts == [1, 2])  // both parts get users, and nothing falls outside 1...2
        #expect(Analyzer.partition(db: "prod", user: "alice@example.com", count: 1) == 1)
    }
}
