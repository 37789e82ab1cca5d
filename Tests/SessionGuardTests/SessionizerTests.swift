import Foundation
import Testing
@testable import SessionGuard

@Suite("Sessionizer joins")
struct SessionizerTests {
    static let alice = "AliceSession000000000000000000000000000001"
    static let carol = "CarolSession000000000000000000000000000002"

    func login(_ t: String, pid: Int, login: String, ip: String) -> String {
        "2025-03-14 \(t),000 \(pid) INFO prod odoo.addons.base.models.res_users: Login successful for db:prod login:\(login) from \(ip) "
    }
    func device(_ t: String, pid: Int, uid: Int, id: String) -> String {
        "2025-03-14 \(t),010 \(pid) INFO prod odoo.addons.base.models.res_device: User \(uid) inserts device log (\(id)) "
    }
    func request(_ t: String, pid: Int, ip: String, target: String = "/web/dataset/call_kw/res.partner/read", method: String = "POST", status: Int = 200) -> String {
        "2025-03-14 \(t),020 \(pid) INFO prod werkzeug: \(ip) - - [14/Mar/2025 \(t)] \"\(method) \(target) HTTP/1.1\" \(status) - 3 0.001 0.002"
    }

    /// alice signs in at 09:00 and carol at 09:02, both from `ip` (one office NAT address).
    func bothSignIn(at ip: String) -> [String] {
        [
            login("09:00:00", pid: 11, login: "alice@example.com", ip: ip),
            device("09:00:00", pid: 11, uid: 7, id: Self.alice),
            request("09:00:00", pid: 11, ip: ip, target: "/web/login"),
            login("09:02:00", pid: 13, login: "carol@example.com", ip: ip),
            device("09:02:00", pid: 13, uid: 9, id: Self.carol),
            request("09:02:00", pid: 13, ip: ip, target: "/web/login"),
        ]
    }

    @Test("login → device → request on one PID binds login, uid, identifier and IP; later requests from the IP follow")
    func deviceJoin() throws {
        let log = [
            login("09:00:00", pid: 11, login: "alice@example.com", ip: "198.51.100.10"),
            device("09:00:00", pid: 11, uid: 7, id: Self.alice),
            request("09:00:00", pid: 11, ip: "198.51.100.10", target: "/web/login"),
            request("09:05:00", pid: 12, ip: "198.51.100.10"),
            request("09:06:00", pid: 13, ip: "198.51.100.10"),
            request("09:07:00", pid: 13, ip: "203.0.113.99"),  // nobody's
        ].joined(separator: "\n")
        let (sessions, counters) = sessionize(log)
        let s = try #require(sessions.first)
        #expect(sessions.count == 1)
        #expect(s.identifier == Self.alice)
        #expect(s.key == "sid:\(Self.alice)")
        #expect(s.uid == 7)
        #expect(s.login == "alice@example.com")
        #expect(s.requests == 3)
        #expect(s.ips.map(\.ip) == ["198.51.100.10"])
        #expect(s.ips[0].requests == 3)
        #expect(UTC.iso(s.firstActivity) == "2025-03-14T09:00:00Z")
        #expect(UTC.iso(s.lastActivity) == "2025-03-14T09:06:00Z")
        #expect(counters.unattributedRequests == 1)
    }

    @Test("a device line without a login line binds the next request's IP on that PID; the login comes from another session of the uid")
    func deviceWithoutLogin() throws {
        let log = [
            login("08:00:00", pid: 11, login: "alice@example.com", ip: "198.51.100.10"),
            device("08:00:00", pid: 11, uid: 7, id: "Other0000000000000000000000000000000000001"),
            request("08:00:00", pid: 11, ip: "198.51.100.10", target: "/web/login"),
            device("10:00:00", pid: 14, uid: 7, id: Self.alice),
            request("10:00:00", pid: 14, ip: "198.51.100.128"),
        ].joined(separator: "\n")
        let (sessions, _) = sessionize(log)
        let s = try #require(sessions.first { $0.identifier == Self.alice })
        #expect(s.login == "alice@example.com")
        #expect(s.ips.map(\.ip) == ["198.51.100.128"])
    }

