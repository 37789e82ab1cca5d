import Foundation
import Yams

/// Loads and validates the rule files of a directory (`*.yml`, `*.yaml`, top level only; `tests/`
/// and other sub-folders hold test material). Every problem is reported with file, line and column.
public enum RuleLoader {
    static let keys = ["id", "title", "description", "detector", "severity", "score", "params", "when", "unless", "recommend", "tests", "enabled"]

    /// Loads every rule in `directory`; throws `RuleErrors` listing all problems found.
    public static func load(directory: String) throws(RuleErrors) -> [Rule] {
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDir), isDir.boolValue else {
            throw RuleErrors(errors: [RuleError(file: directory, line: 0, column: 0,
                                                message: "rules directory not found (give one with --rules DIR)")])
        }
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? [])
            .filter { $0.hasSuffix(".yml") || $0.hasSuffix(".yaml") }
            .filter { $0 != "allowlist.yml" && $0 != "allowlist.yaml" }
            .sorted()
        var rules: [Rule] = []
        var errors: [RuleError] = []
        for name in names {
            let path = (directory as NSString).appendingPathComponent(name)
            do {
                let text = try String(contentsOfFile: path, encoding: .utf8)
                let (loaded, problems) = parse(text, file: path)
                rules += loaded
                errors += problems
            } catch {
                errors.append(RuleError(file: path, line: 0, column: 0, message: "cannot read: \(error.localizedDescription)"))
            }
        }
        var seen: [String: Rule] = [:]
        for rule in rules {
            if let first = seen[rule.id] {
                errors.append(RuleError(file: rule.file, line: rule.line, column: 1,
                                        message: "duplicate rule id '\(rule.id)' (first defined at \(first.file):\(first.line))"))
            }
            seen[rule.id] = rule
        }
        var watches: [String] = []
        for rule in rules {
            guard let d = rule.detector as? RequestMatchDetector, !watches.contains(d.watch.id) else { continue }
            watches.append(d.watch.id)
            if watches.count > Watch.limit {
                errors.append(RuleError(file: rule.file, line: rule.line, column: 1,
                                        message: "more than \(Watch.limit) different request_match patterns: merge some (alternatives with |)"))
            }
        }
        if rules.isEmpty && errors.isEmpty {
            errors.append(RuleError(file: directory, line: 0, column: 0, message: "no rule files (*.yml) in the rules directory"))
        }
        do throws(RuleError) {
            let allowed = try allowlist(directory: directory)
            for i in rules.indices { rules[i].unless.add(allowed) }
        } catch {
            errors.append(error)
        }
        guard errors.isEmpty else { throw RuleErrors(errors: errors) }
        return rules
    }

    /// Parses one file's text: one rule (a mapping) or a list of rules. Disabled rules are skipped.
    public static func parse(_ text: String, file: String) -> ([Rule], [RuleError]) {
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch let error as YamlError {
            return ([], [yamlError(error, file: file)])
        } catch {
            return ([], [RuleError(file: file, line: 1, column: 1, message: "\(error)")])
        }
        guard let root else { return ([], []) }
        let nodes: [Node]
        switch root {
        case .mapping: nodes = [root]
        case .sequence(let s): nodes = Array(s)
        default:
            return ([], [located(file, root, "a rule file holds one rule (a mapping) or a list of rules")])
        }
        var rules: [Rule] = []
        var errors: [RuleError] = []
        for node in nodes {
            do throws(RuleError) {
                if let rule = try parseRule(node, file: file) { rules.append(rule) }
            } catch {
                errors.append(error)
            }
        }
        return (rules, errors)
    }

    static func yamlError(_ error: YamlError, file: String) -> RuleError {
        switch error {
        case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _), .composer(_, let problem, let mark, _):
            return RuleError(file: file, line: mark.line, column: mark.column, message: "YAML: \(problem)")
        case .duplicatedKeysInMapping(let duplicates, let context):
            return RuleError(file: file, line: context.mark.line, column: context.mark.column,
                             message: "YAML: duplicate keys \(duplicates.joined(separator: ", "))")
        default:
            return RuleError(file: file, line: 1, column: 1, message: "YAML: \(error)")
        }
    }

    /// Reads and composes a YAML file (`what` names it in errors): its text and its root node.
    static func compose(_ path: String, what: String) throws(RuleError) -> (text: String, root: Node?) {
        let text: String
        do { text = try String(contentsOfFile: path, encoding: .utf8) } catch {
            throw RuleError(file: path, line: 0, column: 0, message: "cannot read the \(what): \(error.localizedDescription)")
        }
        do { return (text, try Yams.compose(yaml: text)) } catch let error as YamlError {
            throw yamlError(error, file: path)
        } catch {
            throw RuleError(file: path, line: 1, column: 1, message: "\(error)")
        }
    }

    static func located(_ file: String, _ node: Node?, _ message: String) -> RuleError {
        RuleError(file: file, line: node?.mark?.line ?? 1, column: node?.mark?.column ?? 1, message: message)
    }

    static func scalar(_ node: Node?, _ key: String, file: String, required: Bool = true) throws(RuleError) -> String? {
        guard let node else {
            if required { throw RuleError(file: file, line: 0, column: 0, message: "missing '\(key)'") }
            return nil
        }
        guard case .scalar(let s) = node else { throw located(file, node, "'\(key)' must be a text value") }
        return s.string
    }

    static func parseRule(_ node: Node, file: String) throws(RuleError) -> Rule? {
        guard case .mapping(let map) = node else { throw located(file, node, "a rule must be a mapping of keys to values") }
        let line = node.mark?.line ?? 1
        for (key, _) in map {
            let k = key.string ?? ""
            if !keys.contains(k) {
                let hint = Spelling.suggestion(for: k, among: keys).map { " (did you mean '\($0)'?)" } ?? ""
                throw located(file, key, "unknown key '\(k)'\(hint)")
            }
        }
        func missing(_ key: String) -> RuleError {
            RuleError(file: file, line: line, column: node.mark?.column ?? 1, message: "rule is missing '\(key)'")
        }
        if let enabled = node["enabled"], enabled.bool == false { return nil }
        guard let id = try scalar(node["id"], "id", file: file, required: false) else { throw missing("id") }
        guard (try? PCRERegex("^[A-Za-z0-9][A-Za-z0-9_.-]*$"))!.matches(id) else {
            throw located(file, node["id"], "rule id '\(id)' may hold only letters, digits, '.', '_' and '-'")
        }
        let title = try scalar(node["title"], "title", file: file, required: false) ?? id
        guard let detectorName = try scalar(node["detector"], "detector", file: file, required: false) else { throw missing("detector") }
        guard let detectorType = DetectorRegistry.named(detectorName) else {
            let names = DetectorRegistry.all.map { $0.name }
            let hint = Spelling.suggestion(for: detectorName, among: names).map { " (did you mean '\($0)'?)" }
                ?? " (known: \(names.joined(separator: ", ")))"
            throw located(file, node["detector"], "unknown detector '\(detectorName)'\(hint)")
        }
        guard let severityText = try scalar(node["severity"], "severity", file: file, required: false) else { throw missing("severity") }
        guard let severity = Severity(rawValue: severityText) else {
            throw located(file, node["severity"], "severity must be one of info, low, medium, high, critical, not '\(severityText)'")
        }
        var score: Int?
        if let n = node["score"] {
            guard let v = n.int, (0...100).contains(v) else { throw located(file, n, "score must be a whole number from 0 to 100") }
            score = v
        }
        let params = node["params"]
        if let params {
            guard case .mapping(let p) = params else { throw located(file, params, "'params' must be a mapping") }
            for (key, _) in p where !detectorType.parameters.contains(key.string ?? "") {
                let k = key.string ?? ""
                let hint = Spelling.suggestion(for: k, among: detectorType.parameters).map { " (did you mean '\($0)'?)" }
                    ?? " (\(detectorName) takes: \(detectorType.parameters.joined(separator: ", ")))"
                throw located(file, key, "unknown parameter '\(k)' for \(detectorName)\(hint)")
            }
        }
        let detector = try detectorType.init(params: RuleParams(file: file, node: params, fallbackMark: node.mark))
        let recommendText = try scalar(node["recommend"], "recommend", file: file, required: false) ?? "review"
        guard let recommend = RecommendedAction(rawValue: recommendText) else {
            let names = RecommendedAction.allCases.map(\.rawValue)
            let hint = Spelling.suggestion(for: recommendText, among: names).map { " (did you mean '\($0)'?)" } ?? ""
            throw located(file, node["recommend"], "recommend must be one of \(names.joined(separator: ", "))\(hint)")
        }
        let when = try parseWhen(node["when"], file: file)
        let unless = try parseUnless(node["unless"], file: file)
        let tests = try parseTests(node["tests"], file: file, params: params, detectorType: detectorType)
        let hash = StableHash.hex([(try? Yams.serialize(node: node)) ?? id])
        return Rule(id: id, title: title, detectorName: detectorName, detector: detector, severity: severity, score: score,
                    when: when, unless: unless, recommend: recommend, tests: tests, file: file, line: line, hash: hash)
    }

    static func regex(_ node: Node?, _ key: String, file: String) throws(RuleError) -> PCRERegex? {
        guard let text = try scalar(node, key, file: file, required: false) else { return nil }
        do {
            return try PCRERegex(text, unicode: true)
        } catch {
            throw RuleError(file: file, line: node?.mark?.line ?? 1, column: (node?.mark?.column ?? 1) + error.column,
                            message: "invalid pattern for '\(key)': \(error.message) at column \(error.column)")
        }
    }

    static func parseWhen(_ node: Node?, file: String) throws(RuleError) -> RuleFilter {
        guard let node else { return RuleFilter() }
        let (places, users) = try conditions(node, "when", extra: ["db", "user"], file: file)
        var filter = RuleFilter(db: try regex(node["db"], "when.db", file: file), user: try regex(node["user"], "when.user", file: file))
        filter.places = places
        filter.users = users
        return filter
    }

    static func list(_ node: Node?, _ key: String, file: String) throws(RuleError) -> [Node] {
        guard let node else { return [] }
        switch node {
        case .sequence(let s): return Array(s)
        case .scalar: return [node]
        default: throw located(file, node, "'\(key)' must be a list")
        }
    }

    static func parseUnless(_ node: Node?, file: String) throws(RuleError) -> RuleException {
        var exception = RuleException()
        guard let node else { return exception }
        (exception.places, exception.users) = try conditions(node, "unless", file: file)
        return exception
    }

    /// The place and user lists shared by `when`, `unless` and the allowlist, checked key by key.
    static func conditions(_ node: Node, _ section: String, extra: [String] = [], file: String) throws(RuleError) -> (PlaceList, Set<String>) {
        guard case .mapping(let map) = node else { throw located(file, node, "'\(section)' must be a mapping") }
        let known = extra + ["networks", "countries", "asns", "users"]
        for (key, _) in map where !known.contains(key.string ?? "") {
            let k = key.string ?? ""
            let hint = Spelling.suggestion(for: k, among: known).map { " (did you mean '\($0)'?)" } ?? " (known: \(known.joined(separator: ", ")))"
            throw located(file, key, "unknown condition '\(k)' in '\(section)'\(hint)")
        }
        var places = PlaceList()
        var users: Set<String> = []
        for item in try list(node["networks"], "\(section).networks", file: file) {
            guard let text = item.string, let cidr = CIDR(text) else {
                throw located(file, item, "'\(item.string ?? "")' is not a network in CIDR notation (e.g. 10.0.0.0/8)")
            }
            places.networks.append(cidr)
        }
        for item in try list(node["countries"], "\(section).countries", file: file) {
            guard let text = item.string, text.count == 2, text == text.uppercased() else {
                throw located(file, item, "countries are ISO 3166 two-letter codes such as BE, not '\(item.string ?? "")'")
            }
            places.countries.insert(text)
        }
        for item in try list(node["asns"], "\(section).asns", file: file) {
            let text = (item.string ?? "").uppercased().replacingOccurrences(of: "AS", with: "")
            guard let asn = Int(text) else { throw located(file, item, "ASNs are numbers such as 5432 or AS5432") }
            places.asns.insert(asn)
        }
        for item in try list(node["users"], "\(section).users", file: file) {
            guard let text = item.string else { throw located(file, item, "users are logins") }
            users.insert(text)
        }
        return (places, users)
    }

    /// Reads `allowlist.yml` (or `.yaml`) of a rules directory: networks, countries, ASNs and users
    /// that no rule ever reports. A missing file is an empty allowlist.
    public static func allowlist(directory: String) throws(RuleError) -> RuleException {
        for name in ["allowlist.yml", "allowlist.yaml"] {
            let path = (directory as NSString).appendingPathComponent(name)
            guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { continue }
            let root: Node?
            do { root = try Yams.compose(yaml: text) } catch let e as YamlError { throw yamlError(e, file: path) } catch {
                throw RuleError(file: path, line: 1, column: 1, message: "\(error)")
            }
            guard let root else { return RuleException() }
            var exception = RuleException()
            (exception.places, exception.users) = try conditions(root, "allowlist", file: path)
            return exception
        }
        return RuleException()
    }

    static func parseTests(_ node: Node?, file: String, params: Node?, detectorType: any Detector.Type) throws(RuleError) -> [RuleTestCase] {
        var cases: [RuleTestCase] = []
        let known = ["name", "log", "now", "params", "expect"]
        for item in try list(node, "tests", file: file) {
            guard case .mapping(let map) = item else { throw located(file, item, "each test is a mapping with name, log and expect") }
            for (key, _) in map where !known.contains(key.string ?? "") {
                throw located(file, key, "unknown key '\(key.string ?? "")' in a test (known: \(known.joined(separator: ", ")))")
            }
            let name = try scalar(item["name"], "name", file: file, required: false) ?? "unnamed"
            var log = try scalar(item["log"], "log", file: file, required: false)
            if let given = log, !given.hasPrefix("/") {
                let beside = ((file as NSString).deletingLastPathComponent as NSString).appendingPathComponent(given)
                if FileManager.default.fileExists(atPath: beside) || !FileManager.default.fileExists(atPath: given) { log = beside }
            }
            var now: Millis?
            if let text = try scalar(item["now"], "now", file: file, required: false) {
                guard let t = UTC.parse(text) else { throw located(file, item["now"], "now must be an ISO 8601 time such as 2025-03-08T00:00:00Z") }
                now = t
            }
            var detector: (any Detector)?
            if let overrides = item["params"] {
                guard case .mapping(let extra) = overrides else { throw located(file, overrides, "a test's 'params' must be a mapping") }
                var merged: [(Node, Node)] = []
                if let params, case .mapping(let base) = params {
                    merged = base.filter { pair in !extra.keys.contains { $0.string == pair.key.string } }.map { ($0.key, $0.value) }
                }
                merged += extra.map { ($0.key, $0.value) }
                for (key, _) in extra where !detectorType.parameters.contains(key.string ?? "") {
                    throw located(file, key, "unknown parameter '\(key.string ?? "")' for \(detectorType.name)")
                }
                detector = try detectorType.init(params: RuleParams(file: file, node: .mapping(.init(merged)), fallbackMark: overrides.mark))
            }
            var expect: [(String, Bool)] = []
            for e in try list(item["expect"], "expect", file: file) {
                guard let user = e["user"]?.string, let fires = e["fires"]?.bool else {
                    throw located(file, e, "each expectation is { user: LOGIN, fires: true|false }")
                }
                expect.append((user, fires))
            }
            guard log != nil, !expect.isEmpty else { throw located(file, item, "a test needs a log and at least one expectation") }
            cases.append(RuleTestCase(name: name, log: log, now: now, detector: detector, expect: expect, line: item.mark?.line ?? 1))
        }
        return cases
    }
}
