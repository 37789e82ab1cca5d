import Foundation
import Mustache

/// `report.html`: one self-contained page (inline CSS and SVG, no script, no network) for deciding
/// in minutes which recommendations to approve, and why.
///
/// Everything is rendered by swift-mustache from the templates in `HTMLTemplates`, pictures
/// included, and every value goes through `{{…}}`, which escapes: log lines, logins and user agents
/// are attacker-controlled, and nothing of them is ever inserted unescaped. The page also forbids
/// scripts through its Content-Security-Policy. Swift computes only numbers and words of its own.
public enum HTMLReport {
    public static func render(_ data: ReportData) -> String {
        let library = MustacheLibrary(templates: HTMLTemplates.all)
        return library.render(Page(data), withTemplate: "page") ?? "<!DOCTYPE html><p>report template error</p>"
    }

    // MARK: the page's view model (read by Mirror: stored properties only)

    struct Page {
        let nowText: String
        let sinceText: String
        let generatedText: String
        let store: String
        let run: String
        let newCount: Int
        let openCount: Int
        let sessions: Int
        let users: Int
        let findingTotal: Int
        let lines: Int
        let unparsed: Int
        let severities: [SeverityCount]
        let warnings: [String]
        let geoip: [GeoRow]
        let inputs: [InputRow]
        let newTable: EntryTable
        let openTable: EntryTable
        let closedTable: EntryTable
        let hasNew: Bool
        let hasOpen: Bool
        let hasClosed: Bool
        let moreRecommendations: Int?
        let users_: [UserBlock]
        let hasUsers: Bool
        let moreUsers: Int?
        let charts: [Chart]
        let unparsedSamples: [UnparsedRow]
        let hasUnparsed: Bool
        /// The world outline, defined once and used by every map.
        let land: [Land]

        init(_ d: ReportData) {
            nowText = ReportFiles.date(d.now)
            sinceText = ReportFiles.date(d.since)
            generatedText = ReportFiles.date(d.generatedAt)
            store = d.store
            run = d.runID.map { "run \($0)\(d.runKind.map { " (\($0))" } ?? "")" } ?? "no run yet"
            // Rows link to the details of flagged users shown on the page (the first `userCap` of them).
            let shown = Set(d.flaggedUsers.flatMap(\.recommendations))
            let entries = d.recommendations.map { EntryRow($0, linked: shown.contains($0.recommendation.id)) }
            newTable = EntryTable(rows: entries.filter(\.isNew))
            openTable = EntryTable(rows: entries.filter { !$0.isNew && ($0.status == "open" || $0.status == "approved") })
            closedTable = EntryTable(rows: entries.filter { !$0.isNew && $0.status != "open" && $0.status != "approved" })
            newCount = d.newTotal
            openCount = d.openTotal
            hasNew = !newTable.rows.isEmpty
            hasOpen = !openTable.rows.isEmpty
            hasClosed = !closedTable.rows.isEmpty
            moreRecommendations = d.recommendationTotal > d.recommendations.count ? d.recommendationTotal - d.recommendations.count : nil
            sessions = d.sessions
            users = d.users
            findingTotal = d.findingTotal
            lines = d.inputs.reduce(0) { $0 + $1.lines }
            unparsed = d.inputs.reduce(0) { $0 + $1.unparsed }
            severities = d.bySeverity.map { SeverityCount(name: $0.severity.rawValue, findings: $0.findings, recommendations: $0.recommendations) }
            warnings = d.warnings
            geoip = d.geoip.map { g in
                GeoRow(type: g.type, path: g.path, built: ReportFiles.date(g.built), old: d.now - g.built > ReportData.geoipMaxAge)
            }
            inputs = d.inputs.map(InputRow.init)
            let evidence = EvidenceLines.read(d.recommendations.flatMap { $0.findings.flatMap(\.evidence) })
            let blocks = d.flaggedUsers.map { UserBlock($0, data: d, evidence: evidence) }
            users_ = blocks
            hasUsers = !blocks.isEmpty
            moreUsers = d.flaggedUserTotal > d.flaggedUsers.count ? d.flaggedUserTotal - d.flaggedUsers.count : nil
            charts = [
                Chart.horizontal(title: "Sessions per country", unit: "sessions",
                                 d.sessionsPerCountry.prefix(15).map { ($0.country, $0.sessions) }),
                Chart.horizontal(title: "Findings per rule", unit: "findings", d.findingsPerRule.prefix(15).map { ($0.rule, $0.count) }),
                Chart.hours(d.activityPerHour),
            ]
            unparsedSamples = d.inputs.flatMap { i in i.samples.map { UnparsedRow(place: "\(i.path):\($0.line)", reason: $0.reason, text: $0.text) } }
            hasUnparsed = !unparsedSamples.isEmpty
            land = blocks.contains { $0.map != nil } ? WorldOutline.countries.map { Land(path: $0.path) } : []
        }
    }

