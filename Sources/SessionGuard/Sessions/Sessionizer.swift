import Foundation

/// Rebuilds sessions from a time-ordered stream of events (`odoo-facts.md` §1, last bullet).
///
/// The joins, per input stream and PID (a prefork worker serves one request at a time):
/// - `Login successful … from <ip>` followed on the same PID by `User <uid> inserts device log
///   (<identifier>)` binds login ↔ uid and opens (or refreshes) the session with that identifier;
/// - the next request line on that PID binds the request's IP to the session;
/// - later request lines from that IP in that database belong to the session that last bound it,
///   while that session is within Odoo's inactivity window.
///
/// Ambiguity is resolved conservatively: when sessions of two *different* users bind the same IP
/// (office NAT), unbound requests from it are counted as ambiguous and given to nobody until one
/// side has been silent there for `ambiguityWindow` — Odoo re-logs a device at least hourly while
/// it is active, so a silent side is gone. Logs without device lines (Odoo ≤17) fall back to
/// sessions keyed by (db, login, IP) opened by login lines.
///
/// A proxy's access log (nginx; `.accessRequest` events) adds what Odoo's log lacks — the real
/// client address and the user agent (`odoo-facts.md` §5):
/// - a request carrying the session identifier (`sid=`) belongs to that session, joined to the one
///   Odoo's device lines name; a session the access log alone shows counts once a request of it
///   reached the web client's backend (a signed-in user's), or Odoo named it;
/// - a request without one is matched to Odoo's request line of the same request (same method,
///   target and status within `matchWindow`, and no other candidate): its (address, user agent)
///   then belongs to the session Odoo's line was attributed to, for the requests that follow;
/// - with no Odoo log to match, (address, user agent) requests form sessions opened by a sign-in
///   (`POST /web/login` answered by a redirect; answered 200 it is a failed attempt) and ended by
///   `/web/session/logout` or `maxInactivity` of silence.
/// Access requests are handled `matchWindow` late, so that Odoo's lines of the same request (written
/// up to a second later, with nginx's times cut to the second) are there to match.
///
/// While consuming, the sessionizer works on interned ids only and never touches the interner, so
/// the parser may keep interning on another thread; strings are resolved in `finish`.
public final class Sessionizer {
    public struct Options: Sendable {
        /// Odoo's `sessions.max_inactivity_seconds` (default 7 days).
        public var maxInactivity: Millis = 7 * 86_400_000
        /// How long a shared IP stays ambiguous after the other user's last sign of life there.
        public var ambiguityWindow: Millis = 3_600_000
        /// How far a device line may follow its login line, and a request its device line, on one PID.
        public var joinWindow: Millis = 5_000
        /// How soon after its last request a session's logout follows, when the logout itself cannot be attributed.
        public var logoutWindow: Millis = 10 * 60_000
        /// How far apart one request's line in a proxy's access log and in Odoo's log may be.
        public var matchWindow: Millis = 2_000
        public init() {}
    }

    /// Counters for the summary.
    public struct Counters: Sendable {
        public var attributedRequests = 0
        public var unattributedRequests = 0
        public var ambiguousRequests = 0
        public var requestsWithoutDatabase = 0
        public var deviceLines = 0
        public var loginLines = 0
        /// Access-log requests (nginx): in all, attributed to a session, and matched to Odoo's line of the same request.
        public var accessRequests = 0
        public var accessAttributed = 0
        public var accessMatched = 0
        /// Access requests of an (address, user agent) two users' sessions share.
        public var accessAmbiguous = 0
        /// Access requests naming a signed-in session from an address where Odoo never showed it
        /// accepted the cookie (a moved client that never reloaded the page, or a replayed cookie).
        public var accessUnconfirmed = 0
    }

    final class Working {
        /// `Event.none` for a session only an access log has shown so far (nginx does not know the database).
        var db: Int32
        let identifier: Int32
        var uid: Int32
        var login: Int32
        let fallbackIP: Int32
        var first: Millis
        var last: Millis
        var requests = 0
        var ips: [Use] = []
        var loggedOut = false
        var revoked = false
        /// Ended by a password change of its user (Odoo invalidates every other session then).
        var invalidated = false
        /// A (db, login, IP) session of a stream not yet known to be Odoo ≤17; dropped at the end
        /// if the stream turns out to have device lines after all.
        var provisional = false
        var dropped = false
        var stream: Int32 = 0
        var userAgent: Int32 = Event.none
        /// A logout came from an address this session shared with another user's, right after this
        /// session's last use there; cleared by any later activity (`Session.probablyLoggedOut`).
        var possibleLogout: Millis?
        /// Continued from an earlier run (`resume`); emitted only if this run saw it used.
        var seeded = false
        var touchedNow = false
        /// Ended (revoked, invalidated, probably logged out) by this run's lines without being used.
        var changedNow = false
        var firstOrigin: Origin
        var lastOrigin: Origin
        /// Requests seen in an access log: one request is in both logs, so the larger count is the session's.
        var accessRequests = 0
        /// Known to be a signed-in user's (false only for a session identifier an access log alone has shown).
        var signedIn = true
        /// Built from an access log alone (never named by Odoo's log).
        var accessOnly = false
        /// When an access log showed a logout from the session. Odoo answers a logout the same way
        /// whether it accepted the cookie or not, and the page's websocket closes after it, so only a
        /// proof of life clears it: the web client's page served again, or Odoo's own log using it.
        /// Stored as "probably logged out" (quiet detectors trust it, the others go on judging).
        var accessLogout: Millis?

