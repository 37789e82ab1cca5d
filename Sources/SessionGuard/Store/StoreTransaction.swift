import Foundation

/// The store's operations inside one transaction. Also the detectors' view of history.
public struct StoreTransaction: DetectionContext {
    let db: any SQLDatabase
    public let now: Millis
    final class Cache {
        var histories: [String: [Session]] = [:]
        var sessionLifetime: Millis = 7 * 86_400_000
        var span: ClosedRange<Millis>?
        /// Per db: every (user, address, place, first use) since `since`, for organisation baselines.
        var orgRows: [String: (since: Millis, rows: [(user: String, use: SessionIP)])] = [:]
        var organisations: [String: OrganisationBaseline] = [:]
        var matches: [RequestMatch] = []
        var watches: [String] = []
    }
    let cache = Cache()

    /// Odoo's session lifetime, as detectors see it.
    public var sessionLifetime: Millis { cache.sessionLifetime }
    /// What this run brought, for run-level detectors.
    public var span: ClosedRange<Millis>? { cache.span }

    /// Sets what detectors need to know about the instance and the run.
    public func configure(sessionLifetime: Millis, span: ClosedRange<Millis>?, matches: [RequestMatch] = [], watches: [String] = []) {
        cache.sessionLifetime = sessionLifetime
        cache.span = span
        cache.matches = matches
        cache.watches = watches
    }

    public func requestMatches(watch: String) -> [RequestMatch] {
        guard let bit = cache.watches.firstIndex(of: watch) else { return [] }
        return cache.matches.filter { $0.mask & (UInt64(1) << UInt64(bit)) != 0 }
    }

    static func evidenceText(_ e: Evidence?) -> String? { e.map { "\($0.file):\($0.line)" } }
    static func evidence(_ text: String?) -> Evidence? {
        guard let text, let colon = text.lastIndex(of: ":"), let line = Int(text[text.index(after: colon)...]) else { return nil }
        return Evidence(file: String(text[..<colon]), line: line)
    }

    /// ` FOR UPDATE` in PostgreSQL, where transactions run side by side; nothing in SQLite, where
    /// write transactions run one at a time.
    var forUpdate: String { db.dialect == .postgres ? " FOR UPDATE" : "" }

    /// Holds the advisory lock `name` until the transaction ends, where runs on several hosts need
    /// one order (PostgreSQL; SQLite's write transactions already exclude each other). `shared`:
    /// alongside other shared holders, but not alongside an exclusive one. The key is per schema,
    /// so stores in two schemas of one database do not wait for each other.
    public func lock(_ name: String, shared: Bool = false) throws {
        guard db.dialect == .postgres else { return }
        try db.execute(sql: "SELECT pg_advisory_xact_lock\(shared ? "_shared" : "")(\(Schema.advisoryKey))", arguments: [name])
    }

    // MARK: runs

    public func beginRun(kind: String, host: String, configHash: String? = nil, rulesHash: String?, geoip: String?,
                         partition: String? = nil) throws -> Int64 {
        try Int64.fetchOne(db, sql: """
            INSERT INTO runs (kind, started_at, host, version, now, config_hash, rules_hash, geoip, status, partition)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'running', ?) RETURNING id
            """, arguments: [kind, UTC.iso(Millis(Date().timeIntervalSince1970 * 1000)), host,
                             SessionGuardVersion.current, UTC.iso(now), configHash, rulesHash, geoip, partition]) ?? 0
    }

    /// The last run that judged this part of the users (an analyze or a whole detect judged every part).
    public func lastDetectRun(partition: String?) throws -> Int64 {
        try Int64.fetchOne(db, sql: """
            SELECT MAX(id) FROM runs WHERE status = 'ok'
              AND (kind = 'analyze' OR (kind = 'detect' AND (partition IS NULL OR partition = ?)))
            """, arguments: [partition ?? ""]) ?? 0
    }

    /// Sessions an ingest (or analyze) after run `run` changed.
    public func sessionIDs(changedAfterRun run: Int64) throws -> [Int64] {
        try Int64.fetchAll(db, sql: "SELECT id FROM sessions WHERE last_run > ? ORDER BY id", arguments: [run])
    }

    /// The time span of the authentication events stored after run `run`.
    public func authEventSpan(afterRun run: Int64) throws -> ClosedRange<Millis>? {
        guard let row = try SQLRow.fetchOne(db, sql: "SELECT MIN(time_ms), MAX(time_ms) FROM auth_events WHERE first_run > ?", arguments: [run]),
              let low: Millis = row[0], let high: Millis = row[1] else { return nil }
        return low...high
    }

