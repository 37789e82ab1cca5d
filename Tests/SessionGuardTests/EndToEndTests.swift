import Foundation
import Testing
@testable import SessionGuard

/// Runs the built `sessionguard` binary on the bundled samples with a temporary store.
@Suite("sessionguard analyze, end to end", .serialized)
struct EndToEndTests {
    static let logs = ["Samples/logs/odoo.log.2.gz", "Samples/logs/odoo.log.1", "Samples/logs/odoo.log"]

    struct Outcome {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    static var binary: String {
        let beside = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("sessionguard").path
        if FileManager.default.isExecutableFile(atPath: beside) { return beside }
        return packageRoot.appendingPathComponent(".build/debug/sessionguard").path
    }

    func run(_ arguments: [String]) throws -> Outcome {
        let binary = Self.binary
        try #require(FileManager.default.isExecutableFile(atPath: binary), "build the binary first: swift build")
        let p = Process()
        p.executableURL = URL(fileURLWithPath: binary)
        p.arguments = arguments
        p.currentDirectoryURL = packageRoot
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return Outcome(status: p.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
                       stderr: String(decoding: stderr, as: UTF8.self))
    }

    func analyze(_ dir: URL, report: String, extra: [String] = []) throws -> Outcome {
        try run(["analyze", "--config", "Samples/sessionguard.yml", "--now", "2025-03-15T00:00:00Z",
                 "--store", testStoreURL(dir, "store.sqlite"),
                 "--report", dir.appendingPathComponent(report).path] + extra + Self.logs)
    }

