/// One stretch of a user's activity at a placed address: what the travel detectors compare.
/// Points share their session through one reference: detectors sort thousands of them, and
/// copying a whole `Session` per point dominated the time.
public struct ActivityPoint: Sendable {
    final class Box: Sendable {
        let session: Session
        init(_ session: Session) { self.session = session }
    }

    let box: Box
    let index: Int
    public let visit: Visit

    public init(session: Session, use: SessionIP, visit: Visit) {
        box = Box(session)
        index = session.ips.firstIndex { $0.ip == use.ip } ?? 0
        self.visit = visit
    }

    init(box: Box, index: Int, visit: Visit) {
        self.box = box
        self.index = index
        self.visit = visit
    }

    public var session: Session { box.session }
    public var use: SessionIP { box.session.ips[index] }
    /// Whether two points are at the same address of the same session.
    func sameUse(_ other: ActivityPoint) -> Bool { box === other.box && index == other.index }
}

/// Whether getting from one place to another in the time between was possible.
public enum TravelVerdict: String, Sendable {
    /// Faster than `max_speed_kmh` even over the shortest distance the accuracy radii allow.
    case implausible
    case plausible
    /// A place is missing, or the radii swallow the distance: the data cannot tell.
    case unknown
}

/// How the travel detectors (`impossible_travel`, `concurrent_sessions`, `session_ip_change`) judge
/// a move, with the tolerances that keep mobile carriers, IPv6 churn and company VPNs quiet.
///
/// MaxMind places an address somewhere within `accuracy_radius` km of its point, so the shortest
/// possible distance between two addresses is the great-circle distance minus both radii (times
/// `radius_factor`). Only that lower bound is compared with `max_speed_kmh`.
public struct TravelPolicy: Sendable {
    public enum SameASN: String, CaseIterable, Sendable {
        /// Never tolerate on the ASN alone.
        case never
        /// Tolerate when both addresses are in one ASN *and* one country: a national carrier's CGNAT
        /// pools are placed in whichever city the pool happens to be registered.
        case sameCountry = "same_country"
        case always
    }

    public static let parameters = [
        "max_speed_kmh", "radius_factor", "min_distance_km", "tolerate_same_asn", "tolerate_same_network",
        "network_prefix_v4", "network_prefix_v6", "tolerate_org_familiar", "org_share", "org_min_users", "org_history_days",
        "tolerate_same_country_radius_km",
    ]

    public var maxSpeedKmh: Double
    public var radiusFactor: Double
    /// Lower-bound distances below this are never implausible (city-level jitter of the databases).
    public var minDistanceKm: Double
    public var sameASN: SameASN
    /// Moves inside one country are tolerated when either address is placed this vaguely: mobile
    /// carriers' and CGNAT pools get radii of 100 km and more, and their registered city is anywhere.
    public var sameCountryRadiusKm: Int
    public var sameNetwork: Bool
    public var network: PlaceScope
    public var orgFamiliar: Bool
    public var orgShare: Double
    public var orgMinUsers: Int
    public var orgHistoryDays: Int

    public init(params: RuleParams) throws(RuleError) {
        maxSpeedKmh = try params.double("max_speed_kmh", default: 1000, range: 1...100_000)
        radiusFactor = try params.double("radius_factor", default: 1, range: 0...10)
        minDistanceKm = try params.double("min_distance_km", default: 100, range: 0...20_000)
        sameASN = SameASN(rawValue: try params.choice("tolerate_same_asn", SameASN.allCases.map(\.rawValue), default: "same_country"))!
        sameCountryRadiusKm = try params.int("tolerate_same_country_radius_km", default: 100, range: 0...100_000)
        sameNetwork = try params.bool("tolerate_same_network", default: true)
        network = PlaceScope(.network, v4Prefix: try params.int("network_prefix_v4", default: 24, range: 8...32),
                             v6Prefix: try params.int("network_prefix_v6", default: 64, range: 16...128))
        orgFamiliar = try params.bool("tolerate_org_familiar", default: true)
        orgShare = try params.double("org_share", default: 0.2, range: 0...1)
        orgMinUsers = try params.int("org_min_users", default: 3, range: 1...100_000)
        orgHistoryDays = try params.int("org_history_days", default: 90, range: 1...3650)
    }

