import Foundation
import Testing
@testable import SessionGuard

/// Rules run through the whole pipeline (`Analyzer`) on small logs: run-level detectors, shared
/// filters, the allowlist, scores and recommendation grouping.
@Suite("Rule engine and login failures")
struct RuleEngineTests {
    static let failure = "INFO prod odoo.addons.base.models.res_users: Login failed for db:prod login:%@ from %@ "
    static let ignored = "WARNING prod odoo.addons.base.models.res_users: Login attempt ignored for %@ on prod: 10 failures since last success, last failure at 2025-03-12 03:01:12.320105. You can configure the number of login failures before a user is put on cooldown as well as the duration in the System Parameters. Disable this feature by setting \"base.login_cooldown_after\" to 0. "

    /// `count` failed attempts, 5 s apart from `start`, each with a cooldown WARNING first when `cooldown`.
    static func attempts(_ count: Int, login: String, ip: String, start: Int = 0, cooldown: Bool = false) -> [String] {
        (0..<count).flatMap { i -> [String] in
            let t = start + i * 5
            let stamp = String(format: "2025-03-12 03:%02d:%02d", t / 60, t % 60)
            var lines: [String] = []
            if cooldown { lines.append("\(stamp),100 4216 " + String(format: ignored, ip)) }
            lines.append("\(stamp),200 4216 " + String(format: failure, login, ip))
            return lines
        }
    }

    static func success(login: String, uid: Int, ip: String, identifier: String, at stamp: String) -> [String] {
        [
            "\(stamp),100 4214 INFO prod odoo.addons.base.models.res_users: Login successful for db:prod login:\(login) from \(ip) ",
            "\(stamp),200 4214 INFO prod odoo.addons.base.models.res_device: User \(uid) inserts device log (\(identifier)) ",
            "\(stamp),300 4214 INFO prod werkzeug: \(ip) - - [12/Mar/2025 03:10:00] \"POST /web/login HTTP/1.1\" 303 - 26 0.023 0.397",
        ]
    }

    func analyze(_ lines: [String], rules: String, allowlist: String? = nil) throws -> AnalysisResult {
        let dir = temporaryDirectory()
        let rulesDir = dir.appendingPathComponent("rules")
        try FileManager.default.createDirectory(at: rulesDir, withIntermediateDirectories: true)
        try rules.write(to: rulesDir.appendingPathComponent("rules.yml"), atomically: true, encoding: .utf8)
        if let allowlist { try allowlist.write(to: rulesDir.appendingPathComponent("allowlist.yml"), atomically: true, encoding: .utf8) }
        let log = writeLog(lines.joined(separator: "\n") + "\n", in: dir)
        let locator = try GeoLocator(city: GeoDatabase(path: samplePath("Samples/geoip/GeoLite2-City-Sample.mmdb")),
                                     asn: GeoDatabase(path: samplePath("Samples/geoip/GeoLite2-ASN-Sample.mmdb")))
        let store = try testStore(dir)
        return try Analyzer(rules: try RuleLoader.load(directory: rulesDir.path), locator: locator, store: store)
            .run(AnalyzeOptions(inputs: [log], now: UTC.parse("2025-03-13T00:00:00Z")!))
    }

    let bursts = """
        - { id: brute, detector: login_failures, severity: medium, score: 60,
            params: { report: bursts, max_failures_per_login: 10, max_failures_per_ip: 20 }, recommend: review }
        """
    let success = """
        - { id: after, detector: login_failures, severity: critical,
            params: { report: success_after_failures, success_after_failures: 5 }, recommend: revoke_session }
        """

    @Test("failures per login reach the threshold; a cooldown WARNING and its Login failed line are one attempt")
    func perLogin() throws {
        let result = try analyze(Self.attempts(12, login: "admin", ip: "192.0.2.150", cooldown: true), rules: bursts)
        #expect(result.findings.count == 1)  // the address's burst is the same attack: not told twice
        let f = try #require(result.findings.first)
        #expect(f.user == "admin" && f.sessionKey == "login:admin")
        #expect(f.facts.first { $0.0 == "failures" }?.1 == .int(12))
        #expect(f.facts.first { $0.0 == "score" }?.1 == .int(60))
        #expect(result.recommendations.map(\.action) == [.review])
        #expect(try analyze(Self.attempts(9, login: "admin", ip: "192.0.2.150"), rules: bursts).findings.isEmpty)
    }

