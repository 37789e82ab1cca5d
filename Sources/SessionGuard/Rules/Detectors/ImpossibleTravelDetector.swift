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
        let mine = TravelPolicy.points([session])
        guard !mine.isEmpty else { return [] }
        let around = try context.activity(db: session.db, user: session.user,
                                          from: session.firstActivity - lookback, to: session.lastActivity)
        // Every visit of the user, by end time: the previous activity is a binary search away.
        let all = TravelPolicy.points(around.contains { $0.key == session.key } ? around : around + [session])
            .sorted { ($0.visit.end, $0.visit.start, $0.use.ip) < ($1.visit.end, $1.visit.start, $1.use.ip) }
        let ends = all.map(\.visit.end)
        let familiar = policy.familiarity(db: session.db, user: session.user, before: session.firstActivity, context: context)
        var drafts: [FindingDraft] = []
        var seen: Set<String> = []
        for b in mine.sorted(by: { $0.visit.start < $1.visit.start }) {
            // The last visit that ended strictly before this one began.
            var lo = 0, hi = ends.count
            while lo < hi {
                let mid = (lo + hi) / 2
                if ends[mid] < b.visit.start { lo = mid + 1 } else { hi = mid }
            }
            guard lo > 0 else { continue }
            let a = all[lo - 1]
            guard b.visit.start - a.visit.end <= lookback, a.use.ip != b.use.ip else { continue }
            let pair = "\(a.use.ip)>\(b.use.ip)"
            guard !seen.contains(pair) else { continue }
            let j = try policy.judge(a.use, b.use, gap: b.visit.start - a.visit.end, familiar: familiar)
            guard j.verdict == .implausible else { continue }
            seen.insert(pair)
            drafts.append(FindingDraft(
                discriminator: pair,
                summary: "\(session.user) was active from \(TravelPolicy.describe(a.use)) until \(UTC.iso(a.visit.end)) and from "
                    + "\(TravelPolicy.describe(b.use)) at \(UTC.iso(b.visit.start)): at least \(Int(j.lowerBoundKm!.rounded())) km "
                    + "in \(Duration.describe(seconds: j.gapSeconds)), faster than \(Int(policy.maxSpeedKmh)) km/h",
                facts: policy.facts(from: a, to: b, j),
                evidence: TravelPolicy.evidence(from: a, to: b),
                firstSeen: a.visit.end, lastSeen: b.visit.start, places: [b.use]))
        }
        return drafts
    }
}
