import Foundation

/// Prometheus metrics in the node-exporter textfile format (`--metrics FILE`): what the night's
/// run read, found and recommended, how long it took, and when the last successful run finished,
/// so an alert can fire when the nightly job stops working.
public enum Metrics {
    /// The metrics of a successful run that finished at `finished`.
    public static func text(_ r: AnalysisResult, finished: Millis) -> String {
        var m = Writer()
        m.family("sessionguard_last_run_success", "1 when the last run finished, 0 when it failed.")
        m.sample("sessionguard_last_run_success", [], 1)
        m.family("sessionguard_last_success_timestamp_seconds", "When the last successful run finished (Unix time).")
        m.sample("sessionguard_last_success_timestamp_seconds", [], Double(finished) / 1000)
        m.family("sessionguard_run_duration_seconds", "Wall time of the last run.")
        m.sample("sessionguard_run_duration_seconds", [], r.seconds)
        m.family("sessionguard_lines", "Lines of each input in the last run, by state (read, parsed, unparsed).")
        for i in r.inputs {
            m.sample("sessionguard_lines", [("source", i.path), ("state", "read")], Double(i.lines))
            m.sample("sessionguard_lines", [("source", i.path), ("state", "parsed")], Double(i.records))
            m.sample("sessionguard_lines", [("source", i.path), ("state", "unparsed")], Double(i.unparsed))
        }
        m.family("sessionguard_input_errors", "1 for each input that could not be read completely in the last run.")
        for i in r.inputs { m.sample("sessionguard_input_errors", [("source", i.path)], i.error == nil ? 0 : 1) }
        m.family("sessionguard_sessions", "Sessions the last run rebuilt or updated.")
        m.sample("sessionguard_sessions", [], Double(r.sessions.count))
        m.family("sessionguard_requests", "Request lines of the last run, by attribution.")
        m.sample("sessionguard_requests", [("attribution", "session")], Double(r.counters.attributedRequests))
        m.sample("sessionguard_requests", [("attribution", "none")], Double(r.counters.unattributedRequests))
        m.sample("sessionguard_requests", [("attribution", "ambiguous")], Double(r.counters.ambiguousRequests))
        m.family("sessionguard_findings", "Findings of the last run, by rule and severity.")
        var findings: [String: [String: Int]] = [:]
        for f in r.findings { findings[f.rule, default: [:]][f.severity.rawValue, default: 0] += 1 }
        for (rule, bySeverity) in findings.sorted(by: { $0.key < $1.key }) {
            for (severity, n) in bySeverity.sorted(by: { $0.key < $1.key }) {
                m.sample("sessionguard_findings", [("rule", rule), ("severity", severity)], Double(n))
            }
        }
        m.family("sessionguard_recommendations", "Recommendations the last run opened or updated, by action, severity and status.")
        var recs: [String: Int] = [:]
        for x in r.recommendations { recs["\(x.action.rawValue)\u{1}\(x.severity.rawValue)\u{1}\(x.status)", default: 0] += 1 }
        for (key, n) in recs.sorted(by: { $0.key < $1.key }) {
            let p = key.split(separator: "\u{1}").map(String.init)
            m.sample("sessionguard_recommendations", [("action", p[0]), ("severity", p[1]), ("status", p[2])], Double(n))
        }
        m.family("sessionguard_geoip_lookups", "Public addresses looked up in the GeoIP databases in the last run.")
        m.sample("sessionguard_geoip_lookups", [], Double(r.geoipLookups))
        m.family("sessionguard_geoip_misses", "Public addresses the GeoIP databases did not hold.")
        m.sample("sessionguard_geoip_misses", [], Double(r.geoipMisses))
        m.family("sessionguard_geoip_build_timestamp_seconds", "Build time of each GeoIP database (alert when it grows old).")
        for db in r.geoip { m.sample("sessionguard_geoip_build_timestamp_seconds", [("database", db.type)], Double(db.buildEpoch)) }
        return m.out
    }

    /// The metrics of a failed run: the failure, and the last success the store remembers.
    public static func failure(lastSuccess: Millis?) -> String {
        var m = Writer()
        m.family("sessionguard_last_run_success", "1 when the last run finished, 0 when it failed.")
        m.sample("sessionguard_last_run_success", [], 0)
        if let lastSuccess {
            m.family("sessionguard_last_success_timestamp_seconds", "When the last successful run finished (Unix time).")
            m.sample("sessionguard_last_success_timestamp_seconds", [], Double(lastSuccess) / 1000)
        }
        return m.out
    }

    struct Writer {
        var out = ""

        mutating func family(_ name: String, _ help: String) {
            out += "# HELP \(name) \(help)\n# TYPE \(name) gauge\n"
        }

        mutating func sample(_ name: String, _ labels: [(String, String)], _ value: Double) {
            let text = labels.isEmpty ? "" : "{" + labels.map { "\($0.0)=\"\(Self.escape($0.1))\"" }.joined(separator: ",") + "}"
            let number = value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(value)
            out += "\(name)\(text) \(number)\n"
        }

        /// Label values escape backslash, double quote and line feed (the text format's rules).
        static func escape(_ s: String) -> String {
            s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
                .replacingOccurrences(of: "\n", with: "\\n")
        }
    }
}
