import Yams

/// What a rule recommends doing about the sessions it flags (**contract** names).
public enum RecommendedAction: String, Sendable, CaseIterable, Codable {
    case revokeSession = "revoke_session"
    case revokeUserSessions = "revoke_user_sessions"
    case review
    case none
}

/// One rule from `Rules/*.yml` (format: `design.md` §4): a detector, its parameters, filters and
/// what to recommend.
public struct Rule: Sendable {
    public var id: String
    public var title: String
    public var detectorName: String
    public var detector: any Detector
    public var severity: Severity
    /// An optional 0–100 score for ranking within a severity, recorded on the findings.
    public var score: Int?
    public var when: RuleFilter
    public var unless: RuleException
    public var recommend: RecommendedAction
    public var tests: [RuleTestCase]
    /// Where the rule was defined, for messages.
    public var file: String
    public var line: Int
    /// A hash of the rule's definition, recorded on every finding it produces.
    public var hash: String
}

/// A `tests:` entry (run by `sessionguard rules test`): a small log, the evaluation time, optional
/// parameter overrides (e.g. a test offboarding list), and which users the rule must or must not flag.
public struct RuleTestCase: Sendable {
    public var name: String
    /// The log, resolved against the rule file's directory (or as given when that does not exist).
    public var log: String?
    public var now: Millis?
    /// The rule's detector with the test's `params:` laid over the rule's, when the test has any.
    public var detector: (any Detector)?
    public var expect: [(user: String, fires: Bool)]
    public var line: Int
}

/// `when:` — all given conditions must match: PCRE2 patterns on the session's db and user, a list
/// of users, and places (at least one address the finding cites must be in a listed network,
/// country or ASN).
public struct RuleFilter: Sendable {
    public var db: PCRERegex?
    public var user: PCRERegex?
    public var places = PlaceList()
    public var users: Set<String> = []

    public init(db: PCRERegex? = nil, user: PCRERegex? = nil) {
        self.db = db
        self.user = user
    }

    public func admits(db name: String, user: String) -> Bool {
        if let db, !db.matches(name) { return false }
        if let self_user = self.user, !self_user.matches(user) { return false }
        if !users.isEmpty, !users.contains(user) { return false }
        return true
    }

    public func admits(places uses: [SessionIP]) -> Bool {
        places.isEmpty || uses.contains { places.contains($0) }
    }
}

/// Networks, countries and ASNs: the place conditions of `when`, `unless` and the allowlist.
public struct PlaceList: Sendable {
    public var networks: [CIDR] = []
    public var countries: Set<String> = []
    public var asns: Set<Int> = []

    public init() {}

    public var isEmpty: Bool { networks.isEmpty && countries.isEmpty && asns.isEmpty }

    public func contains(_ use: SessionIP) -> Bool {
        if let address = IPAddress(use.ip), networks.contains(where: { $0.contains(address) }) { return true }
        if let cc = use.placement.location?.countryCode, countries.contains(cc) { return true }
        if let asn = use.placement.location?.asn, asns.contains(asn) { return true }
        return false
    }

    public mutating func add(_ other: PlaceList) {
        networks += other.networks
        countries.formUnion(other.countries)
        asns.formUnion(other.asns)
    }
}

/// `unless:` (and `Rules/allowlist.yml`, which every rule honours) — exceptions. A finding is
/// dropped when its user is listed, or when every address it cites is inside a listed network,
/// country or ASN.
public struct RuleException: Sendable {
    public var places = PlaceList()
    public var users: Set<String> = []

    public init() {}

    public var isEmpty: Bool { places.isEmpty && users.isEmpty }

    public func excepts(user: String, places uses: [SessionIP]) -> Bool {
        if users.contains(user) { return true }
        guard !uses.isEmpty, !places.isEmpty else { return false }
        return uses.allSatisfy(places.contains)
    }

    public mutating func add(_ other: RuleException) {
        places.add(other.places)
        users.formUnion(other.users)
    }
}