    struct SeverityCount { let name: String; let findings: Int; let recommendations: Int }
    struct GeoRow { let type: String; let path: String?; let built: String; let old: Bool }
    struct UnparsedRow { let place: String; let reason: String; let text: String }

    struct InputRow {
        let path: String
        let format: String
        let version: String?
        let lines: Int
        let unparsed: Int
        let range: String
        let resumed: Int?
        let error: String?

        init(_ i: ReportData.Input) {
            path = i.path
            format = i.format
            version = i.odooVersion
            lines = i.lines
            unparsed = i.unparsed
            range = i.firstTime == nil ? "no records" : "\(ReportFiles.date(i.firstTime)) → \(ReportFiles.date(i.lastTime))"
            resumed = i.resumedAfterLine > 0 ? i.resumedAfterLine : nil
            error = i.error
        }
    }

    struct EntryTable { let rows: [EntryRow] }

    struct EntryRow {
        let id: String
        let severity: String
        let action: String
        let user: String
        let db: String
        let session: String?
        let status: String
        let reasons: [String]
        let isNew: Bool
        let userAnchor: String
        /// Whether the page shows this recommendation's details.
        let linked: Bool

        init(_ e: ReportData.Entry, linked: Bool) {
            let r = e.recommendation
            id = r.id
            severity = r.severity.rawValue
            action = r.action.rawValue
            user = r.user
            db = r.db
            session = r.sessionIdentifier
            status = r.status
            reasons = r.reasons
            isNew = e.isNew
            userAnchor = HTMLReport.anchor(db: r.db, user: r.user)
            self.linked = linked
        }
    }

    /// A stable, safe element id for a user (their login is not one).
    static func anchor(db: String, user: String) -> String { "u-" + StableHash.hex([db, user]) }

    struct UserBlock {
        let anchor: String
        let user: String
        let db: String
        let sessionCount: Int
        let timeline: Timeline?
        let map: WorldMap?
        let details: [Detail]

        init(_ u: ReportData.FlaggedUser, data: ReportData, evidence: [Evidence: EvidenceLines.Line]) {
            anchor = HTMLReport.anchor(db: u.db, user: u.user)
            user = u.user
            db = u.db
            sessionCount = u.sessions.count
            let entries = data.recommendations.filter { u.recommendations.contains($0.recommendation.id) }
            timeline = Timeline(u, now: data.now, since: min(data.since, data.now - 14 * 86_400_000))
            map = WorldMap(u, findings: entries.flatMap(\.findings))
            details = entries.map { Detail($0, evidence: evidence) }
        }
    }

    struct Detail {
        let id: String
        let severity: String
        let action: String
        let status: String
        let session: String?
        let findings: [FindingBlock]

        init(_ e: ReportData.Entry, evidence: [Evidence: EvidenceLines.Line]) {
            let r = e.recommendation
            id = r.id
            severity = r.severity.rawValue
            action = r.action.rawValue
            status = r.status
            session = r.sessionIdentifier
            findings = e.findings.map { FindingBlock($0, evidence: evidence) }
        }
    }

    struct Fact { let key: String; let value: String }
    struct EvidenceRow { let place: String; let text: String; let unavailable: Bool }

    struct FindingBlock {
        let id: String
        let severity: String
        let rule: String
        let summary: String
        let facts: [Fact]
        let evidence: [EvidenceRow]
        let suppressed: Bool

