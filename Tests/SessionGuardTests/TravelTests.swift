import Foundation
import Testing
@testable import SessionGuard

/// Hand-built sessions for the travel, device, idle, offboarding and engine tests: places with
/// real coordinates and radii, addresses with visits.
enum World {
    static let minute: Millis = 60_000
    static let hour: Millis = 3_600_000
    static let day: Millis = 86_400_000
    static let t0 = UTC.parse("2025-03-03T08:00:00Z")!

    static func place(_ cc: String, _ city: String, _ lat: Double, _ lon: Double, radius: Int, asn: Int) -> Placement {
        var l = GeoLocation()
        l.countryCode = cc
        l.countryName = cc
        l.city = city
        l.latitude = lat
        l.longitude = lon
        l.accuracyRadiusKm = radius
        l.asn = asn
        return .located(l)
    }

    static let brussels = place("BE", "Brussels", 50.8505, 4.3488, radius: 5, asn: 5432)
    static let antwerp = place("BE", "Antwerp", 51.2199, 4.4035, radius: 20, asn: 5432)
    static let amsterdam = place("NL", "Amsterdam", 52.3740, 4.8897, radius: 10, asn: 1136)
    static let newYork = place("US", "New York", 40.7128, -74.0060, radius: 20, asn: 14061)
    static let tokyo = place("JP", "Tokyo", 35.6893, 139.6899, radius: 50, asn: 2516)
    static let ostendMobile = place("BE", "Ostend", 51.2154, 2.9287, radius: 20, asn: 47377)
    static let liegeMobile = place("BE", "Liège", 50.6326, 5.5797, radius: 20, asn: 47377)

    static func use(_ ip: String, _ placement: Placement, _ visits: [(Millis, Millis)]) -> SessionIP {
        let v = visits.map { Visit($0.0, $0.1) }
        var u = SessionIP(ip: ip, firstSeen: v.map(\.start).min()!, lastSeen: v.map(\.end).max()!, requests: 5,
                          firstEvidence: Evidence(file: "odoo.log", line: Int(v[0].start / 1000 % 100_000)), visits: v)
        u.placement = placement
        return u
    }

    static func session(_ id: String, user: String = "alice@example.com", uid: Int = 7, _ uses: [SessionIP],
                        loggedOut: Bool = false, userAgent: String? = nil) -> Session {
        Session(db: "prod", key: "sid:\(id)", identifier: id, uid: uid, login: user,
                firstActivity: uses.map(\.firstSeen).min()!, lastActivity: uses.map(\.lastSeen).max()!, requests: 10, ips: uses,
                loggedOut: loggedOut, revoked: false, invalidated: false, userAgent: userAgent,
                firstEvidence: uses[0].firstEvidence, lastEvidence: uses[0].firstEvidence, source: "test")
    }

    /// A working day at one address: 09:00–12:30 and 13:30–17:00 on day `d`.
    static func workday(_ ip: String, _ p: Placement, day d: Millis) -> SessionIP {
        let start = t0 + d * day + hour
        return use(ip, p, [(start, start + 3 * hour + 30 * minute), (start + 4 * hour + 30 * minute, start + 8 * hour)])
    }

    static func rule(_ yaml: String) throws -> Rule {
        let (rules, errors) = RuleLoader.parse(yaml, file: "t.yml")
        try #require(errors.isEmpty, "\(errors)")
        return rules[0]
    }

    /// Stores every session and judges the one with identifier `judged` (default: the last).
    static func judge(_ yaml: String, _ sessions: [Session], judged: String? = nil, now: Millis? = nil) throws -> [FindingDraft] {
        let rule = try rule(yaml)
        let store = try testStore()
        return try store.transaction(now: now ?? (t0 + 30 * day)) { tx in
            let run = try tx.beginRun(kind: "test", host: "h", rulesHash: nil, geoip: nil)
            let ids = try tx.upsert(sessions: sessions, run: run)
            let target = judged ?? sessions.last!.identifier!
            let index = sessions.firstIndex { $0.identifier == target }!
            let stored = try tx.sessions(ids: [ids[index]])[0]
            return try rule.detector.evaluate(stored, context: tx)
        }
    }

    static func fact(_ draft: FindingDraft?, _ name: String) -> JSON? { draft?.facts.first { $0.0 == name }?.1 }
}

