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

extension Terminal {
    /// Whether a file descriptor is a terminal.
    static func isTerminal(_ fd: Int32) -> Bool { isatty(fd) == 1 }

    /// Colours only on a terminal, and never with NO_COLOR set (https://no-color.org).
    static var colours: Bool {
        isTerminal(STDOUT_FILENO) && (ProcessInfo.processInfo.environment["NO_COLOR"] ?? "").isEmpty
            && ProcessInfo.processInfo.environment["TERM"] != "dumb"
    }

    /// The terminal's width in columns, when standard output is one.
    static var width: Int? {
        guard isTerminal(STDOUT_FILENO) else { return nil }
        var size = winsize()
        guard ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 20 else { return nil }
        return Int(size.ws_col)
    }

    /// Severity words (`[high]`, `high:`, a table's `high` cell) in their colour.
    static func coloured(_ text: String) -> String {
        guard colours else { return text }
        let codes = ["critical": "1;35", "high": "1;31", "medium": "33", "low": "32", "info": "36"]
        var out = text
        for (word, code) in codes {
            for (before, after) in [("[", "]"), ("  ", ":"), ("  ", "  ")] {
                out = out.replacingOccurrences(of: before + word + after, with: before + "\u{1B}[\(code)m" + word + "\u{1B}[0m" + after)
            }
        }
        return out
    }

    /// Lines cut to the terminal's width (tables, long reasons), when printing to one.
    static func fitted(_ text: String) -> String {
        guard let width else { return text }
        return text.split(separator: "\n", omittingEmptySubsequences: false).map { line in
            line.count > width ? String(line.prefix(width - 1)) + "…" : String(line)
        }.joined(separator: "\n")
    }
}

/// A progress line on standard error while logs are read: percent, lines per second, time left.
/// Only on a terminal, and never with --quiet; it erases itself when reading ends.
final class ProgressBar: @unchecked Sendable {
    private let progress: ReadProgress
    private let started = Date()
    private let lock = NSLock()
    private var running = true
    private var thread: Thread?

    static func start(_ progress: ReadProgress, quiet: Bool) -> ProgressBar? {
        guard !quiet, Terminal.isTerminal(STDERR_FILENO), ProcessInfo.processInfo.environment["TERM"] != "dumb" else { return nil }
        let bar = ProgressBar(progress)
        let thread = Thread { [bar] in bar.loop() }
        bar.thread = thread
        thread.start()
        return bar
    }

    private init(_ progress: ReadProgress) { self.progress = progress }

    private func loop() {
        Thread.sleep(forTimeInterval: 0.5)  // short runs print nothing
        while lock.withLock({ () -> Bool in
            if running { draw() }
            return running
        }) {
            Thread.sleep(forTimeInterval: 0.2)
        }
    }

    private func draw() {
        let (bytes, lines, total) = progress.snapshot
        let seconds = max(Date().timeIntervalSince(started), 0.001)
        let rate = Double(lines) / seconds
        let speed = rate >= 1e6 ? String(format: "%.1fM", rate / 1e6) : rate >= 1e4 ? String(format: "%.0fk", rate / 1e3) : String(format: "%.0f", rate)
        var text: String
        // Without a size to go by (standard input; a .gz of several members, whose trailer tells
        // only the last one's size) there is no percentage and no time left, only the pace.
        if total > 0, bytes <= total {
            let fraction = Double(bytes) / Double(total)
            let cells = 24, filled = Int(fraction * Double(cells))
            text = "reading [" + String(repeating: "#", count: filled) + String(repeating: ".", count: cells - filled) + "]"
            text += String(format: " %3.0f%%  %@ lines/s", fraction * 100, speed)
            if fraction > 0.01 { text += String(format: "  %.0f s left", (seconds / fraction - seconds).rounded(.up)) }
        } else {
            text = "reading: \(lines) lines, \(speed) lines/s"
        }
        // One line that fits stderr's width, or \r leaves rows behind.
        var size = winsize()
        if ioctl(STDERR_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 10, text.count >= Int(size.ws_col) {
            text = String(text.prefix(Int(size.ws_col) - 1))
        }
        FileHandle.standardError.write(Data(("\r" + text + "\u{1B}[K").utf8))
    }

    func stop() {
        lock.withLock {
            running = false
            FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
        }
    }
}
