import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// An IPv4 or IPv6 address as 16 bytes (IPv4 kept as such, not mapped), parsed with `inet_pton`.
public struct IPAddress: Hashable, Sendable, CustomStringConvertible {
    public let bytes: [UInt8]
    public var isV4: Bool { bytes.count == 4 }

    public init?(_ text: String) {
        var t = text
        if t.hasPrefix("[") && t.hasSuffix("]") { t = String(t.dropFirst().dropLast()) }
        if let zone = t.firstIndex(of: "%") { t = String(t[..<zone]) }
        if t.contains(":") {
            var a = in6_addr()
            guard inet_pton(AF_INET6, t, &a) == 1 else { return nil }
            let raw = withUnsafeBytes(of: &a) { Array($0) }
            // ::ffff:a.b.c.d is an IPv4 client seen through a dual-stack socket.
            if raw[0..<10].allSatisfy({ $0 == 0 }) && raw[10] == 0xFF && raw[11] == 0xFF {
                bytes = Array(raw[12..<16])
            } else {
                bytes = raw
            }
        } else {
            var a = in_addr()
            guard inet_pton(AF_INET, t, &a) == 1 else { return nil }
            bytes = withUnsafeBytes(of: &a) { Array($0) }
        }
    }

    init(bytes: [UInt8]) { self.bytes = bytes }

    public var description: String {
        var out = [CChar](repeating: 0, count: 64)
        if isV4 {
            var a = in_addr()
            withUnsafeMutableBytes(of: &a) { $0.copyBytes(from: bytes) }
            inet_ntop(AF_INET, &a, &out, socklen_t(out.count))
        } else {
            var a = in6_addr()
            withUnsafeMutableBytes(of: &a) { $0.copyBytes(from: bytes) }
            inet_ntop(AF_INET6, &a, &out, socklen_t(out.count))
        }
        let end = out.firstIndex(of: 0) ?? out.count
        return String(decoding: out[..<end].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// The address with all bits past `prefix` cleared.
    public func masked(_ prefix: Int) -> IPAddress {
        var b = bytes
        for i in 0..<b.count {
            let keep = max(0, min(8, prefix - i * 8))
            b[i] &= keep == 8 ? 0xFF : UInt8(truncatingIfNeeded: 0xFF << (8 - keep))
        }
        return IPAddress(bytes: b)
    }

    /// The network of this address as `a.b.c.0/24` or `2001:db8::/64` for the given prefixes.
    public func network(v4Prefix: Int = 24, v6Prefix: Int = 64) -> String {
        let p = isV4 ? v4Prefix : v6Prefix
        return "\(masked(p))/\(p)"
    }

    /// Addresses that say nothing about where a person is, so they are never looked up:
    /// private (RFC 1918, ULA), loopback, link-local, CGNAT shared space, unspecified, multicast and
    /// reserved. Documentation ranges (192.0.2.0/24, 198.51.100.0/24, 203.0.113.0/24, 2001:db8::/32)
    /// are *not* internal: they stand for public clients in examples, tests and the samples.
    public var isInternal: Bool { Self.internalNetworks.contains { $0.contains(self) } }

    static let internalNetworks: [CIDR] = [
        "0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16", "172.16.0.0/12",
        "192.168.0.0/16", "198.18.0.0/15", "224.0.0.0/4", "240.0.0.0/4",
        "::/127", "fc00::/7", "fe80::/10", "ff00::/8",
    ].map { CIDR($0)! }
}

/// A network in CIDR notation (`10.0.0.0/8`, `2001:db8::/32`); a bare address is a /32 or /128.
public struct CIDR: Hashable, Sendable, CustomStringConvertible {
    public let network: IPAddress
    public let prefix: Int

    public init?(_ text: String) {
        let parts = text.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        guard let first = parts.first, let address = IPAddress(String(first)) else { return nil }
        let maxPrefix = address.isV4 ? 32 : 128
        if parts.count == 2 {
            guard let p = Int(parts[1]), (0...maxPrefix).contains(p) else { return nil }
            prefix = p
        } else {
            prefix = maxPrefix
        }
        network = address.masked(prefix)
    }

    public func contains(_ address: IPAddress) -> Bool {
        address.isV4 == network.isV4 && address.masked(prefix) == network
    }

    public var description: String { "\(network)/\(prefix)" }
}