        init(_ f: Finding, evidence lines: [Evidence: EvidenceLines.Line]) {
            id = f.id
            severity = f.severity.rawValue
            rule = f.rule
            summary = f.summary
            facts = f.facts.map { Fact(key: $0.0, value: HTMLReport.factText($0.1)) }
            evidence = f.evidence.map { e in
                switch lines[e] {
                case .text(let text)? where !FindingBlock.fits(text, f):
                    EvidenceRow(place: "\(e.file):\(e.line)",
                                text: "the file has changed since (rotated?): that line now holds a record of "
                                    + (InputFormats.lineTime(text).map(UTC.iso) ?? String(text.prefix(19))),
                                unavailable: true)
                case .text(let text)?: EvidenceRow(place: "\(e.file):\(e.line)", text: text, unavailable: false)
                case .unavailable(let why)?: EvidenceRow(place: "\(e.file):\(e.line)", text: why, unavailable: true)
                case nil: EvidenceRow(place: "\(e.file):\(e.line)", text: "not read", unavailable: true)
                }
            }
            suppressed = f.suppressedBy != nil
        }

        /// Whether a cited line's own time (an Odoo record starts with it, an nginx line has it in
        /// brackets) lies around the finding's: after a rotation the same file name and line number
        /// hold another record.
        static func fits(_ line: String, _ f: Finding) -> Bool {
            guard let time = InputFormats.lineTime(line) else { return true }  // no time of its own: cannot tell
            return time >= f.firstSeen - 86_400_000 && time <= f.lastSeen + 86_400_000
        }
    }

    /// A fact's value in words: places as "BR São Paulo (203.0.113.130) 2025-03-14 20:58", lists joined.
    static func factText(_ value: JSON) -> String {
        switch value {
        case .null: return "—"
        case .bool(let b): return b ? "yes" : "no"
        case .int(let i): return String(i)
        case .double(let d): return d == d.rounded() && abs(d) < 1e15 ? String(Int64(d)) : String(format: "%.1f", d)
        case .string(let s): return s
        case .array(let items): return items.map(factText).joined(separator: ", ")
        case .object(let pairs):
            func text(_ key: String) -> String? {
                guard let v = pairs.first(where: { $0.0 == key })?.1, v != .null else { return nil }
                return factText(v)
            }
            if let ip = text("ip") {
                let place = [text("country"), text("city")].compactMap { $0 }.joined(separator: " ")
                var when = text("from").map { " " + ReportFiles.date(UTC.parse($0)) } ?? ""
                if let to = text("to"), to != text("from") { when += " → " + ReportFiles.date(UTC.parse(to)) }
                return "\(place.isEmpty ? "?" : place) (\(ip))\(when)"
            }
            return pairs.map { "\($0.0): \(factText($0.1))" }.joined(separator: "; ")
        }
    }

    // MARK: pictures (numbers computed here, drawn by the templates)

    static func number(_ v: Double) -> String { String(format: "%.1f", v) }

    struct Tick { let x: String; let label: String }
    struct Bar { let x: String; let y: String; let w: String; let h: String; let cls: String; let title: String }
    struct Row { let y: String; let textY: String; let label: String; let bars: [Bar] }

    /// Sessions by place over time: one row per place, one mark per visit; the flagged sessions red.
    struct Timeline {
        let width = 700
        let height: Int
        let plotRight = 690
        let axisY: Int
        let ticks: [Tick]
        let rows: [Row]
        let label: String