    /// The judgement of one move, with the figures behind it.
    public struct Judgement: Sendable {
        public var verdict: TravelVerdict
        public var distanceKm: Double?
        public var lowerBoundKm: Double?
        public var gapSeconds: Int
        public var speedKmh: Double?
        /// Why an otherwise fast move was let go, or why the verdict is unknown.
        public var reason: String?
    }

    /// Judges the move from `a` to `b` (b later, or overlapping when `gap` is zero).
    /// `familiar` says whether an address's place is familiar to the organisation.
    public func judge(_ a: SessionIP, _ b: SessionIP, gap: Millis, familiar: (SessionIP) throws -> Bool) rethrows -> Judgement {
        let gapSeconds = Int(max(gap, 0) / 1000)
        if a.ip == b.ip { return Judgement(verdict: .plausible, gapSeconds: gapSeconds, reason: "same address") }
        guard let la = a.placement.location, let lb = b.placement.location,
              let latA = la.latitude, let lonA = la.longitude, let latB = lb.latitude, let lonB = lb.longitude else {
            return Judgement(verdict: .unknown, gapSeconds: gapSeconds, reason: "an address has no known place")
        }
        let distance = GeoMath.distanceKm(latA, lonA, latB, lonB)
        let radii = Double((la.accuracyRadiusKm ?? 0) + (lb.accuracyRadiusKm ?? 0)) * radiusFactor
        let lower = max(0, distance - radii)
        var j = Judgement(verdict: .unknown, distanceKm: distance, lowerBoundKm: lower, gapSeconds: gapSeconds)
        guard lower > 0 else {
            j.reason = "the accuracy radii (\(Int(radii.rounded())) km) cover the distance"
            return j
        }
        let hours = Double(max(gap, 0)) / 3_600_000
        j.speedKmh = hours > 0 ? lower / hours : .infinity
        if lower < minDistanceKm || j.speedKmh! <= maxSpeedKmh {
            j.verdict = .plausible
            return j
        }
        // Too fast: unless a tolerance explains it. (Checked only now: most moves never get here.)
        if sameNetwork, let n = network.value(of: a), n == network.value(of: b) {
            j.verdict = .plausible
            j.reason = "same network \(n)"
            return j
        }
        if sameCountryRadiusKm > 0, let country = la.countryCode, country == lb.countryCode,
           max(la.accuracyRadiusKm ?? 0, lb.accuracyRadiusKm ?? 0) >= sameCountryRadiusKm {
            j.verdict = .plausible
            j.reason = "within \(country), and an address is placed only to \(max(la.accuracyRadiusKm ?? 0, lb.accuracyRadiusKm ?? 0)) km (a carrier network)"
            return j
        }
        if let asnA = la.asn, asnA == lb.asn {
            if sameASN == .always || (sameASN == .sameCountry && la.countryCode != nil && la.countryCode == lb.countryCode) {
                j.verdict = .plausible
                j.reason = "same network operator AS\(asnA)"
                return j
            }
        }
        // Only the place arrived at: an office everyone uses is no alibi for where the user came from.
        if orgFamiliar, try familiar(b) {
            j.verdict = .plausible
            j.reason = "arrived at a place many colleagues use (company VPN or office)"
            return j
        }
        j.verdict = .implausible
        return j
    }

    /// Judges `a` and `b` as they come in time; used *at the same time* (gap 0), neither is the
    /// arrival, so the move is implausible if it is so either way round: which visit started first
    /// must not decide whether a site colleagues use excuses the other place.
    public func judge(_ a: SessionIP, _ b: SessionIP, gap: Millis, orderFree: Bool, familiar: (SessionIP) throws -> Bool) rethrows -> Judgement {
        let forward = try judge(a, b, gap: gap, familiar: familiar)
        guard orderFree, gap <= 0, forward.verdict != .implausible else { return forward }
        let backward = try judge(b, a, gap: gap, familiar: familiar)
        return backward.verdict == .implausible ? backward : forward
    }

    /// Whether an address's site (network and city) was used by many of the organisation's users before `before`.
    public func familiarity(db: String, user: String, before: Millis, context: any DetectionContext) -> (SessionIP) throws -> Bool {
        { use in
            guard self.orgFamiliar else { return false }
            let scope = PlaceScope(.site, v4Prefix: self.network.v4Prefix, v6Prefix: self.network.v6Prefix)
            guard let value = scope.value(of: use) else { return false }
            let since = before - Millis(self.orgHistoryDays) * 86_400_000
            let org = try context.organisation(db: db, scope: scope, since: since)
            return org.isFamiliar(value, user: user, since: since, before: before, share: self.orgShare, minUsers: self.orgMinUsers)
        }
    }

