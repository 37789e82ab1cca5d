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
    /// Judges what is not one session (authentication events of the run). Most detectors have nothing to say.
    func evaluateRun(context: any DetectionContext) throws -> [SubjectDraft]
}

extension Detector {
    public func evaluateRun(context: any DetectionContext) throws -> [SubjectDraft] { [] }
}

/// A run-level verdict: what it is about (a session, or a login or address that has none) and the draft.
public struct SubjectDraft: Sendable {
    public var db: String
    public var user: String
    public var uid: Int?
    /// The session's key, or `login:<login>` / `ip:<address>` when no session is concerned.
    public var key: String
    public var identifier: String?
    public var draft: FindingDraft

    public init(session: Session, draft: FindingDraft) {
        self.init(db: session.db, user: session.user, uid: session.uid, key: session.key, identifier: session.identifier, draft: draft)
    }

    public init(db: String, user: String, uid: Int? = nil, key: String, identifier: String? = nil, draft: FindingDraft) {
        self.db = db
        self.user = user
        self.uid = uid
        self.key = key
        self.identifier = identifier
        self.draft = draft
    }
}

/// Every detector the rule files may name. Adding a detector is adding a file and a line here.
public enum DetectorRegistry {
    public static let all: [any Detector.Type] = [
        NewLocationDetector.self,
        ImpossibleTravelDetector.self,
        ConcurrentSessionsDetector.self,
        SessionIPChangeDetector.self,
        LongSessionDetector.self,
        IdleSessionDetector.self,
        NewDeviceDetector.self,
        LoginFailuresDetector.self,
        DisabledUserDetector.self,
        RequestMatchDetector.self,
    ]

    public static func named(_ name: String) -> (any Detector.Type)? {
        all.first { $0.name == name }
    }
}

/// What a detector may ask while judging: the evaluation time and the store's history.
public protocol DetectionContext {
    var now: Millis { get }
    /// Odoo's session lifetime (`sessions.max_inactivity_seconds`): a session idle longer is gone.
    var sessionLifetime: Millis { get }
    /// The time span of what this run brought (auth events and sessions), for run-level detectors.
    var span: ClosedRange<Millis>? { get }
    /// The user's other sessions in `db` that started in `[from, before)`, with their places.
    func history(db: String, user: String, from: Millis, before: Millis, excludingKey: String) throws -> [Session]
    /// The user's sessions (this one included) with activity in `[from, to]`.
    func activity(db: String, user: String, from: Millis, to: Millis) throws -> [Session]
    /// Which places the organisation's users (of `db`) have used since `since`, in `scope`.
    func organisation(db: String, scope: PlaceScope, since: Millis) throws -> OrganisationBaseline
    /// Authentication events (logins, failures, rate limits…) in `[from, to]`, in time order.
    func authEvents(from: Millis, to: Millis) throws -> [AuthEvent]
    /// What this run's logs showed for a `request_match` watch (by `Watch.id`), in time order.
    func requestMatches(watch: String) -> [RequestMatch]
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
    /// Overrides the rule's `recommend:` (e.g. *unknown* verdicts are reported, never acted on).
    public var recommend: RecommendedAction?
    /// Moves the rule's severity up or down (e.g. one step down for a place colleagues use).
    public var severityShift = 0
    /// A revoke the rule recommends becomes a review (the verdict is weaker than the rule expects).
    public var reviewOnly = false

    public init(discriminator: String, summary: String, facts: [(String, JSON)], evidence: [Evidence],
                firstSeen: Millis, lastSeen: Millis, places: [SessionIP], severity: Severity? = nil,
                recommend: RecommendedAction? = nil) {
        self.recommend = recommend
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

    public func double(_ key: String, default value: Double, range: ClosedRange<Double>) throws(RuleError) -> Double {
        guard let n = self.value(key) else { return value }
        guard let v = n.float, range.contains(v) else {
            throw error(n, "params.\(key) must be a number in \(range.lowerBound)...\(range.upperBound)")
        }
        return v
    }

    public func bool(_ key: String, default value: Bool) throws(RuleError) -> Bool {
        guard let n = self.value(key) else { return value }
        guard let v = n.bool else { throw error(n, "params.\(key) must be true or false") }
        return v
    }

    /// A list of text values (a single value counts as a list of one).
    public func strings(_ key: String) throws(RuleError) -> [String] {
        guard let n = self.value(key) else { return [] }
        let items: [Node]
        switch n {
        case .sequence(let s): items = Array(s)
        case .scalar: items = [n]
        default: throw error(n, "params.\(key) must be a list")
        }
        var result: [String] = []
        for item in items {
            guard case .scalar(let s) = item else { throw error(item, "params.\(key) holds text values") }
            result.append(s.string)
        }
        return result
    }

    /// The location of a parameter's value, for errors found after reading it (e.g. in a referenced file).
    public func location(_ key: String) -> (file: String, line: Int, column: Int) {
        let mark = value(key)?.mark ?? fallbackMark
        return (file, mark?.line ?? 1, mark?.column ?? 1)
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
