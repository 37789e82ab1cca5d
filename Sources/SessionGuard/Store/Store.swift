import Foundation
import GRDB

/// Why the store could not be opened or written. A failed run leaves the store as it was.
public struct StoreError: Error, CustomStringConvertible, Sendable {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// The session store (`design.md` §5): one SQLite file (mode 0600, through GRDB) on one host, or a
/// PostgreSQL database (through libpq) that several hosts' runs share. Both hold the same schema
/// and are written by the same `StoreTransaction`.
///
/// Everything a run writes happens in one transaction (`transaction`), so a run that fails half-way
/// leaves no trace, and a reader never sees half a night.
public final class SessionStore {
    enum Backend {
        case sqlite(DatabaseQueue, SQLiteDialectCache)
        case postgres(PostgresConnection)
    }

    let backend: Backend
    /// The SQLite file, or `user@host:port/db` (never a password).
    public let location: String

    public var isPostgres: Bool {
        if case .postgres = backend { return true }
        return false
    }

    /// Opens (creating and migrating if needed) the store named by `url`: `sqlite:PATH`,
    /// `sqlite://PATH` or a plain path; `postgres://…` or `postgresql://…` (libpq's URI, with
    /// `PGHOST`, `PGDATABASE`, `PGPASSWORD`, `~/.pgpass`… filling what it leaves out: `postgres://`
    /// alone takes them all).
    /// `mustExist`: for commands that only read or decide (explain, recommendations, runs), a
    /// mistyped SQLite path is an error instead of a new empty store.
    public static func open(url: String, mustExist: Bool = false) throws(StoreError) -> SessionStore {
        if isPostgres(url: url) {
            let lower = url.lowercased()
            guard lower.hasPrefix("postgres://") || lower.hasPrefix("postgresql://") else {
                throw StoreError("a PostgreSQL store is named by a URL: postgres://user@host:port/database (not '\(url.prefix(12))…')")
            }
            return try SessionStore(postgres: url)
        }
        var path = url
        if path.hasPrefix("sqlite://") { path.removeFirst("sqlite://".count) } else if path.hasPrefix("sqlite:") {
            path.removeFirst("sqlite:".count)
        }
        guard !path.isEmpty else { throw StoreError("empty store path in '\(url)'") }
        if mustExist, !FileManager.default.fileExists(atPath: path) {
            throw StoreError("no store at \(path) (run analyze first, or give --store)")
        }
        return try SessionStore(path: path)
    }

    /// Whether `url` names a PostgreSQL store (`postgres:…` is never taken for a file name).
    public static func isPostgres(url: String) -> Bool {
        let lower = url.lowercased()
        return lower.hasPrefix("postgres:") || lower.hasPrefix("postgresql:")
    }

    /// An SQLite store at `path`.
    public init(path: String) throws(StoreError) {
        location = path
        // Create the file ourselves so it is 0600 from the first byte; SQLite gives its journal the
        // same mode. Session identifiers, logins and IPs are personal data.
        let parent = (path as NSString).deletingLastPathComponent
        if !parent.isEmpty, !FileManager.default.fileExists(atPath: parent) {
            try? FileManager.default.createDirectory(atPath: parent, withIntermediateDirectories: true,
                                                     attributes: [.posixPermissions: 0o700])
        }
        let fd = Foundation.open(path, O_CREAT | O_RDWR | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw StoreError("\(path): \(String(cString: strerror(errno)))") }
        var st = stat()
        if fstat(fd, &st) == 0, st.st_mode & 0o077 != 0 { _ = fchmod(fd, 0o600) }  // an existing store others could read
        close(fd)  // before SQLite opens it: closing a descriptor of the file would drop SQLite's fcntl locks
        // Processes opening a new store at once migrate one after the other (GRDB's migrator checks
        // and applies in separate transactions): a lock on the store's directory while migrating.
        let directory = Foundation.open(parent.isEmpty ? "." : parent, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if directory >= 0 { _ = flock(directory, LOCK_EX) }
        defer { if directory >= 0 { close(directory) } }
        do {
            var config = GRDB.Configuration()
            config.foreignKeysEnabled = true
            config.busyMode = .timeout(30)
            config.prepareDatabase { db in db.add(function: Schema.mergeVisits) }
            let queue = try DatabaseQueue(path: path, configuration: config)
            try Schema.migrator().migrate(queue)
            backend = .sqlite(queue, SQLiteDialectCache())
        } catch {
            throw StoreError("\(path): \(error)")
        }
    }

    /// A PostgreSQL store: connects and brings the schema up to date (one process at a time).
    public init(postgres conninfo: String) throws(StoreError) {
        do {
            let connection = try PostgresConnection(conninfo)
            location = connection.location
            try Schema.migrate(connection)
            backend = .postgres(connection)
        } catch let error as PostgresError {
            throw StoreError(error.message)
        } catch {
            throw StoreError("\(error)")
        }
    }

    /// Runs `body` in one write transaction: all of it is committed, or none of it. In PostgreSQL a
    /// transaction another host's run deadlocked with is run again (a few times) before giving up.
    public func transaction<T>(now: Millis, _ body: (StoreTransaction) throws -> T) throws -> T {
        switch backend {
        case .sqlite(let queue, let cache):
            return try queue.write { db in try body(StoreTransaction(db: SQLiteConnection(db, cache), now: now)) }
        case .postgres(let connection):
            var attempt = 1
            while true {
                do {
                    return try connection.inTransaction("BEGIN") { try body(StoreTransaction(db: connection, now: now)) }
                } catch let error as PostgresError where error.isTransient && attempt < 5 {
                    attempt += 1
                }
            }
        }
    }

    /// Read-only access (reports, listings), on one consistent snapshot.
    public func read<T>(now: Millis, _ body: (StoreTransaction) throws -> T) throws -> T {
        switch backend {
        case .sqlite(let queue, let cache):
            return try queue.read { db in try body(StoreTransaction(db: SQLiteConnection(db, cache), now: now)) }
        case .postgres(let connection):
            return try connection.inTransaction("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY") {
                try body(StoreTransaction(db: connection, now: now))
            }
        }
    }
}

extension PostgresConnection {
    /// Runs `body` between `begin` and COMMIT, rolling back when it throws.
    func inTransaction<T>(_ begin: String, _ body: () throws -> T) throws -> T {
        ensureConnected()
        try execute(sql: begin)
        transactionOpen = true
        defer { transactionOpen = false }
        do {
            let value = try body()
            try execute(sql: "COMMIT")
            return value
        } catch {
            _ = try? execute(sql: "ROLLBACK")
            throw error
        }
    }
}

/// Statements as SQLite spells them (`GREATEST(` → `MAX(`, `LEAST(` → `MIN(`), translated once.
final class SQLiteDialectCache: @unchecked Sendable {
    private var translated: [String: String] = [:]
    private let lock = NSLock()

