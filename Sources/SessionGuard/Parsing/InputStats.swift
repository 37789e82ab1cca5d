/// What reading one input file gave: the `inputs` entry of the report.
public struct InputStats: Sendable {
    public var path: String
    public var format: String
    public var lines = 0
    /// Header lines: one per log record.
    public var records = 0
    /// Lines attached to the previous record (tracebacks, multi-line messages).
    public var continuations = 0
    public var unparsed = 0
    /// The first few unparsed lines, for the report: (line number, text, why).
    public var unparsedSamples: [UnparsedLine] = []
    public var requests = 0
    public var authEvents = 0
    public var firstTime: Millis?
    public var lastTime: Millis?
    /// From the start-up banner, when the file has one.
    public var odooVersion: String?
    public var bytes = 0
    /// Blocks of forged records written through login names (see `OdooLogParser`), all ignored.
    public var injections = 0
    /// Request lines from the most frequent private address, and that address (proxy check).
    public var topInternalRequests = 0
    public var topInternalIP: String?
    /// Lines logging more of Odoo's session cookie than its 42-character identifier (bearer credentials in the log).
    public var wholeCookies = 0
    /// Set when the file could not be read (the run goes on without it).
    public var error: String?
    /// Lines an earlier run already read (the file was resumed after them), and whether the file
    /// had to be read from the start again because it is shorter than what was read before.
    public var resumedAfterLine = 0
    public var restarted = false

    public init(path: String, format: String) {
        self.path = path
        self.format = format
    }

    public static let sampleLimit = 5
}

/// An unparsed line kept as evidence for the report, cut to a readable length.
public struct UnparsedLine: Sendable {
    public var line: Int
    public var text: String
    public var reason: String

    /// The first 200 bytes of a line, with control characters shown as U+FFFD and any run of more than
    /// 42 session-id characters cut to 42 and `…`: a line quoted as evidence must not carry a whole
    /// Odoo session cookie (84 such characters, a bearer credential) into reports and the store.
    static func readable(_ line: UnsafeBufferPointer<UInt8>) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(min(line.count, 200))
        var run = 0
        for b in line.prefix(200) {
            run = isTokenByte(b) ? run + 1 : 0
            if run == 43 { bytes += "…".utf8 }
            if run <= 42 { bytes.append(b) }
        }
        let text = String(decoding: bytes, as: UTF8.self)
        return String(text.unicodeScalars.map { $0.value < 0x20 || $0.value == 0x7F ? "\u{FFFD}" : Character($0) })
    }

    /// `[A-Za-z0-9_-]`: the characters of an Odoo session id.
    static func isTokenByte(_ b: UInt8) -> Bool {
        (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) || b == 0x5F || b == 0x2D
    }
}