    /// Keeps what request_match watched during an ingest, for the next detect.
    public func insert(matches: [RequestMatch], watches: [String], run: Int64) throws {
        guard !matches.isEmpty else { return }
        var rows: [[SQLValue]] = []
        for m in matches {
            for (bit, watch) in watches.enumerated() where m.mask & (UInt64(1) << UInt64(bit)) != 0 {
                rows.append(([watch, m.time, m.db, m.ip, m.sessionKey, m.user, m.uid, m.identifier, m.method,
                              m.text, m.status, Self.evidenceText(m.evidence), run] as SQLArguments).sqlValues)
            }
        }
        _ = try db.insertMany(into: "request_matches", columns: [
            SQLColumn("watch", .text), SQLColumn("time_ms", .integer), SQLColumn("db", .text), SQLColumn("ip", .text),
            SQLColumn("session_key", .text), SQLColumn(#""user""#, .text), SQLColumn("uid", .integer), SQLColumn("identifier", .text),
            SQLColumn("method", .text), SQLColumn("text", .text), SQLColumn("status", .integer), SQLColumn("evidence", .text),
            SQLColumn("run", .integer),
        ], rows: rows, key: [], tail: "")
    }

    /// What ingest runs after run `run` watched, as matches of this run's watches (by id).
    public func matches(afterRun run: Int64, watches: [String]) throws -> [RequestMatch] {
        guard !watches.isEmpty else { return [] }
        return try SQLRow.fetchAll(db, sql: """
            SELECT watch, time_ms, db, ip, session_key, "user", uid, identifier, method, text, status, evidence
            FROM request_matches WHERE run > ? ORDER BY time_ms, id
            """, arguments: [run]).compactMap { r in
            guard let bit = watches.firstIndex(of: r[0] as String) else { return nil }
            return RequestMatch(mask: UInt64(1) << UInt64(bit), time: r[1], db: r[2], ip: r[3], sessionKey: r[4], user: r[5], uid: r[6],
                                identifier: r[7], method: r[8], text: r[9], status: r[10],
                                evidence: Self.evidence(r[11]) ?? Evidence(file: "?", line: 0))
        }
    }

    /// When the last successful run finished.
    public func lastSuccess() throws -> Millis? {
        try String.fetchOne(db, sql: "SELECT MAX(finished_at) FROM runs WHERE status = 'ok'").flatMap(UTC.parse)
    }

    /// The latest runs, newest first.
    public func runs(limit: Int) throws -> [(id: Int64, kind: String, started: String, finished: String?, host: String, version: String,
                                              now: String, status: String, counters: JSON?)] {
        try SQLRow.fetchAll(db, sql: """
            SELECT id, kind, started_at, finished_at, host, version, now, status, counters FROM runs ORDER BY id DESC LIMIT ?
            """, arguments: [limit]).map { r in
            (r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], (r[8] as String?).flatMap(JSON.parse))
        }
    }

    public func finishRun(_ id: Int64, counters: JSON) throws {
        try db.execute(sql: "UPDATE runs SET finished_at = ?, counters = ?, status = 'ok' WHERE id = ?",
                       arguments: [UTC.iso(Millis(Date().timeIntervalSince1970 * 1000)), counters.serialized(), id])
    }

    // MARK: sessions

    /// Merges sessions into the store and returns their row ids. Times widen and visits unite;
    /// request counts add up, which is right because checkpoints make every line read once.
    /// An access log alone does not know the database: its sessions are stored under `?`. When a
    /// later run learns a session's database (Odoo's device line named its identifier), the `?` row
    /// moves there, so that what the two runs saw is one session (the upsert then merges into it).
    func adoptUnknownDatabase(_ sessions: [Session]) throws {
        let unknown: [String] = try db.values(sql: "SELECT session_key FROM sessions WHERE db = '?' AND source = 'access-log'")
        guard !unknown.isEmpty else { return }
        let keys = Set(unknown)
        for s in sessions where s.db != "?" && s.identifier != nil && keys.contains(s.key) {
            try db.execute(sql: """
                UPDATE sessions SET db = ? WHERE db = '?' AND session_key = ?
                    AND NOT EXISTS (SELECT 1 FROM sessions other WHERE other.db = ? AND other.session_key = ?)
                """, arguments: [s.db, s.key, s.db, s.key])
        }
    }

