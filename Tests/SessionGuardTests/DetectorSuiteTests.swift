import Foundation
import Testing
@testable import SessionGuard

@Suite("Session detectors: idle, device, offboarding; organisation baseline")
struct SessionDetectorTests {
    typealias W = World

    @Test("idle_session fires between max_idle and Odoo's lifetime, only for sessions still alive")
    func idle() throws {
        let yaml = "id: i\ndetector: idle_session\nseverity: low\nparams: { max_idle: 3d }\n"
        let s = W.session("S1", [W.workday("198.51.100.23", W.brussels, day: 0)])
        let last = s.lastActivity
        let drafts = try W.judge(yaml, [s], now: last + 4 * W.day)
        #expect(drafts.count == 1)
        #expect(W.fact(drafts.first, "expires") == .string(UTC.iso(last + 7 * W.day)))
        #expect(try W.judge(yaml, [s], now: last + 2 * W.day).isEmpty)   // not idle long enough
        #expect(try W.judge(yaml, [s], now: last + 8 * W.day).isEmpty)   // Odoo has deleted it
        var out = s
        out.loggedOut = true
        #expect(try W.judge(yaml, [out], now: last + 4 * W.day).isEmpty)
    }

    @Test("user agents reduce to platform and browser, versions ignored")
    func deviceClasses() {
        let cases: [(String, String)] = [
            ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36", "windows/chrome"),
            ("Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15", "macos/safari"),
            ("Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0", "linux/firefox"),
            ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/131.0 Mobile/15E148 Safari/604.1", "ios/chrome"),
            ("Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Mobile Safari/537.36 Edg/131.0", "android/edge"),
            ("python-requests/2.31.0", "other/python-requests"),
            ("linux/chrome", "linux/chrome"),
        ]
        for (ua, expected) in cases { #expect(DeviceClass(userAgent: ua)?.description == expected, "\(ua)") }
        #expect(DeviceClass(userAgent: "-") == nil)
        #expect(DeviceClass(userAgent: "") == nil)
    }

    @Test("new_device fires for a browser the user has not used, given enough known history")
    func newDevice() throws {
        let yaml = "id: d\ndetector: new_device\nseverity: low\nparams: { min_history_sessions: 3 }\n"
        let chrome = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36"
        let history = (0..<3).map { W.session("H\($0)", [W.workday("198.51.100.23", W.brussels, day: Millis($0))], userAgent: chrome) }
        let firefox = W.session("N1", [W.workday("198.51.100.23", W.brussels, day: 5)], userAgent: "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0")
        let drafts = try W.judge(yaml, history + [firefox])
        #expect(drafts.map(\.discriminator) == ["device=linux/firefox"])
        #expect(W.fact(drafts.first, "known_devices") == .array([.string("windows/chrome")]))
        let updated = W.session("N1", [W.workday("198.51.100.23", W.brussels, day: 5)], userAgent: chrome.replacingOccurrences(of: "130.0", with: "131.0"))
        #expect(try W.judge(yaml, history + [updated]).isEmpty)  // a browser update is not a new device
        let unknown = W.session("N1", [W.workday("198.51.100.23", W.brussels, day: 5)])
        #expect(try W.judge(yaml, history + [unknown]).isEmpty)  // Odoo 18.0 lines name no device
        #expect(try W.judge(yaml, Array(history.prefix(2)) + [firefox]).isEmpty)  // too little history
    }

    @Test("disabled_user reads YAML and CSV offboarding lists, and reports live sessions and use after leaving")
    func offboarding() throws {
        let dir = temporaryDirectory()
        try "- bob@example.com\n- { login: alice@example.com, db: prod, since: 2025-03-04 }\n"
            .write(to: dir.appendingPathComponent("gone.yml"), atomically: true, encoding: .utf8)
        try "name,login,since\n\"Alice, A.\",alice@example.com,2025-03-04\n"
            .write(to: dir.appendingPathComponent("gone.csv"), atomically: true, encoding: .utf8)
        for list in ["gone.yml", "gone.csv"] {
            let yaml = "id: o\ndetector: disabled_user\nseverity: high\nparams: { file: \(list) }\nrecommend: revoke_user_sessions\n"
            let (rules, errors) = RuleLoader.parse(yaml, file: dir.appendingPathComponent("r.yml").path)
            try #require(errors.isEmpty, "\(errors)")
            let detector = try #require(rules.first?.detector as? DisabledUserDetector)
            #expect(detector.entries["alice@example.com"]?.first?.since == UTC.parse("2025-03-04"))
        }
        let yaml = "id: o\ndetector: disabled_user\nseverity: high\nparams: { file: \(dir.appendingPathComponent("gone.yml").path) }\n"
        let ended = W.session("S1", [W.workday("198.51.100.23", W.brussels, day: 2)], loggedOut: true)  // 2025-03-05
        #expect(try W.judge(yaml, [ended]).count == 1)  // used after leaving, though logged out since
        let before = W.session("S1", [W.workday("198.51.100.23", W.brussels, day: 0)], loggedOut: true)
        #expect(try W.judge(yaml, [before]).isEmpty)
        let live = W.session("S1", [W.workday("198.51.100.23", W.brussels, day: 0)])
        #expect(try W.judge(yaml, [live], now: live.lastActivity + W.day).count == 1)
        let bob = W.session("B1", user: "bob@example.com", uid: 8, [W.workday("198.51.100.41", W.brussels, day: 0)], loggedOut: true)
        #expect(try W.judge(yaml, [bob]).isEmpty)  // no date: only a live session counts
    }

    @Test("an offboarding file that is missing or malformed is a rule error naming the place")
    func offboardingErrors() throws {
        let dir = temporaryDirectory()
        try "login,db\n,prod\n".write(to: dir.appendingPathComponent("bad.csv"), atomically: true, encoding: .utf8)
        let (_, missing) = RuleLoader.parse("id: o\ndetector: disabled_user\nseverity: high\nparams: { file: nope.yml }\n",
                                            file: dir.appendingPathComponent("r.yml").path)
        #expect(missing.first?.message.contains("cannot read the offboarding file") == true)
        #expect(missing.first?.line == 4)
        let (_, bad) = RuleLoader.parse("id: o\ndetector: disabled_user\nseverity: high\nparams: { file: bad.csv }\n",
                                        file: dir.appendingPathComponent("r.yml").path)
        #expect(bad.first?.file.hasSuffix("bad.csv") == true)
        #expect(bad.first?.line == 2)
    }

    @Test("new_location: a site many colleagues use lowers severity; a newcomer gets an info verdict only where nobody has been")
    func organisationBaseline() throws {
        let yaml = "id: c\ndetector: new_location\nseverity: high\nparams: { scope: city, min_history_sessions: 3 }\n"
        var colleagues: [Session] = []
        for (i, user) in ["b", "c", "d", "e"].enumerated() {
            colleagues.append(W.session("V\(i)", user: "\(user)@example.com", uid: 20 + i, [W.workday("192.0.2.40", W.amsterdam, day: 0)]))
            colleagues.append(W.session("W\(i)", user: "\(user)@example.com", uid: 20 + i, [W.workday("198.51.100.50", W.brussels, day: 8)]))
        }
        let history = (0..<3).map { W.session("H\($0)", [W.workday("198.51.100.23", W.brussels, day: Millis($0) + 1)]) }
        let amsterdam = W.session("N1", [W.workday("192.0.2.41", W.amsterdam, day: 9)])
        let drafts = try W.judge(yaml, colleagues + history + [amsterdam])
        #expect(drafts.count == 1)
        #expect(drafts.first?.severityShift == -1)
        #expect(W.fact(drafts.first, "org_colleagues") == .int(4))
        let tokyo = W.session("N1", [W.workday("2001:db8:2::7", W.tokyo, day: 9)])
        let t = try W.judge(yaml, colleagues + history + [tokyo])
        #expect(t.first?.severityShift == 0 && t.first?.severity == nil)
        // A newcomer (no history) in Tokyo, where no colleague has been: unknown, info, no action.
        let newcomer = W.session("N2", user: "new@example.com", uid: 99, [W.workday("2001:db8:2::8", W.tokyo, day: 9)])
        let n = try W.judge(yaml, colleagues + [newcomer])
        #expect(n.first?.severity == .info)
        #expect(n.first?.recommend == RecommendedAction.none)
        #expect(W.fact(n.first, "verdict") == .string("unknown"))
        // … and nothing in Amsterdam, where colleagues work.
        let inOffice = W.session("N2", user: "new@example.com", uid: 99, [W.workday("192.0.2.42", W.amsterdam, day: 9)])
        #expect(try W.judge(yaml, colleagues + [inOffice]).isEmpty)
    }
}