    @Test("a logout request ends the session: later requests from the IP are not given to it")
    func logout() throws {
        let log = [
            login("09:00:00", pid: 11, login: "alice@example.com", ip: "198.51.100.10"),
            device("09:00:00", pid: 11, uid: 7, id: Self.alice),
            request("09:00:00", pid: 11, ip: "198.51.100.10", target: "/web/login"),
            request("09:10:00", pid: 12, ip: "198.51.100.10", target: "/web/session/logout", method: "GET", status: 303),
            request("09:11:00", pid: 12, ip: "198.51.100.10", target: "/web/login", method: "GET"),
        ].joined(separator: "\n")
        let (sessions, counters) = sessionize(log)
        #expect(sessions.count == 1)
        #expect(sessions[0].loggedOut)
        #expect(sessions[0].requests == 2)
        #expect(counters.unattributedRequests == 1)
    }

    @Test("two users behind one NAT address: unbound requests from it are ambiguous, never given to either")
    func natAmbiguity() throws {
        let ip = "198.51.100.10"
        let log = [
            login("09:00:00", pid: 11, login: "alice@example.com", ip: ip),
            device("09:00:00", pid: 11, uid: 7, id: Self.alice),
            request("09:00:00", pid: 11, ip: ip, target: "/web/login"),
            request("09:01:00", pid: 12, ip: ip),  // alice's: nobody else is there yet
            login("09:02:00", pid: 13, login: "carol@example.com", ip: ip),
            device("09:02:00", pid: 13, uid: 9, id: Self.carol),
            request("09:02:00", pid: 13, ip: ip, target: "/web/login"),
            request("09:03:00", pid: 12, ip: ip),  // alice or carol? nobody knows
            request("09:04:00", pid: 14, ip: ip),
            device("09:05:00", pid: 15, uid: 7, id: Self.alice),
            request("09:05:00", pid: 15, ip: ip),  // bound by PID: alice's
        ].joined(separator: "\n")
        let (sessions, counters) = sessionize(log)
        let a = try #require(sessions.first { $0.identifier == Self.alice })
        let c = try #require(sessions.first { $0.identifier == Self.carol })
        #expect(a.requests == 3)
        #expect(c.requests == 1)
        #expect(counters.ambiguousRequests == 2)
    }

    @Test("an unattributable logout on a shared address marks the session used just before as probably logged out")
    func natLogout() throws {
        let ip = "198.51.100.10"
        var log = bothSignIn(at: ip) + [
            device("09:30:00", pid: 15, uid: 7, id: Self.alice),
            request("09:30:00", pid: 15, ip: ip),
            request("09:31:00", pid: 12, ip: ip, target: "/web/session/logout", method: "GET", status: 303),
        ]
        var (sessions, _) = sessionize(log.joined(separator: "\n"))
        #expect(sessions.first { $0.identifier == Self.alice }?.probablyLoggedOut == true)
        #expect(sessions.first { $0.identifier == Self.alice }?.loggedOut == false)  // never certain
        #expect(sessions.first { $0.identifier == Self.carol }?.probablyLoggedOut == false)
        // Used again afterwards: it was not alice's logout after all.
        log += [device("10:00:00", pid: 16, uid: 7, id: Self.alice), request("10:00:00", pid: 16, ip: ip)]
        (sessions, _) = sessionize(log.joined(separator: "\n"))
        #expect(sessions.first { $0.identifier == Self.alice }?.probablyLoggedOut == false)
    }

