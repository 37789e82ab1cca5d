/// `idle_session`: a session nobody has used for longer than `max_idle` but that Odoo still keeps
/// alive — no logout seen, not revoked, not ended by a password change, and idle for less than
/// Odoo's lifetime (`sessions.max_inactivity_seconds`, after which Odoo's cron deletes it). A
/// forgotten session on a shared or lost computer is a cookie waiting to be reused.
public struct IdleSessionDetector: Detector {
    public static let name = "idle_session"
    public static let parameters = ["max_idle"]

    public let maxIdle: Int

    public init(params: RuleParams) throws(RuleError) {
        maxIdle = try params.seconds("max_idle", default: 3 * 86_400)
    }

    public func evaluate(_ session: Session, context: any DetectionContext) throws -> [FindingDraft] {
        // A forgotten session is worth a word only when it is surely still there.
        guard !session.loggedOut, !session.probablyLoggedOut, !session.revoked, !session.invalidated else { return [] }
        let idle = Int((context.now - session.lastActivity) / 1000)
        let lifetime = Int(context.sessionLifetime / 1000)
        guard idle > maxIdle, idle <= lifetime else { return [] }
        return [FindingDraft(
            discriminator: "",
            summary: "Session of \(session.user) unused for \(Duration.describe(seconds: idle)) (last activity \(UTC.iso(session.lastActivity))) "
                + "but still valid for Odoo until \(UTC.iso(session.lastActivity + context.sessionLifetime))",
            facts: [
                ("idle_seconds", .int(idle)),
                ("max_idle_seconds", .int(maxIdle)),
                ("last_activity", .string(UTC.iso(session.lastActivity))),
                ("odoo_max_inactivity_seconds", .int(lifetime)),
                ("expires", .string(UTC.iso(session.lastActivity + context.sessionLifetime))),
                ("ips", .array(session.ips.map { .string($0.ip) })),
            ],
            evidence: session.lastEvidence.map { [$0] } ?? [],
            firstSeen: session.lastActivity, lastSeen: session.lastActivity,
            places: session.ips)]
    }
}
