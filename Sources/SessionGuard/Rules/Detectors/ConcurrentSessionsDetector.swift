/// `concurrent_sessions`: two sessions of one user active at the same time from places implausibly
/// far apart — someone else is signed in as this user.
///
/// Active means overlapping visits (stretches of requests), not merely overlapping lifetimes: a
/// laptop session left open at the office while the user travels is not concurrency. The finding
/// goes to the session in the country the user has used less (the later one when equal), once
/// per other session.
public struct ConcurrentSessionsDetector: Detector {
    public static let name = "concurrent_sessions"
    public static let parameters = TravelPolicy.parameters

    public let policy: TravelPolicy

    public init(params: RuleParams) throws(RuleError) {
        policy = try TravelPolicy(params: params)
    }

    public func evaluate(_ session: Session, context: any DetectionContext) throws -> [FindingDraft] {
        let mine = TravelPolicy.points([session])
        guard !mine.isEmpty else { return [] }
        let others = try context.activity(db: session.db, user: session.user, from: session.firstActivity, to: session.lastActivity)
            .filter { $0.key != session.key }
        let familiar = policy.familiarity(db: session.db, user: session.user, before: session.firstActivity, context: context)
        var drafts: [FindingDraft] = []
        for other in others.sorted(by: { ($0.firstActivity, $0.key) < ($1.firstActivity, $1.key) }) {
            let theirs = TravelPolicy.points([other])
            search: for b in mine {
                for a in theirs where a.visit.overlaps(b.visit) {
                    let later = (other.firstActivity, other.key) > (session.firstActivity, session.key)
                    let (x, y) = later ? (b, a) : (a, b)  // x earlier session, y later
                    let j = try policy.judge(x.use, y.use, gap: 0, orderFree: true, familiar: familiar)
                    guard j.verdict == .implausible,
                          try TravelPolicy.suspect(x, y, days: policy.orgHistoryDays, context: context).session.key == session.key
                    else { continue }
                    let start = max(a.visit.start, b.visit.start), end = min(a.visit.end, b.visit.end)
                    var facts = policy.facts(from: a, to: b, j)
                    facts.append(("other_session", .string(other.identifier ?? other.key)))
                    facts.append(("overlap_from", .string(UTC.iso(start))))
                    facts.append(("overlap_to", .string(UTC.iso(end))))
                    drafts.append(FindingDraft(
                        discriminator: "with=\(other.key)",
                        summary: "\(session.user) had two sessions in use at once, from \(TravelPolicy.describe(a.use)) and "
                            + "\(TravelPolicy.describe(b.use)), at least \(Int(j.lowerBoundKm!.rounded())) km apart "
                            + "(\(UTC.iso(start)) to \(UTC.iso(end)))",
                        facts: facts,
                        evidence: TravelPolicy.evidence(from: a, to: b),
                        firstSeen: start, lastSeen: end, places: [b.use]))
                    break search
                }
            }
        }
        return drafts
    }
}
