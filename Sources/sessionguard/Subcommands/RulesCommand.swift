import ArgumentParser
import Foundation
import SessionGuard

struct RulesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rules",
        abstract: "Work with rule files.",
        subcommands: [Validate.self])

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
}
