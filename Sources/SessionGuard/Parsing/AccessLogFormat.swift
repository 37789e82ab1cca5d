import Foundation
import Yams

/// A log that writes one line per HTTP request — nginx's access log, or a front proxy's own shape
/// described by a format file — read with one PCRE2 pattern whose named groups say what is where.
///
/// Groups: `time` (required), `ip`, `method`, `target`, `request` (`METHOD target HTTP/x.y`, when
/// method and target are not separate), `status`, `user_agent`, `session` (the session identifier,
/// sid[:42]), `login`, `db`; others (`referrer`, `bytes`, …) may be named and are ignored. A group
/// that matched `-` counts as absent, as nginx writes it.
public struct AccessLogFormat: Sendable {
    /// `nginx`, or the format file's `name`.
    public let name: String
    public let description: String
    public let regex: PCRERegex
    public let time: TimeFormat
    /// The database of every request, when the format file names one (`db:`); a `db` group wins.
    public let db: String?
    /// Lines that must match (checked at load) — and do, the tests make sure.
    public let samples: [String]
    /// The file it was read from (nil: built in).
    public let file: String?
    let groups: Groups

    struct Groups: Sendable {
        var time = 0, ip: Int?, method: Int?, target: Int?, request: Int?, status: Int?, userAgent: Int?, session: Int?,
            login: Int?, db: Int?
    }

    static let knownGroups = ["time", "ip", "method", "target", "request", "status", "user_agent", "session", "login", "db"]

    public init(name: String, description: String = "", pattern: String, time: TimeFormat, db: String? = nil,
                samples: [String] = [], file: String? = nil) throws(FormatError) {
        // (A pattern's error names its column in the pattern: the pattern is one YAML scalar.)
        self.name = name
        self.description = description
        do { regex = try PCRERegex(pattern) } catch {
            throw FormatError("pattern: \(error.message) at column \(error.column) of the pattern")
        }
        self.time = time
        self.db = db
        self.samples = samples
        self.file = file
        var g = Groups()
        guard let t = regex.groupNumber("time") else { throw FormatError("the pattern has no (?<time>…) group") }
        g.time = t
        g.ip = regex.groupNumber("ip")
        g.method = regex.groupNumber("method")
        g.target = regex.groupNumber("target")
        g.request = regex.groupNumber("request")
        g.status = regex.groupNumber("status")
        g.userAgent = regex.groupNumber("user_agent")
        g.session = regex.groupNumber("session")
        g.login = regex.groupNumber("login")
        g.db = regex.groupNumber("db")
        guard g.ip != nil || g.session != nil else {
            throw FormatError("the pattern names neither (?<ip>…) nor (?<session>…): its lines could not be tied to anybody")
        }
        guard g.target != nil || g.request != nil else {
            throw FormatError("the pattern names neither (?<target>…) nor (?<request>…)")
        }
        groups = g
    }

    /// nginx's default `combined` format, optionally followed by fields of a custom `log_format`
    /// such as `sid=$odoo_sid42` (README, "nginx in front of Odoo"; `odoo-facts.md` §5). nginx
    /// escapes `"` and `\` in variables (`\x22`), so a quoted field ends at the first bare `"`.
    /// After the user agent come any fields, quoted (`"$http_x_forwarded_for"`, whatever a client
    /// sent) or not. The session identifier is the *last* unquoted `sid=` field: one inside a quoted
    /// field is text, and one a client slipped into an unquoted field before it (an unquoted
    /// `$http_x_forwarded_for`) is not the last. Each field is matched possessively, so a line costs
    /// at most one step back per field.
    public static let nginx = try! AccessLogFormat(
        name: "nginx",
        description: "nginx combined, optionally with sid=<session identifier>",
        pattern: #"^(?<ip>\S+) - (?<remote_user>\S+) \[(?<time>[^\]]+)\] "(?<request>(?:[^"\\]++|\\.)*+)" (?<status>\d{3}) (?<bytes>\d+|-) "(?<referrer>(?:[^"\\]++|\\.)*+)" "(?<user_agent>(?:[^"\\]++|\\.)*+)"(?:(?: "(?:[^"\\]++|\\.)*+"| [^ "]++)* sid=(?<session>[A-Za-z0-9_-]{42}|-)(?= |$))?.*$"#,
        time: .clf,
        samples: [
            #"203.0.113.7 - - [14/Mar/2025:10:26:53 +0100] "POST /web/login HTTP/1.1" 303 0 "https://erp.example.com/web/login" "Mozilla/5.0 (X11; Linux x86_64)""#,
            #"2001:db8::5 - - [14/Mar/2025:04:26:53 -0500] "GET /odoo HTTP/2.0" 200 5120 "-" "Mozilla/5.0" sid=AbCdEfGhIjKlMnOpQrStUvWxYz0123456789_-AbCd"#,
        ])

