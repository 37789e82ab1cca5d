/// The small SQL surface the store is written against, so one `StoreTransaction` serves both
/// backends (`design.md` §5): SQLite through GRDB and PostgreSQL through libpq.
///
/// Statements use `?` placeholders and the common subset of both dialects, with `GREATEST`/`LEAST`
/// for the two-argument maximum and minimum (the SQLite connection spells them `MAX`/`MIN`) and
/// `"user"` quoted (a reserved word in PostgreSQL). Bulk writes go through `insertMany`, which each
/// backend does its fastest way: a prepared statement per row in SQLite, one `unnest` of arrays
/// per statement in PostgreSQL.

/// A value bound to or read from a statement.
public enum SQLValue: Sendable, Hashable {
    case null
    case integer(Int64)
    case real(Double)
    case text(String)
}

/// What can be bound to a `?`.
public protocol SQLBindable {
    var sqlValue: SQLValue { get }
}

/// What a column can be read as. `whenNull` is what a non-optional read of NULL gives.
public protocol SQLReadable {
    init?(sql: SQLValue)
    static var whenNull: Self { get }
}

extension Int64: SQLBindable, SQLReadable {
    public var sqlValue: SQLValue { .integer(self) }
    public init?(sql: SQLValue) {
        switch sql {
        case .integer(let i): self = i
        case .real(let d): self = Int64(d)
        case .text(let s): guard let i = Int64(s) else { return nil }; self = i
        case .null: return nil
        }
    }
    public static var whenNull: Int64 { 0 }
}

extension Int: SQLBindable, SQLReadable {
    public var sqlValue: SQLValue { .integer(Int64(self)) }
    public init?(sql: SQLValue) {
        guard let i = Int64(sql: sql) else { return nil }
        self = Int(i)
    }
    public static var whenNull: Int { 0 }
}

extension Double: SQLBindable, SQLReadable {
    public var sqlValue: SQLValue { .real(self) }
    public init?(sql: SQLValue) {
        switch sql {
        case .integer(let i): self = Double(i)
        case .real(let d): self = d
        case .text(let s): guard let d = Double(s) else { return nil }; self = d
        case .null: return nil
        }
    }
    public static var whenNull: Double { 0 }
}

extension Bool: SQLBindable, SQLReadable {
    /// Stored as 0 and 1 in both backends (INTEGER columns), so the same comparisons work.
    public var sqlValue: SQLValue { .integer(self ? 1 : 0) }
    public init?(sql: SQLValue) {
        switch sql {
        case .integer(let i): self = i != 0
        case .real(let d): self = d != 0
        case .text(let s): self = s == "t" || s == "true" || s == "1"
        case .null: return nil
        }
    }
    public static var whenNull: Bool { false }
}

extension String: SQLBindable, SQLReadable {
    public var sqlValue: SQLValue { .text(self) }
    public init?(sql: SQLValue) {
        switch sql {
        case .text(let s): self = s
        case .integer(let i): self = String(i)
        case .real(let d): self = String(d)
        case .null: return nil
        }
    }
    public static var whenNull: String { "" }
}

extension SQLValue: SQLBindable {
    public var sqlValue: SQLValue { self }
}

/// Arguments of one statement, in `?` order.
public typealias SQLArguments = [(any SQLBindable)?]

extension Array where Element == (any SQLBindable)? {
    var sqlValues: [SQLValue] { map { $0?.sqlValue ?? .null } }
}

/// One result row, read by position (`row[0] as String`, `row[3] as Int?`).
public struct SQLRow: Sendable {
    public var values: [SQLValue]

    public init(_ values: [SQLValue]) { self.values = values }

    public subscript<T: SQLReadable>(_ index: Int) -> T { T(sql: values[index]) ?? T.whenNull }
    public subscript<T: SQLReadable>(_ index: Int) -> T? { T(sql: values[index]) }
}

/// A column of a bulk insert, with the type PostgreSQL's arrays need.
public struct SQLColumn: Sendable {
    public enum Kind: Sendable { case integer, real, text }
    public var name: String
    public var kind: Kind

    public init(_ name: String, _ kind: Kind) {
        self.name = name
        self.kind = kind
    }
}

