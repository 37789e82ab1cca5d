import ArgumentParser
import Foundation
import SessionGuard

struct ExplainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "explain",
        abstract: "Show a finding, a recommendation or a session with its facts and the log lines behind it.",
        discussion: """
            IDs are finding ids (F-…), recommendation ids (R-…), session identifiers (42 characters) or
            session keys as the report shows them. Evidence lines are read from the log files where the
            analysis found them; rotated-away files are reported as unavailable.
            Exit codes: 0 shown; 1 an ID is unknown; 2 usage or store error.

            Examples:
              sessionguard explain R-3f2a9c0d11e4b7a2
              sessionguard explain --store sqlite:out/sessionguard.sqlite H0TwA_6pQ_KKAz9wYYtxcJ7SWjDguiBCTqm5__47Uk
            """)

    @Argument(help: "What to explain.")
    var ids: [String]

    @OptionGroup var options: StoreOptions

    func run() throws {
        guard !ids.isEmpty else { throw CLIError(message: "give at least one ID", code: 2) }
        let sessionStore = try options.open()
        var unknown: [String] = []
        let texts = try sessionStore.read(now: Decision.clock) { tx in
            try ids.map { id in
                let text = try Explain.text(id, in: tx)
                if text == nil { unknown.append(id) }
                return text
            }
        }
        print(texts.compactMap { $0 }.joined(separator: "\n\n"))
        for id in unknown { Terminal.error(Report.terminalSafe("\(id): no finding, recommendation or session by that name in \(sessionStore.location)")) }
        if !unknown.isEmpty { throw ExitCode(1) }
    }
}