    /// The built-in formats, in the order `auto` tries them.
    public static let builtIn = [nginx]

    // MARK: format files

    static let keys = ["name", "description", "pattern", "time_format", "timezone", "db", "samples"]

    /// Reads a format file: one format (a mapping), or several (a sequence of mappings). Errors name
    /// the file, line and problem; every sample line must match and give a time.
    public static func load(path: String) throws(RuleError) -> [AccessLogFormat] {
        let root = try RuleLoader.compose(path, what: "format file").root
        guard let root else { throw RuleError(file: path, line: 1, column: 1, message: "the format file is empty") }
        let nodes: [Node]
        switch root {
        case .mapping: nodes = [root]
        case .sequence(let items): nodes = Array(items)
        default: throw RuleLoader.located(path, root, "a format file holds a format (a mapping) or a list of them")
        }
        var formats: [AccessLogFormat] = []
        for node in nodes {
            let format = try parse(node, path: path)
            if formats.contains(where: { $0.name == format.name }) {
                throw RuleLoader.located(path, node, "format '\(format.name)' is defined twice")
            }
            formats.append(format)
        }
        return formats
    }

    private static func parse(_ node: Node, path: String) throws(RuleError) -> AccessLogFormat {
        guard case .mapping(let map) = node else { throw RuleLoader.located(path, node, "a format is a mapping") }
        for (key, _) in map {
            let k = key.string ?? ""
            guard keys.contains(k) else {
                let hint = Spelling.suggestion(for: k, among: keys).map { " (did you mean '\($0)'?)" } ?? ""
                throw RuleLoader.located(path, key, "unknown key '\(k)'\(hint)")
            }
        }
        func scalar(_ key: String) throws(RuleError) -> String? {
            guard let value = map[key] else { return nil }
            guard let s = value.string, !s.isEmpty else { throw RuleLoader.located(path, value, "'\(key)' must be a non-empty text") }
            return s
        }
        guard let name = try scalar("name") else { throw RuleLoader.located(path, node, "missing 'name'") }
        guard name.range(of: #"^[a-z0-9][a-z0-9_.-]*$"#, options: .regularExpression) != nil else {
            throw RuleLoader.located(path, map["name"], "name '\(name)': use lower-case letters, digits, '.', '_' and '-'")
        }
        guard !["auto", "odoo", "odoo-syslog", "nginx"].contains(name) else {
            throw RuleLoader.located(path, map["name"], "name '\(name)' is a built-in format's")
        }
        guard let pattern = try scalar("pattern") else { throw RuleLoader.located(path, node, "missing 'pattern'") }
        var zone: TimeZone?
        if let z = try scalar("timezone") {
            guard let tz = TimeZone(identifier: z) else {
                throw RuleLoader.located(path, map["timezone"], "unknown time zone '\(z)' (use a name like Europe/Brussels or UTC)")
            }
            zone = tz
        }
        let timeText = try scalar("time_format") ?? "clf"
        let time: TimeFormat
        do { time = try TimeFormat(timeText, zone: zone) } catch {
            throw RuleLoader.located(path, map["time_format"], "time_format: \(error.message)")
        }
        var samples: [(String, Node)] = []
        if let list = map["samples"] {
            guard case .sequence(let items) = list else { throw RuleLoader.located(path, list, "'samples' is a list of log lines") }
            for item in items {
                guard let s = item.string else { throw RuleLoader.located(path, item, "a sample is one log line") }
                samples.append((s, item))
            }
        }
        guard !samples.isEmpty else {
            throw RuleLoader.located(path, node, "missing 'samples': give at least one real line the pattern must match")
        }
        let description = try scalar("description") ?? "", db = try scalar("db")
        let format: AccessLogFormat
        do {
            format = try AccessLogFormat(name: name, description: description, pattern: pattern, time: time, db: db,
                                         samples: samples.map(\.0), file: path)
        } catch {
            throw RuleLoader.located(path, map["pattern"], error.message)
        }
        for (sample, item) in samples {
            if let problem = format.check(sample) { throw RuleLoader.located(path, item, "sample does not parse: \(problem)") }
        }
        return format
    }

