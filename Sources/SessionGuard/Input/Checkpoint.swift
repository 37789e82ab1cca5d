import Foundation

/// Who a log file is, whatever its name: logrotate renames `odoo.log` to `odoo.log.1` and
/// compresses it to `odoo.log.2.gz`, and the content's first bytes stay the same. The head is taken
/// from the content (inflated for `.gz`) and only from complete lines.
public struct SourceIdentity: Sendable {
    public static let headLength = 4096

    public var path: String
    public var device: UInt64
    public var inode: UInt64
    /// Up to `headLength` bytes from the start of the content.
    public var head: [UInt8]

    /// The identity of `path`; nil for standard input or a file that cannot be opened (reading it
    /// will say why).
    public static func of(_ path: String) -> SourceIdentity? {
        guard path != "-", let reader = try? ChunkedReader(path: path, window: 64 << 10) else { return nil }
        var st = stat()
        guard stat(path, &st) == 0 else { return nil }
        reader.holdUnfinishedLine = true
        let first = (try? reader.next()).flatMap { $0 }
        let head = first.map { Array($0.prefix(headLength)) } ?? []
        return SourceIdentity(path: path, device: UInt64(st.st_dev), inode: UInt64(st.st_ino), head: head)
    }

    /// The content's key: the head's length and digest (the same for a renamed or compressed copy).
    public var key: String { "\(head.count):\(hash(length: head.count))" }

    /// The digest of the first `length` bytes of the head.
    public func hash(length: Int) -> String {
        var h1: UInt64 = 0xcbf2_9ce4_8422_2325, h2: UInt64 = 0x8422_2325_cbf2_9ce4
        for b in head.prefix(length) {
            h1 = (h1 ^ UInt64(b)) &* 0x100_0000_01b3
            h2 = (h2 &+ UInt64(b)) &* 0x9e37_79b9_7f4a_7c15
        }
        return String(h1, radix: 16) + String(h2, radix: 16)
    }
}

/// How far an earlier run read a file: its content bytes and lines up to the last complete line.
public struct Checkpoint: Sendable, Equatable {
    public var consumed: Int
    public var lines: Int

    public init(consumed: Int, lines: Int) {
        self.consumed = consumed
        self.lines = lines
    }
}
