import Mustache

/// The templates of `report.html` (`HTMLReport`). Values only ever appear as `{{name}}`, which
/// escapes; there is no `{{{…}}}` and no `{{& …}}` here, and a test keeps it that way.
enum HTMLTemplates {
    static var all: [String: MustacheTemplate] {
        var templates: [String: MustacheTemplate] = [:]
        for (name, text) in sources {
            // The templates are ours and tested: a parse error is a bug, shown in the page itself.
            templates[name] = (try? MustacheTemplate(string: text)) ?? (try! MustacheTemplate(string: "template \(name) does not parse"))
        }
        return templates
    }

    static let sources: [(String, String)] = [("page", page), ("entries", entries), ("timeline", timeline), ("map", map), ("chart", chart)]

    static let page = """
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
        <title>sessionguard report, {{nowText}} UTC</title>
        <style>
        :root { --ink: #1d2430; --muted: #5b6575; --line: #d9dee6; --bg: #f6f7f9; --card: #fff;
                --critical: #7a0019; --high: #c62828; --medium: #e07b00; --low: #2e7d32; --info: #546e7a; --flag: #d32f2f; --ok: #3f6fb5; }
        * { box-sizing: border-box; }
        body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink); background: var(--bg); }
        header { background: #17324d; color: #fff; padding: 18px 28px; }
        header h1 { margin: 0; font-size: 22px; letter-spacing: .3px; }
        header p { margin: 4px 0 0; color: #c9d6e3; }
        nav { padding: 8px 28px; background: #fff; border-bottom: 1px solid var(--line); position: sticky; top: 0; }
        nav a { margin-right: 18px; color: #17324d; text-decoration: none; font-weight: 600; }
        main { padding: 12px 28px 40px; max-width: 1280px; }
        section { margin-top: 22px; }
        h2 { font-size: 18px; margin: 0 0 10px; }
        h3 { font-size: 16px; margin: 0 0 6px; }
        .cards { display: flex; flex-wrap: wrap; gap: 10px; }
        .card { background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: 10px 16px; min-width: 130px; }
        .card b { display: block; font-size: 26px; }
        .card span { color: var(--muted); }
        .card.new b { color: var(--high); }
        .sev { display: inline-block; padding: 1px 8px; border-radius: 10px; color: #fff; font-size: 12px; font-weight: 600; text-transform: uppercase; }
        .sev-critical { background: var(--critical); } .sev-high { background: var(--high); } .sev-medium { background: var(--medium); }
        .sev-low { background: var(--low); } .sev-info { background: var(--info); }
        .bysev { margin-top: 10px; color: var(--muted); }
        .bysev span { margin-right: 14px; }
        .warn { background: #fff4e5; border-left: 4px solid var(--medium); padding: 6px 10px; margin: 8px 0; }
        table { border-collapse: collapse; width: 100%; background: var(--card); border: 1px solid var(--line); }
        th, td { text-align: left; padding: 6px 8px; border-bottom: 1px solid var(--line); vertical-align: top; }
        th { background: #eef1f5; font-size: 12px; text-transform: uppercase; color: var(--muted); }
        td ul { margin: 0; padding-left: 16px; }
        code, .mono { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace; font-size: 12px; }
        .badge-new { color: var(--high); font-weight: 700; font-size: 11px; }
        .muted { color: var(--muted); }
        article.user { background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: 14px 16px; margin-bottom: 16px; }
        .figs { display: flex; flex-wrap: wrap; gap: 12px; margin: 8px 0; align-items: flex-start; }
        .figs svg { background: #fbfcfd; border: 1px solid var(--line); border-radius: 6px; max-width: 100%; height: auto; }
        svg text { font: 11px system-ui, sans-serif; fill: var(--ink); }
        svg .land { fill: #dfe5ec; stroke: #c3ccd6; stroke-width: .2; }
        svg .ok { fill: var(--ok); fill-opacity: .55; }
        svg .flag { fill: var(--flag); fill-opacity: .85; }
        svg circle.ok { stroke: var(--ok); }
        svg circle.flag { stroke: #fff; }
        svg .move { stroke: var(--flag); fill: none; }
        svg .axis { stroke: var(--line); }
        svg .bar { fill: #5a7fb0; }
        .rec { border-top: 1px solid var(--line); padding-top: 8px; margin-top: 8px; }
        details { margin: 6px 0; }
        summary { cursor: pointer; }
        dl { display: grid; grid-template-columns: max-content 1fr; gap: 2px 12px; margin: 6px 0; }
        dt { color: var(--muted); } dd { margin: 0; }
        pre.evidence { background: #0f1720; color: #e6edf3; padding: 8px 10px; border-radius: 6px; white-space: pre-wrap; overflow-wrap: anywhere; }
        pre.evidence .loc { color: #8fb3d9; }
        pre.evidence .gone { color: #f0a35e; }
        .charts { display: flex; flex-wrap: wrap; gap: 16px; }
        .chart { background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: 10px 12px; }
        .chart h3 { font-size: 14px; }
        @media print { nav { position: static; } body { background: #fff; } }
        </style>
        </head>
        <body>
        <svg xmlns="http://www.w3.org/2000/svg" width="0" height="0" style="position:absolute"><defs><g id="world" fill="#dfe5ec" stroke="#c3ccd6">{{#land}}<path d="{{path}}"/>{{/land}}</g></defs></svg>
        <header>
        <h1>sessionguard</h1>
        <p>{{nowText}} UTC · period {{sinceText}} → {{nowText}} · {{run}} · store {{store}} · generated {{generatedText}}</p>
        </header>
        <nav><a href="#glance">At a glance</a><a href="#new">New</a><a href="#open">Still open</a><a href="#users">Users</a><a href="#charts">Charts</a><a href="#inputs">Inputs</a></nav>
        <main>
        <section id="glance">
        <h2>At a glance</h2>
        <div class="cards">
        <div class="card new"><b>{{newCount}}</b><span>new recommendations</span></div>
        <div class="card"><b>{{openCount}}</b><span>still open</span></div>
        <div class="card"><b>{{sessions}}</b><span>sessions in the period</span></div>
        <div class="card"><b>{{users}}</b><span>users</span></div>
        <div class="card"><b>{{findingTotal}}</b><span>findings</span></div>
        <div class="card"><b>{{lines}}</b><span>lines read, {{unparsed}} unparsed</span></div>
        </div>
        <p class="bysev">By severity (recommendations · findings): {{#severities}}<span><span class="sev sev-{{name}}">{{name}}</span> {{recommendations}} · {{findings}}</span>{{/severities}}</p>
        {{#warnings}}<p class="warn">{{.}}</p>{{/warnings}}
        <p class="muted">GeoIP: {{#geoip}}{{type}} built {{built}}{{#old}} <b>(older than 30 days)</b>{{/old}}{{#path}} <code>{{path}}</code>{{/path}}. {{/geoip}}{{^geoip}}none.{{/geoip}}</p>
        </section>
        <section id="new">
        <h2>New since the previous run ({{newCount}})</h2>
        {{#hasNew}}{{#newTable}}{{> entries}}{{/newTable}}{{/hasNew}}
        {{^hasNew}}<p class="muted">Nothing new.</p>{{/hasNew}}
        </section>
        <section id="open">
        <h2>Still open ({{openCount}})</h2>
        {{#hasOpen}}{{#openTable}}{{> entries}}{{/openTable}}{{/hasOpen}}
        {{^hasOpen}}<p class="muted">None.</p>{{/hasOpen}}
        {{#hasClosed}}<h2>Closed by this run</h2>{{#closedTable}}{{> entries}}{{/closedTable}}{{/hasClosed}}
        {{#moreRecommendations}}<p class="warn">… and {{.}} more recommendations: <code>sessionguard recommendations list</code></p>{{/moreRecommendations}}
        </section>
        <section id="users">
        <h2>Flagged users</h2>
        {{^hasUsers}}<p class="muted">None.</p>{{/hasUsers}}
        {{#users_}}
        <article class="user" id="{{anchor}}">
        <h3>{{user}} <span class="muted">on {{db}} · {{sessionCount}} recent session(s)</span></h3>
        <div class="figs">{{#timeline}}{{> timeline}}{{/timeline}}{{#map}}{{> map}}{{/map}}</div>
        {{#details}}
        <div class="rec" id="{{id}}">
        <h3><span class="sev sev-{{severity}}">{{severity}}</span> {{action}} · {{status}} · <span class="mono">{{id}}</span>{{#session}} · session <span class="mono">{{session}}</span>{{/session}}</h3>
        {{#findings}}
        <details open><summary><span class="sev sev-{{severity}}">{{severity}}</span> <b>{{rule}}</b> {{summary}}{{#suppressed}} <i class="muted">(suppressed)</i>{{/suppressed}}</summary>
        <dl>{{#facts}}<dt>{{key}}</dt><dd>{{value}}</dd>{{/facts}}</dl>
        <pre class="evidence">{{#evidence}}<span class="loc">{{place}}</span> {{#unavailable}}<span class="gone">({{text}})</span>{{/unavailable}}{{^unavailable}}{{text}}{{/unavailable}}
        {{/evidence}}</pre>
        </details>
        {{/findings}}
        </div>
        {{/details}}
        </article>
        {{/users_}}
        {{#moreUsers}}<p class="warn">… and {{.}} more flagged users.</p>{{/moreUsers}}
        </section>
        <section id="charts">
        <h2>The period in charts</h2>
        <div class="charts">{{#charts}}{{> chart}}{{/charts}}</div>
        </section>
        <section id="inputs">
        <h2>Inputs</h2>
        <table><thead><tr><th>File</th><th>Format</th><th>Lines</th><th>Unparsed</th><th>Time range</th></tr></thead><tbody>
        {{#inputs}}<tr><td class="mono">{{path}}{{#error}}<br><b>unreadable:</b> {{error}}{{/error}}</td><td>{{format}}{{#version}}, Odoo {{version}}{{/version}}</td><td>{{lines}}{{#resumed}} new (after line {{resumed}}){{/resumed}}</td><td>{{unparsed}}</td><td>{{range}}</td></tr>
        {{/inputs}}{{^inputs}}<tr><td colspan="5" class="muted">No log was read by this run.</td></tr>{{/inputs}}</tbody></table>
        {{#hasUnparsed}}<h3 style="margin-top:14px">Unparsed lines (samples)</h3>
        <pre class="evidence">{{#unparsedSamples}}<span class="loc">{{place}}</span> <span class="gone">{{reason}}</span> {{text}}
        {{/unparsedSamples}}</pre>{{/hasUnparsed}}
        </section>
        </main>
        </body>
        </html>

        """

