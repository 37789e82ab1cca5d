/// What "the same place" means for a rule: the same country, region, city, ASN, network, or site
/// (network *and* city: a /24 split between cities is several sites).
public struct PlaceScope: Sendable, Hashable {
    public enum Kind: String, CaseIterable, Sendable { case country, region, city, asn, network, site }

    public var kind: Kind
    /// Network sizes for `network`: IPv4 /24 and IPv6 /64 by default (one site, one home).
    public var v4Prefix = 24
    public var v6Prefix = 64

    public init(_ kind: Kind, v4Prefix: Int = 24, v6Prefix: Int = 64) {
        self.kind = kind
        self.v4Prefix = v4Prefix
        self.v6Prefix = v6Prefix
    }

    /// A short stable name for caches (string interpolation of a struct goes through reflection).
    public var key: String { "\(kind.rawValue)/\(v4Prefix)/\(v6Prefix)" }

    /// The place of one address in this scope, or nil when it cannot be known (internal, not in the databases).
    public func value(of use: SessionIP) -> String? {
        if case .internal = use.placement { return nil }
        if kind == .network { return IPAddress(use.ip)?.network(v4Prefix: v4Prefix, v6Prefix: v6Prefix) }
        guard let l = use.placement.location else { return nil }
        if kind == .site {
            guard let network = IPAddress(use.ip)?.network(v4Prefix: v4Prefix, v6Prefix: v6Prefix) else { return nil }
            return "\(network)@\(l.countryCode ?? "?")/\(l.city ?? "?")"
        }
        switch kind {
        case .country: return l.countryCode
        case .region: return l.region.map { "\(l.countryCode ?? "?")/\($0)" }
        case .city: return l.city.map { "\(l.countryCode ?? "?")/\($0)" }
        case .asn: return l.asn.map { "AS\($0)" }
        case .network, .site: return nil
        }
    }
}

/// Which places an organisation's users have used: a place many colleagues use (the office, the
/// company VPN, the national carrier) is familiar for everyone. Only use in the window *before*
/// the judged moment counts, so a place an attacker sprays across many accounts tonight does not
/// become familiar by tomorrow's run of tonight's logs.
public struct OrganisationBaseline: Sendable {
    typealias Span = (first: Millis, last: Millis)
    /// Per place: each user's uses (one span per session address).
    let uses: [String: [String: [Span]]]
    /// Each user's uses of any place.
    let activity: [String: [Span]]
    /// A colleague's use counts only once it is this old: places sprayed across accounts tonight
    /// are not familiar tonight.
    public static let settling: Millis = 86_400_000

    public init(uses list: [(user: String, value: String, first: Millis, last: Millis)], users: [String: [(first: Millis, last: Millis)]]) {
        var uses: [String: [String: [Span]]] = [:]
        for u in list { uses[u.value, default: [:]][u.user, default: []].append((u.first, u.last)) }
        self.uses = uses
        activity = users
        observedSince = users.values.flatMap { $0.map(\.first) }.min()
    }

    /// Since when the organisation has been observed (the first user's first activity).
    public let observedSince: Millis?

    /// How many *other* users used `value` in `[since, before − settling)`, out of how many other users were active then.
    public func familiarity(of value: String, user: String, since: Millis, before: Millis) -> (colleagues: Int, users: Int) {
        let end = before - Self.settling
        func within(_ spans: [Span]) -> Bool { spans.contains { $0.first < end && $0.last >= since } }
        let colleagues = (uses[value] ?? [:]).filter { $0.key != user && within($0.value) }.count
        let users = activity.filter { $0.key != user && within($0.value) }.count
        return (colleagues, users)
    }

    /// Whether `value` counts as familiar: at least `minUsers` colleagues and `share` of them.
    public func isFamiliar(_ value: String, user: String, since: Millis, before: Millis, share: Double, minUsers: Int) -> Bool {
        let (colleagues, users) = familiarity(of: value, user: user, since: since, before: before)
        return colleagues >= minUsers && users > 0 && Double(colleagues) >= share * Double(users)
    }
}
