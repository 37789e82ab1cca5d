import Foundation
import Testing
@testable import SessionGuard

/// Detectors judged against a real SQLite store holding the user's history.
@Suite("Detectors")
struct DetectorTests {
    static let day: Millis = 86_400_000
    static let t0 = UTC.parse("2025-03-01T09:00:00Z")!

    static func place(_ cc: String, city: String, asn: Int) -> Placement {
        var l = GeoLocation()
        l.countryCode = cc
        l.countryName = cc
        l.city = city
        l.latitude = 50
        l.longitude = 4
        l.accuracyRadiusKm = 10
        l.asn = asn
        return .located(l)
    }

    static func session(_ n: Int, start: Millis, end: Millis? = nil, ip: String, placement: Placement,
                        user: String = "alice@example.com", loggedOut: Bool = false) -> Session {
        var use = SessionIP(ip: ip, firstSeen: start, lastSeen: end ?? start + 3_600_000, requests: 10,
                            firstEvidence: Evidence(file: "odoo.log", line: n * 10))
        use.placement = placement
        return Session(db: "prod", key: "sid:S\(n)", identifier: "S\(n)", uid: 7, login: user, firstActivity: start,
                       lastActivity: end ?? start + 3_600_000, requests: 10, ips: [use], loggedOut: loggedOut, revoked: false, invalidated: false,
                       userAgent: nil, firstEvidence: Evidence(file: "odoo.log", line: n * 10),
                       lastEvidence: Evidence(file: "odoo.log", line: n * 10 + 5), source: "odoo-log")
    }

    /// Stores `sessions` and evaluates `detector` on the last one.
    func judge(_ detector: any Detector, _ sessions: [Session], now: Millis = t0 + 30 * day) throws -> [FindingDraft] {
        let store = try testStore()
        return try store.transaction(now: now) { tx in
            let run = try tx.beginRun(kind: "test", host: "h", rulesHash: nil, geoip: nil)
            let ids = try tx.upsert(sessions: sessions, run: run)
            let stored = try tx.sessions(ids: [ids.last!])[0]
            return try detector.evaluate(stored, context: tx)
        }
    }

    func rule(_ yaml: String) throws -> Rule {
        let (rules, errors) = RuleLoader.parse(yaml, file: "t.yml")
        try #require(errors.isEmpty, "\(errors)")
        return rules[0]
    }

    var belgium: [Session] {
        (0..<4).map { Self.session($0, start: Self.t0 + Millis($0) * Self.day, ip: "198.51.100.23", placement: Self.place("BE", city: "Brussels", asn: 5432)) }
    }

    @Test("new_location fires for a country outside the user's history, citing the first line from there")
    func newCountry() throws {
        let brazil = Self.session(9, start: Self.t0 + 10 * Self.day, ip: "203.0.113.130", placement: Self.place("BR", city: "São Paulo", asn: 28573))
        let rule = try rule("id: c\ndetector: new_location\nseverity: high\nparams: { scope: country, min_history_sessions: 3 }\n")
        let drafts = try judge(rule.detector, belgium + [brazil])
        #expect(drafts.count == 1)
        #expect(drafts[0].discriminator == "country=BR")
        #expect(drafts[0].evidence == [Evidence(file: "odoo.log", line: 90)])
        #expect(drafts[0].summary.contains("not seen in 4 sessions"))
    }

    @Test("new_location stays silent for a known place, for too little history, and outside history_days")
    func silent() throws {
        let rule = try rule("id: c\ndetector: new_location\nseverity: high\nparams: { scope: country, history_days: 30, min_history_sessions: 3 }\n")
        let again = Self.session(9, start: Self.t0 + 10 * Self.day, ip: "198.51.100.99", placement: Self.place("BE", city: "Brussels", asn: 5432))
        #expect(try judge(rule.detector, belgium + [again]).isEmpty)
        let brazil = Self.session(9, start: Self.t0 + 10 * Self.day, ip: "203.0.113.130", placement: Self.place("BR", city: "São Paulo", asn: 28573))
        #expect(try judge(rule.detector, Array(belgium.prefix(2)) + [brazil]).isEmpty)  // unknown, not a finding
        let late = Self.session(9, start: Self.t0 + 60 * Self.day, ip: "203.0.113.130", placement: Self.place("BR", city: "São Paulo", asn: 28573))
        #expect(try judge(rule.detector, belgium + [late]).isEmpty)  // history is older than 30 days
        let internalUse = Self.session(9, start: Self.t0 + 10 * Self.day, ip: "10.0.0.5", placement: .internal)
        #expect(try judge(rule.detector, belgium + [internalUse]).isEmpty)
    }

    @Test("history sessions with no known place (stored without GeoIP) are not history")
    func unplacedHistory() throws {
        let unplaced = (0..<4).map { Self.session($0, start: Self.t0 + Millis($0) * Self.day, ip: "198.51.100.23", placement: .unknown) }
        let brazil = Self.session(9, start: Self.t0 + 10 * Self.day, ip: "203.0.113.130", placement: Self.place("BR", city: "São Paulo", asn: 28573))
        let rule = try rule("id: c\ndetector: new_location\nseverity: high\n")
        #expect(try judge(rule.detector, unplaced + [brazil]).isEmpty)
    }

