import CPCRE2
import Foundation

/// A PCRE2 pattern compiled once (JIT when the platform has it) and matched on raw bytes.
///
/// This is the only type that touches the PCRE2 C API. Compiled code is immutable and may be shared
/// across threads; every thread matches through its own `PCREMatcher`, which owns the match data.
public final class PCRERegex: @unchecked Sendable {
    public let pattern: String
    let code: OpaquePointer
    let jit: Bool
    /// Number of capture groups (not counting group 0).
    public let captureCount: Int

    /// Why a pattern did not compile, with the 1-based column of the problem in the pattern.
    public struct CompileError: Error, CustomStringConvertible, Sendable {
        public let pattern: String
        public let column: Int
        public let message: String
        public var description: String { "\(message) at column \(column) of pattern '\(pattern)'" }
    }

    /// Compiles `pattern`. `unicode` matches subjects as UTF-8 (tolerating invalid sequences, since
    /// log text is attacker-controlled); without it the pattern works on bytes, which is faster.
    public init(_ pattern: String, unicode: Bool = false, caseless: Bool = false) throws(CompileError) {
        self.pattern = pattern
        var options: UInt32 = 0
        if unicode { options |= UInt32(PCRE2_UTF) | UInt32(PCRE2_MATCH_INVALID_UTF) | UInt32(PCRE2_UCP) }
        if caseless { options |= UInt32(PCRE2_CASELESS) }
        var errorCode: Int32 = 0
        var errorOffset: Int = 0
        let compiled = pattern.withCString { cstr in
            cstr.withMemoryRebound(to: UInt8.self, capacity: pattern.utf8.count) { p in
                pcre2_compile_8(p, pattern.utf8.count, options, &errorCode, &errorOffset, nil)
            }
        }
        guard let compiled else {
            var buffer = [UInt8](repeating: 0, count: 256)
            let n = pcre2_get_error_message_8(errorCode, &buffer, buffer.count)
            let message = n > 0 ? String(decoding: buffer[0..<Int(n)], as: UTF8.self) : "error \(errorCode)"
            throw CompileError(pattern: pattern, column: errorOffset + 1, message: message)
        }
        code = compiled
        literalPrefix = Self.literalPrefix(of: pattern, caseless: caseless)
        isLiteral = !literalPrefix.isEmpty && pattern.utf8.count == literalPrefix.count + 2 && pattern.hasSuffix("$")
        jit = pcre2_jit_compile_8(compiled, UInt32(PCRE2_JIT_COMPLETE)) == 0
        var count: UInt32 = 0
        _ = pcre2_pattern_info_8(compiled, UInt32(PCRE2_INFO_CAPTURECOUNT), &count)
        captureCount = Int(count)
    }

    deinit { pcre2_code_free_8(code) }

    /// The group number of a named group, or nil.
    public func groupNumber(_ name: String) -> Int? {
        let n = name.withCString { cstr in
            cstr.withMemoryRebound(to: UInt8.self, capacity: name.utf8.count + 1) {
                pcre2_substring_number_from_name_8(code, $0)
            }
        }
        return n > 0 ? Int(n) : nil
    }

    /// A matcher for the calling thread.
    public func matcher() -> PCREMatcher { PCREMatcher(self) }

    /// The bytes every match must start the subject with, for a pattern anchored by a leading `^`
    /// (`^/web/export/(xlsx|csv)` → `/web/export/`): a memcmp that spares most calls into PCRE2 on
    /// hot paths. Empty when there is no such prefix (any alternation, no anchor, caseless).
    public let literalPrefix: [UInt8]
    /// The pattern is `^` + `literalPrefix` + `$` and nothing else.
    let isLiteral: Bool

    static func literalPrefix(of pattern: String, caseless: Bool) -> [UInt8] {
        let bytes = Array(pattern.utf8)
        guard !caseless, bytes.first == UInt8(ascii: "^") else { return [] }
        if bytes.contains(UInt8(ascii: "|")) {
            // Is every `|` inside a group? Classes, \\Q…\\E and comments can hide brackets from a simple
            // scan, so with any of them the answer is "maybe not": no prefix.
            let text = String(decoding: bytes, as: UTF8.self)
            guard !text.contains("\\Q"), !text.contains("["), !text.contains("#") else { return [] }
            var depth = 0, escaped = false
            for b in bytes {
                if escaped { escaped = false; continue }
                switch b {
                case UInt8(ascii: "\\"): escaped = true
                case UInt8(ascii: "("): depth += 1
                case UInt8(ascii: ")"): depth -= 1
                case UInt8(ascii: "|") where depth <= 0: return []
                default: break
                }
            }
        }
        var prefix: [UInt8] = []
        for b in bytes.dropFirst() {
            if b >= 0x80 || "\\.[()*+?{|^$".utf8.contains(b) {
                if "*?{".utf8.contains(b), !prefix.isEmpty { prefix.removeLast() }  // the last literal may be absent
                break
            }
            prefix.append(b)
        }
        return prefix
    }

