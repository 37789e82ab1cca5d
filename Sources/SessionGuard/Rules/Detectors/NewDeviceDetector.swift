/// `new_device`: a session from a platform/browser the user has not used in `history_days`, for a
/// user with at least `min_history_sessions` sessions whose device is known. The device comes from
/// the user agent (nginx access logs, newer Odoo device lines, Odoo's device log table); sessions
/// without one are not judged — Odoo 18.0's own log lines do not name the device.
public struct NewDeviceDetector: Detector {
    public static let name = "new_device"
    public static let parameters = ["history_days", "min_history_sessions"]

    public let historyDays: Int
    public let minHistorySessions: Int

    public init(params: RuleParams) throws(RuleError) {
        historyDays = try params.int("history_days", default: 90, range: 1...3650)
        minHistorySessions = try params.int("min_history_sessions", default: 3, range: 1...10_000)
    }

    public func evaluate(_ session: Session, context: any DetectionContext) throws -> [FindingDraft] {
        guard let device = session.userAgent.flatMap(DeviceClass.init(userAgent:)) else { return [] }
        let from = session.firstActivity - Millis(historyDays) * 86_400_000
        let known = try context.history(db: session.db, user: session.user, from: from, before: session.firstActivity,
                                        excludingKey: session.key)
            .compactMap { $0.userAgent.flatMap(DeviceClass.init(userAgent:)) }
        guard known.count >= minHistorySessions, !known.contains(device) else { return [] }
        let usual = Set(known.map(\.description)).sorted()
        return [FindingDraft(
            discriminator: "device=\(device)",
            summary: "\(session.user) signed in with \(device.browser) on \(device.platform), not used in \(known.count) "
                + "sessions over \(historyDays) days (usually \(usual.prefix(3).joined(separator: ", ")))",
            facts: [
                ("device", .string(device.description)),
                ("user_agent", .string(session.userAgent)),
                ("history_days", .int(historyDays)),
                ("history_sessions", .int(known.count)),
                ("known_devices", .array(usual.prefix(20).map { .string($0) })),
            ],
            evidence: session.firstEvidence.map { [$0] } ?? [],
            firstSeen: session.firstActivity, lastSeen: session.lastActivity, places: session.ips)]
    }
}
