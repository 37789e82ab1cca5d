import ArgumentParser
import Foundation
import SessionGuard

struct RunsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "runs",
        abstract: "Show the run history: when each run happened, on which host, and what it read and found.",
        discussion: """
            A run that failed left the store as it was and is not listed; --metrics records failures.

            Example:
              sessionguard runs --limit 7
            """)

    @Option(help: "How many runs, newest first.")
    var limit = 20

    @Flag(help: "One JSON object per line.")
    var json = false

    @OptionGroup var options: StoreOptions

    func run() throws {
        let store = try options.open()
        let runs = try store.read(now: Decision.clock) { try $0.runs(limit: max(limit, 1)) }
        if json {
            for r in runs {
                print(JSON.object([
                    ("id", .int(r.id)), ("kind", .string(r.kind)), ("started_at", .string(r.started)),
                    ("finished_at", .string(r.finished)), ("host", .string(r.host)), ("version", .string(r.version)),
                    ("now", .string(r.now)), ("status", .string(r.status)), ("counters", r.counters ?? .null),
                ]).serialized())
            }
            return
        }
        guard !runs.isEmpty else {
            print("no runs in \(store.location)")
            return
        }
        func counter(_ c: JSON?, _ name: String) -> String {
            if case .object(let pairs)? = c, let value = pairs.first(where: { $0.0 == name })?.1 { return value.serialized() }
            return "-"
        }
        var table = [["ID", "KIND", "STARTED", "SECONDS", "HOST", "LINES", "UNPARSED", "SESSIONS", "FINDINGS (NEW)", "RECOMMENDATIONS (NEW)"]]
        for r in runs {
            table.append([String(r.id), r.kind, r.started, counter(r.counters, "seconds"), r.host, counter(r.counters, "lines"),
                          counter(r.counters, "unparsed"), counter(r.counters, "sessions"),
                          "\(counter(r.counters, "findings")) (\(counter(r.counters, "findings_new")))",
                          "\(counter(r.counters, "recommendations")) (\(counter(r.counters, "recommendations_new")))"])
        }
        print(Terminal.fitted(Report.table(table.map { $0.map(Report.terminalSafe) })))
    }
}
