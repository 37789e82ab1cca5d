import Testing
@testable import SessionGuard

@Suite("What the run says about its inputs")
struct AnalyzerWarningsTests {
    func stats(_ path: String, lines: Int, records: Int, requests: Int) -> InputStats {
        var s = InputStats(path: path, format: "odoo")
        s.lines = lines
        s.records = records
        s.requests = requests
        return s
    }

    @Test("nearly all requests from one private address: the proxy hides the clients")
    func proxy() {
        var s = stats("odoo.log", lines: 1000, records: 1000, requests: 1000)
        s.topInternalIP = "127.0.0.1"
        s.topInternalRequests = 950
        var inputs = [s]
        let warnings = Analyzer.warnings(for: &inputs)
        #expect(warnings.count == 1)
        #expect(warnings[0].contains("127.0.0.1") && warnings[0].contains("proxy_mode = True"))
        inputs[0].topInternalRequests = 500  // a mixed log is fine
        #expect(Analyzer.warnings(for: &inputs).isEmpty)
    }

    @Test("an empty file is a warning; a file with lines but no Odoo record is an input error quoting its first line")
    func emptyAndForeign() {
        var foreign = stats("access.log", lines: 10, records: 0, requests: 0)
        foreign.unparsedSamples = [UnparsedLine(line: 1, text: "192.0.2.1 - - [14/Mar/2025:09:26:53 +0000] \"GET /\"", reason: "no Odoo log header")]
        var inputs = [stats("empty.log", lines: 0, records: 0, requests: 0), foreign]
        let warnings = Analyzer.warnings(for: &inputs)
        #expect(warnings == ["empty.log is empty"])
        #expect(inputs[1].error?.contains("not an Odoo server log") == true)
        #expect(inputs[1].error?.contains("192.0.2.1 - -") == true)
    }

    @Test("injections are summed per file in a warning")
    func injections() {
        var s = stats("odoo.log", lines: 10, records: 10, requests: 5)
        s.injections = 2
        var inputs = [s]
        #expect(Analyzer.warnings(for: &inputs).first?.contains("2 possible log injection(s)") == true)
    }
}
