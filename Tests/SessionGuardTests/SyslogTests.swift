import Foundation
import Testing
@testable import SessionGuard

/// Odoo's `--syslog` records (`odoo-facts.md` §1) as rsyslog writes them: local time without a year,
/// no PID, `Odoo Server <version>:<db>:<LEVEL>:<logger>:<message>`.
@Suite("odoo-syslog input")
struct SyslogTests {
    static let brussels = TimeZone(identifier: "Europe/Brussels")!

    /// Reads `text` as a file last changed at `modified`, with syslog times in `zone`.
    func read(_ text: String, modified: String, zone: TimeZone = brussels) throws -> (events: [Event], stats: InputStats, interner: Interner) {
        let path = writeLog(text, name: "syslog.log")
        try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSince1970: TimeInterval(UTC.parse(modified)! / 1000))],
                                              ofItemAtPath: path)
        let interner = Interner()
        let source = EventSource(paths: [path], interner: interner, patterns: OdooPatterns(timeZone: zone))
        var events: [Event] = []
        while let e = source.next() { events.append(e) }
        return (events, source.stats[0], interner)
    }

    @Test("records become the same events as Odoo's own log, at the right UTC time, without PIDs")
    func records() throws {
        let (events, stats, interner) = try read("""
            Mar 14 21:58:14 erp1 Odoo Server 18.0:prod:INFO:odoo.addons.base.models.res_users:Login successful for db:prod login:alice@example.com from 203.0.113.130
            Mar 14 21:58:15 erp1 Odoo Server 18.0:prod:INFO:werkzeug:203.0.113.130 - - [14/Mar/2025 21:58:15] "POST /web/login HTTP/1.1" 303 - 12 0.009 0.031
            Mar  4 09:00:00 erp1 odoo[4212]: Odoo Server 18.0:?:INFO:odoo:Odoo version 18.0
            Mar  4 09:00:01 erp1 CRON[977]: (root) CMD (command -v debian-sa1 > /dev/null && debian-sa1 1 1)
            Mar 14 21:59:00 erp1 Odoo Server 18.0:prod:ERROR:odoo.http:Exception during request handling.
            Traceback (most recent call last):
              File "odoo/http.py", line 1, in dispatch
            """, modified: "2025-03-15T06:00:00Z")
        #expect(stats.format == "odoo-syslog")
        #expect(stats.records == 4 && stats.unparsed == 1 && stats.continuations == 2)  // cron's line is another program's
        #expect(stats.unparsedSamples.first?.reason == "a syslog line of another program")
        #expect(stats.odooVersion == "18.0")
        let login = try #require(events.first { $0.kind == .loginSucceeded })
        #expect(UTC.iso(login.time) == "2025-03-14T20:58:14Z")  // Brussels is UTC+1 in March
        #expect(interner.string(login.login) == "alice@example.com" && interner.string(login.db) == "prod" && login.pid == 0)
        let request = try #require(events.first { $0.kind == .request })
        #expect(interner.string(request.ip) == "203.0.113.130" && request.status == 303 && request.target == .login)
        #expect(events.first { $0.kind == .banner }.map { UTC.iso($0.time) } == "2025-03-04T08:00:00Z")  // with a tag[pid]: prefix
    }

    @Test("the year comes from the file's last change (December records in a January file are last year's); DST is honoured")
    func yearAndDST() throws {
        let (events, _, _) = try read("""
            Dec 31 23:59:59 erp1 Odoo Server 18.0:prod:INFO:odoo.http:Session expired
            Jan  1 00:00:01 erp1 Odoo Server 18.0:prod:INFO:odoo.http:Session expired
            """, modified: "2026-01-01T06:00:00Z")
        #expect(events.map { UTC.iso($0.time) } == ["2025-12-31T22:59:59Z", "2025-12-31T23:00:01Z"])
        let (summer, _, _) = try read("Mar 30 03:30:00 erp1 Odoo Server 18.0:prod:INFO:odoo.http:Session expired\n", modified: "2025-04-01T00:00:00Z")
        #expect(summer.map { UTC.iso($0.time) } == ["2025-03-30T01:30:00Z"])  // CEST, UTC+2, from 02:00 that night
        let (utc, _, _) = try read("Mar 30 03:30:00 erp1 Odoo Server 18.0:prod:INFO:odoo.http:Session expired\n", modified: "2025-04-01T00:00:00Z",
                                   zone: TimeZone(identifier: "UTC")!)
        #expect(utc.map { UTC.iso($0.time) } == ["2025-03-30T03:30:00Z"])
    }

    @Test("the samples' last week written through syslog in Brussels time gives the same sessions and recommendations")
    func samplesThroughSyslog() throws {
        let dir = temporaryDirectory()
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = Self.brussels
        formatter.dateFormat = "MMM dd HH:mm:ss"
        var lines: [String] = []
        let header = try PCRERegex(#"^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d),\d{3} \d+ ([A-Z]+) (\S+) (\S+): ?(.*)$"#).matcher()
        let original = try String(contentsOfFile: samplePath("Samples/logs/odoo.log"), encoding: .isoLatin1)
        for line in original.split(separator: "\n", omittingEmptySubsequences: false) {
            let text = String(line)
            var bytes = Array(text.utf8)
            let converted: String? = bytes.withUnsafeMutableBufferPointer { buffer in
                guard header.match(UnsafeBufferPointer(buffer)), let time = UTC.parse(header.string(1)!.replacingOccurrences(of: " ", with: "T") + "Z")
                else { return nil }
                var stamp = formatter.string(from: Date(timeIntervalSince1970: TimeInterval(time / 1000)))
                if stamp.dropFirst(4).hasPrefix("0") { stamp = String(stamp.prefix(4)) + " " + stamp.dropFirst(5) }  // "Mar  8"
                return "\(stamp) erp1 Odoo Server 18.0:\(header.string(3)!):\(header.string(2)!):\(header.string(4)!):\(header.string(5)!)"
            }
            lines.append(converted ?? text)
        }
        let syslog = writeLog(lines.joined(separator: "\n"), name: "syslog.log", in: dir)
        try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSince1970: 1_742_000_000)], ofItemAtPath: syslog)  // 2025-03-15
        let e2e = EndToEndTests()
        let common = ["--config", "Samples/sessionguard.yml", "--now", "2025-03-15T00:00:00Z", "--json"]
        let viaSyslog = try e2e.run(["analyze", "--store", testStoreURL(dir, "a.sqlite"), "--timezone", "Europe/Brussels"] + common + [syslog])
        let direct = try e2e.run(["analyze", "--store", testStoreURL(dir, "b.sqlite")] + common + ["Samples/logs/odoo.log"])
        func recommendations(_ json: String) throws -> [String] {
            let document = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
            return (document["recommendations"] as? [[String: Any]] ?? []).map { "\($0["id"] ?? "") \($0["severity"] ?? "")" }.sorted()
        }
        #expect(viaSyslog.stdout.contains(#""format" : "odoo-syslog""#) || viaSyslog.stdout.contains(#""format": "odoo-syslog""#))
        let expected = try recommendations(direct.stdout)
        #expect(!expected.isEmpty)
        #expect(try recommendations(viaSyslog.stdout) == expected)
        #expect(try e2e.run(["analyze", "--timezone", "Mars/Olympus"] + common + [syslog]).status == 2)
    }
}
