import Foundation
import Testing
@testable import SessionGuard

/// Parses access-log text with `format` and returns the events, the stats and the interner.
func parseAccess(_ text: String, format: AccessLogFormat = .nginx, patterns: OdooPatterns = OdooPatterns())
    -> (events: [Event], stats: InputStats, interner: Interner) {
    let interner = Interner()
    let parser = AccessLogParser(format: format, interner: interner, patterns: patterns, stream: 0)
    _ = parser.begin(file: 0, path: "access.log", afterLine: 0)
    var events: [Event] = []
    var bytes = Array(text.utf8)
    bytes.withUnsafeMutableBufferPointer { buffer in
        _ = parser.parse(UnsafeBufferPointer(buffer), from: 0, into: &events, limit: .max)
    }
    return (events, parser.finish(), interner)
}

/// Reads files through `EventSource` with `formats` and sessionizes them, as a run does.
func sessionizeFiles(_ paths: [String], formats: InputFormats = InputFormats(), options: Sessionizer.Options = .init())
    -> (sessions: [Session], auth: [AuthEvent], counters: Sessionizer.Counters, stats: [InputStats]) {
    let interner = Interner()
    let source = EventSource(paths: paths, interner: interner, patterns: OdooPatterns(timeZone: TimeZone(identifier: "UTC")!,
                                                                                        joinRequests: paths.count > 1),
                             formats: formats)
    let sessionizer = Sessionizer(interner: interner, options: options)
    sessionizer.odooLogInRun = paths.contains { formats.sniffedName($0) == "odoo" }
    while let e = source.next() { sessionizer.consume(e) }
    let (sessions, auth, _) = sessionizer.finish(paths: paths)
    return (sessions, auth, sessionizer.counters, source.stats)
}