@Suite("Travel detectors and their false-positive personas")
struct TravelTests {
    typealias W = World
    let travel = "id: t\ndetector: impossible_travel\nseverity: high\n"
    let cookie = "id: c\ndetector: session_ip_change\nseverity: critical\n"
    let concurrent = "id: k\ndetector: concurrent_sessions\nseverity: high\n"

    @Test("great-circle distances match known figures")
    func distances() {
        #expect(abs(GeoMath.distanceKm(50.8505, 4.3488, 52.3740, 4.8897) - 173.5) < 0.5)
        #expect(abs(GeoMath.distanceKm(50.8505, 4.3488, 40.7128, -74.0060) - 5_880) < 10)
        #expect(abs(GeoMath.distanceKm(50.8505, 4.3488, 35.6893, 139.6899) - 9_448) < 15)
    }

    @Test("a VPN hop Brussels → Tokyo in 10 minutes is implausible, in one session and across two")
    func vpnHop() throws {
        let office = W.use("198.51.100.23", W.brussels, [(W.t0, W.t0 + W.hour)])
        let tokyo = W.use("2001:db8:2::7", W.tokyo, [(W.t0 + W.hour + 10 * W.minute, W.t0 + 2 * W.hour)])
        let one = W.session("S1", [office, tokyo])
        let drafts = try W.judge(travel, [one])
        #expect(drafts.count == 1)
        #expect(W.fact(drafts.first, "verdict") == .string("implausible"))
        #expect(W.fact(drafts.first, "gap_seconds") == .int(600))
        #expect(W.fact(drafts.first, "distance_km").flatMap { if case .double(let d) = $0 { d } else { nil } }.map { $0 > 9_400 } == true)
        #expect(drafts.first?.evidence.count == 2)
        let stolen = try W.judge(cookie, [one])
        #expect(stolen.count == 1 && stolen[0].summary.contains("copied session cookie"))

        let two = [W.session("S1", [office]), W.session("S2", [tokyo])]
        #expect(try W.judge(travel, two).count == 1)
        #expect(try W.judge(cookie, two).isEmpty)  // two sessions: not one cookie
    }

    @Test("a traveller flying Brussels → New York over 9 hours is plausible")
    func flight() throws {
        let office = W.use("198.51.100.23", W.brussels, [(W.t0, W.t0 + W.hour)])
        let hotel = W.use("192.0.2.150", W.newYork, [(W.t0 + 10 * W.hour, W.t0 + 12 * W.hour)])
        #expect(try W.judge(travel, [W.session("S1", [office]), W.session("S2", [hotel])]).isEmpty)
        #expect(try W.judge(cookie, [W.session("S1", [office, hotel])]).isEmpty)  // the laptop travelled with her
        // The same hop in 2 hours is not.
        let early = W.use("192.0.2.150", W.newYork, [(W.t0 + 3 * W.hour, W.t0 + 4 * W.hour)])
        #expect(try W.judge(travel, [W.session("S1", [office]), W.session("S2", [early])]).count == 1)
    }

    @Test("a mobile user moving between a carrier's CGNAT addresses across one country is tolerated, unless configured not to")
    func mobileCarrier() throws {
        let a = W.use("203.0.113.5", W.ostendMobile, [(W.t0, W.t0 + 20 * W.minute)])
        let b = W.use("192.0.2.77", W.liegeMobile, [(W.t0 + 25 * W.minute, W.t0 + 40 * W.minute)])
        let phone = W.session("S1", [a, b])
        #expect(try W.judge(travel, [phone]).isEmpty)
        #expect(try W.judge(cookie, [phone]).isEmpty)
        let strict = "id: t\ndetector: impossible_travel\nseverity: high\nparams: { tolerate_same_asn: never }\n"
        let drafts = try W.judge(strict, [phone])
        #expect(drafts.count == 1)  // 197 km − 40 km of radii in 5 minutes
    }

