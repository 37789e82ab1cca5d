import Foundation

/// Everything the analyst's reports show (`report.html`, `summary.md`, the CSV files), read from the
/// store — by `analyze`/`detect --report` inside their transaction, or later by `sessionguard
/// report` without reading any log. Lists are capped so that a store with 100,000 sessions still
/// gives a report of reasonable size; the totals say how many there were.
public struct ReportData: Sendable {
    public struct Input: Sendable {
        public var path: String
        public var format: String
        public var odooVersion: String?
        public var lines: Int
        public var records: Int
        public var unparsed: Int
        public var firstTime: Millis?
        public var lastTime: Millis?
        public var resumedAfterLine: Int
        public var error: String?
        public var samples: [(line: Int, reason: String, text: String)]
    }

    public struct GeoIPDatabase: Sendable {
        public var type: String
        public var path: String?
        public var built: Millis
    }

    public struct Entry: Sendable {
        public var row: RecommendationRow
        /// First made by the run the report is about.
        public var isNew: Bool
        public var findings: [Finding]
        public var recommendation: Recommendation { row.recommendation }
    }

    /// A user with a recommendation: their recent sessions, for the timeline and the map.
    public struct FlaggedUser: Sendable {
        public var db: String
        public var user: String
        public var sessions: [Session]
        /// Keys of the sessions the recommendations are about.
        public var flagged: Set<String>
        public var recommendations: [String]
    }

    public static let recommendationCap = 500
    public static let userCap = 40
    public static let sessionsPerUserCap = 200
    public static let findingCap = 1000
    public static let sessionCap = 20_000

    public var generatedAt: Millis
    public var now: Millis
    /// The period the counts and charts cover: from `since` to `now`.
    public var since: Millis
    public var runID: Int64?
    public var runKind: String?
    public var store: String
    public var inputs: [Input] = []
    public var geoip: [GeoIPDatabase] = []
    public var sessions = 0
    public var users = 0
    public var recommendations: [Entry] = []
    public var recommendationTotal = 0
    /// Counts over all of them, not only the listed ones.
    public var newTotal = 0
    public var openTotal = 0
    public var recommendationsPerSeverity: [Severity: Int] = [:]
    public var findingsPerSeverity: [Severity: Int] = [:]
    public var findings: [Finding] = []
    /// All findings of the period (`findings` holds at most `findingCap` of them).
    public var findingTotal: Int { findingsPerSeverity.values.reduce(0, +) }
    public var flaggedUsers: [FlaggedUser] = []
    public var flaggedUserTotal = 0
    public var sessionsPerCountry: [(country: String, sessions: Int)] = []
    public var findingsPerRule: [(rule: String, count: Int)] = []
    /// Visits per hour of the day (UTC) in the period.
    public var activityPerHour = [Int](repeating: 0, count: 24)
    /// The period's sessions, newest first (for `sessions.csv`; `sessions` counts them all).
    public var sessionRows: [Session] = []
    public var warnings: [String] = []

    /// GeoIP databases older than this are flagged: places drift as addresses are reassigned.
    public static let geoipMaxAge: Millis = 30 * 86_400_000

