import Foundation
import Yams

/// `sessionguard.yml`: defaults for the flags of every command. Relative paths in the file are
/// relative to the file's own directory, so a configuration can travel with its data (the samples).
public struct Configuration: Sendable {
    public var path: String?
    public var geoip: String?
    public var geoipASN: String?
    public var rules: String?
    public var store: String?
    public var report: String?
    public var failOn: Severity?
    public var format: String?
    public var maxInactivitySeconds: Int?
    /// A hash of the file's text, recorded with each run.
    public var hash: String?

    public init() {}

    static let keys = ["geoip", "geoip_asn", "rules", "store", "report", "fail_on", "format", "sessions"]

    /// Reads `path`; errors name the file, line and problem.
    public static func load(path: String) throws(RuleError) -> Configuration {
        let text: String
        do { text = try String(contentsOfFile: path, encoding: .utf8) } catch {
            throw RuleError(file: path, line: 0, column: 0, message: "cannot read the configuration: \(error.localizedDescription)")
        }
        let root: Node?
        do { root = try Yams.compose(yaml: text) } catch let error as YamlError {
            throw RuleLoader.yamlError(error, file: path)
        } catch {
            throw RuleError(file: path, line: 1, column: 1, message: "\(error)")
        }
        var config = Configuration()
        config.path = path
        config.hash = StableHash.hex([text])
        guard let root else { return config }
        guard case .mapping(let map) = root else { throw RuleLoader.located(path, root, "the configuration must be a mapping") }
        let dir = (path as NSString).deletingLastPathComponent
        func resolve(_ p: String) -> String {
            if p == "none" || p.hasPrefix("/") || dir.isEmpty { return p }
            return (dir as NSString).appendingPathComponent(p)
        }
        for (key, value) in map {
            let k = key.string ?? ""
            guard keys.contains(k) else {
                let hint = Spelling.suggestion(for: k, among: keys).map { " (did you mean '\($0)'?)" } ?? ""
                throw RuleLoader.located(path, key, "unknown setting '\(k)'\(hint)")
            }
            let text = value.string
            switch k {
            case "geoip": config.geoip = text.map(resolve)
            case "geoip_asn": config.geoipASN = text.map(resolve)
            case "rules": config.rules = text.map(resolve)
            case "report": config.report = text.map(resolve)
            case "format": config.format = text
            case "store":
                if let t = text {
                    if t.hasPrefix("sqlite:") && !t.hasPrefix("sqlite://") {
                        config.store = "sqlite:" + resolve(String(t.dropFirst(7)))
                    } else {
                        config.store = t
                    }
                }
            case "fail_on":
                guard let t = text, let s = Severity(rawValue: t) else {
                    throw RuleLoader.located(path, value, "fail_on must be one of info, low, medium, high, critical")
                }
                config.failOn = s
            case "sessions":
                if let v = value["max_inactivity"] {
                    guard let t = v.string, let s = Duration.parseSeconds(t) else {
                        throw RuleLoader.located(path, v, "sessions.max_inactivity must be a duration like 7d")
                    }
                    config.maxInactivitySeconds = s
                }
            default: break
            }
        }
        return config
    }
}
