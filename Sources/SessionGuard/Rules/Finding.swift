/// A rule's verdict on a session, as stored and reported (`design.md` §5 and §7).
public struct Finding: Sendable {
    /// Stable: derived from (rule, db, session key, discriminator), so re-analysing gives the same id.
    public var id: String
    public var rule: String
    public var detector: String
    public var severity: Severity
    public var db: String
    public var user: String
    public var userID: Int?
    public var sessionKey: String
    public var sessionIdentifier: String?
    public var firstSeen: Millis
    public var lastSeen: Millis
    public var summary: String
    public var facts: [(String, JSON)]
    public var evidence: [Evidence]
    public var recommend: RecommendedAction
    public var ruleHash: String
    /// The GeoIP databases' build times the verdict was made with.
    public var geoipBuild: String?
    /// What within the session the finding is about (the new place, the pair of addresses…): part
    /// of the id, and of the suppression a dismissal makes.
    public var discriminator = ""
    /// The suppression (a dismissed recommendation) that keeps this finding from recommending anything.
    public var suppressedBy: Int64?

    public init(id: String, rule: String, detector: String, severity: Severity, db: String, user: String, userID: Int?,
                sessionKey: String, sessionIdentifier: String?, firstSeen: Millis, lastSeen: Millis, summary: String,
                facts: [(String, JSON)], evidence: [Evidence], recommend: RecommendedAction, ruleHash: String, geoipBuild: String?,
                discriminator: String = "", suppressedBy: Int64? = nil) {
        self.id = id
        self.rule = rule
        self.detector = detector
        self.severity = severity
        self.db = db
        self.user = user
        self.userID = userID
        self.sessionKey = sessionKey
        self.sessionIdentifier = sessionIdentifier
        self.firstSeen = firstSeen
        self.lastSeen = lastSeen
        self.summary = summary
        self.facts = facts
        self.evidence = evidence
        self.recommend = recommend
        self.ruleHash = ruleHash
        self.geoipBuild = geoipBuild
        self.discriminator = discriminator
        self.suppressedBy = suppressedBy
    }
}

/// What an analyst is asked to approve: one per (action, db, target) while open.
public struct Recommendation: Sendable {
    public var id: String
    public var action: RecommendedAction
    public var db: String
    /// The session identifier, the session key, or the user, depending on the action.
    public var target: String
    public var user: String
    public var sessionIdentifier: String?
    public var sessionKey: String?
    public var severity: Severity
    public var status: String
    public var findings: [String]
    public var reasons: [String]

    public init(id: String, action: RecommendedAction, db: String, target: String, user: String, sessionIdentifier: String?,
                sessionKey: String?, severity: Severity, status: String, findings: [String], reasons: [String]) {
        self.id = id
        self.action = action
        self.db = db
        self.target = target
        self.user = user
        self.sessionIdentifier = sessionIdentifier
        self.sessionKey = sessionKey
        self.severity = severity
        self.status = status
        self.findings = findings
        self.reasons = reasons
    }
}