    func document(_ dir: URL, _ report: String) throws -> [String: Any] {
        let data = try Data(contentsOf: dir.appendingPathComponent(report).appendingPathComponent("report.json"))
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    static let nginxLogs = ["Samples/logs/nginx/access.log.2.gz", "Samples/logs/nginx/access.log.1", "Samples/logs/nginx/access.log"]

    @Test("the sample nginx log joins the Odoo log: sessions gain user agents and real addresses, and new_device uses them")
    func nginxJoin() throws {
        // As the samples are (Odoo with proxy_mode), and as Odoo behind nginx without it: every address 127.0.0.1.
        let hidden = temporaryDirectory()
        var hiddenLogs: [String] = []
        for log in Self.logs {
            let reader = try ChunkedReader(path: samplePath(log))
            var text = ""
            try reader.forEachLine { line in
                var l = String(decoding: line, as: UTF8.self)
                l = l.replacingOccurrences(of: #"werkzeug: [0-9a-f.:]+ - -"#, with: "werkzeug: 127.0.0.1 - -", options: .regularExpression)
                l = l.replacingOccurrences(of: #" from [0-9a-f.:]+ $"#, with: " from 127.0.0.1 ", options: .regularExpression)
                l = l.replacingOccurrences(of: #"ignored for [0-9a-f.:]+ on"#, with: "ignored for 127.0.0.1 on", options: .regularExpression)
                text += l + "\n"
                return true
            }
            hiddenLogs.append(writeLog(text, name: (log as NSString).lastPathComponent.replacingOccurrences(of: ".gz", with: ""), in: hidden))
        }
        for logs in [Self.logs, hiddenLogs] {
            let dir = temporaryDirectory()
            let outcome = try run(["analyze", "--config", "Samples/sessionguard.yml", "--now", "2025-03-15T00:00:00Z",
                                   "--store", testStoreURL(dir, "store.sqlite"), "--report", dir.appendingPathComponent("r").path]
                                  + logs + Self.nginxLogs)
            #expect(outcome.status == 0, "\(outcome.stderr)")
            let doc = try document(dir, "r")
            let inputs = try #require(doc["inputs"] as? [[String: Any]])
            #expect(inputs.suffix(3).allSatisfy { $0["format"] as? String == "nginx+sid" && $0["unparsed"] as? Int == 0 })
            let findings = try #require(doc["findings"] as? [[String: Any]])
            // The same findings as Odoo's log with real addresses gives, and São Paulo's new device.
            #expect(Set(findings.compactMap { $0["rule"] as? String }) == ["unfamiliar-country", "impossible-travel", "long-lived-session",
                                                                          "brute-force", "forgotten-session", "new-device"])
            let device = try #require(findings.first { $0["rule"] as? String == "new-device" })
            #expect(device["user"] as? String == "alice@example.com")
            #expect(device["session_identifier"] as? String == "H0TwA_6pQ_KKAz9wYYtxcJ7SWjDguiBCTqm5__47Uk")
            #expect((device["facts"] as? [String: Any])?["device"] as? String == "windows/firefox")
            let store = try testStore(dir, "store.sqlite")
            let sessions = try store.read(now: 0) { tx in try tx.sessions(ids: tx.liveSessionIDs(since: 0)) }
            let paulo = try #require(sessions.first { $0.identifier == "H0TwA_6pQ_KKAz9wYYtxcJ7SWjDguiBCTqm5__47Uk" })
            #expect(paulo.userAgent?.contains("Firefox/136.0") == true && paulo.ips.contains { $0.ip == "203.0.113.130" })
            #expect(sessions.filter { $0.login != nil }.allSatisfy { $0.userAgent != nil })
        }
        // nginx alone: no users, but the brute force by address, bob's endless session and dave's forgotten one.
        let dir = temporaryDirectory()
        let alone = try run(["analyze", "--config", "Samples/sessionguard.yml", "--now", "2025-03-15T00:00:00Z",
                             "--store", testStoreURL(dir, "store.sqlite"), "--report", dir.appendingPathComponent("r").path] + Self.nginxLogs)
        #expect(alone.status == 0, "\(alone.stderr)")
        let findings = try #require(try document(dir, "r")["findings"] as? [[String: Any]])
        #expect(findings.compactMap { $0["rule"] as? String }.sorted() == ["brute-force", "forgotten-session", "long-lived-session"])
        let brute = try #require(findings.first { $0["rule"] as? String == "brute-force" })
        #expect(brute["user"] as? String == "unknown" && brute["db"] as? String == "?")
        #expect((brute["summary"] as? String)?.contains("from 192.0.2.150 on logins the log does not name") == true)
        #expect(findings.first { $0["rule"] as? String == "long-lived-session" }?["session_identifier"] as? String
            == "hIEJzyWpZ5zSrdo8VANDzUiFM5pmSU01A4U5BmEnfP")
    }

    @Test("an nginx-only (address, user agent) session goes on in the next run, as in one long run")
    func nginxVisitResumed() throws {
        let dir = temporaryDirectory()
        let ua = "Mozilla/5.0 (X11; Linux x86_64) Chrome/133"
        func line(_ time: String, _ request: String, _ status: Int) -> String {
            #"198.51.100.23 - - [\#(time) +0000] "\#(request) HTTP/1.1" \#(status) 10 "-" "\#(ua)""# + "\n"
        }
        let log = writeLog(line("14/Mar/2025:09:00:00", "POST /web/login", 303) + line("14/Mar/2025:09:00:01", "GET /odoo", 200),
                           name: "access.log", in: dir)
        let store = testStoreURL(dir, "store.sqlite")
        func analyze(_ now: String) throws -> Outcome {
            try run(["analyze", "--config", "Samples/sessionguard.yml", "--now", now, "--store", store, log])
        }
        #expect(try analyze("2025-03-15T00:00:00Z").status == 0)
        let handle = try #require(FileHandle(forWritingAtPath: log))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data((line("15/Mar/2025:09:00:00", "POST /mail/data", 200) + line("15/Mar/2025:09:00:05", "GET /odoo", 200)).utf8))
        try handle.close()
        #expect(try analyze("2025-03-16T00:00:00Z").status == 0)
        let sessions = try testStore(dir, "store.sqlite").read(now: 0) { tx in try tx.sessions(ids: tx.liveSessionIDs(since: 0)) }
        #expect(sessions.count == 1)
        #expect(sessions.first?.key.hasPrefix("visit:198.51.100.23#2025-03-14T09:00:00Z/") == true && sessions.first?.requests == 4)
        #expect(sessions.first.map { UTC.iso($0.lastActivity) } == "2025-03-15T09:00:05Z")
    }

    @Test("a session an nginx log alone filed under '?' moves to its database when Odoo's log names it the next night")
    func nginxDatabaseLearned() throws {
        let dir = temporaryDirectory()
        let sid = AccessLogTests.sid
        let nginx = writeLog(#"198.51.100.9 - - [13/Mar/2025:10:00:00 +0000] "GET /odoo HTTP/1.1" 200 10 "-" "UA" sid=\#(sid)"# + "\n",
                             name: "access.log", in: dir)
        let odoo = writeLog("""
            2025-03-14 09:00:30,300 4213 INFO prod odoo.addons.base.models.res_device: User 7 inserts device log (\(sid)) 
            2025-03-14 09:00:30,480 4213 INFO prod werkzeug: 198.51.100.9 - - [14/Mar/2025 09:00:30] "GET /odoo HTTP/1.0" 200 - 12 0.009 0.031

            """, name: "odoo.log", in: dir)
        let store = testStoreURL(dir, "store.sqlite")
        for (log, now) in [(nginx, "2025-03-14T00:00:00Z"), (odoo, "2025-03-15T00:00:00Z")] {
            let outcome = try run(["analyze", "--config", "Samples/sessionguard.yml", "--now", now, "--store", store, log])
            #expect(outcome.status == 0, "\(outcome.stderr)")
        }
        let sessions = try testStore(dir, "store.sqlite").read(now: 0) { tx in try tx.sessions(ids: tx.liveSessionIDs(since: 0)) }
        #expect(sessions.count == 1)
        let s = try #require(sessions.first)
        #expect(s.db == "prod" && s.key == "sid:\(sid)" && s.uid == 7 && s.source == "odoo-log")
        #expect(UTC.iso(s.firstActivity) == "2025-03-13T10:00:00Z" && s.requests == 2)
    }

    @Test("the samples give the expected findings; a second run reads nothing new; a fresh store gives the same document")
    func samples() throws {
        let dir = temporaryDirectory()
        let first = try analyze(dir, report: "r1")
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stdout.contains("Findings: 5 (5 new)"), "\(first.stdout)")
        #expect(first.stdout.contains("Store: "))

        let doc = try document(dir, "r1")
        #expect(doc["schema"] as? String == "sessionguard-report/1")
        #expect(doc["now"] as? String == "2025-03-15T00:00:00Z")
        let inputs = try #require(doc["inputs"] as? [[String: Any]])
        #expect(inputs.map { $0["path"] as? String } == Self.logs)
        #expect(inputs.allSatisfy { ($0["format"] as? String) == "odoo" && ($0["lines"] as? Int ?? 0) > 1000 })
        #expect(inputs.reduce(0) { $0 + ($1["unparsed"] as? Int ?? 0) } > 0)
        let geoip = try #require(doc["geoip"] as? [[String: Any]])
        #expect(geoip.map { $0["database_type"] as? String } == ["GeoLite2-City", "GeoLite2-ASN"])

        let findings = try #require(doc["findings"] as? [[String: Any]])
        let country = try #require(findings.first { $0["rule"] as? String == "unfamiliar-country" })
        #expect(country["user"] as? String == "alice@example.com")
        #expect(country["severity"] as? String == "high")
        #expect((country["facts"] as? [String: Any])?["country"] as? String == "BR")
        #expect((country["session_identifier"] as? String)?.count == 42)
        #expect(((country["evidence"] as? [[String: Any]])?.first?["file"] as? String) == "Samples/logs/odoo.log")
        let long = try #require(findings.first { $0["rule"] as? String == "long-lived-session" })
        #expect(long["user"] as? String == "bob@example.com")
        #expect(((long["facts"] as? [String: Any])?["age_seconds"] as? Int ?? 0) > 7 * 86_400)
        let travel = try #require(findings.first { $0["rule"] as? String == "impossible-travel" })
        #expect(travel["session_identifier"] as? String == country["session_identifier"] as? String)
        let move = try #require(travel["facts"] as? [String: Any])
        #expect((move["from"] as? [String: Any])?["city"] as? String == "Brussels")
        #expect((move["to"] as? [String: Any])?["city"] as? String == "São Paulo")
        #expect(move["gap_seconds"] as? Int == 4 * 3600 + 33 * 60 + 7)
        #expect(((move["speed_kmh"] as? Double) ?? 0) > 2000)
        let brute = try #require(findings.first { $0["rule"] as? String == "brute-force" })
        #expect(brute["user"] as? String == "admin")
        #expect((brute["facts"] as? [String: Any])?["failures"] as? Int == 40)
        let idle = try #require(findings.first { $0["rule"] as? String == "forgotten-session" })
        #expect(idle["user"] as? String == "dave@example.com")
        #expect(findings.count == 5)

        // One recommendation per target: São Paulo's two findings share alice's.
        let recommendations = try #require(doc["recommendations"] as? [[String: Any]])
        #expect(recommendations.count == 4)
        #expect(recommendations.allSatisfy { $0["status"] as? String == "open" })
        let revokes = recommendations.filter { $0["action"] as? String == "revoke_session" }
        #expect(Set(revokes.compactMap { $0["session_identifier"] as? String })
            == Set([country["session_identifier"] as! String, long["session_identifier"] as! String]))
        let alice = try #require(revokes.first { $0["user"] as? String == "alice@example.com" })
        #expect((alice["findings"] as? [String])?.count == 2)
        #expect(Set(recommendations.filter { $0["action"] as? String == "review" }.compactMap { $0["user"] as? String })
            == ["admin", "dave@example.com"])
        let summary = try #require(doc["summary"] as? [String: Any])
        #expect(summary["findings"] as? Int == 5)
        #expect((summary["users"] as? Int ?? 0) >= 5)