    /// A table of recommendations (rendered in a `HTMLReport.EntryTable`).
    static let entries = """
        <table><thead><tr><th>Severity</th><th>Action</th><th>User</th><th>Database</th><th>Session</th><th>Why</th><th>Status</th></tr></thead><tbody>
        {{#rows}}<tr><td><span class="sev sev-{{severity}}">{{severity}}</span>{{#isNew}} <span class="badge-new">NEW</span>{{/isNew}}</td><td>{{action}}</td><td>{{#linked}}<a href="#{{userAnchor}}">{{user}}</a>{{/linked}}{{^linked}}{{user}}{{/linked}}</td><td>{{db}}</td><td class="mono">{{session}}{{^session}}—{{/session}}</td><td><ul>{{#reasons}}<li>{{.}}</li>{{/reasons}}</ul></td><td>{{status}}{{#linked}}<br><a class="mono" href="#{{id}}">{{id}}</a>{{/linked}}</td></tr>
        {{/rows}}</tbody></table>
        """

    static let timeline = """
        <svg xmlns="http://www.w3.org/2000/svg" width="{{width}}" height="{{height}}" viewBox="0 0 {{width}} {{height}}" role="img" aria-label="{{label}}"><title>{{label}}</title>
        <line class="axis" x1="170" y1="{{axisY}}" x2="{{plotRight}}" y2="{{axisY}}" stroke="#d9dee6"/>
        {{#ticks}}<line class="axis" x1="{{x}}" y1="4" x2="{{x}}" y2="{{axisY}}" stroke="#eef1f5"/><text x="{{x}}" y="{{axisY}}" dy="14" text-anchor="middle">{{label}}</text>{{/ticks}}
        {{#rows}}<text x="164" y="{{textY}}" text-anchor="end">{{label}}</text>{{#bars}}<rect class="{{cls}}" x="{{x}}" y="{{y}}" width="{{w}}" height="{{h}}" rx="1.5"><title>{{title}}</title></rect>{{/bars}}
        {{/rows}}</svg>
        """