        init?(_ u: ReportData.FlaggedUser, now: Millis, since: Millis) {
            let sessions = u.sessions
            guard !sessions.isEmpty else { return nil }
            let start = min(since, sessions.map(\.firstActivity).min() ?? since)
            let span = Double(max(now - start, 3_600_000))
            let left = 170.0, plot = 690.0 - left
            func x(_ t: Millis) -> Double { left + Double(min(max(t - start, 0), now - start)) / span * plot }
            var places: [String] = []
            var marks: [String: [Bar]] = [:]
            for s in sessions {
                for use in s.ips {
                    let place: String
                    switch use.placement {
                    case .internal: place = "internal network"
                    case .unknown: place = use.ip
                    case .located(let l): place = [l.countryCode, l.city ?? l.region].compactMap { $0 }.joined(separator: " ")
                    }
                    if !places.contains(place) { places.append(place) }
                    let flagged = u.flagged.contains(s.key)
                    for v in use.visits.suffix(60) {
                        let x0 = x(v.start), w = max(x(v.end) - x0, 2)
                        marks[place, default: []].append(Bar(
                            x: HTMLReport.number(x0), y: "", w: HTMLReport.number(w), h: "12", cls: flagged ? "flag" : "ok",
                            title: "\(s.identifier ?? s.key) · \(use.ip) · \(ReportFiles.date(v.start)) → \(ReportFiles.date(v.end))"))
                    }
                }
            }
            // At most 400 marks per place, the latest (a page stays light with 40 users).
            for (place, bars) in marks where bars.count > 400 { marks[place] = Array(bars.suffix(400)) }
            let shown = Array(places.prefix(12))
            rows = shown.enumerated().map { i, place in
                let y = 10 + i * 22
                return Row(y: String(y), textY: String(y + 10), label: place,
                           bars: (marks[place] ?? []).map { Bar(x: $0.x, y: String(y), w: $0.w, h: $0.h, cls: $0.cls, title: $0.title) })
            }
            axisY = 10 + shown.count * 22 + 4
            height = axisY + 22
            let days = max(1, Int(span / 86_400_000))
            let step = max(1, days / 8)
            var ticks: [Tick] = []
            var t = (start / 86_400_000 + 1) * 86_400_000
            while t <= now {
                ticks.append(Tick(x: HTMLReport.number(x(t)), label: String(UTC.iso(t).dropFirst(5).prefix(5))))
                t += Millis(step) * 86_400_000
            }
            self.ticks = ticks
            label = "Sessions of \(u.user) by place, \(ReportFiles.date(start)) to \(ReportFiles.date(now)); flagged sessions in red"
        }
    }

    struct Land { let path: String }
    struct Point { let cx: String; let cy: String; let r: String; let cls: String; let title: String }
    struct Line { let x1: String; let y1: String; let x2: String; let y2: String; let title: String }

    /// Where the user was: land outlines (equirectangular), one circle per place sized by its
    /// accuracy radius, lines for the moves findings judged.
    struct WorldMap {
        var points: [Point]
        let lines: [Line]
        let label: String
        /// The part of the world the places are in (2:1, at least 40° wide), and line widths for it.
        let viewBox: String
        let thin: String
        let thick: String
        let dash: String

