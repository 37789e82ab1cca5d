import Foundation

/// The report files beside `report.json`: `report.html` (see `HTMLReport`), `summary.md` for a mail
/// or a chat message, and `findings.csv`, `recommendations.csv`, `sessions.csv` (RFC 4180).
///
/// Log text is attacker-controlled: Markdown gets every special character escaped, and CSV fields
/// that a spreadsheet would take for a formula get a leading `'` (OWASP's advice).
public enum ReportFiles {
    /// Writes every file into `directory` (mode 0600, like the store: logins and addresses are personal data).
    public static func write(_ data: ReportData, to directory: String) throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        func put(_ name: String, _ text: String) throws {
            try PrivateFile.write(Data(text.utf8), to: (directory as NSString).appendingPathComponent(name))
        }
        try put("report.html", HTMLReport.render(data))
        try put("summary.md", markdown(data))
        try put("findings.csv", findingsCSV(data))
        try put("recommendations.csv", recommendationsCSV(data))
        try put("sessions.csv", sessionsCSV(data))
    }

    // MARK: Markdown

    /// Text from the logs or the store as Markdown that renders as itself: markup characters and
    /// entities escaped, and no autolink (`https://…`, `www.…` in a login name must not become a link).
    static func md(_ text: String) -> String {
        var out = ""
        for ch in text {
            switch ch {
            case "\\", "`", "*", "_", "[", "]", "#", "|", "<", ">", "~", "&": out += "\\\(ch)"
            case "\n", "\r": out += " "
            default: out.append(ch)
            }
        }
        return out.replacingOccurrences(of: "://", with: ":\\/\\/").replacingOccurrences(of: #"(?i)\b(www)\."#, with: #"$1\\."#, options: .regularExpression)
    }

    static func date(_ ms: Millis?) -> String {
        guard let ms else { return "?" }
        let iso = UTC.iso(ms)
        return String(iso.prefix(16)).replacingOccurrences(of: "T", with: " ")
    }

    /// `summary.md`: the night in a few lines, new recommendations first.
    public static func markdown(_ data: ReportData) -> String {
        var out: [String] = []
        let new = data.recommendations.filter(\.isNew), open = data.recommendations.filter { !$0.isNew && ["open", "approved"].contains($0.row.recommendation.status) }
        out.append("# sessionguard: \(date(data.now)) UTC")
        out.append("")
        out.append("**\(new.count) new recommendation(s)**, \(open.count) still open. \(data.sessions) sessions of \(data.users) users "
                   + "since \(date(data.since)); \(data.findingTotal) finding(s).")
        let severities = data.bySeverity.filter { $0.recommendations > 0 }
        if !severities.isEmpty {
            out.append("Recommendations by severity: " + severities.map { "\($0.severity.rawValue) \($0.recommendations)" }.joined(separator: ", ") + ".")
        }
        func list(_ title: String, _ entries: [ReportData.Entry]) {
            guard !entries.isEmpty else { return }
            out.append("")
            out.append("## \(title)")
            out.append("")
            // A message stays a message: the first 50, then how many more.
            for e in entries.prefix(50) {
                let r = e.recommendation
                let session = r.sessionIdentifier.map { " (`\($0)`)" } ?? ""
                let status = r.status == "open" ? "" : " — \(r.status)"
                out.append("- **[\(r.severity.rawValue)] \(r.action.rawValue)** \(md(r.user)) on \(md(r.db))\(session)\(status) — `\(r.id)`")
                for reason in r.reasons { out.append("  - \(md(reason))") }
            }
            if entries.count > 50 { out.append("- … and \(entries.count - 50) more in `report.html`") }
        }
        list("New since the previous run", new)
        list("Still open", open)
        let rest = data.recommendationTotal - data.recommendations.count
        if rest > 0 { out.append("- … and \(rest) more (see `sessionguard recommendations list`)") }
        if !data.inputs.isEmpty {
            out.append("")
            out.append("## Inputs")
            out.append("")
            for i in data.inputs {
                let version = i.odooVersion.map { ", Odoo \(md($0))" } ?? ""
                let problem = i.error.map { " — **unreadable**: \(md($0))" } ?? ""
                out.append("- `\(i.path.replacingOccurrences(of: "`", with: "'"))` (\(md(i.format))\(version)): \(i.lines) lines, "
                           + "\(i.unparsed) unparsed, \(date(i.firstTime)) to \(date(i.lastTime))\(problem)")
            }
        }
        if !data.warnings.isEmpty {
            out.append("")
            out.append("## Warnings")
            out.append("")
            for w in data.warnings { out.append("- \(md(w))") }
        }
        out.append("")
        out.append("Review: `sessionguard recommendations list`; details: `sessionguard explain ID`; the full report: `report.html`.")
        return out.joined(separator: "\n") + "\n"
    }

    // MARK: CSV

    /// One RFC 4180 record (CRLF-terminated). Text a spreadsheet would evaluate gets a leading `'`.
    public static func csvRecord(_ fields: [String]) -> String {
        fields.map { field in
            var f = field
            if let first = f.unicodeScalars.first, "=+-@\t\r".unicodeScalars.contains(first), Double(f) == nil { f = "'" + f }
            let needsQuotes = f.contains { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" } || f.hasPrefix(" ") || f.hasSuffix(" ")
            return needsQuotes ? "\"" + f.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : f
        }.joined(separator: ",") + "\r\n"
    }

    static func csv(_ header: [String], _ rows: [[String]]) -> String {
        ([header] + rows).map(csvRecord).joined()
    }

    public static func findingsCSV(_ data: ReportData) -> String {
        csv(["id", "severity", "rule", "detector", "db", "user", "session_identifier", "first_seen", "last_seen", "recommend", "summary",
             "evidence", "suppressed"],
            data.findings.map { f in
                [f.id, f.severity.rawValue, f.rule, f.detector, f.db, f.user, f.sessionIdentifier ?? "", UTC.iso(f.firstSeen), UTC.iso(f.lastSeen),
                 f.recommend.rawValue, f.summary, f.evidence.map { "\($0.file):\($0.line)" }.joined(separator: " "),
                 f.suppressedBy == nil ? "false" : "true"]
            })
    }

    public static func recommendationsCSV(_ data: ReportData) -> String {
        csv(["id", "severity", "status", "new", "action", "db", "user", "session_identifier", "created_at", "decided_by", "decided_at",
             "decision_reason", "outcome", "findings", "reasons"],
            data.recommendations.map { e in
                let r = e.recommendation
                return [r.id, r.severity.rawValue, r.status, e.isNew ? "true" : "false", r.action.rawValue, r.db, r.user, r.sessionIdentifier ?? "",
                        e.row.createdAt, e.row.decidedBy ?? "", e.row.decidedAt ?? "", e.row.decisionReason ?? "", e.row.outcome ?? "",
                        r.findings.joined(separator: " "), r.reasons.joined(separator: " | ")]
            })
    }

    public static func sessionsCSV(_ data: ReportData) -> String {
        csv(["db", "user", "uid", "session_identifier", "session_key", "first_activity", "last_activity", "requests", "addresses", "countries",
             "user_agent", "ended", "source"],
            data.sessionRows.map { s in
                let ended = s.loggedOut ? "logged_out" : s.revoked ? "revoked" : s.invalidated ? "password_changed" : ""
                let countries = Set(s.ips.compactMap { $0.placement.location?.countryCode }).sorted().joined(separator: " ")
                return [s.db, s.user, s.uid.map(String.init) ?? "", s.identifier ?? "", s.key, UTC.iso(s.firstActivity), UTC.iso(s.lastActivity),
                        String(s.requests), s.ips.map(\.ip).joined(separator: " "), countries, s.userAgent ?? "", ended, s.source]
            })
    }
}