    public func upsert(sessions: [Session], run: Int64) throws -> [Int64] {
        guard !sessions.isEmpty else { return [] }
        try adoptUnknownDatabase(sessions)
        // In key order: concurrent runs (other hosts, PostgreSQL) then lock shared rows in one order.
        let order = sessions.indices.sorted { (sessions[$0].db, sessions[$0].key) < (sessions[$1].db, sessions[$1].key) }
        let returned = try db.insertMany(into: "sessions", columns: Self.sessionInsertColumns, rows: order.map { i in
            let s = sessions[i]
            return ([s.db, s.key, s.identifier, s.uid, s.login, UTC.iso(s.firstActivity), UTC.iso(s.lastActivity), s.requests,
                     s.loggedOut, s.revoked, s.invalidated, s.userAgent, s.source, Self.evidenceText(s.firstEvidence),
                     Self.evidenceText(s.lastEvidence), run, run, s.probablyLoggedOut] as SQLArguments).sqlValues
        }, key: [0, 1], tail: """
            ON CONFLICT (db, session_key) DO UPDATE SET
                identifier = COALESCE(excluded.identifier, sessions.identifier),
                uid = COALESCE(sessions.uid, excluded.uid),
                login = COALESCE(excluded.login, sessions.login),
                first_evidence = CASE WHEN excluded.first_activity < sessions.first_activity THEN excluded.first_evidence
                                      ELSE sessions.first_evidence END,
                first_activity = LEAST(sessions.first_activity, excluded.first_activity),
                last_evidence = CASE WHEN excluded.last_activity > sessions.last_activity THEN excluded.last_evidence
                                     ELSE sessions.last_evidence END,
                last_activity = GREATEST(sessions.last_activity, excluded.last_activity),
                request_count = sessions.request_count + excluded.request_count,
                logged_out = GREATEST(sessions.logged_out, excluded.logged_out),
                revoked = GREATEST(sessions.revoked, excluded.revoked),
                invalidated = CASE WHEN excluded.last_activity >= sessions.last_activity THEN excluded.invalidated
                                   ELSE sessions.invalidated END,
                probably_logged_out = CASE WHEN excluded.last_activity >= sessions.last_activity THEN excluded.probably_logged_out
                                           ELSE sessions.probably_logged_out END,
                user_agent = COALESCE(excluded.user_agent, sessions.user_agent),
                source = CASE WHEN sessions.source = 'access-log' THEN excluded.source ELSE sessions.source END,
                last_run = GREATEST(sessions.last_run, excluded.last_run)
            RETURNING id, db, session_key
            """)
        var idByKey: [String: Int64] = [:]
        for r in returned { idByKey["\(r[1] as String)\u{1}\(r[2] as String)"] = r[0] }
        let ids = sessions.map { idByKey["\($0.db)\u{1}\($0.key)"] ?? 0 }

        var ipRows: [[SQLValue]] = []
        var logins: [String: (db: String, uid: Int, login: String)] = [:]  // per (db, uid): the last one given wins
        for i in order {
            let s = sessions[i]
            for use in s.ips {
                let l = use.placement.location
                var internalFlag = false
                if case .internal = use.placement { internalFlag = true }
                ipRows.append(([
                    ids[i], use.ip, UTC.iso(use.firstSeen), UTC.iso(use.lastSeen), use.requests, internalFlag,
                    l?.countryCode, l?.countryName, l?.region, l?.city, l?.latitude, l?.longitude, l?.accuracyRadiusKm,
                    l?.asn, l?.asOrganization, Self.evidenceText(use.firstEvidence), Visits.encode(Visits.normalized(use.visits)),
                ] as SQLArguments).sqlValues)
            }
        }
        for s in sessions {
            if let uid = s.uid, let login = s.login { logins["\(s.db)\u{1}\(uid)"] = (s.db, uid, login) }
        }
        _ = try db.insertMany(into: "session_ips", columns: Self.sessionIPColumns, rows: ipRows, key: [0, 1], tail: """
            ON CONFLICT (session_id, ip) DO UPDATE SET
                visits = sg_merge_visits(session_ips.visits, excluded.visits),
                first_evidence = CASE WHEN excluded.first_seen < session_ips.first_seen THEN excluded.first_evidence
                                      ELSE session_ips.first_evidence END,
                first_seen = LEAST(session_ips.first_seen, excluded.first_seen),
                last_seen = GREATEST(session_ips.last_seen, excluded.last_seen),
                requests = session_ips.requests + excluded.requests,
                internal = excluded.internal,
                -- a run without GeoIP (or with a database that lacks the address) keeps the known place whole;
                -- otherwise the new place replaces the old one whole (never a country from one and a city from another)
                \(Self.placeColumns.split(separator: ",").map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.dropFirst().map {
                    "\($0) = CASE WHEN \(Self.noPlace) THEN session_ips.\($0) ELSE excluded.\($0) END"
                }.joined(separator: ",\n    "))
            """)
        let users = logins.values.sorted { ($0.db, $0.uid) < ($1.db, $1.uid) }
        _ = try db.insertMany(into: "users", columns: [SQLColumn("db", .text), SQLColumn("uid", .integer), SQLColumn("login", .text)],
                              rows: users.map { [.text($0.db), .integer(Int64($0.uid)), .text($0.login)] }, key: [0, 1], tail: "ON CONFLICT (db, uid) DO UPDATE SET login = excluded.login")
        try fillLogins(ids: Set(ids).sorted())
        return ids
    }

    /// Sessions whose login the log did not show inherit it from what other sessions taught us:
    /// those of `ids` (an ingest touches only its own rows, in id order, so concurrent ingests do
    /// not deadlock over each other's), or every session (detect, which runs alone).
    public func fillLogins(ids: [Int64]?) throws {
        let update = """
            UPDATE sessions SET login = (SELECT u.login FROM users u WHERE u.db = sessions.db AND u.uid = sessions.uid)
            WHERE login IS NULL AND uid IS NOT NULL
              AND EXISTS (SELECT 1 FROM users u WHERE u.db = sessions.db AND u.uid = sessions.uid)
            """
        guard let ids else {
            try db.execute(sql: update)
            return
        }
        for chunk in ids.chunks() {
            try db.execute(sql: update + " AND id IN (\(placeholders(chunk.count)))", arguments: chunk.map { $0 })
        }
    }

