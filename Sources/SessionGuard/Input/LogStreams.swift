import Foundation

/// Groups the files of a run into streams: one per rotated set (`odoo.log`, `odoo.log.1`,
/// `odoo.log.2.gz`, `odoo.log.2025-03-01`…), each set ordered by the time of its first record so the
/// set reads as one continuous log. Separate sets (other hosts) are merged record by record.
public enum RotatedSets {
    static let rotationSuffix = try! PCRERegex(#"(?:[.-](?:\d{1,4}|\d{4}-?\d\d-?\d\d))+$"#)

    /// `odoo.log.2.gz` → `odoo.log`; `odoo.log-20250301` → `odoo.log`.
    public static func base(of path: String) -> String {
        var p = path
        if p.hasSuffix(".gz") { p.removeLast(3) }
        let m = rotationSuffix.matcher()
        var copy = p
        let cut: Int? = copy.withUTF8 { m.match($0) ? m.range(0)!.lowerBound : nil }
        if let cut, cut > 0 { p = String(decoding: Array(p.utf8)[..<cut], as: UTF8.self) }
        return p
    }

    /// The files grouped into streams, each in reading order. `firstTime` gives a file's first record time.
    public static func streams(_ paths: [String], firstTime: (String) -> Millis?) -> [[String]] {
        var groups: [String: [String]] = [:]
        var order: [String] = []
        for path in paths {
            let key = path == "-" ? "-\(order.count)" : base(of: path)
            if groups[key] == nil { order.append(key) }
            groups[key, default: []].append(path)
        }
        return order.map { key in
            let files = groups[key]!
            guard files.count > 1 else { return files }
            let times = Dictionary(uniqueKeysWithValues: files.map { ($0, firstTime($0) ?? Millis.max) })
            return files.sorted { (times[$0]!, $0) < (times[$1]!, $1) }
        }
    }

    /// The time of the first record (an Odoo header, or a line of an access-log format) in the
    /// first 1000 lines of `path`.
    public static func firstRecordTime(_ path: String, formats: InputFormats = InputFormats()) -> Millis? {
        guard let reader = try? ChunkedReader(path: path, window: 64 << 10) else { return nil }
        let matchers = formats.accessFormats.map { ($0, $0.regex.matcher()) }
        var found: Millis?
        var lines = 0
        try? reader.forEachLine { line in
            found = formats.recordTime(line, matchers: matchers)
            lines += 1
            return found == nil && lines < 1000
        }
        return found
    }
}

/// Reads a run's inputs as one time-ordered sequence of events, a bounded buffer at a time, so
/// memory does not grow with the number of lines.
public final class EventSource {
    final class Stream {
        let files: [(index: Int32, path: String)]
        var next = 0
        var reader: ChunkedReader?
        var chunk: UnsafeBufferPointer<UInt8>?
        var offset = 0
        let parser: any LogParser
        var buffer: [Event] = []
        var position = 0
        var done = false
        var currentIndex = 0
        /// Bytes of the current file an earlier run read (skipped).
        var skipped = 0

        init(files: [(Int32, String)], parser: any LogParser) {
            self.files = files
            self.parser = parser
        }
    }

    public private(set) var stats: [InputStats]
    /// How far reading has come, for a progress display on another thread.
    public let progress = ReadProgress()
    private var streams: [Stream] = []
    static let batch = 8192
    /// Where earlier runs stopped, by path; and where this run stopped, by input index.
    private let resume: [String: Checkpoint]
    private let checkpointing: Bool
    public private(set) var reached: [Int: Checkpoint] = [:]

    /// `paths` in the order given; stats come back in the same order. With `checkpointing`, an
    /// unfinished last line waits for the next run, and files in `resume` are read from where an
    /// earlier run stopped.
    public init(paths: [String], interner: Interner, patterns: OdooPatterns, formats: InputFormats = InputFormats(),
                resume: [String: Checkpoint] = [:], checkpointing: Bool = false) {
        self.resume = resume
        self.checkpointing = checkpointing
        stats = paths.map { InputStats(path: $0, format: formats.choice) }
        let indexOf = Dictionary(paths.enumerated().map { ($1, Int32($0)) }, uniquingKeysWith: { a, _ in a })
        let groups = RotatedSets.streams(paths) { RotatedSets.firstRecordTime($0, formats: formats) }
        for (n, group) in groups.enumerated() {
            let parser = formats.parser(interner: interner, patterns: patterns, stream: Int32(n))
            streams.append(Stream(files: group.map { (indexOf[$0]!, $0) }, parser: parser))
        }
        progress.start(total: paths.reduce(0) { $0 + ReadProgress.contentSize($1) - (resume[$1]?.consumed ?? 0) }, streams: streams.count)
    }

    /// The next event across all streams in time order, or nil at the end.
    public func next() -> Event? {
        var best: Stream?
        var bestTime = Millis.max
        for s in streams where !s.done {
            if s.position == s.buffer.count { refill(s) }
            if s.position < s.buffer.count, s.buffer[s.position].time < bestTime {
                best = s
                bestTime = s.buffer[s.position].time
            }
        }
        guard let best else { return nil }
        best.position += 1
        return best.buffer[best.position - 1]
    }