@Suite("Access logs: nginx and custom formats")
struct AccessLogTests {
    static let sid = "H0TwA_6pQ_KKAz9wYYtxcJ7SWjDguiBCTqm5__47Uk"
    static let firefox = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:136.0) Gecko/20100101 Firefox/136.0"

    @Test("nginx combined: UTC offsets honoured, IPv6, escaped quotes, empty referrer, long targets, sid")
    func nginxLines() throws {
        let long = "/web/content/812?" + String(repeating: "a=1&", count: 4000)
        let (events, stats, interner) = parseAccess("""
            203.0.113.7 - - [14/Mar/2025:11:26:53 +0200] "POST /web/login HTTP/1.1" 303 0 "https://erp.example.com/web/login" "Mozilla/5.0 (X11; Linux x86_64)"
            2001:db8::5 - - [14/Mar/2025:04:26:53 -0500] "GET /odoo HTTP/2.0" 200 5120 "-" "curl \\x22quoted\\x22 and \\"old\\" style" sid=\(Self.sid)
            198.51.100.23 - alice [14/Mar/2025:09:26:53 +0000] "GET \(long) HTTP/1.1" 200 10 "-" "-" sid=-
            198.51.100.23 - - [14/Mar/2025:09:26:54 +0000] "GET /web/login?redirect=/odoo\\x22 onmouseover=\\x22alert(1) HTTP/1.1" 200 3991 "-" "python-requests/2.31.0" rt=0.012 sid=- uct="0.001"
            192.0.2.9 - - [14/Mar/2025:09:27:00 +0000] "\\x16\\x03\\x01\\x00" 400 157 "-" "-"
            this is not an access log line

            """)
        #expect(stats.lines == 6 && stats.records == 5 && stats.requests == 4 && stats.unparsed == 1)
        #expect(stats.format == "nginx+sid")
        #expect(stats.unparsedSamples.first?.line == 6 && stats.unparsedSamples.first?.reason.contains("nginx") == true)
        #expect(events.count == 4)
        #expect(events.allSatisfy { UTC.iso($0.time).hasPrefix("2025-03-14T09:2") })  // +0200 and -0500 both land at 09:26:53 UTC
        #expect(UTC.iso(events[0].time) == "2025-03-14T09:26:53Z" && UTC.iso(events[1].time) == "2025-03-14T09:26:53Z")
        #expect(events[0].kind == .accessRequest && events[0].target == .login && events[0].status == 303)
        #expect(interner.string(events[0].method) == "POST" && interner.string(events[0].ip) == "203.0.113.7")
        #expect(events[0].identifier == Event.none)
        #expect(interner.string(events[1].ip) == "2001:db8::5" && events[1].target == .webClient)
        #expect(interner.string(events[1].userAgent) == #"curl "quoted" and "old" style"#)
        #expect(interner.string(events[1].identifier) == Self.sid)
        #expect(events[2].identifier == Event.none && events[2].userAgent == Event.none)  // sid=- and "-"
        #expect(events[3].target == .login && interner.string(events[3].userAgent) == "python-requests/2.31.0")
    }

    @Test("a request's join key is the same in nginx's line and in Odoo's, whose RPC targets end in #model.method")
    func joinKeys() throws {
        let nginx = parseAccess("""
            203.0.113.7 - - [14/Mar/2025:10:26:53 +0100] "POST /web/dataset/call_kw/res.partner/web_read HTTP/1.1" 200 812 "-" "UA"
            203.0.113.7 - - [14/Mar/2025:10:26:53 +0100] "POST /web/dataset/call_kw/res.partner/web_read HTTP/1.1" 500 812 "-" "UA"
            """, patterns: OdooPatterns(joinRequests: true)).events
        let interner = Interner()
        let odoo = OdooLogParser(interner: interner, patterns: OdooPatterns(joinRequests: true), stream: 0)
        _ = odoo.begin(file: 0, path: "odoo.log")
        var events: [Event] = []
        var bytes = Array("""
            2025-03-14 09:26:53,589 4213 INFO prod werkzeug: 127.0.0.1 - - [14/Mar/2025 09:26:53] "POST /web/dataset/call_kw/res.partner/web_read#res.partner.web_read HTTP/1.0" 200 - 12 0.009 0.031

            """.utf8)
        bytes.withUnsafeMutableBufferPointer { _ = odoo.parse(UnsafeBufferPointer($0), into: &events) }
        #expect(nginx.count == 2 && events.count == 1)
        #expect(nginx[0].joinKey != 0 && nginx[0].joinKey == events[0].joinKey)
        #expect(nginx[1].joinKey != events[0].joinKey)  // another status: another request
        #expect(parseAccess(#"203.0.113.7 - - [14/Mar/2025:10:26:53 +0100] "GET / HTTP/1.1" 200 1 "-" "UA""#).events[0].joinKey == 0)
    }

    @Test("time formats: clf, iso8601 with and without offset, epoch, strftime patterns in a zone")
    func timeFormats() throws {
        let brussels = TimeZone(identifier: "Europe/Brussels")!
        func parse(_ format: TimeFormat, _ text: String, zone: TimeZone = brussels) -> String? {
            var copy = text
            return copy.withUTF8 { format.parse($0, zone: zone) }.map(UTC.iso)
        }
        #expect(parse(.clf, "14/Mar/2025:10:26:53 +0100") == "2025-03-14T09:26:53Z")
        #expect(parse(.clf, "14/Mar/2025:10:26:53") == nil)
        let iso = try TimeFormat("iso8601")
        #expect(parse(iso, "2025-03-14T10:26:53+01:00") == "2025-03-14T09:26:53Z")
        #expect(parse(iso, "2025-07-14T10:26:53") == "2025-07-14T08:26:53Z")  // summer time in the zone
        #expect(parse(try TimeFormat("epoch"), "1741944413.412") == "2025-03-14T09:26:53Z")
        let haproxy = try TimeFormat("%d/%b/%Y:%H:%M:%S.%f")
        #expect(parse(haproxy, "14/Mar/2025:10:26:53.412") == "2025-03-14T09:26:53Z")
        #expect(parse(haproxy, "30/Mar/2025:03:30:00.000") == "2025-03-30T01:30:00Z")  // after the change to UTC+2
        #expect(parse(try TimeFormat("%Y-%m-%d %H:%M:%S %z"), "2025-03-14 04:26:53 -05:00") == "2025-03-14T09:26:53Z")
        #expect(throws: FormatError.self) { try TimeFormat("%Y-%m-%d %H:%M") }  // no seconds
        #expect(throws: FormatError.self) { try TimeFormat("%Y-%m-%d %H:%M:%S %Z") }
    }

    @Test("the sample format file loads, its samples parse, and its lines carry the session identifier")
    func sampleFormatFile() throws {
        let formats = try AccessLogFormat.load(path: samplePath("Samples/formats/haproxy.yml"))
        let format = try #require(formats.first)
        #expect(formats.count == 1 && format.name == "haproxy" && format.samples.count == 2)
        for sample in format.samples { #expect(format.check(sample) == nil) }
        let (events, stats, interner) = parseAccess(format.samples.joined(separator: "\n"), format: format,
                                                    patterns: OdooPatterns(timeZone: TimeZone(identifier: "UTC")!))
        #expect(stats.records == 2 && stats.format == "haproxy")
        #expect(UTC.iso(events[0].time) == "2025-03-14T09:26:53Z")  // the file's timezone, not the run's
        #expect(interner.string(events[0].identifier) == Self.sid && interner.string(events[0].ip) == "203.0.113.7")
        #expect(interner.string(events[1].ip) == "2001:db8::5" && events[1].target == .login && events[1].status == 303)
        #expect(interner.string(events[1].userAgent).contains("iPhone"))
    }

    @Test("a format file's mistakes are errors naming the file, the line and the problem")
    func formatFileErrors() throws {
        func error(_ yaml: String) -> String {
            let path = writeLog(yaml, name: "format.yml")
            do {
                _ = try AccessLogFormat.load(path: path)
                return "loaded"
            } catch { return "\(error)".replacingOccurrences(of: path, with: "format.yml") }
        }
        let good = #"'^(?<ip>\S+) \[(?<time>[^\]]+)\] "(?<request>[^"]*)" (?<status>\d+)$'"#
        #expect(error("name: x\npattern: \(good)\nsamples: ['1.2.3.4 [14/Mar/2025:10:26:53 +0100] \"GET / HTTP/1.1\" 200']\n") == "loaded")
        #expect(error("name: x\npattern: \(good)\nsamples: ['1.2.3.4 [14/Mar/2025:10:26:53 +0100] GET / 200']\n")
            .hasPrefix("format.yml:3:"))  // the sample's line
        #expect(error("name: x\npattern: \(good)\nsamples: ['1.2.3.4 [14-03-2025] \"GET / HTTP/1.1\" 200']\n")
            .contains("time '14-03-2025' does not follow time_format clf"))
        #expect(error("name: x\npattern: '^(?<ip>\\S+) (?<request>.*)$'\nsamples: ['a b']\n").contains("no (?<time>"))
        #expect(error("name: x\npattern: '^(?<time>\\S+'\nsamples: ['a']\n").contains("format.yml:2:"))
        #expect(error("name: x\npatern: \(good)\n").contains("unknown key 'patern' (did you mean 'pattern'?)"))
        #expect(error("name: nginx\npattern: \(good)\nsamples: ['a']\n").contains("built-in"))
        #expect(error("name: x\npattern: \(good)\n").contains("missing 'samples'"))
        #expect(error("name: x\npattern: \(good)\ntime_format: '%Y %q'\nsamples: ['a']\n").contains("'%q'"))
    }

    @Test("auto: each file's format is sniffed from its first lines; a file nothing matches is an input error quoting it")
    func sniffing() throws {
        let dir = temporaryDirectory()
        let odoo = writeLog("""
            nohup: ignoring input
            2025-03-14 09:26:53,589 4213 INFO prod werkzeug: 203.0.113.7 - - [14/Mar/2025 09:26:53] "GET /odoo HTTP/1.1" 200 - 12 0.009 0.031

            """, name: "odoo.log", in: dir)
        let nginx = writeLog("""

            203.0.113.7 - - [14/Mar/2025:10:26:53 +0100] "GET /odoo HTTP/1.1" 200 5120 "-" "UA"

            """, name: "access.log", in: dir)
        let haproxy = try AccessLogFormat.load(path: samplePath("Samples/formats/haproxy.yml"))
        let lb = writeLog(haproxy[0].samples.joined(separator: "\n") + "\n", name: "haproxy.log", in: dir)
        let junk = writeLog("{\"level\": \"info\", \"msg\": \"hello\"}\nsecond line\n", name: "app.json", in: dir)
        let formats = InputFormats(choice: "auto", custom: haproxy)
        var stats = sessionizeFiles([odoo, nginx, lb, junk], formats: formats).stats
        #expect(stats.map(\.format) == ["odoo", "nginx", "haproxy", "unknown"])
        #expect(stats[1].records == 1 && stats[2].records == 2)
        _ = Analyzer.warnings(for: &stats, formats: formats)
        let error = try #require(stats[3].error)
        #expect(error.contains("no known log format matches") && error.contains("odoo, odoo-syslog, nginx, haproxy")
            && error.contains(#"first line "{"level": "info""#))
        #expect(stats[0].error == nil && stats[1].error == nil)
        // --format forces one format on every file: Odoo's log read as nginx is all unparsed.
        let forced = sessionizeFiles([odoo], formats: InputFormats(choice: "nginx")).stats
        #expect(forced[0].format == "nginx" && forced[0].records == 0 && forced[0].unparsed == 2)
        #expect(InputFormats(choice: "ngnix").problem?.contains("did you mean 'nginx'?") == true)
    }

    @Test("rotated nginx files are read oldest first, by their first line's time")
    func rotation() throws {
        let dir = temporaryDirectory()
        let old = writeLog(#"203.0.113.7 - - [13/Mar/2025:10:00:00 +0100] "GET /odoo HTTP/1.1" 200 1 "-" "UA" sid=\#(Self.sid)"# + "\n",
                           name: "access.log.1", in: dir)
        let new = writeLog(#"203.0.113.7 - - [14/Mar/2025:10:00:00 +0100] "GET /odoo HTTP/1.1" 200 1 "-" "UA" sid=\#(Self.sid)"# + "\n",
                           name: "access.log", in: dir)
        #expect(RotatedSets.streams([new, old]) { RotatedSets.firstRecordTime($0) } == [[old, new]])
    }
}

