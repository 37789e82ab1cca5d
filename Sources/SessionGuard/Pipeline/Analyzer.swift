import Foundation

/// Everything `analyze` needs, resolved from flags and the configuration file.
public struct AnalyzeOptions: Sendable {
    public var inputs: [String]
    public var now: Millis
    public var sessionizer = Sessionizer.Options()
    public var host = ProcessInfo.processInfo.hostName
    /// A hash of the configuration file the run used, recorded in `runs`.
    public var configHash: String?
    /// Read each file from where the last run stopped, and remember where this one stops (in the
    /// same transaction as what it read): every line is read exactly once across runs.
    public var checkpoints = true
    /// The phases to run (`design.md` §2): analyze is both, in one transaction.
    public var ingest = true
    public var detect = true
    /// Judge only part `index` (1-based) of `count` of the users, by a stable hash.
    public var partition: (index: Int, count: Int)?
    /// Odoo's sessions directory, read (never written) as an input: live sessions without log
    /// lines are judged too, and sessions gain their device.
    public var sessionFiles: String?
    /// Odoo's device log exported as CSV, per database (db → file).
    public var deviceLogs: [(db: String, path: String)] = []
    /// Odoo's databases (`URL` or `DB=URL`), whose `res_device_log` is read as an input.
    public var odooDatabases: [String] = []
    /// The zone of syslog times (Odoo's `--syslog` records) and of access-log times without an offset; nil: this machine's.
    public var timeZone: TimeZone?
    /// `--format` and the format files' formats.
    public var formats = InputFormats()

    public init(inputs: [String], now: Millis) {
        self.inputs = inputs
        self.now = now
    }
}

/// What a run did: the material of the terminal summary and the report document.
public struct AnalysisResult: Sendable {
    public var runID: Int64
    public var now: Millis
    public var inputs: [InputStats]
    public var geoip: [(path: String, type: String, buildEpoch: Int64)]
    public var sessions: [Session]
    public var findings: [Finding]
    public var recommendations: [Recommendation]
    public var newFindings: Int
    public var newRecommendations: Int
    public var counters: Sessionizer.Counters
    public var authEvents: Int
    /// False for an ingest run: nothing was judged.
    public var judged = true
    /// Public addresses looked up in the GeoIP databases, and those they did not hold.
    public var geoipLookups = 0
    public var geoipMisses = 0
    public var warnings: [String]
    public var seconds: Double
    /// Wall time per phase (read+parse+sessionize, place, store, detect), for the summary and benchmarks.
    public var phases: [(name: String, seconds: Double)] = []

    public var users: Int { Set(sessions.map { "\($0.db)\u{1}\($0.user)" }).count }
    public var unreadableInputs: [InputStats] { inputs.filter { $0.error != nil } }
}

/// The everyday pipeline: read → parse → sessionize → place → store → judge → recommend
/// (`design.md` §2), with ingest and detect in one transaction so a failed run changes nothing.
public final class Analyzer {
    let rules: [Rule]
    let locator: GeoLocator
    let store: SessionStore
    /// Called with the reading's progress when reading starts, and with nil when it ends (for a progress bar).
    public var onReading: (ReadProgress?) -> Void = { _ in }

    public init(rules: [Rule], locator: GeoLocator, store: SessionStore) {
        self.rules = rules
        self.locator = locator
        self.store = store
    }