        init(db: Int32, identifier: Int32, uid: Int32, login: Int32, fallbackIP: Int32, time: Millis, origin: Origin) {
            self.db = db
            self.identifier = identifier
            self.uid = uid
            self.login = login
            self.fallbackIP = fallbackIP
            first = time
            last = time
            firstOrigin = origin
            lastOrigin = origin
        }

        var ended: Bool { loggedOut || revoked || invalidated || dropped || accessLogout != nil }

        /// One address of the session: its window, requests, visits and first evidence.
        struct Use {
            let ip: Int32
            var first: Millis
            var last: Millis
            var requests: Int
            var origin: Origin
            var visits: [Visit]
            var accessRequests = 0
        }

        /// Records use of `ip` at `time`; `request` counts it as a request (of Odoo's log, or of an access log).
        func touch(ip: Int32, time: Millis, origin: Origin, request: Bool, access: Bool = false) {
            touchedNow = true
            if let p = possibleLogout, time > p { possibleLogout = nil }
            if time < first { first = time; firstOrigin = origin }
            if time >= last { last = time; lastOrigin = origin }
            let odoo = request && !access, proxy = request && access
            if odoo { requests += 1 }
            if proxy { accessRequests += 1 }
            guard ip != Event.none else { return }
            if let i = ips.firstIndex(where: { $0.ip == ip }) {
                if time < ips[i].first { ips[i].first = time; ips[i].origin = origin }
                if time > ips[i].last { ips[i].last = time }
                if odoo { ips[i].requests += 1 }
                if proxy { ips[i].accessRequests += 1 }
                Visits.add(time, to: &ips[i].visits)
            } else {
                ips.append(Use(ip: ip, first: time, last: time, requests: odoo ? 1 : 0, origin: origin,
                               visits: [Visit(time, time)], accessRequests: proxy ? 1 : 0))
            }
        }

        func lastUse(of ip: Int32) -> Millis? { ips.first { $0.ip == ip }?.last }
    }

    /// What a worker is in the middle of: Odoo writes a request's login, device and password lines
    /// before that request's werkzeug line, on the same PID.
    struct PIDState {
        var login: (login: Int32, ip: Int32, db: Int32, time: Millis)?
        /// The session a device line named, and the address it must be used from when known.
        var device: (session: Int, time: Millis, ip: Int32)?
        var passwordChange: PasswordChange?
    }

    struct PasswordChange {
        let uid: Int32, login: Int32, db: Int32, ip: Int32, time: Millis
    }

    struct IPOwner {
        var session: Int
        var contestedWith: Int?
    }

    public let options: Options
    let interner: Interner
    public private(set) var counters = Counters()
    private(set) var sessions: [Working] = []
    private var byIdentifier: [Int64: Int] = [:]
    struct FallbackKey: Hashable {
        let db: Int32, login: Int32, ip: Int32
    }
    private var byFallback: [FallbackKey: Int] = [:]
    private var pids: [Int64: PIDState] = [:]
    private var owners: [Int64: IPOwner] = [:]
    private var uidLogins: [Int64: Int32] = [:]
    private var streamVersion: [Int32: Int] = [:]
    private var provisionalRequests: [Int32: Int] = [:]
    private var modernStreams: Set<Int32> = []
    private(set) var authEvents: [Event] = []
    /// Watched requests and records, with the working session they belong to once known.
    private var watched: [(event: Event, session: Int?, ip: Int32)] = []
    /// Per (stream, PID): watched records of the worker's current request, whose request line comes
    /// next. (Kept out of `PIDState`, which stays plain data: it is copied on every request.)
    private var pendingWatched: [Int64: [Int]] = [:]
    /// Per stream, the first PID seen, and the streams that have shown a second: one PID for every
    /// request is threaded mode (Docker), where "the next request on this PID" is anybody's.
    private var firstPID: [Int32] = []
    private var multiPID: [Bool] = []

    // Access logs.
    /// Sessions by identifier alone: an access log does not know the database.
    private var byAnyIdentifier: [Int32: Int] = [:]
    /// Access requests waiting `matchWindow` for Odoo's line of the same request.
    private var pendingAccess: [Event] = []
    private var pendingAccessStart = 0
    /// Odoo's request lines of the last moments by join key: when, and the session they went to.
    private var recentOdoo: [UInt64: [(time: Millis, session: Int?)]] = [:]
    private var recentOdooPruned: Millis = 0
    /// Per (address, user agent): the session its requests belong to — learned from a matched
    /// request, or opened by a sign-in when there is no Odoo log to match.
    private var accessClients: [Int64: AccessClient] = [:]
    struct AccessClient {
        var session: Int
        /// Another session opened by the same (address, user agent) while this one was in use: from
        /// then on, which of the two a request is cannot be told, until a sign-in after an
        /// `ambiguityWindow` of silence.
        var contestedWith: Int?
        /// The client's last request, whoever's.
        var lastUse: Millis
    }
    /// Requests of an identifier from an address Odoo has not yet shown to accept it, per (session, address).
    private var held: [Int64: [Event]] = [:]
    /// Odoo's own log is among the run's inputs: sign-ins come from it, not from the access log.
    public var odooLogInRun = false
    private var sawOdooRequests = false
    /// The request being attributed went to the session its worker's device line named.
    private var joinedByPID = false
    private let methodPOST: Int32, methodGET: Int32

