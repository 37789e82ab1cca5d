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
/// company VPN, the national carrier) is familiar for everyone. Only use *before* the judged
/// moment counts, so a place an attacker sprays across many accounts tonight does not become
/// familiar by tomorrow's run of tonight's logs.
public struct OrganisationBaseline: Sendable {
    /// Per place: each user's first use, and those times sorted.
    let firstUse: [String: [String: Millis]]
    let firstTimes: [String: [Millis]]
    /// Every user's first activity in the window, sorted.
    let userStarts: [Millis]
    let userStart: [String: Millis]

    public init(uses: [(user: String, value: String, time: Millis)], users: [String: Millis]) {
        var first: [String: [String: Millis]] = [:]
        for u in uses {
            if let t = first[u.value]?[u.user], t <= u.time { continue }
            first[u.value, default: [:]][u.user] = u.time
        }
        firstUse = first
        firstTimes = first.mapValues { $0.values.sorted() }
        userStart = users
        userStarts = users.values.sorted()
    }

    /// Since when the organisation has been observed (the first user's first activity in the window).
    public var observedSince: Millis? { userStarts.first }

    /// How many *other* users had used `value` before `before`, out of how many other users were active by then.
    public func familiarity(of value: String, user: String, before: Millis) -> (colleagues: Int, users: Int) {
        var colleagues = 0
        if let times = firstTimes[value] {
            colleagues = Self.countBefore(times, before)
            if let mine = firstUse[value]?[user], mine < before { colleagues -= 1 }
        }
        var users = Self.countBefore(userStarts, before)
        if let mine = userStart[user], mine < before { users -= 1 }
        return (max(colleagues, 0), max(users, 0))
    }

    /// Whether `value` counts as familiar: at least `minUsers` colleagues and `share` of them.
    public func isFamiliar(_ value: String, user: String, before: Millis, share: Double, minUsers: Int) -> Bool {
        let (colleagues, users) = familiarity(of: value, user: user, before: before)
        return colleagues >= minUsers && users > 0 && Double(colleagues) >= share * Double(users)
    }

    static func countBefore(_ sorted: [Millis], _ t: Millis) -> Int {
        var lo = 0, hi = sorted.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if sorted[mid] < t { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }
}