    /// Runs the pipeline. `beforeCommit` sees the result and the store inside its transaction (the CLI
    /// writes the report there): if it throws, the store is left as it was.
    public func run(_ options: AnalyzeOptions,
                    beforeCommit: (AnalysisResult, StoreTransaction) throws -> Void = { _, _ in }) throws -> AnalysisResult {
        let started = Date()
        var duplicates: [(path: String, sameAs: String)] = []
        var odooWarnings: [String] = []
        // Odoo's databases are connected to before any log is read: a wrong URL fails at once.
        let odooDatabases = options.ingest ? try options.odooDatabases.map { spec throws(RevokeError) in try OdooDatabase(spec) } : []
        // Ingest: parse and sessionize every input in time order.
        let interner = Interner()
        // request_match rules' watches, one bit each (rules watching for the same thing share one).
        var watchIDs: [String] = []
        var watches: [Watch] = []
        for case let d as RequestMatchDetector in rules.map(\.detector) where !watchIDs.contains(d.watch.id) {
            watchIDs.append(d.watch.id)
            watches.append(d.watch)
        }
        // Where earlier runs stopped. A file given twice under two names (a copy) is read once.
        var identities: [Int: SourceIdentity] = [:]
        var resume: [String: Checkpoint] = [:]
        var inputs = options.ingest ? options.inputs : []
        if options.checkpoints {
            var seen: [String: String] = [:]
            var kept: [String] = []
            for path in inputs {
                guard let identity = SourceIdentity.of(path) else { kept.append(path); continue }
                let key = identity.key
                if !identity.head.isEmpty, let first = seen[key] {
                    duplicates.append((path, first))
                    continue
                }
                seen[key] = path
                identities[kept.count] = identity
                kept.append(path)
                if let checkpoint = try store.read(now: options.now, { try $0.checkpoint(for: identity) }) { resume[path] = checkpoint }
            }
            inputs = kept
        }
        // Request lines carry join keys only when there is an access log to join with Odoo's.
        let sniffed = options.formats.choice == "auto" ? inputs.map { $0 == "-" ? nil : options.formats.sniffedName($0) } : []
        let accessLogs = options.formats.forced != nil || sniffed.contains { $0 == nil || !["odoo", "unknown"].contains($0!) }
        // Odoo's log with request lines among the inputs: sign-ins come from it, not from an access log.
        let odooLogs = options.formats.forced == nil && (options.formats.choice != "auto"
            || zip(inputs, sniffed).contains { $1 == "odoo" && InputFormats.odooLogShowsRequests($0) })
        let patterns = OdooPatterns(watches: watches, timeZone: options.timeZone ?? .current,
                                    joinRequests: accessLogs && inputs.count > 1)
        let source = EventSource(paths: inputs, interner: interner, patterns: patterns, formats: options.formats,
                                 resume: resume, checkpointing: options.checkpoints)
        let sessionizer = Sessionizer(interner: interner, options: options.sessionizer)
        sessionizer.odooLogInRun = odooLogs
        var phases: [(name: String, seconds: Double)] = []
        var mark = Date()
        func phase(_ name: String) {
            phases.append((name, Date().timeIntervalSince(mark)))
            mark = Date()
        }
        if options.checkpoints, options.ingest {
            // Sessions an earlier run left alive go on where it stopped — alive where the logs stopped,
            // not at `now` (a catch-up run after days without one).
            let live = try store.read(now: options.now) { tx in
                let end = min(options.now, try tx.lastActivity() ?? options.now)
                return try tx.sessions(ids: tx.liveSessionIDs(since: end - options.sessionizer.maxInactivity - 86_400_000))
            }
            sessionizer.resume(live)
        }
        onReading(source.progress)
        EventPipe(source: source).consume { sessionizer.consume($0) }
        onReading(nil)
        var (sessions, authEvents, matches) = sessionizer.finish(paths: inputs)
        var named: [Session] = []  // sessions Odoo's own records name, with their database
        if options.ingest, let directory = options.sessionFiles {
            let files = try OdooSessionsDirectory(path: directory).sessions()
            named += files.compactMap { $0.session() }
        }
        if options.ingest {
            for (db, path) in options.deviceLogs { named += try DeviceLog.sessions(csv: path, db: db) }
            for database in odooDatabases {
                // What the rules look back at (90 days), not the table's whole past every night.
                named += try database.sessions(since: options.now - 90 * 86_400_000)
                if database.skippedRows > 0 {
                    odooWarnings.append("\(database.location): \(database.skippedRows) res_device_log row(s) without a valid session identifier or time, left out")
                }
            }
        }
        Self.resolveAccessSessions(&sessions, named: named)
        sessions += named
        phase("read")
        for i in sessions.indices {
            for j in sessions[i].ips.indices { sessions[i].ips[j].placement = locator.place(sessions[i].ips[j].ip) }
        }
        phase("geoip")
        var inputStats = source.stats
        var warnings: [String] = duplicates.map { "\($0.path) has the same content as \($0.sameAs): read once" } + odooWarnings
        warnings += Self.warnings(for: &inputStats, formats: options.formats)
        let geoip = locator.databases.map { (path: $0.path, type: $0.databaseType, buildEpoch: $0.buildEpoch) }
        let geoipBuild = geoip.isEmpty ? nil : geoip.map { "\($0.type)@\(UTC.iso($0.buildEpoch * 1000))" }.joined(separator: ",")
        let rulesHash = StableHash.hex(rules.map(\.hash))

        let kind = options.ingest && options.detect ? "analyze" : options.ingest ? "ingest" : "detect"
        let part = options.partition.map { "\($0.index)/\($0.count)" }
        func inPartition(_ db: String, _ user: String) -> Bool {
            guard let p = options.partition else { return true }
            return Self.partition(db: db, user: user, count: p.count) == p.index
        }

        let phasesBefore = phases.count
        return try store.transaction(now: options.now) { tx in
            phases.removeSubrange(phasesBefore...)  // (a PostgreSQL transaction that met a deadlock runs again)
            // One detect at a time judges the store. Ingests on other hosts go on together, but not
            // while a detect runs: "changed since the last detect" compares run ids, which are handed
            // out when runs start, so a detect must not start while an ingest is still to commit.
            try tx.lock("detect", shared: !options.detect)
            let lastDetect = try tx.lastDetectRun(partition: part)
            let run = try tx.beginRun(kind: kind, host: options.host, configHash: options.configHash,
                                      rulesHash: rulesHash, geoip: geoipBuild, partition: part)
            let ids = try tx.upsert(sessions: sessions, run: run)
            try tx.insert(authEvents: authEvents, run: run)
            // Runs reading the same file (the same inode, whatever they call it) check and move its
            // checkpoint one at a time, taking the locks in one order.
            let reached = source.reached.compactMap { index, checkpoint in
                identities[index].map { (index: index, checkpoint: checkpoint, identity: $0, key: "\($0.device):\($0.inode)") }
            }.sorted { $0.key < $1.key }
            for entry in reached { try tx.lock("file." + entry.key) }
            for (index, checkpoint, original, _) in reached {
                var identity = original
                // Another run that read the same file meanwhile would make these lines count twice.
                guard try tx.checkpoint(for: identity) == resume[inputs[index]] else {
                    throw StoreError("another run read \(inputs[index]) at the same time; nothing was stored: run again")
                }
                // A file empty or short when identified has more of a head now (Odoo kept writing).
                if identity.head.count < SourceIdentity.headLength, let now = SourceIdentity.of(inputs[index]),
                   now.head.starts(with: identity.head) {
                    identity = now
                }
                try tx.save(checkpoint: checkpoint, for: identity, run: run)
            }
            /// Records the run's counters and hands the result to `beforeCommit`.
            func finish(_ judged: [Session], _ findings: [Finding], _ recommendations: [Recommendation], new: (Int, Int),
                        detected: Bool) throws -> AnalysisResult {
                var result = AnalysisResult(
                    runID: run, now: options.now, inputs: inputStats, geoip: geoip, sessions: judged, findings: findings,
                    recommendations: recommendations, newFindings: new.0, newRecommendations: new.1,
                    counters: sessionizer.counters, authEvents: authEvents.count, warnings: warnings,
                    seconds: Date().timeIntervalSince(started))
                result.phases = phases
                result.judged = detected
                result.geoipLookups = locator.lookups
                result.geoipMisses = locator.misses
                try tx.finishRun(run, counters: Report.counters(result))
                try beforeCommit(result, tx)
                return result
            }
            guard options.detect else {
                // Ingest only: what request_match watched waits in the store for detect.
                try tx.insert(matches: matches, watches: watchIDs, run: run)
                phase("store")
                return try finish(sessions, [], [], new: (0, 0), detected: false)
            }
            // Judge the sessions as the store now knows them (merged with earlier runs): tonight's, those
            // ingest runs changed since the last detect, and every session still alive, which tonight's
            // logs may not show at all (a forgotten session, an offboarded user's, the far side of a move
            // that crossed midnight).
            try tx.fillLogins(ids: nil)  // what ingests on other hosts taught each other
            let live = try tx.liveSessionIDs(since: options.now - options.sessionizer.maxInactivity)
            let changed = try tx.sessionIDs(changedAfterRun: lastDetect)
            let stored = try tx.sessions(ids: Array(Set(ids).union(live).union(changed)).sorted())
                .filter { inPartition($0.db, $0.user) }
                .sorted { ($0.db, $0.firstActivity, $0.key) < ($1.db, $1.firstActivity, $1.key) }
            let users = Set(stored.compactMap { s in s.login.map { "\(s.db)\u{1}\($0)" } }).sorted().map {
                let parts = $0.split(separator: "\u{1}", maxSplits: 1)
                return (db: String(parts[0]), login: String(parts[1]))
            }
            try tx.markTouched(users: users)
            try tx.refreshBaselines()
            try tx.preloadHistories()
            phase("store")

            // Detect.
            // What is new since the last detect: tonight's events, and those ingest runs stored since.
            var times = authEvents.map(\.time) + sessions.flatMap { [$0.firstActivity, $0.lastActivity] }
            if let stored = try tx.authEventSpan(afterRun: lastDetect) { times += [stored.lowerBound, stored.upperBound] }
            let pending = options.ingest ? matches : try tx.matches(afterRun: lastDetect, watches: watchIDs)
            tx.configure(sessionLifetime: options.sessionizer.maxInactivity, span: times.min().map { $0...times.max()! },
                         matches: pending, watches: watchIDs)
            var findings: [Finding] = []
            var newFindings = 0
            func record(_ rule: Rule, _ subject: SubjectDraft) throws {
                var draft = subject.draft
                // Run-level detectors cite bare addresses: place them so filters and reports can use the place.
                for i in draft.places.indices where draft.places[i].placement == .unknown {
                    draft.places[i].placement = locator.place(draft.places[i].ip)
                }
                guard rule.when.admits(places: draft.places), !rule.unless.excepts(user: subject.user, places: draft.places) else { return }
                var facts = draft.facts
                if let score = rule.score { facts.append(("score", .int(score))) }
                var recommend = draft.recommend ?? rule.recommend
                if draft.reviewOnly, recommend == .revokeSession || recommend == .revokeUserSessions { recommend = .review }
                var finding = Finding(
                    id: "F-" + StableHash.hex([rule.id, subject.db, subject.key, draft.discriminator]),
                    rule: rule.id, detector: rule.detectorName,
                    severity: (draft.severity ?? rule.severity).shifted(draft.severityShift),
                    db: subject.db, user: subject.user, userID: subject.uid, sessionKey: subject.key,
                    sessionIdentifier: subject.identifier, firstSeen: draft.firstSeen, lastSeen: draft.lastSeen,
                    summary: draft.summary, facts: facts, evidence: draft.evidence, recommend: recommend,
                    ruleHash: rule.hash, geoipBuild: geoipBuild, discriminator: draft.discriminator)
                // A dismissed recommendation suppresses what its findings said, for a while.
                finding.suppressedBy = try tx.suppression(rule: rule.id, db: subject.db, user: subject.user, discriminator: draft.discriminator)
                if try tx.upsert(finding: finding, run: run) { newFindings += 1 }
                findings.append(finding)
            }
            for session in stored {
                for rule in rules where rule.when.admits(db: session.db, user: session.user) {
                    for draft in try rule.detector.evaluate(session, context: tx) {
                        try record(rule, SubjectDraft(session: session, draft: draft))
                    }
                }
            }
            for rule in rules {
                for subject in try rule.detector.evaluateRun(context: tx)
                where rule.when.admits(db: subject.db, user: subject.user) && inPartition(subject.db, subject.user) {
                    try record(rule, subject)
                }
            }
            findings.sort(by: Report.findingOrder)

            var recommendations: [Recommendation] = []
            var newRecommendations = 0
            for draft in Self.recommendations(for: findings.filter { $0.suppressedBy == nil }) {
                let (stored, isNew) = try tx.upsert(recommendation: draft, run: run)
                if isNew { newRecommendations += 1 }
                recommendations.append(stored)
            }
            // Sessions that ended on their own need no revoking any more.
            let expired = Set(try tx.expireEnded(lifetime: options.sessionizer.maxInactivity, run: run))
            for i in recommendations.indices where expired.contains(recommendations[i].id) { recommendations[i].status = "expired" }
            recommendations.sort(by: Report.recommendationOrder)
            phase("detect")
            return try finish(stored, findings, recommendations, new: (newFindings, newRecommendations), detected: true)
        }
    }

