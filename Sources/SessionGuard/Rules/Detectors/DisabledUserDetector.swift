import Foundation
import Yams

/// `disabled_user`: any live session — or any activity after the offboarding date — of a login
/// listed in an offboarding file. People who left keep working sessions until someone ends them:
/// recommends `revoke_user_sessions`.
///
/// The file (`params.file`, relative to the rule file) is YAML — a list of logins, or of
/// `{ login, db, since }` entries — or CSV with a header naming `login` and optionally `db` and
/// `since` (a date or time). Without `since` every session still alive is reported.
public struct DisabledUserDetector: Detector {
    public static let name = "disabled_user"
    public static let parameters = ["file"]

    public struct Entry: Sendable {
        public var login: String
        public var db: String?
        public var since: Millis?
    }

    public let path: String
    public let entries: [String: [Entry]]

    public init(params: RuleParams) throws(RuleError) {
        let (ruleFile, line, column) = params.location("file")
        let name = try params.string("file", default: "")
        guard !name.isEmpty else { throw RuleError(file: ruleFile, line: line, column: column, message: "disabled_user needs params.file (the offboarding list)") }
        path = name.hasPrefix("/") ? name : ((ruleFile as NSString).deletingLastPathComponent as NSString).appendingPathComponent(name)
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw RuleError(file: ruleFile, line: line, column: column, message: "cannot read the offboarding file \(path)")
        }
        let list = path.lowercased().hasSuffix(".csv") ? try Self.csv(text, path: path) : try Self.yaml(text, path: path)
        entries = Dictionary(grouping: list, by: \.login)
    }

    static func csv(_ text: String, path: String) throws(RuleError) -> [Entry] {
        let lines = CSV.lines(text)
        guard let header = lines.first else { return [] }
        let fields = CSV.fields
        let names = fields(header).map { $0.lowercased() }
        guard let loginColumn = names.firstIndex(of: "login") else {
            throw RuleError(file: path, line: 1, column: 1, message: "the CSV header must name a 'login' column (found: \(names.joined(separator: ", ")))")
        }
        let dbColumn = names.firstIndex(of: "db"), sinceColumn = names.firstIndex(of: "since")
        var result: [Entry] = []
        for (i, line) in lines.enumerated().dropFirst() where !line.trimmingCharacters(in: .whitespaces).isEmpty {
            let f = fields(line)
            guard loginColumn < f.count, !f[loginColumn].isEmpty else {
                throw RuleError(file: path, line: i + 1, column: 1, message: "no login on this line")
            }
            var entry = Entry(login: f[loginColumn])
            if let c = dbColumn, c < f.count, !f[c].isEmpty { entry.db = f[c] }
            if let c = sinceColumn, c < f.count, !f[c].isEmpty {
                guard let t = UTC.parse(f[c]) else {
                    throw RuleError(file: path, line: i + 1, column: 1, message: "'\(f[c])' is not a date such as 2025-03-01")
                }
                entry.since = t
            }
            result.append(entry)
        }
        return result
    }

    static func yaml(_ text: String, path: String) throws(RuleError) -> [Entry] {
        let root: Node?
        do { root = try Yams.compose(yaml: text) } catch let e as YamlError { throw RuleLoader.yamlError(e, file: path) } catch {
            throw RuleError(file: path, line: 1, column: 1, message: "\(error)")
        }
        guard var node = root else { return [] }
        if case .mapping = node, let users = node["users"] { node = users }
        guard case .sequence(let items) = node else {
            throw RuleLoader.located(path, node, "an offboarding file is a list of logins or of { login, db, since } entries")
        }
        var result: [Entry] = []
        for item in items {
            if case .scalar(let s) = item {
                result.append(Entry(login: s.string))
                continue
            }
            guard let login = item["login"]?.string, !login.isEmpty else {
                throw RuleLoader.located(path, item, "each entry needs a login")
            }
            var entry = Entry(login: login, db: item["db"]?.string)
            if let since = item["since"] {
                guard let s = since.string, let t = UTC.parse(s) else {
                    throw RuleLoader.located(path, since, "'since' must be a date such as 2025-03-01")
                }
                entry.since = t
            }
            result.append(entry)
        }
        return result
    }

    public func evaluate(_ session: Session, context: any DetectionContext) throws -> [FindingDraft] {
        guard let login = session.login, let list = entries[login],
              let entry = list.first(where: { $0.db == nil || $0.db == session.db }) else { return [] }
        let alive = !session.loggedOut && !session.revoked && !session.invalidated
            && context.now - session.lastActivity <= context.sessionLifetime
        let after = entry.since.map { session.lastActivity >= $0 } ?? false
        guard alive || after else { return [] }
        var facts: [(String, JSON)] = [
            ("offboarding_file", .string(path)),
            ("since", .string(entry.since.map(UTC.iso))),
            ("alive", .bool(alive)),
            ("last_activity", .string(UTC.iso(session.lastActivity))),
        ]
        facts.append(("ips", .array(session.ips.map { .string($0.ip) })))
        let why = alive ? "still has a live session (last used \(UTC.iso(session.lastActivity)))"
            : "used Odoo after leaving (\(UTC.iso(session.lastActivity)), offboarded \(UTC.iso(entry.since!)))"
        return [FindingDraft(
            discriminator: "",
            summary: "\(login) is on the offboarding list but \(why)",
            facts: facts,
            evidence: [session.firstEvidence, session.lastEvidence].compactMap { $0 },
            firstSeen: session.firstActivity, lastSeen: session.lastActivity, places: session.ips)]
    }
}
