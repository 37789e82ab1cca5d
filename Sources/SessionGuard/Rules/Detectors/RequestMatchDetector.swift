/// `request_match`: requests (by method, path and status) or other records (by logger and message)
/// matching PCRE2 patterns — the database manager (`/web/database/*`), mass exports, an
/// administrator's `DROP DB` line. At least `min_matches` within `window` for one session, or for
/// one address when the requests belong to no known session (`unattributed: false` leaves those out).
public struct RequestMatchDetector: Detector {
    public static let name = "request_match"
    public static let parameters = ["method", "path", "status", "logger", "message", "min_matches", "window", "unattributed"]

    public let watch: Watch
    public let minMatches: Int
    public let window: Millis
    public let unattributed: Bool

    public init(params: RuleParams) throws(RuleError) {
        func pattern(_ key: String) throws(RuleError) -> PCRERegex? {
            guard params.value(key) != nil else { return nil }
            let text = try params.string(key, default: "")
            do {
                return try PCRERegex(text, unicode: true)
            } catch {
                let (file, line, column) = params.location(key)
                throw RuleError(file: file, line: line, column: column + error.column,
                                message: "invalid pattern for params.\(key): \(error.message) at column \(error.column)")
            }
        }
        watch = Watch(method: try pattern("method"), path: try pattern("path"), status: try pattern("status"),
                      logger: try pattern("logger"), message: try pattern("message"))
        let (file, line, column) = params.location("path")
        if watch.isEmpty {
            throw RuleError(file: file, line: line, column: column, message: "request_match needs params.path, method or status (requests) or params.logger or message (other records)")
        }
        if watch.onRequests && (watch.logger != nil || watch.message != nil) {
            throw RuleError(file: file, line: line, column: column, message: "request_match watches requests (method, path, status) or other records (logger, message), not both: make two rules")
        }
        minMatches = try params.int("min_matches", default: 1, range: 1...1_000_000)
        window = Millis(try params.seconds("window", default: 3600)) * 1000
        unattributed = try params.bool("unattributed", default: true)
    }

    public func evaluate(_ session: Session, context: any DetectionContext) throws -> [FindingDraft] { [] }

    public func evaluateRun(context: any DetectionContext) throws -> [SubjectDraft] {
        var groups: [String: [RequestMatch]] = [:]
        for m in context.requestMatches(watch: watch.id) {
            if let key = m.sessionKey {
                groups["\(m.db ?? "")\u{1}\(key)", default: []].append(m)
            } else if unattributed {
                groups["\(m.db ?? "")\u{1}ip:\(m.ip ?? "-")", default: []].append(m)
            }
        }
        var result: [SubjectDraft] = []
        for (_, all) in groups.sorted(by: { $0.key < $1.key }) {
            // Bursts: matches no more than `window` apart; each burst with enough of them is one finding.
            var bursts: [[RequestMatch]] = []
            for m in all {
                if let last = bursts.last?.last, m.time - last.time <= window { bursts[bursts.count - 1].append(m) } else { bursts.append([m]) }
            }
            for burst in bursts where burst.count >= minMatches {
                let first = burst.first!, last = burst.last!
                let what = burst.map { m in [m.method, m.text, m.status.map(String.init)].compactMap { $0 }.joined(separator: " ") }
                var samples: [String] = []
                for w in what where !samples.contains(w) && samples.count < 5 { samples.append(w) }
                let ips = Array(Set(burst.compactMap(\.ip))).sorted()
                let who = first.user ?? "an unknown client"
                let draft = FindingDraft(
                    discriminator: "at=\(UTC.iso(first.time))",
                    summary: "\(who) " + (burst.count == 1 ? "made a watched request: \(samples[0])"
                        : "made \(burst.count) watched requests between \(UTC.iso(first.time)) and \(UTC.iso(last.time)), e.g. \(samples[0])")
                        + (first.sessionKey == nil ? " from \(ips.joined(separator: ", ")) (no known session)" : ""),
                    facts: [
                        ("matches", .int(burst.count)),
                        ("min_matches", .int(minMatches)),
                        ("first", .string(UTC.iso(first.time))),
                        ("last", .string(UTC.iso(last.time))),
                        ("samples", .array(samples.map { .string($0) })),
                        ("ips", .array(ips.map { .string($0) })),
                    ],
                    evidence: Array(Set([first.evidence, last.evidence])).sorted { ($0.file, $0.line) < ($1.file, $1.line) },
                    firstSeen: first.time, lastSeen: last.time,
                    places: ips.map { SessionIP(ip: $0, firstSeen: first.time, lastSeen: last.time, requests: burst.count, firstEvidence: nil) })
                if let key = first.sessionKey {
                    result.append(SubjectDraft(db: first.db ?? "", user: first.user ?? "unknown", uid: first.uid, key: key,
                                               identifier: first.identifier, draft: draft))
                } else {
                    var d = draft
                    d.recommend = .review  // nothing to revoke
                    result.append(SubjectDraft(db: first.db ?? "", user: "anonymous", key: "ip:\(first.ip ?? "-")", draft: d))
                }
            }
        }
        return result
    }
}
