import ArgumentParser
import Foundation
import SessionGuard

struct RulesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rules",
        abstract: "Work with rule files.",
        discussion: """
            Examples:
              sessionguard rules validate /etc/sessionguard/Rules
              sessionguard rules test --config /etc/sessionguard/sessionguard.yml
            """,
        subcommands: [Validate.self, Test.self])

    struct Validate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check every rule file of a directory and list the rules.",
            discussion: "Example:\n  sessionguard rules validate Rules")

        @Argument(help: "Rules directory.")
        var directory = "Rules"

        func run() throws {
            do {
                let rules = try RuleLoader.load(directory: directory)
                for rule in rules {
                    print("\(rule.id)\t\(rule.detectorName)\t\(rule.severity.rawValue)\t\(rule.recommend.rawValue)\t\(rule.title)")
                }
                print("\(rules.count) rules OK")
            } catch {
                throw CLIError(message: "invalid rules:\n\(error.description)", code: 2)
            }
        }
    }

    struct Test: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run the rules' tests: each test's log must make its rule flag exactly the users it expects.",
            discussion: """
                Each rule's `tests:` entries name a small log (relative to the rule file), an optional
                evaluation time (`now:`), optional parameter overrides (`params:`) and expectations
                (`expect: [{ user: LOGIN, fires: true|false }]`). Logs are analysed into a temporary store,
                with only their rule, using the GeoIP databases of the configuration or the options.
                Exit codes: 0 all passed; 1 a test failed; 2 invalid rules or databases.

                Example:
                  sessionguard rules test --config Samples/sessionguard.yml
                  sessionguard rules test Rules --geoip Samples/geoip/GeoLite2-City-Sample.mmdb
                """)

        @Argument(help: "Rules directory (default: the configuration's, else ./Rules).")
        var directory: String?

        @OptionGroup var shared: SharedOptions

        func run() throws {
            let configuration = try shared.loadConfiguration()
            let rules = try shared.loadRules(directory, configuration)
            let locator = try shared.openGeoIP(configuration)
            var options = AnalyzeOptions(inputs: [], now: 0)
            if let seconds = configuration.maxInactivitySeconds { options.sessionizer.maxInactivity = Millis(seconds) * 1000 }
            let (outcomes, untested) = RuleTests.run(rules, locator: locator, options: options)
            for o in outcomes {
                print(Report.terminalSafe("\(o.passed ? "ok  " : "FAIL") \(o.rule): \(o.name)"))
                for p in o.problems { print(Report.terminalSafe("       \(o.file):\(o.line): \(p)")) }
            }
            for id in untested { print("note \(id) has no tests") }
            let failed = outcomes.filter { !$0.passed }.count
            print("\(outcomes.count - failed) passed, \(failed) failed, \(untested.count) rules without tests")
            if failed > 0 { throw ExitCode(1) }
        }
    }
}