    /// Reads the report of the latest judging run (or of `run`) from the store. `inputs` and
    /// `geoip` are the run's own when the run is the current one; otherwise they come from what the
    /// run recorded. `since` defaults to where that run's inputs began (else a day before `now`).
    public static func load(_ tx: StoreTransaction, now: Millis, since requested: Millis? = nil, store: String,
                            inputs given: [InputStats]? = nil,
                            geoip givenGeoIP: [(path: String, type: String, buildEpoch: Int64)]? = nil,
                            warnings: [String] = [], generatedAt: Millis = Millis(Date().timeIntervalSince1970 * 1000)) throws -> ReportData {
        let run = try tx.latestJudgingRun()
        var data = ReportData(generatedAt: generatedAt, now: now, since: now - 86_400_000, runID: run?.id, runKind: run?.kind, store: store)
        data.warnings = warnings
        // Inputs: the run's, as the report document shows them.
        var inputJSON: [JSON] = given?.map(Report.input) ?? []
        if given == nil, case .object(let counters)? = run?.counters, case .array(let list)? = counters.first(where: { $0.0 == "inputs" })?.1 {
            inputJSON = list
        }
        data.inputs = inputJSON.compactMap(Self.input)
        if let givenGeoIP {
            data.geoip = givenGeoIP.map { GeoIPDatabase(type: $0.type, path: $0.path, built: $0.buildEpoch * 1000) }
        } else if let text = run?.geoip {
            data.geoip = text.split(separator: ",").compactMap { part in
                guard let at = part.lastIndex(of: "@"), let built = UTC.parse(String(part[part.index(after: at)...])) else { return nil }
                return GeoIPDatabase(type: String(part[..<at]), path: nil, built: built)
            }
        }
        for database in data.geoip where now - database.built > geoipMaxAge {
            data.warnings.append("the GeoIP database \(database.type) was built \(UTC.iso(database.built)), more than 30 days before "
                                 + "\(UTC.iso(now)): places may be out of date (run geoipupdate)")
        }
        if data.geoip.isEmpty { data.warnings.append("no GeoIP database: places are unknown and location rules gave no verdicts") }
        data.since = requested ?? data.inputs.compactMap(\.firstTime).min() ?? now - 86_400_000

        // Recommendations: open and approved ones, and whatever the run made; new ones first.
        let listed = try tx.reportRecommendations(since: run?.id ?? Int64.max)
        data.recommendationTotal = listed.count
        data.newTotal = listed.filter { $0.firstRun == run?.id }.count
        data.openTotal = listed.filter { $0.firstRun != run?.id && ["open", "approved"].contains($0.row.recommendation.status) }.count
        for entry in listed { data.recommendationsPerSeverity[entry.row.recommendation.severity, default: 0] += 1 }
        let ordered = listed.sorted { a, b in
            let (x, y) = (a.firstRun == run?.id, b.firstRun == run?.id)
            if x != y { return x }
            return Report.recommendationOrder(a.row.recommendation, b.row.recommendation)
        }.prefix(recommendationCap)
        let findingsByID = Dictionary(try tx.findings(ids: Array(Set(ordered.flatMap(\.row.recommendation.findings)))).map { ($0.id, $0) },
                                      uniquingKeysWith: { a, _ in a })
        data.recommendations = ordered.map { entry in
            Entry(row: entry.row, isNew: entry.firstRun == run?.id,
                  findings: entry.row.recommendation.findings.compactMap { findingsByID[$0] }.sorted(by: Report.findingOrder))
        }

        // Flagged users: those with a recommendation, most severe first; their last fortnight at least.
        var seen: Set<String> = []
        var users: [FlaggedUser] = []
        for entry in data.recommendations {
            let r = entry.recommendation
            let key = "\(r.db)\u{1}\(r.user)"
            if let i = users.firstIndex(where: { "\($0.db)\u{1}\($0.user)" == key }) {
                users[i].recommendations.append(r.id)
                users[i].flagged.formUnion(entry.findings.map(\.sessionKey))
                continue
            }
            guard seen.insert(key).inserted else { continue }
            users.append(FlaggedUser(db: r.db, user: r.user, sessions: [], flagged: Set(entry.findings.map(\.sessionKey)), recommendations: [r.id]))
        }
        data.flaggedUserTotal = users.count
        data.flaggedUsers = try users.prefix(userCap).map { user in
            var u = user
            let from = min(data.since, now - 14 * 86_400_000)
            u.sessions = Array(try tx.sessions(db: u.db, user: u.user, since: from).suffix(sessionsPerUserCap))
            return u
        }

        // The period: counts, charts, findings and sessions.
        (data.sessions, data.users) = try tx.activeCounts(since: data.since)
        data.findings = try tx.findings(since: data.since, limit: findingCap)
        data.findingsPerRule = try tx.findingsPerRule(since: data.since)
        for (name, count) in try tx.findingsPerSeverity(since: data.since) {
            if let severity = Severity(rawValue: name) { data.findingsPerSeverity[severity] = count }
        }
        data.sessionsPerCountry = try tx.sessionsPerCountry(since: data.since)
        for visit in try tx.visits(since: data.since) {
            // Each visit counts once in every hour it touches (at most a day's worth).
            var t = max(visit.start, data.since) / 3_600_000 * 3_600_000
            var hours = 0
            while t <= visit.end, hours < 24 {
                data.activityPerHour[Int((t / 3_600_000) % 24)] += 1
                t += 3_600_000
                hours += 1
            }
        }
        data.sessionRows = try tx.sessions(since: data.since, limit: sessionCap)
        return data
    }

    /// An input from its report-document form.
    static func input(_ json: JSON) -> Input? {
        guard case .object(let pairs) = json else { return nil }
        func value(_ key: String) -> JSON? { pairs.first { $0.0 == key }?.1 }
        func text(_ key: String) -> String? { if case .string(let s)? = value(key) { s } else { nil } }
        func int(_ key: String) -> Int { if case .int(let i)? = value(key) { Int(i) } else { 0 } }
        guard let path = text("path") else { return nil }
        var samples: [(line: Int, reason: String, text: String)] = []
        if case .array(let list)? = value("unparsed_samples") {
            for case .object(let sample) in list {
                let line: Int = if case .int(let i)? = sample.first(where: { $0.0 == "line" })?.1 { Int(i) } else { 0 }
                let reason: String = if case .string(let s)? = sample.first(where: { $0.0 == "reason" })?.1 { s } else { "" }
                let text: String = if case .string(let s)? = sample.first(where: { $0.0 == "text" })?.1 { s } else { "" }
                samples.append((line, reason, text))
            }
        }
        return Input(path: path, format: text("format") ?? "odoo", odooVersion: text("odoo_version"), lines: int("lines"),
                     records: int("records"), unparsed: int("unparsed"), firstTime: text("first_time").flatMap(UTC.parse),
                     lastTime: text("last_time").flatMap(UTC.parse), resumedAfterLine: int("resumed_after_line"), error: text("error"),
                     samples: samples)
    }

    /// Findings and recommendations per severity, most severe first.
    public var bySeverity: [(severity: Severity, findings: Int, recommendations: Int)] {
        Severity.allCases.reversed().map { s in (s, findingsPerSeverity[s] ?? 0, recommendationsPerSeverity[s] ?? 0) }
    }
}
