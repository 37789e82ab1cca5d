import Foundation
import Testing
@testable import SessionGuard

/// The analyst's reports: report.html, summary.md and the CSV files, from analyze and from `sessionguard report`.
@Suite("Reports", .serialized)
struct ReportTests {
    let e2e = EndToEndTests()

    /// A log whose attacker-controlled parts try to get into the page: a login name carrying markup
    /// and a template tag (guessed at 12 times, so brute-force cites those lines), and a line that
    /// is nothing but a script.
    static func hostileLog(in dir: URL) -> String {
        let login = #""><img/src=x/onerror=alert(1)>{{x}}"#
        var lines = ["<script>alert(1)</script>", "2025-03-14 02:59:00,000 4216 INFO prod odoo.modules.loading: loading 1 modules..."]
        for i in 0..<12 {
            lines.append(String(format: "2025-03-14 03:00:%02d,000 4216 INFO prod odoo.addons.base.models.res_users: ", i * 3)
                         + "Login failed for db:prod login:\(login) from 192.0.2.99")
        }
        return writeLog(lines.joined(separator: "\n") + "\n", name: "hostile.log", in: dir)
    }

    @Test("log text reaches report.html, summary.md and the CSV files only escaped")
    func escaping() throws {
        let dir = temporaryDirectory()
        let log = Self.hostileLog(in: dir)
        let report = dir.appendingPathComponent("r")
        let run = try e2e.run(["analyze", "--config", "Samples/sessionguard.yml", "--now", "2025-03-15T00:00:00Z", "--quiet",
                               "--store", testStoreURL(dir), "--report", report.path, log])
        #expect(run.status == 0 || run.status == 1, "\(run.stderr)")
        let html = try String(contentsOf: report.appendingPathComponent("report.html"), encoding: .utf8)
        // The payloads are there, as text.
        #expect(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
        #expect(html.contains("&quot;&gt;&lt;img/src=x/onerror=alert(1)&gt;{{x}}"))
        // And never as markup: the page has no script and no image at all.
        #expect(html.range(of: "<script", options: .caseInsensitive) == nil)
        #expect(html.range(of: "<img", options: .caseInsensitive) == nil)
        #expect(html.contains("Content-Security-Policy") && html.contains("default-src 'none'"))

        let markdown = try String(contentsOf: report.appendingPathComponent("summary.md"), encoding: .utf8)
        #expect(markdown.contains(#"\<img/src=x/onerror=alert(1)\>{{x}}"#), "\(markdown)")
        #expect(markdown.range(of: #"(?<!\\)[<>]"#, options: .regularExpression) == nil, "an unescaped < or > in \(markdown)")
        let csv = try String(contentsOf: report.appendingPathComponent("recommendations.csv"), encoding: .utf8)
        #expect(csv.contains(#","""><img/src=x/onerror=alert(1)>{{x}}","#), "\(csv)")
    }