    @Test("password spraying: many logins from one address is an address burst; cooldown WARNINGs alone count")
    func perAddress() throws {
        let spray = (0..<25).flatMap { Self.attempts(1, login: "user\($0)@example.com", ip: "192.0.2.151", start: $0 * 5) }
        let result = try analyze(spray, rules: bursts)
        #expect(result.findings.count == 1)
        #expect(result.findings.first?.sessionKey == "ip:192.0.2.151")
        #expect(result.findings.first?.user == "25 logins")
        // A log at log_level = warn keeps only the WARNING lines: they still count, once each.
        let warnings = (0..<21).map { String(format: "2025-03-12 03:00:%02d,100 4216 ", $0 * 2) + String(format: Self.ignored, "192.0.2.152") }
        let w = try analyze(warnings, rules: bursts)
        #expect(w.findings.first?.facts.first { $0.0 == "failures" }?.1 == .int(21))
    }

    @Test("a sign-in after failures from the same address recommends revoking the session it opened")
    func successAfterFailures() throws {
        let id = "kQ2m8v1ZtXo4RrN0aB7cD9eF3gH5iJ6kL8mN0pQ2sT"
        let lines = Self.attempts(6, login: "carol@example.com", ip: "192.0.2.150")
            + Self.success(login: "carol@example.com", uid: 9, ip: "192.0.2.150", identifier: id, at: "2025-03-12 03:10:00")
        let result = try analyze(lines, rules: success)
        let f = try #require(result.findings.first)
        #expect(result.findings.count == 1)
        #expect(f.sessionIdentifier == id && f.severity == .critical)
        #expect(f.facts.first { $0.0 == "failures_before" }?.1 == .int(6))
        #expect(f.summary.contains("password guessed"))
        #expect(result.recommendations.first?.action == .revokeSession)
        #expect(result.recommendations.first?.target == id)
        // From another address, or after too few failures: nothing.
        let elsewhere = Self.attempts(6, login: "carol@example.com", ip: "192.0.2.150")
            + Self.success(login: "carol@example.com", uid: 9, ip: "198.51.100.23", identifier: id, at: "2025-03-12 03:10:00")
        #expect(try analyze(elsewhere, rules: success).findings.isEmpty)
        let few = Self.attempts(4, login: "carol@example.com", ip: "192.0.2.150")
            + Self.success(login: "carol@example.com", uid: 9, ip: "192.0.2.150", identifier: id, at: "2025-03-12 03:10:00")
        #expect(try analyze(few, rules: success).findings.isEmpty)
    }

    @Test("colleagues behind one office address who mistype and then sign in are not credential stuffing")
    func officeMistypes() throws {
        var lines: [String] = []
        // Five colleagues each mistype once at the office, then sign in; then dave signs in.
        for (i, login) in ["a", "b", "c", "d", "e"].enumerated() {
            lines += Self.attempts(1, login: "\(login)@example.com", ip: "198.51.100.10", start: i * 60)
            lines += Self.success(login: "\(login)@example.com", uid: 30 + i, ip: "198.51.100.10",
                                  identifier: String(repeating: Character(String(i)), count: 42), at: String(format: "2025-03-12 03:%02d:30", i + 1))
        }
        lines += Self.success(login: "dave@example.com", uid: 40, ip: "198.51.100.10",
                              identifier: String(repeating: "D", count: 42), at: "2025-03-12 03:10:00")
        let result = try analyze(lines.sorted(), rules: success)
        #expect(result.findings.isEmpty, "\(result.findings.map(\.summary))")
        // The same five failures on logins that never sign in are a list being tried.
        var stuffing = (0..<5).flatMap { Self.attempts(1, login: "user\($0)@example.com", ip: "198.51.100.10", start: $0 * 60) }
        stuffing += Self.success(login: "dave@example.com", uid: 40, ip: "198.51.100.10",
                                 identifier: String(repeating: "D", count: 42), at: "2025-03-12 03:10:00")
        let stuffed = try analyze(stuffing, rules: success)
        #expect(stuffed.findings.first?.summary.contains("credential stuffing") == true)
    }