    @Test("an IPv6 user whose interface id changes daily stays in one /64, wherever the database places it")
    func ipv6Churn() throws {
        let monday = W.use("2001:db8:1:4::1f3", W.amsterdam, [(W.t0, W.t0 + W.hour)])
        let tuesday = W.use("2001:db8:1:4:a8c1::9", W.tokyo, [(W.t0 + W.hour + 5 * W.minute, W.t0 + 2 * W.hour)])
        #expect(try W.judge(travel, [W.session("S1", [monday]), W.session("S2", [tuesday])]).isEmpty)
        #expect(try W.judge(cookie, [W.session("S1", [monday, tuesday])]).isEmpty)
        let network = "id: n\ndetector: new_location\nseverity: low\nparams: { scope: network, min_history_sessions: 1 }\n"
        #expect(try W.judge(network, [W.session("S1", [monday]), W.session("S2", [tuesday])]).isEmpty)
    }

    @Test("accuracy radii that swallow the distance give unknown, never a finding")
    func radii() throws {
        let wide = W.place("BE", "Somewhere", 50.5, 4.5, radius: 500, asn: 1)
        let a = W.use("198.51.100.23", W.brussels, [(W.t0, W.t0 + W.hour)])
        let b = W.use("192.0.2.9", wide, [(W.t0 + W.hour + W.minute, W.t0 + 2 * W.hour)])
        #expect(try W.judge(travel, [W.session("S1", [a]), W.session("S2", [b])]).isEmpty)
        let policy = try TravelPolicy(params: RuleParams(file: "t", node: nil, fallbackMark: nil))
        let j = policy.judge(a, b, gap: W.minute) { _ in false }
        #expect(j.verdict == .unknown)
        #expect(j.reason?.contains("radii") == true)
        let unplaced = W.use("192.0.2.10", .unknown, [(W.t0, W.t0)])
        #expect(policy.judge(a, unplaced, gap: 0) { _ in false }.verdict == .unknown)
    }

    @Test("colleagues behind one office NAT share an address without anyone being flagged")
    func officeNAT() throws {
        let day = W.t0 + W.day
        let alice = W.session("A1", user: "alice@example.com", uid: 7, [W.use("198.51.100.10", W.brussels, [(day, day + 4 * W.hour)])])
        let carol = W.session("C1", user: "carol@example.com", uid: 9, [W.use("198.51.100.10", W.brussels, [(day + W.hour, day + 6 * W.hour)])])
        for yaml in [travel, cookie, concurrent] {
            #expect(try W.judge(yaml, [alice, carol]).isEmpty)
            #expect(try W.judge(yaml, [alice, carol], judged: "A1").isEmpty)
        }
    }

    @Test("arriving at a site many colleagues use (the company VPN) is tolerated; leaving one is not")
    func organisationSite() throws {
        var sessions: [Session] = []
        for (i, user) in ["b", "c", "d", "e"].enumerated() {
            sessions.append(W.session("V\(i)", user: "\(user)@example.com", uid: 20 + i, [W.workday("192.0.2.40", W.amsterdam, day: 0)]))
        }
        let office = W.use("198.51.100.23", W.brussels, [(W.t0 + 2 * W.day, W.t0 + 2 * W.day + W.hour)])
        let vpn = W.use("192.0.2.41", W.amsterdam, [(W.t0 + 2 * W.day + W.hour + 5 * W.minute, W.t0 + 2 * W.day + 2 * W.hour)])
        #expect(try W.judge(travel, sessions + [W.session("A1", [office]), W.session("A2", [vpn])]).isEmpty)
        let alone = try W.judge(travel, [W.session("A1", [office]), W.session("A2", [vpn])])
        #expect(alone.count == 1)  // without colleagues there, 173 km in 5 minutes is implausible
        // Tokyo right after the VPN: the familiar place is where she came from, no alibi.
        let tokyo = W.use("2001:db8:2::7", W.tokyo, [(W.t0 + 2 * W.day + 2 * W.hour + 10 * W.minute, W.t0 + 2 * W.day + 3 * W.hour)])
        #expect(try W.judge(travel, sessions + [W.session("A2", [vpn]), W.session("A3", [tokyo])]).count == 1)
    }