    @Test("the login page answered 200 is an anonymous client: never attributed by address")
    func anonymousLoginPage() throws {
        let ip = "198.51.100.10"
        let log = [
            login("09:00:00", pid: 11, login: "alice@example.com", ip: ip),
            device("09:00:00", pid: 11, uid: 7, id: Self.alice),
            request("09:00:00", pid: 11, ip: ip, target: "/web/login", status: 303),
            request("09:10:00", pid: 12, ip: ip, target: "/web/login", method: "GET", status: 200),
            request("09:11:00", pid: 12, ip: ip, target: "/web/login?redirect=%2Fodoo", method: "GET", status: 200),
        ].joined(separator: "\n")
        let (sessions, counters) = sessionize(log)
        #expect(sessions.first?.requests == 1)
        #expect(sessions.first?.lastActivity == UTC.parse("2025-03-14T09:00:00Z")! + 20)
        #expect(counters.unattributedRequests == 2)
    }

    @Test("the ambiguity ends once the other user has been silent at the address for the ambiguity window")
    func natAmbiguityEnds() throws {
        let ip = "198.51.100.10"
        let log = (bothSignIn(at: ip) + [
            request("11:30:00", pid: 12, ip: ip),  // alice silent there since 09:00: carol's
        ]).joined(separator: "\n")
        let (sessions, counters) = sessionize(log)
        #expect(counters.ambiguousRequests == 0)
        #expect(sessions.first { $0.identifier == Self.carol }?.requests == 2)
    }

    @Test("requests after Odoo's inactivity window are not given to the old session")
    func inactivityWindow() throws {
        var options = Sessionizer.Options()
        options.maxInactivity = 3_600_000
        let log = [
            login("09:00:00", pid: 11, login: "alice@example.com", ip: "198.51.100.10"),
            device("09:00:00", pid: 11, uid: 7, id: Self.alice),
            request("09:00:00", pid: 11, ip: "198.51.100.10", target: "/web/login"),
            request("11:00:00", pid: 12, ip: "198.51.100.10"),
        ].joined(separator: "\n")
        let (sessions, counters) = sessionize(log, options: options)
        #expect(sessions[0].requests == 1)
        #expect(counters.unattributedRequests == 1)
    }

    @Test("Odoo ≤17 logs (no device lines) fall back to sessions keyed by (db, login, IP)")
    func legacyFallback() throws {
        let log = [
            "2025-03-14 08:00:00,000 1 INFO ? odoo: Odoo version 16.0 ",
            login("09:00:00", pid: 11, login: "alice@example.com", ip: "198.51.100.10"),
            request("09:00:00", pid: 11, ip: "198.51.100.10", target: "/web/login"),
            request("09:05:00", pid: 12, ip: "198.51.100.10"),
            login("10:00:00", pid: 11, login: "alice@example.com", ip: "198.51.100.10"),
            request("10:00:00", pid: 11, ip: "198.51.100.10", target: "/web/login"),
        ].joined(separator: "\n")
        let (sessions, _) = sessionize(log)
        let s = try #require(sessions.first)
        #expect(sessions.count == 1)
        #expect(s.identifier == nil)
        #expect(s.login == "alice@example.com")
        #expect(s.key == "login:alice@example.com@198.51.100.10#2025-03-14T09:00:00Z")
        #expect(s.requests == 3)
    }

    @Test("a revoke line ends the sessions it names")
    func revoked() throws {
        let log = [
            login("09:00:00", pid: 11, login: "alice@example.com", ip: "198.51.100.10"),
            device("09:00:00", pid: 11, uid: 7, id: Self.alice),
            request("09:00:00", pid: 11, ip: "198.51.100.10", target: "/web/login"),
            "2025-03-14 09:30:00,000 11 INFO prod odoo.addons.base.models.res_device: User 7 revokes devices (\(Self.alice)) ",
            request("09:31:00", pid: 12, ip: "198.51.100.10"),
        ].joined(separator: "\n")
        let (sessions, counters) = sessionize(log)
        #expect(sessions[0].revoked)
        #expect(counters.unattributedRequests == 1)
    }
}