@Suite("Access logs: sessions and the join with Odoo's log")
struct AccessSessionTests {
    static let sid = AccessLogTests.sid
    static let firefox = AccessLogTests.firefox

    @Test("nginx with sid= alone: a signed-in identifier is a session; an anonymous visitor's is not")
    func identifiersAlone() throws {
        let log = writeLog("""
            203.0.113.130 - - [14/Mar/2025:21:58:03 +0100] "GET /web/login HTTP/1.1" 200 3991 "-" "\(Self.firefox)" sid=-
            203.0.113.130 - - [14/Mar/2025:21:58:14 +0100] "POST /web/login HTTP/1.1" 303 0 "https://erp.example.com/web/login" "\(Self.firefox)" sid=-
            203.0.113.130 - - [14/Mar/2025:21:58:15 +0100] "GET /odoo HTTP/1.1" 200 5120 "-" "\(Self.firefox)" sid=\(Self.sid)
            203.0.113.130 - - [14/Mar/2025:21:58:16 +0100] "POST /web/dataset/call_kw/res.partner/web_search_read HTTP/1.1" 200 812 "-" "\(Self.firefox)" sid=\(Self.sid)
            192.0.2.77 - - [14/Mar/2025:21:59:00 +0100] "GET /shop HTTP/1.1" 200 9000 "-" "Mozilla/5.0 (Android)" sid=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA
            192.0.2.77 - - [14/Mar/2025:21:59:02 +0100] "GET /odoo HTTP/1.1" 303 0 "-" "Mozilla/5.0 (Android)" sid=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA
            """, name: "access.log")
        let (sessions, auth, counters, stats) = sessionizeFiles([log])
        #expect(stats[0].format == "nginx+sid")
        #expect(sessions.count == 1)
        let s = try #require(sessions.first)
        #expect(s.key == "sid:\(Self.sid)" && s.identifier == Self.sid && s.db == "?" && s.source == "access-log")
        #expect(s.userAgent == Self.firefox && s.requests == 2 && s.ips.map(\.ip) == ["203.0.113.130"])
        #expect(UTC.iso(s.firstActivity) == "2025-03-14T20:58:15Z")
        // The sign-in itself is told by its answer, without a user (nginx does not see the form).
        #expect(auth.map(\.kind) == [.loginSucceeded] && auth[0].ip == "203.0.113.130" && auth[0].login == nil && auth[0].db == "?")
        #expect(counters.accessRequests == 6 && counters.accessAttributed == 2)
    }