    @Test("an XML-RPC service account signing in every 15 minutes from n/a trips nothing")
    func serviceAccount() throws {
        let lines = (0..<96).map { i in
            String(format: "2025-03-12 %02d:%02d:05,000 4214 INFO prod odoo.addons.base.models.res_users: Login successful for db:prod login:svc_sync from n/a ", i / 4, i % 4 * 15)
        }
        let all = try RuleLoader.load(directory: samplePath("Rules"))
        let dir = temporaryDirectory()
        let store = try testStore(dir)
        let locator = try GeoLocator(city: GeoDatabase(path: samplePath("Samples/geoip/GeoLite2-City-Sample.mmdb")), asn: nil)
        let result = try Analyzer(rules: all, locator: locator, store: store)
            .run(AnalyzeOptions(inputs: [writeLog(lines.joined(separator: "\n") + "\n", in: dir)], now: UTC.parse("2025-03-13T00:00:00Z")!))
        #expect(result.findings.isEmpty)
    }

    @Test("when: places and users narrow a rule; the allowlist silences every rule")
    func filters() throws {
        let lines = Self.attempts(12, login: "admin", ip: "192.0.2.150")
        let onlyUS = "- { id: b, detector: login_failures, severity: medium, params: { report: bursts }, when: { countries: [US] } }\n"
        #expect(try analyze(lines, rules: onlyUS).findings.count == 1)
        let onlyBE = "- { id: b, detector: login_failures, severity: medium, params: { report: bursts }, when: { countries: [BE] } }\n"
        #expect(try analyze(lines, rules: onlyBE).findings.isEmpty)
        let onlyBob = "- { id: b, detector: login_failures, severity: medium, params: { report: bursts }, when: { users: [bob] } }\n"
        #expect(try analyze(lines, rules: onlyBob).findings.isEmpty)
        #expect(try analyze(lines, rules: bursts, allowlist: "networks: [192.0.2.128/26]\n").findings.isEmpty)
        #expect(try analyze(lines, rules: bursts, allowlist: "users: [admin]\n").findings.isEmpty)
        #expect(try analyze(lines, rules: bursts, allowlist: "networks: [10.0.0.0/8]\n").findings.count == 1)
    }

    @Test("allowlist and score errors are located")
    func errors() throws {
        let dir = temporaryDirectory()
        try "id: a\ndetector: idle_session\nseverity: low\n".write(to: dir.appendingPathComponent("a.yml"), atomically: true, encoding: .utf8)
        try "networks: [nonsense]\n".write(to: dir.appendingPathComponent("allowlist.yml"), atomically: true, encoding: .utf8)
        #expect(throws: RuleErrors.self) { try RuleLoader.load(directory: dir.path) }
        do {
            _ = try RuleLoader.load(directory: dir.path)
        } catch {
            #expect(error.errors.first?.file.hasSuffix("allowlist.yml") == true)
            #expect(error.errors.first?.line == 1)
        }
        let (_, scoreErrors) = RuleLoader.parse("id: a\ndetector: idle_session\nseverity: low\nscore: 200\n", file: "r.yml")
        #expect(scoreErrors.first?.message.contains("score") == true)
    }