    public init(interner: Interner, options: Options = Options()) {
        self.interner = interner
        self.options = options
        methodPOST = interner.intern("POST")
        methodGET = interner.intern("GET")
    }

    @inline(__always)
    static func key(_ a: Int32, _ b: Int32) -> Int64 { Int64(a) << 32 | Int64(UInt32(bitPattern: b)) }

    public func consume(_ e: Event) {
        if pendingAccessStart < pendingAccess.count { drainAccess(before: e.time - options.matchWindow) }
        switch e.kind {
        case .accessRequest:
            pendingAccess.append(e)
            return
        case .request: request(e)
        case .deviceLogged: device(e)
        case .watched:
            watched.append((e, nil, Event.none))
            pendingWatched[Self.key(e.stream, e.pid), default: []].append(watched.count - 1)
        case .loginSucceeded:
            counters.loginLines += 1
            pids[Self.key(e.stream, e.pid), default: PIDState()].login = (e.login, e.ip, e.db, e.time)
            authEvents.append(e)
        case .twoFactorSucceeded, .passwordChanged:
            if e.uid != Event.none, e.login != Event.none, e.db != Event.none {
                uidLogins[Self.key(e.db, e.uid)] = e.login
            }
            if e.kind == .passwordChanged, e.uid != Event.none, e.db != Event.none {
                pids[Self.key(e.stream, e.pid), default: PIDState()].passwordChange =
                    PasswordChange(uid: e.uid, login: e.login, db: e.db, ip: e.ip, time: e.time)
            }
            authEvents.append(e)
        case .devicesRevoked:
            if let s = byIdentifier[Self.key(e.db, e.identifier)] {
                sessions[s].revoked = true
                sessions[s].changedNow = true
                release(s)
            }
            authEvents.append(e)
        case .banner:
            // The first banner of a stream decides; later ones (restarts) do not undo sessions built.
            guard streamVersion[e.stream] == nil else { return }
            streamVersion[e.stream] = Int(e.uid)
            if streamVersion[e.stream]! >= 18 { confirmModern(e.stream) } else {
                // A ≤17 banner settles it: sessions opened from login lines are the real thing.
                for w in sessions where w.provisional && w.stream == e.stream { w.provisional = false }
                provisionalRequests[e.stream] = nil
            }
        default:
            authEvents.append(e)
        }
    }

    private func device(_ e: Event) {
        counters.deviceLines += 1
        guard e.db != Event.none, e.identifier != Event.none else { return }
        confirmModern(e.stream)  // device lines exist only in Odoo 18+
        let pidKey = Self.key(e.stream, e.pid)
        var state = pids[pidKey] ?? PIDState()
        let idKey = Self.key(e.db, e.identifier)
        let s: Int
        if let existing = byIdentifier[idKey] {
            s = existing
        } else if let seen = byAnyIdentifier[e.identifier], sessions[seen].db == Event.none {
            // An access log showed the session first: now its database is known.
            s = seen
            sessions[s].db = e.db
            sessions[s].signedIn = true
            sessions[s].accessOnly = false
            byIdentifier[idKey] = s
        } else {
            s = sessions.count
            sessions.append(Working(db: e.db, identifier: e.identifier, uid: e.uid, login: Event.none,
                                    fallbackIP: Event.none, time: e.time, origin: e.origin))
            byIdentifier[idKey] = s
            byAnyIdentifier[e.identifier] = s
        }
        let session = sessions[s]
        if session.uid == Event.none { session.uid = e.uid }
        if session.invalidated { session.invalidated = false }  // still in use: the change did not end it
        var expectedIP = e.ip  // the newer device line names the address
        if let login = state.login, login.db == e.db, e.time - login.time <= options.joinWindow, e.time >= login.time - 1000,
           e.ip == Event.none || login.ip == Event.none || e.ip == login.ip {
            // login line → device line on one PID: this login is this uid, and the login's IP is the session's.
            if e.uid != Event.none { uidLogins[Self.key(e.db, e.uid)] = login.login }
            if session.login == Event.none { session.login = login.login }
            if login.ip != Event.none {
                bind(s, ip: login.ip, time: login.time, origin: e.origin)
                if expectedIP == Event.none { expectedIP = login.ip }
            }
            state.login = nil
        }
        if e.ip != Event.none { bind(s, ip: e.ip, time: e.time, origin: e.origin) }
        if e.userAgent != Event.none { session.userAgent = e.userAgent }
        session.touch(ip: Event.none, time: e.time, origin: e.origin, request: false)
        state.device = (s, e.time, expectedIP)
        pids[pidKey] = state
    }