    @Test("nginx combined alone: sign-ins open (address, user agent) sessions; failures are attempts; logout ends them")
    func visitsAlone() throws {
        let ua = "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) Chrome/133.0.0.0"
        let log = writeLog("""
            198.51.100.23 - - [14/Mar/2025:09:00:00 +0000] "GET /web/login HTTP/1.1" 200 3991 "-" "\(ua)"
            198.51.100.23 - - [14/Mar/2025:09:00:10 +0000] "POST /web/login HTTP/1.1" 200 4100 "-" "\(ua)"
            198.51.100.23 - - [14/Mar/2025:09:00:20 +0000] "POST /web/login HTTP/1.1" 200 4100 "-" "\(ua)"
            198.51.100.23 - - [14/Mar/2025:09:00:30 +0000] "POST /web/login HTTP/1.1" 303 0 "-" "\(ua)"
            198.51.100.23 - - [14/Mar/2025:09:00:31 +0000] "GET /odoo HTTP/1.1" 200 5120 "-" "\(ua)"
            198.51.100.23 - - [14/Mar/2025:09:00:40 +0000] "GET /odoo/contacts HTTP/1.1" 200 5120 "-" "curl/8.5.0"
            198.51.100.23 - - [14/Mar/2025:12:00:00 +0000] "POST /mail/data HTTP/1.1" 200 812 "-" "\(ua)"
            198.51.100.23 - - [14/Mar/2025:12:00:05 +0000] "GET /web/session/logout HTTP/1.1" 303 0 "-" "\(ua)"
            198.51.100.23 - - [14/Mar/2025:12:00:06 +0000] "GET /web/login HTTP/1.1" 200 3991 "-" "\(ua)"
            """, name: "access.log")
        let (sessions, auth, counters, _) = sessionizeFiles([log])
        #expect(sessions.count == 1)
        let s = try #require(sessions.first)
        #expect(s.key.hasPrefix("visit:198.51.100.23#2025-03-14T09:00:30Z/") && s.key.count == 49 && s.identifier == nil && s.source == "access-log")
        // Sign-in, two pages, logout; curl is another client. nginx's logout is "probably": Odoo answers
        // one with a cookie it refused the same way.
        #expect(s.userAgent == ua && s.requests == 4 && !s.loggedOut && s.probablyLoggedOut)
        #expect(UTC.iso(s.lastActivity) == "2025-03-14T12:00:05Z")
        #expect(auth.map(\.kind) == [.loginFailed, .loginFailed, .loginSucceeded])
        #expect(auth.allSatisfy { $0.ip == "198.51.100.23" })
        #expect(counters.accessAttributed == 4)
    }

