/// `sessionguard explain ID`: a finding, a recommendation or a session with its facts and the log
/// lines behind it — what an analyst reads before approving. Everything from a log is made
/// terminal-safe.
public enum Explain {
    /// The explanation of `id` (a finding `F-…`, a recommendation `R-…`, or a session identifier or
    /// key), or nil when the store knows nothing by that name.
    public static func text(_ id: String, in tx: StoreTransaction) throws -> String? {
        var out: [String] = []
        if let f = try tx.finding(id: id) {
            out += finding(f)
            out += evidence(f.evidence)
            let recs = try tx.recommendations(finding: f.id)
            if !recs.isEmpty {
                out.append("Recommendations")
                out += recs.map { "  " + line($0) }
            }
        } else if let r = try tx.recommendation(id: id) {
            out.append(safe("Recommendation \(r.id) — \(r.severity.rawValue) — \(r.action.rawValue) — \(r.status)"))
            out.append(safe("  \(r.user) on \(r.db), target \(r.target)"))
            out.append("Reasons")
            out += r.reasons.map { safe("  - \($0)") }
            var cited: [Evidence] = []
            out.append("Findings")
            for id in r.findings {
                guard let f = try tx.finding(id: id) else { continue }
                out.append(safe("  \(f.id) \(f.severity.rawValue) \(f.rule): \(f.summary)"))
                cited += f.evidence
            }
            out += evidence(cited)
        } else {
            let sessions = try tx.sessions(matching: id)
            guard !sessions.isEmpty else { return nil }
            for s in sessions {
                out += session(s)
                let findings = try tx.findings(db: s.db, key: s.key)
                if !findings.isEmpty {
                    out.append("Findings")
                    for f in findings {
                        out.append(safe("  \(f.id) \(f.severity.rawValue) \(f.rule): \(f.summary)"))
                        for r in try tx.recommendations(finding: f.id) { out.append("    in " + line(r)) }
                    }
                }
                out += evidence([s.firstEvidence, s.lastEvidence].compactMap { $0 })
            }
        }
        return out.joined(separator: "\n")
    }

    static func safe(_ s: String) -> String { Report.terminalSafe(s) }

    static func line(_ r: Recommendation) -> String {
        safe("\(r.id) \(r.action.rawValue) \(r.target) — \(r.status) (\(r.severity.rawValue))")
    }

    static func finding(_ f: Finding) -> [String] {
        var out = [
            safe("Finding \(f.id) — \(f.severity.rawValue) — \(f.rule) (\(f.detector))"),
            safe("  \(f.user) on \(f.db), \(f.sessionIdentifier.map { "session \($0)" } ?? f.sessionKey)"),
            "  \(UTC.iso(f.firstSeen)) – \(UTC.iso(f.lastSeen))",
            safe("  \(f.summary)"),
            safe("  recommends \(f.recommend.rawValue); rule hash \(f.ruleHash); GeoIP \(f.geoipBuild ?? "none")"),
            "Facts",
        ]
        for (key, value) in f.facts { out.append(safe("  \(key): \(value.serialized())")) }
        return out
    }

    static func session(_ s: Session) -> [String] {
        var flags: [String] = []
        if s.loggedOut { flags.append("logged out") }
        if s.revoked { flags.append("revoked") }
        if s.invalidated { flags.append("ended by a password change") }
        var out = [
            safe("Session \(s.identifier ?? s.key) of \(s.user)\(s.uid.map { " (uid \($0))" } ?? "") on \(s.db)"),
            "  \(UTC.iso(s.firstActivity)) – \(UTC.iso(s.lastActivity)), \(s.requests) requests"
                + (flags.isEmpty ? ", no end seen" : ", " + flags.joined(separator: ", ")),
        ]
        if let ua = s.userAgent { out.append(safe("  device: \(DeviceClass(userAgent: ua)?.description ?? "?") (\(ua))")) }
        out.append("Addresses")
        for use in s.ips {
            let place: String
            switch use.placement {
            case .internal: place = "internal"
            case .unknown: place = "not in the GeoIP databases"
            case .located(let l):
                place = [l.city, l.region, l.countryCode].compactMap { $0 }.joined(separator: ", ")
                    + (l.accuracyRadiusKm.map { " ±\($0) km" } ?? "") + (l.asn.map { ", AS\($0)" } ?? "")
                    + (l.asOrganization.map { " \($0)" } ?? "")
            }
            out.append(safe("  \(use.ip)  \(place)  \(UTC.iso(use.firstSeen)) – \(UTC.iso(use.lastSeen)), "
                + "\(use.requests) requests in \(use.visits.count) visit(s)"))
        }
        return out
    }

    static func evidence(_ cited: [Evidence]) -> [String] {
        guard !cited.isEmpty else { return [] }
        var out = ["Evidence"]
        let lines = EvidenceLines.read(cited)
        var seen: Set<Evidence> = []
        for e in cited where seen.insert(e).inserted {
            out.append(safe("  \(e.file):\(e.line)"))
            switch lines[e] {
            case .text(let t)?: out.append("    " + safe(t))
            case .unavailable(let why)?: out.append(safe("    (unavailable: \(why))"))
            case nil: break
            }
        }
        return out
    }
}
