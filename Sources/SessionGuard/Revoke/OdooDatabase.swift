import Foundation

/// Odoo's own PostgreSQL database (`--odoo-db`, `odoo-facts.md` §3–§4): `res_device_log` and
/// `res_users` read as an input, and device rows marked revoked the way Odoo's Revoke button marks
/// them. The table's columns differ between releases (18.0: `platform`, `browser`; later:
/// `user_agent`), so they are looked up, not assumed.
public final class OdooDatabase {
    /// The database's name as Odoo's logs name it (the PostgreSQL database, unless given).
    public let db: String
    /// Where the connection went, without credentials.
    public let location: String
    let connection: PostgresConnection
    /// `res_device_log`'s columns.
    let columns: Set<String>
    /// Rows the last `sessions()` left out (no valid identifier, or no time): counted, not fatal —
    /// one odd row in Odoo's table must not stop every night's run.
    public private(set) var skippedRows = 0

    /// Connects to `spec`: `URL`, or `DB=URL` when the logs name the database differently from the
    /// PostgreSQL database (the URL is libpq's; `PGHOST`, `PGUSER`, … fill what it leaves out).
    public init(_ spec: String) throws(RevokeError) {
        var url = spec, name: String?
        if let eq = spec.firstIndex(of: "="), let scheme = spec.range(of: "://"), eq < scheme.lowerBound {
            name = String(spec[..<eq])
            url = String(spec[spec.index(after: eq)...])
        }
        do {
            connection = try PostgresConnection(url)
            location = connection.location
            db = name ?? String(location[location.index(after: location.lastIndex(of: "/")!)...])
            // Odoo's timestamps are naive UTC; a timestamptz column would be shown in this zone.
            try connection.execute(sql: "SET TIME ZONE 'UTC'")
            columns = Set(try connection.values(sql: """
                SELECT column_name FROM information_schema.columns WHERE table_name = 'res_device_log' AND table_schema = current_schema()
                """) as [String])
        } catch {
            throw RevokeError(message: "Odoo database\(name.map { " \($0)" } ?? ""): \(error)")
        }
        guard columns.contains("session_identifier") else {
            throw RevokeError(message: "\(location): no res_device_log table with a session_identifier column (Odoo 18 or later has one; 16 and 17 do not)")
        }
    }

    /// Which columns name the device: `user_agent` (after 18.0) or `platform, browser` (18.0).
    public var deviceColumns: String {
        ["user_agent", "platform", "browser"].filter(columns.contains).joined(separator: ", ")
    }

    /// The rows of `res_device_log` used at or after `since` (all of them without it) as sessions
    /// (see `DeviceLog`), with logins from `res_users`.
    public func sessions(since: Millis? = nil) throws(RevokeError) -> [Session] {
        let wanted = ["session_identifier", "user_id", "ip_address", "user_agent", "platform", "browser", "revoked"]
            .filter(columns.contains)
        let times = ["first_activity", "last_activity"].filter(columns.contains)
        let select = wanted.map { "\($0)::text" } + times.map { "to_char(\($0)::timestamp, 'YYYY-MM-DD HH24:MI:SS')" }
        connection.ensureConnected()  // connected before the logs were read, which can take a while
        do {
            let window = since != nil && columns.contains("last_activity") ? " WHERE last_activity >= CAST(? AS timestamp)" : ""
            let rows = try connection.fetchAll(sql: "SELECT \(select.joined(separator: ", ")) FROM res_device_log\(window) ORDER BY id",
                                               arguments: window.isEmpty ? [] : [UTC.iso(since!).replacingOccurrences(of: "Z", with: "")])
            var logins: [Int: String] = [:]
            for r in try connection.fetchAll(sql: "SELECT id, login FROM res_users") { logins[r[0]] = r[1] }
            let names = wanted + times
            let all = rows.enumerated().map { n, r in
                var values: [String: String] = [:]
                for (i, name) in names.enumerated() {
                    if let text = r[i] as String?, !text.isEmpty { values[name] = text }
                }
                if let revoked = values["revoked"] { values["revoked"] = revoked == "1" || revoked == "true" ? "true" : "false" }
                return DeviceLog.Row(place: "\(location) res_device_log row \(n + 1)", values: values)
            }
            let usable = all.filter { row in
                row.values["session_identifier"].map(OdooSessionsDirectory.isIdentifier) == true
                    && (row.values["first_activity"] != nil || row.values["last_activity"] != nil)
            }
            skippedRows = all.count - usable.count
            return try DeviceLog.sessions(rows: usable, db: db, logins: logins)
        } catch let error as RevokeError {
            throw error
        } catch {
            throw RevokeError(message: "\(location): reading res_device_log: \(error)")
        }
    }

    /// The user's id in this database.
    public func uid(login: String) throws(RevokeError) -> Int? {
        connection.ensureConnected()
        do { return try connection.value(sql: "SELECT id FROM res_users WHERE login = ?", arguments: [login]) } catch {
            throw RevokeError(message: "\(location): reading res_users: \(error)")
        }
    }

    /// The identifiers of the user's sessions the table does not mark revoked.
    public func liveIdentifiers(uid: Int) throws(RevokeError) -> [String] {
        connection.ensureConnected()
        do {
            return try connection.values(sql: """
                SELECT DISTINCT session_identifier FROM res_device_log WHERE user_id = ? AND revoked IS NOT TRUE ORDER BY 1
                """, arguments: [uid])
        } catch {
            throw RevokeError(message: "\(location): reading res_device_log: \(error)")
        }
    }

    /// `UPDATE res_device_log SET revoked = true WHERE session_identifier IN (…)`, as Odoo's
    /// `res.device._revoke()` does; only valid identifiers, and only rows not already revoked (so a
    /// second run changes nothing). Returns how many rows changed.
    public func markRevoked(_ identifiers: [String]) throws(RevokeError) -> Int {
        let valid = identifiers.filter(OdooSessionsDirectory.isIdentifier)
        guard !valid.isEmpty else { return 0 }
        connection.ensureConnected()  // revoke waits for requests in flight in between
        do {
            return try connection.execute(sql: """
                UPDATE res_device_log SET revoked = true WHERE session_identifier = ANY(CAST(? AS text[])) AND revoked IS NOT TRUE
                """, arguments: [PostgresConnection.arrayLiteral(valid.map { SQLValue.text($0) })])
        } catch {
            throw RevokeError(message: "\(location): marking res_device_log rows revoked: \(error)")
        }
    }
}