    @Test("new_location's other scopes: city, ASN and network")
    func scopes() throws {
        let antwerp = Self.session(9, start: Self.t0 + 10 * Self.day, ip: "198.51.100.140", placement: Self.place("BE", city: "Antwerp", asn: 5432))
        for (scope, fires) in [("country", false), ("city", true), ("asn", false), ("network", false)] {
            let r = try rule("id: c\ndetector: new_location\nseverity: low\nparams: { scope: \(scope) }\n")
            #expect(try judge(r.detector, belgium + [antwerp]).isEmpty == !fires, "\(scope)")
        }
        let otherNet = Self.session(9, start: Self.t0 + 10 * Self.day, ip: "192.0.2.10", placement: Self.place("BE", city: "Brussels", asn: 5432))
        let network = try rule("id: c\ndetector: new_location\nseverity: low\nparams: { scope: network }\n")
        #expect(try judge(network.detector, belgium + [otherNet]).first?.discriminator == "network=192.0.2.0/24")
    }

    @Test("unless: exceptions drop findings whose every address is excepted")
    func exceptions() throws {
        let r = try rule("id: c\ndetector: new_location\nseverity: high\nunless: { countries: [BR], networks: [192.0.2.0/24], users: [bob] }\n")
        let brazil = Self.session(9, start: Self.t0, ip: "203.0.113.130", placement: Self.place("BR", city: "São Paulo", asn: 28573))
        #expect(r.unless.excepts(user: "alice", places: brazil.ips))
        let us = Self.session(9, start: Self.t0, ip: "203.0.113.200", placement: Self.place("US", city: "New York", asn: 1))
        #expect(!r.unless.excepts(user: "alice", places: us.ips))
        #expect(r.unless.excepts(user: "bob", places: us.ips))
        #expect(!r.unless.excepts(user: "alice", places: brazil.ips + us.ips))
    }

    @Test("long_session fires for a live session older than max_age, not for ended or expired ones")
    func longSession() throws {
        let r = try rule("id: l\ndetector: long_session\nseverity: medium\nparams: { max_age: 7d, max_inactivity: 7d }\n")
        let be = Self.place("BE", city: "Brussels", asn: 5432)
        let long = Self.session(1, start: Self.t0, end: Self.t0 + 10 * Self.day, ip: "198.51.100.23", placement: be)
        let drafts = try judge(r.detector, [long], now: Self.t0 + 11 * Self.day)
        #expect(drafts.count == 1)
        #expect(drafts.first?.evidence == [Evidence(file: "odoo.log", line: 10), Evidence(file: "odoo.log", line: 15)])
        #expect(drafts.first?.facts.first { $0.0 == "age_seconds" }?.1 == .int(10 * 86_400))
        let short = Self.session(1, start: Self.t0, end: Self.t0 + 6 * Self.day, ip: "198.51.100.23", placement: be)
        #expect(try judge(r.detector, [short], now: Self.t0 + 7 * Self.day).isEmpty)
        let out = Self.session(1, start: Self.t0, end: Self.t0 + 10 * Self.day, ip: "198.51.100.23", placement: be, loggedOut: true)
        #expect(try judge(r.detector, [out], now: Self.t0 + 11 * Self.day).isEmpty)
        #expect(try judge(r.detector, [long], now: Self.t0 + 18 * Self.day).isEmpty)  // Odoo deleted it by now
    }

    @Test("findings without a session identifier (Odoo ≤17) become review recommendations that say why")
    func legacyRecommendation() {
        let f = Finding(id: "F-1", rule: "l", detector: "long_session", severity: .medium, db: "prod", user: "alice",
                        userID: nil, sessionKey: "login:alice@198.51.100.23#2025-03-01T09:00:00Z", sessionIdentifier: nil,
                        firstSeen: 0, lastSeen: 0, summary: "long", facts: [], evidence: [], recommend: .revokeSession,
                        ruleHash: "h", geoipBuild: nil)
        var g = f
        g.id = "F-2"
        g.severity = .high
        let recs = Analyzer.recommendations(for: [f, g])
        #expect(recs.count == 1)
        #expect(recs[0].action == .review)
        #expect(recs[0].severity == .high)
        #expect(recs[0].findings == ["F-1", "F-2"])
        #expect(recs[0].reasons.contains { $0.contains("reset alice's password") })
    }

    @Test("a log with records but no request or login lines warns that the log level is too high")
    func logLevelTooHigh() throws {
        let log = writeLog("""
            2025-03-14 09:00:00,000 4213 WARNING prod odoo.addons.mail.models.mail_mail: Mail delivery failed 
            2025-03-14 09:01:00,000 4213 ERROR prod odoo.sql_db: bad query 
            """)
        let store = try testStore()
        let result = try Analyzer(rules: [], locator: GeoLocator(city: nil, asn: nil), store: store)
            .run(AnalyzeOptions(inputs: [log], now: Self.t0))
        #expect(result.sessions.isEmpty)
        #expect(result.warnings.first?.contains("log_level") == true)
    }
}
