import Foundation

/// `sessionguard revoke` (`design.md` §8): ends the sessions of approved recommendations the way
/// Odoo's own Revoke button does — deleting their session files — and records what happened.
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

    /// The plan: every approved revocation — and every open one at or above `autoApprove` — with
    /// the sessions and files it concerns.
    public static func plan(_ tx: StoreTransaction, sessions: OdooSessionsDirectory, autoApprove: Severity? = nil) throws -> [Item] {
        var candidates = try tx.recommendations(status: "approved").map(\.recommendation)
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
                // Every session of that user in that database, from the session files themselves.
                if index == nil { index = sessions.sessions() }
                let uid = try tx.uid(db: r.db, login: r.user)
                // (One identifier can have several files: Odoo 19 rotates the sid, keeping its first 42 characters.)
                var seen: Set<String> = []
                item.identifiers = index!.filter { s in
                    s.db == r.db && (s.login == r.user || (uid != nil && s.uid == uid))
                }.map(\.identifier).filter { seen.insert($0).inserted }
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
