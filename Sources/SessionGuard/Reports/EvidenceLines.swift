import Foundation

/// Reads the log lines findings cite (`file:line`), so an analyst sees the records themselves.
/// Files are read once each, in windows (`.gz` included); a file that has been rotated away or
/// shortened since is reported as such, not guessed at.
public enum EvidenceLines {
    public enum Line: Sendable, Equatable {
        case text(String)
        case unavailable(String)
    }

    /// The text of each cited line. Lines are cut at 2,000 characters.
    public static func read(_ evidence: [Evidence]) -> [Evidence: Line] {
        var result: [Evidence: Line] = [:]
        for (file, cited) in Dictionary(grouping: Set(evidence), by: \.file) {
            guard file != "-" else {  // standard input is gone; reading it now would read something else
                for e in cited { result[e] = .unavailable("read from standard input") }
                continue
            }
            var wanted = Set(cited.map(\.line))
            let last = wanted.max() ?? 0
            do {
                let reader = try ChunkedReader(path: file)
                var number = 0
                try reader.forEachLine { line in
                    number += 1
                    if wanted.remove(number) != nil {
                        let text = String(decoding: UnsafeBufferPointer(rebasing: line.prefix(2000)), as: UTF8.self)
                        result[Evidence(file: file, line: number)] = .text(text)
                    }
                    return number < last
                }
                for line in wanted { result[Evidence(file: file, line: line)] = .unavailable("the file has fewer lines now (rotated or truncated?)") }
            } catch {
                for e in cited { result[e] = .unavailable("\(error)") }
            }
        }
        return result
    }
}