    /// Odoo 18 behind nginx without proxy_mode: every Odoo line says 127.0.0.1.
    static let hiddenOdoo = """
        2025-03-14 09:00:30,100 4213 INFO prod odoo.addons.base.models.res_users: Login successful for db:prod login:alice@example.com from 127.0.0.1 
        2025-03-14 09:00:30,300 4213 INFO prod odoo.addons.base.models.res_device: User 7 inserts device log (\(sid)) 
        2025-03-14 09:00:30,480 4213 INFO prod werkzeug: 127.0.0.1 - - [14/Mar/2025 09:00:30] "POST /web/login HTTP/1.0" 303 - 12 0.009 0.031
        2025-03-14 09:00:31,200 4214 INFO prod werkzeug: 127.0.0.1 - - [14/Mar/2025 09:00:31] "GET /odoo HTTP/1.0" 200 - 30 0.02 0.1
        2025-03-14 09:00:31,900 4215 INFO prod werkzeug: 127.0.0.1 - - [14/Mar/2025 09:00:31] "POST /web/dataset/call_kw/res.partner/web_read#res.partner.web_read HTTP/1.0" 200 - 5 0.01 0.02
        2025-03-14 09:00:32,500 4216 INFO prod werkzeug: 127.0.0.1 - - [14/Mar/2025 09:00:32] "POST /xmlrpc/2/object#res.partner.search_read HTTP/1.0" 200 - 5 0.01 0.02

        """

    @Test("nginx combined with Odoo's log behind a proxy: the matched sign-in gives the session its real address and device")
    func joinWithoutIdentifiers() throws {
        let dir = temporaryDirectory()
        let odoo = writeLog(Self.hiddenOdoo, name: "odoo.log", in: dir)
        let nginx = writeLog("""
            203.0.113.130 - - [14/Mar/2025:10:00:30 +0100] "POST /web/login HTTP/1.1" 303 0 "-" "\(Self.firefox)"
            203.0.113.130 - - [14/Mar/2025:10:00:31 +0100] "GET /odoo HTTP/1.1" 200 5120 "-" "\(Self.firefox)"
            203.0.113.130 - - [14/Mar/2025:10:00:31 +0100] "POST /web/dataset/call_kw/res.partner/web_read HTTP/1.1" 200 812 "-" "\(Self.firefox)"
            192.0.2.200 - - [14/Mar/2025:10:00:32 +0100] "POST /xmlrpc/2/object HTTP/1.1" 200 8990 "-" "Python-xmlrpc/3.11"

            """, name: "access.log", in: dir)
        let (sessions, auth, counters, _) = sessionizeFiles([odoo, nginx])
        #expect(sessions.count == 1)
        let s = try #require(sessions.first)
        #expect(s.key == "sid:\(Self.sid)" && s.login == "alice@example.com" && s.db == "prod" && s.source == "odoo-log")
        #expect(s.userAgent == Self.firefox)
        #expect(Set(s.ips.map(\.ip)) == ["127.0.0.1", "203.0.113.130"])
        #expect(s.ips.first { $0.ip == "203.0.113.130" }?.requests == 3)
        // Odoo's log tells the sign-in: none is made up from nginx's line of it.
        #expect(auth.map(\.kind) == [.loginSucceeded] && auth[0].ip == "127.0.0.1")
        // The integration's request matched Odoo's line, which no device line names: nobody's.
        #expect(counters.accessMatched == 1 && counters.accessAttributed == 3)
    }

    @Test("nginx with sid= and Odoo's log: requests join by identifier, whichever log names the session first")
    func joinByIdentifier() throws {
        let dir = temporaryDirectory()
        let odoo = writeLog(Self.hiddenOdoo, name: "odoo.log", in: dir)
        let nginx = writeLog("""
            198.51.100.9 - - [14/Mar/2025:08:59:00 +0100] "GET /odoo HTTP/1.1" 200 5120 "-" "\(Self.firefox)" sid=\(Self.sid)
            203.0.113.130 - - [14/Mar/2025:10:00:31 +0100] "GET /odoo HTTP/1.1" 200 5120 "-" "\(Self.firefox)" sid=\(Self.sid)
            203.0.113.130 - - [14/Mar/2025:10:00:31 +0100] "POST /web/dataset/call_kw/res.partner/web_read HTTP/1.1" 200 812 "-" "\(Self.firefox)" sid=\(Self.sid)

            """, name: "access.log", in: dir)
        let (sessions, _, _, _) = sessionizeFiles([odoo, nginx])
        #expect(sessions.count == 1)
        let s = try #require(sessions.first)
        #expect(s.db == "prod" && s.login == "alice@example.com" && s.userAgent == Self.firefox)
        #expect(Set(s.ips.map(\.ip)) == ["127.0.0.1", "198.51.100.9", "203.0.113.130"])
        #expect(UTC.iso(s.firstActivity) == "2025-03-14T07:59:00Z")  // nginx saw it an hour before Odoo's device line
    }
}

/// What a client can send is not what Odoo accepted: the review's cases.
@Suite("Access logs: what a client cannot make sessionguard believe")
struct AccessTrustTests {
    static let sid = AccessLogTests.sid
    static let ua = "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) Chrome/133.0.0.0"

    func line(_ ip: String, _ time: String, _ request: String, _ status: Int, sid: String = sid, ua: String = ua) -> String {
        #"\#(ip) - - [14/Mar/2025:\#(time) +0000] "\#(request) HTTP/1.1" \#(status) 100 "-" "\#(ua)" sid=\#(sid)"#
    }

