// store-bench: bulk write throughput of the session store, one backend per run.
//
//   swift run -c release store-bench STORE_URL [SESSIONS]
//
// Writes SESSIONS synthetic sessions (default 100,000; two addresses each, placed, with visits;
// 5,000 users; one authentication event per session) the way an ingest does — one
// `upsert(sessions:)` and one `insert(authEvents:)` per transaction, in batches of 10,000 sessions —
// twice: first as new rows, then again as updates of the same sessions (ON CONFLICT: times widen,
// counts add, visits merge). Prints one line per pass: rows written, seconds, rows/s. Then, untimed,
// a judging run with a finding and a revoke recommendation for every 100th session (so that
// `sessionguard report` has something to show). bench/store.sh runs it on SQLite and PostgreSQL in
// the same run, and times `sessionguard report` on the result.
import Foundation
import SessionGuard

let arguments = CommandLine.arguments
guard arguments.count >= 2 else {
    FileHandle.standardError.write(Data("usage: store-bench STORE_URL [SESSIONS]\n".utf8))
    exit(2)
}
let count = arguments.count > 2 ? Int(arguments[2]) ?? 100_000 : 100_000
let store = try SessionStore.open(url: arguments[1])
let day: Millis = 86_400_000
let start: Millis = 1_739_750_400_000  // 2025-02-17

/// Session `i` as pass `pass` writes it: new, then seen again later (more requests, a new visit).
func session(_ i: Int, pass: Int) -> Session {
    let first = start + Millis(i % 30) * day + Millis(i % 977) * 60_000
    let last = first + Millis(pass + 1) * 3_600_000
    var ips: [SessionIP] = []
    for (n, ip) in ["198.51.\(i % 200).\(i % 250 + 1)", "2001:db8:\(String(i % 65_000, radix: 16))::\(n(i))"].enumerated() {
        var use = SessionIP(ip: ip, firstSeen: first + Millis(n) * 60_000, lastSeen: last, requests: 20 + pass,
                            firstEvidence: Evidence(file: "/var/log/odoo/odoo.log", line: i * 10 + n),
                            visits: pass == 0 ? [Visit(first, first + 1_800_000), Visit(last - 600_000, last)] : [Visit(last - 600_000, last)])
        var place = GeoLocation()
        place.countryCode = ["BE", "FR", "DE", "US"][i % 4]
        place.countryName = ["Belgium", "France", "Germany", "United States"][i % 4]
        place.city = ["Brussels", "Paris", "Berlin", "New York"][i % 4]
        place.latitude = 50.85
        place.longitude = 4.35
        place.accuracyRadiusKm = 20
        place.asn = 5432 + i % 7
        place.asOrganization = "Example Telecom"
        use.placement = .located(place)
        ips.append(use)
    }
    let identifier = String(repeating: "x", count: 34) + String(format: "%08d", i)
    return Session(db: "prod", key: "sid:\(identifier)", identifier: identifier, uid: i % 5000 + 2, login: "user\(i % 5000)@example.com",
                   firstActivity: first, lastActivity: last, requests: 40 + pass, ips: ips,
                   userAgent: "Mozilla/5.0 (X11; Linux x86_64) Firefox/135.0", source: "/var/log/odoo/odoo.log")
}
func n(_ i: Int) -> String { String(i % 9000 + 1, radix: 16) }

for pass in 0..<2 {
    // Made before the clock starts: only the store is measured.
    let batches = stride(from: 0, to: count, by: 10_000).map { batch in
        let sessions = (batch..<min(batch + 10_000, count)).map { session($0, pass: pass) }
        let events = sessions.enumerated().map { k, s in
            AuthEvent(time: s.firstActivity + Millis(pass), kind: .loginSucceeded, db: s.db, login: s.login, uid: s.uid,
                      ip: s.ips[0].ip, evidence: Evidence(file: "/var/log/odoo/odoo.log", line: batch + k))
        }
        return (sessions, events)
    }
    let started = Date()
    var rows = 0
    for (sessions, events) in batches {
        try store.transaction(now: start + 60 * day) { tx in
            let run = try tx.beginRun(kind: "bench", host: "bench", rulesHash: nil, geoip: nil)
            _ = try tx.upsert(sessions: sessions, run: run)
            try tx.insert(authEvents: events, run: run)
            try tx.finishRun(run, counters: .object([]))
        }
        // sessions, their two addresses, their users (upserted), events
        rows += sessions.count * 3 + events.count + Set(sessions.compactMap(\.uid)).count
    }
    let seconds = Date().timeIntervalSince(started)
    print(String(format: "%@ %d rows in %.2f s: %.0f rows/s", pass == 0 ? "insert" : "update", rows, seconds, Double(rows) / seconds))
}

// A judging run's worth of findings, for the report benchmark (not timed here).
try store.transaction(now: start + 31 * day) { tx in
    let run = try tx.beginRun(kind: "analyze", host: "bench", rulesHash: nil, geoip: "GeoLite2-City@2025-03-14T00:00:00Z")
    for i in stride(from: 0, to: count, by: 100) {
        let s = session(i, pass: 1)
        let finding = Finding(id: "F-\(i)", rule: "long-session", detector: "long_session", severity: i % 300 == 0 ? .high : .medium,
                              db: s.db, user: s.user, userID: s.uid, sessionKey: s.key, sessionIdentifier: s.identifier,
                              firstSeen: s.firstActivity, lastSeen: s.lastActivity, summary: "Session of \(s.user) in use for long",
                              facts: [("requests", .int(Int64(s.requests)))], evidence: [Evidence(file: "/var/log/odoo/odoo.log", line: i * 10)],
                              recommend: .revokeSession, ruleHash: "bench", geoipBuild: nil)
        try tx.upsert(finding: finding, run: run)
        _ = try tx.upsert(recommendation: Recommendation(
            id: "R-\(i)", action: .revokeSession, db: s.db, target: s.identifier!, user: s.user, sessionIdentifier: s.identifier,
            sessionKey: s.key, severity: finding.severity, status: "open", findings: [finding.id], reasons: [finding.summary]), run: run)
    }
    try tx.finishRun(run, counters: .object([]))
}
