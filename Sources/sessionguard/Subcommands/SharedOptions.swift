import ArgumentParser
import Foundation
import SessionGuard

/// The configuration file and GeoIP databases, shared by every command that reads logs.
struct SharedOptions: ParsableArguments {
    @Option(help: "Configuration file (default: ./sessionguard.yml if present).")
    var config: String?

    @Option(help: "MaxMind City database, or 'none' to run without locations (default: /usr/share/GeoIP/GeoLite2-City.mmdb).")
    var geoip: String?

    @Option(name: .customLong("geoip-asn"), help: "MaxMind ASN database (optional; default: /usr/share/GeoIP/GeoLite2-ASN.mmdb if present).")
    var geoipASN: String?

    func loadConfiguration() throws -> Configuration {
        let path = config ?? (FileManager.default.fileExists(atPath: "sessionguard.yml") ? "sessionguard.yml" : nil)
        guard let path else { return Configuration() }
        do { return try Configuration.load(path: path) } catch {
            throw CLIError(message: error.description, code: 2)
        }
    }

    func openGeoIP(_ configuration: Configuration) throws -> GeoLocator {
        let cityPath = geoip ?? configuration.geoip ?? "/usr/share/GeoIP/GeoLite2-City.mmdb"
        var city: GeoDatabase?
        if cityPath != "none" {
            do { city = try GeoDatabase(path: cityPath) } catch {
                throw CLIError(message: """
                    no usable GeoIP City database: \(error.description)
                      Install one with geoipupdate (Debian: apt install geoipupdate, then set your MaxMind account
                      in /etc/GeoIP.conf and run geoipupdate), point to one with --geoip FILE, or run without
                      locations with --geoip none (location rules then give no verdicts).
                    """, code: 2)
            }
        }
        var asn: GeoDatabase?
        let asnDefault = "/usr/share/GeoIP/GeoLite2-ASN.mmdb"
        if let asnPath = geoipASN ?? configuration.geoipASN ?? (FileManager.default.fileExists(atPath: asnDefault) ? asnDefault : nil),
           asnPath != "none" {
            do { asn = try GeoDatabase(path: asnPath) } catch {
                throw CLIError(message: "unusable GeoIP ASN database: \(error.description)", code: 2)
            }
        }
        return GeoLocator(city: city, asn: asn)
    }

    /// Loads the rules of `directory` (else the configuration's, else ./Rules); errors exit 2.
    func loadRules(_ directory: String?, _ configuration: Configuration) throws -> [Rule] {
        let rulesDirectory = directory ?? configuration.rules ?? "Rules"
        do { return try RuleLoader.load(directory: rulesDirectory) } catch {
            throw CLIError(message: "invalid rules:\n\(error.description)", code: 2)
        }
    }
}

extension SharedOptions {
    /// Opens the store named by `--store`, else the configuration's, else ./sessionguard.sqlite; errors exit 2.
    func openStore(_ url: String?, _ configuration: Configuration, mustExist: Bool = false) throws -> SessionStore {
        let storeURL = url ?? configuration.store ?? "sqlite:sessionguard.sqlite"
        do { return try SessionStore.open(url: storeURL, mustExist: mustExist) } catch {
            throw CLIError(message: "cannot open the store: \(error.description)", code: 2)
        }
    }
}

/// The store (and configuration) options of the commands that only read or decide.
struct StoreOptions: ParsableArguments {
    @Option(help: "Session store: sqlite:PATH, or postgres://… (libpq URL; PGHOST, PGDATABASE… fill the rest) (default: the configuration's, else sqlite:./sessionguard.sqlite).")
    var store: String?

    @Option(help: "Configuration file (default: ./sessionguard.yml if present).")
    var config: String?

    func open() throws -> SessionStore {
        try shared().openStore(store, shared().loadConfiguration(), mustExist: true)
    }

    func shared() -> SharedOptions {
        var shared = SharedOptions()
        shared.config = config
        return shared
    }
}

/// The clock and the actor of decisions made from the command line.
enum Decision {
    static var clock: Millis { Millis(Date().timeIntervalSince1970 * 1000) }

    /// Who is deciding: `--by`, else the invoking user.
    static func actor(_ by: String?) -> String {
        if let by, !by.isEmpty { return by }
        let env = ProcessInfo.processInfo.environment
        if let name = env["SUDO_USER"] ?? env["USER"] ?? env["LOGNAME"], !name.isEmpty { return name }
        if let pw = getpwuid(getuid()), let name = pw.pointee.pw_name { return String(cString: name) }
        return "uid \(getuid())"
    }
}
