/// Where a record came from: the input's index in the run and its 1-based line number.
public struct Origin: Hashable, Sendable, Codable {
    public var file: Int32
    public var line: Int32
    public init(file: Int32, line: Int32) {
        self.file = file
        self.line = line
    }
}

/// What a parsed log record means for sessions and authentication.
public enum EventKind: UInt8, Sendable, Codable {
    /// A werkzeug request line.
    case request
    case loginSucceeded
    case loginFailed
    /// Odoo's rate limiter refused a login attempt (WARNING).
    case loginRateLimited
    case twoFactorSucceeded
    case twoFactorFailed
    case twoFactorReused
    case passwordChanged
    case passwordResetRequested
    case sessionExpired
    /// `User <uid> inserts device log (<identifier>)`: a session identifier bound to a user.
    case deviceLogged
    /// `User <uid> revokes devices (<identifiers>)`.
    case devicesRevoked
    /// `Odoo version 18.0` start-up banner.
    case banner
    /// A record (not a request line) a `request_match` rule watches for.
    case watched
}

/// One meaningful record of a log, reduced to interned ids so that millions of them cost little.
///
/// Fields not used by a kind are -1 (`Event.none`). Strings live in the parse's `Interner`.
public struct Event: Sendable {
    public static let none: Int32 = -1

    public var time: Millis
    public var kind: EventKind
    /// The input stream (one per rotated set) the record came from; PIDs are only comparable within one.
    public var stream: Int32
    public var pid: Int32
    public var db: Int32 = none
    /// The client address, only when the log's token is a valid IPv4/IPv6 address.
    public var ip: Int32 = none
    public var origin: Origin
    /// Requests: HTTP status (0 when logged as `-`).
    public var status: Int16 = 0
    /// Requests: method id in the interner.
    public var method: Int32 = none
    /// Requests: what the target is, as far as sessions care.
    public var target: RequestTarget = .other
    public var login: Int32 = none
    /// The user id; for the banner, Odoo's major version.
    public var uid: Int32 = none
    /// Device and revoke lines: the session identifier (sid[:42]).
    public var identifier: Int32 = none
    /// Newer device lines: the user agent.
    public var userAgent: Int32 = none
    /// Which `request_match` watches the record matched (bit i = watch i).
    public var watch: UInt64 = 0
    /// Watched records: the request target or the message (first 300 bytes).
    public var text: Int32 = none

    public init(time: Millis, kind: EventKind, stream: Int32, pid: Int32, origin: Origin) {
        self.time = time
        self.kind = kind
        self.stream = stream
        self.pid = pid
        self.origin = origin
    }
}

/// Request targets the sessionizer treats specially.
public enum RequestTarget: UInt8, Sendable {
    case other
    case login        // /web/login
    case logout       // /web/session/logout
}