extension SessionizerTests {
    @Test("two sessions of one user on one address are not a contest: the newer one takes the address")
    func sameUserTwoSessions() throws {
        let ip = "198.51.100.10"
        let second = "AliceSession000000000000000000000000000003"
        let log = [
            login("09:00:00", pid: 11, login: "alice@example.com", ip: ip),
            device("09:00:00", pid: 11, uid: 7, id: Self.alice),
            request("09:00:00", pid: 11, ip: ip, target: "/web/login"),
            device("09:02:00", pid: 13, uid: 7, id: second),  // her phone, login not in this log
            request("09:02:00", pid: 13, ip: ip),
            request("09:03:00", pid: 12, ip: ip),
        ].joined(separator: "\n")
        let (sessions, counters) = sessionize(log)
        #expect(counters.ambiguousRequests == 0)
        #expect(sessions.first { $0.identifier == second }?.requests == 2)
        #expect(sessions.first { $0.identifier == second }?.login == "alice@example.com")
    }
}

extension SessionizerTests {
    static let banner18 = "2025-03-14 08:00:00,000 1 INFO ? odoo: Odoo version 18.0 "

    @Test("a login whose request already ended (an RPC login 'from n/a') is not joined to the next device line on the PID")
    func staleLogin() throws {
        let log = [
            Self.banner18,
            login("09:26:58", pid: 4214, login: "svc_sync", ip: "n/a"),
            request("09:26:58", pid: 4214, ip: "192.0.2.200", target: "/xmlrpc/2/common"),
            device("09:27:00", pid: 4214, uid: 8, id: Self.carol),
            request("09:27:00", pid: 4214, ip: "203.0.113.50"),
        ].joined(separator: "\n")
        let (sessions, _) = sessionize(log)
        let s = try #require(sessions.first)
        #expect(sessions.count == 1)
        #expect(s.login == nil)
        #expect(s.ips.map(\.ip) == ["203.0.113.50"])
    }

    @Test("threaded mode (one PID for all): another client's request between the device line and the session's own is not joined")
    func threaded() throws {
        let log = [
            Self.banner18,
            login("09:26:58", pid: 1, login: "alice@example.com", ip: "203.0.113.7"),
            device("09:26:58", pid: 1, uid: 7, id: Self.alice),
            request("09:26:58", pid: 1, ip: "198.51.100.99"),
            request("09:26:59", pid: 1, ip: "203.0.113.7", target: "/web/login"),
            request("09:27:30", pid: 1, ip: "198.51.100.99"),
        ].joined(separator: "\n")
        let (sessions, counters) = sessionize(log)
        let s = try #require(sessions.first)
        #expect(s.ips.map(\.ip) == ["203.0.113.7"])
        #expect(s.requests == 1)
        #expect(counters.unattributedRequests == 2)
    }

    @Test("an Odoo 18 log without a banner: login-line sessions opened before the first device line are dropped")
    func provisionalDropped() throws {
        let log = [
            login("09:00:00", pid: 11, login: "svc_sync", ip: "192.0.2.200"),
            request("09:00:00", pid: 11, ip: "192.0.2.200", target: "/web/login"),
            request("09:00:05", pid: 12, ip: "192.0.2.200"),
            login("09:10:00", pid: 11, login: "alice@example.com", ip: "198.51.100.10"),
            device("09:10:00", pid: 11, uid: 7, id: Self.alice),
            request("09:10:00", pid: 11, ip: "198.51.100.10", target: "/web/login"),
        ].joined(separator: "\n")
        let (sessions, counters) = sessionize(log)
        #expect(sessions.map(\.key) == ["sid:\(Self.alice)"])
        #expect(counters.attributedRequests == 1)
        #expect(counters.unattributedRequests == 2)
    }

