import ArgumentParser
import Foundation
import SessionGuard

struct ConfigCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config",
        abstract: "Check a configuration.",
        discussion: """
            Example:
              sessionguard config check --config /etc/sessionguard/sessionguard.yml
            """,
        subcommands: [Check.self])

    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the effective configuration and what it finds: log files, GeoIP databases and their age, rules, store.",
            discussion: """
                Exit codes: 0 usable; 2 something a run would stop on (invalid rules, no GeoIP City database,
                an unreadable configuration).

                Example:
                  sessionguard config check --config /etc/sessionguard/sessionguard.yml
                """)

        @OptionGroup var shared: SharedOptions

        @Option(help: "Rules directory (default: the configuration's, else ./Rules).")
        var rules: String?

        @Option(help: "Session store: sqlite:PATH, or postgres://… (libpq URL; PGHOST, PGDATABASE… fill the rest) (default: the configuration's, else sqlite:./sessionguard.sqlite).")
        var store: String?

        func run() throws {
            let configuration = try shared.loadConfiguration()
            let now = Millis(Date().timeIntervalSince1970 * 1000)
            var problems = 0
            func say(_ line: String) { print(Report.terminalSafe(line)) }
            say("Configuration: \(configuration.path ?? "none (defaults)")")

            // GeoIP databases and their age.
            for (label, given, fallback) in [("GeoIP City", shared.geoip ?? configuration.geoip, "/usr/share/GeoIP/GeoLite2-City.mmdb"),
                                             ("GeoIP ASN", shared.geoipASN ?? configuration.geoipASN, "/usr/share/GeoIP/GeoLite2-ASN.mmdb")] {
                let path = given ?? fallback
                if path == "none" { say("\(label): none (location rules give no verdicts)"); continue }
                do {
                    let db = try GeoDatabase(path: path)
                    let days = Int((now / 1000 - db.buildEpoch) / 86_400)
                    say("\(label): \(path) (\(db.databaseType), built \(UTC.iso(db.buildEpoch * 1000)), \(days) days old"
                        + (days > 30 ? " — older than 30 days: run geoipupdate)" : ")"))
                } catch {
                    if label == "GeoIP City" {
                        problems += 1
                        say("\(label): PROBLEM \(error.description) (install geoipupdate, or --geoip none)")
                    } else if given != nil {
                        problems += 1
                        say("\(label): PROBLEM \(error.description)")
                    } else {
                        say("\(label): none found (optional)")
                    }
                }
            }

            // Rules.
            let directory = rules ?? configuration.rules ?? "Rules"
            do {
                let loaded = try RuleLoader.load(directory: directory)
                let tested = loaded.filter { !$0.tests.isEmpty }.count
                say("Rules: \(directory): \(loaded.count) rules, all valid; \(tested) with tests")
            } catch {
                problems += 1
                say("Rules: \(directory): PROBLEM\n\(error.description)")
            }

            // Store.
            let storeURL = store ?? configuration.store ?? "sqlite:sessionguard.sqlite"
            var sessionStore: SessionStore?
            do {
                let opened = try SessionStore.open(url: storeURL, mustExist: true)
                sessionStore = opened
                let last = try opened.read(now: now) { try $0.lastSuccess() }
                say("Store: \(opened.isPostgres ? "PostgreSQL " : "")\(opened.location): last successful run \(last.map(UTC.iso) ?? "none yet")")
            } catch {
                if SessionStore.isPostgres(url: storeURL) {
                    problems += 1
                    say("Store: PROBLEM: \(error)")  // libpq's messages name the server, never the password
                } else {
                    say("Store: \(storeURL): not created yet (the first run creates it)")
                }
            }
            say("Report: \(configuration.report ?? "none (give --report DIR or report: in the configuration)")")
            say("fail_on: \(configuration.failOn?.rawValue ?? "none"); sessions.max_inactivity: "
                + Duration.describe(seconds: configuration.maxInactivitySeconds ?? 7 * 86_400))

            // Formats: format files are checked as a run would load them.
            var formats = InputFormats(choice: configuration.format ?? "auto")
            do {
                formats.custom = try InputFormats.load(files: configuration.formatFiles)
                for file in configuration.formatFiles {
                    say("Format file: \(file): \(formats.custom.filter { $0.file == file }.map(\.name).joined(separator: ", ")), samples match")
                }
            } catch {
                problems += 1
                say("Format file: PROBLEM \(error)")
            }
            if let problem = formats.problem {
                problems += 1
                say("Format: PROBLEM \(problem)")
            } else {
                say("Format: \(formats.choice)")
            }

            // Sources, and how far they have been read.
            if configuration.sources.isEmpty {
                say("Sources: none configured (give the log files on the command line)")
            } else {
                let files = configuration.sourceFiles()
                say("Sources: \(configuration.sources.joined(separator: ", ")) → \(files.count) file(s)")
                for file in files {
                    let size = (try? FileManager.default.attributesOfItem(atPath: file)[.size] as? Int) ?? nil
                    var status = FileManager.default.isReadableFile(atPath: file) ? "" : " — NOT READABLE by this user"
                    if status.isEmpty {
                        var checkpoint: Checkpoint?
                        if let identity = SourceIdentity.of(file), let sessionStore {
                            checkpoint = (try? sessionStore.read(now: now) { try $0.checkpoint(for: identity) }) ?? nil
                        }
                        status = checkpoint.map { " — read up to line \($0.lines)" } ?? " — not read yet"
                        if formats.choice == "auto", let name = formats.sniffedName(file) {
                            status += name == "unknown" ? " — NO KNOWN FORMAT in its first lines" : " — \(name)"
                            if name == "unknown" { problems += 1 }
                        }
                    }
                    say("  \(file)  \(size.map { String(format: "%.1f MB", Double($0) / 1e6) } ?? "?")\(status)")
                }
                if files.isEmpty { problems += 1 }
            }

            // Odoo's databases (res_device_log).
            for spec in configuration.odooDatabases {
                do {
                    let database = try OdooDatabase(spec)
                    say("Odoo database \(database.db): \(database.location): res_device_log with \(database.deviceColumns)")
                } catch {
                    problems += 1
                    say("Odoo database: PROBLEM: \(error.message)")
                }
            }
            if problems > 0 { throw ExitCode(2) }
        }
    }
}
