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
    /// `revoke` also acts on open revocations at or above this severity, approving them itself.
    public var autoApprove: Severity?
    /// Odoo's sessions directory: what `revoke` deletes in, and an input of analyze and ingest.
    public var sessionsDir: String?
    /// Odoo's databases (`URL` or `DB=URL`): `res_device_log` read by analyze and ingest, marked by revoke.
    public var odooDatabases: [String] = []
    /// The zone syslog times are written in (`odoo-syslog`), and access-log times without an offset.
    public var timezone: String?
    /// Format files (YAML) describing other log shapes (`--format-file`).
    public var formatFiles: [String] = []
    /// How long `revoke --apply` waits for requests in flight before looking again (seconds).
    public var revokeDelaySeconds: Int?
    /// Log files or glob patterns (`/var/log/odoo/odoo-server.log*`), read when a command names none.
    public var sources: [String] = []
    /// A hash of the file's text, recorded with each run.
    public var hash: String?

    public init() {}

    static let keys = ["geoip", "geoip_asn", "rules", "store", "report", "fail_on", "format", "sessions", "sources", "auto_approve", "sessions_dir", "revoke_delay", "odoo_db", "timezone", "formats"]

    /// Reads `path`; errors name the file, line and problem.
    public static func load(path: String) throws(RuleError) -> Configuration {
        let (text, root) = try RuleLoader.compose(path, what: "configuration")
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
        /// A scalar or a sequence, as a list.
        func list(_ value: Node, _ problem: String) throws(RuleError) -> [Node] {
            switch value {
            case .sequence(let items): return Array(items)
            case .scalar: return [value]
            default: throw RuleLoader.located(path, value, problem)
            }
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
            case "sources":
                for item in try list(value, "sources is a list of log files or glob patterns") {
                    guard let t = item.string, !t.isEmpty else { throw RuleLoader.located(path, item, "a source is a path or a glob pattern") }
                    config.sources.append(resolve(t))
                }
            case "formats":
                for item in try list(value, "formats is a format file, or a list of them") {
                    guard let t = item.string, !t.isEmpty else { throw RuleLoader.located(path, item, "a format file is a path") }
                    config.formatFiles.append(resolve(t))
                }
            case "odoo_db":
                for item in try list(value, "odoo_db is a PostgreSQL URL (or DB=URL), or a list of them") {
                    guard let t = item.string, t.contains("://") else {
                        throw RuleLoader.located(path, item, "odoo_db takes postgres://… URLs (or DB=postgres://…)")
                    }
                    config.odooDatabases.append(t)
                }
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
            case "sessions_dir": config.sessionsDir = text.map(resolve)
            case "timezone":
                guard let t = text, TimeZone(identifier: t) != nil else {
                    throw RuleLoader.located(path, value, "timezone must be a zone name like Europe/Brussels or UTC")
                }
                config.timezone = t
            case "revoke_delay":
                guard let t = text, let seconds = Duration.parseSeconds(t) else {
                    throw RuleLoader.located(path, value, "revoke_delay must be a duration like 120s or 2m")
                }
                config.revokeDelaySeconds = seconds
            case "auto_approve":
                guard let t = text, let s = Severity(rawValue: t) else {
                    throw RuleLoader.located(path, value, "auto_approve must be one of info, low, medium, high, critical")
                }
                config.autoApprove = s
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

    /// The files the `sources` patterns match now, in order: each pattern's matches sorted, a file
    /// named twice kept once.
    public func sourceFiles() -> [String] {
        var files: [String] = []
        for pattern in sources {
            var result = glob_t()
            defer { globfree(&result) }
            guard glob(pattern, 0, nil, &result) == 0 else { continue }
            var matched: [String] = []
            for i in 0..<Int(result.gl_pathc) {
                if let p = result.gl_pathv[i] { matched.append(String(cString: p)) }
            }
            for f in matched.sorted() where !files.contains(f) { files.append(f) }
        }
        return files
    }
}
