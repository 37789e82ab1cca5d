import Foundation

/// The PCRE2 patterns for Odoo's message shapes (`odoo-facts.md` §1), compiled once per run.
public final class OdooPatterns: Sendable {
    /// `<ip> - - [DD/Mon/YYYY HH:MM:SS] "<METHOD> <target> HTTP/x.y" <status> - <perf>`; the target
    /// may hold quotes and spaces, so the greedy `(.*)` lets the match settle from the right.
    /// Perf fields: none (≤11.0), three (`12 0.009 0.031` or `- - -`) or four (18.0+ replica: `ro`…).
    let request = try! PCRERegex(
        #"^(\S+) - \S+ \[[^\]]*\] "([A-Z]+) (.*) HTTP/\d(?:\.\d)?" (\d{3}|-) (?:\d+|-)(?: (?:\d+|-) (?:[\d.]+|-) (?:[\d.]+|-)(?: (?:ro|rw|ro->rw|-))?)? *$"#)
    let login = try! PCRERegex(#"^Login (successful|failed) for (?:db:(\S*) )?login:(.*) from (\S+) *$"#)
    let rateLimited = try! PCRERegex(#"^Login attempt ignored for (\S+) on (\S+): (\d+) failures"#)
    let passwordChange = try! PCRERegex(#"^Password change for (.*?) \(#(\d+)\) by (.*?) \(#(\d+)\) from (\S+)"#)
    let twoFactor = try! PCRERegex(#"^2FA check: (SUCCESS|FAIL|REUSE) for res\.users\((\d+),\) '(.*)' *$"#)
    let passwordReset = try! PCRERegex(#"^Password reset attempt for (.*) by user (.*) from (\S+) *$"#)
    let sessionExpired = try! PCRERegex(#"^Session expired *$"#)
    let device = try! PCRERegex(
        #"^User (\d+) inserts device log(?: \(([A-Za-z0-9_-]{1,128})\)|: ([A-Za-z0-9_-]{1,128}) - (\S+) - (.*?)) *$"#)
    let revoke = try! PCRERegex(#"^User (\d+) revokes devices \(([^)]*)\) *$"#)
    let banner = try! PCRERegex(#"^Odoo version (\S+) *$"#)
    /// Odoo appends ` from <ip>` to every message that carries a login typed by the client.
    let fromTail = try! PCRERegex(#"(?:^| )from (\S+) *$"#)
    /// The start of such a message, when the whole message did not match (a newline in the login).
    let loginStart = try! PCRERegex(#"^(?:Login (?:successful|failed) for |Password reset attempt for )"#)
    /// Odoo's `--syslog` records as rsyslog or journald write them (`odoo-facts.md` §1): the
    /// daemon's local-time prefix `Mon dd HH:MM:SS host `, an optional `tag[pid]: `, then Odoo's
    /// `<description> <version>:<db>:<LEVEL>:<logger>:<message>` — no year, no PID.
    let syslog = try! PCRERegex(
        #"^(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) ([ \d]\d) (\d\d):(\d\d):(\d\d) \S+ (?:\S+\[\d+\]: )?(?:Odoo|OpenERP)(?: Server)? ?([^:\s]+):([^:]*):([A-Z_]+):([^:\s]+):(.*)$"#)
    /// The `request_match` rules' watches; bit i of an event's `watch` mask is `watches[i]`.
    let watches: [Watch]
    /// The zone syslog times are written in (`--timezone`; Odoo's own log is in UTC), and those of
    /// access-log formats whose times carry no offset.
    let timeZone: TimeZone
    /// The run reads a proxy's access log and Odoo's: request lines carry `Event.joinKey`.
    let joinRequests: Bool

    public init(watches: [Watch] = [], timeZone: TimeZone = .current, joinRequests: Bool = false) {
        self.watches = Array(watches.prefix(Watch.limit))
        self.timeZone = timeZone
        self.joinRequests = joinRequests
    }

    /// The watches with their bits, matched by one parser (match data is per thread).
    func watchMatchers() -> [(bit: UInt64, matchers: WatchMatchers)] {
        watches.enumerated().map { (bit: UInt64(1) << UInt64($0.offset), matchers: WatchMatchers($0.element)) }
    }
}

/// Parses Odoo server logs (12.0–19.0 shapes, `odoo-facts.md` §1) from raw bytes into `Event`s.
///
/// One parser per input stream: it keeps the per-file counters and the "previous record" needed to
/// attach continuation lines. Only fields that survive become strings, via the shared interner.
public final class OdooLogParser {
    private let interner: Interner
    private let request, login, rateLimited, passwordChange, twoFactor, passwordReset,
        sessionExpired, device, revoke, banner, fromTail, loginStart, syslog: PCREMatcher
    private let joinRequests: Bool
    /// Syslog times have no year: the file's last change gives it (a record dated in a later month
    /// than that was written the year before).
    private var fileYear = 1970, fileMonth = 1
    /// Syslog times are local to `OdooPatterns.timeZone`.
    private let localTime: LocalTime
    public let stream: Int32
    private var fileIndex: Int32 = 0
    private var lineNumber: Int32 = 0
    public private(set) var stats: InputStats
    private enum Previous { case none, request, other }
    private var previous = Previous.none
    private var addresses = AddressCache()
    private var scratch: [UInt8] = []
    /// Request lines per private address in the current file (to notice a proxy hiding clients).
    private var internalRequests: [Int32: Int] = [:]
    private let idQuestion: Int32, idNone: Int32
    private let requestWatches: [(bit: UInt64, matchers: WatchMatchers)]
    private let recordWatches: [(bit: UInt64, matchers: WatchMatchers)]
    /// When every request watch's path has a literal prefix: those prefixes, laid out flat, so most
    /// request lines are let go after a few memcmp calls without touching the watches at all.
    private let pathPrefixes: UnsafeMutablePointer<UInt8>
    private let pathPrefixLengths: UnsafeMutablePointer<Int>
    private let pathPrefixCount: Int
    private let filterPaths: Bool

    public init(interner: Interner, patterns: OdooPatterns, stream: Int32) {
        self.interner = interner
        self.stream = stream
        request = patterns.request.matcher()
        login = patterns.login.matcher()
        rateLimited = patterns.rateLimited.matcher()
        passwordChange = patterns.passwordChange.matcher()
        twoFactor = patterns.twoFactor.matcher()
        passwordReset = patterns.passwordReset.matcher()
        sessionExpired = patterns.sessionExpired.matcher()
        device = patterns.device.matcher()
        revoke = patterns.revoke.matcher()
        banner = patterns.banner.matcher()
        fromTail = patterns.fromTail.matcher()
        loginStart = patterns.loginStart.matcher()
        syslog = patterns.syslog.matcher()
        localTime = LocalTime(patterns.timeZone)
        joinRequests = patterns.joinRequests
        let watches = patterns.watchMatchers()
        requestWatches = watches.filter { $0.matchers.onRequests }
        recordWatches = watches.filter { !$0.matchers.onRequests }
        let prefixes = patterns.watches.filter(\.onRequests).map { $0.path?.literalPrefix ?? [] }
        filterPaths = !prefixes.isEmpty && prefixes.allSatisfy { !$0.isEmpty }
        pathPrefixCount = filterPaths ? prefixes.count : 0
        pathPrefixLengths = UnsafeMutablePointer<Int>.allocate(capacity: max(prefixes.count, 1))
        pathPrefixLengths.initialize(from: prefixes.map(\.count), count: prefixes.count)
        pathPrefixes = UnsafeMutablePointer<UInt8>.allocate(capacity: max(prefixes.reduce(0) { $0 + $1.count }, 1))
        var at = 0
        for p in prefixes where filterPaths {
            (pathPrefixes + at).initialize(from: p, count: p.count)
            at += p.count
        }
        stats = InputStats(path: "", format: "odoo")
        idQuestion = interner.intern("?")
        idNone = interner.intern("None")
    }

    /// Starts a new file of this stream; returns the finished file's stats (if any).
    /// `afterLine`: the file is read from where an earlier run stopped, after that many lines (line
    /// numbers go on from there, and leading lines without a header continue that run's last record).
    public func begin(file: Int32, path: String, afterLine: Int = 0) -> InputStats? {
        let done = stats.path.isEmpty ? nil : stats
        fileIndex = file
        lineNumber = Int32(clamping: afterLine)
        previous = afterLine > 0 ? .other : .none
        stats = InputStats(path: path, format: "odoo")
        internalRequests = [:]
        var st = stat()
        let modified = stat(path, &st) == 0 ? Millis(st.st_mtim.tv_sec) * 1000 : Millis(Date().timeIntervalSince1970 * 1000)
        let iso = UTC.iso(modified)
        fileYear = Int(iso.prefix(4)) ?? 1970
        fileMonth = Int(iso.dropFirst(5).prefix(2)) ?? 1
        return done
    }

    deinit {
        pathPrefixes.deallocate()
        pathPrefixLengths.deallocate()
    }

    @inline(__always)
    private func anyPathPrefix(_ target: UnsafeBufferPointer<UInt8>) -> Bool {
        var at = 0
        for i in 0..<pathPrefixCount {
            let length = pathPrefixLengths[i]
            if target.count >= length, memcmp(pathPrefixes + at, target.baseAddress!, length) == 0 { return true }
            at += length
        }
        return false
    }

    /// Lines of the current file read so far (counting lines an earlier run read before it).
    public var linesSoFar: Int { Int(lineNumber) }

    public func finish() -> InputStats {
        if let top = internalRequests.max(by: { ($0.value, $1.key) < ($1.value, $0.key) }) {
            stats.topInternalIP = interner.string(top.key)
            stats.topInternalRequests = top.value
        }
        return stats
    }

    /// Parses the lines of `chunk` (whole lines) from byte `offset` on, appending events, until the
    /// chunk ends or `limit` events are buffered. Returns the offset to continue from.
    @discardableResult
    public func parse(_ chunk: UnsafeBufferPointer<UInt8>, from offset: Int = 0, into events: inout [Event],
                      limit: Int = .max) -> Int {
        eachLine(chunk, from: offset, while: { events.count < limit }) { line in
            lineNumber &+= 1
            stats.lines += 1
            if memchr(line.baseAddress!, 0x1B, line.count) != nil {
                parseStrippingColour(line, into: &events)
            } else {
                parseLine(line, into: &events)
            }
        }
    }

    /// TTY output wraps the level and request in `\x1b[…m` sequences; drop them, then parse.
    private func parseStrippingColour(_ line: UnsafeBufferPointer<UInt8>, into events: inout [Event]) {
        scratch.removeAll(keepingCapacity: true)
        var i = 0
        while i < line.count {
            if line[i] == 0x1B, i + 1 < line.count, line[i + 1] == 0x5B {
                var j = i + 2
                while j < line.count, (line[j] >= 0x30 && line[j] <= 0x39) || line[j] == 0x3B { j += 1 }
                if j < line.count, line[j] == 0x6D {
                    i = j + 1
                    continue
                }
            }
            scratch.append(line[i])
            i += 1
        }
        scratch.withUnsafeBufferPointer { parseLine($0, into: &events) }
    }

    @inline(__always)
    private func digit(_ b: UInt8) -> Int? { b >= 48 && b <= 57 ? Int(b - 48) : nil }

    // MARK: log injection through login names

    /// Odoo logs the login a client typed verbatim (`Login failed for db:%s login:%s from %s`), so a
    /// login holding line breaks writes forged records into the log. They sit right after the
    /// login line, in the same write, and the message's real end — ` from <ip>` — lands at the end
    /// of the last physical line. So the records after a login line are held back until a line
    /// shows whether they were part of it:
    /// - a line ending in ` from <address>` that is not itself a complete login, password or reset
    ///   message is the tail: everything between the login line and it is dropped (unparsed, with
    ///   a warning), and the attempt is kept with the address from the tail;
    /// - a line without a header that is not a tail (a traceback), or the end of the window,
    ///   releases them.
    /// A login line that visibly goes on (no ` from …`) holds everything until its tail, and a
    /// file ending inside it is treated as forged too.
    private struct Quarantine {
        var held: [Event]
        /// Header lines since the trigger (the window).
        var lines = 0
        /// The trigger's message goes on past its line.
        var incomplete: Bool
        /// Held events before this index are released even when the block is rejected: they came
        /// before the login line that started the certainly-forged part.
        var keep: Int
        /// The attempt the trigger line records (its address is taken from the tail).
        var attempt: Event?
        /// The trigger's line and the record count after it.
        var triggerLine: Int32
        var recordsAfterTrigger: Int
        var timesAfterTrigger: (Millis?, Millis?)
    }

    static let quarantineLines = 8
    static let incompleteQuarantineLines = 256
    private var quarantine: Quarantine?
    /// Set by `authMessage` for a record carrying a client-typed login: whether it is incomplete,
    /// and the attempt it records.
    private var guardTrigger: (incomplete: Bool, attempt: Event)?
    /// Set by `authMessage` when a message ending in ` from <ip>` matched one of Odoo's shapes in full.
    private var matchedFromShape = false

    /// The line ends like an Odoo login message: ` from <ip>` or ` from n/a`. Returns the address id.
    private func tail(_ line: UnsafeBufferPointer<UInt8>) -> Int32? {
        guard !line.isEmpty, fromTail.match(line), let token = fromTail.bytes(1) else { return nil }
        if token.count == 3, token[0] == 0x6E, token[1] == 0x2F, token[2] == 0x61 { return Event.none }  // n/a
        let id = validIP(token)
        return id == Event.none ? nil : id
    }

    private func parseLine(_ line: UnsafeBufferPointer<UInt8>, into events: inout [Event]) {
        if var q = quarantine {
            quarantine = nil
            let isHeader = OdooLogParser.headerTime(line) != nil || isSyslogHeader(line)
            if q.incomplete {
                // Everything up to the tail is the login message: forged, whatever it looks like.
                if let ip = tail(line) { return reject(q, tailIP: ip, into: &events) }
                if isHeader { parseRecord(line, into: &q.held) }
                q.lines += 1
                if q.lines >= Self.incompleteQuarantineLines { return reject(q, tailIP: Event.none, into: &events) }
                quarantine = q
                return
            }
            if !isHeader {
                if let ip = tail(line) { return reject(q, tailIP: ip, into: &events) }
                release(q, into: &events)
                return parseRecord(line, into: &events)
            }
            let heldBefore = q.held.count
            guardTrigger = nil
            matchedFromShape = false
            parseRecord(line, into: &q.held)
            if !matchedFromShape, let ip = tail(line) { return reject(q, tailIP: ip, into: &events) }
            q.lines += 1
            if let trigger = guardTrigger {
                if !trigger.incomplete {
                    q.held.append(trigger.attempt)
                } else {
                    // From this login line on, the block is certainly one write: hold it to its tail.
                    q.held.removeSubrange(heldBefore...)
                    if let first = q.attempt { q.held.insert(first, at: 0) }
                    q.incomplete = true
                    q.lines = 0
                    q.keep = q.held.count
                    q.attempt = trigger.attempt
                    q.triggerLine = lineNumber
                    q.recordsAfterTrigger = stats.records
                    q.timesAfterTrigger = (stats.firstTime, stats.lastTime)
                }
            }
            if q.lines >= Self.quarantineLines { release(q, into: &events) } else { quarantine = q }
            return
        }
        let before = events.count
        guardTrigger = nil
        parseRecord(line, into: &events)
        if let trigger = guardTrigger {
            // The attempt itself is `attempt`; what else the trigger line gave (a watched record) is as
            // genuine as it is, and is kept even when the lines after it turn out forged.
            let held = events[before...].filter { $0.kind == .watched }
            events.removeSubrange(before...)
            quarantine = Quarantine(held: held, incomplete: trigger.incomplete, keep: held.count, attempt: trigger.attempt,
                                    triggerLine: lineNumber, recordsAfterTrigger: stats.records,
                                    timesAfterTrigger: (stats.firstTime, stats.lastTime))
        }
    }

    private func release(_ q: Quarantine, into events: inout [Event]) {
        if let attempt = q.attempt { events.append(attempt) }
        events.append(contentsOf: q.held)
    }

    /// Drops a forged block: the lines after the login line, to the tail, become unparsed; the
    /// login attempt itself is kept with the address Odoo appended.
    private func reject(_ q: Quarantine, tailIP: Int32, into events: inout [Event]) {
        events.append(contentsOf: q.held[..<q.keep])
        let dropped = q.held[q.keep...]
        let forgedRecords = stats.records - q.recordsAfterTrigger
        stats.records -= forgedRecords
        stats.requests -= dropped.filter { $0.kind == .request }.count
        stats.authEvents -= dropped.filter { $0.kind != .request && $0.kind != .banner && $0.kind != .watched }.count
        (stats.firstTime, stats.lastTime) = q.timesAfterTrigger
        let count = Int(lineNumber - q.triggerLine)
        stats.unparsed += count
        stats.injections += 1
        previous = .none
        if var attempt = q.attempt {
            attempt.ip = tailIP
            if q.incomplete { stats.authEvents += 1 }
            events.append(attempt)
        }
        if stats.unparsedSamples.count < InputStats.sampleLimit {
            stats.unparsedSamples.append(UnparsedLine(
                line: Int(q.triggerLine) + 1, text: "\(count) lines",
                reason: "possible log injection: a login name holding line breaks wrote these lines "
                    + "(\(dropped.count) record(s) in them ignored; the login attempt on line \(q.triggerLine) is kept)"))
        }
    }

    /// At the end of a file: held records are released, unless the login message that held them
    /// never ended — genuine logins hold no line breaks, so what follows it is forged.
    public func flush(into events: inout [Event]) {
        guard let q = quarantine else { return }
        quarantine = nil
        if q.incomplete {
            reject(q, tailIP: Event.none, into: &events)
        } else {
            release(q, into: &events)
        }
    }

    private func parseRecord(_ line: UnsafeBufferPointer<UInt8>, into events: inout [Event]) {
        guard let time = OdooLogParser.headerTime(line) else {
            if let (time, db, logger, message) = syslogRecord(line) {
                stats.format = "odoo-syslog"
                // No PID: joins fall back to time and address, as with one threaded worker.
                return record(line, time: time, pid: 0, dbBytes: db, logger: logger, message: message, into: &events)
            }
            continuation(line)
            return
        }
        // After the fixed 24-byte time: `<pid> <LEVEL> <db> <logger>: <message>`.
        var i = 24
        let n = line.count
        var pid: Int32 = 0
        let pidStart = i
        while i < n, let d = digit(line[i]) { pid = pid &* 10 &+ Int32(d); i += 1 }
        guard i > pidStart, i < n, line[i] == 0x20 else { return unparsed(line, "malformed header (pid)") }
        i += 1
        let levelStart = i
        while i < n, line[i] >= 0x41, line[i] <= 0x5A { i += 1 }
        guard i > levelStart, i < n, line[i] == 0x20 else { return unparsed(line, "malformed header (level)") }
        i += 1
        let dbStart = i
        while i < n, line[i] != 0x20 { i += 1 }
        guard i > dbStart, i < n else { return unparsed(line, "malformed header (database)") }
        let dbEnd = i
        i += 1
        let loggerStart = i
        while i < n, line[i] != 0x20 { i += 1 }
        guard i > loggerStart + 1, line[i - 1] == 0x3A else { return unparsed(line, "malformed header (logger)") }
        let loggerEnd = i - 1
        i = min(i + 1, n)
        var messageEnd = n
        while messageEnd > i, line[messageEnd - 1] == 0x20 { messageEnd -= 1 }
        let message = UnsafeBufferPointer(rebasing: line[i..<messageEnd])
        let logger = UnsafeBufferPointer(rebasing: line[loggerStart..<loggerEnd])
        record(line, time: time, pid: pid, dbBytes: UnsafeBufferPointer(rebasing: line[dbStart..<dbEnd]), logger: logger, message: message,
               into: &events)
    }

    /// A cheap look before the syslog pattern: `Mon dd HH:MM:SS `.
    @inline(__always)
    private func isSyslogHeader(_ l: UnsafeBufferPointer<UInt8>) -> Bool {
        l.count > 20 && l[3] == 0x20 && l[6] == 0x20 && l[9] == 0x3A && l[12] == 0x3A && l[15] == 0x20 && syslog.match(l)
    }

    /// A `--syslog` record: its time (UTC), database, logger and message.
    private func syslogRecord(_ line: UnsafeBufferPointer<UInt8>)
        -> (Millis, UnsafeBufferPointer<UInt8>, UnsafeBufferPointer<UInt8>, UnsafeBufferPointer<UInt8>)? {
        guard isSyslogHeader(line), let db = syslog.bytes(7), let logger = syslog.bytes(9), var message = syslog.bytes(10) else { return nil }
        // The pattern fixed the positions: `Mon dd HH:MM:SS` (the day space-padded), read as bytes.
        func number(_ at: Int) -> Int { (line[at] == 0x20 ? 0 : Int(line[at] &- 48)) * 10 + Int(line[at + 1] &- 48) }
        guard let month = UTC.month(named: line[0], line[1], line[2]) else { return nil }
        let day = number(4), hour = number(7), minute = number(10), second = number(13)
        guard day >= 1, day <= 31, hour < 24, minute < 60, second < 61 else { return nil }
        let year = month > fileMonth ? fileYear - 1 : fileYear
        let local = Int64(UTC.days(year: year, month: month, day: day)) * 86_400 + Int64(hour * 3600 + minute * 60 + second)
        while let last = message.last, last == 0x20 || last == 0x0D { message = UnsafeBufferPointer(rebasing: message.dropLast()) }
        return (localTime.utc(local) * 1000, db, logger, message)
    }

    /// One record, whichever header it had.
    private func record(_ line: UnsafeBufferPointer<UInt8>, time: Millis, pid: Int32, dbBytes: UnsafeBufferPointer<UInt8>,
                        logger: UnsafeBufferPointer<UInt8>, message: UnsafeBufferPointer<UInt8>, into events: inout [Event]) {
        stats.records += 1
        if stats.firstTime == nil { stats.firstTime = time }
        if time > stats.lastTime ?? Millis.min { stats.lastTime = time }
        let origin = Origin(file: fileIndex, line: lineNumber)
        var db = interner.intern(dbBytes)
        if db == idQuestion || db == idNone { db = Event.none }

        if equal(logger, "werkzeug") {
            previous = .request
            guard request.match(message) else {
                previous = .other  // werkzeug's own notices ("Bad request syntax", start-up) are records
                return
            }
            var e = Event(time: time, kind: .request, stream: stream, pid: pid, origin: origin)
            e.db = db
            e.ip = validIP(request.bytes(1)!)
            e.method = interner.intern(request.bytes(2)!)
            e.target = RequestTarget(request.bytes(3)!)
            let status = request.bytes(4)!
            if status.count == 3 {
                e.status = Int16(status[0] - 48) * 100 + Int16(status[1] - 48) * 10 + Int16(status[2] - 48)
            }
            if joinRequests { e.joinKey = RequestTarget.joinKey(method: request.bytes(2)!, target: request.bytes(3)!, status: e.status) }
            if !requestWatches.isEmpty, !filterPaths || anyPathPrefix(request.bytes(3)!) {
                let method = request.bytes(2)!, target = request.bytes(3)!
                for w in requestWatches where w.matchers.matchesRequest(method: method, path: target, status: status) { e.watch |= w.bit }
                if e.watch != 0 { e.text = interner.intern(UnsafeBufferPointer(rebasing: target.prefix(300))) }
            }
            stats.requests += 1
            if e.ip != Event.none, addresses.isInternal(e.ip) { internalRequests[e.ip, default: 0] += 1 }
            events.append(e)
            return
        }
        previous = .other
        if !recordWatches.isEmpty {
            var mask: UInt64 = 0
            for w in recordWatches where w.matchers.matchesRecord(logger: logger, message: message) { mask |= w.bit }
            if mask != 0 {
                var e = Event(time: time, kind: .watched, stream: stream, pid: pid, origin: origin)
                e.db = db
                e.watch = mask
                e.text = interner.intern(UnsafeBufferPointer(rebasing: message.prefix(300)))
                events.append(e)
            }
        }
        if hasSuffix(logger, "res_users") {
            authMessage(message, time: time, pid: pid, db: db, origin: origin, into: &events)
        } else if hasSuffix(logger, "res_device") {
            deviceMessage(message, time: time, pid: pid, db: db, origin: origin, into: &events)
        } else if hasSuffix(logger, "auth_signup.controllers.main") {
            if passwordReset.match(message) {
                var e = Event(time: time, kind: .passwordResetRequested, stream: stream, pid: pid, origin: origin)
                e.db = db
                e.login = interner.intern(unquoted(passwordReset.bytes(1)!))
                e.ip = validIP(passwordReset.bytes(3)!)
                stats.authEvents += 1
                matchedFromShape = true
                guardTrigger = (false, e)
            } else if loginStart.match(message) {
                guardTrigger = (true, incompleteAttempt(message, time: time, pid: pid, db: db, origin: origin))
            }
        } else if equal(logger, "odoo.http") {
            if sessionExpired.match(message) {
                var e = Event(time: time, kind: .sessionExpired, stream: stream, pid: pid, origin: origin)
                e.db = db
                append(e, into: &events)
            }
        } else if equal(logger, "odoo") || equal(logger, "openerp") {
            if banner.match(message) {
                let version = banner.string(1)!
                stats.odooVersion = version
                var e = Event(time: time, kind: .banner, stream: stream, pid: pid, origin: origin)
                e.uid = Int32(OdooLogParser.majorVersion(version))
                events.append(e)
            }
        }
    }

    private func append(_ e: Event, into events: inout [Event]) {
        stats.authEvents += 1
        events.append(e)
    }

    private func authMessage(_ message: UnsafeBufferPointer<UInt8>, time: Millis, pid: Int32, db: Int32,
                             origin: Origin, into events: inout [Event]) {
        if login.match(message) {
            let ok = login.bytes(1)!.count == "successful".utf8.count
            var e = Event(time: time, kind: ok ? .loginSucceeded : .loginFailed, stream: stream, pid: pid, origin: origin)
            e.db = db
            if let named = login.bytes(2), !named.isEmpty { e.db = interner.intern(named) }
            e.login = interner.intern(login.bytes(3)!)
            e.ip = validIP(login.bytes(4)!)  // `n/a` for RPC logins
            stats.authEvents += 1
            matchedFromShape = true
            guardTrigger = (false, e)  // held: the parser decides whether it is genuine
        } else if loginStart.match(message) {
            guardTrigger = (true, incompleteAttempt(message, time: time, pid: pid, db: db, origin: origin))
        } else if rateLimited.match(message) {
            var e = Event(time: time, kind: .loginRateLimited, stream: stream, pid: pid, origin: origin)
            e.ip = validIP(rateLimited.bytes(1)!)
            e.db = interner.intern(rateLimited.bytes(2)!)
            append(e, into: &events)
        } else if passwordChange.match(message) {
            var e = Event(time: time, kind: .passwordChanged, stream: stream, pid: pid, origin: origin)
            e.db = db
            e.login = interner.intern(unquoted(passwordChange.bytes(1)!))  // Odoo logs repr(): 'alice'
            e.uid = Int32(passwordChange.string(2)!) ?? Event.none
            e.ip = validIP(passwordChange.bytes(5)!)
            matchedFromShape = true
            append(e, into: &events)
        } else if twoFactor.match(message) {
            let verdict = twoFactor.bytes(1)!
            let kind: EventKind = verdict.count == 7 ? .twoFactorSucceeded : (verdict[0] == 0x46 ? .twoFactorFailed : .twoFactorReused)
            var e = Event(time: time, kind: kind, stream: stream, pid: pid, origin: origin)
            e.db = db
            e.uid = Int32(twoFactor.string(2)!) ?? Event.none
            e.login = interner.intern(twoFactor.bytes(3)!)
            append(e, into: &events)
        }
    }

    private func deviceMessage(_ message: UnsafeBufferPointer<UInt8>, time: Millis, pid: Int32, db: Int32,
                               origin: Origin, into events: inout [Event]) {
        if device.match(message) {
            var e = Event(time: time, kind: .deviceLogged, stream: stream, pid: pid, origin: origin)
            e.db = db
            e.uid = Int32(device.string(1)!) ?? Event.none
            if let id = device.bytes(2) {
                e.identifier = interner.intern(id)
            } else {
                e.identifier = interner.intern(device.bytes(3)!)
                e.ip = validIP(device.bytes(4)!)
                if let ua = device.bytes(5), !ua.isEmpty { e.userAgent = interner.intern(ua) }
            }
            append(e, into: &events)
        } else if revoke.match(message) {
            // One event per identifier, so that consumers never need the interner's strings.
            let uid = Int32(revoke.string(1)!) ?? Event.none
            for raw in revoke.string(2)!.split(separator: ",") {
                let identifier = raw.trimmingCharacters(in: .whitespaces)
                guard !identifier.isEmpty else { continue }
                var e = Event(time: time, kind: .devicesRevoked, stream: stream, pid: pid, origin: origin)
                e.db = db
                e.uid = uid
                e.identifier = interner.intern(identifier)
                append(e, into: &events)
            }
        }
    }

    /// The attempt recorded by a login or reset line whose message goes on past the line: what
    /// the first line shows of the login, marked as cut.
    private func incompleteAttempt(_ message: UnsafeBufferPointer<UInt8>, time: Millis, pid: Int32, db: Int32,
                                   origin: Origin) -> Event {
        let text = String(decoding: message, as: UTF8.self)
        let kind: EventKind = text.hasPrefix("Login successful") ? .loginSucceeded
            : text.hasPrefix("Login failed") ? .loginFailed : .passwordResetRequested
        var e = Event(time: time, kind: kind, stream: stream, pid: pid, origin: origin)
        e.db = db
        let login = text.range(of: "login:").map { String(text[$0.upperBound...]) }
            ?? String(text.dropFirst("Password reset attempt for ".count))
        e.login = interner.intern(login + "⏎…")
        return e
    }

    /// `18.0`, `saas~18.2`, `17.0+e` → 18, 18, 17.
    public static func majorVersion(_ text: String) -> Int {
        let digits = text.drop { !$0.isNumber }.prefix { $0.isNumber }
        return Int(digits) ?? 0
    }

    /// `'alice@example.com'` → `alice@example.com` (Odoo formats some logins with `%r`).
    private func unquoted(_ b: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8> {
        guard b.count >= 2, b[0] == b[b.count - 1], b[0] == 0x27 || b[0] == 0x22 else { return b }
        return UnsafeBufferPointer(rebasing: b[1..<(b.count - 1)])
    }

    /// A line without a header belongs to the previous record (tracebacks), unless it cannot:
    /// there is no record yet, the record was a single-line request, or it looks like a broken
    /// header or binary junk. Those are counted as unparsed — never fatal.
    private func continuation(_ line: UnsafeBufferPointer<UInt8>) {
        if line.isEmpty || line.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) {
            if previous != .none { stats.continuations += 1 } else { stats.unparsed += 1 }
            return
        }
        if line.count >= 4, digit(line[0]) != nil, digit(line[1]) != nil, digit(line[2]) != nil,
           digit(line[3]) != nil, line.count < 5 || line[4] == 0x2D {
            return unparsed(line, "truncated or malformed header")
        }
        if line.contains(where: { $0 < 0x09 || ($0 > 0x0D && $0 < 0x20) || $0 == 0x7F }) {
            return unparsed(line, "binary data")
        }
        if line.count > 16, line[3] == 0x20, line[6] == 0x20, line[9] == 0x3A, line[12] == 0x3A, line[15] == 0x20,
           line[0] >= 0x41, line[0] <= 0x5A {
            // `Mon dd HH:MM:SS host …` that is not Odoo's: another program's line in a shared syslog file.
            return unparsed(line, "a syslog line of another program")
        }
        if previous == .other, tail(line) != nil {
            // A bare tail with nothing held: a forged block longer than the window went before it.
            stats.injections += 1
            return unparsed(line, "possible log injection: the end of a login message holding line breaks; "
                + "the records just before it may be forged")
        }
        switch previous {
        case .none: unparsed(line, "no Odoo log header")
        case .request: unparsed(line, "no Odoo log header (and the previous record is a request line)")
        case .other: stats.continuations += 1
        }
    }

    private func unparsed(_ line: UnsafeBufferPointer<UInt8>, _ reason: String) {
        stats.unparsed += 1
        previous = .none
        if stats.unparsedSamples.count < InputStats.sampleLimit {
            stats.unparsedSamples.append(UnparsedLine(line: Int(lineNumber), text: UnparsedLine.readable(line), reason: reason))
        }
    }

    /// `YYYY-MM-DD HH:MM:SS,mmm ` → epoch milliseconds (UTC), or nil when the line has no header.
    @inline(__always)
    static func headerTime(_ l: UnsafeBufferPointer<UInt8>) -> Millis? {
        guard l.count > 24, let p = l.baseAddress, p[4] == 0x2D, p[7] == 0x2D, p[10] == 0x20, p[13] == 0x3A,
              p[16] == 0x3A, p[19] == 0x2C, p[23] == 0x20 else { return nil }
        // Every other position is a digit: subtracting '0' with wrap-around leaves 0...9.
        let y0 = p[0] &- 48, y1 = p[1] &- 48, y2 = p[2] &- 48, y3 = p[3] &- 48
        let mo0 = p[5] &- 48, mo1 = p[6] &- 48, d0 = p[8] &- 48, d1 = p[9] &- 48
        let h0 = p[11] &- 48, h1 = p[12] &- 48, mi0 = p[14] &- 48, mi1 = p[15] &- 48
        let s0 = p[17] &- 48, s1 = p[18] &- 48, ms0 = p[20] &- 48, ms1 = p[21] &- 48, ms2 = p[22] &- 48
        guard y0 <= 9, y1 <= 9, y2 <= 9, y3 <= 9, mo0 <= 9, mo1 <= 9, d0 <= 9, d1 <= 9, h0 <= 9, h1 <= 9,
              mi0 <= 9, mi1 <= 9, s0 <= 9, s1 <= 9, ms0 <= 9, ms1 <= 9, ms2 <= 9 else { return nil }
        let year = Int(y0) * 1000 + Int(y1) * 100 + Int(y2) * 10 + Int(y3)
        let month = Int(mo0) * 10 + Int(mo1), day = Int(d0) * 10 + Int(d1)
        let hour = Int(h0) * 10 + Int(h1), minute = Int(mi0) * 10 + Int(mi1), second = Int(s0) * 10 + Int(s1)
        guard month >= 1, month <= 12, day >= 1, day <= 31, hour < 24, minute < 60, second < 61 else { return nil }
        let days = UTC.days(year: year, month: month, day: day)
        let ms = Int(ms0) * 100 + Int(ms1) * 10 + Int(ms2)
        return (Millis(days) * 86_400 + Millis(hour * 3600 + minute * 60 + second)) * 1000 + Millis(ms)
    }

    /// Interns the IP slot and returns its id only if it is a real address (redacted logs hold `IP`).
    @inline(__always)
    private func validIP(_ token: UnsafeBufferPointer<UInt8>) -> Int32 { addresses.valid(token, interner) }

    @inline(__always)
    private func equal(_ bytes: UnsafeBufferPointer<UInt8>, _ s: StaticString) -> Bool {
        bytes.count == s.utf8CodeUnitCount && memcmp(bytes.baseAddress!, s.utf8Start, bytes.count) == 0
    }

    private func hasSuffix(_ bytes: UnsafeBufferPointer<UInt8>, _ s: StaticString) -> Bool {
        let n = s.utf8CodeUnitCount
        return bytes.count >= n && memcmp(bytes.baseAddress! + bytes.count - n, s.utf8Start, n) == 0
    }
}
