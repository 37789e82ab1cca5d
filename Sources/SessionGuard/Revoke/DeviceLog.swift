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
        func column(_ name: String) -> Int? { names.firstIndex(of: name) }
        guard let idColumn = column("session_identifier") else {
            throw RevokeError(message: "\(path):1: no session_identifier column (found: \(names.joined(separator: ", ")))")
        }
        let user = column("user_id"), ip = column("ip_address"), agent = column("user_agent"), platform = column("platform"),
            browser = column("browser"), first = column("first_activity"), last = column("last_activity"), revoked = column("revoked")
        var byIdentifier: [String: Session] = [:]
        var order: [String] = []
        for (n, line) in lines.enumerated().dropFirst() where !line.trimmingCharacters(in: .whitespaces).isEmpty {
            let f = CSV.fields(line)
            func value(_ c: Int?) -> String? { c.flatMap { $0 < f.count && !f[$0].isEmpty ? f[$0] : nil } }
            guard let identifier = value(idColumn), OdooSessionsDirectory.isIdentifier(identifier) else {
                throw RevokeError(message: "\(path):\(n + 1): not a session identifier")
            }
            // Naive UTC timestamps (`2025-03-14 20:58:14.123`): the fraction is dropped.
            func time(_ c: Int?) -> Millis? { value(c).flatMap { UTC.parse(String($0.prefix(19))) } }
            let start = time(first) ?? time(last), end = time(last) ?? time(first)
            guard let start, let end else { throw RevokeError(message: "\(path):\(n + 1): no first or last activity") }
            var session = byIdentifier[identifier] ?? Session(
                db: db, key: "sid:\(identifier)", identifier: identifier, uid: value(user).flatMap { Int($0) }, login: nil,
                firstActivity: start, lastActivity: end, requests: 0, ips: [], loggedOut: false, revoked: false, invalidated: false,
                userAgent: nil, firstEvidence: nil, lastEvidence: nil, source: "device-log")
            if byIdentifier[identifier] == nil { order.append(identifier) }
            session.firstActivity = min(session.firstActivity, start)
            session.lastActivity = max(session.lastActivity, end)
            if let text = value(revoked)?.lowercased(), ["t", "true", "1", "yes"].contains(text) { session.revoked = true }
            if let ua = value(agent) { session.userAgent = ua } else if let p = value(platform) { session.userAgent = "\(p)/\(value(browser) ?? "other")" }
            if let address = value(ip), IPAddress(address) != nil {
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
