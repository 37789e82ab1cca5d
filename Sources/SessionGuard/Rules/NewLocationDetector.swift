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
    public static let parameters = ["scope", "history_days", "min_history_sessions", "network_prefix_v4", "network_prefix_v6"]

    public enum Scope: String, CaseIterable, Sendable { case country, region, city, asn, network }

    public let scope: Scope
    public let historyDays: Int
    public let minHistorySessions: Int
    public let v4Prefix: Int
    public let v6Prefix: Int

    public init(params: RuleParams) throws(RuleError) {
        scope = Scope(rawValue: try params.choice("scope", Scope.allCases.map(\.rawValue), default: "country"))!
        historyDays = try params.int("history_days", default: 90, range: 1...3650)
        minHistorySessions = try params.int("min_history_sessions", default: 3, range: 1...10_000)
        v4Prefix = try params.int("network_prefix_v4", default: 24, range: 8...32)
        v6Prefix = try params.int("network_prefix_v6", default: 64, range: 16...128)
    }

    /// The value of this detector's scope for one address, or nil when it cannot be known.
    func value(of use: SessionIP) -> String? {
        if case .internal = use.placement { return nil }
        if scope == .network { return IPAddress(use.ip)?.network(v4Prefix: v4Prefix, v6Prefix: v6Prefix) }
        guard let l = use.placement.location else { return nil }
        switch scope {
        case .country: return l.countryCode
        case .region: return l.region.map { "\(l.countryCode ?? "?")/\($0)" }
        case .city: return l.city.map { "\(l.countryCode ?? "?")/\($0)" }
        case .asn: return l.asn.map { "AS\($0)" }
        case .network: return nil
        }
    }

    public func evaluate(_ session: Session, context: any DetectionContext) throws -> [FindingDraft] {
        guard session.login != nil || session.uid != nil else { return [] }
        let candidates = session.ips.sorted { $0.firstSeen < $1.firstSeen }.compactMap { use in value(of: use).map { (use, $0) } }
        guard !candidates.isEmpty else { return [] }
        let from = session.firstActivity - Millis(historyDays) * 86_400_000
        // Only sessions whose place is known count as history: sessions stored without GeoIP or
        // from internal addresses say nothing about where the user usually is.
        let history = try context.history(db: session.db, user: session.user, from: from,
                                          before: session.firstActivity, excludingKey: session.key)
            .filter { $0.ips.contains { value(of: $0) != nil } }
        guard history.count >= minHistorySessions else { return [] }
        let known = Set(history.flatMap { $0.ips.compactMap(value(of:)) })
        var drafts: [FindingDraft] = []
        var reported: Set<String> = []
        for (use, place) in candidates where !known.contains(place) && !reported.contains(place) {
            reported.insert(place)
            let uses = candidates.filter { $0.1 == place }.map(\.0)
            let l = use.placement.location
            let where_ = [l?.city, l?.countryName ?? l?.countryCode].compactMap { $0 }.joined(separator: ", ")
            var facts: [(String, JSON)] = [
                ("scope", .string(scope.rawValue)),
                ("value", .string(place)),
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
            facts.append(("known_values", .array(known.sorted().prefix(20).map { .string($0) })))
            drafts.append(FindingDraft(
                discriminator: "\(scope.rawValue)=\(place)",
                summary: "\(session.user) used \(session.db) from \(place)\(where_.isEmpty || where_ == place ? "" : " (\(where_))"), "
                    + "not seen in \(history.count) sessions over \(historyDays) days",
                facts: facts,
                evidence: uses.compactMap(\.firstEvidence),
                firstSeen: uses.map(\.firstSeen).min()!, lastSeen: uses.map(\.lastSeen).max()!,
                places: uses))
        }
        return drafts
    }
}
