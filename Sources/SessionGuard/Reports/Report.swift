import Foundation

/// The report document (`design.md` §7, schema `sessionguard-report/1`) and the terminal summary.
///
/// Field and list order are fixed so that two runs on the same input give byte-identical documents
/// apart from `generated_at`.
public enum Report {
    public static let schema = "sessionguard-report/1"

    static func findingOrder(_ a: Finding, _ b: Finding) -> Bool {
        if a.severity != b.severity { return a.severity > b.severity }
        return (a.firstSeen, a.id) < (b.firstSeen, b.id)
    }

    static func recommendationOrder(_ a: Recommendation, _ b: Recommendation) -> Bool {
        if a.severity != b.severity { return a.severity > b.severity }
        return a.id < b.id
    }

    static func time(_ ms: Millis?) -> JSON { ms.map { .string(UTC.iso($0)) } ?? .null }

    /// The whole document.
    public static func document(_ r: AnalysisResult, generatedAt: Millis) -> JSON {
        var bySeverity: [(String, JSON)] = []
        for severity in Severity.allCases.reversed() {
            bySeverity.append((severity.rawValue, .object([
                ("findings", .int(r.findings.filter { $0.severity == severity }.count)),
                ("recommendations", .int(r.recommendations.filter { $0.severity == severity }.count)),
            ])))
        }
        return .object([
            ("schema", .string(schema)),
            ("generated_at", time(generatedAt)),
            ("now", time(r.now)),
            ("inputs", .array(r.inputs.map(input))),
            ("geoip", .array(r.geoip.map {
                .object([("path", .string($0.path)), ("database_type", .string($0.type)), ("build_epoch", .int($0.buildEpoch))])
            })),
            ("summary", .object([
                ("sessions", .int(r.sessions.count)),
                ("users", .int(r.users)),
                ("findings", .int(r.findings.count)),
                ("recommendations", .int(r.recommendations.count)),
                ("by_severity", .object(bySeverity)),
            ])),
            ("findings", .array(r.findings.map(finding))),
            ("recommendations", .array(r.recommendations.map(recommendation))),
        ])
    }

    static func input(_ i: InputStats) -> JSON {
        var pairs: [(String, JSON)] = [
            ("path", .string(i.path)),
            ("format", .string(i.format)),
            ("lines", .int(i.lines)),
            ("records", .int(i.records)),
            ("unparsed", .int(i.unparsed)),
            ("first_time", time(i.firstTime)),
            ("last_time", time(i.lastTime)),
        ]
        pairs.append(("odoo_version", .string(i.odooVersion)))
        pairs.append(("resumed_after_line", .int(i.resumedAfterLine)))
        pairs.append(("unparsed_samples", .array(i.unparsedSamples.map {
            .object([("file", .string(i.path)), ("line", .int($0.line)), ("reason", .string($0.reason)), ("text", .string($0.text))])
        })))
        if let error = i.error { pairs.append(("error", .string(error))) }
        return .object(pairs)
    }

    static func finding(_ f: Finding) -> JSON {
        .object([
            ("id", .string(f.id)),
            ("rule", .string(f.rule)),
            ("detector", .string(f.detector)),
            ("severity", .string(f.severity.rawValue)),
            ("db", .string(f.db)),
            ("user", .string(f.user)),
            ("user_id", f.userID.map { .int($0) } ?? .null),
            ("session_identifier", .string(f.sessionIdentifier)),
            ("first_seen", time(f.firstSeen)),
            ("last_seen", time(f.lastSeen)),
            ("summary", .string(f.summary)),
            ("facts", .object(f.facts)),
            ("evidence", .array(f.evidence.map { .object([("file", .string($0.file)), ("line", .int($0.line))]) })),
            ("suppressed", .bool(f.suppressedBy != nil)),
        ])
    }

    static func recommendation(_ r: Recommendation) -> JSON {
        .object([
            ("id", .string(r.id)),
            ("action", .string(r.action.rawValue)),
            ("db", .string(r.db)),
            ("user", .string(r.user)),
            ("session_identifier", .string(r.sessionIdentifier)),
            ("severity", .string(r.severity.rawValue)),
            ("status", .string(r.status)),
            ("findings", .array(r.findings.map { .string($0) })),
            ("reasons", .array(r.reasons.map { .string($0) })),
        ])
    }