    @Test("the templates insert nothing unescaped, and the page's elements are balanced")
    func structure() throws {
        for (name, text) in HTMLTemplates.sources {
            #expect(!text.contains("{{{") && !text.contains("{{&"), "template \(name)")
        }
        let dir = temporaryDirectory()
        #expect(try e2e.analyze(dir, report: "r").status == 0)
        let html = try String(contentsOf: dir.appendingPathComponent("r/report.html"), encoding: .utf8)
        for tag in ["html", "section", "table", "svg", "details", "article", "pre", "ul"] {
            let open = html.components(separatedBy: "<\(tag)").count - 1, close = html.components(separatedBy: "</\(tag)>").count - 1
            #expect(open == close && open > 0, "<\(tag)>: \(open) opened, \(close) closed")
        }
        for id in ["glance", "new", "open", "users", "charts", "inputs"] { #expect(html.contains(#"<section id="\#(id)">"#)) }
        // The samples' four recommendations are new, with alice's impossible travel on her map.
        #expect(html.contains("New since the previous run (4)"))
        #expect(html.contains(#"<line class="move""#))
        #expect(html.components(separatedBy: ##"<use href="#world""##).count - 1 == 4)  // one map per flagged user…
        #expect(html.components(separatedBy: #"<g id="world""#).count - 1 == 1)        // …on one world outline
        // Nothing from the network: no stylesheet, script, image or frame to fetch.
        for fetch in ["<link", "<script", "<img", "<iframe", " src=", "@import", "url("] { #expect(!html.contains(fetch), "\(fetch)") }
    }

    @Test("summary.md of the samples is the golden file")
    func markdownGolden() throws {
        let dir = temporaryDirectory()
        #expect(try e2e.analyze(dir, report: "r").status == 0)
        let markdown = try String(contentsOf: dir.appendingPathComponent("r/summary.md"), encoding: .utf8)
        let golden = try String(contentsOfFile: samplePath("Tests/Golden/summary.md"), encoding: .utf8)
        #expect(markdown == golden)
    }

    @Test("Markdown escapes markup, entities and autolinks; a cited line from another time is not shown as evidence")
    func markdownAndEvidence() {
        let md = ReportFiles.md("see https://evil.example/reset & WWW.evil.example [x](y)")
        #expect(md == #"see https:\/\/evil.example/reset \& WWW\.evil.example \[x\](y)"#, "\(md)")
        let f = Finding(id: "F", rule: "r", detector: "d", severity: .high, db: "prod", user: "u", userID: nil, sessionKey: "k",
                        sessionIdentifier: nil, firstSeen: UTC.parse("2025-03-14T08:00:00Z")!, lastSeen: UTC.parse("2025-03-14T20:00:00Z")!,
                        summary: "s", facts: [], evidence: [], recommend: .review, ruleHash: "h", geoipBuild: nil)
        #expect(HTMLReport.FindingBlock.fits("2025-03-14 12:00:00,000 4216 INFO prod werkzeug: …", f))
        #expect(!HTMLReport.FindingBlock.fits("2025-02-22 03:00:00,000 4219 INFO prod odoo.addons.base.models.ir_cron: …", f))
        #expect(HTMLReport.FindingBlock.fits("a continuation line without a time", f))
    }

    @Test("CSV records follow RFC 4180 and defuse spreadsheet formulas")
    func csv() {
        #expect(ReportFiles.csvRecord(["plain", "a,b", #"say "hi""#, "two\nlines", ""]) == "plain,\"a,b\",\"say \"\"hi\"\"\",\"two\nlines\",\r\n")
        #expect(ReportFiles.csvRecord(["=HYPERLINK(\"x\")", "+1+1", "@SUM(A1)", "-5", "-2.5", " padded"])
            == "\"'=HYPERLINK(\"\"x\"\")\",'+1+1,'@SUM(A1),-5,-2.5,\" padded\"\r\n")
    }

    @Test("the committed shell completions match the commands; the man page names every command")
    func docs() throws {
        for shell in ["bash", "zsh", "fish"] {
            let generated = try e2e.run(["--generate-completion-script", shell]).stdout
            let committed = try String(contentsOfFile: samplePath("docs/completions/sessionguard.\(shell)"), encoding: .utf8)
            #expect(generated == committed, "docs/completions/sessionguard.\(shell) is stale: run make docs")
        }
        let manual = try String(contentsOfFile: samplePath("docs/man/sessionguard.1"), encoding: .utf8)
        for command in ["analyze", "ingest", "detect", "recommendations", "revoke", "explain", "runs", "report", "sessions", "geoip", "rules", "config"] {
            #expect(manual.contains(command), "the man page lacks \(command): run make docs")
        }
    }

    @Test("colours only on a terminal and never with NO_COLOR; a progress line only on a terminal")
    func terminal() throws {
        let piped = try e2e.analyze(temporaryDirectory(), report: "r")
        #expect(!piped.stdout.contains("\u{1B}[") && !piped.stderr.contains("reading ["))
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/script") else { return }  // util-linux: a pseudo-terminal
        func onTerminal(_ environment: [String: String]) throws -> String {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: "/usr/bin/script")
            let store = testStoreURL(temporaryDirectory())
            p.arguments = ["-qec", "'\(EndToEndTests.binary)' analyze --config Samples/sessionguard.yml --now 2025-03-15T00:00:00Z "
                           + "--store '\(store)' " + EndToEndTests.logs.joined(separator: " "), "/dev/null"]
            p.currentDirectoryURL = packageRoot
            p.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
            let out = Pipe()
            p.standardOutput = out
            p.standardInput = FileHandle.nullDevice
            try p.run()
            let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            p.waitUntilExit()
            return text
        }
        #expect(try onTerminal(["NO_COLOR": "", "TERM": "xterm"]).contains("\u{1B}[1;31mhigh\u{1B}[0m"))
        #expect(!(try onTerminal(["NO_COLOR": "1", "TERM": "xterm"]).contains("\u{1B}[1;31m")))
    }

    @Test("sessionguard report writes the same files again from the store alone; --since sets the period")
    func fromStore() throws {
        let dir = temporaryDirectory()
        #expect(try e2e.analyze(dir, report: "r").status == 0)
        let again = dir.appendingPathComponent("again")
        let store = testStoreURL(dir, "store.sqlite")
        let run = try e2e.run(["report", "--store", store, "--report", again.path])
        #expect(run.status == 0 && run.stdout.contains("wrote report.html"), "\(run.stdout)\(run.stderr)")
        for file in ["summary.md", "findings.csv", "recommendations.csv", "sessions.csv"] {
            #expect(try Data(contentsOf: again.appendingPathComponent(file)) == Data(contentsOf: dir.appendingPathComponent("r/\(file)")), "\(file)")
        }
        let week = try e2e.run(["report", "--store", store, "--report", again.path, "--since", "7d"])
        #expect(week.status == 0 && week.stdout.contains("since 2025-03-08T00:00:00Z"), "\(week.stdout)")
        let sessions = try String(contentsOf: again.appendingPathComponent("sessions.csv"), encoding: .utf8)
        #expect(sessions.split(separator: "\r\n").count < 49 + 1)  // fewer than the month's 49 sessions
        #expect(try e2e.run(["report", "--store", store, "--report", again.path, "--since", "soon"]).status == 2)
        #expect(try e2e.run(["report", "--store", store, "--report", again.path, "--since", "2025"]).status == 2)  // not 2025 seconds

        // Ten days later the sessions behind two recommendations ended on their own: the detect that
        // expires them shows them as closed by this run.
        #expect(try e2e.run(["detect", "--config", "Samples/sessionguard.yml", "--now", "2025-03-25T00:00:00Z", "--quiet",
                             "--store", store, "--report", again.path]).status == 0)
        let html = try String(contentsOf: again.appendingPathComponent("report.html"), encoding: .utf8)
        #expect(html.contains("Closed by this run") && html.contains(">expired<"), "no closed recommendations in the page")
    }
}
