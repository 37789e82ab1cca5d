import Foundation
import Testing
@testable import SessionGuard

@Suite("Odoo server-log parser")
struct OdooLogParserTests {
    func single(_ line: String) -> (Event?, InputStats, Interner) {
        let (events, stats, interner) = parse(line + "\n")
        return (events.first, stats, interner)
    }

    @Test("a werkzeug request line with three perf fields")
    func requestThreePerf() throws {
        let (e, stats, i) = single(#"2025-03-14 09:26:53,589 4213 INFO prod werkzeug: 203.0.113.7 - - [14/Mar/2025 09:26:53] "POST /web/dataset/call_kw/res.partner/web_search_read HTTP/1.1" 200 - 12 0.009 0.031"#)
        let event = try #require(e)
        #expect(event.kind == .request)
        #expect(i.string(event.ip) == "203.0.113.7")
        #expect(i.string(event.db) == "prod")
        #expect(i.string(event.method) == "POST")
        #expect(event.status == 200)
        #expect(event.pid == 4213)
        #expect(UTC.iso(event.time) == "2025-03-14T09:26:53Z")
        #expect(event.time % 1000 == 589)
        #expect(stats.records == 1 && stats.unparsed == 0)
    }

    @Test("request lines with no perf fields (11.0), '- - -', and a 4th replica field", arguments: [
        #"2025-03-14 09:26:53,589 7 INFO prod werkzeug: 203.0.113.7 - - [14/Mar/2025 09:26:53] "GET /web HTTP/1.1" 200 -"#,
        #"2025-03-14 09:26:53,589 7 INFO prod werkzeug: 203.0.113.7 - - [14/Mar/2025 09:26:53] "GET /web HTTP/1.1" 304 - - - -"#,
        #"2025-03-14 09:26:53,589 7 INFO prod werkzeug: 203.0.113.7 - - [14/Mar/2025 09:26:53] "GET /web HTTP/1.1" 200 - 3 0.001 0.010 ro"#,
        #"2025-03-14 09:26:53,589 7 INFO prod werkzeug: 203.0.113.7 - - [14/Mar/2025 09:26:53] "GET /web HTTP/1.1" 200 - 3 0.001 0.010 ro->rw"#,
        #"2025-03-14 09:26:53,589 7 INFO prod werkzeug: 203.0.113.7 - - [14/Mar/2025 09:26:53] "GET /web HTTP/1.0" 200 - 3 0.001 0.010 -"#,
    ])
    func perfShapes(line: String) throws {
        let (e, stats, i) = single(line)
        let event = try #require(e)
        #expect(event.kind == .request)
        #expect(i.string(event.ip) == "203.0.113.7")
        #expect(stats.unparsed == 0)
    }

    @Test("an RPC target with a #model.method suffix, quotes and spaces inside the target")
    func oddTargets() throws {
        let (e1, _, _) = single(#"2025-03-14 09:26:53,589 7 INFO prod werkzeug: 203.0.113.7 - - [14/Mar/2025 09:26:53] "POST /xmlrpc/2/object#res.partner.search_read HTTP/1.1" 200 - 4 0.002 0.011"#)
        #expect(e1?.kind == .request)
        let (e2, _, i2) = single(#"2025-03-14 09:26:53,589 7 INFO prod werkzeug: 203.0.113.7 - - [14/Mar/2025 09:26:53] "GET /web/search?q="a b" HTTP/1.1" HTTP/1.1" 404 - 1 0.001 0.002"#)
        let event = try #require(e2)
        #expect(event.status == 404)
        #expect(i2.string(event.method) == "GET")
    }

    @Test("IPv6 clients, and non-IP tokens in the IP slot are kept as requests without an address")
    func ipSlot() throws {
        let (e1, _, i1) = single(#"2025-03-14 09:26:53,589 7 INFO prod werkzeug: 2001:db8::5 - - [14/Mar/2025 09:26:53] "GET /web HTTP/1.1" 200 - 1 0.001 0.002"#)
        #expect(i1.string(try #require(e1).ip) == "2001:db8::5")
        let (e2, stats, _) = single(#"2025-03-14 09:26:53,589 7 INFO prod werkzeug: IP - - [14/Mar/2025 09:26:53] "GET /web HTTP/1.1" 200 - 1 0.001 0.002"#)
        #expect(try #require(e2).ip == Event.none)
        #expect(stats.unparsed == 0)
    }

    @Test("database '?' and 'None' mean no database; dotted, upper-case names are kept")
    func databases() throws {
        let (e1, _, _) = single(#"2025-03-14 09:26:53,589 7 INFO ? werkzeug: 203.0.113.7 - - [14/Mar/2025 09:26:53] "GET /web/database/selector HTTP/1.1" 200 - 1 0.001 0.002"#)
        #expect(e1?.db == Event.none)
        let (e2, _, _) = single(#"2025-03-14 09:26:53,589 7 INFO None werkzeug: 203.0.113.7 - - [14/Mar/2025 09:26:53] "POST /jsonrpc HTTP/1.1" 200 - 1 0.001 0.002"#)
        #expect(e2?.db == Event.none)
        let (e3, _, i3) = single(#"2025-03-14 09:26:53,589 7 INFO Acme.Prod-2 werkzeug: 203.0.113.7 - - [14/Mar/2025 09:26:53] "GET /web HTTP/1.1" 200 - 1 0.001 0.002"#)
        #expect(i3.string(try #require(e3).db) == "Acme.Prod-2")
    }

    @Test("ANSI colour codes from a TTY are stripped before parsing")
    func colours() throws {
        let line = "2025-03-14 09:26:53,589 7 \u{1b}[1;32m\u{1b}[1;49mINFO\u{1b}[0m prod werkzeug: 203.0.113.7 - - [14/Mar/2025 09:26:53] \"\u{1b}[32mGET /web HTTP/1.1\u{1b}[0m\" 200 - 1 0.001 0.002"
        let (e, stats, _) = single(line)
        #expect(e?.kind == .request)
        #expect(stats.unparsed == 0)
    }

    @Test("login lines: ≤18 shape, 19 shape, RPC 'from n/a', failures, trailing space")
    func logins() throws {
        let (e1, _, i1) = single("2025-03-14 09:26:58,004 4213 INFO prod odoo.addons.base.models.res_users: Login successful for db:prod login:alice@example.com from 203.0.113.7 ")
        let ok = try #require(e1)
        #expect(ok.kind == .loginSucceeded)
        #expect(i1.string(ok.login) == "alice@example.com")
        #expect(i1.string(ok.ip) == "203.0.113.7")
        #expect(i1.string(ok.db) == "prod")
        let (e2, _, i2) = single("2025-03-14 09:26:58,004 4213 INFO prod odoo.addons.base.models.res_users: Login successful for login:bob from 2001:db8::9 ")
        #expect(i2.string(try #require(e2).login) == "bob")
        #expect(i2.string(e2!.db) == "prod")
        let (e3, _, i3) = single("2025-03-14 09:26:58,004 4213 INFO prod odoo.addons.base.models.res_users: Login successful for db:prod login:svc_sync from n/a ")
        #expect(try #require(e3).ip == Event.none)
        #expect(i3.string(e3!.login) == "svc_sync")
        let (e4, _, _) = single("2025-03-14 09:26:58,004 4213 INFO prod odoo.addons.base.models.res_users: Login failed for db:prod login:admin from 192.0.2.150 ")
        #expect(e4?.kind == .loginFailed)
        let (e5, _, _) = single("2025-03-14 09:26:58,004 4213 INFO prod odoo.addons.base.res.res_users: Login failed for db:prod login:admin from 192.0.2.150 ")
        #expect(e5?.kind == .loginFailed)  // 11.0 logger name
    }

    @Test("rate limit, password change, password reset, 2FA and session expired")
    func otherAuth() throws {
        let (r, _, ri) = single("2025-03-12 03:01:30,000 4213 WARNING prod odoo.addons.base.models.res_users: Login attempt ignored for 192.0.2.150 on prod: 10 failures since last success, last failure at 2025-03-12 03:01:12. Try again later. ")
        #expect(r?.kind == .loginRateLimited)
        #expect(ri.string(r!.ip) == "192.0.2.150")
        let (p, _, pi) = single("2025-03-12 03:01:30,000 4213 INFO prod odoo.addons.base.models.res_users: Password change for alice@example.com (#7) by alice@example.com (#7) from 198.51.100.23 ")
        #expect(p?.kind == .passwordChanged)
        #expect(p?.uid == 7)
        #expect(pi.string(p!.login) == "alice@example.com")
        let (q, _, qi) = single("2025-03-12 03:01:30,000 4213 INFO prod odoo.addons.base.models.res_users: Password change for 'alice@example.com' (#7) by 'alice@example.com' (#7) from 198.51.100.23 ")
        #expect(qi.string(q!.login) == "alice@example.com")  // Odoo 18 logs the logins with %r
        let (s, _, _) = single("2025-03-12 03:01:30,000 4213 INFO prod odoo.addons.auth_signup.controllers.main: Password reset attempt for alice@example.com by user alice@example.com from 198.51.100.23 ")
        #expect(s?.kind == .passwordResetRequested)
        for (verdict, kind) in [("SUCCESS", EventKind.twoFactorSucceeded), ("FAIL", .twoFactorFailed), ("REUSE", .twoFactorReused)] {
            let (t, _, ti) = single("2025-03-12 03:01:30,000 4213 INFO prod odoo.addons.auth_totp.models.res_users: 2FA check: \(verdict) for res.users(7,) 'alice@example.com' ")
            #expect(t?.kind == kind)
            #expect(t?.uid == 7)
            #expect(ti.string(t!.login) == "alice@example.com")
        }
        let (x, _, _) = single("2025-03-12 03:01:30,000 4213 INFO prod odoo.http: Session expired ")
        #expect(x?.kind == .sessionExpired)
    }

    @Test("device lines in the 18.0 and the newer shape, and revoke lines")
    func deviceLines() throws {
        let id = "AbCdEfGhIjKlMnOpQrStUvWxYz0123456789-_abcd"
        let (d1, _, i1) = single("2025-03-14 09:26:58,010 4213 INFO prod odoo.addons.base.models.res_device: User 7 inserts device log (\(id)) ")
        let old = try #require(d1)
        #expect(old.kind == .deviceLogged && old.uid == 7)
        #expect(i1.string(old.identifier) == id)
        let (d2, _, i2) = single("2025-03-14 09:26:58,010 4213 INFO prod odoo.addons.base.models.res_device: User 7 inserts device log: \(id) - 203.0.113.7 - Mozilla/5.0 (X11; Linux x86_64) Firefox/128.0 ")
        let new = try #require(d2)
        #expect(i2.string(new.identifier) == id)
        #expect(i2.string(new.ip) == "203.0.113.7")
        #expect(i2.string(new.userAgent) == "Mozilla/5.0 (X11; Linux x86_64) Firefox/128.0")
        let (revokes, _, ri) = parse("2025-03-14 09:26:58,010 4213 INFO prod odoo.addons.base.models.res_device: User 7 revokes devices (\(id), \(id.uppercased())) \n")
        #expect(revokes.map(\.kind) == [.devicesRevoked, .devicesRevoked])  // one event per identifier
        #expect(revokes.map { ri.string($0.identifier) } == [id, id.uppercased()])
        #expect(revokes.allSatisfy { $0.uid == 7 })
    }

    @Test("the start-up banner gives the Odoo version")
    func banner() {
        let (e, stats, _) = single("2025-02-17 05:30:02,118 4212 INFO ? odoo: Odoo version 18.0 ")
        #expect(e?.kind == .banner)
        #expect(stats.odooVersion == "18.0")
    }

    @Test("tracebacks attach to their record; junk is counted as unparsed with file:line, never fatal")
    func continuationsAndJunk() {
        let text = """
            stray line before any record
            2025-03-14 09:26:58,010 4213 ERROR prod odoo.http: Exception during request handling. 
            Traceback (most recent call last):
              File "/usr/lib/python3/dist-packages/odoo/http.py", line 2150, in __call__
            ValueError: boom

            2025-03-14 09:26:59,010 4213 INFO prod werkzeug: 203.0.113.7 - - [14/Mar/2025 09:26:59] "GET /web HTTP/1.1" 500 - 1 0.001 0.002
            this cannot follow a request line
            2025-03-10 10:1
            \u{01}\u{02}binary
            2025-03-14 09:27:00,000 4213 INFO prod werkzeug: 203.0.113.7 - - [14/Mar/2025 09:27:00] "GET /web HTTP/1.1" 200 - 1 0.001 0.002
            """
        let (events, stats, _) = parse(text)
        #expect(events.filter { $0.kind == .request }.count == 2)
        #expect(stats.records == 3)
        #expect(stats.continuations == 4)
        #expect(stats.unparsed == 4)
        #expect(stats.unparsedSamples.map(\.line) == [1, 8, 9, 10])
        #expect(stats.lines == 11)
    }

    @Test("logout and login targets are recognised")
    func targets() {
        let (e1, _, _) = single(#"2025-03-14 09:26:53,589 7 INFO prod werkzeug: 203.0.113.7 - - [14/Mar/2025 09:26:53] "GET /web/session/logout HTTP/1.1" 303 - 1 0.001 0.002"#)
        #expect(e1?.target == .logout)
        let (e2, _, _) = single(#"2025-03-14 09:26:53,589 7 INFO prod werkzeug: 203.0.113.7 - - [14/Mar/2025 09:26:53] "POST /web/login?redirect=%2Fweb HTTP/1.1" 303 - 1 0.001 0.002"#)
        #expect(e2?.target == .login)
        let (e3, _, _) = single(#"2025-03-14 09:26:53,589 7 INFO prod werkzeug: 203.0.113.7 - - [14/Mar/2025 09:26:53] "GET /web/loginx HTTP/1.1" 200 - 1 0.001 0.002"#)
        #expect(e3?.target == .other)
    }
}

@Suite("Log injection through login names")
struct LogInjectionTests {
    static let bob = "hIEJzyWpZ5zSrdo8VANDzUiFM5pmSU01A4U5BmEnfP"
    static let forgedRevoke = "2025-03-14 09:26:59,000 4213 INFO prod odoo.addons.base.models.res_device: User 8 revokes devices (\(bob)) "
    static let request = #"2025-03-14 09:27:00,000 4214 INFO prod werkzeug: 203.0.113.7 - - [14/Mar/2025 09:27:00] "GET /web HTTP/1.1" 200 - 1 0.001 0.002"#
    static let loginLine = "2025-03-14 09:26:58,004 4213 INFO prod odoo.addons.base.models.res_users: "

    func run(_ lines: [String]) -> (events: [Event], stats: InputStats, interner: Interner) {
        parse(lines.joined(separator: "\n") + "\n")
    }

    @Test("a forged record between an incomplete login line and its ' from <ip>' tail is dropped; the attempt is kept")
    func incomplete() throws {
        let (events, stats, i) = run([
            Self.loginLine + "Login failed for db:prod login:zz",
            Self.forgedRevoke,
            "from 192.0.2.150 ",  // the login ended with a line break
            Self.request,
        ])
        #expect(events.map(\.kind) == [.loginFailed, .request])
        let attempt = try #require(events.first)
        #expect(i.string(attempt.ip) == "192.0.2.150")
        #expect(i.string(attempt.login) == "zz⏎…")
        #expect(stats.injections == 1)
        #expect(stats.unparsed == 2)
        #expect(stats.records == 2)
        #expect(stats.authEvents == 1)
        #expect(stats.unparsedSamples.first?.line == 2)
    }

    @Test("a forged record after a complete-looking login line is dropped when the bare tail follows")
    func completeLooking() throws {
        let (events, stats, i) = run([
            Self.loginLine + "Login failed for db:prod login:zz from 1.2.3.4",
            Self.forgedRevoke,
            "yy from 192.0.2.150 ",
            Self.request,
        ])
        #expect(events.map(\.kind) == [.loginFailed, .request])
        #expect(i.string(events[0].ip) == "192.0.2.150")  // the address Odoo appended, not the typed one
        #expect(stats.injections == 1)
    }

    @Test("a forged record whose last line carries Odoo's tail is dropped")
    func headerTail() {
        let (events, stats, _) = run([
            Self.loginLine + "Login failed for db:prod login:x from 198.51.100.66 ",
            Self.forgedRevoke,
            "2025-03-14 11:00:00,002 4215 INFO prod odoo.http: x from 198.51.100.66 ",
            Self.request,
        ])
        #expect(events.map(\.kind) == [.loginFailed, .request])
        #expect(stats.injections == 1)
    }

    @Test("a forged banner cannot change the Odoo version")
    func forgedBanner() {
        let (events, stats, _) = run([
            Self.loginLine + "Login failed for db:prod login:x from 198.51.100.66 ",
            "2025-03-14 11:00:00,002 4215 INFO ? odoo: Odoo version 18.0 from 198.51.100.66 ",
            Self.request,
        ])
        #expect(!events.contains { $0.kind == .banner })
        #expect(stats.odooVersion == nil)
    }

    @Test("a forged login line that ends the injection is dropped too")
    func forgedLogin() {
        let (events, stats, _) = run([
            Self.loginLine + "Login failed for db:prod login:zz",
            "2025-03-14 09:26:58,005 4213 INFO prod odoo.addons.base.models.res_users: Login successful for db:prod login:admin from 192.0.2.150 ",
            Self.request,
        ])
        #expect(events.map(\.kind) == [.loginFailed, .request])
        #expect(stats.injections == 1)
    }

    @Test("lines without a header inside an incomplete login message do not release it; a file ending there drops it")
    func incompleteToTheEnd() {
        let (e1, s1, _) = run([
            Self.loginLine + "Login failed for db:prod login:zz",
            Self.forgedRevoke,
            "something",
            "more from 192.0.2.150 ",
        ])
        #expect(e1.map(\.kind) == [.loginFailed])
        #expect(s1.injections == 1)
        let (e2, s2, _) = run([Self.loginLine + "Login failed for db:prod login:zz", Self.forgedRevoke])
        #expect(e2.map(\.kind) == [.loginFailed])
        #expect(s2.injections == 1)
        #expect(s2.unparsed == 1)
    }

    @Test("genuine records after a login line are released: by a traceback line, by distance, and at the end of the file")
    func genuine() {
        let login = Self.loginLine + "Login failed for db:prod login:admin from 192.0.2.150 "
        let error = "2025-03-14 09:26:58,500 4215 ERROR prod odoo.http: Exception during request handling. "
        let (e1, s1, _) = run([login, Self.request, error, "Traceback (most recent call last):",
                               "    raise ValueError('boom') from e", "ValueError: boom", Self.request])
        #expect(e1.map(\.kind) == [.loginFailed, .request, .request])
        #expect(s1.injections == 0 && s1.unparsed == 0 && s1.continuations == 3)
        let (e2, _, _) = run([login] + Array(repeating: Self.request, count: 20))
        #expect(e2.map(\.kind) == [.loginFailed] + Array(repeating: .request, count: 20))
        let (e3, _, _) = run([login, Self.request])
        #expect(e3.map(\.kind) == [.loginFailed, .request])
    }

    @Test("an injection after genuine records drops only its own block")
    func onlyItsOwnBlock() {
        let (events, stats, _) = run([Self.loginLine + "Login successful for db:prod login:alice from 198.51.100.66 ",
                                      Self.request, Self.request,
                                      Self.loginLine + "Login failed for db:prod login:y",
                                      " from 198.51.100.66 "])
        #expect(events.map(\.kind) == [.loginSucceeded, .request, .request, .loginFailed])
        #expect(stats.injections == 1)
        #expect(stats.unparsed == 1)
        #expect(stats.records == 4)
    }

    @Test("a bare tail with nothing held is still reported; a traceback's 'from e' is not a tail")
    func bareTail() {
        let (_, stats, _) = run([Self.request, Self.forgedRevoke, "from 198.51.100.66 "])
        #expect(stats.injections == 1)
        #expect(stats.unparsedSamples.first?.reason.contains("injection") == true)
        let (_, clean, _) = run([Self.forgedRevoke, "Traceback (most recent call last):", "    raise KeyError(k) from None"])
        #expect(clean.injections == 0 && clean.unparsed == 0)
    }

    @Test("text from logs cannot drive the analyst's terminal")
    func terminalSafe() {
        #expect(Report.terminalSafe("alice\u{1b}]0;pwned\u{07}") == "alice\u{FFFD}]0;pwned\u{FFFD}")
        #expect(Report.terminalSafe("evil\u{202E}gpj.exe") == "evil\u{FFFD}gpj.exe")
        #expect(Report.terminalSafe("São Paulo") == "São Paulo")
    }
}