    private func request(_ e: Event) {
        var watchers: [Int] = []
        if e.watch != 0 {
            watched.append((e, nil, e.ip))
            watchers.append(watched.count - 1)
        }
        let pidKey = Self.key(e.stream, e.pid)
        let stream = Int(e.stream)
        if stream >= multiPID.count {
            multiPID += [Bool](repeating: false, count: stream + 1 - multiPID.count)
            firstPID += [Int32](repeating: Event.none, count: stream + 1 - firstPID.count)
        }
        if !multiPID[stream] {
            if firstPID[stream] == Event.none { firstPID[stream] = e.pid } else if firstPID[stream] != e.pid { multiPID[stream] = true }
        }
        if !pendingWatched.isEmpty, let pending = pendingWatched.removeValue(forKey: pidKey), multiPID[stream] {
            // The request line that ends the worker's request: its address is the watched record's.
            // (Not in threaded mode: there the next line on the PID can be anybody's request.)
            for i in pending where e.time - watched[i].event.time <= options.joinWindow { watched[i].ip = e.ip; watchers.append(i) }
        }
        sawOdooRequests = true
        joinedByPID = false
        let t = attribute(e, pidKey: pidKey)
        // Only a request the worker's own device line names is surely its session's: by address, a
        // proxy's (127.0.0.1 for everybody) would hand every client to whoever used it last.
        if e.joinKey != 0 {
            // Each key's lines are in time order; those no access request still to come can match go,
            // so that a busy key (`POST /mail/data 200`) stays a few seconds long.
            let bound = oldestMatchable(now: e.time - options.matchWindow)
            recentOdoo[e.joinKey, default: []].append((e.time, joinedByPID ? t : nil))
            if let first = recentOdoo[e.joinKey]?.first, first.time < bound { recentOdoo[e.joinKey]!.removeAll { $0.time < bound } }
            pruneRecentOdoo(now: e.time - options.matchWindow)
        }
        guard let t else { return }
        for i in watchers { watched[i].session = t }
    }

    // MARK: access logs

    /// Handles the access requests older than `limit`: by then Odoo's line of the same request,
    /// if any, has been consumed.
    private func drainAccess(before limit: Millis) {
        while pendingAccessStart < pendingAccess.count, pendingAccess[pendingAccessStart].time < limit {
            access(pendingAccess[pendingAccessStart])
            pendingAccessStart += 1
        }
        if pendingAccessStart == pendingAccess.count {
            pendingAccess.removeAll(keepingCapacity: true)
            pendingAccessStart = 0
        } else if pendingAccessStart > 4096 {
            pendingAccess.removeFirst(pendingAccessStart)
            pendingAccessStart = 0
        }
        pruneRecentOdoo(now: limit)
    }

    /// The time of the oldest Odoo line an access request still to come can match.
    private func oldestMatchable(now: Millis) -> Millis {
        (pendingAccessStart < pendingAccess.count ? min(pendingAccess[pendingAccessStart].time, now) : now) - 2 * options.matchWindow
    }

    /// Forgets Odoo's request lines too old to match any access request still to come.
    private func pruneRecentOdoo(now: Millis) {
        let oldest = oldestMatchable(now: now)
        guard oldest > recentOdooPruned &+ 60_000 else { return }
        recentOdoo = recentOdoo.filter { _, lines in lines.contains { $0.time >= oldest } }
        recentOdooPruned = oldest
    }

    private func access(_ e: Event) {
        counters.accessRequests += 1
        if e.watch != 0 { watched.append((e, nil, e.ip)) }
        // Odoo's line of the same request: the only candidate within the window, if there is one.
        var odooSaw = false
        var matched: Int?
        if e.joinKey != 0, let lines = recentOdoo[e.joinKey] {
            var near = 0
            for line in lines.reversed() {
                if line.time < e.time - options.matchWindow { break }
                if line.time <= e.time + options.matchWindow {
                    near += 1
                    matched = line.session
                }
            }
            odooSaw = near > 0
            if near != 1 { matched = nil }
            if matched != nil { counters.accessMatched += 1 }
        }
        let client = e.ip == Event.none ? nil : Self.key(e.ip, e.userAgent)
        let target: Int?
        if e.identifier != Event.none {
            target = identified(e)
        } else if let s = matched {
            target = s
            if let client { accessClients[client] = AccessClient(session: s, lastUse: e.time) }
        } else if let client {
            target = visit(e, client: client, odooSaw: odooSaw)
        } else {
            target = nil
        }
        guard let t = target else { return }
        use(t, e)
        let session = sessions[t]
        if e.watch != 0 { watched[watched.count - 1].session = t }
        if e.target == .logout, e.status < 400 {
            // Provisional: Odoo ends the session, but answers a logout with a cookie it did not
            // accept the same way. Used again later, it was not ended (`Working.touch`).
            session.accessLogout = e.time
            session.changedNow = true
            if let client, accessClients[client]?.session == t { accessClients[client] = nil }
            release(t)
        }
    }

