import Foundation
import Testing
@testable import SessionGuard

@Suite("GeoIP on the sample databases")
struct GeoTests {
    static let cityPath = samplePath("Samples/geoip/GeoLite2-City-Sample.mmdb")
    static let asnPath = samplePath("Samples/geoip/GeoLite2-ASN-Sample.mmdb")

    func locator() throws -> GeoLocator {
        GeoLocator(city: try GeoDatabase(path: Self.cityPath), asn: try GeoDatabase(path: Self.asnPath))
    }

    @Test("database type and build epoch are read from the metadata")
    func metadata() throws {
        let city = try GeoDatabase(path: Self.cityPath)
        #expect(city.databaseType == "GeoLite2-City")
        #expect(city.buildEpoch == 1_741_910_400)
        #expect(!city.isASN)
        #expect(try GeoDatabase(path: Self.asnPath).isASN)
    }

    @Test("an IPv4 address gets country, city, coordinates, accuracy radius and ASN")
    func ipv4() throws {
        let l = try #require(try locator().place("203.0.113.130").location)
        #expect(l.countryCode == "BR")
        #expect(l.countryName == "Brazil")
        #expect(l.city == "São Paulo")
        #expect(l.region == "São Paulo")
        #expect(abs((l.latitude ?? 0) - -23.5475) < 0.0001)
        #expect(abs((l.longitude ?? 0) - -46.6361) < 0.0001)
        #expect(l.accuracyRadiusKm == 20)
        #expect(l.asn == 28573)
        #expect(l.asOrganization == "Claro NXT Telecomunicacoes Ltda")
    }

    @Test("an IPv6 address is placed too")
    func ipv6() throws {
        let l = try #require(try locator().place("2001:db8:1:4::1f3").location)
        #expect(l.countryCode == "NL")
        #expect(l.city == "Amsterdam")
        #expect(l.asn == 1136)
    }

    @Test("private, loopback, CGNAT and link-local addresses are internal and never looked up", arguments: [
        "10.1.2.3", "172.17.0.1", "192.168.1.20", "127.0.0.1", "100.64.3.4", "169.254.1.1", "::1", "fd00::1", "fe80::1",
        "::ffff:10.0.0.1",
    ])
    func internalAddresses(ip: String) throws {
        let l = try locator()
        #expect(l.place(ip) == .internal)
        #expect(l.lookups == 0)
    }

    @Test("addresses the databases do not hold are unknown; documentation ranges are not internal")
    func unknown() throws {
        let l = try locator()
        #expect(l.place("203.0.113.200") == .unknown)
        #expect(l.place("2001:db8:99::1") == .unknown)
        #expect(l.place("not-an-ip") == .unknown)
        #expect(l.misses == 2)
        #expect(IPAddress("198.51.100.10")?.isInternal == false)
    }

    @Test("a missing or invalid database is a clear error")
    func errors() throws {
        #expect(throws: GeoError.self) { try GeoDatabase(path: "/nonexistent.mmdb") }
        let bogus = writeLog("not a database")
        #expect(throws: GeoError.self) { try GeoDatabase(path: bogus) }
    }

    @Test("the committed sample databases are exactly what the committed script builds")
    func reproducible() throws {
        let check = Process()
        check.executableURL = URL(fileURLWithPath: "/usr/bin/perl")
        check.arguments = ["-MMaxMind::DB::Writer::Tree", "-e", "1"]
        try check.run()
        check.waitUntilExit()
        guard check.terminationStatus == 0 else {
            Issue.record("libmaxmind-db-writer-perl is not installed (make test installs it)")
            return
        }
        // The script writes next to itself: build a copy in a temporary directory.
        let dir = temporaryDirectory()
        let script = dir.appendingPathComponent("build_geoip.pl")
        try FileManager.default.copyItem(atPath: samplePath("Samples/geoip/build_geoip.pl"), toPath: script.path)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/perl")
        p.arguments = [script.path]
        try p.run()
        p.waitUntilExit()
        #expect(p.terminationStatus == 0)
        for name in ["GeoLite2-City-Sample.mmdb", "GeoLite2-ASN-Sample.mmdb"] {
            let built = try Data(contentsOf: dir.appendingPathComponent(name))
            let committed = try Data(contentsOf: URL(fileURLWithPath: samplePath("Samples/geoip/\(name)")))
            #expect(built == committed, "\(name) differs from what build_geoip.pl writes")
        }
    }

    @Test("CIDR containment and network prefixes")
    func cidr() {
        let net = CIDR("198.51.100.0/25")!
        #expect(net.contains(IPAddress("198.51.100.127")!))
        #expect(!net.contains(IPAddress("198.51.100.128")!))
        #expect(IPAddress("2001:db8:1:4::1f3")!.network() == "2001:db8:1:4::/64")
        #expect(IPAddress("203.0.113.130")!.network() == "203.0.113.0/24")
        #expect(CIDR("10.0.0.0/33") == nil)
    }
}
