import ArgumentParser
import Foundation
import SessionGuard

struct RevokeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "revoke",
        abstract: "End the sessions of approved recommendations as Odoo's Revoke button does: plan by default, act with --apply.",
        discussion: """
            For each approved revoke_session (and each open one at or above the configuration's auto_approve): delete <sessions>/<id[:2]>/<id>* (regular files only, never
            through a link, never outside the directory); for revoke_user_sessions: every session file of
            that user in that database. After the in-flight delay the files are looked for again and
            deleted again if a running request wrote one back. The outcome goes onto the recommendation
            (applied or failed) and into its history; running it twice is harmless.

            With --odoo-db (or odoo_db in the configuration), the sessions' rows of res_device_log are
            marked revoked as Odoo marks them (the Devices tab then shows them revoked), and a user's
            sessions include those the table knows. Without it the Devices tab shows a revoked session
            until Odoo's own cleanup.

            Run it as the Odoo service user (it owns the session files; its database role may update
            res_device_log). Odoo 16/17 sessions cannot be revoked one by one: reset the user's password.

            Exit codes: 0 done (or planned); 1 a revocation failed; 2 usage or store error.

            Examples:
              sessionguard revoke --sessions-dir /var/lib/odoo/.local/share/Odoo/sessions
              sessionguard revoke --sessions-dir /var/lib/odoo/.local/share/Odoo/sessions --apply
              sessionguard revoke --sessions-dir /var/lib/odoo/.local/share/Odoo/sessions --odoo-db postgres:///prod --apply
            """)

    @Option(name: .customLong("sessions-dir"), help: "Odoo's sessions directory (<data_dir>/sessions; default: the configuration's sessions_dir).")
    var sessionsDir: String?

    @Option(name: .customLong("odoo-db"), help: "Odoo's database, as postgres://… or DB=postgres://… (repeatable): mark res_device_log rows revoked there (default: the configuration's odoo_db).")
    var odooDatabases: [String] = []

    @Flag(help: "Act: delete the session files. Without it, only print the plan.")
    var apply = false

    @Option(help: "Seconds to wait before looking again for files a request in flight wrote back (default: the configuration's revoke_delay, else 120, Odoo's limit_time_real).")
    var delay: Int?

    @Flag(name: .customLong("no-wait"), help: "Do not wait for requests in flight (tests).")
    var noWait = false

    @Option(help: "Who revokes (default: the invoking user).")
    var by: String?

    @OptionGroup var options: StoreOptions

    func run() throws {
        let store = try options.open()
        let configuration = try options.shared().loadConfiguration()
        let autoApprove = configuration.autoApprove
        guard let directory = sessionsDir ?? configuration.sessionsDir else {
            throw CLIError(message: "give --sessions-dir (Odoo's <data_dir>/sessions) or sessions_dir in the configuration", code: 2)
        }
        let delay = self.delay ?? configuration.revokeDelaySeconds ?? 120
        let sessions: OdooSessionsDirectory
        do { sessions = try OdooSessionsDirectory(path: directory) } catch {
            throw CLIError(message: error.message, code: 2)
        }
        var databases: [String: OdooDatabase] = [:]
        for spec in odooDatabases.isEmpty ? configuration.odooDatabases : odooDatabases {
            do {
                let database = try OdooDatabase(spec)
                databases[database.db] = database
            } catch {
                throw CLIError(message: error.message, code: 2)
            }
        }
        let items = try store.read(now: Decision.clock) {
            try Revoker.plan($0, sessions: sessions, databases: databases, autoApprove: autoApprove)
        }
        guard !items.isEmpty else {
            print("nothing to revoke: no approved (or failed) revoke_session or revoke_user_sessions recommendation")
            return
        }
        for item in items {
            let r = item.recommendation
            let devices = databases[r.db] == nil ? "; no --odoo-db for \(r.db): res_device_log stays as it is" : ""
            let what = item.problem.map { "CANNOT: \($0)" }
                ?? "\(item.identifiers.count) session(s), \(item.files) file(s) now\(devices)"
            let auto = r.status == "open" ? " [auto_approve: \(r.severity.rawValue)]" : r.status == "failed" ? " [failed before: trying again]" : ""
            print(Report.terminalSafe("\(r.id) \(r.action.rawValue) \(r.user) on \(r.db) (\(r.target))\(auto): \(what)"))
        }
        guard apply else {
            print("plan only: nothing was deleted; add --apply to revoke")
            return
        }
        let actor = Decision.actor(by)
        // Open ones the configuration approves by severity are approved first, on the record.
        try store.transaction(now: Decision.clock) { tx in
            for item in items where item.recommendation.status == "open" {
                try tx.approve(item.recommendation.id, by: "auto_approve (\(autoApprove?.rawValue ?? "?") and above)")
            }
        }
        let first = Revoker.delete(items, sessions: sessions)
        if !noWait, delay > 0 {
            print("waiting \(delay) s for requests in flight, then looking again…")
            Thread.sleep(forTimeInterval: TimeInterval(delay))
        }
        let second = Revoker.delete(items, sessions: sessions)
        let deleted = zip(first, second).map { a, b in if case .failure = a { a } else { b } }
        let marked = Revoker.markRevoked(items, after: deleted, databases: databases)
        var failed = 0
        var lines: [String] = []  // printed once committed (a PostgreSQL transaction may run again)
        try store.transaction(now: Decision.clock) { tx in
            failed = 0
            lines = []
            for (i, item) in items.enumerated() {
                switch (first[i], second[i], marked[i]) {
                case (.success(let n), .success(let again), .success(let rows)):
                    let outcome = "deleted \(n) session file(s) of \(item.identifiers.count) session(s)"
                        + (again > 0 ? "; \(again) written back by a request in flight, deleted again" : "")
                        + (rows.map { "; \($0) res_device_log row(s) marked revoked" }
                            ?? "; res_device_log not updated (no --odoo-db for \(item.recommendation.db))")
                    try tx.recordOutcome(item.recommendation.id, applied: true, outcome: outcome, by: actor)
                    lines.append(Report.terminalSafe("\(item.recommendation.id): applied — \(outcome)"))
                case (.success(let n), .success, .failure(let error)):
                    // The session is over (its files are gone); the Devices tab is not told yet. Failed, so a rerun retries.
                    failed += 1
                    let outcome = "deleted \(n) session file(s), but \(error.message)"
                    try tx.recordOutcome(item.recommendation.id, applied: false, outcome: outcome, by: actor)
                    lines.append(Report.terminalSafe("\(item.recommendation.id): FAILED — \(outcome)"))
                case (.failure(let error), _, _), (_, .failure(let error), _):
                    failed += 1
                    try tx.recordOutcome(item.recommendation.id, applied: false, outcome: error.message, by: actor)
                    lines.append(Report.terminalSafe("\(item.recommendation.id): FAILED — \(error.message)"))
                }
            }
        }
        for line in lines { print(line) }
        if failed > 0 { throw ExitCode(1) }
    }
}
