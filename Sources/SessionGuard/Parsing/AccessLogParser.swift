import Foundation

/// What `EventSource` needs of a parser: one per input stream, fed whole lines a chunk at a time.
public protocol LogParser: AnyObject {
    var stream: Int32 { get }
    /// Lines of the current file read so far (counting lines an earlier run read before it).
    var linesSoFar: Int { get }
    /// Starts a new file of this stream; returns the finished file's stats (if any).
    func begin(file: Int32, path: String, afterLine: Int) -> InputStats?
    /// Parses the lines of `chunk` from byte `offset` on until it ends or `limit` events are
    /// buffered; returns the offset to continue from.
    func parse(_ chunk: UnsafeBufferPointer<UInt8>, from offset: Int, into events: inout [Event], limit: Int) -> Int
    /// The end of a file: whatever is held back is released.
    func flush(into events: inout [Event])
    func finish() -> InputStats
}

extension OdooLogParser: LogParser {}

/// Calls `body` with each line of `chunk` from `offset` on (without its `\n` or `\r\n`) while
/// `more()` holds; returns the offset after the last line handled.
@inline(__always)
func eachLine(_ chunk: UnsafeBufferPointer<UInt8>, from offset: Int, while more: () -> Bool,
              _ body: (UnsafeBufferPointer<UInt8>) -> Void) -> Int {
    guard let base = chunk.baseAddress else { return chunk.count }
    var start = offset
    let end = chunk.count
    while start < end && more() {
        let nl = memchr(base + start, 0x0A, end - start)
        let stop = nl.map { UnsafePointer<UInt8>($0.assumingMemoryBound(to: UInt8.self)) - base } ?? end
        var len = stop - start
        if len > 0 && base[start + len - 1] == 0x0D { len -= 1 }
        body(UnsafeBufferPointer(start: base + start, count: len))
        start = stop + 1
    }
    return min(start, end)
}

/// Parses an access log (`AccessLogFormat`: nginx, or a format file's) into `.accessRequest`
/// events: time, client address, method, target, status, user agent and — where the proxy logs
/// it — the session identifier. Every line is one request; a line the pattern does not match is
/// counted and sampled as unparsed, never fatal.
public final class AccessLogParser: LogParser {
    public let format: AccessLogFormat
    private let interner: Interner
    private let matcher: PCREMatcher
    /// Times without an offset: the format's `timezone:`, else `--timezone`.
    private let localTime: LocalTime
    private let joinRequests: Bool
    private let requestWatches: [(bit: UInt64, matchers: WatchMatchers)]
    private var addresses = AddressCache()
    private var scratch: [UInt8] = []
    private let formatDB: Int32
    public let stream: Int32
    private var fileIndex: Int32 = 0
    private var lineNumber: Int32 = 0
    private var sawSession = false
    private let isNginx: Bool
    private var stats: InputStats
    /// Requests per private client address in the current file (a proxy in front of the proxy).
    private var internalRequests: [Int32: Int] = [:]

    public init(format: AccessLogFormat, interner: Interner, patterns: OdooPatterns, stream: Int32) {
        self.format = format
        self.interner = interner
        self.stream = stream
        matcher = format.regex.matcher()
        localTime = LocalTime(format.time.zone ?? patterns.timeZone)
        joinRequests = patterns.joinRequests
        // (With Odoo's log in the run, the sessionizer keeps Odoo's matches only: one request, one match.)
        requestWatches = patterns.watchMatchers().filter { $0.matchers.onRequests }
        isNginx = format.name == AccessLogFormat.nginx.name
        formatDB = format.db.map { interner.intern($0) } ?? Event.none
        stats = InputStats(path: "", format: format.name)
    }

    public var linesSoFar: Int { Int(lineNumber) }

    public func begin(file: Int32, path: String, afterLine: Int = 0) -> InputStats? {
        let done = stats.path.isEmpty ? nil : finish()
        fileIndex = file
        lineNumber = Int32(clamping: afterLine)
        sawSession = false
        internalRequests = [:]
        stats = InputStats(path: path, format: format.name)
        return done
    }

    public func flush(into events: inout [Event]) {}

