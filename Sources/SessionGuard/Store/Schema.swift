import Foundation
import GRDB

/// The store's schema, versioned (`design.md` §5). Each migration runs once, in order, inside the
/// transaction that opens the store. Both backends run the same statements: they are written in
/// SQLite's words, and `postgres(_:)` gives the few PostgreSQL spells differently.
enum Schema {
    /// The migrations, oldest first. Never edit one that has shipped: add the next.
    static let migrations: [(id: String, statements: [String])] = [
        (id: "v1", statements: [
            """
                CREATE TABLE runs (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    kind TEXT NOT NULL,
                    started_at TEXT NOT NULL,
                    finished_at TEXT,
                    host TEXT NOT NULL,
                    version TEXT NOT NULL,
                    now TEXT NOT NULL,
                    config_hash TEXT,
                    rules_hash TEXT,
                    geoip TEXT,
                    counters TEXT,
                    status TEXT NOT NULL
                );
                CREATE TABLE sessions (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    db TEXT NOT NULL,
                    session_key TEXT NOT NULL,
                    identifier TEXT,
                    uid INTEGER,
                    login TEXT,
                    first_activity TEXT NOT NULL,
                    last_activity TEXT NOT NULL,
                    request_count INTEGER NOT NULL,
                    logged_out INTEGER NOT NULL DEFAULT 0,
                    revoked INTEGER NOT NULL DEFAULT 0,
                    invalidated INTEGER NOT NULL DEFAULT 0,
                    user_agent TEXT,
                    source TEXT NOT NULL,
                    first_evidence TEXT,
                    last_evidence TEXT,
                    first_run INTEGER NOT NULL REFERENCES runs(id),
                    last_run INTEGER NOT NULL REFERENCES runs(id),
                    UNIQUE (db, session_key)
                );
                CREATE INDEX sessions_by_user ON sessions(db, login, first_activity);
                CREATE INDEX sessions_by_uid ON sessions(db, uid, first_activity);
                CREATE TABLE session_ips (
                    session_id INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
                    ip TEXT NOT NULL,
                    first_seen TEXT NOT NULL,
                    last_seen TEXT NOT NULL,
                    requests INTEGER NOT NULL,
                    internal INTEGER NOT NULL DEFAULT 0,
                    country_code TEXT,
                    country_name TEXT,
                    region TEXT,
                    city TEXT,
                    latitude REAL,
                    longitude REAL,
                    accuracy_radius_km INTEGER,
                    asn INTEGER,
                    as_organization TEXT,
                    first_evidence TEXT,
                    PRIMARY KEY (session_id, ip)
                );
                CREATE TABLE users (
                    db TEXT NOT NULL,
                    uid INTEGER NOT NULL,
                    login TEXT NOT NULL,
                    PRIMARY KEY (db, uid)
                );
                CREATE TABLE auth_events (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    time TEXT NOT NULL,
                    time_ms INTEGER NOT NULL,
                    kind TEXT NOT NULL,
                    db TEXT NOT NULL DEFAULT '',
                    login TEXT NOT NULL DEFAULT '',
                    uid INTEGER NOT NULL DEFAULT -1,
                    ip TEXT NOT NULL DEFAULT '',
                    evidence TEXT,
                    first_run INTEGER NOT NULL REFERENCES runs(id),
                    UNIQUE (time_ms, kind, db, login, uid, ip)
                );
                CREATE TABLE baselines (
                    db TEXT NOT NULL,
                    "user" TEXT NOT NULL,
                    scope TEXT NOT NULL,
                    value TEXT NOT NULL,
                    first_seen TEXT NOT NULL,
                    last_seen TEXT NOT NULL,
                    sessions INTEGER NOT NULL,
                    days INTEGER NOT NULL,
                    PRIMARY KEY (db, "user", scope, value)
                );
                CREATE TABLE findings (
                    id TEXT PRIMARY KEY,
                    rule TEXT NOT NULL,
                    detector TEXT NOT NULL,
                    severity TEXT NOT NULL,
                    db TEXT NOT NULL,
                    "user" TEXT NOT NULL,
                    user_id INTEGER,
                    session_key TEXT NOT NULL,
                    session_identifier TEXT,
                    first_seen TEXT NOT NULL,
                    last_seen TEXT NOT NULL,
                    summary TEXT NOT NULL,
                    facts TEXT NOT NULL,
                    evidence TEXT NOT NULL,
                    recommend TEXT NOT NULL,
                    rule_hash TEXT NOT NULL,
                    geoip_build TEXT,
                    first_run INTEGER NOT NULL REFERENCES runs(id),
                    last_run INTEGER NOT NULL REFERENCES runs(id)
                );
                CREATE TABLE recommendations (
                    id TEXT PRIMARY KEY,
                    action TEXT NOT NULL,
                    db TEXT NOT NULL,
                    target TEXT NOT NULL,
                    "user" TEXT NOT NULL,
                    session_identifier TEXT,
                    session_key TEXT,
                    severity TEXT NOT NULL,
                    status TEXT NOT NULL DEFAULT 'open',
                    reasons TEXT NOT NULL,
                    created_at TEXT NOT NULL,
                    first_run INTEGER NOT NULL REFERENCES runs(id),
                    last_run INTEGER NOT NULL REFERENCES runs(id),
                    decided_by TEXT,
                    decided_at TEXT,
                    decision_reason TEXT,
                    outcome TEXT
                );
                CREATE UNIQUE INDEX recommendations_one_open
                    ON recommendations(action, db, target) WHERE status IN ('open', 'approved');
                CREATE TABLE recommendation_findings (
                    recommendation_id TEXT NOT NULL REFERENCES recommendations(id),
                    finding_id TEXT NOT NULL REFERENCES findings(id),
                    PRIMARY KEY (recommendation_id, finding_id)
                );
                """,
        ]),
        (id: "v2", statements: [
            // Visits per session address (stretches of activity), for the travel detectors.
            "ALTER TABLE session_ips ADD COLUMN visits TEXT NOT NULL DEFAULT ''",
            // A logout from an address shared with other users, right after this session's last use.
            "ALTER TABLE sessions ADD COLUMN probably_logged_out INTEGER NOT NULL DEFAULT 0",
            "CREATE INDEX auth_events_by_time ON auth_events(time_ms)",
        ]),
        (id: "v3", statements: [
            // The recommendation lifecycle (`design.md` §5): every change with who, when and why, and
            // dismissals that become suppressions of what the dismissed findings said.
            """
                ALTER TABLE findings ADD COLUMN discriminator TEXT NOT NULL DEFAULT '';
                ALTER TABLE findings ADD COLUMN suppressed_by INTEGER;
                CREATE TABLE recommendation_events (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    recommendation_id TEXT NOT NULL REFERENCES recommendations(id),
                    at TEXT NOT NULL,
                    actor TEXT NOT NULL,
                    event TEXT NOT NULL,
                    from_status TEXT,
                    to_status TEXT NOT NULL,
                    reason TEXT,
                    run INTEGER REFERENCES runs(id)
                );
                CREATE INDEX recommendation_events_by_recommendation ON recommendation_events(recommendation_id, id);
                CREATE TABLE suppressions (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    rule TEXT NOT NULL,
                    db TEXT NOT NULL,
                    "user" TEXT NOT NULL,
                    discriminator TEXT NOT NULL,
                    created_at TEXT NOT NULL,
                    expires_at TEXT NOT NULL,
                    created_by TEXT NOT NULL,
                    reason TEXT NOT NULL,
                    recommendation_id TEXT REFERENCES recommendations(id)
                );
                CREATE INDEX suppressions_by_key ON suppressions(rule, db, "user", discriminator, expires_at);
                """,
        ]),
        (id: "v4", statements: [
            // Exactly-once reading (`design.md` §5): how far each source file has been read, committed in
            // the same transaction as what those bytes produced.
            """
                CREATE TABLE checkpoints (
                    head_length INTEGER NOT NULL,
                    head_hash TEXT NOT NULL,
                    path TEXT NOT NULL,
                    device INTEGER NOT NULL,
                    inode INTEGER NOT NULL,
                    consumed INTEGER NOT NULL,
                    lines INTEGER NOT NULL,
                    updated_at TEXT NOT NULL,
                    run INTEGER NOT NULL REFERENCES runs(id),
                    PRIMARY KEY (head_length, head_hash)
                );
                """,
        ]),
        (id: "v5", statements: [
            // ingest and detect as separate runs: which part of the users a detect judged, and what
            // request_match watched while ingesting, for the next detect.
            """
                ALTER TABLE runs ADD COLUMN partition TEXT;
                CREATE TABLE request_matches (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    watch TEXT NOT NULL,
                    time_ms INTEGER NOT NULL,
                    db TEXT,
                    ip TEXT,
                    session_key TEXT,
                    "user" TEXT,
                    uid INTEGER,
                    identifier TEXT,
                    method TEXT,
                    text TEXT NOT NULL,
                    status INTEGER,
                    evidence TEXT NOT NULL,
                    run INTEGER NOT NULL REFERENCES runs(id)
                );
                CREATE INDEX request_matches_by_run ON request_matches(run);
                CREATE INDEX sessions_by_last_run ON sessions(last_run);
                CREATE INDEX auth_events_by_run ON auth_events(first_run);
                """,
        ]),
    ]

