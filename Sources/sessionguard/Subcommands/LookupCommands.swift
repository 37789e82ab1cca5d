import ArgumentParser
import Foundation
import SessionGuard

struct GeoIPCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "geoip",
        abstract: "Show what the GeoIP databases say about addresses.",
        discussion: """
            Example:
              sessionguard geoip --config Samples/sessionguard.yml 203.0.113.130 10.0.0.5 2001:db8:1:4::1f3
            """)

    @Argument(help: "IPv4 or IPv6 addresses.")
    var addresses: [String]

    @OptionGroup var shared: SharedOptions

    func run() throws {
        let configuration = try shared.loadConfiguration()
        let locator = try shared.openGeoIP(configuration)
        for db in locator.databases {
            print(Report.terminalSafe("# \(db.path): \(db.databaseType), built \(UTC.iso(db.buildEpoch * 1000))"))
        }
        var bad = 0
        for text in addresses {
            guard IPAddress(text) != nil else {
                print(Report.terminalSafe("\(text): not an IP address"))
                bad += 1
                continue
            }
            switch locator.place(text) {
            case .internal: print("\(text): internal (private, loopback, CGNAT…): never looked up")
            case .unknown: print("\(text): not in the databases")
            case .located(let l):
                let place = [l.city, l.region, l.countryName.map { "\($0) (\(l.countryCode ?? "?"))" } ?? l.countryCode].compactMap { $0 }
                    .joined(separator: ", ")
                let point = l.latitude.flatMap { lat in l.longitude.map { String(format: "%.4f, %.4f", lat, $0) } } ?? "no coordinates"
                let radius = l.accuracyRadiusKm.map { " ±\($0) km" } ?? ""
                let asn = l.asn.map { "; AS\($0)\(l.asOrganization.map { " \($0)" } ?? "")" } ?? ""
                print(Report.terminalSafe("\(text): \(place.isEmpty ? "no place" : place); \(point)\(radius)\(asn)"))
            }
        }
        if bad > 0 { throw ExitCode(1) }
    }
}

struct SessionsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sessions",
        abstract: "List stored sessions, newest activity first.",
        discussion: """
            Example:
              sessionguard sessions --user alice@example.com --flagged
            """)

    @Option(help: "Only this login.")
    var user: String?

    @Option(help: "Only this database.")
    var db: String?

    @Flag(help: "Only sessions some rule has a finding about.")
    var flagged = false

    @Option(help: "At most this many.")
    var limit = 50

    @Flag(help: "One JSON object per line.")
    var json = false

    @OptionGroup var options: StoreOptions

    func run() throws {
        let store = try options.open()
        let rows = try store.read(now: Decision.clock) { tx in
            try tx.sessionList(db: db, login: user, flagged: flagged, limit: max(limit, 1))
        }
        if json {
            for (s, findings) in rows {
                print(JSON.object([
                    ("db", .string(s.db)), ("session", .string(s.identifier ?? s.key)), ("user", .string(s.user)),
                    ("first_activity", .string(UTC.iso(s.firstActivity))), ("last_activity", .string(UTC.iso(s.lastActivity))),
                    ("requests", .int(s.requests)), ("ips", .array(s.ips.map { .string($0.ip) })),
                    ("state", .string(Self.state(s))), ("findings", .int(findings)),
                ]).serialized())
            }
            return
        }
        guard !rows.isEmpty else {
            print("no sessions")
            return
        }
        var table = [["SESSION", "USER", "DB", "FIRST", "LAST", "REQUESTS", "PLACES", "STATE", "FINDINGS"]]
        for (s, findings) in rows {
            let places = Array(Set(s.ips.map { $0.placement.location?.countryCode ?? ($0.placement == .internal ? "internal" : "?") })).sorted()
            table.append([s.identifier ?? s.key, s.user, s.db, UTC.iso(s.firstActivity), UTC.iso(s.lastActivity), String(s.requests),
                          "\(s.ips.count) (\(places.joined(separator: ",")))", Self.state(s), String(findings)].map(Report.terminalSafe))
        }
        print(Terminal.coloured(Terminal.fitted(Report.table(table))))
    }

    static func state(_ s: Session) -> String {
        if s.revoked { return "revoked" }
        if s.invalidated { return "password changed" }
        if s.loggedOut { return "logged out" }
        if s.probablyLoggedOut { return "probably logged out" }
        return "no end seen"
    }
}
