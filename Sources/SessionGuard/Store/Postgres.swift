import CLibPQ
import Foundation

/// What PostgreSQL (or libpq) said went wrong, with the SQLSTATE when the server gave one.
public struct PostgresError: Error, CustomStringConvertible, Sendable {
    public let message: String
    public let sqlState: String?

    public var description: String { message }
    /// A deadlock or serialization failure: the whole transaction may simply be run again.
    public var isTransient: Bool { sqlState == "40P01" || sqlState == "40001" }
}

/// One libpq connection: synchronous like the rest of the tool, used by one thread at a time.
///
/// Parameters go as text with their types left to the server (it infers them from the columns
/// they meet), results come back as text and are read by column type. Connection strings are
/// libpq's (`postgres://user@host:port/db?sslmode=…` or `host=… dbname=…`); whatever they leave out
/// comes from `PGHOST`, `PGDATABASE`, `PGUSER`, `PGPASSWORD`, `~/.pgpass`… like every PostgreSQL tool.
public final class PostgresConnection: SQLDatabase {
    private let connection: OpaquePointer
    /// Statements with `?` placeholders, as sent (`$1`, `$2`, …).
    private var numbered: [String: String] = [:]

    public var dialect: SQLDialect { .postgres }

    public init(_ conninfo: String) throws(PostgresError) {
        guard let connection = PQconnectdb(conninfo) else {
            throw PostgresError(message: "PostgreSQL: out of memory", sqlState: nil)
        }
        guard PQstatus(connection) == CONNECTION_OK else {
            let message = String(cString: PQerrorMessage(connection)).trimmingCharacters(in: .whitespacesAndNewlines)
            PQfinish(connection)
            throw PostgresError(message: "cannot connect to PostgreSQL: \(Self.redact(message, conninfo))", sqlState: nil)
        }
        self.connection = connection
        _ = PQsetClientEncoding(connection, "UTF8")
        // NOTICEs (`IF NOT EXISTS` skipping a table…) are not the user's business.
        PQsetNoticeProcessor(connection, { _, _ in }, nil)
    }

    deinit { PQfinish(connection) }

    /// `message` without the secrets of `conninfo`: libpq quotes a URL it cannot parse, or the part
    /// it choked on, password included.
    static func redact(_ message: String, _ conninfo: String) -> String {
        var secrets = [conninfo]
        if let scheme = conninfo.range(of: "://") {
            let rest = conninfo[scheme.upperBound...]
            if let at = rest.lastIndex(of: "@") {
                let userinfo = rest[..<at]
                if let colon = userinfo.firstIndex(of: ":") {
                    let password = String(userinfo[userinfo.index(after: colon)...])
                    secrets += [String(userinfo), password, password.removingPercentEncoding ?? password]
                }
            }
        }
        for pair in conninfo.split(separator: " ") where pair.hasPrefix("password=") {
            secrets.append(String(pair.dropFirst("password=".count)).trimmingCharacters(in: CharacterSet(charactersIn: "'")))
        }
        var text = message
        for secret in secrets.sorted(by: { $0.count > $1.count }) where secret.count >= 3 {
            text = text.replacingOccurrences(of: secret, with: "…")
        }
        return text
    }

    /// Connects again if the server closed the connection (a long parse can outlast an idle timeout).
    func ensureConnected() {
        if PQstatus(connection) != CONNECTION_OK { PQreset(connection) }
    }

    /// Where the connection went, without credentials: `user@host:port/db`.
    public var location: String {
        func text(_ p: UnsafeMutablePointer<CChar>?) -> String { p.map { String(cString: $0) } ?? "" }
        return "\(text(PQuser(connection)))@\(text(PQhost(connection))):\(text(PQport(connection)))/\(text(PQdb(connection)))"
    }

    /// The server's version, e.g. 150018 for 15.18.
    public var serverVersion: Int { Int(PQserverVersion(connection)) }

    // MARK: SQLDatabase

    @discardableResult
    public func execute(sql: String, arguments: [SQLValue]) throws -> Int {
        let result = try run(sql, arguments)
        defer { PQclear(result) }
        return Int(String(cString: PQcmdTuples(result))) ?? 0
    }

    public func fetch(sql: String, arguments: [SQLValue]) throws -> [SQLRow] {
        let result = try run(sql, arguments)
        defer { PQclear(result) }
        return rows(of: result)
    }

    public func insertMany(into table: String, columns: [SQLColumn], rows: [[SQLValue]], key: [Int], tail: String) throws -> [SQLRow] {
        guard !rows.isEmpty else { return [] }
        let arrays = columns.enumerated().map { i, column in
            "$\(i + 1)::" + (column.kind == .integer ? "bigint[]" : column.kind == .real ? "float8[]" : "text[]")
        }
        let sql = "INSERT INTO \(table) (\(columns.map(\.name).joined(separator: ", "))) SELECT * FROM unnest(\(arrays.joined(separator: ", "))) \(tail)"
        var returned: [SQLRow] = []
        for round in roundsWithoutRepeatedKeys(rows, key: key) {
            for start in stride(from: 0, to: round.count, by: 10_000) {
                let chunk = round[start..<min(start + 10_000, round.count)]
                let arguments = columns.indices.map { c in SQLValue.text(Self.arrayLiteral(chunk.lazy.map { $0[c] })) }
                let result = try send(sql, arguments)
                returned += self.rows(of: result)
                PQclear(result)
            }
        }
        return returned
    }