    /// Records an access request in a session.
    private func use(_ t: Int, _ e: Event) {
        let session = sessions[t]
        counters.accessAttributed += 1
        session.touch(ip: e.ip, time: e.time, origin: e.origin, request: true, access: true)
        if e.userAgent != Event.none { session.userAgent = e.userAgent }
        if let l = session.accessLogout, e.time > l, servedWebClient(e) { session.accessLogout = nil }
    }

    /// The web client's page, served: Odoo accepted the session cookie the request carried.
    private func servedWebClient(_ e: Event) -> Bool { e.target == .webClient && e.status == 200 && e.method == methodGET }

    /// Odoo's own log bound `ip` to session `s`: the requests held for that address are its.
    private func releaseHeld(_ s: Int, ip: Int32) {
        guard !held.isEmpty, let earlier = held.removeValue(forKey: Self.key(Int32(s), ip)) else { return }
        heldTotal -= earlier.count
        counters.accessUnconfirmed -= earlier.count
        for e in earlier {
            use(s, e)
            if e.watch != 0, let i = watched.lastIndex(where: { $0.event.origin == e.origin }) { watched[i].session = s }
        }
    }

    /// The session an access request's identifier names, opened if no log has named it yet, and
    /// only for an address the session is known at. A client can send any cookie: the first 42
    /// characters of somebody else's and anything after them. Requests from a new address wait until
    /// Odoo shows it accepted the cookie there — its own log binds the address, or it serves the
    /// web client's page (200) — and are dropped if it never does.
    private func identified(_ e: Event) -> Int? {
        let s: Int
        if let known = byAnyIdentifier[e.identifier] {
            s = known
        } else {
            s = sessions.count
            let w = Working(db: e.db, identifier: e.identifier, uid: Event.none, login: Event.none, fallbackIP: Event.none,
                            time: e.time, origin: e.origin)
            w.signedIn = false
            w.accessOnly = true
            w.stream = e.stream
            sessions.append(w)
            byAnyIdentifier[e.identifier] = s
            if e.db != Event.none { byIdentifier[Self.key(e.db, e.identifier)] = s }
        }
        let w = sessions[s]
        // Ended for sure (logged out or revoked in Odoo's log, its user's password changed): Odoo
        // deleted it, and refuses the cookie.
        if w.loggedOut || w.revoked || w.invalidated { return nil }
        if w.signedIn, e.ip == Event.none || w.ips.contains(where: { $0.ip == e.ip }) { return s }
        guard servedWebClient(e) else {
            if w.signedIn { counters.accessUnconfirmed += 1 }
            // An identifier nobody has signed in with yet (a website visitor's) holds nothing: its
            // requests are anonymous. A signed-in session's, from a new address, wait for proof.
            if w.signedIn, heldTotal < Self.heldTotalLimit, held[Self.key(Int32(s), e.ip), default: []].count < Self.heldLimit {
                held[Self.key(Int32(s), e.ip), default: []].append(e)
                heldTotal += 1
            }
            return nil
        }
        w.signedIn = true
        releaseHeld(s, ip: e.ip)
        return s
    }

    /// Requests held per (session, address), and in all, at most; beyond, they are not attributed
    /// (cookies a client made up are never confirmed: they must not hold the run's memory).
    static let heldLimit = 1000, heldTotalLimit = 200_000
    private var heldTotal = 0

    /// An access request without an identifier or a match: the session its (address, user agent)
    /// belongs to. Without Odoo's log, a sign-in opens one and a failed one is an attempt; with it,
    /// Odoo's own lines tell logins, so the access log only adds to sessions. Two sessions opened
    /// by one (address, user agent) — an office behind NAT, everyone on the same browser — make it
    /// ambiguous, as in Odoo's log: its requests go to nobody until one side has been silent.
    private func visit(_ e: Event, client: Int64, odooSaw: Bool) -> Int? {
        let alone = !odooLogInRun && !sawOdooRequests && !odooSaw
        // Odoo answers a sign-in with a redirect, and a failed one by showing the form again (200).
        if alone, e.method == methodPOST, e.target == .login || e.target == .twoFactor, e.status < 500 {
            let succeeded = e.status >= 300 && e.status < 400
            let kind: EventKind = e.target == .login ? (succeeded ? .loginSucceeded : .loginFailed)
                : (succeeded ? .twoFactorSucceeded : .twoFactorFailed)
            var attempt = Event(time: e.time, kind: kind, stream: e.stream, pid: 0, origin: e.origin)
            attempt.db = e.db
            attempt.ip = e.ip
            attempt.login = e.login
            authEvents.append(attempt)
            // A new session, unless the log shows sessions by their identifiers (Odoo rotates the sid at
            // login), or this is the two-factor step of the sign-in that opened it.
            if e.target == .login, succeeded, !e.logsSessions {
                let s = sessions.count
                let w = Working(db: e.db, identifier: Event.none, uid: Event.none, login: e.login, fallbackIP: e.ip,
                                time: e.time, origin: e.origin)
                w.accessOnly = true
                w.stream = e.stream
                sessions.append(w)
                var entry = AccessClient(session: s, lastUse: e.time)
                if let previous = accessClients[client], !sessions[previous.session].ended,
                   e.time - previous.lastUse <= options.ambiguityWindow {
                    entry.contestedWith = previous.session
                }
                accessClients[client] = entry
                return s
            }
        }
        guard var entry = accessClients[client] else { return nil }
        let w = sessions[entry.session]
        guard !w.ended, e.time - w.last <= options.maxInactivity else {
            accessClients[client] = nil
            return nil
        }
        entry.lastUse = e.time
        accessClients[client] = entry
        if let other = entry.contestedWith {
            counters.accessAmbiguous += 1
            if e.target == .logout, e.status < 400 {
                for c in [entry.session, other] {  // one of them signed out, which is unknown
                    sessions[c].possibleLogout = e.time
                    sessions[c].changedNow = true
                }
                accessClients[client] = nil
            }
            return nil
        }
        return entry.session
    }

