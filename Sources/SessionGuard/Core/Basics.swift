import Foundation

/// The tool's version, recorded in every run.
public enum SessionGuardVersion {
    public static let current = "0.1.0"
}

/// How serious a finding or recommendation is. Ordered: `info < low < medium < high < critical`.
public enum Severity: String, Codable, Sendable, CaseIterable, Comparable {
    case info, low, medium, high, critical

    var rank: Int { Severity.allCases.firstIndex(of: self)! }
    public static func < (a: Severity, b: Severity) -> Bool { a.rank < b.rank }

    /// `steps` levels up (positive) or down, staying within info...critical.
    public func shifted(_ steps: Int) -> Severity {
        Severity.allCases[min(max(rank + steps, 0), Severity.allCases.count - 1)]
    }
}

/// Milliseconds since the Unix epoch, UTC. Odoo logs are UTC (it forces `TZ=UTC`).
public typealias Millis = Int64

/// Calendar arithmetic without Foundation's `Calendar`, which is far too slow for the hot path.
public enum UTC {
    /// Days since 1970-01-01 for a proleptic Gregorian date (Howard Hinnant's `days_from_civil`).
    @inline(__always)
    public static func days(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// `Jan` … `Dec` (any case) → 1 … 12.
    @inline(__always)
    static func month(named a: UInt8, _ b: UInt8, _ c: UInt8) -> Int? {
        let name = (UInt32(a | 0x20) << 16) | (UInt32(b | 0x20) << 8) | UInt32(c | 0x20)
        return monthNames.firstIndex(of: name).map { $0 + 1 }
    }

    private static let monthNames: [UInt32] = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"].map { name in
        name.utf8.reduce(0) { $0 << 8 | UInt32($1) }
    }

    /// Days in a month of the proleptic Gregorian calendar.
    public static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// The civil date of a day number (inverse of `days`).
    public static func civil(days z0: Int) -> (year: Int, month: Int, day: Int) {
        let z = z0 + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }

    /// ISO 8601 with `Z`, second resolution: `2025-03-14T09:26:53Z`.
    public static func iso(_ ms: Millis) -> String {
        let secs = Int(ms >= 0 ? ms / 1000 : (ms - 999) / 1000)
        let day = secs >= 0 ? secs / 86_400 : (secs - 86_399) / 86_400
        let rem = secs - day * 86_400
        let (y, m, d) = civil(days: day)
        func two(_ v: Int) -> String { v < 10 ? "0\(v)" : "\(v)" }
        return "\(y)-\(two(m))-\(two(d))T\(two(rem / 3600)):\(two(rem / 60 % 60)):\(two(rem % 60))Z"
    }

    /// Parses `2025-03-14T09:26:53Z`, `2025-03-14 09:26:53`, `2025-03-14T09:26:53+02:00` or `2025-03-14`
    /// (midnight UTC). Returns nil for anything else.
    public static func parse(_ text: String) -> Millis? {
        var copy = text
        return copy.withUTF8 { parse(bytes: $0) }
    }

    /// The decimal fraction of a second at `i` (digits after the point) in milliseconds, moving `i`
    /// past it; nil when there is no digit.
    static func milliseconds(_ b: UnsafeBufferPointer<UInt8>, at i: inout Int) -> Int? {
        var ms = 0, digits = 0
        while i < b.count, b[i] >= 48, b[i] <= 57 {
            if digits < 3 { ms = ms * 10 + Int(b[i] - 48) }
            digits += 1
            i += 1
        }
        guard digits > 0 else { return nil }
        for _ in digits..<3 where digits < 3 { ms *= 10 }
        return ms
    }

