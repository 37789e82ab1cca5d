import ArgumentParser
import Foundation
import SessionGuard

/// The `sessionguard` command: subcommands only turn arguments into library calls.
struct SessionGuardCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sessionguard",
        abstract: "Judge Odoo sessions from Odoo's logs and recommend which to revoke.",
        discussion: """
            Example (the bundled samples):
              sessionguard analyze --config Samples/sessionguard.yml --now 2025-03-15T00:00:00Z Samples/logs/odoo.log*
            """,
        version: SessionGuardVersion.current,
        subcommands: [Analyze.self, Ingest.self, Detect.self, RecommendationsCommand.self, RevokeCommand.self, ExplainCommand.self, RunsCommand.self, ReportCommand.self, SessionsCommand.self, GeoIPCommand.self, RulesCommand.self, ConfigCommand.self],
        defaultSubcommand: nil)
}

@main
enum Main {
    static func main() {
        do {
            var command = try SessionGuardCommand.parseAsRoot()
            try command.run()
        } catch let code as ExitCode {
            exit(code.rawValue)
        } catch let error as CLIError {
            Terminal.error(error.message)
            exit(error.code)
        } catch {
            let code = SessionGuardCommand.exitCode(for: error)
            if code == .success {
                print(SessionGuardCommand.fullMessage(for: error))
                exit(0)
            }
            Terminal.error(SessionGuardCommand.fullMessage(for: error))
            exit(2)  // design.md §6: usage errors exit 2
        }
    }
}

/// A failure with its exit code (`design.md` §6): 2 usage/config/rules, 3 unreadable input.
struct CLIError: Error {
    let message: String
    let code: Int32
}

enum Terminal {
    static func error(_ message: String) {
        FileHandle.standardError.write(Data(("sessionguard: " + message + "\n").utf8))
    }

    static func note(_ message: String) {
        FileHandle.standardError.write(Data((message + "\n").utf8))
    }
}