    /// Attributes a request to a session; returns it (nil when unattributed or ambiguous).
    private func attribute(_ e: Event, pidKey: Int64) -> Int? {
        guard e.db != Event.none else {
            counters.requestsWithoutDatabase += 1
            return nil
        }
        var target: Int?
        var passwordChange: PasswordChange?
        if var state = pids[pidKey] {
            // The werkzeug line ends the worker's request. In threaded mode (one PID for all, as
            // under Docker) another client's request can come first: a pending join is used or
            // dropped only by the request from the address it expects.
            let ours: (Int32) -> Bool = { expected in expected == Event.none || expected == e.ip }
            if let d = state.device, ours(d.ip) {
                if e.time - d.time <= options.joinWindow, sessions[d.session].db == e.db {
                    target = d.session
                    joinedByPID = true
                    if e.ip != Event.none { bind(d.session, ip: e.ip, time: e.time, origin: e.origin) }
                }
                state.device = nil
            }
            if let login = state.login, ours(login.ip) {
                if target == nil, login.db == e.db, e.time - login.time <= options.joinWindow, legacy(e.stream) {
                    target = fallbackSession(login: login.login, ip: login.ip != Event.none ? login.ip : e.ip, e)
                }
                state.login = nil
            }
            if let change = state.passwordChange, ours(change.ip) {
                if e.time - change.time <= options.joinWindow { passwordChange = change }
                state.passwordChange = nil
            }
            pids[pidKey] = state
        }
        // The login page answered 200 (the form, or a failed attempt) means a client without a
        // session: never someone's session by address.
        let anonymous = (e.target == .login || e.target == .twoFactor) && e.status == 200
        if target == nil, !anonymous, e.ip != Event.none, let owner = owners[Self.key(e.db, e.ip)] {
            let s = sessions[owner.session]
            if let other = owner.contestedWith {
                if let seen = sessions[other].lastUse(of: e.ip), e.time - seen <= options.ambiguityWindow,
                   !sessions[other].ended {
                    counters.ambiguousRequests += 1
                    if e.target == .logout {
                        // One of them signed out: the one used last, just before (a logout follows a click in
                        // that tab). If it is used again, it was not that one after all.
                        let recent = [owner.session, other].compactMap { c in sessions[c].lastUse(of: e.ip).map { (c, $0) } }
                            .filter { e.time - $0.1 <= options.logoutWindow }
                        if let latest = recent.map(\.1).max() {
                            for (candidate, seen) in recent where seen == latest {
                            sessions[candidate].possibleLogout = e.time
                            sessions[candidate].changedNow = true
                        }
                        }
                    }
                    if let change = passwordChange {
                        // Which session made the change is unknown, but it is the user's one on this address.
                        let mine = [owner.session, other].first { sameUser(sessions[$0], uid: change.uid, login: change.login) }
                        invalidate(change, keeping: mine)
                    }
                    return nil
                }
                owners[Self.key(e.db, e.ip)]?.contestedWith = nil
            }
            if !s.ended, e.time - s.last <= options.maxInactivity { target = owner.session }
        }
        if let change = passwordChange { invalidate(change, keeping: target) }
        guard let t = target else {
            counters.unattributedRequests += 1
            return nil
        }
        counters.attributedRequests += 1
        let session = sessions[t]
        session.touch(ip: e.ip, time: e.time, origin: e.origin, request: true)
        session.accessLogout = nil
        if session.provisional && !modernStreams.contains(session.stream) { provisionalRequests[session.stream, default: 0] += 1 }
        if e.target == .logout {
            session.loggedOut = true
            release(t)
        }
        return t
    }

    /// A password change invalidates every session of the user except the one that made it
    /// (`odoo-facts.md` §2: the session token is an HMAC over the password).
    private func invalidate(_ change: PasswordChange, keeping: Int?) {
        for (i, w) in sessions.enumerated()
        where w.db == change.db && i != keeping && !w.ended && sameUser(w, uid: change.uid, login: change.login) {
            w.invalidated = true
            w.changedNow = true
            release(i)
        }
    }

    /// A session belongs to the user with this uid, or — for ≤17 sessions without one — this login.
    private func sameUser(_ w: Working, uid: Int32, login: Int32) -> Bool {
        if w.uid != Event.none { return w.uid == uid }
        return login != Event.none && w.login == login
    }