    @Test("a password change ends the user's other sessions, not the one that made it")
    func passwordChange() throws {
        let phone = "AlicePhone00000000000000000000000000000004"
        let log = [
            Self.banner18,
            login("09:00:00", pid: 11, login: "alice@example.com", ip: "198.51.100.10"),
            device("09:00:00", pid: 11, uid: 7, id: Self.alice),
            request("09:00:00", pid: 11, ip: "198.51.100.10", target: "/web/login"),
            device("09:05:00", pid: 12, uid: 7, id: phone),
            request("09:05:00", pid: 12, ip: "203.0.113.20"),
            "2025-03-14 09:10:00,000 13 INFO prod odoo.addons.base.models.res_users: Password change for 'alice@example.com' (#7) by 'alice@example.com' (#7) from 198.51.100.10 ",
            request("09:10:00", pid: 13, ip: "198.51.100.10", target: "/web/session/change_password"),
            request("09:20:00", pid: 14, ip: "203.0.113.20"),  // the phone's session is dead now
        ].joined(separator: "\n")
        let (sessions, counters) = sessionize(log)
        #expect(sessions.first { $0.identifier == phone }?.invalidated == true)
        #expect(sessions.first { $0.identifier == Self.alice }?.invalidated == false)
        #expect(counters.unattributedRequests == 1)
    }

    @Test("version banners: 18.0, saas~18.2 and 17.0+e")
    func versions() {
        #expect(OdooLogParser.majorVersion("18.0") == 18)
        #expect(OdooLogParser.majorVersion("saas~18.2") == 18)
        #expect(OdooLogParser.majorVersion("17.0+e") == 17)
    }
}