    /// What the `runs` table keeps of a run.
    static func counters(_ r: AnalysisResult) -> JSON {
        .object([
            ("lines", .int(r.inputs.reduce(0) { $0 + $1.lines })),
            ("records", .int(r.inputs.reduce(0) { $0 + $1.records })),
            ("unparsed", .int(r.inputs.reduce(0) { $0 + $1.unparsed })),
            ("requests_attributed", .int(r.counters.attributedRequests)),
            ("requests_unattributed", .int(r.counters.unattributedRequests)),
            ("requests_ambiguous", .int(r.counters.ambiguousRequests)),
            ("access_requests", .int(r.counters.accessRequests)),
            ("access_requests_attributed", .int(r.counters.accessAttributed)),
            ("access_requests_matched", .int(r.counters.accessMatched)),
            ("access_requests_ambiguous", .int(r.counters.accessAmbiguous)),
            ("access_requests_unconfirmed", .int(r.counters.accessUnconfirmed)),
            ("sessions", .int(r.sessions.count)),
            ("findings", .int(r.findings.count)),
            ("findings_new", .int(r.newFindings)),
            ("recommendations", .int(r.recommendations.count)),
            ("recommendations_new", .int(r.newRecommendations)),
            ("geoip_lookups", .int(r.geoipLookups)),
            ("geoip_misses", .int(r.geoipMisses)),
            ("seconds", .double((r.seconds * 1000).rounded() / 1000)),
            // What was read, as the report document shows it: `sessionguard report` shows it again later.
            ("inputs", .array(r.inputs.map(input))),
        ])
    }

    /// The readable summary printed after a run.
    public static func summary(_ r: AnalysisResult, storePath: String, reportPath: String?) -> String {
        var out: [String] = []
        let lines = r.inputs.reduce(0) { $0 + $1.lines }
        let bytes = r.inputs.reduce(0) { $0 + $1.bytes }
        out.append("Inputs")
        for i in r.inputs {
            if let error = i.error, i.lines == 0 {
                out.append("  \(i.path): NOT READ — \(error)")
                continue
            }
            if let error = i.error { out.append("  \(i.path): PARTLY READ — \(error)") }
            let range = i.firstTime.map { "\(UTC.iso($0)) – \(UTC.iso(i.lastTime ?? $0))" } ?? "no records"
            let version = i.odooVersion.map { ", Odoo \($0)" } ?? ""
            let resumed = i.resumedAfterLine > 0 ? " after line \(i.resumedAfterLine) (read before)" : ""
            out.append("  \(i.path) (\(i.format)\(version)): \(i.lines) new lines\(resumed), \(i.records) records, \(i.unparsed) unparsed; \(range)")
            for sample in i.unparsedSamples {
                out.append("    unparsed \(i.path):\(sample.line): \(sample.reason)")
            }
        }
        let rate = r.seconds > 0 ? Double(lines) / r.seconds : 0
        out.append(String(format: "  %d lines, %.1f MB in %.2f s (%.0f lines/s)", lines, Double(bytes) / 1e6, r.seconds, rate)
            + " — " + r.phases.map { String(format: "%@ %.2f s", $0.name, $0.seconds) }.joined(separator: ", "))
        out.append("Sessions")
        out.append("  \(r.sessions.count) sessions of \(r.users) users; \(r.counters.attributedRequests) requests attributed, "
            + "\(r.counters.unattributedRequests) without a known session, \(r.counters.ambiguousRequests) ambiguous (shared IP)")
        if r.counters.accessRequests > 0 {
            var line = "  access logs: \(r.counters.accessRequests) requests, \(r.counters.accessAttributed) in signed-in sessions, "
                + "\(r.counters.accessMatched) matched to Odoo's line of the same request"
            if r.counters.accessAmbiguous > 0 { line += ", \(r.counters.accessAmbiguous) ambiguous (one address and browser, two sign-ins)" }
            if r.counters.accessUnconfirmed > 0 {
                line += ", \(r.counters.accessUnconfirmed) naming a session from an address Odoo never showed it accepted"
            }
            out.append(line)
        }
        out.append("  \(r.authEvents) authentication events")
        if !r.geoip.isEmpty {
            for g in r.geoip { out.append("  GeoIP: \(g.path) (\(g.type), built \(UTC.iso(g.buildEpoch * 1000)))") }
        } else {
            out.append("  GeoIP: none (location rules give no verdicts)")
        }
        guard r.judged else {
            out.append("Not judged yet: run `sessionguard detect` (ingest only reads)")
            out.append("Store: \(storePath)")
            return out.joined(separator: "\n")
        }
        let suppressed = r.findings.filter { $0.suppressedBy != nil }.count
        out.append("Findings: \(r.findings.count) (\(r.newFindings) new\(suppressed > 0 ? ", \(suppressed) suppressed by dismissals" : ""))")
        for s in Severity.allCases.reversed() {
            let n = r.findings.filter { $0.severity == s }.count
            if n > 0 { out.append("  \(s.rawValue): \(n)") }
        }
        out.append("Recommendations: \(r.recommendations.count) (\(r.newRecommendations) new)")
        for rec in r.recommendations {
            let target = rec.sessionIdentifier ?? rec.target
            out.append("  [\(rec.severity.rawValue)] \(rec.action.rawValue) \(rec.user) on \(rec.db) (\(target)) — \(rec.status)")
            for reason in rec.reasons { out.append("      \(reason)") }
        }
        for w in r.warnings { out.append("Warning: \(w)") }
        out.append("Store: \(storePath)")
        if let reportPath { out.append("Report: \(reportPath)") }
        return out.map(terminalSafe).joined(separator: "\n")
    }

