/// `new_location`: a session used from a place (country, region, city, ASN or network) that the
/// user has not used in the last `history_days`.
///
/// The baseline is the user's sessions in the store that started before this one — earlier runs
/// and earlier sessions of this run alike — so ingesting older logs first avoids a cold start.
/// With fewer than `min_history_sessions` sessions of history the verdict is *unknown* and nothing
/// is reported: a newcomer's first country is not an anomaly. Internal and unplaceable addresses
/// are never judged.
public struct NewLocationDetector: Detector {
    public static let name = "new_location"
    public static let parameters = ["scope", "history_days", "min_history_sessions", "network_prefix_v4", "network_prefix_v6",
                                    "org_share", "org_min_users"]

    public let scope: PlaceScope
    public let historyDays: Int
    public let minHistorySessions: Int
    /// A place at least this share of the other users (and `orgMinUsers` of them) used is familiar to the organisation.
    public let orgShare: Double
    public let orgMinUsers: Int

    public init(params: RuleParams) throws(RuleError) {
        let kind = PlaceScope.Kind(rawValue: try params.choice("scope", PlaceScope.Kind.allCases.map(\.rawValue), default: "country"))!
        scope = PlaceScope(kind, v4Prefix: try params.int("network_prefix_v4", default: 24, range: 8...32),
                           v6Prefix: try params.int("network_prefix_v6", default: 64, range: 16...128))
        historyDays = try params.int("history_days", default: 90, range: 1...3650)
        minHistorySessions = try params.int("min_history_sessions", default: 3, range: 1...10_000)
        orgShare = try params.double("org_share", default: 0.2, range: 0...1)
        orgMinUsers = try params.int("org_min_users", default: 3, range: 1...100_000)
    }

    public func evaluate(_ session: Session, context: any DetectionContext) throws -> [FindingDraft] {
        guard session.login != nil || session.uid != nil else { return [] }
        let candidates = session.ips.sorted { $0.firstSeen < $1.firstSeen }.compactMap { use in scope.value(of: use).map { (use, $0) } }
        guard !candidates.isEmpty else { return [] }
        let from = session.firstActivity - Millis(historyDays) * 86_400_000
        // Only sessions whose place is known count as history: sessions stored without GeoIP or
        // from internal addresses say nothing about where the user usually is.
        let history = try context.history(db: session.db, user: session.user, from: from,
                                          before: session.firstActivity, excludingKey: session.key)
            .filter { $0.ips.contains { scope.value(of: $0) != nil } }
        let enough = history.count >= minHistorySessions
        let known = Set(history.flatMap { $0.ips.compactMap(scope.value(of:)) })
        let org = try context.organisation(db: session.db, scope: scope, since: from)
        var drafts: [FindingDraft] = []
        var reported: Set<String> = []
        for (use, place) in candidates where !known.contains(place) && !reported.contains(place) {
            reported.insert(place)
            let (colleagues, users) = org.familiarity(of: place, user: session.user, since: from, before: session.firstActivity)
            let familiar = colleagues >= orgMinUsers && users > 0 && Double(colleagues) >= orgShare * Double(users)
            // Too little history: *unknown*. Worth an info line only where an organisation observed for
            // a week or more has not been either (the first nights of logs are everybody's first).
            let established = users >= orgMinUsers && (org.observedSince.map { session.firstActivity - $0 >= 7 * 86_400_000 } ?? false)
            if !enough && (familiar || !established) { continue }
            let uses = candidates.filter { $0.1 == place }.map(\.0)
            let l = use.placement.location
            let where_ = [l?.city, l?.countryName ?? l?.countryCode].compactMap { $0 }.joined(separator: ", ")
            var facts: [(String, JSON)] = [
                ("scope", .string(scope.kind.rawValue)),
                ("value", .string(place)),
                ("verdict", .string(enough ? "new" : "unknown")),
                ("ip", .string(use.ip)),
                ("country", .string(l?.countryCode)),
                ("country_name", .string(l?.countryName)),
                ("city", .string(l?.city)),
            ]
            if let lat = l?.latitude, let lon = l?.longitude {
                facts.append(("latitude", .double(lat)))
                facts.append(("longitude", .double(lon)))
            }
            facts.append(("accuracy_radius_km", l?.accuracyRadiusKm.map { .int($0) } ?? .null))
            facts.append(("asn", l?.asn.map { .int($0) } ?? .null))
            facts.append(("history_days", .int(historyDays)))
            facts.append(("history_sessions", .int(history.count)))
            facts.append(("min_history_sessions", .int(minHistorySessions)))
            facts.append(("known_values", .array(known.sorted().prefix(20).map { .string($0) })))
            facts.append(("org_colleagues", .int(colleagues)))
            facts.append(("org_users", .int(users)))
            facts.append(("org_familiar", .bool(familiar)))
            let label = "\(place)\(where_.isEmpty || where_ == place ? "" : " (\(where_))")"
            var draft = FindingDraft(
                discriminator: "\(scope.kind.rawValue)=\(place)",
                summary: enough
                    ? "\(session.user) used \(session.db) from \(label), not seen in \(history.count) sessions over \(historyDays) days"
                        + (familiar ? "; \(colleagues) of \(users) colleagues use it" : "")
                    : "\(session.user) used \(session.db) from \(label); too little history to judge (\(history.count) of "
                        + "\(minHistorySessions) sessions) and no colleague uses it",
                facts: facts,
                evidence: uses.compactMap(\.firstEvidence),
                firstSeen: uses.map(\.firstSeen).min()!, lastSeen: uses.map(\.lastSeen).max()!,
                places: uses)
            if !enough {
                draft.severity = .info
                draft.recommend = RecommendedAction.none
            } else if familiar {
                // Somewhere colleagues work (another office, the company VPN): worth a look, not an end.
                draft.severityShift = -1
                draft.reviewOnly = true
            }
            drafts.append(draft)
        }
        return drafts
    }
}