extension SessionizerTests {
    @Test("threaded mode: a password change is taken by the request from its own address")
    func threadedPasswordChange() throws {
        let log = #"""
2025-03-14 09:00:00,000 1 INFO ? odoo: Odoo version 18.0 
2025-03-14 09:00:01,000 1 INFO prod odoo.addons.base.models.res_users: Login successful for db:prod login:alice from 203.0.113.7 
2025-03-14 09:00:01,010 1 INFO prod odoo.addons.base.models.res_device: User 7 inserts device log (AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA) 
2025-03-14 09:00:01,020 1 INFO prod werkzeug: 203.0.113.7 - - [14/Mar/2025 09:00:01] "POST /web/login HTTP/1.1" 303 - 1 0.1 0.1
2025-03-14 09:00:02,000 1 INFO prod odoo.addons.base.models.res_users: Login successful for db:prod login:bob from 198.51.100.9 
2025-03-14 09:00:02,010 1 INFO prod odoo.addons.base.models.res_device: User 8 inserts device log (BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB) 
2025-03-14 09:00:02,020 1 INFO prod werkzeug: 198.51.100.9 - - [14/Mar/2025 09:00:02] "POST /web/login HTTP/1.1" 303 - 1 0.1 0.1
2025-03-14 10:00:00,000 1 INFO prod odoo.addons.base.models.res_users: Password change for 'alice' (#7) by 'alice' (#7) from 203.0.113.7 
2025-03-14 10:00:00,005 1 INFO prod werkzeug: 198.51.100.9 - - [14/Mar/2025 10:00:00] "POST /web/dataset/call_kw HTTP/1.1" 200 - 1 0.1 0.1
2025-03-14 10:00:00,010 1 INFO prod werkzeug: 203.0.113.7 - - [14/Mar/2025 10:00:00] "POST /web/session/change_password HTTP/1.1" 200 - 1 0.1 0.1
2025-03-14 10:30:00,000 1 INFO prod werkzeug: 203.0.113.7 - - [14/Mar/2025 10:30:00] "POST /web/dataset/call_kw HTTP/1.1" 200 - 1 0.1 0.1
"""#
        let (sessions, _) = sessionize(log)
        #expect(sessions.first { $0.uid == 7 }?.invalidated == false)
        #expect(sessions.first { $0.uid == 7 }?.requests == 3)
    }

    @Test("a password change on a shared address keeps the user's session there; a device line shows it alive")
    func sharedAddressPasswordChange() throws {
        let log = #"""
2025-03-14 09:00:00,000 1 INFO ? odoo: Odoo version 18.0 
2025-03-14 09:00:01,000 11 INFO prod odoo.addons.base.models.res_users: Login successful for db:prod login:alice from 203.0.113.7 
2025-03-14 09:00:01,010 11 INFO prod odoo.addons.base.models.res_device: User 7 inserts device log (AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA) 
2025-03-14 09:00:01,020 11 INFO prod werkzeug: 203.0.113.7 - - [14/Mar/2025 09:00:01] "POST /web/login HTTP/1.1" 303 - 1 0.1 0.1
2025-03-14 09:00:02,000 12 INFO prod odoo.addons.base.models.res_users: Login successful for db:prod login:carol from 203.0.113.7 
2025-03-14 09:00:02,010 12 INFO prod odoo.addons.base.models.res_device: User 9 inserts device log (CCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCC) 
2025-03-14 09:00:02,020 12 INFO prod werkzeug: 203.0.113.7 - - [14/Mar/2025 09:00:02] "POST /web/login HTTP/1.1" 303 - 1 0.1 0.1
2025-03-14 09:10:00,000 13 INFO prod odoo.addons.base.models.res_users: Password change for 'alice' (#7) by 'alice' (#7) from 203.0.113.7 
2025-03-14 09:10:00,010 13 INFO prod werkzeug: 203.0.113.7 - - [14/Mar/2025 09:10:00] "POST /web/session/change_password HTTP/1.1" 200 - 1 0.1 0.1
2025-03-14 09:40:00,000 14 INFO prod odoo.addons.base.models.res_device: User 7 inserts device log (AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA) 
2025-03-14 09:40:00,010 14 INFO prod werkzeug: 203.0.113.7 - - [14/Mar/2025 09:40:00] "POST /web/dataset/call_kw HTTP/1.1" 200 - 1 0.1 0.1
"""#
        let (sessions, _) = sessionize(log)
        #expect(sessions.first { $0.uid == 7 }?.invalidated == false)
        #expect(sessions.first { $0.uid == 9 }?.invalidated == false)
    }

    @Test("threaded mode: a device line naming another address does not take a pending login")
    func threadedDeviceJoin() throws {
        let log = #"""
2025-03-14 09:00:00,000 1 INFO ? odoo: Odoo version 18.0 
2025-03-14 09:00:01,000 1 INFO prod odoo.addons.base.models.res_users: Login successful for db:prod login:alice from 203.0.113.7 
2025-03-14 09:00:01,005 1 INFO prod odoo.addons.base.models.res_device: User 8 inserts device log: BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB - 198.51.100.9 - Mozilla/5.0 
2025-03-14 09:00:01,006 1 INFO prod werkzeug: 198.51.100.9 - - [14/Mar/2025 09:00:01] "POST /web/dataset/call_kw HTTP/1.1" 200 - 1 0.1 0.1
2025-03-14 09:00:01,010 1 INFO prod odoo.addons.base.models.res_device: User 7 inserts device log: AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA - 203.0.113.7 - Mozilla/5.0 
2025-03-14 09:00:01,020 1 INFO prod werkzeug: 203.0.113.7 - - [14/Mar/2025 09:00:01] "POST /web/login HTTP/1.1" 303 - 1 0.1 0.1
2025-03-14 09:30:00,000 1 INFO prod werkzeug: 203.0.113.7 - - [14/Mar/2025 09:30:00] "POST /web/dataset/call_kw HTTP/1.1" 200 - 1 0.1 0.1
"""#
        let (sessions, _) = sessionize(log)
        #expect(sessions.first { $0.uid == 8 }?.login == nil)
        #expect(sessions.first { $0.uid == 8 }?.ips.map(\.ip) == ["198.51.100.9"])
        #expect(sessions.first { $0.uid == 7 }?.login == "alice")
    }
}
