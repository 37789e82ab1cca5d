/// `login_failures`: password guessing, per login and per address, and — the case that matters
/// most — a successful sign-in from an address that had just failed many times (credential
/// stuffing that worked). Odoo's rate-limit WARNING lines (`Login attempt ignored for <ip>`) count
/// as failures of that address.
///
/// `report` picks what a rule reports: `bursts` (failures at or above the thresholds within
/// `window`; nothing to revoke, so recommended for review), `success_after_failures` (the session
/// the successful sign-in opened, recommended as the rule says), or `both`.
public struct LoginFailuresDetector: Detector {
    public static let name = "login_failures"
    public static let parameters = ["window", "max_failures_per_login", "max_failures_per_ip", "success_after_failures", "report"]

    public enum Report: String, CaseIterable, Sendable {
        case bursts
        case successAfterFailures = "success_after_failures"
        case both
    }

    public let window: Millis
    public let perLogin: Int
    public let perIP: Int
    public let successAfter: Int
    public let report: Report

    public init(params: RuleParams) throws(RuleError) {
        window = Millis(try params.seconds("window", default: 3600)) * 1000
        perLogin = try params.int("max_failures_per_login", default: 10, range: 1...1_000_000)
        perIP = try params.int("max_failures_per_ip", default: 20, range: 1...1_000_000)
        successAfter = try params.int("success_after_failures", default: 5, range: 1...1_000_000)
        report = Report(rawValue: try params.choice("report", Report.allCases.map(\.rawValue), default: "both"))!
    }

    public func evaluate(_ session: Session, context: any DetectionContext) throws -> [FindingDraft] { [] }

    static func isFailure(_ e: AuthEvent) -> Bool { e.kind == .loginFailed || e.kind == .loginRateLimited }

    /// One event per attempt: Odoo logs a refused attempt twice — the rate-limit WARNING, then
    /// `Login failed` for the same request — so a WARNING followed within two seconds by a failure
    /// from its address is dropped. Alone (a log at `log_level = warn`) it counts.
    static func attempts(_ events: [AuthEvent]) -> [AuthEvent] {
        var keep = [Bool](repeating: true, count: events.count)
        for (i, e) in events.enumerated() where e.kind == .loginRateLimited {
            var j = i + 1
            while j < events.count, events[j].time - e.time <= 2000 {
                if events[j].kind == .loginFailed, events[j].ip == e.ip { keep[i] = false; break }
                j += 1
            }
        }
        return events.indices.filter { keep[$0] }.map { events[$0] }
    }

    public func evaluateRun(context: any DetectionContext) throws -> [SubjectDraft] {
        guard let span = context.span else { return [] }
        let events = Self.attempts(try context.authEvents(from: span.lowerBound - window, to: span.upperBound))
        var result: [SubjectDraft] = []
        if report != .successAfterFailures {
            let byLogin = bursts(events, span: span, threshold: perLogin, what: "login") { e in
                guard e.kind == .loginFailed, let login = e.login, !login.isEmpty else { return nil }
                return login
            }
            // An address that guessed at one login already reported is the same attack told twice.
            let reported = Set(byLogin.map { "\($0.db)\u{1}\($0.user)" })
            let byIP = bursts(events, span: span, threshold: perIP, what: "ip") { e in
                guard let ip = e.ip, !ip.isEmpty, IPAddress(ip) != nil else { return nil }
                return ip
            }.filter { !reported.contains("\($0.db)\u{1}\($0.user)") }
            result += byLogin + byIP
        }
        if report != .bursts { result += try successes(events, span: span, context: context) }
        return result
    }

