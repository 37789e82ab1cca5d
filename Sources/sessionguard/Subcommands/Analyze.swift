import ArgumentParser
import Foundation
import SessionGuard

struct Analyze: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Read Odoo logs, rebuild sessions, judge them with the rules and store recommendations.",
        discussion: """
            analyze = ingest + detect in one transaction. Each file is read from where the last run
            stopped (checkpoints), so the same files can be given every night.

            Exit codes: 0 done; 1 done and a recommendation at or above --fail-on; 2 usage, configuration or
            rule error (nothing analysed); 3 some input could not be read (the rest was analysed).

            Examples:
              sessionguard analyze /var/log/odoo/odoo.log /var/log/odoo/odoo.log.1
              sessionguard analyze --config Samples/sessionguard.yml --now 2025-03-15T00:00:00Z Samples/logs/odoo.log*
              zcat odoo.log.*.gz | sessionguard analyze --json -
            """)

    @Argument(help: "Log files (.gz included; rotated sets are merged in time order), or - for standard input. Default: the configuration's sources.")
    var logs: [String] = []

    @OptionGroup var options: RunOptions

    func run() throws {
        try options.execute(logs: logs, ingest: true, detect: true, partition: nil)
    }
}

struct Ingest: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Read Odoo logs into the store (parse, rebuild sessions, place addresses) without judging them.",
        discussion: """
            The first half of analyze: run it on each host's logs, then `detect` once. The rules are read too:
            request_match rules decide which requests are kept for detect.

            Example:
              sessionguard ingest --store sqlite:/var/lib/sessionguard/sessionguard.sqlite /var/log/odoo/odoo-server.log
            """)

    @Argument(help: "Log files (.gz included), or - for standard input. Default: the configuration's sources.")
    var logs: [String] = []

    @OptionGroup var options: RunOptions

    func run() throws {
        try options.execute(logs: logs, ingest: true, detect: false, partition: nil)
    }
}

struct Detect: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Judge the sessions changed since the last detect (and every session still alive) with the rules.",
        discussion: """
            The second half of analyze. --partition K/N judges only the users whose stable hash falls in part K
            of N, so N processes can share the work; each part remembers its own last detect.

            Examples:
              sessionguard detect --report /var/lib/sessionguard/report
              sessionguard detect --partition 1/2 & sessionguard detect --partition 2/2
            """)

    @Option(help: "Judge only part K of N of the users (e.g. 1/4).")
    var partition: String?

    @OptionGroup var options: RunOptions

    func run() throws {
        var part: (Int, Int)?
        if let partition {
            let pieces = partition.split(separator: "/").compactMap { Int($0) }
            guard pieces.count == 2, pieces[1] >= 1, (1...pieces[1]).contains(pieces[0]) else {
                throw CLIError(message: "--partition must be K/N with 1 ≤ K ≤ N, such as 1/4", code: 2)
            }
            part = (pieces[0], pieces[1])
        }
        try options.execute(logs: [], ingest: false, detect: true, partition: part)
    }
}

/// The options of analyze, ingest and detect, and the run they share.
struct RunOptions: ParsableArguments {
    @Option(help: "Input format of every log: auto (each file's is sniffed from its first lines), odoo, odoo-syslog, nginx (combined, with or without sid=), or a format file's name (default: the configuration's format, else auto).")
    var format: String?

    @Option(name: .customLong("format-file"), help: "A YAML file describing another log format (a PCRE2 pattern with named groups and sample lines; repeatable; default: the configuration's formats).")
    var formatFiles: [String] = []

    @Option(help: "Time zone of syslog times (odoo-syslog) and of access-log times without an offset, e.g. Europe/Brussels (default: the configuration's timezone, else this machine's).")
    var timezone: String?

    @OptionGroup var shared: SharedOptions

    @Option(help: "Rules directory (default: ./Rules).")
    var rules: String?

