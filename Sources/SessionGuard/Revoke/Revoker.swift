import Foundation

/// `sessionguard revoke` (`design.md` §8): ends the sessions of approved recommendations the way
/// Odoo's own Revoke button does — deleting their session files, and marking their rows of
/// `res_device_log` revoked where Odoo's database is given — and records what happened.
public enum Revoker {
    /// What revoking one recommendation means, before anything is done.
    public struct Item: Sendable {
        public var recommendation: Recommendation
        /// The session identifiers to end (one for revoke_session, all the user's for revoke_user_sessions).
        public var identifiers: [String]
        /// Session files found for them now.
        public var files: Int
        /// Why it cannot be done (no identifier: Odoo ≤17; an invalid one), if so.
        public var problem: String?
    }

    /// The plan: every approved revocation, every failed one (tried again), and every open one at
    /// or above `autoApprove` — with the sessions and files it concerns. `databases` (by database name) add, for a user's
    /// sessions, those `res_device_log` knows and does not mark revoked.
    public static func plan(_ tx: StoreTransaction, sessions: OdooSessionsDirectory, databases: [String: OdooDatabase] = [:],
                            autoApprove: Severity? = nil) throws -> [Item] {
        var candidates = try (tx.recommendations(status: "approved") + tx.recommendations(status: "failed")).map(\.recommendation)
        if let level = autoApprove { candidates += try tx.recommendations(status: "open", minSeverity: level).map(\.recommendation) }
        let approved = candidates.filter { $0.action == .revokeSession || $0.action == .revokeUserSessions }
        var items: [Item] = []
        var index: [OdooSessionFile]?
        for r in approved {
            var item = Item(recommendation: r, identifiers: [], files: 0)
            switch r.action {
            case .revokeSession:
                guard let identifier = r.sessionIdentifier else {
                    item.problem = "no session identifier (Odoo ≤17 logs): reset the user's password instead"
                    items.append(item)
                    continue
                }
                item.identifiers = [identifier]
            default:
                // Every session of that user in that database: from the session files themselves, and
                // from res_device_log's rows not marked revoked.
                if index == nil { index = sessions.sessions() }
                let database = databases[r.db]
                let uid = try database?.uid(login: r.user) ?? tx.uid(db: r.db, login: r.user)
                // (One identifier can have several files: Odoo 19 rotates the sid, keeping its first 42 characters.)
                var seen: Set<String> = []
                item.identifiers = index!.filter { s in
                    s.db == r.db && (s.login == r.user || (uid != nil && s.uid == uid))
                }.map(\.identifier).filter { seen.insert($0).inserted }
                if let database, let uid {
                    item.identifiers += try database.liveIdentifiers(uid: uid).filter { seen.insert($0).inserted }
                }
            }
            do {
                for identifier in item.identifiers { item.files += try sessions.files(of: identifier).count }
            } catch {
                item.problem = error.message
            }
            items.append(item)
        }
        return items
    }

    /// Marks the device rows of every item whose files `deleted` could delete revoked, in its
    /// database if one is given (as Odoo does: files first, then rows — never a row marked for a
    /// session that is still there); returns how many rows changed per item (nil: no database for it).
    public static func markRevoked(_ items: [Item], after deleted: [Result<Int, RevokeError>],
                                   databases: [String: OdooDatabase]) -> [Result<Int?, RevokeError>] {
        zip(items, deleted).map { item, deletion in
            if case .failure(let error) = deletion { return .failure(error) }
            guard let database = databases[item.recommendation.db] else { return .success(nil) }
            do throws(RevokeError) { return .success(try database.markRevoked(item.identifiers)) } catch { return .failure(error) }
        }
    }

    /// Deletes the files of every item without a problem; returns how many went, per item.
    public static func delete(_ items: [Item], sessions: OdooSessionsDirectory) -> [Result<Int, RevokeError>] {
        items.map { item in
            guard item.problem == nil else { return .failure(RevokeError(message: item.problem!)) }
            do throws(RevokeError) {
                var deleted = 0
                for identifier in item.identifiers { deleted += try sessions.delete(identifier) }
                return .success(deleted)
            } catch {
                return .failure(error)
            }
        }
    }
}