    public func finish() -> InputStats {
        var done = stats
        if sawSession, isNginx { done.format = "nginx+sid" }
        if let top = internalRequests.max(by: { ($0.value, $1.key) < ($1.value, $0.key) }) {
            done.topInternalIP = interner.string(top.key)
            done.topInternalRequests = top.value
        }
        return done
    }

    @discardableResult
    public func parse(_ chunk: UnsafeBufferPointer<UInt8>, from offset: Int = 0, into events: inout [Event], limit: Int = .max) -> Int {
        let before = events.count
        var produced = 0
        return eachLine(chunk, from: offset, while: { before + produced < limit }) { line in
            lineNumber &+= 1
            stats.lines += 1
            if parseLine(line, into: &events) { produced += 1 }
        }
    }

    /// Parses one line; true when it gave an event.
    private func parseLine(_ line: UnsafeBufferPointer<UInt8>, into events: inout [Event]) -> Bool {
        if line.isEmpty || line.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { return false }
        let g = format.groups
        guard matcher.match(line) else {
            if matcher.lastError != 0 {
                unparsed(line, "the \(format.name) pattern could not be matched: \(PCREMatcher.message(matcher.lastError))")
                matcher.lastError = 0
            } else {
                unparsed(line, "does not match the \(format.name) format")
            }
            return false
        }
        guard let timeBytes = matcher.bytes(g.time), let time = format.time.parse(timeBytes, local: localTime) else {
            unparsed(line, "time '\(matcher.string(g.time) ?? "")' does not follow \(format.time.text)")
            return false
        }
        stats.records += 1
        if stats.firstTime == nil { stats.firstTime = time }
        if time > stats.lastTime ?? Millis.min { stats.lastTime = time }
        // The request: separate method and target groups, or nginx's `$request` (`GET /x HTTP/1.1`).
        var method: UnsafeBufferPointer<UInt8>?
        var target: UnsafeBufferPointer<UInt8>?
        if let r = g.request, let request = matcher.bytes(r) {
            guard let space = request.firstIndex(of: 0x20), space > 0 else { return false }  // `-`, junk from scanners
            method = UnsafeBufferPointer(rebasing: request[..<space])
            var end = request.count
            if let last = request.lastIndex(of: 0x20), last > space,
               request[(last + 1)...].starts(with: "HTTP/".utf8) { end = last }
            target = UnsafeBufferPointer(rebasing: request[(space + 1)..<end])
        }
        if let m = g.method, let bytes = present(m) { method = bytes }
        if let t = g.target, let bytes = present(t) { target = bytes }
        guard let method, let target, !method.isEmpty, method.allSatisfy({ $0 >= 0x41 && $0 <= 0x5A }) else { return false }
        var e = Event(time: time, kind: .accessRequest, stream: stream, pid: 0, origin: Origin(file: fileIndex, line: lineNumber))
        e.method = interner.intern(method)
        e.db = formatDB
        if let d = g.db, let db = present(d) { e.db = interner.intern(db) }
        if let s = g.status, let status = matcher.bytes(s), status.count == 3, status.allSatisfy({ $0 >= 48 && $0 <= 57 }) {
            e.status = Int16(status[0] - 48) * 100 + Int16(status[1] - 48) * 10 + Int16(status[2] - 48)
        }
        if let i = g.ip, let ip = present(i) {
            e.ip = addresses.valid(ip, interner)
            if e.ip != Event.none, addresses.isInternal(e.ip) { internalRequests[e.ip, default: 0] += 1 }
        }
        // A user agent is at most `userAgentLimit` bytes: each distinct one is kept for the run, and
        // clients choose theirs.
        if let u = g.userAgent, let ua = present(u), !ua.isEmpty { e.userAgent = intern(UnsafeBufferPointer(rebasing: ua.prefix(Self.userAgentLimit))) }
        if let s = g.session, let sid = matcher.bytes(s) {
            sawSession = true
            e.logsSessions = true
            // Only the identifier (sid[:42]) is kept, even if a format logs more of the cookie: the
            // whole sid is a bearer credential (`odoo-facts.md` §2).
            if !(sid.count == 1 && sid[0] == 0x2D), !sid.isEmpty {
                e.identifier = interner.intern(UnsafeBufferPointer(rebasing: sid.prefix(42)))
                if sid.count > 42 { stats.wholeCookies += 1 }
            }
        } else if isNginx, let u = g.userAgent, let end = matcher.range(u)?.upperBound,
                  let at = Self.find(" sid=", in: UnsafeBufferPointer(rebasing: line[end...])).map({ end + $0 }),
                  line[(at + 5)...].prefix(while: UnparsedLine.isTokenByte).count > 42 {
            stats.wholeCookies += 1  // `sid=$cookie_session_id` after the user agent: the whole cookie, not read
        }
        if let l = g.login, let login = present(l) { e.login = intern(login) }
        // Targets are kept only as their kind and join key; `\xHH` escapes are undone for both.
        let decoded = target.contains(0x5C) ? unescape(target) : nil
        func classify(_ t: UnsafeBufferPointer<UInt8>) -> RequestTarget {
            let kind = RequestTarget(t)
            return kind == .other && RequestTarget.isWebClient(t) ? .webClient : kind
        }
        e.target = decoded.map { d in d.withUnsafeBufferPointer { classify($0) } } ?? classify(target)
        if joinRequests {
            e.joinKey = decoded.map { d in d.withUnsafeBufferPointer { RequestTarget.joinKey(method: method, target: $0, status: e.status) } }
                ?? RequestTarget.joinKey(method: method, target: target, status: e.status)
        }
        if !requestWatches.isEmpty, let s = g.status, let status = matcher.bytes(s) {
            for w in requestWatches where w.matchers.matchesRequest(method: method, path: target, status: status) { e.watch |= w.bit }
            if e.watch != 0 { e.text = interner.intern(UnsafeBufferPointer(rebasing: target.prefix(300))) }
        }
        stats.requests += 1
        events.append(e)
        return true
    }

