/// A stretch of continuous activity of a session at one address: requests less than `Visits.gap`
/// apart belong to one visit. Visits, not just first and last sight, are what lets the travel
/// detectors tell a user who is *at* two places at once from one who left one for the other.
public struct Visit: Sendable, Hashable {
    public var start: Millis
    public var end: Millis

    public init(_ start: Millis, _ end: Millis) {
        self.start = start
        self.end = end
    }

    public func overlaps(_ other: Visit) -> Bool { start <= other.end && other.start <= end }
}

/// Operations on a session address's visits: sorted by start, disjoint, more than `gap` apart.
public enum Visits {
    /// Requests further apart than this start a new visit (30 minutes, a common "visit" definition).
    public static let gap: Millis = 30 * 60_000
    /// A cap per session address; beyond it the oldest visits are forgotten (merging neighbours
    /// instead would make visits that span nights, and false concurrency with them).
    public static let limit = 256

    /// Records activity at `time`. Events come nearly in time order, so this is O(1) almost always.
    @inline(__always)
    public static func add(_ time: Millis, to visits: inout [Visit]) {
        if let last = visits.last {
            if time >= last.start {
                if time - last.end > gap { visits.append(Visit(time, time)) } else if time > last.end { visits[visits.count - 1].end = time }
                if visits.count > limit { visits.removeFirst(visits.count - limit) }
                return
            }
        } else {
            visits.append(Visit(time, time))
            return
        }
        merge(&visits, [Visit(time, time)])
    }

    /// Merges `other` into `visits` (both sorted): overlapping or close visits become one. Merging
    /// is idempotent, so re-reading the same log changes nothing.
    public static func merge(_ visits: inout [Visit], _ other: [Visit]) {
        guard !other.isEmpty else { return }
        var all = (visits + other).sorted { ($0.start, $0.end) < ($1.start, $1.end) }
        var out: [Visit] = []
        out.reserveCapacity(all.count)
        for v in all {
            if let last = out.last, v.start - last.end <= gap {
                out[out.count - 1].end = max(last.end, v.end)
            } else {
                out.append(v)
            }
        }
        all = out
        if all.count > limit { all.removeFirst(all.count - limit) }
        visits = all
    }

    /// `visits` sorted and merged (as `merge` leaves them). The store keeps visit lists in this form
    /// only: PostgreSQL's `sg_merge_visits` relies on it. Sources that give two points of one stretch
    /// (session files, the device log) may give them closer than `gap`.
    public static func normalized(_ visits: [Visit]) -> [Visit] {
        var result: [Visit] = []
        merge(&result, visits)
        return result
    }

    /// The store's text form: `start-end` in epoch milliseconds, comma separated.
    public static func encode(_ visits: [Visit]) -> String {
        visits.map { "\($0.start)-\($0.end)" }.joined(separator: ",")
    }

    /// Parses `encode`'s form; malformed parts are skipped. (Byte by byte: the store reads one
    /// list per session address, and `split` + `Int(_:)` dominated reading histories.)
    public static func decode(_ text: String?) -> [Visit] {
        guard var text, !text.isEmpty else { return [] }
        var result: [Visit] = []
        text.withUTF8 { bytes in
            var a: Millis = 0, b: Millis = 0, digits = 0, second = false, valid = true
            func finish() {
                if valid, second, digits > 0, a <= b { result.append(Visit(a, b)) }
                a = 0; b = 0; digits = 0; second = false; valid = true
            }
            for byte in bytes {
                switch byte {
                case UInt8(ascii: "0")...UInt8(ascii: "9"):
                    let d = Millis(byte - UInt8(ascii: "0"))
                    if digits >= 18 { valid = false }
                    if second { b = b &* 10 &+ d } else { a = a &* 10 &+ d }
                    digits += 1
                case UInt8(ascii: "-"):
                    if second || digits == 0 { valid = false }
                    second = true
                    digits = 0
                case UInt8(ascii: ","): finish()
                default: valid = false
                }
            }
            finish()
        }
        return result.sorted { $0.start < $1.start }
    }

    /// `merge` over the text form: the SQL function the store uses when a session address is seen again.
    public static func mergeEncoded(_ a: String?, _ b: String?) -> String {
        var visits = decode(a)
        merge(&visits, decode(b))
        return encode(visits)
    }
}
