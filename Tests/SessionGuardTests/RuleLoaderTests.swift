import Foundation
import Testing
@testable import SessionGuard

@Suite("Rule files")
struct RuleLoaderTests {
    func errors(_ yaml: String) -> [RuleError] { RuleLoader.parse(yaml, file: "r.yml").1 }

    @Test("the shipped rules load, and every detector has at least one")
    func shipped() throws {
        let rules = try RuleLoader.load(directory: samplePath("Rules"))
        #expect(Set(rules.map(\.detectorName)) == Set(DetectorRegistry.all.map { $0.name }))
    }

    @Test("every shipped rule has a firing and a quiet test case, and they pass")
    func shippedTests() throws {
        let rules = try RuleLoader.load(directory: samplePath("Rules"))
        for rule in rules {
            #expect(rule.tests.contains { $0.expect.contains { $0.fires } }, "\(rule.id) has no firing case")
            #expect(rule.tests.contains { $0.expect.contains { !$0.fires } }, "\(rule.id) has no quiet case")
        }
        let locator = try GeoLocator(city: GeoDatabase(path: samplePath("Samples/geoip/GeoLite2-City-Sample.mmdb")),
                                     asn: GeoDatabase(path: samplePath("Samples/geoip/GeoLite2-ASN-Sample.mmdb")))
        let (outcomes, untested) = RuleTests.run(rules, locator: locator)
        #expect(untested.isEmpty)
        for o in outcomes { #expect(o.passed, "\(o.rule): \(o.name): \(o.problems)") }
    }

    @Test("a failing expectation is reported with the rule file and the test's line")
    func failingTest() throws {
        let dir = temporaryDirectory()
        try FileManager.default.copyItem(atPath: samplePath("Rules/tests/brute-force-fires.log"), toPath: dir.appendingPathComponent("b.log").path)
        let yaml = """
            id: b
            detector: login_failures
            severity: medium
            params: { report: bursts }
            tests:
              - name: wrong on purpose
                log: b.log
                expect: [{ user: admin, fires: false }, { user: nobody, fires: true }]
              - name: override makes it quiet
                log: b.log
                params: { max_failures_per_login: 50, max_failures_per_ip: 50 }
                expect: [{ user: admin, fires: false }]
            """
        let (rules, errors) = RuleLoader.parse(yaml, file: dir.appendingPathComponent("b.yml").path)
        try #require(errors.isEmpty, "\(errors)")
        let (outcomes, _) = RuleTests.run(rules, locator: GeoLocator(city: nil, asn: nil))
        #expect(outcomes.count == 2)
        #expect(outcomes[0].problems.count == 2)
        #expect(outcomes[0].line == 6)
        #expect(outcomes[0].problems[0].contains("expected admin not to be flagged"))
        #expect(outcomes[0].problems[1].contains("it flagged: admin"))
        #expect(outcomes[1].passed)
        let (_, bad) = RuleLoader.parse(yaml.replacingOccurrences(of: "max_failures_per_login: 50", with: "max_failure: 50"),
                                        file: dir.appendingPathComponent("b.yml").path)
        #expect(bad.first?.message.contains("unknown parameter 'max_failure'") == true)
    }

    @Test("a full rule in the design's format parses with its filters and exceptions")
    func full() throws {
        let (rules, problems) = RuleLoader.parse("""
            id: unfamiliar-country
            title: Sign-in from a new country
            detector: new_location
            severity: high
            params: { scope: country, history_days: 90, min_history_sessions: 3 }
            when:   { db: '^prod$', user: '^(?!svc_)' }
            unless: { networks: [10.0.0.0/8, "2001:db8::/32"], countries: [BE] }
            recommend: revoke_session
            tests:
              - name: first visit from Brazil
                log: Rules/tests/unfamiliar-country.log
                expect: [{ user: alice@example.com, fires: true }]
            """, file: "r.yml")
        #expect(problems.isEmpty)
        let rule = try #require(rules.first)
        #expect(rule.severity == .high)
        #expect(rule.recommend == .revokeSession)
        #expect(rule.when.admits(db: "prod", user: "alice"))
        #expect(!rule.when.admits(db: "prod", user: "svc_sync"))
        #expect(!rule.when.admits(db: "staging", user: "alice"))
        #expect(rule.unless.places.networks.count == 2)
        #expect(rule.unless.places.countries == ["BE"])
        #expect(rule.tests.first?.expect.first?.fires == true)
        let detector = try #require(rule.detector as? NewLocationDetector)
        #expect(detector.minHistorySessions == 3)
    }

    @Test("an unknown detector names the closest one, with file and line")
    func unknownDetector() {
        let e = errors("id: x\ndetector: new_locaton\nseverity: high\n")
        #expect(e.count == 1)
        #expect(e.first?.line == 2)
        #expect(e.first?.description.contains("r.yml:2:") == true)
        #expect(e.first?.message.contains("did you mean 'new_location'") == true)
    }

    @Test("bad severity, unknown keys and parameters, bad durations and bad patterns are located", arguments: [
        ("id: x\ndetector: long_session\nseverity: urgent\n", 3, "severity must be one of"),
        ("id: x\ndetector: long_session\nseverity: low\nsevrity: low\n", 4, "did you mean 'severity'"),
        ("id: x\ndetector: long_session\nseverity: low\nparams:\n  max_agee: 3d\n", 5, "did you mean 'max_age'"),
        ("id: x\ndetector: long_session\nseverity: low\nparams:\n  max_age: soon\n", 5, "duration"),
        ("id: x\ndetector: new_location\nseverity: low\nparams: { scope: planet }\n", 4, "scope must be one of"),
        ("id: x\ndetector: long_session\nseverity: low\nwhen: { user: '^(unclosed' }\n", 4, "invalid pattern"),
        ("id: x\ndetector: long_session\nseverity: low\nunless: { networks: [10.0.0.0/33] }\n", 4, "CIDR"),
        ("id: x\ndetector: long_session\nseverity: low\nrecommend: revoke\n", 4, "recommend must be one of"),
        ("id: x\ndetector: long_session\n  severity: low\n", 3, "YAML"),
    ])
    func located(yaml: String, line: Int, message: String) {
        let e = errors(yaml)
        #expect(e.count == 1)
        #expect(e.first?.line == line)
        #expect(e.first?.message.contains(message) == true, "\(e)")
    }

    @Test("a list of rules in one file, duplicate ids across files, and a missing directory are errors")
    func directories() throws {
        let dir = temporaryDirectory()
        try "- id: a\n  detector: long_session\n  severity: low\n- id: b\n  detector: long_session\n  severity: low\n"
            .write(to: dir.appendingPathComponent("one.yml"), atomically: true, encoding: .utf8)
        #expect(try RuleLoader.load(directory: dir.path).count == 2)
        try "id: a\ndetector: long_session\nseverity: low\n".write(to: dir.appendingPathComponent("two.yml"), atomically: true, encoding: .utf8)
        #expect(throws: RuleErrors.self) { try RuleLoader.load(directory: dir.path) }
        #expect(throws: RuleErrors.self) { try RuleLoader.load(directory: dir.path + "/missing") }
    }

    @Test("an unknown detector name in a shipped-style file fails before anything else")
    func spelling() {
        #expect(Spelling.suggestion(for: "long_sesion", among: DetectorRegistry.all.map { $0.name }) == "long_session")
        #expect(Spelling.suggestion(for: "zzz", among: DetectorRegistry.all.map { $0.name }) == nil)
    }
}
