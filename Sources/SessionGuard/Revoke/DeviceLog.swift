import Foundation

/// Odoo's `res_device_log` (`odoo-facts.md` §3) exported as CSV (`\copy res_device_log TO … CSV HEADER`),
/// one file per database. The columns differ between releases (18.0: `platform`, `browser`,
/// `device_type`; later: `user_agent`), so they are found by name. Rows become sessions keyed by
/// identifier, merged with the logs' and the session files': each row's address with its first and
/// last activity (two points), the device, and `revoked` — a session Odoo revoked is over.
public enum DeviceLog {
    /// Reads `path` as the device log of database `db`; errors name the file and line.
    public static func sessions(csv path: String, db: String) throws(RevokeError) -> [Session] {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw RevokeError(message: "\(path): cannot read the device log export")
        }
        let lines = CSV.lines(text)
        guard let header = lines.first else { return [] }
        let names = CSV.fields(header).map { $0.lowercased() }
        guard names.contains("session_identifier") else {
            throw RevokeError(message: "\(path):1: no session_identifier column (found: \(names.joined(separator: ", ")))")
        }
        var rows: [Row] = []
        for (n, line) in lines.enumerated().dropFirst() where !line.trimmingCharacters(in: .whitespaces).isEmpty {
            let fields = CSV.fields(line)
            var values: [String: String] = [:]
            for (i, name) in names.enumerated() where i < fields.count && !fields[i].isEmpty { values[name] = fields[i] }
            rows.append(Row(place: "\(path):\(n + 1)", values: values))
        }
        return try sessions(rows: rows, db: db)
    }

    /// One row of the table, by lowercase column name (NULL and empty values left out), and where it
    /// came from for messages.
    public struct Row: Sendable {
        public var place: String
        public var values: [String: String]

        public init(place: String, values: [String: String]) {
            self.place = place
            self.values = values
        }
    }

    /// Rows of `res_device_log` (a CSV export or the table itself) as sessions of database `db`.
    /// `logins` (from `res_users`) names the users.
    public static func sessions(rows: [Row], db: String, logins: [Int: String] = [:]) throws(RevokeError) -> [Session] {
        var byIdentifier: [String: Session] = [:]
        var order: [String] = []
        for row in rows {
            func value(_ name: String) -> String? { row.values[name] }
            guard let identifier = value("session_identifier"), OdooSessionsDirectory.isIdentifier(identifier) else {
                throw RevokeError(message: "\(row.place): not a session identifier")
            }
            // Naive UTC timestamps (`2025-03-14 20:58:14.123`): the fraction is dropped.
            func time(_ name: String) -> Millis? { value(name).flatMap { UTC.parse(String($0.prefix(19))) } }
            let start = time("first_activity") ?? time("last_activity"), end = time("last_activity") ?? time("first_activity")
            guard let start, let end else { throw RevokeError(message: "\(row.place): no first or last activity") }
            let uid = value("user_id").flatMap { Int($0) }
            var session = byIdentifier[identifier] ?? Session(
                db: db, key: "sid:\(identifier)", identifier: identifier, uid: uid, login: uid.flatMap { logins[$0] },
                firstActivity: start, lastActivity: end, requests: 0, ips: [], source: "device-log")
            if byIdentifier[identifier] == nil { order.append(identifier) }
            session.firstActivity = min(session.firstActivity, start)
            session.lastActivity = max(session.lastActivity, end)
            if let text = value("revoked")?.lowercased(), ["t", "true", "1", "yes"].contains(text) { session.revoked = true }
            if let ua = value("user_agent") {
                session.userAgent = ua
            } else if let platform = value("platform") {
                session.userAgent = "\(platform)/\(value("browser") ?? "other")"
            }
            if let address = value("ip_address"), IPAddress(address) != nil {
                let visits = start == end ? [Visit(start, start)] : [Visit(start, start), Visit(end, end)]
                if let i = session.ips.firstIndex(where: { $0.ip == address }) {
                    session.ips[i].firstSeen = min(session.ips[i].firstSeen, start)
                    session.ips[i].lastSeen = max(session.ips[i].lastSeen, end)
                    Visits.merge(&session.ips[i].visits, visits)
                } else {
                    session.ips.append(SessionIP(ip: address, firstSeen: start, lastSeen: end, requests: 0, firstEvidence: nil, visits: visits))
                }
            }
            byIdentifier[identifier] = session
        }
        return order.map { byIdentifier[$0]! }
    }
}