    func sqlite(_ sql: String) -> String {
        lock.lock()
        defer { lock.unlock() }
        if let known = translated[sql] { return known }
        let text = sql.replacingOccurrences(of: "GREATEST(", with: "MAX(").replacingOccurrences(of: "LEAST(", with: "MIN(")
        translated[sql] = text
        return text
    }
}

/// A GRDB database handle seen through `SQLDatabase`, valid inside one `write` or `read`.
final class SQLiteConnection: SQLDatabase {
    let db: Database
    let cache: SQLiteDialectCache

    init(_ db: Database, _ cache: SQLiteDialectCache) {
        self.db = db
        self.cache = cache
    }

    var dialect: SQLDialect { .sqlite }

    /// (Through existentials: GRDB's initializer for a sequence of `DatabaseValue` projects a key
    /// path per value, which took a fifth of a bulk write.)
    static func arguments(_ values: [SQLValue]) -> StatementArguments {
        StatementArguments(values.map { value -> (any DatabaseValueConvertible)? in
            switch value {
            case .null: nil
            case .integer(let i): i
            case .real(let d): d
            case .text(let s): s
            }
        })
    }

    static func row(_ row: Row) -> SQLRow {
        SQLRow(row.databaseValues.map { value in
            switch value.storage {
            case .null: .null
            case .int64(let i): .integer(i)
            case .double(let d): .real(d)
            case .string(let s): .text(s)
            case .blob(let data): .text(String(decoding: data, as: UTF8.self))
            }
        })
    }

    @discardableResult
    func execute(sql: String, arguments: [SQLValue]) throws -> Int {
        if arguments.isEmpty, sql.contains(";") {
            try db.execute(sql: cache.sqlite(sql))  // several statements
        } else {
            try db.cachedStatement(sql: cache.sqlite(sql)).execute(arguments: Self.arguments(arguments))
        }
        return db.changesCount
    }

    func fetch(sql: String, arguments: [SQLValue]) throws -> [SQLRow] {
        let cursor = try Row.fetchCursor(db.cachedStatement(sql: cache.sqlite(sql)), arguments: Self.arguments(arguments))
        var rows: [SQLRow] = []
        while let row = try cursor.next() { rows.append(Self.row(row)) }
        return rows
    }

    func insertMany(into table: String, columns: [SQLColumn], rows: [[SQLValue]], key: [Int], tail: String) throws -> [SQLRow] {
        guard !rows.isEmpty else { return [] }
        let statement = try db.cachedStatement(sql: cache.sqlite("""
            INSERT INTO \(table) (\(columns.map(\.name).joined(separator: ", "))) VALUES (\(columns.map { _ in "?" }.joined(separator: ", "))) \(tail)
            """))
        var returned: [SQLRow] = []
        if tail.contains("RETURNING") {
            for row in rows {
                let cursor = try Row.fetchCursor(statement, arguments: Self.arguments(row))
                while let r = try cursor.next() { returned.append(Self.row(r)) }
            }
        } else {
            for row in rows { try statement.execute(arguments: Self.arguments(row)) }
        }
        return returned
    }
}
