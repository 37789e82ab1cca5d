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

/// Which backend the store tests run on: SQLite files, or with `SESSIONGUARD_TEST_STORE=postgres`
/// the PostgreSQL server `SESSIONGUARD_TEST_POSTGRES` names (`scripts/with-postgres` starts one;
/// `make test` runs the suite once on each).
let testsOnPostgres = ProcessInfo.processInfo.environment["SESSIONGUARD_TEST_STORE"] == "postgres"

/// The URL of a test store named `name` in `dir`: the SQLite file there, or in PostgreSQL a schema
/// of its own (the same for the same directory and name, so a test can open it again).
func testStoreURL(_ dir: URL = temporaryDirectory(), _ name: String = "s.sqlite") -> String {
    let path = dir.appendingPathComponent(name).path
    guard testsOnPostgres else { return "sqlite:\(path)" }
    guard let server = ProcessInfo.processInfo.environment["SESSIONGUARD_TEST_POSTGRES"] else {
        fatalError("SESSIONGUARD_TEST_STORE=postgres needs SESSIONGUARD_TEST_POSTGRES (run through scripts/with-postgres)")
    }
    let schema = "t_" + StableHash.hex([path])
    do {
        try PostgresConnection(server).execute(sql: "CREATE SCHEMA IF NOT EXISTS \(schema)")
    } catch {
        fatalError("cannot create the test schema in \(server): \(error)")
    }
    return server + (server.contains("?") ? "&" : "?") + "options=-csearch_path%3D\(schema)"
}

/// A fresh (or, for the same directory and name, the same) test store.
func testStore(_ dir: URL = temporaryDirectory(), _ name: String = "s.sqlite") throws -> SessionStore {
    try SessionStore.open(url: testStoreURL(dir, name))
}
