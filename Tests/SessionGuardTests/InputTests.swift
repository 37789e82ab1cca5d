import Foundation
import Testing
@testable import SessionGuard

@Suite("Reading inputs")
struct InputTests {
    func lines(_ path: String) throws -> [String] {
        let reader = try ChunkedReader(path: path)
        var text = ""
        while let chunk = try reader.next() { text += String(decoding: chunk, as: UTF8.self) }
        return text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    }

    @Test("a plain file is read whole, including a last line without newline")
    func plain() throws {
        let path = writeLog("a\nb\nc")
        #expect(try lines(path) == ["a", "b", "c"])
    }

    @Test(".gz files with several gzip members inflate completely")
    func gzip() throws {
        let dir = temporaryDirectory()
        let path = dir.appendingPathComponent("odoo.log.2.gz").path
        let script = "printf 'one\\ntwo\\n' | gzip > \(path) && printf 'three\\n' | gzip >> \(path)"
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/sh")
        p.arguments = ["-c", script]
        try p.run()
        p.waitUntilExit()
        #expect(try lines(path) == ["one", "two", "three", ""])
    }

    @Test("a truncated .gz file is an input error naming the file")
    func truncatedGzip() throws {
        let dir = temporaryDirectory()
        let path = dir.appendingPathComponent("bad.gz").path
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/sh")
        p.arguments = ["-c", "seq 1 100000 | gzip | head -c 20000 > \(path)"]
        try p.run()
        p.waitUntilExit()
        #expect(throws: InputError.self) { _ = try lines(path) }
        #expect(throws: InputError.self) { _ = try ChunkedReader(path: dir.appendingPathComponent("missing.log").path) }
    }

    @Test("rotated files are grouped into one set and read oldest first")
    func rotation() {
        #expect(RotatedSets.base(of: "/var/log/odoo/odoo.log.2.gz") == "/var/log/odoo/odoo.log")
        #expect(RotatedSets.base(of: "odoo.log.1") == "odoo.log")
        #expect(RotatedSets.base(of: "odoo.log.2025-03-01") == "odoo.log")
        #expect(RotatedSets.base(of: "odoo.log-20250301.gz") == "odoo.log")
        let times = ["odoo.log": Millis(300), "odoo.log.1": 200, "odoo.log.2.gz": 100, "other.log": 50]
        let streams = RotatedSets.streams(["odoo.log", "odoo.log.1", "other.log", "odoo.log.2.gz"]) { times[$0] }
        #expect(streams == [["odoo.log.2.gz", "odoo.log.1", "odoo.log"], ["other.log"]])
    }

    @Test("two hosts' logs are merged record by record in time order")
    func merge() throws {
        let dir = temporaryDirectory()
        let a = writeLog("""
            2025-03-14 09:00:00,000 1 INFO prod werkzeug: 192.0.2.1 - - [14/Mar/2025 09:00:00] "GET /a HTTP/1.1" 200 - 1 0.001 0.001
            2025-03-14 09:00:02,000 1 INFO prod werkzeug: 192.0.2.1 - - [14/Mar/2025 09:00:02] "GET /a HTTP/1.1" 200 - 1 0.001 0.001
            """, name: "host-a.log", in: dir)
        let b = writeLog("""
            2025-03-14 09:00:01,000 1 INFO prod werkzeug: 192.0.2.2 - - [14/Mar/2025 09:00:01] "GET /b HTTP/1.1" 200 - 1 0.001 0.001
            """, name: "host-b.log", in: dir)
        let source = EventSource(paths: [a, b], interner: Interner(), patterns: OdooPatterns())
        var order: [Int32] = []
        while let e = source.next() { order.append(e.origin.file) }
        #expect(order == [0, 1, 0])
        #expect(source.stats.map(\.lines) == [2, 1])
    }

    @Test("UTC helpers round-trip and reject nonsense")
    func utc() {
        #expect(UTC.iso(UTC.parse("2025-03-14T09:26:53Z")!) == "2025-03-14T09:26:53Z")
        #expect(UTC.parse("2025-03-14T11:26:53+02:00") == UTC.parse("2025-03-14T09:26:53Z"))
        #expect(UTC.parse("2024-02-29") == Millis(UTC.days(year: 2024, month: 2, day: 29)) * 86_400_000)
        #expect(UTC.parse("yesterday") == nil)
        #expect(Duration.parseSeconds("7d") == 604_800)
        #expect(Duration.parseSeconds("soon") == nil)
    }
}

extension InputTests {
    func gz(_ script: String) throws -> String {
        let path = temporaryDirectory().appendingPathComponent("x.log.gz").path
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/sh")
        p.arguments = ["-c", script.replacingOccurrences(of: "OUT", with: path)]
        try p.run()
        p.waitUntilExit()
        return path
    }

    @Test("a damaged .gz yields every line before the damage, then the error")
    func partialGzip() throws {
        let path = try gz("seq 1 200000 | gzip | head -c 300000 > OUT")
        let reader = try ChunkedReader(path: path)
        var lines = 0
        var failure: InputError?
        do {
            while let chunk = try reader.next() { lines += chunk.filter { $0 == 0x0A }.count }
        } catch { failure = error }
        #expect(failure != nil)
        #expect(lines > 50_000)
    }

    @Test("zero padding after a complete gzip member is not an error; an empty .gz file is empty")
    func paddedGzip() throws {
        #expect(try lines(try gz("printf 'a\\nb\\n' | gzip > OUT && head -c 1024 /dev/zero >> OUT")) == ["a", "b", ""])
        #expect(try lines(try gz(": > OUT")) == [""])
    }

    @Test("odd values in rules and configuration are refused, not crashed on")
    func oddValues() {
        #expect(CIDR("/") == nil)
        #expect(CIDR("") == nil)
        #expect(Duration.parseSeconds("999999999999999999d") == nil)
        #expect(Duration.parseSeconds("99999999999999999999") == nil)
    }
}