    /// Convenience for cold paths (rule filters, tests): does `text` match anywhere?
    public func matches(_ text: String) -> Bool {
        let m = matcher()
        var copy = text
        return copy.withUTF8 { m.match($0) }
    }
}

/// Match state for one thread: call `match`, then read groups as byte ranges of the subject.
public final class PCREMatcher {
    let regex: PCRERegex
    let data: OpaquePointer
    let ovector: UnsafeMutablePointer<Int>
    private var subject: UnsafeBufferPointer<UInt8> = .init(start: nil, count: 0)
    /// The last error PCRE2 gave instead of an answer (a limit such as the JIT stack's was hit): the
    /// subject's match is unknown, not "no". 0 when none; callers reset it.
    public var lastError: Int32 = 0

    /// The pattern's literal prefix, copied out of the array: reading an array on every call costs
    /// a retain and a release, on the hottest path of all.
    private let prefix: UnsafeMutablePointer<UInt8>
    private let prefixCount: Int
    private let literal: Bool

    init(_ regex: PCRERegex) {
        self.regex = regex
        data = pcre2_match_data_create_from_pattern_8(regex.code, nil)
        ovector = pcre2_get_ovector_pointer_8(data)
        prefixCount = regex.literalPrefix.count
        prefix = UnsafeMutablePointer<UInt8>.allocate(capacity: max(prefixCount, 1))
        prefix.initialize(from: regex.literalPrefix, count: prefixCount)
        literal = regex.isLiteral && regex.captureCount == 0
    }

    deinit {
        pcre2_match_data_free_8(data)
        prefix.deallocate()
    }

    /// Matches against `bytes`; the groups stay valid while `bytes` does.
    @inline(__always)
    public func match(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        if prefixCount > 0 {
            guard bytes.count >= prefixCount, memcmp(prefix, bytes.baseAddress!, prefixCount) == 0 else { return false }
            // `^literal$` without groups: the prefix comparison is the whole match.
            if literal, bytes.count == prefixCount {
                subject = bytes
                ovector[0] = 0
                ovector[1] = bytes.count
                return true
            }
        }
        subject = bytes
        // An empty buffer may have a nil base address; PCRE2 accepts any non-null pointer for length 0.
        let base = bytes.baseAddress ?? UnsafePointer(bitPattern: 1)!
        let rc = regex.jit
            ? pcre2_jit_match_8(regex.code, base, bytes.count, 0, 0, data, nil)
            : pcre2_match_8(regex.code, base, bytes.count, 0, 0, data, nil)
        if rc < -1 { lastError = rc }
        return rc > 0
    }

    /// The byte range of group `n` in the last subject, or nil if it did not participate.
    @inline(__always)
    public func range(_ n: Int) -> Range<Int>? {
        let start = ovector[2 * n], end = ovector[2 * n + 1]
        if start == sg_pcre2_unset() { return nil }
        return start..<end
    }

    /// Group `n` of the last subject as bytes.
    @inline(__always)
    public func bytes(_ n: Int) -> UnsafeBufferPointer<UInt8>? {
        guard let r = range(n), let base = subject.baseAddress else { return nil }
        return UnsafeBufferPointer(start: base + r.lowerBound, count: r.count)
    }

    /// PCRE2's message for an error code.
    public static func message(_ code: Int32) -> String {
        var buffer = [UInt8](repeating: 0, count: 256)
        let n = pcre2_get_error_message_8(code, &buffer, buffer.count)
        return n > 0 ? String(decoding: buffer[0..<Int(n)], as: UTF8.self) : "error \(code)"
    }

    /// Group `n` of the last subject as a String (invalid UTF-8 repaired).
    public func string(_ n: Int) -> String? {
        bytes(n).map { String(decoding: $0, as: UTF8.self) }
    }
}