    /// Why `line` would not parse (nil: it parses).
    public func check(_ line: String) -> String? {
        let m = regex.matcher()
        var copy = line
        return copy.withUTF8 { bytes -> String? in
            guard m.match(bytes) else { return "the pattern does not match" }
            guard let t = m.bytes(groups.time), time.parse(t, zone: time.zone ?? TimeZone(identifier: "UTC")!) != nil else {
                return "time '\(m.string(groups.time) ?? "")' does not follow time_format \(time.text)"
            }
            return nil
        }
    }
}

public struct FormatError: Error, CustomStringConvertible, Sendable {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// How a format writes times: `clf` (`14/Mar/2025:09:26:53 +0100`, nginx's `$time_local`),
/// `iso8601` (`$time_iso8601`), `epoch` (seconds, with or without a fraction: `$msec`), or a
/// strftime-like pattern of `%Y %m %d %e %b %H %M %S %f %z` and literal characters. Times
/// without an offset are in the format's `timezone:`, else `--timezone`, else this machine's zone.
public struct TimeFormat: Sendable {
    enum Kind: Sendable { case iso8601, epoch, pattern([Token]) }
    enum Token: Sendable, Equatable { case literal(UInt8), year, month, day, monthName, hour, minute, second, fraction, offset }

    public let text: String
    let kind: Kind
    let zone: TimeZone?

    public static let clf = try! TimeFormat("clf")

    public init(_ text: String, zone: TimeZone? = nil) throws(FormatError) {
        self.text = text
        self.zone = zone
        switch text {
        case "iso8601":
            kind = .iso8601
            return
        case "epoch":
            kind = .epoch
            return
        default: break
        }
        let spec = text == "clf" ? "%d/%b/%Y:%H:%M:%S %z" : text
        var tokens: [Token] = []
        var bytes = Array(spec.utf8)[...]
        while let b = bytes.popFirst() {
            guard b == UInt8(ascii: "%") else { tokens.append(.literal(b)); continue }
            guard let c = bytes.popFirst() else { throw FormatError("'\(text)' ends in a lone %") }
            switch c {
            case UInt8(ascii: "Y"): tokens.append(.year)
            case UInt8(ascii: "m"): tokens.append(.month)
            case UInt8(ascii: "d"), UInt8(ascii: "e"): tokens.append(.day)
            case UInt8(ascii: "b"): tokens.append(.monthName)
            case UInt8(ascii: "H"): tokens.append(.hour)
            case UInt8(ascii: "M"): tokens.append(.minute)
            case UInt8(ascii: "S"): tokens.append(.second)
            case UInt8(ascii: "f"): tokens.append(.fraction)
            case UInt8(ascii: "z"): tokens.append(.offset)
            case UInt8(ascii: "%"): tokens.append(.literal(c))
            default:
                throw FormatError("'%\(Character(UnicodeScalar(c)))' in '\(text)' is not supported (use clf, iso8601, epoch or %Y %m %d %e %b %H %M %S %f %z)")
            }
        }
        for needed in [Token.year, .day, .hour, .minute, .second] where !tokens.contains(needed) {
            throw FormatError("'\(text)' lacks \(needed) (%Y, %d, %H, %M and %S are needed)")
        }
        guard tokens.contains(.month) || tokens.contains(.monthName) else { throw FormatError("'\(text)' lacks the month (%m or %b)") }
        kind = .pattern(tokens)
    }