    @Test("another address sending a session's identifier is not that session's until Odoo serves it the web client")
    func forgedCookie() throws {
        let log = writeLog([
            line("198.51.100.9", "09:00:00", "GET /odoo", 200),
            line("198.51.100.9", "09:00:05", "POST /web/dataset/call_kw/res.partner/web_read", 200),
            // Somebody else with the first 42 characters: Odoo does not know the cookie, redirects to the login page.
            line("203.0.113.66", "09:10:00", "POST /web/dataset/call_kw/res.partner/web_read", 200, ua: "curl/8"),
            line("203.0.113.66", "09:10:01", "GET /odoo", 303, ua: "curl/8"),
            line("203.0.113.66", "09:10:02", "GET /web/session/logout", 303, ua: "curl/8"),
            line("198.51.100.9", "10:00:00", "POST /web/dataset/call_kw/res.partner/web_read", 200),
            // An anonymous visitor's identifier on public routes: never a session.
            line("192.0.2.7", "10:00:00", "GET /web/webclient/translations/abc?lang=en_US", 200, sid: String(repeating: "B", count: 42)),
            line("192.0.2.7", "10:00:01", "POST /mail/data", 200, sid: String(repeating: "B", count: 42)),
        ].joined(separator: "\n") + "\n", name: "access.log")
        let (sessions, _, counters, _) = sessionizeFiles([log])
        #expect(sessions.count == 1)
        let s = try #require(sessions.first)
        #expect(s.ips.map(\.ip) == ["198.51.100.9"] && s.requests == 3 && !s.loggedOut)
        #expect(counters.accessAttributed == 3)
    }

    @Test("the same session from a new address once Odoo served it the page there: held requests count")
    func newAddressConfirmed() throws {
        let log = writeLog([
            line("198.51.100.9", "09:00:00", "GET /odoo", 200),
            line("203.0.113.130", "21:00:00", "POST /web/dataset/call_kw/res.partner/web_read", 200),
            line("203.0.113.130", "21:00:05", "GET /odoo/contacts", 200),
            line("198.51.100.9", "21:30:00", "GET /web/session/logout", 303),
            line("198.51.100.9", "21:30:01", "GET /websocket?version=18.0-3", 101),  // the page's websocket closing
        ].joined(separator: "\n") + "\n", name: "access.log")
        let s = try #require(sessionizeFiles([log]).sessions.first)
        #expect(Set(s.ips.map(\.ip)) == ["198.51.100.9", "203.0.113.130"] && s.requests == 5)
        #expect(s.ips.first { $0.ip == "203.0.113.130" }.map { UTC.iso($0.firstSeen) } == "2025-03-14T21:00:00Z")
        #expect(!s.loggedOut && s.probablyLoggedOut)
        // The web client's page served again is a proof of life: the logout was not this session's.
        let again = writeLog(try String(contentsOfFile: log, encoding: .utf8) + line("203.0.113.130", "21:40:00", "GET /odoo", 200) + "\n",
                             name: "again.log")
        let t = try #require(sessionizeFiles([again]).sessions.first)
        #expect(!t.loggedOut && !t.probablyLoggedOut && t.requests == 6)
    }

    @Test("nginx alone with two-factor sign-ins: one session; a wrong code is a failed 2FA step, not a failed login")
    func twoFactor() throws {
        let log = writeLog([
            #"198.51.100.23 - - [14/Mar/2025:09:00:00 +0000] "POST /web/login HTTP/1.1" 303 0 "-" "\#(Self.ua)""#,
            #"198.51.100.23 - - [14/Mar/2025:09:00:02 +0000] "GET /web/login/totp?redirect=%2Fodoo HTTP/1.1" 200 10 "-" "\#(Self.ua)""#,
            #"198.51.100.23 - - [14/Mar/2025:09:00:10 +0000] "POST /web/login/totp HTTP/1.1" 200 10 "-" "\#(Self.ua)""#,
            #"198.51.100.23 - - [14/Mar/2025:09:00:20 +0000] "POST /web/login/totp HTTP/1.1" 303 0 "-" "\#(Self.ua)""#,
            #"198.51.100.23 - - [14/Mar/2025:09:00:21 +0000] "GET /odoo HTTP/1.1" 200 10 "-" "\#(Self.ua)""#,
        ].joined(separator: "\n") + "\n", name: "access.log")
        let (sessions, auth, _, _) = sessionizeFiles([log])
        #expect(sessions.count == 1 && sessions[0].requests == 5)
        #expect(auth.map(\.kind) == [.loginSucceeded, .twoFactorFailed, .twoFactorSucceeded])
    }

