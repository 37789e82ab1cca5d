import Yams

/// A kind of judgement over sessions (`design.md` §4 names them). One file per detector; the
/// registry maps the YAML `detector:` name to the type.
public protocol Detector: Sendable {
    /// The **contract** name used in rule files.
    static var name: String { get }
    /// Parameter names this detector accepts (anything else is a rule error).
    static var parameters: [String] { get }
    init(params: RuleParams) throws(RuleError)
    /// Judges one session. Returns nothing when the data cannot support a verdict.
    func evaluate(_ session: Session, context: any DetectionContext) throws -> [FindingDraft]
}

/// Every detector the rule files may name. Adding a detector is adding a file and a line here.
public enum DetectorRegistry {
    public static let all: [any Detector.Type] = [
        NewLocationDetector.self,
        LongSessionDetector.self,
    ]

    public static func named(_ name: String) -> (any Detector.Type)? {
        all.first { $0.name == name }
    }
}

/// What a detector may ask while judging: the evaluation time and the store's history.
public protocol DetectionContext {
    var now: Millis { get }
    /// The user's other sessions in `db` that started in `[from, before)`, with their places.
    func history(db: String, user: String, from: Millis, before: Millis, excludingKey: String) throws -> [Session]
}

/// A detector's verdict on one session, before the engine turns it into a `Finding`.
public struct FindingDraft: Sendable {
    /// Distinguishes several findings of one rule on one session (e.g. the new country); part of the id.
    public var discriminator: String
    public var summary: String
    public var facts: [(String, JSON)]
    public var evidence: [Evidence]
    public var firstSeen: Millis
    public var lastSeen: Millis
    /// The addresses the verdict is about; `unless:` exceptions are checked against them.
    public var places: [SessionIP]
    public var severity: Severity?

    public init(discriminator: String, summary: String, facts: [(String, JSON)], evidence: [Evidence],
                firstSeen: Millis, lastSeen: Millis, places: [SessionIP], severity: Severity? = nil) {
        self.discriminator = discriminator
        self.summary = summary
        self.facts = facts
        self.evidence = evidence
        self.firstSeen = firstSeen
        self.lastSeen = lastSeen
        self.places = places
        self.severity = severity
    }
}

/// A rule's `params:` mapping with typed, located accessors, so errors point at the offending value.
public struct RuleParams {
    let file: String
    let node: Node?
    let fallbackMark: Mark?

    func error(_ at: Node?, _ message: String) -> RuleError {
        let mark = at?.mark ?? fallbackMark
        return RuleError(file: file, line: mark?.line ?? 1, column: mark?.column ?? 1, message: message)
    }

    func value(_ key: String) -> Node? { node?[key] }

    public func string(_ key: String, default value: String) throws(RuleError) -> String {
        guard let n = self.value(key) else { return value }
        guard case .scalar(let s) = n else { throw error(n, "params.\(key) must be a text value") }
        return s.string
    }

    public func choice(_ key: String, _ options: [String], default value: String) throws(RuleError) -> String {
        let s = try string(key, default: value)
        guard options.contains(s) else {
            let hint = Spelling.suggestion(for: s, among: options).map { " (did you mean '\($0)'?)" } ?? ""
            throw error(self.value(key), "params.\(key) must be one of \(options.joined(separator: ", ")), not '\(s)'\(hint)")
        }
        return s
    }

    public func int(_ key: String, default value: Int, range: ClosedRange<Int> = 0...Int.max) throws(RuleError) -> Int {
        guard let n = self.value(key) else { return value }
        guard let v = n.int, range.contains(v) else {
            throw error(n, "params.\(key) must be a whole number in \(range.lowerBound)...\(range.upperBound == Int.max ? "" : String(range.upperBound))")
        }
        return v
    }

    /// A duration such as `7d`, `12h`, `90m` or a number of seconds.
    public func seconds(_ key: String, default value: Int) throws(RuleError) -> Int {
        guard let n = self.value(key) else { return value }
        guard case .scalar(let s) = n, let v = Duration.parseSeconds(s.string), v > 0 else {
            throw error(n, "params.\(key) must be a duration like 90m, 12h or 7d")
        }
        return v
    }
}
