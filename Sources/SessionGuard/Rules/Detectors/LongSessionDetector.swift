/// `long_session`: a session still alive that has been in use for longer than `max_age`.
///
/// Odoo never ends a session that keeps being used (`odoo-facts.md` §2): a cookie can live for
/// months. The span is measured from first to last activity seen; a session that logged out, was
/// revoked, was invalidated by a password change, or has been idle longer than Odoo's session lifetime
/// (`sessions.max_inactivity` in sessionguard.yml, 7 days by default; Odoo's cron deleted it) is not alive and is not reported.
public struct LongSessionDetector: Detector {
    public static let name = "long_session"
    public static let parameters = ["max_age", "max_inactivity"]

    public let maxAge: Int
    /// Idle longer than this and the session is gone; by default Odoo's own lifetime (`sessions.max_inactivity`).
    public let maxInactivity: Int?

    public init(params: RuleParams) throws(RuleError) {
        maxAge = try params.seconds("max_age", default: 7 * 86_400)
        maxInactivity = params.value("max_inactivity") == nil ? nil : try params.seconds("max_inactivity", default: 0)
    }

    public func evaluate(_ session: Session, context: any DetectionContext) throws -> [FindingDraft] {
        let span = Int((session.lastActivity - session.firstActivity) / 1000)
        guard span > maxAge, !session.loggedOut, !session.revoked, !session.invalidated else { return [] }
        let idle = Int((context.now - session.lastActivity) / 1000)
        let lifetime = maxInactivity ?? Int(context.sessionLifetime / 1000)
        guard idle <= lifetime else { return [] }
        let countries = Array(Set(session.ips.compactMap { $0.placement.location?.countryCode })).sorted()
        let evidence = [session.firstEvidence, session.lastEvidence].compactMap { $0 }
        return [FindingDraft(
            discriminator: "",
            summary: "Session of \(session.user) in use for \(Duration.describe(seconds: span)) "
                + "(\(UTC.iso(session.firstActivity)) to \(UTC.iso(session.lastActivity))), longer than \(Duration.describe(seconds: maxAge))",
            facts: [
                ("age_seconds", .int(span)),
                ("max_age_seconds", .int(maxAge)),
                ("first_activity", .string(UTC.iso(session.firstActivity))),
                ("last_activity", .string(UTC.iso(session.lastActivity))),
                ("idle_seconds", .int(max(idle, 0))),
                ("max_inactivity_seconds", .int(lifetime)),
                ("odoo_max_inactivity_seconds", .int(Int(context.sessionLifetime / 1000))),
                ("requests", .int(session.requests)),
                ("ips", .array(session.ips.map { .string($0.ip) })),
                ("countries", .array(countries.map { .string($0) })),
            ],
            evidence: Array(Set(evidence)).sorted { ($0.file, $0.line) < ($1.file, $1.line) },
            firstSeen: session.firstActivity, lastSeen: session.lastActivity,
            places: session.ips)]
    }
}