        init?(_ u: ReportData.FlaggedUser, findings: [Finding]) {
            var points: [String: Point] = [:]
            for s in u.sessions {
                for use in s.ips {
                    guard let l = use.placement.location, let lat = l.latitude, let lon = l.longitude else { continue }
                    let flagged = u.flagged.contains(s.key)
                    let key = "\(lat),\(lon)"
                    if let known = points[key], known.cls == "flag" || !flagged { continue }
                    let r = min(Double(l.accuracyRadiusKm ?? 50) / 111, 12)
                    points[key] = Point(cx: HTMLReport.number(lon + 180), cy: HTMLReport.number(90 - lat), r: HTMLReport.number(r),
                                        cls: flagged ? "flag" : "ok",
                                        title: "\([l.countryCode, l.city].compactMap { $0 }.joined(separator: " ")) ± \(l.accuracyRadiusKm ?? 0) km")
                }
            }
            guard !points.isEmpty else { return nil }
            var lines: [Line] = []
            for f in findings {
                func coordinates(_ key: String) -> (Double, Double)? {
                    func number(_ v: JSON?) -> Double? {
                        switch v {
                        case .double(let d)?: d
                        case .int(let i)?: Double(i)  // 47.0 is stored as 47
                        default: nil
                        }
                    }
                    guard case .object(let place)? = f.facts.first(where: { $0.0 == key })?.1,
                          let lat = number(place.first(where: { $0.0 == "latitude" })?.1),
                          let lon = number(place.first(where: { $0.0 == "longitude" })?.1) else { return nil }
                    return (lat, lon)
                }
                guard let a = coordinates("from"), let b = coordinates("to") else { continue }
                lines.append(Line(x1: HTMLReport.number(a.1 + 180), y1: HTMLReport.number(90 - a.0), x2: HTMLReport.number(b.1 + 180),
                                  y2: HTMLReport.number(90 - b.0), title: f.summary))
            }
            self.points = points.values.sorted { ($0.cls, $0.cx, $0.cy) < ($1.cls, $1.cx, $1.cy) }
            self.lines = lines
            // Zoom to the places and moves, with a margin; the whole world when they span most of it.
            let xs = self.points.compactMap { Double($0.cx) } + lines.flatMap { [Double($0.x1), Double($0.x2)].compactMap { $0 } }
            let ys = self.points.compactMap { Double($0.cy) } + lines.flatMap { [Double($0.y1), Double($0.y2)].compactMap { $0 } }
            let (x0, x1, y0, y1) = (xs.min() ?? 0, xs.max() ?? 360, ys.min() ?? 0, ys.max() ?? 180)
            var w = max(x1 - x0, (y1 - y0) * 2) * 1.4 + 16
            w = min(max(w, 40), 360)
            let h = w / 2
            let left = min(max((x0 + x1) / 2 - w / 2, 0), 360 - w), top = min(max((y0 + y1) / 2 - h / 2, 0), 180 - h)
            viewBox = "\(HTMLReport.number(left)) \(HTMLReport.number(top)) \(HTMLReport.number(w)) \(HTMLReport.number(h))"
            let scale = w / 360
            thin = String(format: "%.2f", 0.3 * scale)
            // Every place stays visible: at least about 4 pixels of radius at this zoom.
            self.points = self.points.map { p in
                Point(cx: p.cx, cy: p.cy, r: HTMLReport.number(max(Double(p.r) ?? 0, 4.5 * scale)), cls: p.cls, title: p.title)
            }
            thick = String(format: "%.2f", 1.6 * scale)
            dash = "\(String(format: "%.2f", 5 * scale)) \(String(format: "%.2f", 3 * scale))"
            label = "Places of \(u.user): circles sized by accuracy radius, flagged in red, judged moves as lines"
        }
    }

    struct ChartBar {
        let x: String, y: String, w: String, h: String
        let labelX: String, labelY: String, valueX: String, valueY: String
        let label: String, value: Int
    }

    struct Chart {
        let title: String
        let width: Int
        let height: Int
        let bars: [ChartBar]
        let empty: Bool
        let vertical: Bool

        /// Labels on the left, bars to the right.
        static func horizontal(title: String, unit: String, _ values: [(String, Int)]) -> Chart {
            let top = max(values.map(\.1).max() ?? 1, 1)
            let bars = values.enumerated().map { i, v in
                let y = Double(i * 20 + 4), w = max(Double(v.1) / Double(top) * 250, 1)
                return ChartBar(x: "150", y: HTMLReport.number(y), w: HTMLReport.number(w), h: "14", labelX: "144",
                                labelY: HTMLReport.number(y + 11), valueX: HTMLReport.number(150 + w + 4), valueY: HTMLReport.number(y + 11),
                                label: v.0, value: v.1)
            }
            return Chart(title: title, width: 440, height: max(values.count * 20 + 8, 30), bars: bars, empty: values.isEmpty, vertical: false)
        }

        /// One column per hour of the day (UTC).
        static func hours(_ counts: [Int]) -> Chart {
            let top = max(counts.max() ?? 1, 1)
            let bars = counts.enumerated().map { hour, n in
                let h = Double(n) / Double(top) * 120, x = Double(8 + hour * 17)
                return ChartBar(x: HTMLReport.number(x), y: HTMLReport.number(130 - h), w: "13", h: HTMLReport.number(max(h, 0.5)),
                                labelX: HTMLReport.number(x + 6.5), labelY: "146", valueX: HTMLReport.number(x + 6.5),
                                valueY: HTMLReport.number(126 - h), label: String(format: "%02d", hour), value: n)
            }
            return Chart(title: "Activity per hour of the day (UTC, visits)", width: 420, height: 152, bars: bars,
                         empty: counts.allSatisfy { $0 == 0 }, vertical: true)
        }
    }
}
