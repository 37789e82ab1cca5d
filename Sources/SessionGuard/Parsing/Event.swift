import Foundation

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
    /// A line of a proxy's access log (nginx, a custom format): a request with the client's real
    /// address and user agent, and the session identifier when the proxy logs it.
    case accessRequest
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
    /// Requests, when the run joins a proxy's log with Odoo's: method, target and status hashed
    /// (`RequestTarget.joinKey`), the same for one request in both logs. 0 otherwise.
    public var joinKey: UInt64 = 0
    /// Access requests: the log has a session field (`sid=`), even if this line's is `-`.
    public var logsSessions = false

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
    /// `/web/login/totp`: the second step of a sign-in with two-factor authentication.
    case twoFactor
    /// Set by access-log parsers only: the web client's page (`/odoo…`, `/web`), which Odoo serves
    /// (200) only to a signed-in session and otherwise redirects to the login page. So it is the
    /// proof that Odoo accepted the session cookie a client sent.
    case webClient

    @inline(__always)
    init(_ target: UnsafeBufferPointer<UInt8>) {
        if Self.hasPrefixPath(target, "/web/login") {
            self = target.count > 10 && Self.hasPrefixPath(UnsafeBufferPointer(rebasing: target[10...]), "/totp") ? .twoFactor : .login
        } else if Self.hasPrefixPath(target, "/web/session/logout") {
            self = .logout
        } else {
            self = .other
        }
    }

    /// `/odoo`, `/odoo/…`, `/odoo?…`, and `/web` itself (the web client before 18.0).
    static func isWebClient(_ target: UnsafeBufferPointer<UInt8>) -> Bool {
        hasPrefixPath(target, "/odoo") || (hasPrefixPath(target, "/web") && (target.count == 4 || target[4] != 0x2F))
    }

    /// `target` is `path` or `path?…`/`path#…`/`path/`.
    private static func hasPrefixPath(_ target: UnsafeBufferPointer<UInt8>, _ path: StaticString) -> Bool {
        let n = path.utf8CodeUnitCount
        guard target.count >= n, memcmp(target.baseAddress!, path.utf8Start, n) == 0 else { return false }
        if target.count == n { return true }
        let next = target[n]
        return next == 0x3F || next == 0x23 || next == 0x2F
    }

    /// One request's method, target and status as a 64-bit FNV-1a hash, equal in Odoo's log and
    /// the proxy's: the target stops at `#`, where Odoo 18 appends `#model.method` to RPC targets
    /// in its own log (a browser never sends a fragment). Never 0.
    @inline(__always)
    static func joinKey(method: UnsafeBufferPointer<UInt8>, target: UnsafeBufferPointer<UInt8>, status: Int16) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in method { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
        h = (h ^ 0x20) &* 0x100_0000_01b3
        // werkzeug logs the path percent-decoded where nginx logs it as sent: both are hashed decoded.
        var i = 0
        while i < target.count {
            var b = target[i]
            if b == 0x23 { break }
            if b == 0x25, i + 2 < target.count, let hi = hexValue(target[i + 1]), let lo = hexValue(target[i + 2]) {
                b = hi << 4 | lo
                i += 2
            }
            h = (h ^ UInt64(b)) &* 0x100_0000_01b3
            i += 1
        }
        h = (h ^ UInt64(UInt16(bitPattern: status))) &* 0x100_0000_01b3
        return h == 0 ? 1 : h
    }
}

/// The value of a hexadecimal digit.
@inline(__always)
func hexValue(_ c: UInt8) -> UInt8? {
    switch c {
    case 48...57: c - 48
    case 65...70: c - 55
    case 97...102: c - 87
    default: nil
    }
}

/// Which interned tokens are real addresses, and which of those are private, looked up once each.
struct AddressCache {
    /// Per interned id: 0 unknown, 1 a public IP address, 2 not an address, 3 a private address.
    private var validity: [UInt8] = []

    /// Interns an address slot and returns its id only if it is a real address (redacted logs hold `IP`).
    @inline(__always)
    mutating func valid(_ token: UnsafeBufferPointer<UInt8>, _ interner: Interner) -> Int32 {
        let id = interner.intern(token)
        let i = Int(id)
        if i >= validity.count { validity.append(contentsOf: repeatElement(0, count: i + 1 - validity.count + 64)) }
        if validity[i] == 0 {
            let address = IPAddress(interner.string(id))
            validity[i] = address == nil ? 2 : (address!.isInternal ? 3 : 1)
        }
        return validity[i] == 2 ? Event.none : id
    }

    func isInternal(_ id: Int32) -> Bool { Int(id) < validity.count && validity[Int(id)] == 3 }
}
