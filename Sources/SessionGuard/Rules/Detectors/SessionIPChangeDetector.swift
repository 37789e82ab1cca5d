/// `session_ip_change`: one Odoo session (one identifier, one cookie) used from two places that one
/// person could not be at in the time between — or at the same time. The signature of a stolen
/// session cookie: revoking that session ends the thief's access without touching the password.
///
/// A laptop that travels with its owner keeps its session plausibly; a phone that hops between
/// Wi-Fi and its carrier is tolerated by the policy (same network, same carrier, org places).
public struct SessionIPChangeDetector: Detector {
    public static let name = "session_ip_change"
    public static let parameters = TravelPolicy.parameters

    public let policy: TravelPolicy

    public init(params: RuleParams) throws(RuleError) {
        policy = try TravelPolicy(params: params)
    }

    public func evaluate(_ session: Session, context: any DetectionContext) throws -> [FindingDraft] {
        let uses = session.ips.filter { $0.placement.location?.latitude != nil }.sorted { ($0.firstSeen, $0.ip) < ($1.firstSeen, $1.ip) }
        guard uses.count > 1 else { return [] }
        let familiar = policy.familiarity(db: session.db, user: session.user, before: session.firstActivity, context: context)
        var drafts: [FindingDraft] = []
        for (i, u) in uses.enumerated() {
            for v in uses[(i + 1)...] {
                // At zero gap a move is as fast as it gets: if even that is tolerated either way round, no
                // visit pair can fire.
                guard try policy.judge(u, v, gap: 0, orderFree: true, familiar: familiar).verdict == .implausible,
                      let (a, b) = Self.closest(u, v, session) else { continue }
                let gap = max(0, b.visit.start - a.visit.end)
                let j = try policy.judge(a.use, b.use, gap: gap, orderFree: true, familiar: familiar)
                guard j.verdict == .implausible else { continue }
                let how = gap == 0 ? "at the same time" : "\(Duration.describe(seconds: j.gapSeconds)) apart"
                drafts.append(FindingDraft(
                    discriminator: [a.use.ip, b.use.ip].sorted().joined(separator: "<>"),
                    summary: "One session of \(session.user) was used from \(TravelPolicy.describe(a.use)) and from "
                        + "\(TravelPolicy.describe(b.use)) \(how), at least \(Int(j.lowerBoundKm!.rounded())) km apart: "
                        + "a copied session cookie?",
                    facts: policy.facts(from: a, to: b, j),
                    evidence: TravelPolicy.evidence(from: a, to: b),
                    firstSeen: a.visit.start, lastSeen: b.visit.end, places: [b.use]))
            }
        }
        return drafts
    }

    /// The two visits, one at each address, closest in time (overlapping ones first), earlier first.
    static func closest(_ u: SessionIP, _ v: SessionIP, _ session: Session) -> (ActivityPoint, ActivityPoint)? {
        var best: (gap: Millis, a: Visit, aUse: SessionIP, b: Visit, bUse: SessionIP)?
        var i = 0, j = 0
        while i < u.visits.count, j < v.visits.count {
            let x = u.visits[i], y = v.visits[j]
            let (first, firstUse, second, secondUse) = x.start <= y.start ? (x, u, y, v) : (y, v, x, u)
            let gap = max(0, second.start - first.end)
            if best == nil || gap < best!.gap { best = (gap, first, firstUse, second, secondUse) }
            if gap == 0 { break }
            if x.end < y.end { i += 1 } else { j += 1 }
        }
        guard let best else { return nil }
        return (ActivityPoint(session: session, use: best.aUse, visit: best.a), ActivityPoint(session: session, use: best.bUse, visit: best.b))
    }
}