    @Test("request_match: watched requests and records join the session of their request; unattributed ones go by address")
    func requestMatch() throws {
        let id = "kQ2m8v1ZtXo4RrN0aB7cD9eF3gH5iJ6kL8mN0pQ2sT"
        var lines = Self.success(login: "admin", uid: 2, ip: "198.51.100.5", identifier: id, at: "2025-03-12 09:30:00")
        lines += [
            "2025-03-12 09:31:00,100 4216 INFO prod werkzeug: 198.51.100.5 - - [12/Mar/2025 09:31:00] \"POST /web/database/backup HTTP/1.1\" 200 - 3 0.001 0.010",
            "2025-03-12 09:40:00,100 4216 INFO ? odoo.service.db: DROP DB: prod_copy ",
            "2025-03-12 09:40:00,300 4216 INFO ? werkzeug: 198.51.100.5 - - [12/Mar/2025 09:40:00] \"POST /web/database/drop HTTP/1.1\" 303 - 3 0.001 0.010",
            "2025-03-12 09:45:00,100 4217 INFO ? werkzeug: 192.0.2.150 - - [12/Mar/2025 09:45:00] \"POST /web/database/restore HTTP/1.1\" 200 - 3 0.001 0.010",
        ]
        let rules = """
            - { id: manager, detector: request_match, severity: high, params: { method: '^POST$', path: '^/web/database/' } }
            - { id: drop, detector: request_match, severity: critical, params: { logger: '^odoo\\.service\\.db$', message: '^DROP DB' },
                recommend: revoke_session }
            """
        let result = try analyze(lines, rules: rules)
        let manager = result.findings.filter { $0.rule == "manager" }
        #expect(manager.count == 3)
        let mine = try #require(manager.first { $0.sessionIdentifier == id })
        #expect(mine.user == "admin")
        #expect(mine.facts.first { $0.0 == "matches" }?.1 == .int(1))
        // Requests that select no database (`?`, as the manager's do) belong to no session: by address.
        let dbless = try #require(manager.first { $0.sessionKey == "ip:198.51.100.5" })
        #expect(dbless.user == "anonymous" && dbless.recommend == .review)
        #expect(manager.contains { $0.sessionKey == "ip:192.0.2.150" })
        let drop = try #require(result.findings.first { $0.rule == "drop" })
        #expect(drop.summary.contains("DROP DB: prod_copy"))
        #expect(drop.summary.contains("198.51.100.5"))  // the address of the request that logged it
        #expect(drop.evidence.first?.line == 5)
        let (_, both) = RuleLoader.parse("id: x\ndetector: request_match\nseverity: low\nparams: { path: '^/', logger: 'x' }\n", file: "r.yml")
        #expect(both.first?.message.contains("not both") == true)
        let (_, none) = RuleLoader.parse("id: x\ndetector: request_match\nseverity: low\n", file: "r.yml")
        #expect(none.first?.message.contains("needs params.path") == true)
        let (_, bad) = RuleLoader.parse("id: x\ndetector: request_match\nseverity: low\nparams: { path: '^/web/(' }\n", file: "r.yml")
        #expect(bad.first?.message.contains("invalid pattern for params.path") == true)
    }

    @Test("a watched login line is kept with its attempt; more than 64 distinct watches is a rule error")
    func watchLimits() throws {
        let watchLogins = "- { id: w, detector: request_match, severity: low, params: { logger: 'res_users$', message: '^Login failed' } }\n"
        let result = try analyze(Self.attempts(12, login: "admin", ip: "192.0.2.150"), rules: watchLogins)
        #expect(result.findings.first?.facts.first { $0.0 == "matches" }?.1 == .int(12))
        let dir = temporaryDirectory()
        let many = (0...Watch.limit).map { "- { id: r\($0), detector: request_match, severity: low, params: { path: '^/p\($0)$' } }" }
        try many.joined(separator: "\n").write(to: dir.appendingPathComponent("many.yml"), atomically: true, encoding: .utf8)
        #expect(throws: RuleErrors.self) { try RuleLoader.load(directory: dir.path) }
    }

    @Test("nightly runs: a forgotten session and a move across midnight are judged although tonight's log does not show them")
    func nightly() throws {
        let dir = temporaryDirectory()
        let text = try String(contentsOfFile: samplePath("Samples/logs/odoo.log"), encoding: .utf8)
        var before: [Substring] = [], after: [Substring] = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("2025-03-1") && line >= "2025-03-11" { after.append(line) } else if after.isEmpty { before.append(line) } else { after.append(line) }
        }
        let first = writeLog(before.joined(separator: "\n") + "\n", name: "odoo.log.part1", in: dir)
        let second = writeLog(after.joined(separator: "\n"), name: "odoo.log.part2", in: dir)
        let rules = try RuleLoader.load(directory: samplePath("Rules"))
        let locator = try GeoLocator(city: GeoDatabase(path: samplePath("Samples/geoip/GeoLite2-City-Sample.mmdb")),
                                     asn: GeoDatabase(path: samplePath("Samples/geoip/GeoLite2-ASN-Sample.mmdb")))
        let store = try testStore(dir)
        _ = try Analyzer(rules: rules, locator: locator, store: store).run(AnalyzeOptions(
            inputs: [samplePath("Samples/logs/odoo.log.2.gz"), samplePath("Samples/logs/odoo.log.1"), first], now: UTC.parse("2025-03-11T00:00:00Z")!))
        let night = try Analyzer(rules: rules, locator: locator, store: store).run(AnalyzeOptions(inputs: [second], now: UTC.parse("2025-03-15T00:00:00Z")!))
        // dave's session was last used on 03-10 (first night); it is still alive on the 15th.
        #expect(night.findings.contains { $0.rule == "forgotten-session" && $0.user == "dave@example.com" })
        #expect(night.findings.contains { $0.rule == "impossible-travel" && $0.user == "alice@example.com" })
    }
}