    static let sessionInsertColumns: [SQLColumn] = [
        SQLColumn("db", .text), SQLColumn("session_key", .text), SQLColumn("identifier", .text), SQLColumn("uid", .integer),
        SQLColumn("login", .text), SQLColumn("first_activity", .text), SQLColumn("last_activity", .text),
        SQLColumn("request_count", .integer), SQLColumn("logged_out", .integer), SQLColumn("revoked", .integer),
        SQLColumn("invalidated", .integer), SQLColumn("user_agent", .text), SQLColumn("source", .text),
        SQLColumn("first_evidence", .text), SQLColumn("last_evidence", .text), SQLColumn("first_run", .integer),
        SQLColumn("last_run", .integer), SQLColumn("probably_logged_out", .integer),
    ]

    static let sessionIPColumns: [SQLColumn] = [
        SQLColumn("session_id", .integer), SQLColumn("ip", .text), SQLColumn("first_seen", .text), SQLColumn("last_seen", .text),
        SQLColumn("requests", .integer), SQLColumn("internal", .integer), SQLColumn("country_code", .text),
        SQLColumn("country_name", .text), SQLColumn("region", .text), SQLColumn("city", .text), SQLColumn("latitude", .real),
        SQLColumn("longitude", .real), SQLColumn("accuracy_radius_km", .integer), SQLColumn("asn", .integer),
        SQLColumn("as_organization", .text), SQLColumn("first_evidence", .text), SQLColumn("visits", .text),
    ]

    static let noPlace = "excluded.country_code IS NULL AND excluded.asn IS NULL"

    /// The latest activity the store knows of (where the logs read so far end).
    public func lastActivity() throws -> Millis? {
        try String.fetchOne(db, sql: "SELECT MAX(last_activity) FROM sessions").flatMap(UTC.parse)
    }

    /// Sessions that have not ended (no logout, revocation or password change seen) and were used
    /// at or after `since`.
    public func liveSessionIDs(since: Millis) throws -> [Int64] {
        try Int64.fetchAll(db, sql: """
            SELECT id FROM sessions WHERE logged_out = 0 AND revoked = 0 AND invalidated = 0 AND last_activity >= ? ORDER BY id
            """, arguments: [UTC.iso(since)])
    }

    static let sessionColumns = """
        id, db, session_key, identifier, uid, login, first_activity, last_activity, request_count, logged_out, revoked,
        invalidated, user_agent, source, first_evidence, last_evidence, probably_logged_out
        """

    /// Loads sessions (with their addresses and places) by row id.
    public func sessions(ids: [Int64]) throws -> [Session] {
        var result: [Session] = []
        for chunk in ids.chunks() {
            let rows = try SQLRow.fetchAll(db, sql: "SELECT \(Self.sessionColumns) FROM sessions WHERE id IN (\(placeholders(chunk.count))) ORDER BY id",
                                        arguments: chunk.map { $0 })
            result += try decode(rows)
        }
        return result
    }

    /// Builds sessions from rows of `sessionColumns` (read by position: name look-ups dominate otherwise).
    func decode(_ rows: [SQLRow]) throws -> [Session] {
        guard !rows.isEmpty else { return [] }
        var ips: [Int64: [SessionIP]] = [:]
        for chunk in rows.chunks() {
            let ids: [Int64] = chunk.map { $0[0] }
            let marks = placeholders(ids.count)
            let cursor = try SQLRow.fetchAll(db, sql: """
                SELECT session_id, ip, first_seen, last_seen, requests, \(Self.placeColumns), first_evidence, visits
                FROM session_ips WHERE session_id IN (\(marks)) ORDER BY first_seen, ip
                """, arguments: ids.map { $0 })
            for r in cursor {
                var use = SessionIP(ip: r[1], firstSeen: UTC.parse(r[2]) ?? 0, lastSeen: UTC.parse(r[3]) ?? 0,
                                    requests: r[4], firstEvidence: Self.evidence(r[15]), visits: Visits.decode(r[16]))
                use.placement = Self.placement(r, at: 5)
                ips[r[0], default: []].append(use)
            }
        }
        return rows.map { r in
            let id: Int64 = r[0], db: String = r[1], key: String = r[2], identifier: String? = r[3], uid: Int? = r[4]
            let login: String? = r[5], first: String = r[6], last: String = r[7], requests: Int = r[8]
            let loggedOut: Bool = r[9], revoked: Bool = r[10], invalidated: Bool = r[11], userAgent: String? = r[12]
            let source: String = r[13], firstEvidence: String? = r[14], lastEvidence: String? = r[15], probablyLoggedOut: Bool = r[16]
            return Session(db: db, key: key, identifier: identifier, uid: uid, login: login,
                           firstActivity: UTC.parse(first) ?? 0, lastActivity: UTC.parse(last) ?? 0,
                           requests: requests, ips: ips[id] ?? [], loggedOut: loggedOut, revoked: revoked, invalidated: invalidated,
                           userAgent: userAgent, firstEvidence: Self.evidence(firstEvidence),
                           lastEvidence: Self.evidence(lastEvidence), source: source, probablyLoggedOut: probablyLoggedOut)
        }
    }

