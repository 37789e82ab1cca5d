import ArgumentParser
import Foundation
import SessionGuard

struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Write the analyst's reports again from the store, without reading any log.",
        discussion: """
            Writes report.html (one self-contained page: the night at a glance, what is new since the
            previous run, the recommendations, a timeline and a map per flagged user, charts, the
            evidence lines), summary.md (for a mail or a chat message), and findings.csv,
            recommendations.csv and sessions.csv, about the latest run that judged the store.

            --since sets the period the counts, charts and CSV files cover: a duration back from that
            run's evaluation time (7d, 36h) or a time (2025-03-01, 2025-03-01T08:00:00Z). By default it
            is where that run's inputs began.

            Examples:
              sessionguard report --report /var/lib/sessionguard/report
              sessionguard report --since 7d --report /tmp/week
            """)

    @Option(help: "Directory to write the reports into (default: the configuration's report).")
    var report: String?

    @Option(help: "Start of the period: a duration back (7d, 36h) or a time (2025-03-01, 2025-03-01T08:00:00Z).")
    var since: String?

    @OptionGroup var options: StoreOptions

    func run() throws {
        let configuration = try options.shared().loadConfiguration()
        guard let directory = report ?? configuration.report else {
            throw CLIError(message: "give --report DIR, or report: in the configuration", code: 2)
        }
        let store = try options.open()
        let data = try store.read(now: Decision.clock) { tx -> ReportData in
            let run = try tx.latestJudgingRun()
            let now = run.flatMap { UTC.parse($0.now) } ?? Decision.clock
            var start: Millis?
            if let since {
                if since.last?.isLetter == true, let seconds = Duration.parseSeconds(since) {  // 7d, 36h: not a bare number
                    start = now - Millis(seconds) * 1000
                } else if let time = UTC.parse(since) ?? UTC.parse(since + "T00:00:00Z") {
                    start = time
                } else {
                    throw CLIError(message: "--since takes a duration (7d, 36h) or a time (2025-03-01, 2025-03-01T08:00:00Z), not '\(since)'",
                                   code: 2)
                }
            }
            return try ReportData.load(tx, now: now, since: start, store: store.location)
        }
        do {
            try ReportFiles.write(data, to: directory)
        } catch {
            throw CLIError(message: "cannot write the reports into \(directory): \(error)", code: 2)
        }
        print("wrote report.html, summary.md, findings.csv, recommendations.csv, sessions.csv into \(directory)")
        print("\(data.recommendationTotal) recommendation(s), \(data.newTotal) new in \(data.runID.map { "run \($0)" } ?? "no run yet"); "
              + "\(data.sessions) session(s) of \(data.users) user(s) since \(UTC.iso(data.since))")
    }
}