    static func parse(bytes b: UnsafeBufferPointer<UInt8>) -> Millis? {
        func num(_ from: Int, _ count: Int) -> Int? {
            guard from + count <= b.count else { return nil }
            var v = 0
            for i in from..<(from + count) {
                let c = b[i]
                guard c >= 48 && c <= 57 else { return nil }
                v = v * 10 + Int(c - 48)
            }
            return v
        }
        guard b.count >= 10, b[4] == 45, b[7] == 45,
              let y = num(0, 4), let mo = num(5, 2), let d = num(8, 2),
              (1...12).contains(mo), d >= 1, d <= daysIn(month: mo, year: y) else { return nil }
        var secs = days(year: y, month: mo, day: d) * 86_400
        if b.count == 10 { return Millis(secs) * 1000 }
        guard b.count >= 19, b[10] == 84 || b[10] == 32, b[13] == 58, b[16] == 58,
              let h = num(11, 2), let mi = num(14, 2), let s = num(17, 2), h < 24, mi < 60, s < 61
        else { return nil }
        secs += h * 3600 + mi * 60 + s
        var i = 19
        var ms = 0
        if i < b.count, b[i] == 46 || b[i] == 44 {
            i += 1
            guard let fraction = milliseconds(b, at: &i) else { return nil }
            ms = fraction
        }
        if i == b.count { return Millis(secs) * 1000 + Millis(ms) }
        if b[i] == 90, i + 1 == b.count { return Millis(secs) * 1000 + Millis(ms) }
        if b[i] == 43 || b[i] == 45, b.count == i + 6 && b[i + 3] == 58 || b.count == i + 5,
           let oh = num(i + 1, 2), let om = num(b.count - 2, 2) {
            let offset = (oh * 3600 + om * 60) * (b[i] == 43 ? 1 : -1)
            return Millis(secs - offset) * 1000 + Millis(ms)
        }
        return nil
    }
}

/// Local times of one zone turned into UTC, each local hour's offset looked up once: Foundation's
/// time zone lookup is far too slow for every line of a log. One per parser (not shared between
/// threads).
final class LocalTime {
    let zone: TimeZone
    private var offsets: [Int64: Int] = [:]

    init(_ zone: TimeZone) { self.zone = zone }

    /// Seconds since the epoch (UTC) of `local`, seconds since the epoch read as if the zone were UTC.
    /// A local time a change skips or repeats takes the offset in force an hour before it, as syslog does.
    func utc(_ local: Int64) -> Int64 {
        let hour = local >= 0 ? local / 3600 : (local - 3599) / 3600
        if let known = offsets[hour] { return local - Int64(known) }
        let guess = zone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(local)))
        let offset = zone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(local - Int64(guess))))
        offsets[hour] = offset
        return local - Int64(offset)
    }
}

/// Durations written the way people write them in rule files: `90s`, `15m`, `12h`, `7d`, `2w`.
public enum Duration {
    public static func parseSeconds(_ text: String) -> Int? {
        let t = text.trimmingCharacters(in: .whitespaces)
        guard let unit = t.last else { return nil }
        let factor: Int
        switch unit {
        case "s": factor = 1
        case "m": factor = 60
        case "h": factor = 3600
        case "d": factor = 86_400
        case "w": factor = 604_800
        default:
            guard let n = Int(t), n >= 0, n <= maximum else { return nil }
            return n
        }
        guard let n = Int(t.dropLast()), n >= 0 else { return nil }
        let (seconds, overflow) = n.multipliedReportingOverflow(by: factor)
        return overflow || seconds > maximum ? nil : seconds
    }

    /// A hundred years: longer durations are typos, and would overflow in milliseconds.
    public static let maximum = 100 * 366 * 86_400

    /// `1d 3h`-style rendering for summaries.
    public static func describe(seconds: Int) -> String {
        let d = seconds / 86_400, h = seconds / 3600 % 24, m = seconds / 60 % 60
        if d > 0 { return h > 0 ? "\(d)d \(h)h" : "\(d)d" }
        if h > 0 { return m > 0 ? "\(h)h \(m)m" : "\(h)h" }
        return "\(max(m, 0))m"
    }
}

/// A short stable hexadecimal digest (FNV-1a 64) for identifiers that must not change between runs.
public enum StableHash {
    public static func hex(_ parts: [String]) -> String {
        let s = String(value(parts), radix: 16)
        return String(repeating: "0", count: 16 - s.count) + s
    }

    /// The digest itself, for arithmetic on it (partitions).
    public static func value(_ parts: [String]) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for (i, part) in parts.enumerated() {
            if i > 0 { h = (h ^ 0x1f) &* 0x100_0000_01b3 }
            for byte in part.utf8 { h = (h ^ UInt64(byte)) &* 0x100_0000_01b3 }
        }
        return h
    }
}