    @Test("a signed-in session used from a new address that never loads the page: counted as unconfirmed, not attributed")
    func unconfirmed() throws {
        let log = writeLog([
            line("203.0.113.7", "09:00:00", "GET /odoo", 200),
            line("198.51.100.9", "10:00:00", "POST /web/dataset/call_kw/res.partner/web_read", 200),
            line("198.51.100.9", "10:00:01", "POST /mail/data", 200),
        ].joined(separator: "\n") + "\n", name: "access.log")
        let (sessions, _, counters, _) = sessionizeFiles([log])
        #expect(sessions.count == 1 && sessions[0].ips.map(\.ip) == ["203.0.113.7"])
        #expect(counters.accessUnconfirmed == 2)
    }

    @Test("two users behind one NAT with the same browser: their requests are ambiguous, a logout ends neither for sure")
    func sharedClient() throws {
        let log = writeLog([
            #"198.51.100.23 - - [14/Mar/2025:09:00:00 +0000] "POST /web/login HTTP/1.1" 303 0 "-" "\#(Self.ua)""#,
            #"198.51.100.23 - - [14/Mar/2025:09:00:01 +0000] "GET /odoo HTTP/1.1" 200 10 "-" "\#(Self.ua)""#,
            #"198.51.100.23 - - [14/Mar/2025:09:05:00 +0000] "POST /web/login HTTP/1.1" 303 0 "-" "\#(Self.ua)""#,
            #"198.51.100.23 - - [14/Mar/2025:09:05:01 +0000] "GET /odoo HTTP/1.1" 200 10 "-" "\#(Self.ua)""#,
            #"198.51.100.23 - - [14/Mar/2025:12:30:00 +0000] "POST /mail/data HTTP/1.1" 200 10 "-" "\#(Self.ua)""#,
            #"198.51.100.23 - - [14/Mar/2025:16:30:00 +0000] "GET /web/session/logout HTTP/1.1" 303 0 "-" "\#(Self.ua)""#,
        ].joined(separator: "\n") + "\n", name: "access.log")
        let (sessions, _, counters, _) = sessionizeFiles([log])
        #expect(sessions.count == 2)
        #expect(sessions.allSatisfy { !$0.loggedOut && $0.probablyLoggedOut })
        #expect(counters.accessAmbiguous == 3)  // hours later still: neither side's silence can be seen
    }
}

@Suite("Access logs: hostile and odd lines")
struct AccessEdgeTests {
    static let sid = AccessLogTests.sid

    @Test("sid= is read only as a field of its own: one inside a quoted field a client controls is text")
    func injectedSid() throws {
        let victim = String(repeating: "V", count: 42)
        let (events, stats, interner) = parseAccess("""
            203.0.113.66 - - [14/Mar/2025:10:00:00 +0000] "GET /odoo HTTP/1.1" 200 1 "-" "x" "1.2.3.4 sid=\(victim) x" sid=-
            203.0.113.66 - - [14/Mar/2025:10:00:01 +0000] "GET /odoo HTTP/1.1" 200 1 "-" "x sid=\(victim)" rt=0.1 sid=\(Self.sid) uct="0.0"
            203.0.113.66 - - [14/Mar/2025:10:00:02 +0000] "GET /odoo HTTP/1.1" 200 1 "-" "x" "\(Array(repeating: "a", count: 3000).joined(separator: " "))" sid=\(Self.sid)
            203.0.113.66 - - [14/Mar/2025:10:00:03 +0000] "GET /odoo HTTP/1.1" 200 1 "-" "x" 1.2.3.4 sid=\(victim) sid=-
            """)
        #expect(stats.records == 4 && stats.unparsed == 0)
        #expect(events[3].identifier == Event.none)  // an unquoted $http_x_forwarded_for before sid=: the last field counts
        #expect(events[0].identifier == Event.none && events[0].logsSessions)
        #expect(interner.string(events[1].identifier) == Self.sid)
        #expect(interner.string(events[2].identifier) == Self.sid)  // a 6 KB X-Forwarded-For of words parses
    }

    @Test("a log with whole session cookies is warned about, and no quoted line carries one")
    func wholeCookies() throws {
        let cookie = Self.sid + String(repeating: "x", count: 42)
        let (events, stats, _) = parseAccess("""
            203.0.113.7 - - [14/Mar/2025:10:00:00 +0000] "GET /odoo HTTP/1.1" 200 1 "-" "x" sid=\(cookie)
            garbage line sid=\(cookie)
            """)
        #expect(events.count == 1 && events[0].identifier == Event.none)  // the whole cookie is not read as an identifier
        #expect(stats.wholeCookies == 1 && stats.unparsed == 1)
        let sample = try #require(stats.unparsedSamples.first?.text)
        #expect(!sample.contains(cookie) && sample.contains(Self.sid + "…"))
        var inputs = [stats]
        #expect(Analyzer.warnings(for: &inputs).contains { $0.contains("whole cookies are bearer credentials") })
    }

