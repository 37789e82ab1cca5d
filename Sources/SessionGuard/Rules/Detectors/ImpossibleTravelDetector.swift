/// `impossible_travel`: consecutive activity of one user, in any of their sessions, from two places
/// too far apart for the time between them.
///
/// For each visit of the judged session, the previous activity is the user's visit (in any
/// session) that ended last before it began. The move between them is judged by `TravelPolicy`:
/// only an *implausible* verdict fires; *unknown* (no place, radii too large) and tolerated moves
/// (same network, a national carrier's ASN, a place many colleagues use) never do.
public struct ImpossibleTravelDetector: Detector {
    public static let name = "impossible_travel"
    public static let parameters = TravelPolicy.parameters + ["lookback"]

    public let policy: TravelPolicy
    /// How far back the previous activity may be. A day covers every flight on Earth at 1000 km/h.
    public let lookback: Millis

    public init(params: RuleParams) throws(RuleError) {
        policy = try TravelPolicy(params: params)
        lookback = Millis(try params.seconds("lookback", default: 86_400)) * 1000
    }

    public func evaluate(_ session: Session, context: any DetectionContext) throws -> [FindingDraft] {
        let mine = TravelPolicy.points([session]).sorted { ($0.visit.start, $0.use.ip) < ($1.visit.start, $1.use.ip) }
        guard !mine.isEmpty else { return [] }
        let around = try context.activity(db: session.db, user: session.user,
                                          from: session.firstActivity - lookback, to: session.lastActivity + lookback)
        let all = TravelPolicy.points(around.contains { $0.key == session.key } ? around : around + [session])
        // Every visit of the user, by end (the previous activity) and by start (the next one).
        // (Ties broken by address so that the order, and so the findings, never depend on the input order.)
        let byEnd = all.sorted { ($0.visit.end, $0.visit.start) != ($1.visit.end, $1.visit.start)
            ? ($0.visit.end, $0.visit.start) < ($1.visit.end, $1.visit.start) : $0.use.ip < $1.use.ip }
        let ends = byEnd.map(\.visit.end)
        let byStart = all.sorted { ($0.visit.start, $0.visit.end) != ($1.visit.start, $1.visit.end)
            ? ($0.visit.start, $0.visit.end) < ($1.visit.start, $1.visit.end) : $0.use.ip < $1.use.ip }
        let starts = byStart.map(\.visit.start)
        var drafts: [FindingDraft] = []
        var seen: Set<String> = []
        for p in mine {
            var pairs: [(ActivityPoint, ActivityPoint)] = []
            // The last visit that ended before this one began, and the first that began after it ended.
            let before = Self.count(ends) { $0 < p.visit.start }
            if before > 0 { pairs.append((byEnd[before - 1], p)) }
            let upTo = Self.count(starts) { $0 <= p.visit.end }
            if upTo < byStart.count { pairs.append((p, byStart[upTo])) }
            for (a, b) in pairs where b.visit.start - a.visit.end <= lookback && !a.sameUse(b) && a.use.ip != b.use.ip {
                let pair = "\(a.use.ip)>\(b.use.ip)"
                guard !seen.contains(pair) else { continue }
                // Arriving somewhere colleagues use is tolerated (judged from the arrival's start).
                let familiar = policy.familiarity(db: session.db, user: session.user, before: b.visit.start, context: context)
                let j = try policy.judge(a.use, b.use, gap: b.visit.start - a.visit.end, familiar: familiar)
                guard j.verdict == .implausible else { continue }
                let suspect = try TravelPolicy.suspect(a, b, days: policy.orgHistoryDays, context: context)
                guard suspect.session.key == session.key else { continue }  // the other session gets it
                seen.insert(pair)
                var facts = policy.facts(from: a, to: b, j)
                facts.append(("suspect", .string(suspect.use.ip)))
                drafts.append(FindingDraft(
                    discriminator: pair,
                    summary: "\(session.user) was active from \(TravelPolicy.describe(a.use)) until \(UTC.iso(a.visit.end)) and from "
                        + "\(TravelPolicy.describe(b.use)) at \(UTC.iso(b.visit.start)): at least \(Int(j.lowerBoundKm!.rounded())) km "
                        + "in \(Duration.describe(seconds: j.gapSeconds)), faster than \(Int(policy.maxSpeedKmh)) km/h",
                    facts: facts,
                    evidence: TravelPolicy.evidence(from: a, to: b),
                    firstSeen: a.visit.end, lastSeen: b.visit.start, places: [suspect.use]))
            }
        }
        return drafts
    }

    /// How many leading elements of a sorted array satisfy `below` (a binary search).
    static func count(_ sorted: [Millis], _ below: (Millis) -> Bool) -> Int {
        var lo = 0, hi = sorted.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if below(sorted[mid]) { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }
}
