import Foundation

/// Why a sessions directory or identifier cannot be used.
public struct RevokeError: Error, CustomStringConvertible, Sendable {
    public let message: String
    public var description: String { message }
}

/// One Odoo 18+ session file, as far as sessionguard may know it: never the full sid (it
/// authenticates), only its first 42 characters, the identifier.
public struct OdooSessionFile: Sendable {
    public struct Trace: Sendable {
        public var platform: String?
        public var browser: String?
        public var ip: String?
        public var firstActivity: Millis?
        public var lastActivity: Millis?
    }

    public var identifier: String
    public var db: String?
    public var uid: Int?
    public var login: String?
    public var trace: [Trace]
    /// The file's modification time: Odoo's cron deletes files idle past the lifetime by it.
    public var modified: Millis
}

/// Odoo's filesystem session store (`odoo-facts.md` §2, §4): `<sessions>/<sid[:2]>/<sid>`. Reading
/// never follows links out of the directory; deleting mirrors Odoo's `res.device._revoke()`:
/// validate the identifier, delete the regular files `<id[:2]>/<id>*`, never through a symbolic
/// link and never outside the directory.
public struct OdooSessionsDirectory: Sendable {
    public let root: String
    static let identifierPattern = try! PCRERegex("^[A-Za-z0-9_-]{42}$")
    static let sidPattern = try! PCRERegex("^[A-Za-z0-9_-]{84}$")

    public init(path: String) throws(RevokeError) {
        guard let real = realpath(path, nil) else {
            throw RevokeError(message: "\(path): \(String(cString: strerror(errno))) (Odoo's sessions are in <data_dir>/sessions)")
        }
        root = String(cString: real)
        free(real)
        var st = stat()
        guard stat(root, &st) == 0, (st.st_mode & S_IFMT) == S_IFDIR else { throw RevokeError(message: "\(path) is not a directory") }
        // Odoo keeps it 0700: another user would see no session at all, and "revoke" nothing.
        guard access(root, R_OK | X_OK) == 0 else {
            throw RevokeError(message: "\(path): \(String(cString: strerror(errno))): run as the Odoo service user (e.g. sudo -u odoo)")
        }
    }

    public static func isIdentifier(_ text: String) -> Bool { identifierPattern.matches(text) }