    static let map = """
        <svg xmlns="http://www.w3.org/2000/svg" width="460" height="230" viewBox="{{viewBox}}" role="img" aria-label="{{label}}"><title>{{label}}</title>
        <rect x="0" y="0" width="360" height="180" fill="#f3f7fb"/>
        <use href="#world" stroke-width="{{thin}}"/>
        {{#lines}}<line class="move" x1="{{x1}}" y1="{{y1}}" x2="{{x2}}" y2="{{y2}}" stroke-width="{{thick}}" stroke-dasharray="{{dash}}"><title>{{title}}</title></line>{{/lines}}
        {{#points}}<circle class="{{cls}}" cx="{{cx}}" cy="{{cy}}" r="{{r}}" stroke-width="{{thin}}"><title>{{title}}</title></circle>{{/points}}
        </svg>
        """

    static let chart = """
        <div class="chart"><h3>{{title}}</h3>{{#empty}}<p class="muted">Nothing in the period.</p>{{/empty}}{{^empty}}
        <svg xmlns="http://www.w3.org/2000/svg" width="{{width}}" height="{{height}}" viewBox="0 0 {{width}} {{height}}" role="img" aria-label="{{title}}">
        {{#vertical}}{{#bars}}<rect class="bar" x="{{x}}" y="{{y}}" width="{{w}}" height="{{h}}"><title>{{label}}:00 UTC: {{value}}</title></rect><text x="{{labelX}}" y="{{labelY}}" text-anchor="middle">{{label}}</text>{{/bars}}{{/vertical}}
        {{^vertical}}{{#bars}}<text x="{{labelX}}" y="{{labelY}}" text-anchor="end">{{label}}</text><rect class="bar" x="{{x}}" y="{{y}}" width="{{w}}" height="{{h}}"><title>{{label}}: {{value}}</title></rect><text x="{{valueX}}" y="{{valueY}}">{{value}}</text>{{/bars}}{{/vertical}}
        </svg>{{/empty}}</div>
        """
}