    /// The stream is Odoo 18+: (db, login, IP) sessions opened while that was unknown are dropped,
    /// and their requests count as unattributed.
    private func confirmModern(_ stream: Int32) {
        guard !modernStreams.contains(stream) else { return }
        modernStreams.insert(stream)
        for (i, w) in sessions.enumerated() where w.provisional && w.stream == stream && !w.dropped {
            w.dropped = true
            release(i)
        }
        if let n = provisionalRequests.removeValue(forKey: stream) {
            counters.attributedRequests -= n
            counters.unattributedRequests += n
        }
    }


    /// Odoo ≤17 (or a log that has shown no device line yet and no ≥18 banner).
    private func legacy(_ stream: Int32) -> Bool {
        if let v = streamVersion[stream] { return v < 18 }
        return !modernStreams.contains(stream)
    }

    private func fallbackSession(login: Int32, ip: Int32, _ e: Event) -> Int {
        let key = FallbackKey(db: e.db, login: login, ip: ip)
        if let s = byFallback[key], !sessions[s].ended,
           e.time - sessions[s].last <= options.maxInactivity {
            return s
        }
        let s = sessions.count
        let w = Working(db: e.db, identifier: Event.none, uid: Event.none, login: login, fallbackIP: ip,
                        time: e.time, origin: e.origin)
        w.stream = e.stream
        w.provisional = streamVersion[e.stream] == nil
        sessions.append(w)
        byFallback[key] = s
        if ip != Event.none { bind(s, ip: ip, time: e.time, origin: e.origin) }
        return s
    }

    /// Records use of `ip` by `s` and makes it the address's owner.
    private func bind(_ s: Int, ip: Int32, time: Millis, origin: Origin) {
        sessions[s].touch(ip: ip, time: time, origin: origin, request: false)
        own(s, ip: ip, time: time)
        releaseHeld(s, ip: ip)
    }

    /// Makes `s` the owner of `ip` as of `time`, noting a contest when another user's live session had it.
    private func own(_ s: Int, ip: Int32, time: Millis) {
        let session = sessions[s]
        let k = Self.key(session.db, ip)
        guard var owner = owners[k] else {
            owners[k] = IPOwner(session: s)
            return
        }
        if owner.session == s { return }
        let previous = sessions[owner.session]
        if !sameUser(previous, session), !previous.ended, let seen = previous.lastUse(of: ip), time - seen <= options.maxInactivity {
            owner.contestedWith = owner.session
        } else if let c = owner.contestedWith, c == s {
            owner.contestedWith = nil
        }
        owner.session = s
        owners[k] = owner
    }

    /// Whether two sessions are known to belong to one user (by uid, else by login). Unknown means
    /// no: the conservative answer when attributing requests.
    private func sameUser(_ a: Working, _ b: Working) -> Bool {
        if a.uid != Event.none && b.uid != Event.none { return a.uid == b.uid }
        if a.login != Event.none && b.login != Event.none { return a.login == b.login }
        return false
    }

    private func release(_ s: Int) {
        for use in sessions[s].ips {
            let k = Self.key(sessions[s].db, use.ip)
            if owners[k]?.session == s { owners[k] = nil }
        }
    }

    /// Continues the sessions an earlier run left alive, so that tonight's first requests from
    /// their addresses go to them as they would have in one long run: their identifiers, users and
    /// the addresses they own. Call before consuming. Only sessions used again are emitted, with
    /// what is new (requests, visits), which the store adds to what it has.
    public func resume(_ live: [Session]) {
        let none = Origin(file: -1, line: 0)
        var uses: [(session: Int, ip: Int32, time: Millis)] = []
        for s in live.sorted(by: { ($0.lastActivity, $0.key) < ($1.lastActivity, $1.key) }) {
            // `?`: an access log's session whose database no log had named; Odoo's device line may name it tonight.
            let db = s.db == "?" && s.source == "access-log" ? Event.none : interner.intern(s.db)
            let identifier = s.identifier.map { interner.intern($0) } ?? Event.none
            let login = s.login.map { interner.intern($0) } ?? Event.none
            let uid = s.uid.map { Int32(clamping: $0) } ?? Event.none
            var fallbackIP = Event.none
            if identifier == Event.none, let at = s.key.lastIndex(of: "#") {
                // `login:<login>@<ip>#<start>` (Odoo ≤17) or `visit:<ip>#<start>` (an access log's client).
                if let sign = s.key.lastIndex(of: "@"), sign < at {
                    fallbackIP = interner.intern(String(s.key[s.key.index(after: sign)..<at]))
                } else if s.key.hasPrefix("visit:"), let hash = s.key.firstIndex(of: "#") {
                    fallbackIP = interner.intern(String(s.key[s.key.index(s.key.startIndex, offsetBy: 6)..<hash]))
                }
            }
            let w = Working(db: db, identifier: identifier, uid: uid, login: login, fallbackIP: fallbackIP,
                            time: s.firstActivity, origin: none)
            w.last = s.lastActivity
            w.seeded = true
            w.accessOnly = s.source == "access-log"
            w.stream = -1
            for use in s.ips {
                w.ips.append(Working.Use(ip: interner.intern(use.ip), first: use.firstSeen, last: use.lastSeen, requests: 0,
                                         origin: none, visits: []))
            }
            let index = sessions.count
            sessions.append(w)
            if identifier != Event.none {
                byIdentifier[Self.key(db, identifier)] = index
                byAnyIdentifier[identifier] = index
            } else if w.accessOnly, s.key.hasPrefix("visit:"), fallbackIP != Event.none {
                // An access log's (address, user agent) session goes on with that client's requests.
                let ua = s.userAgent.map { interner.intern($0) } ?? Event.none
                if !s.loggedOut { accessClients[Self.key(fallbackIP, ua)] = AccessClient(session: index, lastUse: s.lastActivity) }
            } else if login != Event.none {
                byFallback[FallbackKey(db: db, login: login, ip: fallbackIP)] = index
            }
            if uid != Event.none, login != Event.none { uidLogins[Self.key(db, uid)] = login }
            for use in w.ips { uses.append((index, use.ip, use.last)) }
        }
        // Addresses go to their owners in the order they were last used, as binding did.
        for (index, ip, time) in uses.sorted(by: { $0.time < $1.time }) { own(index, ip: ip, time: time) }
    }

