import Foundation

/// Runs the rules' `tests:` (`sessionguard rules test`): each case analyses its log alone, with
/// only its rule, into a throw-away store, and checks which users the rule flagged.
public enum RuleTests {
    public struct Outcome: Sendable {
        public var rule: String
        public var name: String
        /// Where the test is defined.
        public var file: String
        public var line: Int
        /// Empty when the case passed.
        public var problems: [String]
        public var passed: Bool { problems.isEmpty }
    }

    /// Runs every test of `rules`. Rules without tests are reported with one problem-free outcome
    /// each in `untested` so callers can warn.
    public static func run(_ rules: [Rule], locator: GeoLocator, options: AnalyzeOptions = AnalyzeOptions(inputs: [], now: 0))
        -> (outcomes: [Outcome], untested: [String]) {
        var outcomes: [Outcome] = []
        var untested: [String] = []
        for rule in rules {
            if rule.tests.isEmpty { untested.append(rule.id) }
            for test in rule.tests {
                outcomes.append(Outcome(rule: rule.id, name: test.name, file: rule.file, line: test.line,
                                        problems: problems(rule, test, locator: locator, options: options)))
            }
        }
        return (outcomes, untested)
    }

    static func problems(_ rule: Rule, _ test: RuleTestCase, locator: GeoLocator, options base: AnalyzeOptions) -> [String] {
        guard let log = test.log else { return ["no log"] }
        guard FileManager.default.isReadableFile(atPath: log) else { return ["cannot read the log \(log)"] }
        var variant = rule
        if let detector = test.detector { variant.detector = detector }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("sessionguard-rules-test-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        do {
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            let store = try SessionStore(path: dir.appendingPathComponent("store.sqlite").path)
            var options = base
            options.inputs = [log]
            options.now = try test.now ?? lastTime(of: log)
            options.checkpoints = false  // a throw-away store: read the whole log, last line included
            let result = try Analyzer(rules: [variant], locator: locator, store: store).run(options)
            if let bad = result.unreadableInputs.first { return ["\(bad.path): \(bad.error ?? "unreadable")"] }
            var problems: [String] = []
            for (user, fires) in test.expect {
                let flagged = result.findings.filter { $0.user == user }
                if fires && flagged.isEmpty {
                    let others = Set(result.findings.map(\.user)).sorted()
                    problems.append("expected \(user) to be flagged, but the rule said nothing about them"
                        + (others.isEmpty ? "" : " (it flagged: \(others.joined(separator: ", ")))"))
                } else if !fires, let first = flagged.first {
                    problems.append("expected \(user) not to be flagged, but: \(first.summary)")
                }
            }
            return problems
        } catch {
            return ["\(error)"]
        }
    }

    /// The time of the log's last record (read like any input: `.gz`, invalid UTF-8): the default
    /// evaluation time of a test.
    static func lastTime(of path: String) throws -> Millis {
        var last: Millis?
        try ChunkedReader(path: path).forEachLine { line in
            if let t = OdooLogParser.headerTime(line) { last = t }
            return true
        }
        return (last ?? Millis(Date().timeIntervalSince1970 * 1000)) + 1000
    }
}
