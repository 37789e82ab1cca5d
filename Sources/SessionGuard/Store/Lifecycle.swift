
/// Why a lifecycle change was refused (unknown id, a status that does not allow it).
public struct LifecycleError: Error, CustomStringConvertible, Sendable {
    public let message: String
    public var description: String { message }
}

/// One recorded change of a recommendation.
public struct RecommendationEvent: Sendable {
    public var at: String
    public var actor: String
    public var event: String
    public var fromStatus: String?
    public var toStatus: String
    public var reason: String?
}

/// A recommendation as listed: the row with its decision columns.
public struct RecommendationRow: Sendable {
    public var recommendation: Recommendation
    public var createdAt: String
    public var decidedBy: String?
    public var decidedAt: String?
    public var decisionReason: String?
    public var outcome: String?
}

/// The recommendation lifecycle (`design.md` §5): `open → approved → applied | failed`, or
/// `dismissed` (which suppresses what its findings said for a while), or `expired` (the session
/// ended on its own). Every change is recorded in `recommendation_events` with who, when and why.
extension StoreTransaction {
    static let statuses = ["open", "approved", "applied", "failed", "dismissed", "expired"]

    func nowText() -> String { UTC.iso(now) }

    /// Records a change of `id` from `from` to `to`.
    public func record(_ id: String, event: String, from: String?, to: String, actor: String, reason: String? = nil, run: Int64? = nil) throws {
        try db.execute(sql: """
            INSERT INTO recommendation_events (recommendation_id, at, actor, event, from_status, to_status, reason, run)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            """, arguments: [id, nowText(), actor, event, from, to, reason, run])
    }

    public func isRecommendation(_ id: String) -> Bool {
        ((try? String.fetchOne(db, sql: "SELECT id FROM recommendations WHERE id = ?", arguments: [id])) ?? nil) != nil
    }

    /// The status of `id`, its row locked until the transaction ends (PostgreSQL: an analyst's
    /// decision and a detect's expiry cannot both read "open" and both write).
    func status(of id: String) throws -> String {
        guard let status = try String.fetchOne(db, sql: "SELECT status FROM recommendations WHERE id = ?\(forUpdate)", arguments: [id]) else {
            throw LifecycleError(message: "\(id): no such recommendation")
        }
        return status
    }

    /// `open → approved`. Approving an approved one again changes nothing.
    public func approve(_ id: String, by actor: String) throws {
        let status = try status(of: id)
        if status == "approved" { return }
        guard status == "open" else { throw LifecycleError(message: "\(id) is \(status): only open recommendations can be approved") }
        try db.execute(sql: "UPDATE recommendations SET status = 'approved', decided_by = ?, decided_at = ?, decision_reason = NULL WHERE id = ?",
                       arguments: [actor, nowText(), id])
        try record(id, event: "approved", from: status, to: "approved", actor: actor)
    }