    /// Failures grouped by (db, key), cut where they pause longer than `window`; a group whose busiest
    /// `window` holds at least `threshold` failures is a burst.
    func bursts(_ events: [AuthEvent], span: ClosedRange<Millis>, threshold: Int, what: String,
                key: (AuthEvent) -> String?) -> [SubjectDraft] {
        var groups: [String: [AuthEvent]] = [:]
        for e in events where Self.isFailure(e) {
            guard let k = key(e) else { continue }
            groups["\(e.db ?? "")\u{1}\(k)", default: []].append(e)
        }
        var result: [SubjectDraft] = []
        for (groupKey, failures) in groups.sorted(by: { $0.key < $1.key }) {
            var clusters: [[AuthEvent]] = []
            for e in failures {
                if let last = clusters.last?.last, e.time - last.time <= window { clusters[clusters.count - 1].append(e) } else { clusters.append([e]) }
            }
            for cluster in clusters where cluster.last!.time >= span.lowerBound {
                var peak = 0, lo = 0
                for hi in cluster.indices {
                    while cluster[hi].time - cluster[lo].time > window { lo += 1 }
                    peak = max(peak, hi - lo + 1)
                }
                guard peak >= threshold else { continue }
                let parts = groupKey.split(separator: "\u{1}", maxSplits: 1, omittingEmptySubsequences: false)
                let db = String(parts[0]), subject = String(parts[1])
                let logins = Array(Set(cluster.compactMap { $0.login }.filter { !$0.isEmpty })).sorted()
                let ips = Array(Set(cluster.compactMap { $0.ip }.filter { !$0.isEmpty })).sorted()
                // An access log, or rate-limit warnings alone, do not say which logins were tried.
                let user = what == "login" ? subject : logins.isEmpty ? "unknown" : (logins.count == 1 ? logins[0] : "\(logins.count) logins")
                let first = cluster.first!.time, last = cluster.last!.time
                let evidence = [cluster.first!.evidence, cluster.last!.evidence]
                let draft = FindingDraft(
                    discriminator: "\(what)=\(subject)@\(UTC.iso(first))",
                    summary: "\(cluster.count) failed sign-ins " + (what == "login" ? "for \(subject) from \(ips.count) address(es)"
                        : "from \(subject) on " + (logins.isEmpty ? "logins the log does not name" : "\(logins.count) login(s)")) + " between \(UTC.iso(first)) and \(UTC.iso(last)) "
                        + "(at most \(peak) within \(Duration.describe(seconds: Int(window / 1000))))",
                    facts: [
                        ("by", .string(what)),
                        ("subject", .string(subject)),
                        ("failures", .int(cluster.count)),
                        ("peak_in_window", .int(peak)),
                        ("window_seconds", .int(Int(window / 1000))),
                        ("threshold", .int(threshold)),
                        ("rate_limited_only", .int(cluster.filter { $0.kind == .loginRateLimited }.count)),
                        ("logins", .array(logins.prefix(50).map { .string($0) })),
                        ("ips", .array(ips.prefix(50).map { .string($0) })),
                        ("first", .string(UTC.iso(first))),
                        ("last", .string(UTC.iso(last))),
                    ],
                    evidence: evidence == [evidence[0], evidence[0]] ? [evidence[0]] : evidence,
                    firstSeen: first, lastSeen: last,
                    places: ips.map { SessionIP(ip: $0, firstSeen: first, lastSeen: last, requests: 0, firstEvidence: nil) },
                    recommend: .review)
                result.append(SubjectDraft(db: db, user: user, key: "\(what):\(subject)", draft: draft))
            }
        }
        return result
    }

