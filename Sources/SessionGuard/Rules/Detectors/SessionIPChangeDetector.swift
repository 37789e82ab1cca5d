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
        let points = TravelPolicy.points([session]).sorted { ($0.visit.start, $0.use.ip) < ($1.visit.start, $1.use.ip) }
        guard Set(points.map(\.use.ip)).count > 1 else { return [] }
        let familiar = policy.familiarity(db: session.db, user: session.user, before: session.firstActivity, context: context)
        var drafts: [FindingDraft] = []
        var seen: Set<String> = []
        for (i, b) in points.enumerated() {
            // Against every earlier visit from another address that overlaps b, else the latest one before b.
            var previous: ActivityPoint?
            var overlapping: [ActivityPoint] = []
            for a in points[..<i] where a.use.ip != b.use.ip {
                if a.visit.end >= b.visit.start { overlapping.append(a) } else if previous.map({ a.visit.end > $0.visit.end }) ?? true { previous = a }
            }
            for a in overlapping + (previous.map { [$0] } ?? []) {
                let pair = [a.use.ip, b.use.ip].sorted().joined(separator: "<>")
                guard !seen.contains(pair) else { continue }
                let gap = max(0, b.visit.start - a.visit.end)
                let j = try policy.judge(a.use, b.use, gap: gap, familiar: familiar)
                guard j.verdict == .implausible else { continue }
                seen.insert(pair)
                let how = gap == 0 ? "at the same time" : "\(Duration.describe(seconds: j.gapSeconds)) apart"
                drafts.append(FindingDraft(
                    discriminator: pair,
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
}
