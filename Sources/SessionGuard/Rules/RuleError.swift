/// A problem in a rule file, with where it is and what to do. Rules are validated before any input
/// is read; one bad rule stops the run (exit code 2).
public struct RuleError: Error, CustomStringConvertible, Sendable, Equatable {
    public let file: String
    public let line: Int
    public let column: Int
    public let message: String

    public init(file: String, line: Int, column: Int, message: String) {
        self.file = file
        self.line = line
        self.column = column
        self.message = message
    }

    public var description: String { "\(file):\(line):\(column): \(message)" }
}

/// Several rule errors at once, so a user fixes them all in one go.
public struct RuleErrors: Error, CustomStringConvertible, Sendable {
    public let errors: [RuleError]
    public var description: String { errors.map(\.description).joined(separator: "\n") }
}

enum Spelling {
    /// The candidate closest to `word` by edit distance, if it is close enough to be a typo.
    static func suggestion(for word: String, among candidates: [String]) -> String? {
        let best = candidates.map { ($0, distance(word, $0)) }.min { $0.1 < $1.1 }
        guard let best, best.1 <= max(2, word.count / 3) else { return nil }
        return best.0
    }

    static func distance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous = Array(0...b.count)
        for i in 1...a.count {
            var current = [i] + Array(repeating: 0, count: b.count)
            for j in 1...b.count {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            previous = current
        }
        return previous[b.count]
    }
}
