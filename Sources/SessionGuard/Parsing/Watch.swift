/// What a `request_match` rule looks for, compiled once and matched by the parser on raw bytes:
/// request lines by method, path and status, or other records by logger and message. A watch
/// that names none of them matches nothing.
public struct Watch: Sendable {
    public var method: PCRERegex?
    public var path: PCRERegex?
    public var status: PCRERegex?
    public var logger: PCRERegex?
    public var message: PCRERegex?

    public init(method: PCRERegex? = nil, path: PCRERegex? = nil, status: PCRERegex? = nil,
                logger: PCRERegex? = nil, message: PCRERegex? = nil) {
        self.method = method
        self.path = path
        self.status = status
        self.logger = logger
        self.message = message
    }

    /// Identifies the watch by its patterns: rules watching for the same thing share one.
    public var id: String {
        StableHash.hex([method, path, status, logger, message].map { $0?.pattern ?? "\u{0}" })
    }

    /// Watches request lines (else records of other loggers).
    public var onRequests: Bool { method != nil || path != nil || status != nil }
    public var isEmpty: Bool { !onRequests && logger == nil && message == nil }

    /// At most this many watches per run: each is one bit of an event's mask.
    public static let limit = 64
}

/// A watch's matchers for one parser (PCRE2 match data is not shared between threads).
struct WatchMatchers {
    let method, path, status, logger, message: PCREMatcher?
    let onRequests: Bool

    init(_ w: Watch) {
        method = w.method?.matcher()
        path = w.path?.matcher()
        status = w.status?.matcher()
        logger = w.logger?.matcher()
        message = w.message?.matcher()
        onRequests = w.onRequests
    }

    func matchesRequest(method m: UnsafeBufferPointer<UInt8>, path p: UnsafeBufferPointer<UInt8>, status s: UnsafeBufferPointer<UInt8>) -> Bool {
        guard onRequests else { return false }
        // The path first: it is the most selective, and its literal prefix rejects most lines unmatched.
        if let path, !path.match(p) { return false }
        if let status, !status.match(s) { return false }
        if let method, !method.match(m) { return false }
        return true
    }

    func matchesRecord(logger l: UnsafeBufferPointer<UInt8>, message msg: UnsafeBufferPointer<UInt8>) -> Bool {
        guard !onRequests, logger != nil || message != nil else { return false }
        if let logger, !logger.match(l) { return false }
        if let message, !message.match(msg) { return false }
        return true
    }
}
