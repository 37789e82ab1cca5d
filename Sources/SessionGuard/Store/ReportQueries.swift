/// What the analyst's reports read from the store (`sessionguard report` and `--report`): the
/// latest run, the recommendations with the run that first made them, the findings and sessions
/// of a period, and counts per place and hour.
extension StoreTransaction {
    /// A finished run as the report shows it.
    public struct RunRow: Sendable {
        public var id: Int64
        public var kind: String
        public var finishedAt: String?
        public var now: String
        public var geoip: String?
        public var counters: JSON?
    }

    /// The latest successful run that judged the store (analyze or detect), if any.
    public func latestJudgingRun() throws -> RunRow? {
        try SQLRow.fetchOne(db, sql: """
            SELECT id, kind, finished_at, now, geoip, counters FROM runs
            WHERE status = 'ok' AND kind IN ('analyze', 'detect') ORDER BY id DESC LIMIT 1
            """).map { r in
            RunRow(id: r[0], kind: r[1], finishedAt: r[2], now: r[3], geoip: r[4], counters: (r[5] as String?).flatMap(JSON.parse))
        }
    }

    /// Open and approved recommendations, and any other that run `run` (or a later one) made or
    /// changed (expired, say); with the run that first made each.
    public func reportRecommendations(since run: Int64) throws -> [(row: RecommendationRow, firstRun: Int64)] {
        let rows = try SQLRow.fetchAll(db, sql: """
            SELECT \(Self.recommendationColumns), created_at, decided_by, decided_at, decision_reason, outcome, first_run
            FROM recommendations WHERE status IN ('open', 'approved') OR first_run >= ?
               OR id IN (SELECT recommendation_id FROM recommendation_events WHERE run >= ?)
            """, arguments: [run, run])
        return try rows.map { r in
            (RecommendationRow(recommendation: try decodeRecommendation(r), createdAt: r[10], decidedBy: r[11], decidedAt: r[12],
                               decisionReason: r[13], outcome: r[14]), r[15])
        }
    }

    /// Findings by id.
    public func findings(ids: [String]) throws -> [Finding] {
        var result: [Finding] = []
        for chunk in ids.chunks() {
            result += try SQLRow.fetchAll(db, sql: """
                SELECT \(Self.findingColumns) FROM findings WHERE id IN (\(placeholders(chunk.count)))
                """, arguments: chunk.map { $0 }).map(decodeFinding)
        }
        return result
    }

    /// Findings seen at or after `since`, most severe first, at most `limit`.
    public func findings(since: Millis, limit: Int) throws -> [Finding] {
        let rows = try SQLRow.fetchAll(db, sql: """
            SELECT \(Self.findingColumns) FROM findings WHERE last_seen >= ?
            ORDER BY CASE severity WHEN 'critical' THEN 0 WHEN 'high' THEN 1 WHEN 'medium' THEN 2 WHEN 'low' THEN 3 ELSE 4 END,
                     first_seen, id
            LIMIT ?
            """, arguments: [UTC.iso(since), limit])
        return rows.map(decodeFinding)
    }

    /// Findings per severity seen at or after `since`.
    public func findingsPerSeverity(since: Millis) throws -> [String: Int] {
        var counts: [String: Int] = [:]
        for r in try SQLRow.fetchAll(db, sql: "SELECT severity, COUNT(*) FROM findings WHERE last_seen >= ? GROUP BY severity",
                                     arguments: [UTC.iso(since)]) {
            counts[r[0] as String] = r[1]
        }
        return counts
    }

    /// Findings per rule seen at or after `since`, most first.
    public func findingsPerRule(since: Millis) throws -> [(rule: String, count: Int)] {
        try SQLRow.fetchAll(db, sql: """
            SELECT rule, COUNT(*) FROM findings WHERE last_seen >= ? GROUP BY rule ORDER BY COUNT(*) DESC, rule
            """, arguments: [UTC.iso(since)]).map { ($0[0], $0[1]) }
    }

    /// How many sessions and users were active at or after `since`.
    public func activeCounts(since: Millis) throws -> (sessions: Int, users: Int) {
        let row = try SQLRow.fetchOne(db, sql: """
            SELECT COUNT(*), COUNT(DISTINCT db || '|' || COALESCE(login, 'uid:' || uid, 'unknown')) FROM sessions WHERE last_activity >= ?
            """, arguments: [UTC.iso(since)])
        return (row?[0] ?? 0, row?[1] ?? 0)
    }

    /// Sessions active at or after `since` per country of their addresses (a session used from two
    /// countries counts in both; "?" for addresses without a place, "internal" for private ones).
    public func sessionsPerCountry(since: Millis) throws -> [(country: String, sessions: Int)] {
        try SQLRow.fetchAll(db, sql: """
            SELECT CASE WHEN i.internal = 1 THEN 'internal' ELSE COALESCE(i.country_code, '?') END AS c, COUNT(DISTINCT s.id)
            FROM sessions s JOIN session_ips i ON i.session_id = s.id
            WHERE s.last_activity >= ? GROUP BY c ORDER BY COUNT(DISTINCT s.id) DESC, c
            """, arguments: [UTC.iso(since)]).map { ($0[0], $0[1]) }
    }

    /// The visits of addresses active at or after `since`, for activity per hour.
    public func visits(since: Millis) throws -> [Visit] {
        try String.fetchAll(db, sql: """
            SELECT i.visits FROM session_ips i JOIN sessions s ON s.id = i.session_id WHERE s.last_activity >= ?
            """, arguments: [UTC.iso(since)]).flatMap(Visits.decode).filter { $0.end >= since }
    }

    /// Sessions active at or after `since`, newest activity first, at most `limit`.
    public func sessions(since: Millis, limit: Int) throws -> [Session] {
        let rows = try SQLRow.fetchAll(db, sql: """
            SELECT \(Self.sessionColumns) FROM sessions WHERE last_activity >= ? ORDER BY last_activity DESC, id LIMIT ?
            """, arguments: [UTC.iso(since), limit])
        return try decode(rows)
    }

    /// A user's sessions active at or after `since` (for the report's timeline and map).
    public func sessions(db name: String, user: String, since: Millis) throws -> [Session] {
        try sessions(db: name, user: user).filter { $0.lastActivity >= since }
    }
}