    @Option(help: "Session store: sqlite:PATH, or postgres://… (libpq URL; PGHOST, PGDATABASE… fill the rest) (default: the configuration's, else sqlite:./sessionguard.sqlite).")
    var store: String?

    @Option(help: "Directory to write the reports into: report.json, and after a judging run report.html, summary.md, findings.csv, recommendations.csv, sessions.csv (default: the configuration's report).")
    var report: String?

    @Flag(help: "Print the report document (JSON) on standard output instead of the summary.")
    var json = false

    @Option(help: "Evaluation time for idle and long-session checks (ISO 8601, UTC), for reproducible runs.")
    var now: String?

    @Option(name: .customLong("fail-on"), help: "Exit 1 when a recommendation has at least this severity (info, low, medium, high, critical).")
    var failOn: String?

    @Flag(help: "Print nothing but errors.")
    var quiet = false

    @Option(help: "Write Prometheus metrics (node-exporter textfile format) to this file, also when the run fails.")
    var metrics: String?

    @Option(name: .customLong("device-log"), help: "Odoo's res_device_log exported as CSV, as DB=FILE (repeatable): devices, addresses and revocations merge with the logs' sessions.")
    var deviceLogs: [String] = []

    @Option(name: .customLong("odoo-db"), help: "Odoo's database, as postgres://… or DB=postgres://… when the logs name it differently (repeatable): its res_device_log and res_users merge with the logs' sessions (default: the configuration's odoo_db).")
    var odooDatabases: [String] = []

    @Option(name: .customLong("session-files"), help: "Odoo's sessions directory (<data_dir>/sessions), read as an input: live sessions without log lines are judged too.")
    var sessionFiles: String?

    func execute(logs given: [String], ingest: Bool, detect: Bool, partition: (Int, Int)?) throws {
        do {
            try perform(logs: given, ingest: ingest, detect: detect, partition: partition)
        } catch let error as CLIError {
            // Whatever stopped the run before it wrote its metrics (configuration, rules, GeoIP, store):
            // the textfile must not go on saying the last run succeeded.
            if let metrics {
                let store = try? shared.openStore(self.store, (try? shared.loadConfiguration()) ?? Configuration(), mustExist: true)
                let last = store.flatMap { s in try? s.read(now: 0) { try $0.lastSuccess() } } ?? nil
                try? PrivateFile.write(Data(Metrics.failure(lastSuccess: last).utf8), to: metrics, mode: 0o644)
            }
            throw error
        }
    }