    static let placeColumns = """
        internal, country_code, country_name, region, city, latitude, longitude, accuracy_radius_km, asn, as_organization
        """

    /// The place stored in `placeColumns` starting at column `i`.
    static func placement(_ r: SQLRow, at i: Int) -> Placement {
        if (r[i] as Bool?) == true { return .internal }
        guard (r[i + 1] as String?) != nil || (r[i + 8] as Int?) != nil else { return .unknown }
        var l = GeoLocation()
        l.countryCode = r[i + 1]
        l.countryName = r[i + 2]
        l.region = r[i + 3]
        l.city = r[i + 4]
        l.latitude = r[i + 5]
        l.longitude = r[i + 6]
        l.accuracyRadiusKm = r[i + 7]
        l.asn = r[i + 8]
        l.asOrganization = r[i + 9]
        return .located(l)
    }

    /// Records the users whose sessions this run changed (a temporary table the baseline refresh
    /// and the history preload both read).
    public func markTouched(users: [(db: String, login: String)]) throws {
        try db.execute(sql: "CREATE TEMP TABLE IF NOT EXISTS touched_users (db TEXT NOT NULL, login TEXT NOT NULL, PRIMARY KEY (db, login))")
        try db.execute(sql: "DELETE FROM touched_users")
        _ = try db.insertMany(into: "touched_users", columns: [SQLColumn("db", .text), SQLColumn("login", .text)],
                              rows: users.map { [.text($0.db), .text($0.login)] }, key: [], tail: "ON CONFLICT DO NOTHING")
    }

    /// Loads the history of every touched user in two queries, instead of two per user when the
    /// detectors ask.
    public func preloadHistories() throws {
        let rows = try SQLRow.fetchAll(db, sql: """
            SELECT \(Self.sessionColumns) FROM sessions WHERE (db, login) IN (SELECT db, login FROM touched_users)
            ORDER BY db, login, first_activity, session_key
            """)
        var grouped: [String: [Session]] = [:]
        for session in try decode(rows) { grouped["\(session.db)\u{1}\(session.user)", default: []].append(session) }
        for (key, sessions) in grouped { cache.histories[key] = sessions }
    }

    /// A user's sessions, loaded once per transaction and then filtered in memory: detectors ask
    /// for the same user's history once per session.
    public func history(db name: String, user: String, from: Millis, before: Millis, excludingKey: String) throws -> [Session] {
        try sessions(db: name, user: user).filter { $0.firstActivity >= from && $0.firstActivity < before && $0.key != excludingKey }
    }

    public func activity(db name: String, user: String, from: Millis, to: Millis) throws -> [Session] {
        try sessions(db: name, user: user).filter { $0.lastActivity >= from && $0.firstActivity <= to }
    }

    /// All of a user's sessions in `db`, by first activity.
    func sessions(db name: String, user: String) throws -> [Session] {
        let key = "\(name)\u{1}\(user)"
        let all: [Session]
        if let cached = cache.histories[key] {
            all = cached
        } else {
            let (column, value): (String, any SQLBindable) = user.hasPrefix("uid:")
                ? ("uid", Int(user.dropFirst(4)) ?? -1) : ("login", user)
            let rows = try SQLRow.fetchAll(db, sql: """
                SELECT \(Self.sessionColumns) FROM sessions WHERE db = ? AND \(column) = ? ORDER BY first_activity, session_key
                """, arguments: [name, value])
            all = try decode(rows)
            cache.histories[key] = all
        }
        return all
    }

    public func organisation(db name: String, scope: PlaceScope, since requested: Millis) throws -> OrganisationBaseline {
        if let loaded = cache.orgRows[name], loaded.since <= requested {
            if let baseline = cache.organisations["\(name)\u{1}\(scope.key)"] { return baseline }
        } else {
            // Load a year at least, so detectors asking from slightly different times share one load.
            let since = min(requested, now - 366 * 86_400_000)
            // One query per db and run: every address used since `since`, with its place.
            let cursor = try SQLRow.fetchAll(db, sql: """
                SELECT COALESCE(s.login, 'uid:' || s.uid, 'unknown'), i.ip, i.first_seen, i.last_seen, \(Self.placeColumns.split(separator: ",")
                    .map { "i." + $0.trimmingCharacters(in: .whitespacesAndNewlines) }.joined(separator: ", "))
                FROM session_ips i JOIN sessions s ON s.id = i.session_id
                WHERE s.db = ? AND i.last_seen >= ?
                """, arguments: [name, UTC.iso(since)])
            var rows: [(user: String, use: SessionIP)] = []
            for r in cursor {
                var use = SessionIP(ip: r[1], firstSeen: UTC.parse(r[2]) ?? 0, lastSeen: UTC.parse(r[3]) ?? 0, requests: 0, firstEvidence: nil)
                use.placement = Self.placement(r, at: 4)
                rows.append((r[0], use))
            }
            cache.orgRows[name] = (since, rows)
            for key in cache.organisations.keys where key.hasPrefix("\(name)\u{1}") { cache.organisations[key] = nil }
        }
        let rows = cache.orgRows[name]!.rows
        var users: [String: [(first: Millis, last: Millis)]] = [:]
        var uses: [(user: String, value: String, first: Millis, last: Millis)] = []
        for (user, use) in rows {
            users[user, default: []].append((use.firstSeen, use.lastSeen))
            if let value = scope.value(of: use) { uses.append((user, value, use.firstSeen, use.lastSeen)) }
        }
        let baseline = OrganisationBaseline(uses: uses, users: users)
        cache.organisations["\(name)\u{1}\(scope.key)"] = baseline
        return baseline
    }

