/// One address a session was used from, with its own activity window.
public struct SessionIP: Sendable, Hashable {
    public var ip: String
    public var firstSeen: Millis
    public var lastSeen: Millis
    public var requests: Int
    /// The first log line that shows the session at this address.
    public var firstEvidence: Evidence?
    public var placement: Placement = .unknown
    /// Stretches of continuous activity at this address (one spanning first to last sight when unknown).
    public var visits: [Visit]

    public init(ip: String, firstSeen: Millis, lastSeen: Millis, requests: Int, firstEvidence: Evidence?, visits: [Visit] = []) {
        self.ip = ip
        self.firstSeen = firstSeen
        self.lastSeen = lastSeen
        self.requests = requests
        self.firstEvidence = firstEvidence
        self.visits = visits.isEmpty ? [Visit(firstSeen, lastSeen)] : visits
    }
}

/// A log line cited as evidence: file path (as given) and 1-based line number.
public struct Evidence: Sendable, Hashable, Codable {
    public var file: String
    public var line: Int
    public init(file: String, line: Int) {
        self.file = file
        self.line = line
    }
}

/// A user session rebuilt from logs: who, which Odoo session, from where, from when to when.
public struct Session: Sendable {
    public var db: String
    /// Unique within `db`: `sid:<identifier>` for Odoo 18+ sessions, or `login:<login>@<ip>#<start>`
    /// for sessions rebuilt from login lines alone (Odoo ≤17 logs have no identifiers).
    public var key: String
    /// The Odoo session identifier (sid[:42]); safe to store and show — it cannot authenticate.
    public var identifier: String?
    public var uid: Int?
    public var login: String?
    public var firstActivity: Millis
    public var lastActivity: Millis
    public var requests: Int
    public var ips: [SessionIP]
    public var loggedOut: Bool
    /// Seen revoked in the log (`User <uid> revokes devices (…)`).
    public var revoked: Bool
    /// Ended by a password change of its user (another session changed the password).
    public var invalidated: Bool
    public var userAgent: String?
    public var firstEvidence: Evidence?
    public var lastEvidence: Evidence?
    public var source: String
    /// A logout nobody could attribute (an address shared with other users) came right after this
    /// session's last use: it was probably this one. Quiet detectors (idle sessions) trust it;
    /// detectors that must not miss a live session do not.
    public var probablyLoggedOut = false

    public init(db: String, key: String, identifier: String?, uid: Int?, login: String?, firstActivity: Millis, lastActivity: Millis,
                requests: Int, ips: [SessionIP], loggedOut: Bool = false, revoked: Bool = false, invalidated: Bool = false,
                userAgent: String? = nil, firstEvidence: Evidence? = nil, lastEvidence: Evidence? = nil, source: String,
                probablyLoggedOut: Bool = false) {
        self.db = db
        self.key = key
        self.identifier = identifier
        self.uid = uid
        self.login = login
        self.firstActivity = firstActivity
        self.lastActivity = lastActivity
        self.requests = requests
        self.ips = ips
        self.loggedOut = loggedOut
        self.revoked = revoked
        self.invalidated = invalidated
        self.userAgent = userAgent
        self.firstEvidence = firstEvidence
        self.lastEvidence = lastEvidence
        self.source = source
        self.probablyLoggedOut = probablyLoggedOut
    }

    /// The name a person recognises: the login where known, else `uid:<n>`.
    public var user: String {
        if let login { return login }
        if let uid { return "uid:\(uid)" }
        return "unknown"
    }
}

/// An authentication event worth keeping: logins, failures, 2FA, password changes, revocations.
public struct AuthEvent: Sendable, Hashable {
    public var time: Millis
    public var kind: EventKind
    public var db: String?
    public var login: String?
    public var uid: Int?
    public var ip: String?
    public var evidence: Evidence

    public init(time: Millis, kind: EventKind, db: String? = nil, login: String? = nil, uid: Int? = nil, ip: String? = nil,
                evidence: Evidence) {
        self.time = time
        self.kind = kind
        self.db = db
        self.login = login
        self.uid = uid
        self.ip = ip
        self.evidence = evidence
    }

    /// The kind stored under `name` (`kindName`'s inverse).
    public static func kind(named name: String) -> EventKind? {
        let all: [EventKind] = [.loginSucceeded, .loginFailed, .loginRateLimited, .twoFactorSucceeded, .twoFactorFailed,
                                .twoFactorReused, .passwordChanged, .passwordResetRequested, .sessionExpired, .devicesRevoked,
                                .deviceLogged, .request, .banner, .watched, .accessRequest]
        return all.first { AuthEvent(time: 0, kind: $0, evidence: Evidence(file: "", line: 0)).kindName == name }
    }

    public var kindName: String {
        switch kind {
        case .loginSucceeded: "login_ok"
        case .loginFailed: "login_failed"
        case .loginRateLimited: "login_rate_limited"
        case .twoFactorSucceeded: "2fa_ok"
        case .twoFactorFailed: "2fa_failed"
        case .twoFactorReused: "2fa_reused"
        case .passwordChanged: "password_changed"
        case .passwordResetRequested: "password_reset_requested"
        case .sessionExpired: "session_expired"
        case .devicesRevoked: "devices_revoked"
        case .deviceLogged: "device_logged"
        case .request: "request"
        case .banner: "banner"
        case .watched: "watched"
        case .accessRequest: "access_request"
        }
    }
}

/// A record a `request_match` rule watched for, with the session it belongs to when known.
public struct RequestMatch: Sendable {
    /// Bit i set: watch i of the run matched.
    public var mask: UInt64
    public var time: Millis
    public var db: String?
    public var ip: String?
    /// The session the request was attributed to (nil: unattributed, ambiguous or anonymous).
    public var sessionKey: String?
    public var user: String?
    public var uid: Int?
    public var identifier: String?
    /// The request's method, target and status, or the watched record's message.
    public var method: String?
    public var text: String
    public var status: Int?
    public var evidence: Evidence
}