    private func refill(_ s: Stream) {
        s.buffer.removeAll(keepingCapacity: true)
        s.position = 0
        while s.buffer.isEmpty {
            if s.chunk == nil {
                if s.reader == nil {
                    guard s.next < s.files.count else {
                        s.done = true
                        return
                    }
                    let (index, path) = s.files[s.next]
                    s.next += 1
                    var afterLine = 0
                    s.skipped = 0
                    // Only the newest plain file of a set can still grow: elsewhere a last line without
                    // a newline is complete, and is read.
                    let growing = checkpointing && path != "-" && !path.hasSuffix(".gz") && s.next == s.files.count
                    do {
                        let reader = try ChunkedReader(path: path)
                        reader.holdUnfinishedLine = growing
                        if let checkpoint = resume[path], path != "-" {
                            if try reader.skip(checkpoint.consumed) {
                                afterLine = checkpoint.lines
                                s.skipped = checkpoint.consumed
                            } else {
                                // Shorter than what was read, with the same beginning: truncated in place. What
                                // it holds was read already; reading it again would count it twice.
                                _ = s.parser.begin(file: index, path: path, afterLine: 0)
                                stats[Int(index)].restarted = true
                                stats[Int(index)].resumedAfterLine = checkpoint.lines
                                reached[Int(index)] = checkpoint
                                continue
                            }
                        }
                        s.reader = reader
                    } catch {
                        _ = s.parser.begin(file: index, path: path, afterLine: 0)
                        stats[Int(index)].error = error.reason
                        continue
                    }
                    _ = s.parser.begin(file: index, path: path, afterLine: afterLine)
                    stats[Int(index)].resumedAfterLine = afterLine
                    s.currentIndex = Int(index)
                }
                do {
                    s.chunk = try s.reader!.next()
                } catch {
                    stats[s.currentIndex].error = error.reason
                    s.chunk = nil
                }
                s.offset = 0
                if s.chunk == nil {  // end of this file
                    s.parser.flush(into: &s.buffer)
                    stats[s.currentIndex].bytes = max(0, s.reader!.completeBytes - s.skipped)
                    progress.finishFile(stream: streams.firstIndex { $0 === s } ?? 0, bytes: stats[s.currentIndex].bytes,
                                        lines: s.parser.linesSoFar - stats[s.currentIndex].resumedAfterLine)
                    // Also after a read error (a damaged .gz): the next run resumes there and meets the same
                    // damage, instead of counting again what this run read.
                    reached[s.currentIndex] = Checkpoint(consumed: s.reader!.completeBytes, lines: s.parser.linesSoFar)
                    s.reader = nil
                    record(s.parser.finish(), from: s)
                    continue
                }
            }
            s.offset = s.parser.parse(s.chunk!, from: s.offset, into: &s.buffer, limit: Self.batch)
            if s.offset >= s.chunk!.count {
                s.chunk = nil
                progress.update(stream: streams.firstIndex { $0 === s } ?? 0, bytes: max(0, s.reader!.completeBytes - s.skipped),
                                lines: s.parser.linesSoFar - stats[s.currentIndex].resumedAfterLine)
            }
        }
    }

    private func record(_ fileStats: InputStats, from s: Stream) {
        guard !fileStats.path.isEmpty, let i = s.files.first(where: { $0.path == fileStats.path })?.index else { return }
        let keep = stats[Int(i)]
        stats[Int(i)] = fileStats
        stats[Int(i)].error = keep.error
        stats[Int(i)].bytes = keep.bytes
        stats[Int(i)].resumedAfterLine = keep.resumedAfterLine
        stats[Int(i)].restarted = keep.restarted
    }
}


/// Bytes and lines read so far against the bytes to read, shared between the reading thread and a
/// progress display. Sizes are of the content: a `.gz` file's is the uncompressed size its gzip
/// trailer records (modulo 4 GiB, so an estimate for bigger ones).
public final class ReadProgress: @unchecked Sendable {
    private let lock = NSLock()
    private var total = 0
    private var finished = (bytes: 0, lines: 0)
    private var current: [(bytes: Int, lines: Int)] = []

    func start(total: Int, streams: Int) {
        lock.withLock {
            self.total = max(total, 0)
            current = Array(repeating: (0, 0), count: streams)
        }
    }

    func update(stream: Int, bytes: Int, lines: Int) {
        lock.withLock { if stream < current.count { current[stream] = (bytes, lines) } }
    }

    func finishFile(stream: Int, bytes: Int, lines: Int) {
        lock.withLock {
            finished.bytes += bytes
            finished.lines += lines
            if stream < current.count { current[stream] = (0, 0) }
        }
    }

    /// (bytes read, lines read, bytes to read in all).
    public var snapshot: (bytes: Int, lines: Int, total: Int) {
        lock.withLock {
            (finished.bytes + current.reduce(0) { $0 + $1.bytes }, finished.lines + current.reduce(0) { $0 + $1.lines }, total)
        }
    }

    /// The size of a file's content (0 for standard input and what cannot be read).
    static func contentSize(_ path: String) -> Int {
        guard path != "-", let handle = FileHandle(forReadingAtPath: path) else { return 0 }
        defer { try? handle.close() }
        let size = Int((try? handle.seekToEnd()) ?? 0)
        guard path.hasSuffix(".gz"), size >= 18 else { return size }
        try? handle.seek(toOffset: UInt64(size - 4))
        guard let trailer = try? handle.read(upToCount: 4), trailer.count == 4 else { return size }
        return Int(trailer[0]) | Int(trailer[1]) << 8 | Int(trailer[2]) << 16 | Int(trailer[3]) << 24
    }
}