    /// A session only an access log showed has no database (nginx does not know it) and no user:
    /// the sessions directory and the device log name both for its identifier.
    static func resolveAccessSessions(_ sessions: inout [Session], named: [Session]) {
        let byIdentifier = Dictionary(named.compactMap { s in s.identifier.map { ($0, s) } }, uniquingKeysWith: { a, _ in a })
        for i in sessions.indices where sessions[i].source == "access-log" {
            guard let id = sessions[i].identifier, let known = byIdentifier[id] else { continue }
            sessions[i].db = known.db
            if sessions[i].uid == nil { sessions[i].uid = known.uid }
            if sessions[i].login == nil { sessions[i].login = known.login }
        }
    }

    /// The part (1-based, of `count`) a user belongs to: a stable hash, the same on every host and run.
    public static func partition(db: String, user: String, count: Int) -> Int {
        guard count > 1 else { return 1 }
        return Int(StableHash.value([db, user]) % UInt64(count)) + 1
    }

    /// What an administrator must know about the inputs (`odoo-facts.md` §1). A file with lines but
    /// not one record of its format is an input error naming the file and its first line.
    static func warnings(for inputs: inout [InputStats], formats: InputFormats = InputFormats()) -> [String] {
        var warnings: [String] = []
        func isOdoo(_ input: InputStats) -> Bool { ["odoo", "odoo-syslog", "unknown", "auto"].contains(input.format) }
        for i in inputs.indices where inputs[i].error == nil {
            let input = inputs[i]
            if input.restarted {
                warnings.append("\(input.path) is shorter than what an earlier run read from it (truncated in place?): nothing read from it")
            }
            if input.lines == 0 {
                if input.resumedAfterLine == 0 { warnings.append("\(input.path) is empty") }
            } else if input.records == 0, input.resumedAfterLine == 0 {
                let first = input.unparsedSamples.first.map { ": first line \"\($0.text)\"" } ?? ""
                switch input.format {
                case "odoo", "odoo-syslog":
                    inputs[i].error = "not an Odoo server log (no line starts with an Odoo log header)\(first)"
                case "unknown", "auto":
                    let tried = formats.names.filter { $0 != "auto" }.joined(separator: ", ")
                    inputs[i].error = "no known log format matches its first lines (tried \(tried); a format file can describe "
                        + "another, see --format-file)\(first)"
                default:
                    inputs[i].error = "no line follows the \(input.format) format\(first)"
                }
            }
            if input.wholeCookies > 0 {
                warnings.append("\(input.path): \(input.wholeCookies) line(s) log more of Odoo's session cookie than its "
                    + "42-character identifier: whole cookies are bearer credentials, so anyone who reads the log can use "
                    + "those sessions. Log only $odoo_sid42 (README, nginx in front of Odoo) and protect the old logs")
            }
            if input.injections > 0 {
                warnings.append("\(input.path): \(input.injections) possible log injection(s) through login names "
                    + "(forged records ignored; see the unparsed lines)")
            }
            if input.requests >= 100, let ip = input.topInternalIP, input.topInternalRequests * 10 >= input.requests * 9 {
                let share = input.topInternalRequests * 100 / input.requests
                if !isOdoo(input) {
                    warnings.append("\(input.path): \(share)% of requests come from \(ip), a private address: something in front "
                        + "of this proxy hides the clients (nginx: set_real_ip_from and real_ip_header X-Forwarded-For)")
                } else if let proxy = inputs.first(where: { !isOdoo($0) && $0.error == nil && $0.records > 0 }) {
                    warnings.append("\(input.path): \(share)% of requests come from \(ip), a private address: a proxy hides the "
                        + "clients; their real addresses come from \(proxy.path)")
                } else {
                    warnings.append("\(input.path): \(share)% of requests come from \(ip), a private address: a proxy hides the "
                        + "clients. Add the proxy's access log to the run (nginx: /var/log/nginx/access.log, best with the "
                        + "sid= log_format of the README), or set proxy_mode = True in odoo.conf (with X-Forwarded-For and "
                        + "X-Forwarded-Host set by the proxy)")
                }
            }
        }
        let records = inputs.reduce(0) { $0 + $1.records }
        if records > 0, inputs.allSatisfy({ $0.requests == 0 }) {
            warnings.append("nothing to analyse: the logs hold no request lines (log_level too high? Odoo's "
                + "`log_level = warn` removes request and login lines; use `info`. Under gunicorn/uwsgi there are "
                + "no werkzeug lines at all)")
        }
        return warnings
    }

