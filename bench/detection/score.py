#!/usr/bin/env python3
"""Score a sessionguard report against the detection corpus labels.

    python3 bench/detection/score.py LABELS_JSON REPORT_JSON [--verbose] [--json OUT]

A label is *caught* when a recommendation with action revoke_session, revoke_user_sessions or
review, in the label's database, matches it:

- by session: the recommendation's session_identifier is the label's session_identifier;
- by user, for user-level recommendations (revoke_user_sessions, or any recommendation without
  a session identifier): the recommendation's user is the label's login (or one of its logins,
  for password spraying);
- by address, for user-level recommendations and, for brute-force labels without a session, any
  recommendation: its target or one of its findings' ip facts names the attacking address.
User and address matches also need one of the recommendation's findings seen between an hour
before the label's time and a day after its end (they must be about the anomaly, not about
something else that user did). A session-level recommendation about another session of a
brute-forced user does not catch the brute force.

A *false revoke* is a revoke_session or revoke_user_sessions recommendation that matches no label
(by the same rules, whatever the kind). The rate is per 1,000 user-days: distinct (user, day)
pairs with activity of the real users and service accounts, computed by the generator.

Always exits 0 (it reports figures; it judges nothing) unless the files cannot be read.
"""

import argparse
import calendar
import json
import sys
import time

ACTIONS = ("revoke_session", "revoke_user_sessions", "review")
REVOKES = ("revoke_session", "revoke_user_sessions")
KINDS = ("new_country", "impossible_travel", "long_session", "brute_force")


def parse_time(s):
    if not s:
        return None
    s = s.rstrip("Z").replace("T", " ")
    frac = 0.0
    if "." in s:
        s, f = s.split(".", 1)
        frac = float("0." + f)
    return calendar.timegm(time.strptime(s, "%Y-%m-%d %H:%M:%S")) + frac


def finding_window(rec, findings):
    """(earliest first_seen, latest last_seen) of a recommendation's findings, epoch seconds."""
    lo = hi = None
    for fid in rec.get("findings") or []:
        f = findings.get(fid)
        if not f:
            continue
        a, b = parse_time(f.get("first_seen")), parse_time(f.get("last_seen") or f.get("first_seen"))
        if a is not None:
            lo = a if lo is None else min(lo, a)
        if b is not None:
            hi = b if hi is None else max(hi, b)
    return lo, hi


def addresses(rec, findings):
    """Every address a recommendation names: its target, and its findings' ip-like facts."""
    out = set()
    if rec.get("target"):
        out.add(str(rec["target"]))
    for fid in rec.get("findings") or []:
        f = findings.get(fid) or {}
        for k, v in (f.get("facts") or {}).items():
            if k in ("ip", "source_ip", "address", "addresses", "ips", "source_ips"):
                if isinstance(v, list):
                    out.update(str(x) for x in v)
                elif v is not None:
                    out.add(str(v))
    return out


def matches(label, rec, findings):
    """How a recommendation matches a label: 'session', 'user', 'address' or None."""
    if rec.get("action") not in ACTIONS or rec.get("db") != label.get("db"):
        return None
    sid = rec.get("session_identifier")
    if sid and label.get("session_identifier") and sid[:42] == label["session_identifier"]:
        return "session"
    user_level = rec.get("action") == "revoke_user_sessions" or not sid
    brute_no_session = label["kind"] == "brute_force" and not label.get("session_identifier")
    if not (user_level or brute_no_session):
        return None
    lo, hi = finding_window(rec, findings)
    start, end = parse_time(label.get("time")), parse_time(label.get("end") or label.get("time"))
    if lo is not None and start is not None and (hi < start - 3600 or lo > end + 86400):
        return None
    logins = set(label.get("logins") or []) | ({label["login"]} if label.get("login") else set())
    if user_level and rec.get("user") in logins:
        return "user"
    ips = set(label.get("ips") or []) | ({label["ip"]} if label.get("ip") else set())
    if ips & addresses(rec, findings):
        return "address"
    return None


