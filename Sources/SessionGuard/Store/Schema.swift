import GRDB

/// The store's schema, versioned (`design.md` §5). Each migration runs once, in order, inside the
/// transaction that opens the store; the PostgreSQL backend will share the same logical schema.
enum Schema {
    static func migrator() -> DatabaseMigrator {
        var m = DatabaseMigrator()
        m.registerMigration("v1") { db in
            try db.execute(sql: """
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
                    user TEXT NOT NULL,
                    scope TEXT NOT NULL,
                    value TEXT NOT NULL,
                    first_seen TEXT NOT NULL,
                    last_seen TEXT NOT NULL,
                    sessions INTEGER NOT NULL,
                    days INTEGER NOT NULL,
                    PRIMARY KEY (db, user, scope, value)
                );
                CREATE TABLE findings (
                    id TEXT PRIMARY KEY,
                    rule TEXT NOT NULL,
                    detector TEXT NOT NULL,
                    severity TEXT NOT NULL,
                    db TEXT NOT NULL,
                    user TEXT NOT NULL,
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
                    user TEXT NOT NULL,
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
                """)
        }
        m.registerMigration("v2") { db in
            // Visits per session address (stretches of activity), for the travel detectors.
            try db.execute(sql: "ALTER TABLE session_ips ADD COLUMN visits TEXT NOT NULL DEFAULT ''")
            // A logout from an address shared with other users, right after this session's last use.
            try db.execute(sql: "ALTER TABLE sessions ADD COLUMN probably_logged_out INTEGER NOT NULL DEFAULT 0")
            try db.execute(sql: "CREATE INDEX auth_events_by_time ON auth_events(time_ms)")
        }
        m.registerMigration("v3") { db in
            // The recommendation lifecycle (`design.md` §5): every change with who, when and why, and
            // dismissals that become suppressions of what the dismissed findings said.
            try db.execute(sql: """
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
                    user TEXT NOT NULL,
                    discriminator TEXT NOT NULL,
                    created_at TEXT NOT NULL,
                    expires_at TEXT NOT NULL,
                    created_by TEXT NOT NULL,
                    reason TEXT NOT NULL,
                    recommendation_id TEXT REFERENCES recommendations(id)
                );
                CREATE INDEX suppressions_by_key ON suppressions(rule, db, user, discriminator, expires_at);
                """)
        }
        m.registerMigration("v4") { db in
            // Exactly-once reading (`design.md` §5): how far each source file has been read, committed in
            // the same transaction as what those bytes produced.
            try db.execute(sql: """
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
                """)
        }
        m.registerMigration("v5") { db in
            // ingest and detect as separate runs: which part of the users a detect judged, and what
            // request_match watched while ingesting, for the next detect.
            try db.execute(sql: """
                ALTER TABLE runs ADD COLUMN partition TEXT;
                CREATE TABLE request_matches (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    watch TEXT NOT NULL,
                    time_ms INTEGER NOT NULL,
                    db TEXT,
                    ip TEXT,
                    session_key TEXT,
                    user TEXT,
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
                """)
        }
        return m
    }

    /// `sg_merge_visits(old, new)`: the union of two visit lists (see `Visits`), used when a
    /// session address is seen again.
    static let mergeVisits = DatabaseFunction("sg_merge_visits", argumentCount: 2, pure: true) { values in
        Visits.mergeEncoded(String.fromDatabaseValue(values[0]), String.fromDatabaseValue(values[1]))
    }
}