    /// The sessions rebuilt so far, with strings resolved; `paths` maps origins to file names.
    public func finish(paths: [String]) -> (sessions: [Session], authEvents: [AuthEvent], matches: [RequestMatch]) {
        drainAccess(before: .max)
        // nginx does not know the database: a session only an access log showed is filed under the
        // database of the run's other sessions when there is one, else under `?`.
        let databases = Set(sessions.lazy.filter { !$0.dropped && $0.db != Event.none }.map(\.db))
        let soleDB = databases.count == 1 ? interner.string(databases.first!) : "?"
        // With Odoo's log in the run, its request lines feed the watches; the access log's would count twice.
        if sawOdooRequests { watched.removeAll { $0.event.kind == .accessRequest } }
        func evidence(_ o: Origin) -> Evidence { Evidence(file: paths[Int(o.file)], line: Int(o.line)) }
        func known(_ o: Origin) -> Evidence? { o.file < 0 ? nil : evidence(o) }  // nil: from an earlier run
        func string(_ id: Int32) -> String? { id == Event.none ? nil : interner.string(id) }
        var result: [Session] = []
        result.reserveCapacity(sessions.count)
        var built: [Int: Int] = [:]  // working index → result index
        for (index, w) in sessions.enumerated() where !w.dropped && w.signedIn && (!w.seeded || w.touchedNow || w.changedNow) {
            built[index] = result.count
            let db = w.db == Event.none ? soleDB : interner.string(w.db)
            var login = string(w.login)
            if login == nil, w.uid != Event.none, let l = uidLogins[Self.key(w.db, w.uid)] { login = interner.string(l) }
            let identifier = string(w.identifier)
            let key = identifier.map { "sid:\($0)" }
                ?? (w.accessOnly ? "visit:" : "login:\(login ?? "?")@") + "\(string(w.fallbackIP) ?? "-")#\(UTC.iso(w.first))"
                + (w.accessOnly && identifier == nil ? "/" + String(StableHash.hex([string(w.userAgent) ?? ""]).prefix(8)) : "")
            result.append(Session(
                db: db, key: key, identifier: identifier, uid: w.uid == Event.none ? nil : Int(w.uid), login: login,
                firstActivity: w.first, lastActivity: w.last, requests: max(w.requests, w.accessRequests),
                ips: w.ips.filter { !$0.visits.isEmpty }.map {  // (addresses of a resumed session not used again stay as stored)
                    SessionIP(ip: interner.string($0.ip), firstSeen: $0.first, lastSeen: $0.last, requests: max($0.requests, $0.accessRequests),
                              firstEvidence: known($0.origin), visits: $0.visits)
                },
                loggedOut: w.loggedOut, revoked: w.revoked, invalidated: w.invalidated, userAgent: string(w.userAgent),
                firstEvidence: known(w.firstOrigin), lastEvidence: known(w.lastOrigin), source: w.accessOnly ? "access-log" : "odoo-log",
                probablyLoggedOut: w.possibleLogout != nil || w.accessLogout != nil))
        }
        let auth = authEvents.map { e in
            AuthEvent(time: e.time, kind: e.kind, db: e.db == Event.none ? soleDB : interner.string(e.db), login: string(e.login),
                      uid: e.uid == Event.none ? nil : Int(e.uid), ip: string(e.ip), evidence: evidence(e.origin))
        }
        let matches = watched.map { m -> RequestMatch in
            let s = m.session.flatMap { built[$0] }.map { result[$0] }
            let e = m.event
            return RequestMatch(mask: e.watch, time: e.time, db: string(e.db), ip: string(m.ip), sessionKey: s?.key,
                                user: s?.user, uid: s?.uid, identifier: s?.identifier, method: string(e.method),
                                text: string(e.text) ?? "", status: e.kind == .request || e.kind == .accessRequest ? Int(e.status) : nil,
                                evidence: evidence(e.origin))
        }
        return (result, auth, matches)
    }
}