    /// `open | approved → dismissed`, and a suppression of each of its findings' (rule, db, user,
    /// what it was about) for `days`: the same thing does not come back tomorrow. Returns how many
    /// suppressions were made.
    @discardableResult
    public func dismiss(_ id: String, by actor: String, reason: String, suppressDays: Int) throws -> Int {
        let status = try status(of: id)
        guard status == "open" || status == "approved" else {
            throw LifecycleError(message: "\(id) is \(status): only open or approved recommendations can be dismissed")
        }
        try db.execute(sql: "UPDATE recommendations SET status = 'dismissed', decided_by = ?, decided_at = ?, decision_reason = ? WHERE id = ?",
                       arguments: [actor, nowText(), reason, id])
        try record(id, event: "dismissed", from: status, to: "dismissed", actor: actor, reason: reason)
        guard suppressDays > 0 else { return 0 }
        let rows = try SQLRow.fetchAll(db, sql: """
            SELECT DISTINCT f.rule, f.db, f."user", f.discriminator FROM findings f
            JOIN recommendation_findings rf ON rf.finding_id = f.id WHERE rf.recommendation_id = ?
            """, arguments: [id])
        for r in rows {
            try db.execute(sql: """
                INSERT INTO suppressions (rule, db, "user", discriminator, created_at, expires_at, created_by, reason, recommendation_id)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [r[0], r[1], r[2], r[3], nowText(), UTC.iso(now + Millis(suppressDays) * 86_400_000), actor, reason, id])
        }
        return rows.count
    }

    /// The suppression in force for what a finding says, if any (its row id).
    public func suppression(rule: String, db name: String, user: String, discriminator: String) throws -> Int64? {
        try Int64.fetchOne(db, sql: """
            SELECT id FROM suppressions WHERE rule = ? AND db = ? AND "user" = ? AND discriminator = ? AND expires_at > ?
            ORDER BY expires_at DESC LIMIT 1
            """, arguments: [rule, name, user, discriminator, nowText()])
    }

    /// Open and approved session revocations whose session ended on its own (logged out, revoked
    /// in Odoo, ended by a password change, or idle past Odoo's lifetime) become `expired`.
    /// Returns their ids.
    public func expireEnded(lifetime: Millis, run: Int64) throws -> [String] {
        let ids = try String.fetchAll(db, sql: """
            SELECT r.id FROM recommendations r JOIN sessions s ON s.db = r.db AND s.session_key = r.session_key
            WHERE r.status IN ('open', 'approved') AND r.action = 'revoke_session'
              AND (s.logged_out = 1 OR s.revoked = 1 OR s.invalidated = 1 OR s.last_activity < ?)
            ORDER BY r.id
            """, arguments: [UTC.iso(now - lifetime)])
        var expired: [String] = []
        for id in ids {
            let from = try status(of: id)
            guard from == "open" || from == "approved" else { continue }  // decided meanwhile
            expired.append(id)
            try db.execute(sql: "UPDATE recommendations SET status = 'expired' WHERE id = ?", arguments: [id])
            try record(id, event: "expired", from: from, to: "expired", actor: "sessionguard",
                       reason: "the session ended on its own", run: run)
        }
        return expired
    }

    /// Recommendations by status and minimum severity, most severe and newest first.
    public func recommendations(status: String? = nil, minSeverity: Severity? = nil) throws -> [RecommendationRow] {
        var sql = "SELECT \(Self.recommendationColumns), created_at, decided_by, decided_at, decision_reason, outcome FROM recommendations"
        var conditions: [String] = []
        var arguments: SQLArguments = []
        if let status {
            conditions.append("status = ?")
            arguments.append(status)
        }
        if let minSeverity {
            let allowed = Severity.allCases.filter { $0 >= minSeverity }.map(\.rawValue)
            conditions.append("severity IN (\(allowed.map { _ in "?" }.joined(separator: ",")))")
            arguments += allowed
        }
        if !conditions.isEmpty { sql += " WHERE " + conditions.joined(separator: " AND ") }
        sql += " ORDER BY created_at DESC, id"
        let rows = try SQLRow.fetchAll(db, sql: sql, arguments: arguments)
        return try rows.map { r in
            RecommendationRow(recommendation: try decodeRecommendation(r), createdAt: r[10], decidedBy: r[11], decidedAt: r[12],
                              decisionReason: r[13], outcome: r[14])
        }.sorted { a, b in
            a.recommendation.severity != b.recommendation.severity ? a.recommendation.severity > b.recommendation.severity
                : (a.createdAt, a.recommendation.id) > (b.createdAt, b.recommendation.id)
        }
    }

    /// The recorded changes of one recommendation, oldest first.
    public func events(of id: String) throws -> [RecommendationEvent] {
        try SQLRow.fetchAll(db, sql: """
            SELECT at, actor, event, from_status, to_status, reason FROM recommendation_events WHERE recommendation_id = ? ORDER BY id
            """, arguments: [id]).map {
            RecommendationEvent(at: $0[0], actor: $0[1], event: $0[2], fromStatus: $0[3], toStatus: $0[4], reason: $0[5])
        }
    }
}

extension StoreTransaction {
    /// `approved → applied | failed`, with what revoking did. Applying again what is applied changes nothing.
    public func recordOutcome(_ id: String, applied: Bool, outcome: String, by actor: String) throws {
        let from = try status(of: id)
        let to = applied ? "applied" : "failed"
        guard from == "approved" || from == "failed" || (from == "applied" && applied) else {
            throw LifecycleError(message: "\(id) is \(from): only approved recommendations are revoked")
        }
        if from == "applied" { return }
        try db.execute(sql: "UPDATE recommendations SET status = ?, outcome = ? WHERE id = ?", arguments: [to, outcome, id])
        try record(id, event: to, from: from, to: to, actor: actor, reason: outcome)
    }

    /// The uid of `login` in `db`, as the logs taught it.
    public func uid(db name: String, login: String) throws -> Int? {
        try Int.fetchOne(db, sql: "SELECT uid FROM users WHERE db = ? AND login = ?", arguments: [name, login])
    }
}

extension StoreTransaction {
    /// Sessions for `sessionguard sessions`, newest activity first, with how many findings each has.
    public func sessionList(db name: String?, login: String?, flagged: Bool, limit: Int) throws -> [(Session, Int)] {
        var conditions: [String] = []
        var arguments: SQLArguments = []
        if let name { conditions.append("db = ?"); arguments.append(name) }
        if let login { conditions.append("login = ?"); arguments.append(login) }
        if flagged { conditions.append("EXISTS (SELECT 1 FROM findings f WHERE f.db = sessions.db AND f.session_key = sessions.session_key)") }
        let sql = "SELECT \(Self.sessionColumns) FROM sessions" + (conditions.isEmpty ? "" : " WHERE " + conditions.joined(separator: " AND "))
            + " ORDER BY last_activity DESC, id LIMIT ?"
        arguments.append(limit)
        let sessions = try decode(SQLRow.fetchAll(db, sql: sql, arguments: arguments))
        return try sessions.map { s in
            (s, try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM findings WHERE db = ? AND session_key = ?", arguments: [s.db, s.key]) ?? 0)
        }
    }
}
