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

    /// The first 200 bytes of a line, with control characters shown as U+FFFD.
    static func readable(_ line: UnsafeBufferPointer<UInt8>) -> String {
        let text = String(decoding: UnsafeBufferPointer(rebasing: line[0..<min(line.count, 200)]), as: UTF8.self)
        return String(text.unicodeScalars.map { $0.value < 0x20 || $0.value == 0x7F ? "\u{FFFD}" : Character($0) })
    }
}