    static let userAgentLimit = 512

    /// Where `needle` (starting with a space) first occurs in `line`.
    private static func find(_ needle: StaticString, in line: UnsafeBufferPointer<UInt8>) -> Int? {
        guard let base = line.baseAddress else { return nil }
        let n = needle.utf8CodeUnitCount
        var at = 0
        while at + n <= line.count, let hit = memchr(base + at, 0x20, line.count - at - n + 1) {
            let i = UnsafePointer<UInt8>(hit.assumingMemoryBound(to: UInt8.self)) - base
            if memcmp(base + i, needle.utf8Start, n) == 0 { return i }
            at = i + 1
        }
        return nil
    }

    /// Group `n`, unless it did not take part or is nginx's `-` for "none".
    @inline(__always)
    private func present(_ n: Int) -> UnsafeBufferPointer<UInt8>? {
        guard let b = matcher.bytes(n), !(b.count == 1 && b[0] == 0x2D) else { return nil }
        return b
    }

    /// Interns a quoted field, undoing nginx's `\xHH` (and `\"`) escapes.
    private func intern(_ b: UnsafeBufferPointer<UInt8>) -> Int32 {
        guard b.contains(0x5C) else { return interner.intern(b) }
        return unescape(b).withUnsafeBufferPointer { interner.intern($0) }
    }

    /// nginx writes `"`, `\` and control bytes of variables as `\xHH`; other writers use `\"` and `\\`.
    private func unescape(_ b: UnsafeBufferPointer<UInt8>) -> [UInt8] {
        scratch.removeAll(keepingCapacity: true)
        var i = 0
        while i < b.count {
            if b[i] == 0x5C, i + 1 < b.count {
                if b[i + 1] == 0x78, i + 3 < b.count, let h = hexValue(b[i + 2]), let l = hexValue(b[i + 3]) {
                    scratch.append(h << 4 | l)
                    i += 4
                    continue
                }
                if b[i + 1] == 0x22 || b[i + 1] == 0x5C {
                    scratch.append(b[i + 1])
                    i += 2
                    continue
                }
            }
            scratch.append(b[i])
            i += 1
        }
        return scratch
    }

    private func unparsed(_ line: UnsafeBufferPointer<UInt8>, _ reason: String) {
        stats.unparsed += 1
        if stats.unparsedSamples.count < InputStats.sampleLimit {
            stats.unparsedSamples.append(UnparsedLine(line: Int(lineNumber), text: UnparsedLine.readable(line), reason: reason))
        }
    }
}
