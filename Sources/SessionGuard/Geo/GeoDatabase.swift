import CMaxMindDB
import Foundation

/// Why a MaxMind database could not be used.
public struct GeoError: Error, CustomStringConvertible, Sendable {
    public let path: String
    public let reason: String
    public var description: String { "\(path): \(reason)" }
}

/// Where an address is, as far as a MaxMind database knows. Every field may be missing.
public struct GeoLocation: Sendable, Hashable, Codable {
    public var countryCode: String?
    public var countryName: String?
    public var region: String?
    public var city: String?
    public var latitude: Double?
    public var longitude: Double?
    /// MaxMind's accuracy radius in kilometres: the place is somewhere within it.
    public var accuracyRadiusKm: Int?
    public var asn: Int?
    public var asOrganization: String?

    public init() {}
}

/// A MaxMind (GeoIP2/GeoLite2 City or ASN) database opened in mmap mode.
///
/// The only type that touches libmaxminddb. Lookups are read-only on the mapped file; the instance
/// is used from one thread at a time by `GeoLocator`.
public final class GeoDatabase: @unchecked Sendable {
    public let path: String
    public let databaseType: String
    /// Build time of the database, seconds since the epoch.
    public let buildEpoch: Int64
    private var mmdb = MMDB_s()

    private static let paths: [String: [String]] = [
        "countryCode": ["country", "iso_code"],
        "registeredCountryCode": ["registered_country", "iso_code"],
        "countryName": ["country", "names", "en"],
        "region": ["subdivisions", "0", "names", "en"],
        "city": ["city", "names", "en"],
        "latitude": ["location", "latitude"],
        "longitude": ["location", "longitude"],
        "radius": ["location", "accuracy_radius"],
        "asn": ["autonomous_system_number"],
        "asOrganization": ["autonomous_system_organization"],
    ]

    public init(path: String) throws(GeoError) {
        self.path = path
        guard FileManager.default.fileExists(atPath: path) else {
            throw GeoError(path: path, reason: "no such file")
        }
        let rc = MMDB_open(path, UInt32(MMDB_MODE_MMAP), &mmdb)
        guard rc == MMDB_SUCCESS else {
            throw GeoError(path: path, reason: String(cString: MMDB_strerror(rc)))
        }
        databaseType = String(cString: mmdb.metadata.database_type)
        buildEpoch = Int64(mmdb.metadata.build_epoch)
    }

    deinit { MMDB_close(&mmdb) }

    /// Whether this database has ASN fields rather than City/Country fields.
    public var isASN: Bool { databaseType.localizedCaseInsensitiveContains("ASN") }

    /// Looks `ip` up and fills the fields this database has into `location`. Returns false when the
    /// address is not in the database.
    public func lookup(_ ip: String, into location: inout GeoLocation) throws(GeoError) -> Bool {
        var gaiError: Int32 = 0
        var mmdbError: Int32 = 0
        var result = MMDB_lookup_string(&mmdb, ip, &gaiError, &mmdbError)
        guard gaiError == 0 else { throw GeoError(path: path, reason: "'\(ip)' is not an IP address") }
        guard mmdbError == MMDB_SUCCESS else {
            throw GeoError(path: path, reason: String(cString: MMDB_strerror(mmdbError)))
        }
        guard result.found_entry else { return false }
        if isASN {
            location.asn = value(&result.entry, "asn").flatMap(Self.integer)
            location.asOrganization = value(&result.entry, "asOrganization").flatMap(Self.string)
        } else {
            location.countryCode = value(&result.entry, "countryCode").flatMap(Self.string)
                ?? value(&result.entry, "registeredCountryCode").flatMap(Self.string)
            location.countryName = value(&result.entry, "countryName").flatMap(Self.string)
            location.region = value(&result.entry, "region").flatMap(Self.string)
            location.city = value(&result.entry, "city").flatMap(Self.string)
            location.latitude = value(&result.entry, "latitude").flatMap(Self.double)
            location.longitude = value(&result.entry, "longitude").flatMap(Self.double)
            location.accuracyRadiusKm = value(&result.entry, "radius").flatMap(Self.integer)
        }
        return true
    }

    /// `MMDB_get_value` is variadic (unavailable in Swift): build the NULL-terminated path for
    /// `MMDB_aget_value` instead.
    private func value(_ entry: inout MMDB_entry_s, _ key: String) -> MMDB_entry_data_s? {
        let components = Self.paths[key]!
        let cStrings = components.map { strdup($0) }
        defer { cStrings.forEach { free($0) } }
        var pointers: [UnsafePointer<CChar>?] = cStrings.map { UnsafePointer($0) }
        pointers.append(nil)
        var data = MMDB_entry_data_s()
        let rc = pointers.withUnsafeBufferPointer { MMDB_aget_value(&entry, &data, $0.baseAddress) }
        guard rc == MMDB_SUCCESS, data.has_data else { return nil }
        return data
    }

    /// MaxMind strings are not NUL-terminated: read exactly `data_size` bytes.
    private static func string(_ d: MMDB_entry_data_s) -> String? {
        guard d.type == UInt32(MMDB_DATA_TYPE_UTF8_STRING), let p = d.utf8_string else { return nil }
        return p.withMemoryRebound(to: UInt8.self, capacity: Int(d.data_size)) {
            String(decoding: UnsafeBufferPointer(start: $0, count: Int(d.data_size)), as: UTF8.self)
        }
    }

    private static func double(_ d: MMDB_entry_data_s) -> Double? {
        switch Int32(d.type) {
        case MMDB_DATA_TYPE_DOUBLE: return d.double_value
        case MMDB_DATA_TYPE_FLOAT: return Double(d.float_value)
        default: return nil
        }
    }

    private static func integer(_ d: MMDB_entry_data_s) -> Int? {
        switch Int32(d.type) {
        case MMDB_DATA_TYPE_UINT16: return Int(d.uint16)
        case MMDB_DATA_TYPE_UINT32: return Int(d.uint32)
        case MMDB_DATA_TYPE_INT32: return Int(d.int32)
        case MMDB_DATA_TYPE_UINT64: return Int(d.uint64)
        default: return nil
        }
    }
}

/// What the run knows about an address.
public enum Placement: Sendable, Hashable {
    /// Private, loopback, CGNAT…: says nothing about where a person is; never looked up.
    case `internal`
    /// Not in the databases (or no database configured).
    case unknown
    case located(GeoLocation)

    public var location: GeoLocation? {
        if case .located(let l) = self { return l }
        return nil
    }
}

/// Places addresses with a City database and an optional ASN database, once per distinct address.
public final class GeoLocator {
    public let city: GeoDatabase?
    public let asn: GeoDatabase?
    private var cache: [String: Placement] = [:]
    public private(set) var lookups = 0
    public private(set) var misses = 0

    public init(city: GeoDatabase?, asn: GeoDatabase?) {
        self.city = city
        self.asn = asn
    }

    public var databases: [GeoDatabase] { [city, asn].compactMap { $0 } }

    public func place(_ ip: String) -> Placement {
        if let hit = cache[ip] { return hit }
        let placement: Placement
        if let address = IPAddress(ip) {
            if address.isInternal {
                placement = .internal
            } else {
                lookups += 1
                var location = GeoLocation()
                let text = address.description
                let inCity = (try? city?.lookup(text, into: &location)) ?? false
                let inASN = (try? asn?.lookup(text, into: &location)) ?? false
                if inCity || inASN {
                    placement = .located(location)
                } else {
                    misses += 1
                    placement = .unknown
                }
            }
        } else {
            placement = .unknown
        }
        cache[ip] = placement
        return placement
    }
}