    /// Epoch milliseconds, or nil when `b` does not follow the format, for cold paths: times without
    /// an offset are in the format's own zone, else `fallback`.
    func parse(_ b: UnsafeBufferPointer<UInt8>, zone fallback: TimeZone) -> Millis? {
        parse(b, local: LocalTime(zone ?? fallback))
    }

    /// Epoch milliseconds, or nil when `b` does not follow the format; times without an offset are
    /// in `local`'s zone (a parser's, made once from `zone ?? --timezone`).
    func parse(_ b: UnsafeBufferPointer<UInt8>, local localTime: LocalTime) -> Millis? {
        switch kind {
        case .iso8601:
            guard let t = UTC.parse(bytes: b) else { return nil }
            // Without an offset, the time is local to the zone.
            let hasZone = b.last == UInt8(ascii: "Z") || (b.count > 19 && b[19...].contains { $0 == 43 || $0 == 45 })
            return hasZone ? t : localTime.utc(t / 1000) * 1000 + t % 1000
        case .epoch:
            var seconds: Int64 = 0, ms: Int64 = 0, digits = 0, i = 0
            while i < b.count, b[i] >= 48, b[i] <= 57 { seconds = seconds * 10 + Int64(b[i] - 48); i += 1; digits += 1 }
            guard digits > 0, digits <= 12 else { return nil }
            if i < b.count, b[i] == 46 {
                i += 1
                ms = Int64(UTC.milliseconds(b, at: &i) ?? 0)
            }
            return i == b.count ? seconds * 1000 + ms : nil
        case .pattern(let tokens):
            var i = 0
            var year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0, ms = 0
            var offset: Int?
            func number(_ maxDigits: Int, allowSpace: Bool = false) -> Int? {
                var v = 0, n = 0
                if allowSpace, i < b.count, b[i] == 0x20 { i += 1; n += 1 }
                while n < maxDigits, i < b.count, b[i] >= 48, b[i] <= 57 { v = v * 10 + Int(b[i] - 48); i += 1; n += 1 }
                return n > 0 ? v : nil
            }
            for token in tokens {
                switch token {
                case .literal(let c):
                    guard i < b.count, b[i] == c else { return nil }
                    i += 1
                case .year: guard let v = number(4) else { return nil }; year = v
                case .month: guard let v = number(2) else { return nil }; month = v
                case .day: guard let v = number(2, allowSpace: true) else { return nil }; day = v
                case .hour: guard let v = number(2) else { return nil }; hour = v
                case .minute: guard let v = number(2) else { return nil }; minute = v
                case .second: guard let v = number(2) else { return nil }; second = v
                case .fraction:
                    guard let v = UTC.milliseconds(b, at: &i) else { return nil }
                    ms = v
                case .monthName:
                    guard i + 3 <= b.count else { return nil }
                    guard let m = UTC.month(named: b[i], b[i + 1], b[i + 2]) else { return nil }
                    month = m
                    i += 3
                case .offset:
                    guard i < b.count else { return nil }
                    if b[i] == UInt8(ascii: "Z") { offset = 0; i += 1; continue }
                    guard b[i] == 43 || b[i] == 45 else { return nil }
                    let sign = b[i] == 43 ? 1 : -1
                    i += 1
                    guard let h = number(2) else { return nil }
                    if i < b.count, b[i] == 58 { i += 1 }
                    guard let m = number(2), h <= 23, m <= 59 else { return nil }
                    offset = sign * (h * 3600 + m * 60)
                }
            }
            guard i == b.count, (1...12).contains(month), day >= 1, day <= UTC.daysIn(month: month, year: year), hour < 24, minute < 60,
                  second < 61 else { return nil }
            let local = Int64(UTC.days(year: year, month: month, day: day)) * 86_400 + Int64(hour * 3600 + minute * 60 + second)
            return (offset.map { local - Int64($0) } ?? localTime.utc(local)) * 1000 + Int64(ms)
        }
    }
}
