import ArgumentParser
import Foundation
import SessionGuard

struct RecommendationsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "recommendations",
        abstract: "List, show, approve and dismiss recommendations.",
        discussion: """
            Statuses: open → approved → applied | failed, or dismissed, or expired (the session ended on its
            own). Every change is recorded with who, when and why (see `show`).

            Examples:
              sessionguard recommendations list --status open --severity high
              sessionguard recommendations approve R-9b7f6805e76a8bdf --by alice.analyst
              sessionguard recommendations dismiss R-635dcc6353d87400 --reason "laptop in the meeting room" --suppress 14
              sessionguard recommendations list --status approved --json     # one JSON object per line, for revoke tooling
            """,
        subcommands: [List.self, Show.self, Approve.self, Dismiss.self])

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List recommendations, most severe first.",
            discussion: """
                --json prints one JSON object per line with stable keys: id, action, db, target, user,
                session_identifier, session_key, severity, status, created_at, decided_by, decided_at,
                decision_reason, outcome, reasons, findings.

                Example:
                  sessionguard recommendations list --status approved --json
                """)

        @Option(help: "Only this status (open, approved, applied, failed, dismissed, expired).")
        var status: String?

        @Option(help: "Only this severity or higher (info, low, medium, high, critical).")
        var severity: String?

        @Flag(help: "JSON lines instead of a table.")
        var json = false

        @OptionGroup var options: StoreOptions

        func validate() throws {
            if let status, !["open", "approved", "applied", "failed", "dismissed", "expired"].contains(status) {
                throw ValidationError("--status must be one of open, approved, applied, failed, dismissed, expired")
            }
            if let severity, Severity(rawValue: severity) == nil {
                throw ValidationError("--severity must be one of info, low, medium, high, critical")
            }
        }

        func run() throws {
            let store = try options.open()
            let rows = try store.read(now: Decision.clock) { try $0.recommendations(status: status, minSeverity: severity.flatMap(Severity.init)) }
            if json {
                for row in rows { print(Report.recommendationLine(row).serialized()) }
                return
            }
            print(Terminal.coloured(Terminal.fitted(Report.recommendationTable(rows))))
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show a recommendation: its reasons, findings, evidence lines and history.",
            discussion: "Example:\n  sessionguard recommendations show R-9b7f6805e76a8bdf")

        @Argument(help: "Recommendation ids.")
        var ids: [String]

        @OptionGroup var options: StoreOptions

        func run() throws {
            let store = try options.open()
            var failed = false
            try store.read(now: Decision.clock) { tx in
                for id in ids {
                    guard tx.isRecommendation(id), let text = try Explain.text(id, in: tx) else {
                        Terminal.error(Report.terminalSafe("\(id): no such recommendation"))
                        failed = true
                        continue
                    }
                    print(text)
                    print("History")
                    for e in try tx.events(of: id) {
                        print(Report.terminalSafe("  \(e.at)  \(e.event)  \(e.fromStatus ?? "-") → \(e.toStatus)  by \(e.actor)"
                            + (e.reason.map { ": \($0)" } ?? "")))
                    }
                }
            }
            if failed { throw ExitCode(1) }
        }
    }

    struct Approve: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Approve recommendations for revoking (sessionguard revoke, or your own tooling, acts on approved ones).",
            discussion: "Example:\n  sessionguard recommendations approve R-9b7f6805e76a8bdf R-6c50022d8cd04a06 --by alice.analyst")

        @Argument(help: "Recommendation ids.")
        var ids: [String]

        @Option(help: "Who approves (default: the invoking user).")
        var by: String?

        @OptionGroup var options: StoreOptions

        func run() throws {
            let store = try options.open()
            let actor = Decision.actor(by)
            do {
                try store.transaction(now: Decision.clock) { tx in for id in ids { try tx.approve(id, by: actor) } }
            } catch let error as LifecycleError {
                throw CLIError(message: "\(error.message); nothing was changed", code: 1)
            }
            print("approved \(ids.count) by \(actor)")
        }
    }

    struct Dismiss: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Dismiss recommendations; what their findings said is suppressed for a while.",
            discussion: """
                Each finding of a dismissed recommendation suppresses the same rule, database, user and
                subject (the country, the pair of addresses, the login…) for --suppress days: the same
                thing does not come back tomorrow. Suppressed findings are still stored and reported.

                Example:
                  sessionguard recommendations dismiss R-635dcc6353d87400 --reason "known travel to Dubai" --suppress 14
                """)

        @Argument(help: "Recommendation ids.")
        var ids: [String]

        @Option(help: "Why (recorded with the decision).")
        var reason: String

        @Option(help: "Days to suppress what the findings said (0: none).")
        var suppress = 30

        @Option(help: "Who dismisses (default: the invoking user).")
        var by: String?

        @OptionGroup var options: StoreOptions

        func validate() throws {
            guard !reason.trimmingCharacters(in: .whitespaces).isEmpty else { throw ValidationError("--reason must say why") }
            guard (0...3650).contains(suppress) else { throw ValidationError("--suppress must be 0 to 3650 days") }
        }

        func run() throws {
            let store = try options.open()
            let actor = Decision.actor(by)
            var suppressions = 0
            do {
                try store.transaction(now: Decision.clock) { tx in
                    suppressions = 0  // (a PostgreSQL transaction that met a deadlock runs again)
                    for id in ids { suppressions += try tx.dismiss(id, by: actor, reason: reason, suppressDays: suppress) }
                }
            } catch let error as LifecycleError {
                throw CLIError(message: "\(error.message); nothing was changed", code: 1)
            }
            print("dismissed \(ids.count) by \(actor); \(suppressions) suppression(s) for \(suppress) days")
        }
    }
}