    /// Groups findings into one recommendation per (action, db, target).
    static func recommendations(for findings: [Finding]) -> [Recommendation] {
        var groups: [String: Recommendation] = [:]
        var order: [String] = []
        // A session some rule wants revoked takes the other findings about it as reasons, instead
        // of a second recommendation asking for a review.
        let revoked = Set(findings.filter { $0.recommend == .revokeSession && $0.sessionIdentifier != nil }.map { "\($0.db)\u{1}\($0.sessionKey)" })
        for f in findings where f.recommend != .none {
            var action = f.recommend
            if action == .review, revoked.contains("\(f.db)\u{1}\(f.sessionKey)") { action = .revokeSession }
            var reasons = [f.summary]
            let target: String
            switch action {
            case .revokeSession:
                if let identifier = f.sessionIdentifier {
                    target = identifier
                } else {
                    action = .review
                    target = f.sessionKey
                    reasons.append("no session identifier in the log (Odoo ≤17): one session cannot be revoked; "
                        + "reset \(f.user)'s password to end all of them")
                }
            case .revokeUserSessions: target = "user:\(f.user)"
            case .review, .none: target = f.sessionKey
            }
            let key = "\(action.rawValue)\u{1}\(f.db)\u{1}\(target)"
            if var r = groups[key] {
                r.findings.append(f.id)
                r.severity = max(r.severity, f.severity)
                for reason in reasons where !r.reasons.contains(reason) { r.reasons.append(reason) }
                groups[key] = r
            } else {
                order.append(key)
                groups[key] = Recommendation(
                    id: "", action: action, db: f.db, target: target, user: f.user,
                    sessionIdentifier: action == .revokeUserSessions ? nil : f.sessionIdentifier,
                    sessionKey: action == .revokeUserSessions ? nil : f.sessionKey, severity: f.severity, status: "open",
                    findings: [f.id], reasons: reasons)
            }
        }
        return order.map { key in
            var r = groups[key]!
            r.findings.sort()
            r.id = "R-" + StableHash.hex([r.action.rawValue, r.db, r.target, r.findings[0]])
            return r
        }
    }
}