    /// Log text is attacker-controlled: control characters (escape sequences can rewrite an
    /// analyst's terminal) and bidirectional overrides become visible placeholders.
    public static func terminalSafe(_ text: String) -> String {
        var out = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            let v = scalar.value
            let control = v < 0x20 || (0x7F...0x9F).contains(v)
            let bidi = (0x202A...0x202E).contains(v) || (0x2066...0x2069).contains(v) || v == 0x200E || v == 0x200F
            out.append(control || bidi ? "\u{FFFD}" : scalar)
        }
        return String(out)
    }

    /// One recommendation as a JSON line for external tooling (`recommendations list --json`).
    public static func recommendationLine(_ row: RecommendationRow) -> JSON {
        let r = row.recommendation
        return .object([
            ("id", .string(r.id)),
            ("action", .string(r.action.rawValue)),
            ("db", .string(r.db)),
            ("target", .string(r.target)),
            ("user", .string(r.user)),
            ("session_identifier", .string(r.sessionIdentifier)),
            ("session_key", .string(r.sessionKey)),
            ("severity", .string(r.severity.rawValue)),
            ("status", .string(r.status)),
            ("created_at", .string(row.createdAt)),
            ("decided_by", .string(row.decidedBy)),
            ("decided_at", .string(row.decidedAt)),
            ("decision_reason", .string(row.decisionReason)),
            ("outcome", .string(row.outcome)),
            ("reasons", .array(r.reasons.map { .string($0) })),
            ("findings", .array(r.findings.map { .string($0) })),
        ])
    }

    /// Recommendations as a plain table (log text made terminal-safe, long reasons cut).
    public static func recommendationTable(_ rows: [RecommendationRow]) -> String {
        guard !rows.isEmpty else { return "no recommendations" }
        let header = ["ID", "SEVERITY", "STATUS", "ACTION", "USER", "DB", "TARGET", "CREATED", "REASON"]
        var table = [header]
        for row in rows {
            let r = row.recommendation
            let reason = r.reasons.first.map { $0.count > 80 ? String($0.prefix(79)) + "…" : $0 } ?? ""
            table.append([r.id, r.severity.rawValue, r.status, r.action.rawValue, r.user, r.db, r.target, row.createdAt, reason]
                .map(terminalSafe))
        }
        return Self.table(table)
    }

    /// Rows as aligned columns (two spaces apart, the last one not padded). Cells must be terminal-safe already.
    public static func table(_ rows: [[String]]) -> String {
        guard let header = rows.first else { return "" }
        let widths = header.indices.map { c in rows.map { c < $0.count ? $0[c].count : 0 }.max() ?? 0 }
        return rows.map { line in
            line.indices.map { c in c == line.count - 1 ? line[c] : line[c].padding(toLength: widths[c], withPad: " ", startingAt: 0) }
                .joined(separator: "  ")
        }.joined(separator: "\n")
    }
}