def rules_of(rec, findings):
    rules = []
    for fid in rec.get("findings") or []:
        f = findings.get(fid)
        if f and f.get("rule") not in rules:
            rules.append(f.get("rule"))
    return rules


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("labels", help="labels.json written by generate.py")
    ap.add_argument("report", help="report.json written by sessionguard analyze --report DIR")
    ap.add_argument("--verbose", "-v", action="store_true", help="also list every label, caught or missed")
    ap.add_argument("--json", metavar="OUT", help="also write the figures as JSON to OUT")
    a = ap.parse_args(argv)
    try:
        with open(a.labels, encoding="utf-8") as fh:
            labels_doc = json.load(fh)
        with open(a.report, encoding="utf-8") as fh:
            report = json.load(fh)
    except (OSError, ValueError) as e:
        print(f"score.py: {e}", file=sys.stderr)
        return 2

    labels = labels_doc["anomalies"]
    findings = {f["id"]: f for f in report.get("findings", [])}
    recs = report.get("recommendations", [])
    personas = {u["login"]: u["persona"] for u in labels_doc.get("users", [])}
    user_days = labels_doc.get("user_days") or 0

    caught = {}
    for lab in labels:
        hits = []
        for rec in recs:
            how = matches(lab, rec, findings)
            if how:
                hits.append((rec, how))
        caught[lab["id"]] = hits

    matched_recs = set()
    for lab in labels:
        for rec, _ in caught[lab["id"]]:
            matched_recs.add(rec["id"])
    revokes = [r for r in recs if r.get("action") in REVOKES]
    false = [r for r in revokes if r["id"] not in matched_recs]
    reviews_unmatched = [r for r in recs if r.get("action") == "review" and r["id"] not in matched_recs]
    rate = 1000.0 * len(false) / user_days if user_days else float("nan")

    g = labels_doc.get("generator", {})
    summ = report.get("summary", {})
    unparsed = sum(i.get("unparsed", 0) for i in report.get("inputs", []))
    lines = sum(i.get("lines", 0) for i in report.get("inputs", []))
    print(f"corpus: seed {g.get('seed')}, {g.get('users')} users x {g.get('days')} days "
          f"({labels_doc['period']['from']} .. {labels_doc['period']['to']}), {len(labels)} anomalies, "
          f"{user_days} user-days")
    print(f"report: {summ.get('sessions')} sessions of {summ.get('users')} users, {len(findings)} findings, "
          f"{len(recs)} recommendations; {lines} lines read, {unparsed} unparsed")
    print()
    print(f"{'kind':<29} {'caught':>6} / {'total':<5}  {'by session':>10} {'by user/ip':>10}   rules that caught")
    tot_c = tot_n = 0
    kinds = [k for k in KINDS if any(l["kind"] == k for l in labels)] + \
        sorted({l["kind"] for l in labels} - set(KINDS))
    per_kind = {}
    for kind in kinds:
        ls = [l for l in labels if l["kind"] == kind]
        c = [l for l in ls if caught[l["id"]]]
        by_s = sum(1 for l in c if any(h == "session" for _, h in caught[l["id"]]))
        rules = {}
        for l in c:
            for rule in {r for rec, _ in caught[l["id"]] for r in rules_of(rec, findings)}:
                rules[rule] = rules.get(rule, 0) + 1
        rtext = ", ".join(f"{r} {n}" for r, n in sorted(rules.items(), key=lambda x: (-x[1], x[0]))) or "-"
        print(f"{kind:<29} {len(c):>6} / {len(ls):<5}  {by_s:>10} {len(c) - by_s:>10}   {rtext}")
        variants = {}
        for l in ls:
            v = variants.setdefault(l.get("variant") or "-", [0, 0])
            v[1] += 1
            v[0] += bool(caught[l["id"]])
        if len(variants) > 1 or a.verbose:
            for v, (cv, nv) in sorted(variants.items()):
                print(f"  {v:<27} {cv:>6} / {nv:<5}")
        per_kind[kind] = {"caught": len(c), "total": len(ls), "by_session": by_s, "rules": rules, "variants": variants}
        tot_c += len(c)
        tot_n += len(ls)
    print(f"{'all':<29} {tot_c:>6} / {tot_n:<5}")
    print()
    print(f"false revokes: {len(false)} of {len(revokes)} revoke recommendations match no label "
          f"= {rate:.2f} per 1,000 user-days")
    if reviews_unmatched:
        print(f"(and {len(reviews_unmatched)} review recommendations match no label)")
    if false:
        by_rule = {}
        for r in false:
            for rule in rules_of(r, findings) or ["?"]:
                by_rule[rule] = by_rule.get(rule, 0) + 1
        print("  by rule: " + ", ".join(f"{k} {v}" for k, v in sorted(by_rule.items(), key=lambda x: (-x[1], x[0]))))
        by_p = {}
        for r in false:
            p = personas.get(r.get("user"), "?")
            by_p[p] = by_p.get(p, 0) + 1
        print("  by persona: " + ", ".join(f"{k} {v}" for k, v in sorted(by_p.items(), key=lambda x: (-x[1], x[0]))))
        print()
        for r in sorted(false, key=lambda r: (rules_of(r, findings), r.get("user") or "")):
            sid = r.get("session_identifier") or r.get("target") or "-"
            print(f"  {r['action']:<20} {r.get('user')} ({personas.get(r.get('user'), '?')}) {sid}")
            for fid in r.get("findings") or []:
                f = findings.get(fid)
                if f:
                    print(f"      {f.get('rule')}: {f.get('summary')}")
    missed = [l for l in labels if not caught[l["id"]]]
    if a.verbose or missed:
        print()
        print(f"missed: {len(missed)}" + ("" if a.verbose else "  (--verbose lists the caught ones too)"))
        for l in (labels if a.verbose else missed):
            mark = "caught" if caught[l["id"]] else "MISSED"
            where = ", ".join(x for x in (l.get("city"), l.get("country")) if x)
            who = l.get("login") or ",".join((l.get("logins") or [])[:3]) + ("..." if len(l.get("logins") or []) > 3 else "")
            print(f"  {mark} {l['id']} {l['kind']}/{l.get('variant')} {who} {l.get('session_identifier') or '-'} "
                  f"{l.get('time')}{' from ' + where if where else ''}")
            if a.verbose:
                for rec, how in caught[l["id"]]:
                    print(f"      {rec['action']} by {how}: {', '.join(rules_of(rec, findings))}")
    if a.json:
        out = {"caught": tot_c, "total": tot_n, "per_kind": per_kind, "false_revokes": len(false),
               "revokes": len(revokes), "user_days": user_days, "false_revokes_per_1000_user_days": rate,
               "false": [{"id": r["id"], "action": r["action"], "user": r.get("user"),
                          "session_identifier": r.get("session_identifier"), "rules": rules_of(r, findings)}
                         for r in false],
               "missed": [l["id"] for l in missed]}
        with open(a.json, "w", encoding="utf-8") as fh:
            json.dump(out, fh, indent=1)
            fh.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