    /// The regular files that belong to `identifier` (paths inside the directory), after checking
    /// the identifier and every path. Links are never followed and never deleted.
    public func files(of identifier: String) throws(RevokeError) -> [String] {
        guard Self.isIdentifier(identifier) else { throw RevokeError(message: "not a session identifier (42 characters of [A-Za-z0-9_-])") }
        let bucket = root + "/" + String(identifier.prefix(2))
        var st = stat()
        guard lstat(bucket, &st) == 0 else {
            if errno == ENOENT { return [] }  // no such bucket: nothing to delete
            throw RevokeError(message: "\(bucket): \(String(cString: strerror(errno)))")
        }
        guard (st.st_mode & S_IFMT) == S_IFDIR else { return [] }  // a link or a file named like a bucket: not Odoo's
        let names: [String]
        do { names = try FileManager.default.contentsOfDirectory(atPath: bucket) } catch {
            throw RevokeError(message: "\(bucket): cannot list it: \(error.localizedDescription)")
        }
        var result: [String] = []
        for name in names.sorted() where name.hasPrefix(identifier) && !name.contains("/") {
            let path = bucket + "/" + name
            guard lstat(path, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG else { continue }
            // The normalised path must still be inside the directory (as Odoo checks).
            guard let real = realpath(path, nil) else { continue }
            let resolved = String(cString: real)
            free(real)
            guard resolved == path, resolved.hasPrefix(root + "/") else { continue }
            result.append(path)
        }
        return result
    }

    /// Deletes the files of `identifier`; returns how many went.
    @discardableResult
    public func delete(_ identifier: String) throws(RevokeError) -> Int {
        var deleted = 0
        for path in try files(of: identifier) {
            if unlink(path) == 0 { deleted += 1 } else if errno != ENOENT {
                throw RevokeError(message: "cannot delete a session file of \(identifier): \(String(cString: strerror(errno)))")
            }
        }
        return deleted
    }

    /// Every Odoo 18+ session (JSON files with 84-character names in two-character buckets).
    /// Temporary `*.__wz_sess` files, legacy `werkzeug_*.sess` files and ≤17 pickles are skipped.
    public func sessions() -> [OdooSessionFile] {
        guard let buckets = try? FileManager.default.contentsOfDirectory(atPath: root) else { return [] }
        var result: [OdooSessionFile] = []
        var st = stat()
        for bucket in buckets.sorted() where bucket.utf8.count == 2 {
            let dir = root + "/" + bucket
            guard lstat(dir, &st) == 0, (st.st_mode & S_IFMT) == S_IFDIR,
                  let names = try? FileManager.default.contentsOfDirectory(atPath: dir) else { continue }
            for name in names.sorted() where Self.sidPattern.matches(name) && name.hasPrefix(bucket) {
                let path = dir + "/" + name
                guard lstat(path, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG, st.st_size < 1 << 20,
                      let data = FileManager.default.contents(atPath: path),
                      case .object(let fields)? = JSON.parse(String(decoding: data, as: UTF8.self)) else { continue }
                func field(_ key: String) -> JSON? { fields.first { $0.0 == key }?.1 }
                var session = OdooSessionFile(identifier: String(name.prefix(42)), trace: [],
                                              modified: Millis(st.st_mtim.tv_sec) * 1000)
                if case .string(let db)? = field("db") { session.db = db }
                if case .int(let uid)? = field("uid") { session.uid = Int(uid) }
                if case .string(let login)? = field("login") { session.login = login }
                if case .array(let entries)? = field("_trace") {
                    for case .object(let t) in entries {
                        func text(_ k: String) -> String? { if case .string(let v)? = t.first(where: { $0.0 == k })?.1 { v } else { nil } }
                        func time(_ k: String) -> Millis? {
                            switch t.first(where: { $0.0 == k })?.1 {
                            case .int(let v)?: Millis(v) * 1000
                            case .double(let v)?: Millis(v * 1000)
                            default: nil
                            }
                        }
                        session.trace.append(.init(platform: text("platform"), browser: text("browser"), ip: text("ip_address"),
                                                   firstActivity: time("first_activity"), lastActivity: time("last_activity")))
                    }
                }
                result.append(session)
            }
        }
        return result
    }
}

extension OdooSessionFile {
    /// The session as detection sees it: keyed like log-derived sessions (`sid:<identifier>`), so the
    /// two merge; last used when the file was last written (Odoo expires files by their mtime); each traced address with its first and last activity (two points, not a span:
    /// a span over days would look like presence). No requests: the file counts none.
    public func session() -> Session? {
        guard let db else { return nil }
        var ips: [SessionIP] = []
        for t in trace {
            guard let ip = t.ip, IPAddress(ip) != nil else { continue }
            let first = t.firstActivity ?? t.lastActivity ?? modified, last = t.lastActivity ?? first
            ips.append(SessionIP(ip: ip, firstSeen: min(first, last), lastSeen: max(first, last), requests: 0, firstEvidence: nil,
                                 visits: first == last ? [Visit(first, first)] : [Visit(min(first, last), min(first, last)), Visit(max(first, last), max(first, last))]))
        }
        let times = trace.flatMap { [$0.firstActivity, $0.lastActivity].compactMap { $0 } }
        let device = trace.last.flatMap { t in t.platform.map { "\($0)/\(t.browser ?? "other")" } }
        return Session(db: db, key: "sid:\(identifier)", identifier: identifier, uid: uid, login: login,
                       firstActivity: min(times.min() ?? modified, modified), lastActivity: max(times.max() ?? modified, modified),
                       requests: 0, ips: ips,
                       loggedOut: false, revoked: false, invalidated: false, userAgent: device,
                       firstEvidence: nil, lastEvidence: nil, source: "session-file")
    }
}