    // MARK: libpq

    /// Inside BEGIN … COMMIT (set by `inTransaction`): a dropped connection then fails the
    /// transaction instead of being reconnected under it.
    var transactionOpen = false

    /// Runs one statement (or, without arguments, several separated by `;`). Outside a transaction,
    /// a connection the server dropped meanwhile (an idle timeout, a restart) is opened again and
    /// the statement sent once more.
    private func run(_ sql: String, _ arguments: [SQLValue]) throws -> OpaquePointer {
        do {
            return try runOnce(sql, arguments)
        } catch let error as PostgresError where !transactionOpen && PQstatus(connection) != CONNECTION_OK {
            PQreset(connection)
            guard PQstatus(connection) == CONNECTION_OK else { throw error }
            return try runOnce(sql, arguments)
        }
    }

    private func runOnce(_ sql: String, _ arguments: [SQLValue]) throws -> OpaquePointer {
        if arguments.isEmpty { return try check(PQexec(connection, sql)) }
        let text: String
        if let known = numbered[sql] { text = known } else {
            text = Self.numberPlaceholders(sql)
            numbered[sql] = text
        }
        return try send(text, arguments)
    }

    private func send(_ sql: String, _ arguments: [SQLValue]) throws -> OpaquePointer {
        let strings: [UnsafeMutablePointer<CChar>?] = arguments.map { value in
            switch value {
            case .null: nil
            case .integer(let i): strdup(String(i))
            case .real(let d): strdup(d.description)
            case .text(let s): strdup(s)
            }
        }
        defer { for s in strings { free(s) } }
        let values = strings.map { UnsafePointer($0) }
        return try check(PQexecParams(connection, sql, Int32(values.count), nil, values, nil, nil, 0))
    }

    private func check(_ result: OpaquePointer?) throws -> OpaquePointer {
        guard let result else {
            throw PostgresError(message: "PostgreSQL: \(String(cString: PQerrorMessage(connection)))", sqlState: nil)
        }
        switch PQresultStatus(result) {
        case PGRES_COMMAND_OK, PGRES_TUPLES_OK:
            return result
        default:
            let message = String(cString: PQresultErrorMessage(result)).trimmingCharacters(in: .whitespacesAndNewlines)
            let state = PQresultErrorField(result, Int32(UInt8(ascii: "C"))).map { String(cString: $0) }
            PQclear(result)
            throw PostgresError(message: "PostgreSQL: \(message)", sqlState: state)
        }
    }

    /// Reads a result, typing values by their column's type (integers, booleans as 0/1, floats; the rest as text).
    private func rows(of result: OpaquePointer) -> [SQLRow] {
        let count = Int(PQntuples(result)), width = Int(PQnfields(result))
        guard count > 0, width > 0 else { return [] }
        enum Kind { case integer, boolean, real, text }
        let kinds: [Kind] = (0..<width).map { column in
            switch PQftype(result, Int32(column)) {
            case 20, 21, 23, 26: .integer  // int8, int2, int4, oid
            case 16: .boolean
            case 700, 701: .real
            default: .text
            }
        }
        var rows: [SQLRow] = []
        rows.reserveCapacity(count)
        for r in 0..<Int32(count) {
            var values: [SQLValue] = []
            values.reserveCapacity(width)
            for c in 0..<Int32(width) {
                if PQgetisnull(result, r, c) != 0 { values.append(.null); continue }
                let text = String(cString: PQgetvalue(result, r, c))
                switch kinds[Int(c)] {
                case .integer: values.append(Int64(text).map(SQLValue.integer) ?? .text(text))
                case .boolean: values.append(.integer(text == "t" ? 1 : 0))
                case .real: values.append(Double(text).map(SQLValue.real) ?? .text(text))
                case .text: values.append(.text(text))
                }
            }
            rows.append(SQLRow(values))
        }
        return rows
    }

    /// `?` → `$1`, `$2`, … outside quoted literals and identifiers.
    static func numberPlaceholders(_ sql: String) -> String {
        var out = ""
        out.reserveCapacity(sql.utf8.count + 16)
        var n = 0
        var quote: Character?
        for ch in sql {
            if let q = quote {
                if ch == q { quote = nil }
                out.append(ch)
            } else if ch == "'" || ch == "\"" {
                quote = ch
                out.append(ch)
            } else if ch == "?" {
                n += 1
                out += "$\(n)"
            } else {
                out.append(ch)
            }
        }
        return out
    }

    /// A PostgreSQL array literal: `{"a","b\"c",NULL}` (built as bytes: bulk writes make millions of these).
    static func arrayLiteral(_ values: some Sequence<SQLValue>) -> String {
        var out: [UInt8] = [UInt8(ascii: "{")]
        out.reserveCapacity(1024)
        var first = true
        for value in values {
            if !first { out.append(UInt8(ascii: ",")) }
            first = false
            switch value {
            case .null: out += "NULL".utf8
            case .integer(let i): out += String(i).utf8
            case .real(let d): out += d.description.utf8
            case .text(let s):
                out.append(UInt8(ascii: "\""))
                for byte in s.utf8 {
                    if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") { out.append(UInt8(ascii: "\\")) }
                    if byte != 0 { out.append(byte) }
                }
                out.append(UInt8(ascii: "\""))
            }
        }
        out.append(UInt8(ascii: "}"))
        return String(decoding: out, as: UTF8.self)
    }
}
