import Foundation

/// Maps byte strings (IPs, databases, logins, identifiers) to dense `Int32` ids.
///
/// Looking up a value already seen allocates nothing, which is what keeps the per-line cost of the
/// parser low: a `String` is built once per distinct value, on demand.
public final class Interner {
    private var arena: [UInt8] = []
    private var starts: [Int] = []
    private var lengths: [Int] = []
    private var slots: [Int32]
    private var mask: Int
    private var cache: [String?] = []

    public init() {
        slots = Array(repeating: -1, count: 1024)
        mask = 1023
        arena.reserveCapacity(1 << 16)
    }

    public var count: Int { starts.count }

    @inline(__always)
    static func hash(_ bytes: UnsafeBufferPointer<UInt8>) -> Int {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in bytes { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
        return Int(truncatingIfNeeded: h ^ (h >> 29))
    }

    /// The id of `bytes`, adding it if new.
    @inline(__always)
    public func intern(_ bytes: UnsafeBufferPointer<UInt8>) -> Int32 {
        var i = Interner.hash(bytes) & mask
        while true {
            let id = slots[i]
            if id < 0 { break }
            if equals(Int(id), bytes) { return id }
            i = (i + 1) & mask
        }
        let id = Int32(starts.count)
        starts.append(arena.count)
        lengths.append(bytes.count)
        arena.append(contentsOf: bytes)
        cache.append(nil)
        slots[i] = id
        if starts.count * 2 > slots.count { grow() }
        return id
    }

    public func intern(_ string: String) -> Int32 {
        var s = string
        return s.withUTF8 { intern($0) }
    }

    /// The string for `id` (built once, then cached).
    public func string(_ id: Int32) -> String {
        let i = Int(id)
        if let s = cache[i] { return s }
        let s = String(decoding: arena[starts[i]..<(starts[i] + lengths[i])], as: UTF8.self)
        cache[i] = s
        return s
    }

    @inline(__always)
    private func equals(_ id: Int, _ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard lengths[id] == bytes.count else { return false }
        if bytes.isEmpty { return true }
        let start = starts[id]
        return arena.withUnsafeBufferPointer { a in
            memcmp(a.baseAddress! + start, bytes.baseAddress!, bytes.count) == 0
        }
    }

    private func grow() {
        let size = slots.count * 2
        slots = Array(repeating: -1, count: size)
        mask = size - 1
        for id in 0..<starts.count {
            let h = arena.withUnsafeBufferPointer { a in
                Interner.hash(UnsafeBufferPointer(rebasing: a[starts[id]..<(starts[id] + lengths[id])]))
            }
            var i = h & mask
            while slots[i] >= 0 { i = (i + 1) & mask }
            slots[i] = Int32(id)
        }
    }
}
