import Foundation
@testable import SessionGuard

/// The package root, found from this file's location.
let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

func samplePath(_ relative: String) -> String { packageRoot.appendingPathComponent(relative).path }

/// One folder per test process for everything the tests write; removed when the process exits.
private let testRoot: URL = {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("sessionguard-tests-\(getpid())")
    try? FileManager.default.removeItem(at: url)
    try! FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    atexit {
        try? FileManager.default.removeItem(
            at: FileManager.default.temporaryDirectory.appendingPathComponent("sessionguard-tests-\(getpid())"))
    }
    return url
}()

/// A fresh temporary directory for one test.
func temporaryDirectory() -> URL {
    let url = testRoot.appendingPathComponent(UUID().uuidString)
    try! FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

/// Writes `text` to a temporary log file and returns its path.
func writeLog(_ text: String, name: String = "odoo.log", in dir: URL = temporaryDirectory()) -> String {
    let path = dir.appendingPathComponent(name).path
    try! text.write(toFile: path, atomically: true, encoding: .utf8)
    return path
}

/// Parses log text with the real parser and returns the events, the stats and the interner.
func parse(_ text: String) -> (events: [Event], stats: InputStats, interner: Interner) {
    let interner = Interner()
    let parser = OdooLogParser(interner: interner, patterns: OdooPatterns(), stream: 0)
    _ = parser.begin(file: 0, path: "test.log")
    var events: [Event] = []
    var bytes = Array(text.utf8)
    bytes.withUnsafeMutableBufferPointer { buffer in
        _ = parser.parse(UnsafeBufferPointer(buffer), into: &events)
    }
    parser.flush(into: &events)
    return (events, parser.finish(), interner)
}

/// Parses and sessionizes log text.
func sessionize(_ text: String, options: Sessionizer.Options = .init()) -> (sessions: [Session], counters: Sessionizer.Counters) {
    let (events, _, interner) = parse(text)
    let s = Sessionizer(interner: interner, options: options)
    for e in events.sorted(by: { $0.time < $1.time }) { s.consume(e) }
    return (s.finish(paths: ["test.log"]).sessions, s.counters)
}