    public func authEvents(from: Millis, to: Millis) throws -> [AuthEvent] {
        let rows = try SQLRow.fetchAll(db, sql: """
            SELECT time_ms, kind, db, login, uid, ip, evidence FROM auth_events WHERE time_ms BETWEEN ? AND ? ORDER BY time_ms, id
            """, arguments: [from, to])
        return rows.compactMap { r in
            guard let kind = AuthEvent.kind(named: r[1]) else { return nil }
            let db: String = r[2], login: String = r[3], uid: Int = r[4], ip: String = r[5]
            return AuthEvent(time: r[0], kind: kind, db: db.isEmpty ? nil : db, login: login.isEmpty ? nil : login,
                             uid: uid < 0 ? nil : uid, ip: ip.isEmpty ? nil : ip,
                             evidence: Self.evidence(r[6]) ?? Evidence(file: "?", line: 0))
        }
    }

    // MARK: auth events and baselines

    public func insert(authEvents: [AuthEvent], run: Int64) throws {
        _ = try db.insertMany(into: "auth_events", columns: [
            SQLColumn("time", .text), SQLColumn("time_ms", .integer), SQLColumn("kind", .text), SQLColumn("db", .text),
            SQLColumn("login", .text), SQLColumn("uid", .integer), SQLColumn("ip", .text), SQLColumn("evidence", .text),
            SQLColumn("first_run", .integer),
        ], rows: authEvents.map { e in
            ([UTC.iso(e.time), e.time, e.kindName, e.db ?? "", e.login ?? "", e.uid ?? -1, e.ip ?? "", Self.evidenceText(e.evidence),
              run] as SQLArguments).sqlValues
        }, key: [], tail: "ON CONFLICT DO NOTHING")
    }