    /// The SQLite migrator (GRDB records what ran in `grdb_migrations`).
    static func migrator() -> DatabaseMigrator {
        var m = DatabaseMigrator()
        for migration in migrations {
            m.registerMigration(migration.id) { db in
                for statement in migration.statements { try db.execute(sql: statement) }
            }
        }
        return m
    }

    /// Brings a PostgreSQL store up to date, recording what ran in `sessionguard_migrations`. An
    /// advisory lock makes hosts that start at the same moment migrate one after the other. With
    /// nothing pending (every run but the first after an upgrade) nothing is locked or created, so a
    /// role that may only read and write the tables is enough then.
    static func migrate(_ db: PostgresConnection) throws {
        guard try !pending(db).isEmpty else { return }
        try db.inTransaction("BEGIN") {
            try db.execute(sql: "SELECT pg_advisory_xact_lock(\(advisoryKey))", arguments: ["migrate"])
            try db.execute(sql: """
                CREATE TABLE IF NOT EXISTS sessionguard_migrations (id TEXT PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())
                """)
            for id in try pending(db) {
                let statements = id == functionsID ? postgresFunctions : (migrations.first { $0.id == id }?.statements ?? []).map(postgres)
                for statement in statements { try db.execute(sql: statement) }
                try db.execute(sql: "INSERT INTO sessionguard_migrations (id) VALUES (?)", arguments: [id])
            }
        }
    }

