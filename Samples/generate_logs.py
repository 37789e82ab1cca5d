#!/usr/bin/env python3
"""Generate the sessionguard sample Odoo 18.0 server logs, deterministically.

Usage
-----
    python3 Samples/generate_logs.py [--out DIR] [--scale N] [--seed S] [--no-nginx]
    python3 Samples/generate_logs.py --single-file PATH [--lines N | --scale N] [--seed S]

Default mode writes the rotated sample set into DIR (default: ``logs/`` next to
this script, i.e. ``Samples/logs``)::

    odoo.log.2.gz   2025-02-17 .. 2025-02-28   gzip (fixed header mtime: byte-identical)
    odoo.log.1      2025-03-01 .. 2025-03-07
    odoo.log        2025-03-08 .. 2025-03-14 23:59
    nginx/access.log.2.gz, nginx/access.log.1, nginx/access.log
                    the reverse proxy's access log for the same requests, rotated
                    with the Odoo files: the same periods (see write_nginx)

``--single-file PATH`` writes the same four weeks into one plain file instead
(the benchmark corpus; ``-`` is stdout), and no nginx log. ``--no-nginx`` (and
``--lines``) leave the nginx logs out of the rotated set. The nginx logs draw
nothing from the generators: the Odoo files are the same with or without them.

``--scale N`` (integer >= 1, default 1) multiplies the traffic: every unit above 1
adds five cloned office users (uid 1000+, ``userNNNN@example.com``) who behave like
alice, bob, carol, dave and a generic Brussels user, in the same networks. The
scripted scenario (São Paulo sign-in, bob's long session, brute force, NAT, ...)
exists once, whatever the scale.

``--lines N`` picks the scale so that at least N lines are generated, and stops
writing at the first record boundary at or after N lines (the tail of the
period is then not written). Example, the benchmark corpus (~174 MB, ~20 s)::

    python3 Samples/generate_logs.py --single-file /tmp/odoo-1M.log --lines 1000000

Everything derives from ``--seed`` (default 20250314): the same arguments give
byte-identical output on every run and machine (stdlib only, Python >= 3.8).
A summary (files, line counts, the scenario's session identifiers) is printed
on stderr.

What the logs contain is described in Samples/README.md; the line shapes follow
shared/odoo-facts.md §1 (Odoo 18.0, UTC, prefork workers 4213-4218, cron 4219).

bench/detection/generate.py imports this module (Gen, Browser, Cron, the line
formatting) and sets what differs through their class attributes: a change here
changes that corpus too.
"""

import argparse
import base64
import calendar
import gzip
import hashlib
import ipaddress
import math
import os
import random
import sys
import time

DEFAULT_SEED = 20250314
T0 = calendar.timegm((2025, 2, 17, 0, 0, 0)) * 1000   # Monday, ms since epoch
NDAYS = 26                                             # 2025-02-17 .. 2025-03-14
SEC = 1000
MIN = 60 * SEC
HOUR = 60 * MIN
DAY = 24 * HOUR

DB = "prod"
MASTER_PID = 4212
WORKERS = [4213, 4214, 4215, 4216, 4217, 4218]
CRON_PID = 4219

L_USERS = "odoo.addons.base.models.res_users"
L_DEVICE = "odoo.addons.base.models.res_device"
L_TOTP = "odoo.addons.auth_totp.models.res_users"
L_HTTP = "odoo.http"
L_CRON = "odoo.addons.base.models.ir_cron"

# Rotated set: (file name, first day index, last day index) -- day 0 is 2025-02-17.
FILES = [("odoo.log.2.gz", 0, 11), ("odoo.log.1", 12, 18), ("odoo.log", 19, 25)]

# Read replica briefly enabled: werkzeug lines carry a 4th perf field here.
REPLICA = (T0 + 21 * DAY + 14 * HOUR, T0 + 21 * DAY + 14 * HOUR + 30 * MIN)

MENUS_HASH = "3f1c9e07b2d44a6b8e5f0c1d2a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d"
TRANSL_HASH = "b7e2c4a19d0f3e5a6c8b1d2e4f6a8c0e2b4d6f8a"
ASSETS = "e3a2b61"
WS = "/websocket?version=18.0-3"

# nginx access log (rotated set only): its directory and files, rotated with the Odoo files (the
# same periods; the .gz with odoo.log.2.gz's fixed mtime), the proxy's host name, and the clients'
# User-Agents (one fixed string per actor; alice in São Paulo uses another device).
NGINX_DIR = "nginx"
NGINX_FILES = [(name, d0, d1) for name, (_, d0, d1) in zip(["access.log.2.gz", "access.log.1", "access.log"], FILES)]
NGINX_HOST = "https://erp.example.com"
NGINX_TZ = (3600, "+0100")    # Europe/Brussels, CET: every date of the period is before DST (30 March)
UA_CHROME_MAC = ("Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) "
                 "Chrome/133.0.0.0 Safari/537.36")
UA_CHROME_WIN = ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
                 "Chrome/133.0.0.0 Safari/537.36")
UA_CHROME_LINUX = ("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
                   "Chrome/133.0.0.0 Safari/537.36")
UA_EDGE_WIN = ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
               "Chrome/133.0.0.0 Safari/537.36 Edg/133.0.0.0")
UA_SAFARI_MAC = ("Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) "
                 "Version/18.3 Safari/605.1.15")
UA_FIREFOX_LINUX = "Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:135.0) Gecko/20100101 Firefox/135.0"
UA_FIREFOX_WIN = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:136.0) Gecko/20100101 Firefox/136.0"
UA_XMLRPC = "Python-xmlrpc/3.11"          # xmlrpc.client's Transport.user_agent
UA_REQUESTS = "python-requests/2.31.0"

MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


def at(d, hh, mm=0, ss=0, ms=0):
    """Milliseconds since the epoch for day index ``d`` at hh:mm:ss.ms UTC."""
    return T0 + d * DAY + hh * HOUR + mm * MIN + ss * SEC + ms