    @Test("concurrent_sessions needs overlapping visits, not overlapping lifetimes, and reports the later session")
    func concurrency() throws {
        let laptop = W.use("198.51.100.23", W.brussels, [(W.t0, W.t0 + 2 * W.hour), (W.t0 + 5 * W.day, W.t0 + 5 * W.day + W.hour)])
        let thief = W.use("2001:db8:2::7", W.tokyo, [(W.t0 + W.hour, W.t0 + 3 * W.hour)])
        let sessions = [W.session("S1", [laptop]), W.session("S2", [thief])]
        let drafts = try W.judge(concurrent, sessions)
        #expect(drafts.count == 1)
        #expect(W.fact(drafts.first, "other_session") == .string("S1"))
        #expect(try W.judge(concurrent, sessions, judged: "S1").isEmpty)
        // The laptop session stays open for days; a trip in between is not concurrency.
        let trip = W.use("2001:db8:2::7", W.tokyo, [(W.t0 + 2 * W.day, W.t0 + 2 * W.day + W.hour)])
        #expect(try W.judge(concurrent, [W.session("S1", [laptop]), W.session("S2", [trip])]).isEmpty)
    }

    @Test("visits: activity within 30 minutes is one visit; merging is idempotent; the text form round-trips")
    func visits() {
        var v: [Visit] = []
        for t: Millis in [0, 10, 20, 40, 100] { Visits.add(t * W.minute, to: &v) }
        #expect(v == [Visit(0, 40 * W.minute), Visit(100 * W.minute, 100 * W.minute)])
        Visits.add(60 * W.minute, to: &v)  // late and out of order: joins the first visit
        #expect(v == [Visit(0, 60 * W.minute), Visit(100 * W.minute, 100 * W.minute)])
        var merged = v
        Visits.merge(&merged, v)
        #expect(merged == v)
        #expect(Visits.decode(Visits.encode(v)) == v)
        #expect(Visits.mergeEncoded(Visits.encode([Visit(0, 5)]), "bad,200000000-200000001") == "0-5,200000000-200000001")
        var many: [Visit] = []
        for i in 0..<(Visits.limit + 10) { Visits.add(Millis(i) * W.hour, to: &many) }
        #expect(many.count == Visits.limit)
        #expect(many.first?.start == 10 * W.hour && many.last?.end == Millis(Visits.limit + 9) * W.hour)  // the oldest go
    }

    @Test("rule parameters of the travel policy are checked")
    func parameters() {
        let (_, errors) = RuleLoader.parse("id: t\ndetector: impossible_travel\nseverity: high\nparams: { max_speed_kmh: fast }\n", file: "r.yml")
        #expect(errors.first?.message.contains("max_speed_kmh must be a number") == true)
        #expect(errors.first?.line == 4)
        let (_, bad) = RuleLoader.parse("id: t\ndetector: impossible_travel\nseverity: high\nparams: { tolerate_same_asn: sometimes }\n", file: "r.yml")
        #expect(bad.first?.message.contains("same_country") == true)
    }

    @Test("inside one country, an address placed only to 100 km or worse (a carrier pool) makes any move plausible")
    func vagueCarrier() throws {
        let berlin = W.place("DE", "Berlin", 52.52, 13.405, radius: 5, asn: 3320)
        let munichPool = W.place("DE", "Munich", 48.137, 11.575, radius: 100, asn: 6805)
        let a = W.use("80.146.1.128", berlin, [(W.t0, W.t0 + W.hour)])
        let b = W.use("176.4.8.83", munichPool, [(W.t0 + W.hour + 5 * W.minute, W.t0 + 2 * W.hour)])
        #expect(try W.judge(travel, [W.session("S1", [a]), W.session("S2", [b])]).isEmpty)
        let strict = "id: t\ndetector: impossible_travel\nseverity: high\nparams: { tolerate_same_country_radius_km: 0 }\n"
        #expect(try W.judge(strict, [W.session("S1", [a]), W.session("S2", [b])]).count == 1)
    }

    @Test("the intruder's side gets the finding: Tokyo, then the user back at her usual office")
    func suspectSide() throws {
        let usual = (1...4).map { W.session("H\($0)", [W.workday("198.51.100.23", W.brussels, day: Millis($0))]) }
        let day = W.t0 + 8 * W.day
        let tokyo = W.session("T1", [W.use("2001:db8:2::7", W.tokyo, [(day, day + 30 * W.minute)])])
        let office = W.session("O1", [W.use("198.51.100.23", W.brussels, [(day + 40 * W.minute, day + 3 * W.hour)])])
        let all = usual + [tokyo, office]
        #expect(try W.judge(travel, all, judged: "O1").isEmpty)
        let drafts = try W.judge(travel, all, judged: "T1")
        #expect(drafts.count == 1)
        #expect(W.fact(drafts.first, "suspect") == .string("2001:db8:2::7"))
    }
}