    /// The migrations a PostgreSQL store has not had yet, in order; the functions last.
    static func pending(_ db: PostgresConnection) throws -> [String] {
        let exists: Bool = try db.value(sql: "SELECT to_regclass('sessionguard_migrations') IS NOT NULL") ?? false
        let applied: Set<String> = exists ? Set(try db.values(sql: "SELECT id FROM sessionguard_migrations")) : []
        return (migrations.map(\.id) + [functionsID]).filter { !applied.contains($0) }
    }

    /// The functions are (re)created whenever their text changes (it holds `Visits.gap` and `Visits.limit`).
    static var functionsID: String { "functions-" + StableHash.hex(postgresFunctions) }

    /// The key of the advisory lock named by the statement's parameter, in this schema (PostgreSQL).
    static let advisoryKey = "hashtextextended('sessionguard.' || current_schema() || '.' || CAST(? AS TEXT), 0)"

    /// DDL in PostgreSQL's words: 64-bit integers (byte offsets, inodes), double precision, identity
    /// keys, and byte-order text so ISO times and identifiers compare the same as in SQLite whatever
    /// the database's locale.
    static func postgres(_ statement: String) -> String {
        statement
            .replacingOccurrences(of: "INTEGER PRIMARY KEY AUTOINCREMENT", with: "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY")
            .replacingOccurrences(of: #"\bINTEGER\b"#, with: "BIGINT", options: .regularExpression)
            .replacingOccurrences(of: #"\bREAL\b"#, with: "DOUBLE PRECISION", options: .regularExpression)
            .replacingOccurrences(of: #"\bTEXT\b"#, with: #"TEXT COLLATE "C""#, options: .regularExpression)
    }

    /// What only PostgreSQL needs: SQLite has these functions from Swift.
    static let postgresFunctions: [String] = [
        // `sg_merge_visits` as SQLite has it from Swift (`mergeVisits`): parse both lists, merge
        // visits closer than `Visits.gap`, keep the newest `Visits.limit`. PL/pgSQL parses slowly,
        // so the common case — what a run adds starts at or after the stored list's last visit —
        // merges only that last visit with the new ones (the result is the same for the sorted,
        // merged lists the store holds).
        """
            CREATE OR REPLACE FUNCTION sg_merge_visits_all(a text, b text) RETURNS text LANGUAGE plpgsql IMMUTABLE AS $$
            DECLARE
                v record;
                cur_start bigint;
                cur_end bigint;
                starts bigint[] := '{}';
                ends bigint[] := '{}';
                n int;
            BEGIN
                FOR v IN
                    SELECT split_part(p, '-', 1)::bigint AS s, split_part(p, '-', 2)::bigint AS e
                    FROM unnest(string_to_array(coalesce(a, '') || ',' || coalesce(b, ''), ',')) AS p
                    WHERE p ~ '^[0-9]{1,18}-[0-9]{1,18}$'
                    ORDER BY 1, 2
                LOOP
                    CONTINUE WHEN v.s > v.e;
                    IF cur_start IS NOT NULL AND v.s - cur_end <= \(Visits.gap) THEN
                        cur_end := greatest(cur_end, v.e);
                    ELSE
                        IF cur_start IS NOT NULL THEN
                            starts := starts || cur_start;
                            ends := ends || cur_end;
                        END IF;
                        cur_start := v.s;
                        cur_end := v.e;
                    END IF;
                END LOOP;
                IF cur_start IS NULL THEN RETURN ''; END IF;
                starts := starts || cur_start;
                ends := ends || cur_end;
                n := array_length(starts, 1);
                RETURN (SELECT string_agg(starts[i] || '-' || ends[i], ',' ORDER BY i)
                        FROM generate_series(greatest(1, n - \(Visits.limit - 1)), n) AS i);
            END
            $$
            """, """
            CREATE OR REPLACE FUNCTION sg_merge_visits(a text, b text) RETURNS text LANGUAGE plpgsql IMMUTABLE AS $$
            DECLARE
                last_visit text;
                merged text;
                visit text;
                cur_start bigint;
                cur_end bigint;
                s bigint;
                e bigint;
                n int;
            BEGIN
                -- No query in this path: PL/pgSQL runs plain expressions fast, queries slowly.
                last_visit := reverse(split_part(reverse(coalesce(a, '')), ',', 1));
                IF last_visit ~ '^[0-9]{1,18}-[0-9]{1,18}$' AND b ~ '^[0-9]{1,18}-[0-9]{1,18}(,[0-9]{1,18}-[0-9]{1,18})*$' THEN
                    cur_start := split_part(last_visit, '-', 1)::bigint;
                    cur_end := split_part(last_visit, '-', 2)::bigint;
                    IF cur_start <= cur_end AND split_part(b, '-', 1)::bigint >= cur_start THEN
                        merged := left(a, length(a) - length(last_visit));
                        FOREACH visit IN ARRAY string_to_array(b, ',') LOOP
                            s := split_part(visit, '-', 1)::bigint;
                            e := split_part(visit, '-', 2)::bigint;
                            CONTINUE WHEN s > e;
                            IF s < cur_start THEN RETURN sg_merge_visits_all(a, b); END IF;  -- not sorted after all
                            IF s - cur_end <= \(Visits.gap) THEN
                                cur_end := greatest(cur_end, e);
                            ELSE
                                merged := merged || cur_start || '-' || cur_end || ',';
                                cur_start := s;
                                cur_end := e;
                            END IF;
                        END LOOP;
                        merged := merged || cur_start || '-' || cur_end;
                        n := length(merged) - length(replace(merged, ',', '')) + 1;
                        IF n <= \(Visits.limit) THEN RETURN merged; END IF;
                        RETURN array_to_string((string_to_array(merged, ','))[n - \(Visits.limit - 1):n], ',');
                    END IF;
                END IF;
                RETURN sg_merge_visits_all(a, b);
            END
            $$
            """,
    ]

    /// `sg_merge_visits(old, new)`: the union of two visit lists (see `Visits`), used when a
    /// session address is seen again.
    static let mergeVisits = DatabaseFunction("sg_merge_visits", argumentCount: 2, pure: true) { values in
        Visits.mergeEncoded(String.fromDatabaseValue(values[0]), String.fromDatabaseValue(values[1]))
    }
}