def day_label(d):
    return time.strftime("%Y-%m-%d", time.gmtime((T0 + d * DAY) // 1000))


# ---------------------------------------------------------------- formatting

_daystr = {}


def _days(day):
    s = _daystr.get(day)
    if s is None:
        y, m, dd = time.gmtime(day * 86400)[:3]
        s = (f"{y:04d}-{m:02d}-{dd:02d}", f"{dd:02d}/{MONTHS[m - 1]}/{y:04d}")
        _daystr[day] = s
    return s


def hdr_time(ms):
    sec, milli = divmod(ms, 1000)
    day, sod = divmod(sec, 86400)
    hh, r = divmod(sod, 3600)
    mm, ss = divmod(r, 60)
    return f"{_days(day)[0]} {hh:02d}:{mm:02d}:{ss:02d},{milli:03d}"


def bracket_time(ms):
    sec = ms // 1000
    day, sod = divmod(sec, 86400)
    hh, r = divmod(sod, 3600)
    mm, ss = divmod(r, 60)
    return f"{_days(day)[1]} {hh:02d}:{mm:02d}:{ss:02d}"


def py_datetime(ms, micro):
    """str(datetime.datetime) as Odoo prints it: 2025-03-12 03:01:12.482913."""
    sec = ms // 1000
    day, sod = divmod(sec, 86400)
    hh, r = divmod(sod, 3600)
    mm, ss = divmod(r, 60)
    return f"{_days(day)[0]} {hh:02d}:{mm:02d}:{ss:02d}.{(ms % 1000) * 1000 + micro:06d}"


def make_ident(seed, uid, n, corpus="sessionguard-sample"):
    """A session identifier: 42 chars of [A-Za-z0-9_-] (sid[:42] of an 18.0 sid)."""
    h = hashlib.sha256(f"{corpus}:{seed}:{uid}:{n}".encode()).digest()
    return base64.urlsafe_b64encode(h).decode()[:42]


def cooldown_warning(ip, failures, last_ms, last_micro, db=DB):
    """Odoo 18's message when a login attempt is ignored (base.login_cooldown_after)."""
    return (f"Login attempt ignored for {ip} on {db}: {failures} failures since last success, "
            f"last failure at {py_datetime(last_ms, last_micro)}. You can configure the number of "
            f"login failures before a user is put on cooldown as well as the duration in the "
            f"System Parameters. Disable this feature by setting \"base.login_cooldown_after\" to 0.")


def kw(model, method):
    return f"/web/dataset/call_kw/{model}/{method}#{model}.{method}"


def button(model, method):
    return f"/web/dataset/call_button/{model}/{method}#{model}.{method}"


# perf ranges per kind: (queries lo, hi, sql s lo, hi, other s lo, hi); None -> "- - -"
PERF = {
    "page": (18, 45, 0.010, 0.045, 0.040, 0.160),
    "menu": (8, 20, 0.005, 0.020, 0.020, 0.080),
    "asset": (1, 3, 0.001, 0.004, 0.003, 0.020),
    "read": (3, 25, 0.002, 0.035, 0.006, 0.090),
    "write": (12, 70, 0.010, 0.090, 0.025, 0.220),
    "login": (14, 30, 0.008, 0.030, 0.240, 0.420),
    "loginfail": (6, 12, 0.004, 0.012, 0.230, 0.380),
    "ignored": (2, 4, 0.001, 0.003, 0.004, 0.012),
    "ws": (2, 3, 0.001, 0.002, 0.002, 0.008),
    "report": (40, 140, 0.040, 0.250, 0.700, 2.400),
    "download": (3, 8, 0.002, 0.008, 0.010, 0.120),
    "image": (2, 5, 0.001, 0.004, 0.003, 0.015),
    "rpc": (4, 40, 0.003, 0.050, 0.010, 0.120),
    "anon": (3, 8, 0.002, 0.008, 0.010, 0.040),
    "nodb": (0, 1, 0.000, 0.001, 0.001, 0.006),
    "static": None,
}
MODE = {"page": "ro", "menu": "ro", "asset": "ro", "read": "ro", "image": "ro", "download": "ro",
        "write": "rw", "login": "rw", "loginfail": "rw", "ignored": "rw", "report": "rw",
        "rpc": "ro", "anon": "ro", "nodb": "-", "ws": "-"}


class Req:
    """One HTTP request: optional lines logged inside it, then its werkzeug line.

    ``kind``, ``sess``, ``ua`` and ``actor`` are for the nginx access log only (write_nginx);
    ``wz`` is the order of its werkzeug record, set when it is scheduled."""
    __slots__ = ("start", "dur", "ip", "method", "target", "status", "perf", "db", "pre", "order",
                 "kind", "sess", "ua", "actor", "wz")

    def __init__(self, start, dur, ip, method, target, status, perf, db, pre, order,
                 kind=None, sess=None, ua=None, actor=None):
        self.start, self.dur, self.ip, self.method, self.target = start, dur, ip, method, target
        self.status, self.perf, self.db, self.pre, self.order = status, perf, db, pre, order
        self.kind, self.sess, self.ua, self.actor, self.wz = kind, sess, ua, actor, None


class Session:
    """A browser session. Gen.req asks it when a device line is due: Odoo 18 writes one when the
    session is new, its IP changed, or the last device line is an hour old."""
    __slots__ = ("uid", "login", "ident", "last_ip", "last_dev", "alive", "first", "last")

    def __init__(self, uid, login, ident):
        self.uid, self.login, self.ident = uid, login, ident
        self.last_ip, self.last_dev, self.alive = None, -10 ** 15, True
        self.first = self.last = None

    def device_due(self, ip, t, force):
        return force or ip != self.last_ip or t - self.last_dev >= HOUR

    def device_logged(self, ip, t):
        self.last_ip = ip
        self.last_dev = t

    def device_delayed(self, ip, t):
        """The request (and so its device line) moved to ``t``, the next second."""
        if self.last_dev > t - 1000:
            self.last_dev = t


# ---------------------------------------------------------------- generator core

class Gen:
    workers = WORKERS             # the prefork HTTP workers' pids
    registry_modules = 87         # modules a worker loads ("loading 87 modules...")
    perf_ranges = PERF            # request kind -> perf ranges
    replica = REPLICA             # (from, to): werkzeug lines carry a 4th perf field; None: never
    nginx = None                  # a list: collects (day index, request) of every day for write_nginx

    def __init__(self, seed, scale, writer):
        self.seed, self.scale, self.w = seed, scale, writer
        self.reqs, self.recs = [], []
        self.order = 0
        self.busy = {p: 0 for p in self.workers}
        self.loaded = set()
        self.srng = random.Random(f"{seed}:scheduler")
        self.delays = 0
        self.notes = {}           # scenario facts for the summary

    def rng_for(self, name):
        return random.Random(f"{self.seed}:{name}")

    # -- records and requests

    def rec(self, ms, text):
        self.order += 1
        self.recs.append((ms, self.order, text))

    def line(self, ms, pid, level, logger, msg, db=DB, cont=None):
        text = f"{hdr_time(ms)} {pid} {level} {db} {logger}: {msg} "
        if cont:
            text += "\n" + cont
        self.rec(ms, text)

    def req(self, rng, t, ip, method, target, kind, status=200, sess=None, pre=None,
            db=DB, force_device=False, ua=None, actor=None):
        """Queue a request starting at ``t``; return the time its werkzeug line is written.

        When ``sess`` is given, a device log line comes first when the session says one is
        due (Session.device_due: new, another IP, an hour old). Requests with lines
        of their own are kept within one second, on one worker (the analyzer's join).
        ``ua`` and ``actor`` (the client's User-Agent and the object making the request) only
        feed the nginx access log; they draw nothing.
        """
        spec = self.perf_ranges[kind]
        if spec is None:
            perf, dur = "- - -", rng.randint(1, 6)
        else:
            q0, q1, s0, s1, o0, o1 = spec
            q = rng.randint(q0, q1)
            s = rng.uniform(s0, s1)
            o = rng.uniform(o0, o1)
            dur = int((s + o) * 1000) + rng.randint(1, 3)
            perf = f"{q} {s:.3f} {o:.3f}"
        pre = list(pre) if pre else []
        if sess is not None and sess.alive and sess.device_due(ip, t, force_device):
            pre.append(("INFO", L_DEVICE, f"User {sess.uid} inserts device log ({sess.ident})", None))
            sess.device_logged(ip, t)
        if pre:
            dur = min(dur, 900)
            if t % 1000 + dur > 999:
                t = (t // 1000 + 1) * 1000 + rng.randint(0, 40)
                if sess is not None:
                    sess.device_delayed(ip, t)
        if spec is not None and self.replica and self.replica[0] <= t < self.replica[1]:
            mode = MODE[kind]
            if mode == "ro" and method == "POST" and rng.random() < 0.15:
                mode = "ro->rw"
            perf += " " + mode
        self.order += 1
        self.last_req = Req(t, dur, ip, method, target, status, perf, db, pre, self.order,
                            kind, sess, ua, actor)
        self.reqs.append(self.last_req)
        if sess is not None and sess.alive:
            if sess.first is None:
                sess.first = t
            sess.last = t + dur
        return t + dur

    # -- per day: schedule requests on workers, sort, write

    def flush_day(self, d):
        self.schedule(self.reqs)
        if self.nginx is not None:
            self.nginx.extend((d, r) for r in self.reqs)
        self.reqs = []
        recs = self.recs
        self.recs = []
        recs.sort()
        limit = T0 + (d + 1) * DAY
        assert not recs or recs[-1][0] < limit, "a record spills past midnight"
        self.w.write_day(d, recs)

    def schedule(self, reqs):
        """Run ``reqs`` on the workers in start order and queue their records: the lines
        logged inside each request, then its werkzeug line."""
        rng = self.srng
        busy = self.busy
        for r in sorted(reqs, key=lambda r: (r.start, r.order)):
            free = [p for p in self.workers if busy[p] <= r.start]
            if free:
                pid = free[rng.randrange(len(free))]
            else:   # all workers busy: the request waits for the first free one
                pid = min(self.workers, key=lambda p: busy[p])
                r.start = busy[pid] + rng.randint(1, 15)
                if r.pre and r.start % 1000 + r.dur > 999:
                    r.start = (r.start // 1000 + 1) * 1000 + rng.randint(0, 20)
                self.delays += 1
            if pid not in self.loaded and r.db == DB:
                self.loaded.add(pid)
                self.registry_lines(r.start - 1700, pid, rng)
            n = len(r.pre)
            for i, (level, logger, msg, cont) in enumerate(r.pre):
                self.line(r.start + (r.dur * (i + 1)) // (n + 1), pid, level, logger, msg, db=r.db, cont=cont)
            end = r.start + r.dur
            self.rec(end, f"{hdr_time(end)} {pid} INFO {r.db} werkzeug: {r.ip} - - "
                          f"[{bracket_time(end)}] \"{r.method} {r.target} HTTP/1.1\" "
                          f"{r.status} - {r.perf}")
            r.wz = self.order
            busy[pid] = end + 1

    def server_start(self, t, master, cron, wkhtmltopdf=True, cron_after=21):
        """Odoo's start-up from ``t``: the master's banner (with the report binaries found, 350 ms
        later, when ``wkhtmltopdf``), then each worker's "alive" line from 420 ms on."""
        banner = [("odoo", "Odoo version 18.0"),
                  ("odoo", "Using configuration file at /etc/odoo/odoo.conf"),
                  ("odoo", "addons paths: ['/usr/lib/python3/dist-packages/odoo/addons', "
                           "'/var/lib/odoo/.local/share/Odoo/addons/18.0', '/mnt/extra-addons']"),
                  ("odoo", "database: odoo@db:5432")]
        if wkhtmltopdf:
            banner += [("odoo.addons.base.models.ir_actions_report", "Will use the Wkhtmltopdf binary at /usr/local/bin/wkhtmltopdf"),
                       ("odoo.addons.base.models.ir_actions_report", "Will use the Wkhtmltoimage binary at /usr/local/bin/wkhtmltoimage")]
        banner.append(("odoo.service.server", "HTTP service (werkzeug) running on 0.0.0.0:8069"))
        for i, (logger, msg) in enumerate(banner):
            self.line(t + i * 7 + (350 if wkhtmltopdf and i >= 4 else 0), master, "INFO", logger, msg, db="?")
        t += 420
        for k, pid in enumerate(self.workers):
            self.line(t + k * 3, pid, "INFO", "odoo.service.server", f"Worker WorkerHTTP ({pid}) alive", db="?")
        self.line(t + cron_after, cron, "INFO", "odoo.service.server", f"Worker WorkerCron ({cron}) alive", db="?")

    def registry_lines(self, t, pid, rng):
        n = self.registry_modules
        self.line(t, pid, "INFO", "odoo.modules.loading", "loading 1 modules...")
        self.line(t + 9, pid, "INFO", "odoo.modules.loading", "1 modules loaded in 0.01s, 0 queries (+0 extra)")
        self.line(t + 41, pid, "INFO", "odoo.modules.loading", f"loading {n} modules...")
        dt = rng.randint(900, 1300)
        self.line(t + 41 + dt, pid, "INFO", "odoo.modules.loading",
                  f"{n} modules loaded in {dt / 1000:.2f}s, 0 queries (+0 extra)")
        self.line(t + 60 + dt, pid, "INFO", "odoo.modules.loading", "Modules loaded.")
        self.line(t + 75 + dt, pid, "INFO", "odoo.modules.registry",
                  f"Registry loaded in {(75 + dt) / 1000:.3f}s")


# ---------------------------------------------------------------- actors

MAIL_MODELS = {"res.partner", "sale.order", "crm.lead", "account.move", "project.task",
               "purchase.order", "stock.picking", "hr.employee", "helpdesk.ticket"}

WARNINGS = [
    ("odoo.models", "sale.order.read() with unknown fields: x_studio_legacy_ref"),
    ("odoo.http", "<function odoo.addons.web.controllers.home.Home.web_client> called ignoring args {'fbclid'}"),
    ("odoo.addons.mail.models.mail_thread", "Routing mail from bounce@mailer.example.net to catchall@example.com with Message-Id <20250220101530.4f2a@mailer.example.net>: no route found and no reply message"),
    ("odoo.addons.base.models.ir_ui_view", "Error-prone use of @class in view sale.order.form (sale.view_order_form): use the hasclass(*classes) function to filter elements by their classes"),
    ("odoo.addons.account.models.account_move", "The sequence regex for journal INV does not match the name INV/2025/0x0412"),
]


class Browser:
    """A person using the web client: sessions, page loads, actions."""

    assets, menus_hash, translations_hash = ASSETS, MENUS_HASH, TRANSL_HASH   # the web client build
    translations_rate = 0.5       # chance a page load fetches the translations
    favicon_rate = 0.12           # chance the login page fetches the favicon
    login_assets_rate = 0.6       # chance the web client after a login loads the assets
    action_warnings = 0.004       # chance an action logs one of WARNINGS first (0: never, no draw)
    action_post_to = 0.965        # action(): r below this and above 0.94 posts a message,
    action_unlink_to = 0.975      # then below this deletes a record; above, a page load
    ua = UA_CHROME_WIN            # the browser's User-Agent (nginx access log only)

    def __init__(self, g, uid, login, models, apps, think=420):
        self.g, self.uid, self.user_login = g, uid, login
        self.models, self.apps, self.think = models, apps, think
        self.rng = g.rng_for(f"user:{uid}")
        self.nsess = 0

    # -- building blocks

    def rq(self, sess, t, ip, method, target, kind, status=200, pre=None, force_device=False, db=DB):
        return self.g.req(self.rng, t, ip, method, target, kind, status, sess, pre, db, force_device,
                          ua=self.ua, actor=self)

    def gap(self):
        return self.rng.randint(15, 350)

    def new_session(self):
        self.nsess += 1
        return Session(self.uid, self.user_login, make_ident(self.g.seed, self.uid, self.nsess))

    def page_load(self, sess, t, ip, path=None, assets=False):
        rng = self.rng
        if path is None:
            path = "/odoo/" + rng.choice(self.apps) if rng.random() < 0.7 else "/odoo"
        if rng.random() < 0.15:
            t = self.rq(sess, t, ip, "GET", "/web", "anon", 303) + self.gap()
        t = self.rq(sess, t, ip, "GET", path, "page") + self.gap()
        if assets:
            t = self.rq(sess, t, ip, "GET", f"/web/assets/{self.assets}/web.assets_web.min.css", "asset") + self.gap()
            t = self.rq(sess, t, ip, "GET", f"/web/assets/{self.assets}/web.assets_web.min.js", "asset") + self.gap()
        t = self.rq(sess, t, ip, "GET", f"/web/webclient/load_menus/{self.menus_hash}", "menu") + self.gap()
        if rng.random() < self.translations_rate:
            t = self.rq(sess, t, ip, "GET", f"/web/webclient/translations/{self.translations_hash}?lang=en_US",
                        "asset") + self.gap()
        t = self.rq(sess, t, ip, "POST", "/mail/data", "read") + self.gap()
        t = self.rq(sess, t, ip, "GET", WS, "ws", 101) + self.gap()
        return t

    def login(self, t, ip, two_fa=False, page=True):
        """Login page, then login (plus TOTP step), then the web client; returns (session, t)."""
        t = self.login_page(t, ip)
        sess = self.new_session()
        ok = ("INFO", L_USERS, f"Login successful for db:{DB} login:{self.user_login} from {ip}", None)
        if not two_fa:
            t = self.rq(sess, t, ip, "POST", "/web/login", "login", 303, pre=[ok], force_device=True)
        else:
            t = self.rq(None, t, ip, "POST", "/web/login", "login", 303, pre=[ok])
        return self.login_done(sess, t, ip, two_fa, page)

    def login_page(self, t, ip):
        """The login page (and maybe the favicon); returns when the password is submitted."""
        rng = self.rng
        t = self.rq(None, t, ip, "GET", "/web/login", "anon") + self.gap()
        if rng.random() < self.favicon_rate:
            t = self.rq(None, t, ip, "GET", "/web/static/img/favicon.ico", "static") + self.gap()
        return t + rng.randint(4000, 15000)

    def login_done(self, sess, t, ip, two_fa, page):
        """After the password step (ending at ``t``): the TOTP step, then the web client."""
        rng = self.rng
        if two_fa:
            t = self.rq(None, t + self.gap(), ip, "GET", "/web/login/totp?redirect=%2Fodoo", "anon")
            t += rng.randint(6000, 20000)
            totp = ("INFO", L_TOTP, f"2FA check: SUCCESS for res.users({self.uid},) '{self.user_login}'", None)
            t = self.rq(sess, t, ip, "POST", "/web/login/totp", "login", 303, pre=[totp], force_device=True)
        if page:
            t = self.page_load(sess, t + self.gap(), ip, "/odoo", assets=rng.random() < self.login_assets_rate)
        return sess, t

    def logout(self, sess, t, ip):
        t = self.rq(sess, t, ip, "GET", "/web/session/logout", "anon", 303)
        sess.alive = False
        return self.rq(None, t + self.gap(), ip, "GET", "/web/login", "anon")

    def action(self, sess, t, ip):
        rng = self.rng
        m = rng.choice(self.models)
        rid = rng.randint(1, 4000)
        r = rng.random()
        pre = None
        if self.action_warnings and rng.random() < self.action_warnings:
            logger, msg = rng.choice(WARNINGS)
            pre = [("WARNING", logger, msg, None)]
        if r < 0.22:
            t = self.rq(sess, t, ip, "POST", "/web/action/load", "read") + self.gap()
            t = self.rq(sess, t, ip, "POST", kw(m, "web_search_read"), "read", pre=pre)
        elif r < 0.50:
            t = self.rq(sess, t, ip, "POST", kw(m, "web_read"), "read", pre=pre)
            if m in MAIL_MODELS:
                t = self.rq(sess, t + self.gap(), ip, "POST", "/mail/thread/data", "read")
                t = self.rq(sess, t + self.gap(), ip, "POST", "/mail/thread/messages", "read")
        elif r < 0.62:
            t = self.rq(sess, t, ip, "POST", kw(m, "web_save"), "write", pre=pre)
        elif r < 0.72:
            meth = "web_search_read" if rng.random() < 0.6 else "name_search"
            t = self.rq(sess, t, ip, "POST", kw(m, meth), "read", pre=pre)
        elif r < 0.78:
            meth = rng.choice(["action_confirm", "action_post", "action_done", "action_assign"])
            t = self.rq(sess, t, ip, "POST", button(m, meth), "write", pre=pre)
        elif r < 0.83:
            for _ in range(rng.randint(1, 3)):
                t = self.rq(sess, t, ip, "GET",
                            f"/web/image/res.partner/{rng.randint(1, 900)}/avatar_128?unique={1739000000000 + rid * 7919}",
                            "image") + self.gap()
        elif r < 0.88:
            t = self.rq(sess, t, ip, "POST", kw("res.users", "systray_get_activities"), "read", pre=pre)
        elif r < 0.91:
            t = self.rq(sess, t, ip, "GET", f"/report/pdf/sale.report_saleorder/{rid}", "report", pre=pre)
        elif r < 0.94:
            t = self.rq(sess, t, ip, "GET", f"/web/content/{rid + 5000}?download=true", "download", pre=pre)
        elif r < self.action_post_to:
            t = self.rq(sess, t, ip, "POST", "/mail/message/post", "write", pre=pre)
        elif r < self.action_unlink_to:
            unl = ("INFO", "odoo.models.unlink", f"User #{self.uid} deleted {m} records with IDs: [{rid}]", None)
            t = self.rq(sess, t, ip, "POST", kw(m, "unlink"), "write", pre=[unl])
        else:
            t = self.page_load(sess, t, ip)
        return t

    def activity(self, sess, t, t_end, ip, think=None):
        """Actions separated by think time until ``t_end``; ``ip`` is a str or a function of time."""
        rng = self.rng
        mean = (think or self.think) * 1000
        ipf = ip if callable(ip) else (lambda _t, _ip=ip: _ip)
        last = t
        while True:
            t += int(rng.expovariate(1.0 / mean)) + 2000
            if t >= t_end:
                return last
            last = t = self.action(sess, t, ipf(t))

    def block_start(self, sess, t, ip):
        """Back at the desk: the web client reloads (websocket reconnects)."""
        return self.page_load(sess, t, ip if not callable(ip) else ip(t))

    def jit(self, minutes):
        return self.rng.randint(-minutes * MIN, minutes * MIN)


def weekday(d):
    return d % 7


def office_blocks(b, d, start, lunch, back, end, jitter=15):
    """Two work blocks (ms) with jittered edges; times are (hh, mm) UTC."""
    j = b.jit
    return [(at(d, *start) + j(jitter), at(d, *lunch) + j(jitter)),
            (at(d, *back) + j(jitter), at(d, *end) + j(jitter))]


class Generic(Browser):
    """A cloned office user (scale > 1): weekly sessions, office hours, a few habits."""

    def __init__(self, g, uid, kind):
        rng = g.rng_for(f"clone:{uid}")
        self.kind = kind
        models = {
            "brussels": ["res.partner", "sale.order", "crm.lead", "product.template"],
            "mobile": ["stock.picking", "purchase.order", "product.product", "res.partner"],
            "paris": ["account.move", "account.payment", "res.partner"],
            "amsterdam": ["project.task", "hr.employee", "project.project"],
            "generic": ["res.partner", "helpdesk.ticket", "sale.order"],
        }[kind]
        apps = {"brussels": ["sales", "crm", "contacts"], "mobile": ["inventory", "purchase"],
                "paris": ["accounting", "invoicing"], "amsterdam": ["project", "employees"],
                "generic": ["helpdesk", "contacts"]}[kind]
        super().__init__(g, uid, f"user{uid:04d}@example.com", models, apps, think=rng.choice([360, 420, 480]))
        self.ua = {"brussels": UA_CHROME_WIN, "mobile": UA_EDGE_WIN, "paris": UA_SAFARI_MAC,
                   "amsterdam": UA_FIREFOX_LINUX, "generic": UA_CHROME_WIN}[kind]
        if kind == "paris":
            self.office = f"203.0.113.{rng.randint(65, 126)}"
        elif kind == "amsterdam":
            self.office = f"192.0.2.{rng.randint(1, 126)}"
            self.v6net = rng.randint(0x10, 0xfff)
        else:
            self.office = f"198.51.100.{rng.randint(1, 126)}"
        self.home = f"198.51.100.{rng.randint(129, 254)}"
        self.sess = None
        self.home_sess = None

    def day(self, d):
        wd = weekday(d)
        if wd >= 5:
            return
        rng = self.rng
        if wd == 0:
            self.home_sess = None               # home sessions never outlive their week
        if self.kind == "amsterdam":
            v6 = str(ipaddress.IPv6Address((0x20010db80001 << 80) | (self.v6net << 64) | rng.getrandbits(64)))
            ipf = lambda t: v6 if (t // (7 * MIN)) % 5 else self.office  # noqa: E731
        elif self.kind == "mobile" and wd in (1, 3):
            mob = f"203.0.113.{rng.randint(1, 62)}"
            ipf = lambda t: self.office if t < at(d, 12, 30) else mob  # noqa: E731
        else:
            ipf = lambda t: self.office  # noqa: E731
        blocks = office_blocks(self, d, (7, 40), (11, 30), (12, 30), (16, 20), 25)
        for i, (b0, b1) in enumerate(blocks):
            if self.sess is None or not self.sess.alive:
                self.sess, t = self.login(b0, ipf(b0))
            else:
                t = self.block_start(self.sess, b0, ipf)
            t = self.activity(self.sess, t, b1, ipf)
        if wd == 4 or (self.kind == "amsterdam" and rng.random() < 0.5):
            self.logout(self.sess, t + rng.randint(5000, 60000), ipf(t))
        if self.kind == "brussels" and wd in (1, 3) and rng.random() < 0.5:
            if self.home_sess is None or not self.home_sess.alive or wd == 1:
                self.home_sess, t = self.login(at(d, 18, 30) + self.jit(20), self.home)
            else:
                t = self.block_start(self.home_sess, at(d, 18, 30) + self.jit(20), self.home)
            self.activity(self.home_sess, t, at(d, 20, 0) + self.jit(20), self.home, think=300)
            if wd == 3:
                self.home_sess.alive = False    # abandoned (browser closed), not logged out


# ---------------------------------------------------------------- the scripted users

ALICE_OFFICE = "198.51.100.23"
ALICE_HOME = "198.51.100.140"
NAT_IP = "198.51.100.10"
SAO_PAULO = "203.0.113.130"
BOB_OFFICE = "198.51.100.41"
CAROL_PARIS = "203.0.113.70"
DAVE_V4 = "192.0.2.37"
ADMIN_IP = "198.51.100.5"
SVC_IP = "192.0.2.200"
ATTACKER = "192.0.2.150"


class Alice(Browser):
    ua = UA_CHROME_MAC
    ua_sao_paulo = UA_FIREFOX_WIN     # another device: what a new_device rule should notice

    def __init__(self, g):
        super().__init__(g, 7, "alice@example.com",
                         ["res.partner", "sale.order", "crm.lead", "product.template"],
                         ["sales", "crm", "contacts"], think=330)
        self.office = None
        self.home = None

    def office_ip(self, d):
        if d == 1:    # 2025-02-18: meeting room Wi-Fi behind the NAT address carol also uses
            return lambda t: NAT_IP if at(d, 10, 15) <= t < at(d, 11, 30) else ALICE_OFFICE
        return lambda t: ALICE_OFFICE

    def day(self, d):
        g, rng, wd = self.g, self.rng, weekday(d)
        if wd < 5:
            ipf = self.office_ip(d)
            blocks = office_blocks(self, d, (7, 45), (11, 30), (12, 30), (16, 30))
            if d == 25:
                blocks[1] = (blocks[1][0], at(d, 16, 25, 7))
            for i, (b0, b1) in enumerate(blocks):
                if self.office is None or not self.office.alive:
                    self.office, t = self.login(b0, ipf(b0))
                    g.notes.setdefault("alice_office", []).append((day_label(d), self.office.ident))
                else:
                    t = self.block_start(self.office, b0, ipf)
                if i == 0 and d == 9:      # 2025-02-26: revokes her abandoned home session H1
                    t = self.activity(self.office, t, at(d, 9, 20), ipf)
                    t = self.revoke(self.office, at(d, 9, 21, 4), ALICE_OFFICE, g.notes["alice_H1"])
                elif i == 0 and d == 15:   # 2025-03-04: changes her password at the office
                    t = self.activity(self.office, t, at(d, 10, 15), ipf)
                    t = self.change_password(self.office, at(d, 10, 15, 31), ALICE_OFFICE)
                if d == 25 and i == 1:
                    t = self.activity(self.office, t, b1 - 60 * SEC, ipf)
                    t = self.rq(self.office, b1, ipf(b1), "POST", kw("sale.order", "web_search_read"), "read")
                    g.notes["alice_last_brussels"] = hdr_time(t)
                    continue
                t = self.activity(self.office, t, b1, ipf)
            if wd == 4 and d != 25:
                self.logout(self.office, t + rng.randint(5000, 90000), ipf(t))
        # evenings at home (Antwerp)
        ev0 = at(d, 18, 30) + self.jit(20)
        ev1 = at(d, 20, 15) + self.jit(20)
        if d == 1 or d == 8 or d == 22:             # new home session
            self.home, t = self.login(ev0, ALICE_HOME)
            g.notes["alice_H" + {1: "1", 8: "2", 22: "4"}[d]] = self.home.ident
            self.activity(self.home, t, ev1, ALICE_HOME, think=300)
        elif d in (3, 10, 14, 24):                  # existing home session
            t = self.block_start(self.home, ev0, ALICE_HOME)
            self.activity(self.home, t, ev1, ALICE_HOME, think=300)
            if d == 3:
                self.home.alive = False             # abandoned; revoked on 2025-02-26
        elif d == 15:
            # 2025-03-04: H2 was invalidated by the password change -> Session expired,
            # then a new login with TOTP (new browser, not a trusted device) -> H3.
            t = self.rq(None, ev0, ALICE_HOME, "POST", kw("res.partner", "web_search_read"), "read",
                        pre=[("INFO", L_HTTP, "Session expired", None)])
            self.home.alive = False
            t += rng.randint(2000, 5000)
            self.home, t = self.login(t, ALICE_HOME, two_fa=True)
            g.notes["alice_H3"] = self.home.ident
            self.activity(self.home, t, ev1, ALICE_HOME, think=300)
        elif d == 17:
            t = self.block_start(self.home, ev0, ALICE_HOME)
            t = self.activity(self.home, t, ev1, ALICE_HOME, think=300)
            self.logout(self.home, t + rng.randint(5000, 30000), ALICE_HOME)
        if d == 25:
            self.sao_paulo(d)

    def revoke(self, sess, t, ip, ident):
        t = self.rq(sess, t, ip, "POST", button("res.device", "revoke"), "write") + 1800
        t = self.rq(sess, t, ip, "POST", kw("res.users.identitycheck", "web_save"), "write") + self.gap()
        line = ("INFO", L_DEVICE, f"User {self.uid} revokes devices ({ident})", None)
        self.g.notes["alice_revoke_time"] = hdr_time(t)
        return self.rq(sess, t, ip, "POST", button("res.users.identitycheck", "run_check"), "write", pre=[line])

    def change_password(self, sess, t, ip):
        t = self.rq(sess, t, ip, "POST", kw("change.password.own", "web_save"), "write") + self.gap()
        line = ("INFO", L_USERS, f"Password change for '{self.user_login}' (#{self.uid}) by "
                                 f"'{self.user_login}' (#{self.uid}) from {ip}", None)
        t = self.rq(sess, t, ip, "POST", button("change.password.own", "change_password"), "write", pre=[line])
        return self.page_load(sess, t + self.gap(), ip, "/odoo")

    def sao_paulo(self, d):
        """2025-03-14 ~21:00 UTC: alice's account signs in from São Paulo and browses."""
        ip = SAO_PAULO
        rng = self.rng
        usual, self.ua = self.ua, self.ua_sao_paulo
        sess, t = self.login(at(d, 20, 58, 3), ip, page=False)
        self.g.notes["alice_sao_paulo"] = sess.ident
        t = self.page_load(sess, t + self.gap(), ip, "/odoo", assets=True)
        steps = [
            ("POST", "/web/action/load", "read"),
            ("POST", kw("res.partner", "web_search_read"), "read"),
            ("POST", kw("res.partner", "web_read"), "read"),
            ("POST", kw("res.partner", "web_search_read"), "read"),
            ("POST", "/web/action/load", "read"),
            ("POST", kw("sale.order", "web_search_read"), "read"),
            ("POST", "/web/export/get_fields", "read"),
            ("POST", "/web/export/xlsx", "download"),
            ("POST", kw("hr.employee", "web_search_read"), "read"),
            ("GET", "/web/content/5187?download=true", "download"),
            ("GET", "/web/content/5188?download=true", "download"),
            ("POST", kw("res.partner", "web_search_read"), "read"),
            ("POST", "/web/export/xlsx", "download"),
        ]
        for method, target, kind in steps:
            t += rng.randint(20000, 150000)
            t = self.rq(sess, t, ip, method, target, kind)
        self.g.notes["alice_sao_paulo_span"] = (hdr_time(sess.first), hdr_time(sess.last))
        self.ua = usual


class Bob(Browser):
    ua = UA_EDGE_WIN

    def __init__(self, g):
        super().__init__(g, 8, "bob@example.com",
                         ["stock.picking", "purchase.order", "product.product", "res.partner"],
                         ["inventory", "purchase"], think=340)
        self.sess = None

    def day(self, d):
        g, rng, wd = self.g, self.rng, weekday(d)
        mobile = f"203.0.113.{rng.randint(2, 61)}"
        if wd >= 5:
            if d in (19, 20):                       # weekend peek from the phone hotspot
                t0 = at(d, 10, 12) if d == 19 else at(d, 19, 40)
                t = self.block_start(self.sess, t0 + self.jit(5), mobile)
                self.activity(self.sess, t, t0 + 20 * MIN, mobile, think=200)
            return
        if wd in (1, 3):                            # afternoons at clients around Ghent
            mob2 = f"203.0.113.{rng.randint(2, 61)}" if rng.random() < 0.35 else mobile
            ipf = lambda t: BOB_OFFICE if t < at(d, 12, 20) else (mobile if t < at(d, 14, 10) else mob2)  # noqa: E731
        else:
            ipf = lambda t: BOB_OFFICE  # noqa: E731
        blocks = office_blocks(self, d, (7, 30), (11, 45), (12, 45), (16, 0))
        if d == 25:
            blocks[1] = (blocks[1][0], at(d, 15, 30))
        for i, (b0, b1) in enumerate(blocks):
            if d == 14 and i == 0:
                b0 = at(d, 8, 5, 12)
            if self.sess is None or not self.sess.alive:
                self.sess, t = self.login(b0, ipf(b0))
                if d == 14:
                    g.notes["bob_long"] = self.sess
            else:
                t = self.block_start(self.sess, b0, ipf)
            if d == 24 and i == 0:                  # 2025-03-13: a failing request with a traceback
                t = self.activity(self.sess, t, at(d, 9, 12), ipf)
                t = self.rq(self.sess, at(d, 9, 12, 40), ipf(t), "POST", button("stock.picking", "button_validate"),
                            "write", pre=[("ERROR", L_HTTP, "Exception during request handling.", TB_LOCK)])
            t = self.activity(self.sess, t, b1, ipf)
        if d < 14 and wd == 4:                      # February: weekly sessions, logged out on Friday
            self.logout(self.sess, t + rng.randint(5000, 60000), ipf(t))


class Carol(Browser):
    ua = UA_SAFARI_MAC

    def __init__(self, g):
        super().__init__(g, 9, "carol@example.com",
                         ["account.move", "account.payment", "res.partner"],
                         ["accounting", "invoicing"], think=340)
        self.sess = None

    def day(self, d):
        g, rng, wd = self.g, self.rng, weekday(d)
        if wd >= 5:
            return
        # 2025-02-18: visiting the Brussels office, in her first week (no history yet, so her
        # first Belgian session cannot look unfamiliar to a new_location rule)
        ip = NAT_IP if d == 1 else CAROL_PARIS
        if d == 1:
            blocks = [(at(d, 8, 10) + self.jit(10), at(d, 11, 45)), (at(d, 12, 30), at(d, 15, 0) + self.jit(10))]
        else:
            blocks = office_blocks(self, d, (8, 0), (11, 30), (12, 45), (16, 45))
        for i, (b0, b1) in enumerate(blocks):
            if self.sess is None or not self.sess.alive:
                self.sess, t = self.login(b0, ip)
            else:
                t = self.block_start(self.sess, b0, ip)
            if d == 2 and i == 0:                   # 2025-02-19: a failing button with a traceback
                t = self.activity(self.sess, t, at(d, 10, 42), ip)
                t = self.rq(self.sess, at(d, 10, 42, 16), ip, "POST",
                            button("account.move", "action_send_reminder"), "write",
                            pre=[("ERROR", L_HTTP, "Exception during request handling.", TB_SINGLETON)])
            t = self.activity(self.sess, t, b1, ip)
        if d == 1:
            g.notes["carol_nat"] = self.sess.ident
        if wd == 4:
            self.logout(self.sess, t + rng.randint(5000, 60000), ip)


class Dave(Browser):
    ua = UA_FIREFOX_LINUX

    def __init__(self, g):
        super().__init__(g, 10, "dave@example.com",
                         ["project.task", "hr.employee", "project.project"],
                         ["project", "employees"], think=350)

    def day(self, d):
        rng, wd = self.rng, weekday(d)
        if wd >= 5:
            return
        # IPv6 privacy address of the day (2001:db8:1:4::/64) and the office IPv4; the
        # dual-stack client falls back to IPv4 for a few minutes now and then.
        v6 = str(ipaddress.IPv6Address((0x20010db800010004 << 64) | rng.getrandbits(64)))
        primary, other = (v6, DAVE_V4) if wd in (0, 1, 3) else (DAVE_V4, v6)
        flips = []
        for _ in range(rng.randint(1, 2)):
            s = at(d, rng.randint(8, 14), rng.randint(0, 59))
            flips.append((s, s + rng.randint(5, 20) * MIN))
        ipf = lambda t: other if any(a <= t < b for a, b in flips) else primary  # noqa: E731
        blocks = office_blocks(self, d, (7, 20), (11, 0), (12, 0), (15, 45))
        sess, t = self.login(blocks[0][0], ipf(blocks[0][0]))   # private window: a new session daily
        for i, (b0, b1) in enumerate(blocks):
            if i:
                t = self.block_start(sess, b0, ipf)
            if d == 17 and i == 0:   # a raw quote and spaces in the query string
                t = self.activity(sess, t, at(d, 9, 30), ipf)
                t = self.rq(sess, at(d, 9, 31, 2), ipf(t), "GET",
                            '/web/content/812?download=true&filename=Q1 "final" report.pdf', "download")
            if d == 22 and i == 1:   # INFO record with a traceback (missing filestore file)
                t = self.activity(sess, t, at(d, 14, 3), ipf)
                t = self.rq(sess, at(d, 14, 3, 9), ipf(t), "GET",
                            "/web/image/product.template/31/image_128?unique=1741701789000", "image",
                            pre=[("INFO", "odoo.addons.base.models.ir_attachment",
                                  f"_read_file reading {FILESTORE}", TB_FILESTORE)])
            t = self.activity(sess, t, b1, ipf)
        self.g.notes.setdefault("dave_v6", v6)


class Admin(Browser):
    ua = UA_CHROME_LINUX

    def __init__(self, g):
        super().__init__(g, 2, "admin", ["res.users", "ir.config_parameter", "ir.module.module", "res.company"],
                         ["settings", "apps"], think=240)

    def day(self, d):
        rng, wd = self.rng, weekday(d)
        if d == 0:   # after the restart: the database selector, then a check of the instance
            t = self.rq(None, at(d, 5, 31, 12), ADMIN_IP, "GET", "/web/database/selector", "nodb", db="?")
            sess, t = self.login(t + 9000, ADMIN_IP)
            t = self.activity(sess, t, at(d, 6, 10), ADMIN_IP)
            self.logout(sess, t + 20000, ADMIN_IP)
        if wd in (0, 2, 4):
            t0 = at(d, 8, 30) + self.jit(25)
            sess, t = self.login(t0, ADMIN_IP)
            t = self.activity(sess, t, t0 + rng.randint(45, 90) * MIN, ADMIN_IP)
            self.logout(sess, t + rng.randint(5000, 40000), ADMIN_IP)


class SvcSync:
    """The integration user: XML-RPC from 192.0.2.200, logins say 'from n/a'."""
    CALLS = [("res.partner", "search_read"), ("sale.order", "search_read"), ("product.product", "search_read"),
             ("res.partner", "write"), ("sale.order", "create"), ("account.move", "search_read"),
             ("stock.quant", "read_group"), ("res.partner", "create")]
    ua = UA_XMLRPC

    def __init__(self, g):
        self.g = g
        self.rng = g.rng_for("svc_sync")

    def day(self, d):
        g, rng, wd = self.g, self.rng, weekday(d)
        hours = list(range(5, 22)) + [0, 3] if wd < 5 else [0, 3, 6, 9, 12, 15, 18, 21]
        for h in sorted(hours):
            t = at(d, h, 5) + rng.randint(0, 120 * SEC)
            if d == 0 and h < 6:
                continue
            if wd == 0 and h == 6:   # weekly: checks the server version (no database bound)
                t = g.req(rng, t, SVC_IP, "POST", "/web/webclient/version_info", "nodb", db="?",
                          ua=self.ua, actor=self) + 200
            ok = ("INFO", L_USERS, f"Login successful for db:{DB} login:svc_sync from n/a", None)
            t = g.req(rng, t, SVC_IP, "POST", "/xmlrpc/2/common", "login", pre=[ok], ua=self.ua, actor=self)
            for _ in range(rng.randint(2, 4)):
                m, meth = rng.choice(self.CALLS)
                kind = "write" if meth in ("write", "create") else "rpc"
                t = g.req(rng, t + rng.randint(20, 400), SVC_IP, "POST", f"/xmlrpc/2/object#{m}.{meth}", kind,
                          ua=self.ua, actor=self)


class Attacker:
    """2025-03-12 ~03:00 UTC: probes, then a password guessing burst against 'admin'."""
    ua = UA_REQUESTS

    def __init__(self, g):
        self.g = g
        self.rng = g.rng_for("attacker")

    def day(self, d):
        if d != 23:
            return
        g, rng = self.g, self.rng
        t = at(d, 2, 57, 31)
        for method, target, status in [("GET", "/web/login", 200), ("GET", "/wp-login.php", 404),
                                        ("GET", "/.env", 404),
                                        ("GET", '/web/login?redirect=/odoo" onmouseover="alert(1)', 200),
                                        ("GET", "/web/database/manager", 303)]:
            t = g.req(rng, t, ATTACKER, method, target, "anon", status, ua=self.ua, actor=self) + rng.randint(800, 4000)
        # Odoo 18 cooldown (base.login_cooldown_after=10, duration 60 s): once 10 failures
        # are recorded, attempts within 60 s of the last failure are ignored (WARNING) and
        # still logged as "Login failed"; the failure counter does not move.
        failures, last_ms, last_micro = 0, None, 0
        start = at(d, 3, 0, 43, 870)
        step = 3_100
        attempts = 40
        for k in range(attempts):
            t = start + k * step + rng.randint(-250, 250)
            if k == 9:
                t = at(d, 3, 1, 12, 180)           # the 10th failure at 03:01:12
            fail = ("INFO", L_USERS, f"Login failed for db:{DB} login:admin from {ATTACKER}", None)
            if failures >= 10 and t - last_ms < 60 * SEC:
                warn = ("WARNING", L_USERS, cooldown_warning(ATTACKER, failures, last_ms, last_micro), None)
                g.req(rng, t, ATTACKER, "POST", "/web/login", "ignored", 200, pre=[warn, fail], ua=self.ua, actor=self)
                g.notes["bf_warnings"] = g.notes.get("bf_warnings", 0) + 1
            else:
                g.req(rng, t, ATTACKER, "POST", "/web/login", "loginfail", 200, pre=[fail], ua=self.ua, actor=self)
                failures += 1
                r = g.last_req      # the failure is recorded when "Login failed" is logged
                last_ms, last_micro = r.start + r.dur // 2, rng.randint(0, 999)
        g.notes["bf_attempts"] = attempts


class Cron:
    pid = CRON_PID

    def __init__(self, g):
        self.g = g
        self.rng = g.rng_for("cron")

    def job(self, t, name, jid, done=0, err=None):
        g, rng = self.g, self.rng
        g.line(t, self.pid, "INFO", L_CRON, f"Job '{name}' ({jid}) starting")
        dur = rng.randint(30, 400)
        if err:
            t2 = t + dur + 350
            g.line(t2, self.pid, "ERROR", "odoo.addons.mail.models.mail_mail", err[0], cont=err[1])
            dur += 700
        g.line(t + dur, self.pid, "INFO", L_CRON,
               f"Job '{name}' ({jid}) fully done (#loop 1; done {done}; remaining 0; duration {dur / 1000:.2f}s)")

    def day(self, d):
        g, rng = self.g, self.rng
        for h in range(24):
            if d == 0 and h < 6:
                continue
            t = at(d, h, 0, 1) + rng.randint(0, 2500)
            if d == 0 and h == 6:
                g.registry_lines(t - 1700, self.pid, rng)
            err = None
            if d == 9 and h == 14:
                err = ("failed sending mail (id: 4821) due to Connection unexpectedly closed", TB_SMTP)
            self.job(t, "Mail: Email Queue Manager", 3, done=rng.randint(0, 6) if 7 <= h <= 17 else 0, err=err)
            if h == 2:
                self.job(at(d, 2, 30, 0) + rng.randint(0, 900), "Base: Auto-vacuum internal data", 1)


class Fixed:
    """Start-up lines and the few lines that match no shape."""

    def __init__(self, g):
        self.g = g

    def day(self, d):
        g = self.g
        if d == 0:
            t = at(0, 5, 30, 2, 118)
            g.rec(t - 1, "nohup: ignoring input")   # garbage 1 (orphan first line)
            g.server_start(t, MASTER_PID, CRON_PID)
        if d == 15:   # garbage 2: binary junk (copytruncate hole, invalid UTF-8)
            g.rec(at(d, 12, 0, 0, 0), "\x00" * 24 + "\x1f\udc8b\x08\x00\udcde\udcad\udcbe\udcef\udcff\udcfe"
                  "\udcfd\udc80\udc81\udc82 \udcc3( \udce2\udc82")
        if d == 21:   # garbage 3: a truncated line
            g.rec(at(d, 10, 17, 0, 0), "2025-03-10 10:1")
        if d == 23:   # garbage 4: a foreign JSON line (sidecar wrote to the same file)
            g.rec(at(d, 8, 15, 2, 0), '{"level":"warn","ts":"2025-03-12T08:15:02Z","msg":"healthcheck timeout","target":"http://127.0.0.1:8069/web/health"}')


ODOO = "/usr/lib/python3/dist-packages/odoo"
TB_HEAD = (
    "Traceback (most recent call last):\n"
    f'  File "{ODOO}/http.py", line 2374, in __call__\n'
    "    response = request._serve_db()\n"
    f'  File "{ODOO}/http.py", line 1935, in _serve_db\n'
    "    return service_model.retrying(serve_func, env=self.env)\n"
    f'  File "{ODOO}/service/model.py", line 156, in retrying\n'
    "    result = func()\n"
    f'  File "{ODOO}/http.py", line 1962, in _serve_ir_http\n'
    "    response = self.dispatcher.dispatch(rule.endpoint, args)\n"
    f'  File "{ODOO}/http.py", line 2185, in dispatch\n'
    "    result = self.request.registry['ir.http']._dispatch(endpoint)\n"
    f'  File "{ODOO}/addons/base/models/ir_http.py", line 333, in _dispatch\n'
    "    result = endpoint(**request.params)\n"
    f'  File "{ODOO}/http.py", line 727, in route_wrapper\n'
    "    result = endpoint(self, *args, **params_ok)\n"
    f'  File "{ODOO}/addons/web/controllers/dataset.py", line 42, in call_button\n'
    "    action = call_kw(request.env[model], method, args, kwargs)\n"
    f'  File "{ODOO}/service/model.py", line 62, in call_kw\n'
    "    result = method(recs, *args, **kwargs)\n")
TB_SINGLETON = (
    "Traceback (most recent call last):\n"
    f'  File "{ODOO}/models.py", line 5981, in ensure_one\n'
    "    _id, = self._ids\n"
    "ValueError: too many values to unpack (expected 1)\n"
    "\n"
    "During handling of the above exception, another exception occurred:\n"
    "\n" + TB_HEAD +
    '  File "/mnt/extra-addons/acme_invoicing/models/account_move.py", line 88, in action_send_reminder\n'
    "    partner = self.partner_id.commercial_partner_id.ensure_one()\n"
    f'  File "{ODOO}/models.py", line 5984, in ensure_one\n'
    '    raise ValueError("Expected singleton: %s" % self)\n'
    "ValueError: Expected singleton: res.partner(14, 27)")
TB_LOCK = (
    TB_HEAD +
    f'  File "{ODOO}/addons/stock/models/stock_picking.py", line 1184, in button_validate\n'
    "    self._action_done()\n"
    f'  File "{ODOO}/addons/stock/models/stock_quant.py", line 1003, in _update_available_quantity\n'
    "    self._cr.execute(query, params)\n"
    f'  File "{ODOO}/sql_db.py", line 357, in execute\n'
    "    res = self._obj.execute(query, params)\n"
    "psycopg2.errors.LockNotAvailable: canceling statement due to lock timeout")
TB_SMTP = (
    "Traceback (most recent call last):\n"
    f'  File "{ODOO}/addons/mail/models/mail_mail.py", line 734, in _send\n'
    "    res = IrMailServer.send_email(\n"
    f'  File "{ODOO}/addons/base/models/ir_mail_server.py", line 813, in send_email\n'
    "    smtp.send_message(message, smtp_from, smtp_to_list)\n"
    '  File "/usr/lib/python3.12/smtplib.py", line 986, in send_message\n'
    "    return self.sendmail(from_addr, to_addrs, flatmsg, mail_options,\n"
    '  File "/usr/lib/python3.12/smtplib.py", line 887, in sendmail\n'
    "    (code, resp) = self.mail(from_addr, esmtp_opts)\n"
    '  File "/usr/lib/python3.12/smtplib.py", line 548, in mail\n'
    "    return self.getreply()\n"
    '  File "/usr/lib/python3.12/smtplib.py", line 405, in getreply\n'
    '    raise SMTPServerDisconnected("Connection unexpectedly closed")\n'
    "smtplib.SMTPServerDisconnected: Connection unexpectedly closed")
FILESTORE = "/var/lib/odoo/.local/share/Odoo/filestore/prod/8c/8c1f0e3b7a9d2c4e6f8a0b1c3d5e7f9a1b3c5d7e"
TB_FILESTORE = (
    "Traceback (most recent call last):\n"
    f'  File "{ODOO}/addons/base/models/ir_attachment.py", line 128, in _file_read\n'
    "    with open(full_path, 'rb') as f:\n"
    f"FileNotFoundError: [Errno 2] No such file or directory: '{FILESTORE}'")


# ---------------------------------------------------------------- output

class StopGeneration(Exception):
    pass


class Writer:
    """Routes each day's records to its file; counts lines; stops at ``max_lines``."""

    def __init__(self, out_dir=None, single=None, max_lines=None):
        self.out_dir, self.single, self.max_lines = out_dir, single, max_lines
        self.handles = {}
        self.counts = {}
        self.total = 0
        self.last_day = None

    def _handle(self, d):
        if self.single is not None:
            name = self.single
            if name not in self.handles:
                self.handles[name] = sys.stdout.buffer if name == "-" else open(name, "wb")
            return name, self.handles[name]
        for name, d0, d1 in FILES:
            if d0 <= d <= d1:
                break
        if name not in self.handles:
            path = os.path.join(self.out_dir, name)
            if name.endswith(".gz"):
                raw = open(path, "wb")
                # fixed mtime (the rotation time) so the gzip bytes are reproducible
                fh = gzip.GzipFile(filename=name[:-3], mode="wb", fileobj=raw, compresslevel=9,
                                   mtime=(T0 + (d1 + 1) * DAY) // 1000)
                fh._raw = raw
            else:
                fh = open(path, "wb")
            self.handles[name] = fh
        return name, self.handles[name]

    def write_day(self, d, recs):
        name, fh = self._handle(d)
        buf = []
        n = 0
        for _, _, text in recs:
            buf.append(text)
            n += text.count("\n") + 1
            if self.max_lines is not None and self.total + n >= self.max_lines:
                break
        if buf:
            fh.write(("\n".join(buf) + "\n").encode("utf-8", "surrogateescape"))
        self.counts[name] = self.counts.get(name, 0) + n
        self.total += n
        self.last_day = d
        if self.max_lines is not None and self.total >= self.max_lines:
            raise StopGeneration

    def close(self):
        for name, fh in self.handles.items():
            if fh is sys.stdout.buffer:
                fh.flush()
                continue
            fh.close()
            raw = getattr(fh, "_raw", None)
            if raw:
                raw.close()


# ---------------------------------------------------------------- nginx access log

NGINX_LOG_FORMAT = ("log_format odoo '$remote_addr - $remote_user [$time_local] \"$request\" $status "
                    "$body_bytes_sent \"$http_referer\" \"$http_user_agent\" sid=$odoo_sid42';")

# $body_bytes_sent per request kind, log-uniform in [lo, hi]; "fixed": one size per target (and
# client), as for a static file
BODY = {
    "page": (3_400, 6_800, False), "menu": (9_000, 32_000, "fixed"), "read": (180, 36_000, False),
    "write": (120, 2_600, False), "loginfail": (4_050, 4_250, False), "ignored": (4_050, 4_250, False),
    "report": (24_000, 180_000, False), "download": (6_000, 420_000, False),
    "image": (1_200, 9_000, "fixed"), "rpc": (240, 48_000, False), "anon": (3_850, 4_150, False),
}


def _nginx_hash(seed, *parts):
    """A number in [0, 1) from the request's fields: nginx draws nothing from the generators."""
    h = hashlib.sha256(("\x1f".join(str(p) for p in (seed, "nginx") + parts)).encode()).digest()
    return int.from_bytes(h[:8], "big") / 2 ** 64


def nginx_body_bytes(seed, r, end):
    """A plausible, deterministic $body_bytes_sent for ``r`` (werkzeug line at ``end``)."""
    path = r.target.split("#", 1)[0]
    if r.status in (101, 204, 303, 304):
        return 0
    if r.status == 404:
        return 207                          # werkzeug's NotFound page
    if path.startswith("/web/assets/"):     # gzip'd bundles: one size per URL
        lo, hi = (95_000, 125_000) if path.endswith(".css") else (1_050_000, 1_250_000)
        u = _nginx_hash(seed, path)
    elif path.startswith("/web/webclient/translations/"):
        lo, hi, u = 1_400, 3_600, _nginx_hash(seed, path)
    elif path == "/web/static/img/favicon.ico":
        return 15_086
    elif path.startswith("/xmlrpc/"):
        if r.kind == "login" or r.kind == "write":   # an int, True: a tiny XML document
            lo, hi = 140, 175
        else:
            lo, hi = 320, 48_000
        u = _nginx_hash(seed, end, r.ip, r.method, r.target)
    elif r.kind == "nodb":
        lo, hi = (200, 240) if r.method == "POST" else (5_200, 5_900)
        u = _nginx_hash(seed, path)
    else:
        lo, hi, fixed = BODY.get(r.kind, (200, 20_000, False))
        key = (path, r.ip if r.actor is None else getattr(r.actor, "uid", r.ip)) if fixed else \
              (end, r.ip, r.method, r.target)
        u = _nginx_hash(seed, *key)
    return int(lo * (hi / lo) ** u)


def nginx_time(ms):
    off, label = NGINX_TZ
    y, mo, d, hh, mm, ss = time.gmtime(ms // 1000 + off)[:6]
    return f"{d:02d}/{MONTHS[mo - 1]}/{y:04d}:{hh:02d}:{mm:02d}:{ss:02d} {label}"


def nginx_escape(s):
    """nginx's escaping of variables in access logs: ", \\, control and non-ASCII bytes as \\xHH."""
    out = []
    for b in s.encode("utf-8", "surrogateescape"):
        out.append(f"\\x{b:02X}" if b in (0x22, 0x5C) or b < 0x20 or b > 0x7E else chr(b))
    return "".join(out)


def write_nginx(out_dir, g):
    """The nginx reverse proxy's access logs for the requests collected in ``g.nginx``: one line
    per werkzeug line, in the same order (log_format NGINX_LOG_FORMAT), each in the NGINX_FILES
    file of the day its werkzeug line was written on (the Odoo file's period). One proxy for the
    whole period: what the browsers did before a rotation still counts for the referer after it.
    Returns [(path, line count)] in NGINX_FILES order.

    - client IP, method, status as werkzeug logged them (proxy_mode: the real client); the
      target without Odoo 18's ``#model.method`` suffix (only Odoo's own log has it);
    - $time_local: the werkzeug time, to the second, in Europe/Brussels time (NGINX_TZ);
    - sid: the identifier of the session the request belongs to, ``-`` without one; the login
      POST carries the browser's pre-login cookie (Odoo rotates the sid at login): ``-``;
    - referer: what the browser sends (the document it is on; ``-`` when it opens the site,
      for the websocket handshake and for API clients); the User-Agent of the actor.
    """
    reqs = sorted(g.nginx, key=lambda dr: (dr[1].start + dr[1].dur, dr[1].wz))
    state = {}          # (browser actor, UA) -> [document URL, referer for a redirect's target, last ms]
    lines = {name: [] for name, _, _ in NGINX_FILES}
    for d, r in reqs:
        end = r.start + r.dur
        tgt = r.target.split("#", 1)[0]
        browser = isinstance(r.actor, Browser)
        if tgt in ("/web/login", "/web/login/totp") and r.method == "POST":
            sid = "-"
        else:
            sid = r.sess.ident[:42] if r.sess is not None else "-"
        ref = "-"
        if browser:
            st = state.setdefault((id(r.actor), r.ua), [None, None, -10 ** 15])
            doc, redir, last = st
            fresh = r.start - last > 30 * MIN          # opens the site again (a bookmark, the URL bar)
            base = tgt.split("?", 1)[0]
            nav = r.method == "GET" and (r.kind in ("page", "nodb") or base in ("/web", "/web/login", "/web/login/totp"))
            if redir is not None and r.method == "GET":
                ref, st[1] = redir, None               # a redirect's target keeps the referer
            elif tgt == WS:
                ref = "-"                              # WebSocket handshakes send no referer
            elif nav and (fresh or base == "/web/login"):
                ref = "-"
            else:
                ref = doc or "-"
            if nav and r.status == 200:
                st[0] = NGINX_HOST + tgt
            if r.status == 303:
                st[1] = ref if r.method == "GET" else (doc or "-")
            st[2] = end
        ua = r.ua or "-"
        name = next(name for name, d0, d1 in NGINX_FILES if d0 <= d <= d1)
        lines[name].append(f"{r.ip} - - [{nginx_time(end)}] \"{nginx_escape(f'{r.method} {tgt} HTTP/1.1')}\" "
                           f"{r.status} {nginx_body_bytes(g.seed, r, end)} \"{nginx_escape(ref)}\" "
                           f"\"{nginx_escape(ua)}\" sid={sid}")
    os.makedirs(out_dir, exist_ok=True)
    written = []
    for name, _, d1 in NGINX_FILES:
        data = ("\n".join(lines[name]) + "\n").encode("ascii") if lines[name] else b""
        path = os.path.join(out_dir, name)
        with open(path, "wb") as raw:
            if name.endswith(".gz"):
                # as Writer does for odoo.log.2.gz: the rotation time as the header's mtime, and
                # no file name in the header, so the bytes are the same on every run
                with gzip.GzipFile(filename="", mode="wb", fileobj=raw, compresslevel=9,
                                   mtime=(T0 + (d1 + 1) * DAY) // 1000) as fh:
                    fh.write(data)
            else:
                raw.write(data)
        written.append((path, len(lines[name])))
    return written


def generate(seed, scale, writer, nginx=False):
    g = Gen(seed, scale, writer)
    if nginx:
        g.nginx = []
    actors = [Fixed(g), Cron(g), SvcSync(g), Admin(g), Alice(g), Bob(g), Carol(g), Dave(g), Attacker(g)]
    kinds = ["brussels", "mobile", "paris", "amsterdam", "generic"]
    uid = 1000
    for _ in range(scale - 1):
        for k in kinds:
            actors.append(Generic(g, uid, k))
            uid += 1
    try:
        for d in range(NDAYS):
            for a in actors:
                a.day(d)
            g.flush_day(d)
    except StopGeneration:
        pass
    return g


# lines at scale 1 and per extra scale unit (measured; used only to pick --scale for --lines)
BASE_LINES = 17340
UNIT_LINES = 14300


def main(argv=None):
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", default=os.path.join(here, "logs"), help="directory for the rotated set (default: %(default)s)")
    ap.add_argument("--scale", type=int, default=None, help="traffic multiplier, integer >= 1 (default 1)")
    ap.add_argument("--single-file", metavar="PATH", help="write one plain file instead of the rotated set ('-': stdout)")
    ap.add_argument("--lines", type=int, metavar="N", help="generate at least N lines (picks --scale, cuts at N)")
    ap.add_argument("--seed", type=int, default=DEFAULT_SEED, help="random seed (default %(default)s)")
    ap.add_argument("--no-nginx", action="store_true",
                    help=f"rotated set: do not write the nginx access logs ({NGINX_DIR}/access.log*)")
    a = ap.parse_args(argv)
    if a.scale is not None and a.lines is not None:
        ap.error("--scale and --lines are exclusive")
    scale = a.scale or 1
    if scale < 1:
        ap.error("--scale must be >= 1")
    if a.lines is not None:
        if a.lines < 1:
            ap.error("--lines must be >= 1")
        scale = max(1, math.ceil((a.lines * 1.04 - BASE_LINES) / UNIT_LINES) + 1)
    if a.single_file is None:
        os.makedirs(a.out, exist_ok=True)
    nginx = a.single_file is None and a.lines is None and not a.no_nginx
    started = time.time()
    while True:
        w = Writer(out_dir=a.out, single=a.single_file, max_lines=a.lines)
        g = generate(a.seed, scale, w, nginx=nginx)
        w.close()
        if a.lines is None or w.total >= a.lines:
            break
        scale = math.ceil(scale * 1.25)    # estimate was short: try again, larger
    if nginx:
        g.notes["nginx"] = write_nginx(os.path.join(a.out, NGINX_DIR), g)
    summary(a, g, w, scale, time.time() - started)


def summary(a, g, w, scale, secs):
    err = sys.stderr
    print(f"seed {a.seed}, scale {scale}, {w.total} lines in {secs:.1f}s"
          f" (last day written: {day_label(w.last_day)}; requests delayed for a free worker: {g.delays})", file=err)
    for name, n in w.counts.items():
        path = name if a.single_file else os.path.join(a.out, name)
        print(f"  {path}: {n} lines", file=err)
    n = g.notes
    for (path, lines), (_, d0, d1) in zip(n.get("nginx", []), NGINX_FILES):
        print(f"  {path}: {lines} lines (nginx, {day_label(d0)} .. {day_label(d1)})", file=err)
    if "bob_long" in n:
        b = n["bob_long"]
        print(f"  bob long session   {b.ident}  {hdr_time(b.first)} .. {hdr_time(b.last)}", file=err)
    if "alice_sao_paulo" in n:
        print(f"  alice São Paulo    {n['alice_sao_paulo']}  {n['alice_sao_paulo_span'][0]} .. "
              f"{n['alice_sao_paulo_span'][1]}", file=err)
        print(f"  alice last request in Brussels on 2025-03-14: {n['alice_last_brussels']}", file=err)
    for k in ("alice_H1", "alice_H2", "alice_H3", "alice_H4", "carol_nat"):
        if k in n:
            print(f"  {k:18} {n[k]}", file=err)
    if "alice_office" in n:
        for day, ident in n["alice_office"]:
            print(f"  alice office from {day}: {ident}", file=err)
    if "bf_attempts" in n:
        print(f"  brute force: {n['bf_attempts']} attempts, {n.get('bf_warnings', 0)} cooldown warnings", file=err)


if __name__ == "__main__":
    main()