    /// Which side of an implausible pair is the intruder's: the one in the country the user has used
    /// less (in sessions of the last `days` other than these two), the later one when equal. A user
    /// seen in Tokyo and then at the office is the office's owner, not the other way round.
    public static func suspect(_ a: ActivityPoint, _ b: ActivityPoint, days: Int, context: any DetectionContext) throws -> ActivityPoint {
        guard a.session.key != b.session.key else { return b }
        let history = try context.history(db: b.session.db, user: b.session.user, from: a.visit.start - Millis(days) * 86_400_000,
                                          before: b.visit.end + 1, excludingKey: a.session.key)
            .filter { $0.key != b.session.key }
        func uses(_ p: ActivityPoint) -> Int {
            guard let country = p.use.placement.location?.countryCode else { return 0 }
            return history.filter { $0.ips.contains { $0.placement.location?.countryCode == country } }.count
        }
        return uses(a) < uses(b) ? a : b
    }

    /// The placed activity points of `sessions`, one per visit.
    public static func points(_ sessions: [Session]) -> [ActivityPoint] {
        var result: [ActivityPoint] = []
        for s in sessions {
            let box = ActivityPoint.Box(s)
            for (i, use) in s.ips.enumerated() where use.placement.location?.latitude != nil {
                for v in use.visits { result.append(ActivityPoint(box: box, index: i, visit: v)) }
            }
        }
        return result
    }

    /// The log lines that show the move: the last one at the first place when known (the
    /// session's last line, if that is where the visit ended), and the first at the second.
    public static func evidence(from a: ActivityPoint, to b: ActivityPoint) -> [Evidence] {
        // The store keeps session times to the second and visits to the millisecond.
        let left = a.visit.end / 1000 == a.session.lastActivity / 1000 ? (a.session.lastEvidence ?? a.use.firstEvidence) : a.use.firstEvidence
        let right = b.visit.start / 1000 == b.session.firstActivity / 1000 ? (b.session.firstEvidence ?? b.use.firstEvidence) : b.use.firstEvidence
        var out: [Evidence] = []
        for e in [left, right].compactMap({ $0 }) where !out.contains(e) { out.append(e) }
        return out
    }

    /// The reproducible facts of a judged move.
    public func facts(from a: ActivityPoint, to b: ActivityPoint, _ j: Judgement) -> [(String, JSON)] {
        func place(_ p: ActivityPoint) -> JSON {
            let l = p.use.placement.location
            return .object([
                ("ip", .string(p.use.ip)),
                ("session", .string(p.session.identifier ?? p.session.key)),
                ("country", .string(l?.countryCode)),
                ("city", .string(l?.city)),
                ("latitude", l?.latitude.map { .double($0) } ?? .null),
                ("longitude", l?.longitude.map { .double($0) } ?? .null),
                ("accuracy_radius_km", l?.accuracyRadiusKm.map { .int($0) } ?? .null),
                ("asn", l?.asn.map { .int($0) } ?? .null),
                ("as_organization", .string(l?.asOrganization)),
                ("from", .string(UTC.iso(p.visit.start))),
                ("to", .string(UTC.iso(p.visit.end))),
            ])
        }
        func round(_ v: Double?) -> JSON {
            guard let v, v.isFinite else { return v == nil ? .null : .string("infinite") }
            return .double((v * 10).rounded() / 10)
        }
        return [
            ("verdict", .string(j.verdict.rawValue)),
            ("from", place(a)),
            ("to", place(b)),
            ("distance_km", round(j.distanceKm)),
            ("lower_bound_km", round(j.lowerBoundKm)),
            ("radius_factor", .double(radiusFactor)),
            ("gap_seconds", .int(j.gapSeconds)),
            ("speed_kmh", round(j.speedKmh)),
            ("max_speed_kmh", .double(maxSpeedKmh)),
            ("min_distance_km", .double(minDistanceKm)),
        ]
    }

    /// "Brussels, BE" for messages.
    public static func describe(_ use: SessionIP) -> String {
        let l = use.placement.location
        return [l?.city, l?.countryCode].compactMap { $0 }.joined(separator: ", ") + " (\(use.ip))"
    }
}
