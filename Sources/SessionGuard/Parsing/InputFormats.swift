import Foundation

/// The formats a run reads (`design.md` §3) and how each input's is chosen: `--format` names one
/// for every input, or `auto` (the default) sniffs each file from its first non-empty lines.
public struct InputFormats: Sendable {
    /// `auto`, `odoo`, `odoo-syslog`, `nginx`, or a format file's name.
    public var choice: String
    /// Formats read from format files (`--format-file`, `formats:` in the configuration).
    public var custom: [AccessLogFormat]

    public init(choice: String = "auto", custom: [AccessLogFormat] = []) {
        self.choice = choice
        self.custom = custom
    }

    /// Loads format files; a name defined twice, in one file or two, is an error.
    public static func load(files: [String]) throws(RuleError) -> [AccessLogFormat] {
        var formats: [AccessLogFormat] = []
        for file in files {
            for format in try AccessLogFormat.load(path: file) {
                if let other = formats.first(where: { $0.name == format.name }) {
                    throw RuleError(file: file, line: 1, column: 1,
                                    message: "format '\(format.name)' is also defined in \(other.file ?? "?"): names must be unique")
                }
                formats.append(format)
            }
        }
        return formats
    }

    /// Every name `--format` takes.
    public var names: [String] { ["auto", "odoo", "odoo-syslog"] + AccessLogFormat.builtIn.map(\.name) + custom.map(\.name) }

    /// What is wrong with `choice`, if it names no format.
    public var problem: String? {
        guard !names.contains(choice) else { return nil }
        let hint = Spelling.suggestion(for: choice, among: names).map { " (did you mean '\($0)'?)" } ?? ""
        return "unknown format '\(choice)'\(hint): use one of \(names.joined(separator: ", ")), or describe it in a format file (--format-file)"
    }

    /// The access-log formats `auto` tries after Odoo's, the user's own first: on a line both
    /// match (a format file extending nginx's combined), the file's is what was meant.
    var accessFormats: [AccessLogFormat] { custom + AccessLogFormat.builtIn }

    /// The access-log format `choice` names, if it names one.
    var forced: AccessLogFormat? { accessFormats.first { $0.name == choice } }

    /// How many of the first lines sniffing looks at.
    static let sniffLines = 20

    enum Sniffed { case odoo, access(AccessLogFormat) }

    /// The format most of `lines` (the first non-empty lines of a file) follow, Odoo's winning ties;
    /// nil when not one line follows any.
    func sniff(_ lines: [UnsafeBufferPointer<UInt8>], patterns: OdooPatterns) -> Sniffed? {
        let syslog = patterns.syslog.matcher()
        let odoo = lines.filter { OdooLogParser.headerTime($0) != nil || syslog.match($0) }.count
        var best: (score: Int, format: AccessLogFormat?) = (odoo, nil)
        let utc = TimeZone(identifier: "UTC")!
        for format in accessFormats {
            let m = format.regex.matcher()
            let score = lines.filter { line in
                m.match(line) && m.bytes(format.groups.time).flatMap { format.time.parse($0, zone: utc) } != nil
            }.count
            if score > best.score { best = (score, format) }
        }
        guard best.score > 0 else { return nil }
        return best.format.map { .access($0) } ?? .odoo
    }

    /// The time of a line's record in any format `auto` knows (for ordering the files of a rotated set).
    func recordTime(_ line: UnsafeBufferPointer<UInt8>, matchers: [(AccessLogFormat, PCREMatcher)]) -> Millis? {
        if let t = OdooLogParser.headerTime(line) { return t }
        let utc = TimeZone(identifier: "UTC")!
        for (format, m) in matchers where m.match(line) {
            if let b = m.bytes(format.groups.time), let t = format.time.parse(b, zone: utc) { return t }
        }
        return nil
    }

    /// What `auto` reads `path` as (for `config check`): a format's name, `unknown`, or nil for a file without lines.
    public func sniffedName(_ path: String) -> String? {
        let parser = SniffingParser(formats: self, interner: Interner(), patterns: OdooPatterns(), stream: 0)
        _ = parser.begin(file: 0, path: path, afterLine: 0)
        return parser.chosenName
    }