/// Which SQL a connection speaks, where the two differ.
public enum SQLDialect: Sendable {
    case sqlite, postgres
}

/// One open connection inside a transaction.
public protocol SQLDatabase: AnyObject {
    var dialect: SQLDialect { get }
    /// Runs a statement; returns how many rows it changed.
    @discardableResult
    func execute(sql: String, arguments: [SQLValue]) throws -> Int
    /// Runs a query; returns its rows.
    func fetch(sql: String, arguments: [SQLValue]) throws -> [SQLRow]
    /// `INSERT INTO table (columns) VALUES … <tail>` for every row, with `tail` an `ON CONFLICT`
    /// clause and/or `RETURNING`. `key` names the columns of the conflict target: rows repeating a
    /// key are written after the first (PostgreSQL cannot update one row twice in one statement).
    /// Returns what `RETURNING` returned, in no particular order.
    func insertMany(into table: String, columns: [SQLColumn], rows: [[SQLValue]], key: [Int], tail: String) throws -> [SQLRow]
}

extension SQLDatabase {
    @discardableResult
    public func execute(sql: String, arguments: SQLArguments = []) throws -> Int {
        try execute(sql: sql, arguments: arguments.sqlValues)
    }

    public func fetchAll(sql: String, arguments: SQLArguments = []) throws -> [SQLRow] {
        try fetch(sql: sql, arguments: arguments.sqlValues)
    }

    public func fetchOne(sql: String, arguments: SQLArguments = []) throws -> SQLRow? {
        try fetch(sql: sql, arguments: arguments.sqlValues).first
    }

    /// The first column of the first row (nil when there is no row or it is NULL).
    public func value<T: SQLReadable>(sql: String, arguments: SQLArguments = []) throws -> T? {
        try fetchOne(sql: sql, arguments: arguments).flatMap { $0[0] as T? }
    }

    /// The first column of every row.
    public func values<T: SQLReadable>(sql: String, arguments: SQLArguments = []) throws -> [T] {
        try fetchAll(sql: sql, arguments: arguments).compactMap { $0[0] as T? }
    }
}

extension Array {
    /// The array in slices of at most `size` (for `IN (…)` lists, which both backends bound).
    func chunks(of size: Int = 500) -> [ArraySlice<Element>] {
        stride(from: 0, to: count, by: size).map { self[$0..<Swift.min($0 + size, count)] }
    }
}

/// `?, ?, …` for `count` values of an `IN (…)` list.
func placeholders(_ count: Int) -> String {
    Array(repeating: "?", count: count).joined(separator: ",")
}

/// Splits rows into rounds in which no key repeats, keeping each key's rows in their order.
func roundsWithoutRepeatedKeys(_ rows: [[SQLValue]], key: [Int]) -> [[[SQLValue]]] {
    guard !key.isEmpty else { return [rows] }
    var rounds: [[[SQLValue]]] = []
    var seen: [[SQLValue]: Int] = [:]
    for row in rows {
        let k = key.map { row[$0] }
        let round = seen[k, default: 0]
        seen[k] = round + 1
        if round == rounds.count { rounds.append([]) }
        rounds[round].append(row)
    }
    return rounds
}

extension SQLReadable {
    /// The first column of the first row, GRDB-style (`Int64.fetchOne(db, sql: …)`).
    static func fetchOne(_ db: any SQLDatabase, sql: String, arguments: SQLArguments = []) throws -> Self? {
        try db.value(sql: sql, arguments: arguments)
    }

    static func fetchAll(_ db: any SQLDatabase, sql: String, arguments: SQLArguments = []) throws -> [Self] {
        try db.values(sql: sql, arguments: arguments)
    }
}

extension SQLRow {
    static func fetchOne(_ db: any SQLDatabase, sql: String, arguments: SQLArguments = []) throws -> SQLRow? {
        try db.fetchOne(sql: sql, arguments: arguments)
    }

    static func fetchAll(_ db: any SQLDatabase, sql: String, arguments: SQLArguments = []) throws -> [SQLRow] {
        try db.fetchAll(sql: sql, arguments: arguments)
    }
}