    private func perform(logs given: [String], ingest: Bool, detect: Bool, partition: (Int, Int)?) throws {
        let configuration = try shared.loadConfiguration()
        var logs = given
        if ingest && logs.isEmpty {
            logs = configuration.sourceFiles()
            guard !logs.isEmpty else {
                throw CLIError(message: configuration.sources.isEmpty ? "no log files given (use - for standard input, or sources: in the configuration)"
                    : "the configuration's sources match no file: \(configuration.sources.joined(separator: ", "))", code: 2)
            }
        }
        var formats = InputFormats(choice: format ?? configuration.format ?? "auto")
        do { formats.custom = try InputFormats.load(files: formatFiles.isEmpty ? configuration.formatFiles : formatFiles) } catch {
            throw CLIError(message: "\(error)", code: 2)
        }
        if let problem = formats.problem { throw CLIError(message: problem, code: 2) }
        var timeZone: TimeZone?
        if let name = timezone ?? configuration.timezone {
            guard let zone = TimeZone(identifier: name) else {
                throw CLIError(message: "unknown time zone '\(name)' (use a name like Europe/Brussels or UTC)", code: 2)
            }
            timeZone = zone
        }
        var failOnSeverity = configuration.failOn
        if let failOn {
            guard let s = Severity(rawValue: failOn) else {
                throw CLIError(message: "--fail-on must be one of info, low, medium, high, critical", code: 2)
            }
            failOnSeverity = s
        }
        var nowMillis = Millis(Date().timeIntervalSince1970 * 1000)
        if let now {
            guard let t = UTC.parse(now) else {
                throw CLIError(message: "--now '\(now)' is not an ISO 8601 time such as 2025-03-15T00:00:00Z", code: 2)
            }
            nowMillis = t
        }

        // Everything that can be wrong with rules or databases fails before any input is read.
        let loadedRules = try shared.loadRules(rules, configuration)
        let locator = try shared.openGeoIP(configuration)
        let sessionStore = try shared.openStore(store, configuration)

        var inputs: [String] = []
        for path in logs where !inputs.contains(path) { inputs.append(path) }  // a file named twice is read once
        var options = AnalyzeOptions(inputs: inputs, now: nowMillis)
        options.ingest = ingest
        options.detect = detect
        options.sessionFiles = sessionFiles ?? configuration.sessionsDir
        for entry in deviceLogs {
            guard let eq = entry.firstIndex(of: "="), eq != entry.startIndex else {
                throw CLIError(message: "--device-log takes DB=FILE (the database the export came from), not '\(entry)'", code: 2)
            }
            options.deviceLogs.append((String(entry[..<eq]), String(entry[entry.index(after: eq)...])))
        }
        options.odooDatabases = odooDatabases.isEmpty ? configuration.odooDatabases : odooDatabases
        options.timeZone = timeZone
        options.formats = formats
        options.partition = partition
        if let seconds = configuration.maxInactivitySeconds { options.sessionizer.maxInactivity = Millis(seconds) * 1000 }
        options.configHash = configuration.hash

        // The report is written before the store commits: if it cannot be written, nothing changes.
        var document = JSON.null
        let reportPath = (report ?? configuration.report).map { ($0 as NSString).appendingPathComponent("report.json") }
        let result: AnalysisResult
        do {
            let analyzer = Analyzer(rules: loadedRules, locator: locator, store: sessionStore)
            var bar: ProgressBar?
            analyzer.onReading = { progress in
                if let progress { bar = ProgressBar.start(progress, quiet: quiet || json) } else { bar?.stop() }
            }
            result = try analyzer.run(options) { result, tx in
                document = Report.document(result, generatedAt: Millis(Date().timeIntervalSince1970 * 1000))
                if let reportPath {
                    let directory = (reportPath as NSString).deletingLastPathComponent
                    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
                    try PrivateFile.write(Data((document.serialized(pretty: true) + "\n").utf8), to: reportPath)
                    // What a person reads: the HTML report, the Markdown summary, the CSV files (after a judging run).
                    if result.judged {
                        let data = try ReportData.load(tx, now: result.now, store: sessionStore.location, inputs: result.inputs,
                                                       geoip: result.geoip, warnings: result.warnings)
                        try ReportFiles.write(data, to: directory)
                    }
                }
            }
        } catch {
            throw CLIError(message: "run failed, the store is unchanged: \(error)", code: 2)  // execute() writes the metrics
        }
        if let metrics {
            do {
                try PrivateFile.write(Data(Metrics.text(result, finished: Millis(Date().timeIntervalSince1970 * 1000)).utf8),
                                      to: metrics, mode: 0o644)
            } catch {
                Terminal.error("cannot write the metrics: \(error)")
            }
        }
        if json {
            print(document.serialized(pretty: true))
        } else if !quiet {
            print(Terminal.coloured(Report.summary(result, storePath: sessionStore.location, reportPath: reportPath)))
        }
        for input in result.unreadableInputs {
            Terminal.error(Report.terminalSafe("\(input.path): \(input.error ?? "unreadable")"))
        }
        if !result.unreadableInputs.isEmpty { throw ExitCode(3) }
        if let threshold = failOnSeverity, result.recommendations.contains(where: { $0.severity >= threshold && $0.status == "open" }) {
            throw ExitCode(1)
        }
    }
}