    /// Recomputes the place baselines (`design.md` §5) of the touched users from their sessions.
    public func refreshBaselines() throws {
        try db.execute(sql: #"DELETE FROM baselines WHERE (db, "user") IN (SELECT db, login FROM touched_users)"#)
        let scopes = [
            ("country", "i.country_code"),
            ("region", "i.country_code || '/' || i.region"),
            ("city", "i.country_code || '/' || i.city"),
            ("asn", "'AS' || i.asn"),
        ]
        for (scope, expression) in scopes {
            try db.execute(sql: """
                INSERT INTO baselines (db, "user", scope, value, first_seen, last_seen, sessions, days)
                SELECT s.db, s.login, CAST(? AS TEXT), \(expression), MIN(i.first_seen), MAX(i.last_seen), COUNT(DISTINCT s.id),
                       COUNT(DISTINCT substr(i.first_seen, 1, 10))
                FROM touched_users t
                JOIN sessions s ON s.db = t.db AND s.login = t.login
                JOIN session_ips i ON i.session_id = s.id
                WHERE \(expression) IS NOT NULL
                GROUP BY s.db, s.login, \(expression)
                """, arguments: [scope])
        }
    }

    // MARK: findings and recommendations

    /// Stores a finding; returns true when it was not in the store before.
    @discardableResult
    public func upsert(finding f: Finding, run: Int64) throws -> Bool {
        let existed = try Bool.fetchOne(db, sql: "SELECT 1 FROM findings WHERE id = ?", arguments: [f.id]) ?? false
        try db.execute(sql: """
            INSERT INTO findings (id, rule, detector, severity, db, "user", user_id, session_key, session_identifier, first_seen,
                                  last_seen, summary, facts, evidence, recommend, rule_hash, geoip_build, first_run, last_run,
                                  discriminator, suppressed_by)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (id) DO UPDATE SET
                discriminator = excluded.discriminator, suppressed_by = excluded.suppressed_by,
                severity = excluded.severity, "user" = excluded."user", user_id = COALESCE(excluded.user_id, findings.user_id),
                first_seen = LEAST(findings.first_seen, excluded.first_seen), last_seen = GREATEST(findings.last_seen, excluded.last_seen),
                summary = excluded.summary, facts = excluded.facts, evidence = excluded.evidence,
                recommend = excluded.recommend, rule_hash = excluded.rule_hash, geoip_build = excluded.geoip_build,
                last_run = excluded.last_run
            """, arguments: [
                f.id, f.rule, f.detector, f.severity.rawValue, f.db, f.user, f.userID, f.sessionKey, f.sessionIdentifier,
                UTC.iso(f.firstSeen), UTC.iso(f.lastSeen), f.summary, JSON.object(f.facts).serialized(),
                JSON.array(f.evidence.map { .object([("file", .string($0.file)), ("line", .int($0.line))]) }).serialized(),
                f.recommend.rawValue, f.ruleHash, f.geoipBuild, run, run, f.discriminator, f.suppressedBy,
            ])
        return !existed
    }

    /// Stores a recommendation: joins the open one for the same (action, db, target) if there is
    /// one, keeps an analyst's decision on a known one, else opens a new one. Returns the stored
    /// recommendation and whether it is new.
    public func upsert(recommendation draft: Recommendation, run: Int64) throws -> (Recommendation, Bool) {
        var r = draft
        // A closed recommendation (dismissed, applied, failed, expired) keeps what it was decided on:
        // findings it did not have open a new one (its id then covers all the findings).
        if let status = try String.fetchOne(db, sql: "SELECT status FROM recommendations WHERE id = ?\(forUpdate)", arguments: [r.id]),
           !["open", "approved"].contains(status) {
            let had = Set(try String.fetchAll(db, sql: "SELECT finding_id FROM recommendation_findings WHERE recommendation_id = ?",
                                              arguments: [r.id]))
            if !Set(r.findings).isSubset(of: had) {
                r.id = "R-" + StableHash.hex([r.action.rawValue, r.db, r.target] + r.findings.sorted())
            }
        }
        var stored = r
        var isNew = false
        if let row = try SQLRow.fetchOne(db, sql: """
            SELECT id, status, severity, reasons FROM recommendations
            WHERE (action = ? AND db = ? AND target = ? AND status IN ('open', 'approved')) OR id = ?
            ORDER BY CASE WHEN id = ? THEN 0 ELSE 1 END LIMIT 1\(forUpdate)
            """, arguments: [r.action.rawValue, r.db, r.target, r.id, r.id]) {
            stored.id = row[0]
            stored.status = row[1]
            let severity = max(Severity(rawValue: row[2]) ?? r.severity, r.severity)
            stored.severity = severity
            try db.execute(sql: "UPDATE recommendations SET severity = ?, reasons = ?, last_run = ? WHERE id = ?",
                           arguments: [severity.rawValue, JSON.array(r.reasons.map { .string($0) }).serialized(), run, stored.id])
        } else {
            isNew = true
            try db.execute(sql: """
                INSERT INTO recommendations (id, action, db, target, "user", session_identifier, session_key, severity, status,
                                             reasons, created_at, first_run, last_run)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'open', ?, ?, ?, ?)
                """, arguments: [r.id, r.action.rawValue, r.db, r.target, r.user, r.sessionIdentifier, r.sessionKey,
                                 r.severity.rawValue, JSON.array(r.reasons.map { .string($0) }).serialized(), UTC.iso(now), run, run])
            try record(r.id, event: "created", from: nil, to: "open", actor: "sessionguard", run: run)
        }
        for finding in r.findings {
            let added = try db.execute(sql: "INSERT INTO recommendation_findings (recommendation_id, finding_id) VALUES (?, ?) ON CONFLICT DO NOTHING",
                                       arguments: [stored.id, finding])
            if !isNew, added > 0 {
                try record(stored.id, event: "joined", from: stored.status, to: stored.status, actor: "sessionguard",
                           reason: "new finding \(finding)", run: run)
            }
        }
        stored.findings = try String.fetchAll(db, sql: """
            SELECT finding_id FROM recommendation_findings WHERE recommendation_id = ? ORDER BY finding_id
            """, arguments: [stored.id])
        return (stored, isNew)
    }

    // MARK: checkpoints

    /// Where an earlier run stopped reading the file with this identity: the checkpoint whose head
    /// is this file's head (or, for a file that was shorter than a full head then, its beginning).
    public func checkpoint(for identity: SourceIdentity) throws -> Checkpoint? {
        let full = identity.head.count
        if let row = try SQLRow.fetchOne(db, sql: "SELECT consumed, lines FROM checkpoints WHERE head_length = ? AND head_hash = ?",
                                      arguments: [full, identity.hash(length: full)]) {
            return Checkpoint(consumed: row[0], lines: row[1])
        }
        let shorter = try SQLRow.fetchAll(db, sql: """
            SELECT head_length, head_hash, consumed, lines FROM checkpoints WHERE head_length < ? ORDER BY head_length DESC
            """, arguments: [full])
        for row in shorter where identity.hash(length: row[0]) == (row[1] as String) {
            return Checkpoint(consumed: row[2], lines: row[3])
        }
        return nil
    }

    /// Records how far this run read a file (replacing the checkpoint of its shorter past self).
    public func save(checkpoint: Checkpoint, for identity: SourceIdentity, run: Int64) throws {
        let length = min(identity.head.count, checkpoint.consumed)
        guard length > 0 else { return }  // nothing complete read yet: nothing to remember
        for row in try SQLRow.fetchAll(db, sql: "SELECT head_length, head_hash FROM checkpoints WHERE head_length < ?", arguments: [length])
        where identity.hash(length: row[0]) == (row[1] as String) {
            try db.execute(sql: "DELETE FROM checkpoints WHERE head_length = ? AND head_hash = ?", arguments: [row.values[0], row.values[1]])
        }
        try db.execute(sql: """
            INSERT INTO checkpoints (head_length, head_hash, path, device, inode, consumed, lines, updated_at, run)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (head_length, head_hash) DO UPDATE SET path = excluded.path, device = excluded.device,
                inode = excluded.inode, consumed = excluded.consumed, lines = excluded.lines, updated_at = excluded.updated_at,
                run = excluded.run
            """, arguments: [length, identity.hash(length: length), identity.path, Int64(bitPattern: identity.device),
                             Int64(bitPattern: identity.inode), checkpoint.consumed, checkpoint.lines,
                             UTC.iso(Millis(Date().timeIntervalSince1970 * 1000)), run])
    }

    // MARK: reading back (explain, reports)

    static let findingColumns = """
        id, rule, detector, severity, db, "user", user_id, session_key, session_identifier, first_seen, last_seen, summary, facts,
        evidence, recommend, rule_hash, geoip_build, discriminator, suppressed_by
        """

    func decodeFinding(_ r: SQLRow) -> Finding {
        var evidence: [Evidence] = []
        if case .array(let items)? = JSON.parse(r[13]) {
            for case .object(let pairs) in items {
                if case .string(let file)? = pairs.first(where: { $0.0 == "file" })?.1,
                   case .int(let line)? = pairs.first(where: { $0.0 == "line" })?.1 {
                    evidence.append(Evidence(file: file, line: Int(line)))
                }
            }
        }
        var facts: [(String, JSON)] = []
        if case .object(let pairs)? = JSON.parse(r[12]) { facts = pairs }
        return Finding(id: r[0], rule: r[1], detector: r[2], severity: Severity(rawValue: r[3]) ?? .info, db: r[4], user: r[5],
                       userID: r[6], sessionKey: r[7], sessionIdentifier: r[8], firstSeen: UTC.parse(r[9]) ?? 0,
                       lastSeen: UTC.parse(r[10]) ?? 0, summary: r[11], facts: facts, evidence: evidence,
                       recommend: RecommendedAction(rawValue: r[14]) ?? .review, ruleHash: r[15], geoipBuild: r[16],
                       discriminator: r[17], suppressedBy: r[18])
    }

    public func finding(id: String) throws -> Finding? {
        try SQLRow.fetchOne(db, sql: "SELECT \(Self.findingColumns) FROM findings WHERE id = ?", arguments: [id]).map(decodeFinding)
    }

    /// The findings about one session (or login, or address: whatever their key names).
    public func findings(db name: String, key: String) throws -> [Finding] {
        try SQLRow.fetchAll(db, sql: "SELECT \(Self.findingColumns) FROM findings WHERE db = ? AND session_key = ? ORDER BY first_seen, id",
                         arguments: [name, key]).map(decodeFinding)
    }

    static let recommendationColumns = #"id, action, db, target, "user", session_identifier, session_key, severity, status, reasons"#

    func decodeRecommendation(_ r: SQLRow) throws -> Recommendation {
        var reasons: [String] = []
        if case .array(let items)? = JSON.parse(r[9]) { reasons = items.compactMap { if case .string(let s) = $0 { s } else { nil } } }
        let id: String = r[0]
        let findings = try String.fetchAll(db, sql: """
            SELECT finding_id FROM recommendation_findings WHERE recommendation_id = ? ORDER BY finding_id
            """, arguments: [id])
        return Recommendation(id: id, action: RecommendedAction(rawValue: r[1]) ?? .review, db: r[2], target: r[3], user: r[4],
                              sessionIdentifier: r[5], sessionKey: r[6], severity: Severity(rawValue: r[7]) ?? .info, status: r[8],
                              findings: findings, reasons: reasons)
    }

    public func recommendation(id: String) throws -> Recommendation? {
        try SQLRow.fetchOne(db, sql: "SELECT \(Self.recommendationColumns) FROM recommendations WHERE id = ?", arguments: [id])
            .map(decodeRecommendation)
    }

    /// The recommendations a finding is part of.
    public func recommendations(finding: String) throws -> [Recommendation] {
        try SQLRow.fetchAll(db, sql: """
            SELECT \(Self.recommendationColumns) FROM recommendations
            WHERE id IN (SELECT recommendation_id FROM recommendation_findings WHERE finding_id = ?) ORDER BY id
            """, arguments: [finding]).map(decodeRecommendation)
    }

    /// Sessions whose identifier or key is `text` (in any database).
    public func sessions(matching text: String) throws -> [Session] {
        try decode(SQLRow.fetchAll(db, sql: "SELECT \(Self.sessionColumns) FROM sessions WHERE identifier = ? OR session_key = ? ORDER BY db, id",
                                arguments: [text, text]))
    }

    /// Row counts of the main tables, for tests and `config check`.
    public func count(_ table: String) throws -> Int {
        try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM \(table)") ?? 0
    }
}