        // The same files again: nothing new is read (checkpoints), nothing new is found, and the
        // sessions still alive are judged again.
        let second = try analyze(dir, report: "r2")
        #expect(second.status == 0)
        #expect(second.stdout.contains("Samples/logs/odoo.log (odoo): 0 new lines after line 4407 (read before)"), "\(second.stdout)")
        #expect(second.stdout.contains("Findings: 4 (0 new)"), "\(second.stdout)")
        #expect(second.stdout.contains("Recommendations: 3 (0 new)"))
        let store = try testStore(dir, "store.sqlite")
        let counts = try store.read(now: 0) { tx in
            [try tx.count("findings"), try tx.count("recommendations"), try tx.count("runs"), try tx.count("checkpoints")]
        }
        #expect(counts == [5, 4, 2, 3])

        // Determinism: the same files into a fresh store give the same document (but generated_at).
        let other = temporaryDirectory()
        #expect(try analyze(other, report: "r1").status == 0)
        func stable(_ dir: URL) throws -> String {
            try String(contentsOf: dir.appendingPathComponent("r1").appendingPathComponent("report.json"), encoding: .utf8)
                .split(separator: "\n").filter { !$0.contains("\"generated_at\"") }.joined(separator: "\n")
        }
        #expect(try stable(dir) == stable(other))
    }

    @Test("explain shows a recommendation's reasons, findings and the cited log lines; unknown ids exit 1")
    func explain() throws {
        let dir = temporaryDirectory()
        #expect(try analyze(dir, report: "r").status == 0)
        let doc = try document(dir, "r")
        let recommendations = try #require(doc["recommendations"] as? [[String: Any]])
        let alice = try #require(recommendations.first { $0["user"] as? String == "alice@example.com" })
        let store = testStoreURL(dir, "store.sqlite")
        let shown = try run(["explain", "--store", store, alice["id"] as! String])
        #expect(shown.status == 0, "\(shown.stderr)")
        #expect(shown.stdout.contains("Recommendation \(alice["id"] as! String) — high — revoke_session — open"))
        #expect(shown.stdout.contains("impossible-travel"))
        #expect(shown.stdout.contains("Samples/logs/odoo.log:4327"))
        #expect(shown.stdout.contains("\"POST /web/dataset/call_kw/sale.order/web_search_read"))  // the cited line itself
        let session = try run(["explain", "--store", store, "H0TwA_6pQ_KKAz9wYYtxcJ7SWjDguiBCTqm5__47Uk"])
        #expect(session.stdout.contains("203.0.113.130  São Paulo"))
        let unknown = try run(["explain", "--store", store, "F-0000000000000000"])
        #expect(unknown.status == 1)
        #expect(unknown.stderr.contains("no finding, recommendation or session"))
        let mistyped = dir.appendingPathComponent("nope/store.sqlite").path
        let missing = try run(["explain", "--store", "sqlite:\(mistyped)", "F-0000000000000000"])
        #expect(missing.status == 2 && missing.stderr.contains("no store at"))
        #expect(!FileManager.default.fileExists(atPath: mistyped))
        #expect(EvidenceLines.read([Evidence(file: "-", line: 3)])[Evidence(file: "-", line: 3)] == .unavailable("read from standard input"))
    }

    @Test("recommendation lifecycle: approve, dismiss with a suppression, expire, with every change recorded")
    func lifecycle() throws {
        let dir = temporaryDirectory()
        #expect(try analyze(dir, report: "r1").status == 0)
        let store = testStoreURL(dir, "store.sqlite")
        let recommendations = try #require(try document(dir, "r1")["recommendations"] as? [[String: Any]])
        func id(_ user: String) throws -> String { try #require(recommendations.first { $0["user"] as? String == user }?["id"] as? String) }
        let alice = try id("alice@example.com"), bob = try id("bob@example.com"), dave = try id("dave@example.com")

        #expect(try run(["recommendations", "approve", alice, "--by", "ann", "--store", store]).status == 0)
        let dismissed = try run(["recommendations", "dismiss", dave, "--reason", "kiosk in the lobby", "--suppress", "14", "--by", "ann", "--store", store])
        #expect(dismissed.stdout.contains("1 suppression(s) for 14 days"), "\(dismissed.stdout)\(dismissed.stderr)")
        let again = try run(["recommendations", "approve", dave, "--store", store])
        #expect(again.status == 1 && again.stderr.contains("is dismissed"))
        #expect(try run(["recommendations", "dismiss", alice, "--store", store]).status == 2)  // --reason is required: a usage error

        // External tooling reads approved ones as JSON lines with stable keys.
        let approved = try run(["recommendations", "list", "--status", "approved", "--json", "--store", store])
        let lines = approved.stdout.split(separator: "\n")
        #expect(lines.count == 1)
        let line = try #require(try JSONSerialization.jsonObject(with: Data(lines[0].utf8)) as? [String: Any])
        #expect(line["id"] as? String == alice && line["decided_by"] as? String == "ann" && line["action"] as? String == "revoke_session")
        #expect(line["session_identifier"] as? String == "H0TwA_6pQ_KKAz9wYYtxcJ7SWjDguiBCTqm5__47Uk")

        // The next night: dave's forgotten-session finding is suppressed, alice's stays approved.
        let second = try analyze(dir, report: "r2")
        #expect(second.stdout.contains("1 suppressed by dismissals"), "\(second.stdout)")
        let doc = try document(dir, "r2")
        let findings = try #require(doc["findings"] as? [[String: Any]])
        #expect(findings.first { $0["user"] as? String == "dave@example.com" }?["suppressed"] as? Bool == true)
        let now = try #require(doc["recommendations"] as? [[String: Any]])
        #expect(!now.contains { $0["id"] as? String == dave })
        #expect(now.first { $0["id"] as? String == alice }?["status"] as? String == "approved")

        // A fortnight later bob's session has been idle past Odoo's lifetime: nothing left to revoke.
        let later = try run(["analyze", "--config", "Samples/sessionguard.yml", "--now", "2025-03-29T00:00:00Z", "--store", store] + Self.logs)
        #expect(later.status == 0, "\(later.stderr)")
        let shown = try run(["recommendations", "show", bob, "--store", store])
        #expect(shown.stdout.contains("expired  open → expired  by sessionguard: the session ended on its own"), "\(shown.stdout)")
        let history = try run(["recommendations", "show", dave, "--store", store]).stdout
        #expect(history.contains("created  - → open  by sessionguard"))
        #expect(history.contains("dismissed  open → dismissed  by ann: kiosk in the lobby"))
    }

    @Test("--metrics writes node-exporter textfile metrics (0644); runs lists the history; the deploy configuration loads")
    func operations() throws {
        let dir = temporaryDirectory()
        let metrics = dir.appendingPathComponent("sessionguard.prom").path
        #expect(try analyze(dir, report: "r", extra: ["--metrics", metrics]).status == 0)
        let text = try String(contentsOfFile: metrics, encoding: .utf8)
        #expect(text.contains("sessionguard_last_run_success 1\n"))
        #expect(text.contains("sessionguard_lines{source=\"Samples/logs/odoo.log\",state=\"unparsed\"} 2\n"))
        #expect(text.contains("sessionguard_findings{rule=\"impossible-travel\",severity=\"high\"} 1\n"))
        #expect(text.contains("sessionguard_geoip_build_timestamp_seconds{database=\"GeoLite2-City\"} 1741910400\n"))
        #expect(text.split(separator: "\n").allSatisfy { $0.hasPrefix("#") || $0.hasPrefix("sessionguard_") })
        let mode = try FileManager.default.attributesOfItem(atPath: metrics)[.posixPermissions] as? Int
        #expect(mode == 0o644)
        // A failed run (the report cannot be written) says so, with the last success from the store.
        let blocked = dir.appendingPathComponent("blocked")
        try "x".write(to: blocked, atomically: true, encoding: .utf8)
        let failed = try run(["analyze", "--config", "Samples/sessionguard.yml", "--now", "2025-03-15T00:00:00Z",
                              "--store", testStoreURL(dir, "store.sqlite"), "--report", blocked.path,
                              "--metrics", metrics] + Self.logs)
        #expect(failed.status == 2)
        let after = try String(contentsOfFile: metrics, encoding: .utf8)
        #expect(after.contains("sessionguard_last_run_success 0\n") && after.contains("sessionguard_last_success_timestamp_seconds "))
        // A run stopped before it starts (rules it cannot load) says so too.
        try "sessionguard_last_run_success 1\n".write(toFile: metrics, atomically: true, encoding: .utf8)
        let early = try run(["analyze", "--config", "Samples/sessionguard.yml", "--rules", "/nonexistent", "--metrics", metrics,
                             "--store", testStoreURL(dir, "store.sqlite")] + Self.logs)
        #expect(early.status == 2)
        #expect(try String(contentsOfFile: metrics, encoding: .utf8).contains("sessionguard_last_run_success 0\n"))
        let runs = try run(["runs", "--store", testStoreURL(dir, "store.sqlite")])
        #expect(runs.stdout.split(separator: "\n").count == 2 && runs.stdout.contains("17370"))
        let deploy = try Configuration.load(path: samplePath("Samples/deploy/sessionguard.yml"))
        #expect(deploy.store == "sqlite:/var/lib/sessionguard/sessionguard.sqlite" && deploy.failOn == .high)
        #expect(deploy.sessionsDir == "/var/lib/odoo/.local/share/Odoo/sessions" && deploy.revokeDelaySeconds == 120)
        let odoo = dir.appendingPathComponent("odoo.yml")
        try "odoo_db: [postgres:///prod, \"staging=postgres://db.example.com/odoo_staging\"]\n".write(to: odoo, atomically: true, encoding: .utf8)
        #expect(try Configuration.load(path: odoo.path).odooDatabases == ["postgres:///prod", "staging=postgres://db.example.com/odoo_staging"])
        try "odoo_db: prod\n".write(to: odoo, atomically: true, encoding: .utf8)
        #expect { _ = try Configuration.load(path: odoo.path) } throws: { "\($0)".contains("odoo_db takes postgres://") && "\($0)".contains(":1:") }
    }

    @Test("killed (SIGKILL) at any point of a large ingest, a rerun leaves the store as one clean run would")
    func crash() throws {
        let dir = temporaryDirectory()
        let log = try generateLog(dir.appendingPathComponent("odoo.log").path, lines: 120_000)
        func arguments(_ store: String) -> [String] {
            ["analyze", "--config", "Samples/sessionguard.yml", "--now", "2025-03-15T00:00:00Z", "--quiet", "--store", store, log]
        }
        func start(_ store: String) throws -> Process { try Self.start(arguments(store)) }
        let clean = testStoreURL(dir, "clean.sqlite")
        #expect(try run(arguments(clean)).status == 0)
        let expected = try fingerprint(clean)
        var killed = 0
        for (n, delay) in [0.05, 0.3, 0.8, 1.5].enumerated() {
            let store = testStoreURL(dir, "killed\(n).sqlite")
            let p = try start(store)
            Thread.sleep(forTimeInterval: delay)
            kill(p.processIdentifier, SIGKILL)
            p.waitUntilExit()
            if p.terminationReason == .uncaughtSignal { killed += 1 }
            #expect(try run(arguments(store)).status == 0)
            #expect(try fingerprint(store) == expected, "killed after \(delay) s")
        }
        #expect(killed >= 2, "the run finished before most kills: make the log larger")

        // Two runs at once on the same file: the second to commit sees the first's checkpoint and stops
        // without storing anything, instead of counting the same lines twice.
        let shared = testStoreURL(dir, "shared.sqlite")
        let both = [try start(shared), try start(shared)]
        for p in both { p.waitUntilExit() }
        #expect(both.map(\.terminationStatus).sorted() == [0, 2], "\(both.map(\.terminationStatus))")
        #expect(try fingerprint(shared) == expected)
    }

    @Test("three hosts ingesting into one store at once, then one detect, store what one process over all their logs stores")
    func concurrentHosts() throws {
        let dir = temporaryDirectory()
        // Three Odoo servers (one database each) of a hosting provider, sharing one store.
        var logs: [String] = []
        for host in 1...3 {
            let path = try generateLog(dir.appendingPathComponent("raw\(host).log").path, lines: 15_000, seed: host)
            let text = String(decoding: try Data(contentsOf: URL(fileURLWithPath: path)), as: UTF8.self)
                .replacingOccurrences(of: #"(?m)^([0-9-]+ [0-9:,]+ [0-9]+ [A-Z]+) prod "#, with: "$1 prod\(host) ",
                                      options: .regularExpression)
                .replacingOccurrences(of: "db:prod ", with: "db:prod\(host) ")
            logs.append(writeLog(text, name: "host\(host).log", in: dir))
        }
        let common = ["--config", "Samples/sessionguard.yml", "--now", "2025-03-15T00:00:00Z", "--quiet"]
        let shared = testStoreURL(dir, "shared.sqlite")
        let ingests = try logs.map { try Self.start(["ingest", "--store", shared] + common + [$0]) }
        for p in ingests { p.waitUntilExit() }
        #expect(ingests.map(\.terminationStatus) == [0, 0, 0])
        #expect(try run(["detect", "--store", shared] + common).status == 0)

        let single = testStoreURL(dir, "single.sqlite")
        #expect(try run(["analyze", "--store", single] + common + logs).status == 0)
        #expect(try fingerprint(shared) == fingerprint(single))
        func recommendations(_ store: String) throws -> [String] {
            try run(["recommendations", "list", "--json", "--store", store]).stdout.split(separator: "\n").map(String.init).sorted()
        }
        let expected = try recommendations(single)
        #expect(!expected.isEmpty)
        #expect(try recommendations(shared) == expected)
    }

    /// Writes a generated Odoo log of about `lines` lines (`Samples/generate_logs.py`) and returns its path.
    func generateLog(_ path: String, lines: Int, seed: Int? = nil) throws -> String {
        let generate = Process()
        generate.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        generate.arguments = [samplePath("Samples/generate_logs.py"), "--single-file", path, "--lines", "\(lines)"]
            + (seed.map { ["--seed", "\($0)"] } ?? [])
        generate.standardError = FileHandle.nullDevice
        try generate.run()
        generate.waitUntilExit()
        try #require(generate.terminationStatus == 0)
        return path
    }

    /// What a store holds, in a form two stores can be compared by.
    func fingerprint(_ url: String) throws -> [String] {
        let store = try SessionStore.open(url: url)
        return try store.read(now: 0) { tx in
            try tx.db.fetchAll(sql: "SELECT session_key, first_activity, last_activity, request_count FROM sessions ORDER BY session_key")
                .map { "\($0)" }
                + tx.db.fetchAll(sql: "SELECT COUNT(*), SUM(requests) FROM session_ips").map { "\($0)" }
                + tx.db.fetchAll(sql: "SELECT COUNT(*) FROM auth_events").map { "\($0)" }
                + tx.db.fetchAll(sql: "SELECT consumed, lines FROM checkpoints ORDER BY consumed, lines").map { "\($0)" }
                + tx.db.fetchAll(sql: "SELECT id FROM findings ORDER BY id").map { "\($0)" }
        }
    }

    /// The binary with `arguments`, started in the background.
    static func start(_ arguments: [String]) throws -> Process {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: binary)
        p.arguments = arguments
        p.currentDirectoryURL = packageRoot
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        return p
    }

    @Test("config check shows what a configuration finds; analyze reads the configuration's sources when no file is named")
    func configCheck() throws {
        let dir = temporaryDirectory()
        let store = testStoreURL(dir, "store.sqlite")
        let before = try run(["config", "check", "--config", "Samples/sessionguard.yml", "--store", store])
        #expect(before.status == 0, "\(before.stdout)\(before.stderr)")
        #expect(before.stdout.contains("12 rules, all valid"))
        #expect(before.stdout.contains("Samples/logs/odoo.log  ") && before.stdout.contains("not read yet"))
        #expect(before.stdout.contains("GeoLite2-City, built 2025-03-14T00:00:00Z"))
        let analysed = try run(["analyze", "--config", "Samples/sessionguard.yml", "--now", "2025-03-15T00:00:00Z", "--store", store])
        #expect(analysed.status == 0 && analysed.stdout.contains("Findings: 5 (5 new)"), "\(analysed.stdout)\(analysed.stderr)")
        let after = try run(["config", "check", "--config", "Samples/sessionguard.yml", "--store", store])
        #expect(after.stdout.contains("read up to line 4407"))
        let broken = try run(["config", "check", "--config", "Samples/sessionguard.yml", "--rules", "/nonexistent", "--store", store])
        #expect(broken.status == 2 && broken.stdout.contains("PROBLEM"))
        #expect(before.stdout.contains("not read yet — odoo"))

        // Format files are loaded as a run would, and each source says what auto reads it as.
        let config = dir.appendingPathComponent("formats.yml").path
        try """
            geoip: \(samplePath("Samples/geoip/GeoLite2-City-Sample.mmdb"))
            rules: \(samplePath("Rules"))
            formats: [\(samplePath("Samples/formats/haproxy.yml"))]
            sources: [\(samplePath("Samples/logs/nginx/access.log")), \(samplePath("Samples/README.md"))]
            """.write(toFile: config, atomically: true, encoding: .utf8)
        let formats = try run(["config", "check", "--config", config, "--store", store])
        #expect(formats.stdout.contains("Format file: \(samplePath("Samples/formats/haproxy.yml")): haproxy, samples match"))
        #expect(formats.stdout.contains("access.log  1.0 MB — not read yet — nginx"), "\(formats.stdout)")
        #expect(formats.stdout.contains("README.md") && formats.stdout.contains("NO KNOWN FORMAT in its first lines"))
        #expect(formats.status == 2)
        let bad = writeLog("name: x\npattern: '^(?<ip>\\S+)$'\nsamples: ['a']\n", name: "bad.yml", in: dir)
        try String(contentsOfFile: config, encoding: .utf8).replacingOccurrences(of: samplePath("Samples/formats/haproxy.yml"), with: bad)
            .write(toFile: config, atomically: true, encoding: .utf8)
        let wrong = try run(["config", "check", "--config", config, "--store", store])
        #expect(wrong.status == 2 && wrong.stdout.contains("Format file: PROBLEM \(bad):2:"), "\(wrong.stdout)")
        let analyzeWrong = try run(["analyze", "--config", config, "--store", store])
        #expect(analyzeWrong.status == 2 && analyzeWrong.stderr.contains("no (?<time>"), "\(analyzeWrong.stderr)")
    }

    @Test("analyze → approve → revoke plans, then --apply deletes the session file, marks the recommendation applied; twice changes nothing")
    func revoke() throws {
        let dir = temporaryDirectory()
        #expect(try analyze(dir, report: "r").status == 0)
        let store = testStoreURL(dir, "store.sqlite")
        let recommendations = try #require(try document(dir, "r")["recommendations"] as? [[String: Any]])
        let alice = try #require(recommendations.first { $0["user"] as? String == "alice@example.com" }?["id"] as? String)
        let sessions = dir.appendingPathComponent("sessions")
        let identifier = "H0TwA_6pQ_KKAz9wYYtxcJ7SWjDguiBCTqm5__47Uk"
        let file = sessions.appendingPathComponent("H0/\(identifier)\(String(repeating: "q", count: 42))")
        let other = sessions.appendingPathComponent("hI/hIEJzyWpZ5zSrdo8VANDzUiFM5pmSU01A4U5BmEnfP\(String(repeating: "q", count: 42))")
        for f in [file, other] {
            try FileManager.default.createDirectory(at: f.deletingLastPathComponent(), withIntermediateDirectories: true)
            try #"{"db": "prod", "uid": 7}"#.write(to: f, atomically: true, encoding: .utf8)
        }
        #expect(try run(["recommendations", "approve", alice, "--by", "ann", "--store", store]).status == 0)
        let plan = try run(["revoke", "--sessions-dir", sessions.path, "--store", store])
        #expect(plan.status == 0 && plan.stdout.contains("1 session(s), 1 file(s) now") && plan.stdout.contains("plan only"), "\(plan.stdout)\(plan.stderr)")
        #expect(FileManager.default.fileExists(atPath: file.path))
        let applied = try run(["revoke", "--sessions-dir", sessions.path, "--apply", "--no-wait", "--by", "ann", "--store", store])
        #expect(applied.status == 0 && applied.stdout.contains("applied — deleted 1 session file(s)"), "\(applied.stdout)\(applied.stderr)")
        #expect(!FileManager.default.fileExists(atPath: file.path))
        #expect(FileManager.default.fileExists(atPath: other.path))  // bob's long session was not approved
        let shown = try run(["recommendations", "show", alice, "--store", store]).stdout
        #expect(shown.contains("applied  approved → applied  by ann: deleted 1 session file(s)"))
        let again = try run(["revoke", "--sessions-dir", sessions.path, "--apply", "--no-wait", "--store", store])
        #expect(again.status == 0 && again.stdout.contains("nothing to revoke"))

        // auto_approve: medium also takes bob's open medium revocation, approving it on the record.
        let config = dir.appendingPathComponent("auto.yml")
        try "auto_approve: medium\n".write(to: config, atomically: true, encoding: .utf8)
        let auto = try run(["revoke", "--config", config.path, "--sessions-dir", sessions.path, "--apply", "--no-wait", "--store", store])
        #expect(auto.stdout.contains("[auto_approve: medium]") && auto.stdout.contains("applied"), "\(auto.stdout)\(auto.stderr)")
        #expect(!FileManager.default.fileExists(atPath: other.path))
        let bob = try #require(recommendations.first { $0["user"] as? String == "bob@example.com" }?["id"] as? String)
        #expect(try run(["recommendations", "show", bob, "--store", store]).stdout.contains("approved  open → approved  by auto_approve (medium and above)"))
    }

    @Test("geoip shows what the databases say; sessions lists the flagged ones")
    func lookups() throws {
        let geo = try run(["geoip", "--config", "Samples/sessionguard.yml", "203.0.113.130", "10.0.0.5", "not-an-ip"])
        #expect(geo.status == 1)
        #expect(geo.stdout.contains("203.0.113.130: São Paulo, São Paulo, Brazil (BR); -23.5475, -46.6361 ±20 km; AS28573"))
        #expect(geo.stdout.contains("10.0.0.5: internal") && geo.stdout.contains("not-an-ip: not an IP address"))
        let dir = temporaryDirectory()
        #expect(try analyze(dir, report: "r").status == 0)
        let listed = try run(["sessions", "--flagged", "--store", testStoreURL(dir, "store.sqlite")])
        let lines = listed.stdout.split(separator: "\n")
        #expect(lines.count == 4, "\(listed.stdout)")  // header + alice, bob, dave
        #expect(lines.contains { $0.hasPrefix("H0TwA_6pQ_KKAz9wYYtxcJ7SWjDguiBCTqm5__47Uk  alice@example.com") && $0.hasSuffix("2") })
    }

    @Test("--json prints the report document; --fail-on high exits 1")
    func jsonAndFailOn() throws {
        let dir = temporaryDirectory()
        let outcome = try analyze(dir, report: "r", extra: ["--json", "--fail-on", "high"])
        #expect(outcome.status == 1)
        let doc = try JSONSerialization.jsonObject(with: Data(outcome.stdout.utf8)) as? [String: Any]
        #expect(doc?["schema"] as? String == "sessionguard-report/1")
        let medium = try analyze(temporaryDirectory(), report: "r", extra: ["--fail-on", "critical", "--quiet"])
        #expect(medium.status == 0)
        #expect(medium.stdout.isEmpty)
    }

    @Test("exit codes: 2 for bad rules or a missing GeoIP database (nothing analysed), 3 for an unreadable input")
    func exitCodes() throws {
        let dir = temporaryDirectory()
        let rules = dir.appendingPathComponent("rules")
        try FileManager.default.createDirectory(at: rules, withIntermediateDirectories: true)
        try "id: x\ndetector: new_locaton\nseverity: high\n".write(to: rules.appendingPathComponent("bad.yml"), atomically: true, encoding: .utf8)
        let badRules = try analyze(dir, report: "r", extra: ["--rules", rules.path])
        #expect(badRules.status == 2)
        #expect(badRules.stderr.contains("bad.yml:2:11: unknown detector 'new_locaton' (did you mean 'new_location'?)"), "\(badRules.stderr)")
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("r/report.json").path))

        let noGeo = try run(["analyze", "--geoip", "/nonexistent/GeoLite2-City.mmdb", "--store",
                             testStoreURL(dir), "Samples/logs/odoo.log"])
        #expect(noGeo.status == 2)
        #expect(noGeo.stderr.contains("geoipupdate") && noGeo.stderr.contains("--geoip none"))

        let missing = try run(["analyze", "--geoip", "none", "--store", testStoreURL(dir),
                               "Samples/logs/odoo.log", "/nonexistent/odoo.log.1"])
        #expect(missing.status == 3)
        #expect(missing.stderr.contains("/nonexistent/odoo.log.1"))
        #expect(missing.stdout.contains("NOT READ"))
    }

    @Test("standard input is read with -")
    func stdin() throws {
        let dir = temporaryDirectory()
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/sh")
        p.arguments = ["-c", "cat Samples/logs/odoo.log | '\(Self.binary)' analyze --geoip none --json --store '\(testStoreURL(dir))' -"]
        p.currentDirectoryURL = packageRoot
        let out = Pipe()
        p.standardOutput = out
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        #expect(p.terminationStatus == 0)
        let doc = try JSONSerialization.jsonObject(with: data) as? [String: Any]
        let inputs = doc?["inputs"] as? [[String: Any]]
        #expect(inputs?.first?["path"] as? String == "-")
        #expect((inputs?.first?["records"] as? Int ?? 0) > 1000)
    }
}

extension EndToEndTests {
    @Test("report.json is readable by its owner only; a report that cannot be written leaves the store unchanged")
    func privateReportAndAtomicRun() throws {
        let dir = temporaryDirectory()
        let ok = try analyze(dir, report: "r")
        #expect(ok.status == 0)
        let attributes = try FileManager.default.attributesOfItem(atPath: dir.appendingPathComponent("r/report.json").path)
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)

        let blocked = temporaryDirectory()
        try "not a directory".write(to: blocked.appendingPathComponent("r"), atomically: true, encoding: .utf8)
        let failed = try analyze(blocked, report: "r")
        #expect(failed.status == 2)
        #expect(failed.stderr.contains("store is unchanged"))
        let store = try testStore(blocked, "store.sqlite")
        #expect(try store.read(now: 0) { try $0.count("runs") + $0.count("sessions") } == 0)
    }
}