    /// A successful sign-in from an address with at least `successAfter` failures in the `window`
    /// before it: failures on the login that signed in (its password was guessed), plus failures on
    /// other logins that never signed in from there (a list being tried). Colleagues behind one
    /// office address who mistype and then sign in are not an attack: their failures are resolved.
    func successes(_ events: [AuthEvent], span: ClosedRange<Millis>, context: any DetectionContext) throws -> [SubjectDraft] {
        var failures: [String: [AuthEvent]] = [:]  // by db + ip, in time order
        var signedIn: [String: [Millis]] = [:]     // by db + ip + login: successful sign-ins
        for e in events where e.kind == .loginSucceeded {
            guard let ip = e.ip, let login = e.login else { continue }
            signedIn["\(e.db ?? "")\u{1}\(ip)\u{1}\(login)", default: []].append(e.time)
        }
        var result: [SubjectDraft] = []
        for e in events {
            guard let ip = e.ip, !ip.isEmpty, IPAddress(ip) != nil else { continue }
            let k = "\(e.db ?? "")\u{1}\(ip)"
            if Self.isFailure(e) {
                failures[k, default: []].append(e)
                continue
            }
            guard e.kind == .loginSucceeded, e.time >= span.lowerBound, let login = e.login, let db = e.db else { continue }
            let recent = (failures[k] ?? []).filter { e.time - $0.time <= window }
            let sameLogin = recent.filter { $0.login == login }.count
            let unresolved = recent.filter { f in
                guard let other = f.login, other != login else { return f.login == nil }  // rate-limit lines name no login
                return !(signedIn["\(k)\u{1}\(other)"] ?? []).contains { $0 > f.time && $0 - f.time <= window }
            }
            let before = recent.filter { $0.login == login } + unresolved
            guard before.count >= successAfter else { continue }
            // Someone retrying their own password from a network they have used before is its owner.
            let network = PlaceScope(.network)
            let known = try unresolved.count < successAfter && IPAddress(ip).map { address in
                let mine = address.network(v4Prefix: network.v4Prefix, v6Prefix: network.v6Prefix)
                return try context.history(db: db, user: login, from: e.time - 90 * 86_400_000, before: e.time - window, excludingKey: "")
                    .contains { $0.ips.contains { IPAddress($0.ip)?.network(v4Prefix: network.v4Prefix, v6Prefix: network.v6Prefix) == mine } }
            } ?? false
            guard !known else { continue }
            let logins = Array(Set(before.compactMap { $0.login }.filter { !$0.isEmpty })).sorted()
            // The session this sign-in opened: the user's session first seen at this address right then.
            let session = try context.activity(db: db, user: login, from: e.time - 2000, to: e.time + 60_000)
                .first { s in s.ips.contains { $0.ip == ip && $0.firstSeen >= e.time - 2000 && $0.firstSeen <= e.time + 60_000 } }
            let use = SessionIP(ip: ip, firstSeen: e.time, lastSeen: e.time, requests: 0, firstEvidence: e.evidence)
            var placed = use
            if let found = session?.ips.first(where: { $0.ip == ip }) { placed.placement = found.placement }
            let first = before.map(\.time).min()!
            let draft = FindingDraft(
                discriminator: "success=\(login)@\(ip)@\(UTC.iso(e.time))",
                summary: "\(login) signed in from \(ip) at \(UTC.iso(e.time)) after \(before.count) failed sign-ins from that address "
                    + "in the previous \(Duration.describe(seconds: Int(window / 1000)))"
                    + (logins.count > 1 ? " on \(logins.count) logins (credential stuffing)" : sameLogin > 0 ? " (password guessed)" : ""),
                facts: [
                    ("ip", .string(ip)),
                    ("login", .string(login)),
                    ("success_at", .string(UTC.iso(e.time))),
                    ("failures_before", .int(before.count)),
                    ("failures_on_this_login", .int(sameLogin)),
                    ("failures_on_logins_never_signed_in", .int(unresolved.count)),
                    ("failures_resolved_by_their_users", .int(recent.count - sameLogin - unresolved.count)),
                    ("logins_tried", .array(logins.prefix(50).map { .string($0) })),
                    ("window_seconds", .int(Int(window / 1000))),
                    ("threshold", .int(successAfter)),
                    ("session", .string(session.map { $0.identifier ?? $0.key })),
                ],
                evidence: [before.min { $0.time < $1.time }!.evidence, e.evidence],
                firstSeen: first, lastSeen: e.time, places: [placed])
            if let session {
                result.append(SubjectDraft(session: session, draft: draft))
            } else {
                var d = draft
                d.recommend = .review
                result.append(SubjectDraft(db: db, user: login, uid: e.uid, key: "login:\(login)", draft: d))
            }
        }
        return result
    }
}