    @Test("user agents are capped; an impossible date and an ISO offset without a colon are handled")
    func limits() throws {
        let long = String(repeating: "U", count: 5000)
        let (events, _, interner) = parseAccess(#"203.0.113.7 - - [14/Mar/2025:10:00:00 +0000] "GET /odoo HTTP/1.1" 200 1 "-" "\#(long)""#)
        #expect(interner.string(events[0].userAgent).count == AccessLogParser.userAgentLimit)
        let utc = TimeZone(identifier: "UTC")!
        func parse(_ f: TimeFormat, _ t: String) -> Millis? { var c = t; return c.withUTF8 { f.parse($0, zone: utc) } }
        #expect(parse(.clf, "31/Feb/2025:10:00:00 +0000") == nil && parse(.clf, "29/Feb/2024:10:00:00 +0000") != nil)
        #expect(parse(try TimeFormat("iso8601"), "2025-03-14T10:26:53+0100").map(UTC.iso) == "2025-03-14T09:26:53Z")
    }

    @Test("a cited line's own time, for telling a rotated file: Odoo's header, nginx's bracket")
    func lineTimes() {
        #expect(InputFormats.lineTime(#"203.0.113.7 - - [14/Mar/2025:10:26:53 +0100] "GET /odoo HTTP/1.1" 200 1 "-" "x""#).map(UTC.iso)
            == "2025-03-14T09:26:53Z")
        #expect(InputFormats.lineTime("2025-03-14 09:26:53,589 4213 INFO prod werkzeug: x").map(UTC.iso) == "2025-03-14T09:26:53Z")
        #expect(InputFormats.lineTime("Traceback (most recent call last):") == nil)
    }

    @Test("join keys: werkzeug's decoded path and nginx's percent-encoded one are the same request")
    func percentEncoding() throws {
        var a = Array("/web/content/812?filename=Q1 report.pdf".utf8), b = Array("/web/content/812?filename=Q1%20report.pdf".utf8)
        let m = Array("GET".utf8)
        let ka = a.withUnsafeMutableBufferPointer { t in m.withUnsafeBufferPointer { RequestTarget.joinKey(method: $0, target: UnsafeBufferPointer(t), status: 200) } }
        let kb = b.withUnsafeMutableBufferPointer { t in m.withUnsafeBufferPointer { RequestTarget.joinKey(method: $0, target: UnsafeBufferPointer(t), status: 200) } }
        #expect(ka == kb)
    }

    @Test("format files: errors point at the key at fault; a name defined in two files is an error")
    func formatFileLocations() throws {
        let dir = temporaryDirectory()
        let good = #"'^(?<ip>\S+) \[(?<time>[^\]]+)\] "(?<request>[^"]*)" (?<status>\d+)$'"#
        let sample = #"samples: ['1.2.3.4 [14/Mar/2025:10:26:53 +0100] "GET / HTTP/1.1" 200']"#
        let bad = writeLog("name: x\npattern: \(good)\ndescription: ''\n\(sample)\n", name: "a.yml", in: dir)
        #expect(throws: RuleError.self) { try AccessLogFormat.load(path: bad) }
        do { _ = try AccessLogFormat.load(path: bad) } catch { #expect(error.line == 3) }
        let one = writeLog("name: x\npattern: \(good)\n\(sample)\n", name: "b.yml", in: dir)
        let two = writeLog("name: x\npattern: \(good)\n\(sample)\n", name: "c.yml", in: dir)
        do {
            _ = try InputFormats.load(files: [one, two])
            Issue.record("a name defined twice loaded")
        } catch { #expect(error.message.contains("also defined in \(one)")) }
    }
}

@Suite("Access logs: request_match watches")
struct AccessWatchTests {
    /// Reads `paths` with one watch on `/web/export/` and returns the run's matches.
    func matches(_ paths: [String]) throws -> [RequestMatch] {
        let interner = Interner()
        let patterns = OdooPatterns(watches: [Watch(path: try PCRERegex("^/web/export/"))], timeZone: TimeZone(identifier: "UTC")!,
                                    joinRequests: paths.count > 1)
        let source = EventSource(paths: paths, interner: interner, patterns: patterns)
        let sessionizer = Sessionizer(interner: interner)
        while let e = source.next() { sessionizer.consume(e) }
        return sessionizer.finish(paths: paths).matches
    }

    @Test("the access log's requests are watched when the run has no Odoo log; with one, only Odoo's line counts")
    func oneRequestOneMatch() throws {
        let dir = temporaryDirectory()
        let nginx = writeLog(#"203.0.113.7 - - [14/Mar/2025:10:00:31 +0100] "POST /web/export/xlsx HTTP/1.1" 200 812 "-" "UA""# + "\n",
                             name: "access.log", in: dir)
        let odoo = writeLog("""
            2025-03-14 09:00:31,900 4215 INFO prod werkzeug: 203.0.113.7 - - [14/Mar/2025 09:00:31] "POST /web/export/xlsx HTTP/1.0" 200 - 5 0.01 0.02

            """, name: "odoo.log", in: dir)
        let alone = try matches([nginx])
        #expect(alone.count == 1 && alone[0].status == 200 && alone[0].evidence.file == nginx)
        let both = try matches([odoo, nginx])
        #expect(both.count == 1 && both[0].evidence.file == odoo)
    }
}