    /// Whether an Odoo log shows request lines in its first 2,000 lines: at `log_level = warn` it has
    /// none, and sign-ins must then come from the access log.
    public static func odooLogShowsRequests(_ path: String) -> Bool {
        guard let reader = try? ChunkedReader(path: path, window: 256 << 10) else { return false }
        var found = false, lines = 0
        let needle = Array("werkzeug:".utf8)  // ` werkzeug: ` in Odoo's header, `:werkzeug:` in its syslog records
        try? reader.forEachLine { line in
            lines += 1
            let head = line.prefix(300)
            found = head.count >= needle.count
                && (head.startIndex...(head.endIndex - needle.count)).contains { i in head[i..<(i + needle.count)].elementsEqual(needle) }
            return !found && lines < 2000
        }
        return found
    }

    /// The time of a line in Odoo's log or a built-in access-log format (nil: neither, or no time).
    public static func lineTime(_ text: String) -> Millis? {
        let formats = InputFormats()
        let matchers = formats.accessFormats.map { ($0, $0.regex.matcher()) }
        var copy = text
        return copy.withUTF8 { formats.recordTime($0, matchers: matchers) }
    }

    /// The parser for a stream: the forced format's, or one that sniffs its first chunk.
    func parser(interner: Interner, patterns: OdooPatterns, stream: Int32) -> any LogParser {
        if let format = forced { return AccessLogParser(format: format, interner: interner, patterns: patterns, stream: stream) }
        if choice == "auto" { return SniffingParser(formats: self, interner: interner, patterns: patterns, stream: stream) }
        return OdooLogParser(interner: interner, patterns: patterns, stream: stream)
    }
}

/// `auto`: the first chunk of a stream decides its parser (`InputFormats.sniff`), which then reads
/// the stream's files. A stream nothing matches is read as an Odoo log, so that its lines are
/// counted and sampled as unparsed and the run reports it as an input error naming the file and
/// its first line.
final class SniffingParser: LogParser {
    let formats: InputFormats
    let interner: Interner
    let patterns: OdooPatterns
    let stream: Int32
    private var chosen: (any LogParser)?
    private var unmatched = false
    private var pending: (file: Int32, path: String, afterLine: Int)?

    init(formats: InputFormats, interner: Interner, patterns: OdooPatterns, stream: Int32) {
        self.formats = formats
        self.interner = interner
        self.patterns = patterns
        self.stream = stream
    }

    var linesSoFar: Int { chosen?.linesSoFar ?? pending?.afterLine ?? 0 }

    var chosenName: String? {
        guard let chosen else { return nil }
        if unmatched { return "unknown" }
        return (chosen as? AccessLogParser)?.format.name ?? "odoo"
    }

    func begin(file: Int32, path: String, afterLine: Int) -> InputStats? {
        if chosen == nil, path != "-", let reader = try? ChunkedReader(path: path, window: 64 << 10) {
            // A file is sniffed from its head, also when this run reads it from where the last one stopped.
            var head: [UInt8] = []
            var lines = 0
            try? reader.forEachLine { line in
                head += line
                head.append(0x0A)
                lines += 1
                return lines < 4 * InputFormats.sniffLines
            }
            if lines > 0 { head.withUnsafeBufferPointer { choose($0) } }
        }
        if let chosen { return chosen.begin(file: file, path: path, afterLine: afterLine) }
        pending = (file, path, afterLine)
        return nil
    }

    func parse(_ chunk: UnsafeBufferPointer<UInt8>, from offset: Int, into events: inout [Event], limit: Int) -> Int {
        if chosen == nil { choose(chunk) }
        return chosen!.parse(chunk, from: offset, into: &events, limit: limit)
    }

    func flush(into events: inout [Event]) { chosen?.flush(into: &events) }

    func finish() -> InputStats {
        guard let chosen else { return InputStats(path: pending?.path ?? "", format: "auto") }
        var stats = chosen.finish()
        if unmatched, stats.records == 0 { stats.format = "unknown" }
        return stats
    }

    private func choose(_ chunk: UnsafeBufferPointer<UInt8>) {
        var lines: [UnsafeBufferPointer<UInt8>] = []
        _ = eachLine(chunk, from: 0, while: { lines.count < InputFormats.sniffLines }) { line in
            if !line.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { lines.append(line) }
        }
        let parser: any LogParser
        switch formats.sniff(lines, patterns: patterns) {
        case .access(let format)?: parser = AccessLogParser(format: format, interner: interner, patterns: patterns, stream: stream)
        case .odoo?: parser = OdooLogParser(interner: interner, patterns: patterns, stream: stream)
        case nil:
            unmatched = true
            parser = OdooLogParser(interner: interner, patterns: patterns, stream: stream)
        }
        if let p = pending {
            _ = parser.begin(file: p.file, path: p.path, afterLine: p.afterLine)
            pending = nil
        }
        chosen = parser
    }
}
