#!/usr/bin/env python3
"""Writes the logs of the default rules' `tests:` (run by `sessionguard rules test`).

    python3 Rules/tests/build.py        # rewrites Rules/tests/*.log, byte-identical every time

Each log is a small Odoo 18 server log (shapes of shared/odoo-facts.md §1) telling one story,
with the documentation addresses of Samples/geoip/PLACES.md: 198.51.100.23 Brussels office,
198.51.100.140 Antwerp home, 203.0.113.5 Ghent mobile, 203.0.113.130 São Paulo,
192.0.2.150 New York, 2001:db8:2::7 Tokyo. The rules' tests: entries say what must fire.
"""
import calendar
import hashlib
import os
import time

HERE = os.path.dirname(os.path.abspath(__file__))
USERS = "odoo.addons.base.models.res_users"
DEVICE = "odoo.addons.base.models.res_device"
MONTHS = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()
BASE = calendar.timegm((2025, 3, 3, 0, 0, 0))  # Monday 2025-03-03 00:00 UTC
UIDS = {"alice@example.com": 7, "bob@example.com": 8, "carol@example.com": 9, "admin": 2}
CHROME = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36"
FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0"


def at(day, hh, mm=0, ss=0):
    return BASE + day * 86400 + hh * 3600 + mm * 60 + ss


def ident(name):
    """A stable 42-character session identifier."""
    return (hashlib.sha256(name.encode()).hexdigest() * 2)[:42].replace("0", "A").replace("1", "_")


class Log:
    def __init__(self):
        self.records = []

    def line(self, t, pid, level, logger, message, ms=0):
        stamp = time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(t)) + ",%03d" % ms
        self.records.append((t, ms, len(self.records), "%s %d %s prod %s: %s " % (stamp, pid, level, logger, message)))

    def request(self, t, pid, ip, method, target, status, ms=500, db="prod"):
        g = time.gmtime(t)
        when = "%02d/%s/%d %s" % (g.tm_mday, MONTHS[g.tm_mon - 1], g.tm_year, time.strftime("%H:%M:%S", g))
        stamp = time.strftime("%Y-%m-%d %H:%M:%S", g) + ",%03d" % ms
        self.records.append((t, ms, len(self.records),
                             '%s %d INFO %s werkzeug: %s - - [%s] "%s %s HTTP/1.1" %d - 12 0.010 0.050'
                             % (stamp, pid, db, ip, when, method, target, status)))

    def login(self, t, login, ip, sid, pid=4214, ua=None):
        self.line(t, pid, "INFO", USERS, "Login successful for db:prod login:%s from %s" % (login, ip), 100)
        self.device(t, login, ip, sid, pid, ua, ms=200)
        self.request(t, pid, ip, "POST", "/web/login", 303, 300)

    def device(self, t, login, ip, sid, pid=4215, ua=None, ms=100):
        uid = UIDS[login]
        if ua:
            self.line(t, pid, "INFO", DEVICE, "User %d inserts device log: %s - %s - %s" % (uid, sid, ip, ua), ms)
        else:
            self.line(t, pid, "INFO", DEVICE, "User %d inserts device log (%s)" % (uid, sid), ms)

    def work(self, start, end, ip, every=600, pid=4216):
        """Requests from ip every `every` seconds in [start, end]."""
        t = start + 60
        while t <= end:
            self.request(t, pid, ip, "POST", "/web/dataset/call_kw/res.partner/web_search_read", 200)
            t += every

    def moved(self, t, login, ip, sid, pid=4217, ua=None):
        """The session seen from a new address: Odoo writes a device line, then serves the request."""
        self.device(t, login, ip, sid, pid, ua, ms=100)
        self.request(t, pid, ip, "POST", "/web/dataset/call_kw/res.partner/web_search_read", 200, 200)

    def logout(self, t, ip, pid=4216):
        self.request(t, pid, ip, "GET", "/web/session/logout", 303)

    def failed(self, t, login, ip, pid=4213):
        self.line(t, pid, "INFO", USERS, "Login failed for db:prod login:%s from %s" % (login, ip), 200)
        self.request(t, pid, ip, "POST", "/web/login", 200, 300)

    def write(self, name):
        with open(os.path.join(HERE, name), "w") as f:
            f.write("%s 4212 INFO ? odoo: Odoo version 18.0-20250303 \n"
                    % time.strftime("%Y-%m-%d %H:%M:%S,000", time.gmtime(BASE)))
            for record in sorted(self.records):
                f.write(record[3] + "\n")


def office_days(log, login, days, ip="198.51.100.23", ua=None, logout=True):
    """A normal week: one session a day at the office, 09:00-17:00."""
    for d in days:
        sid = ident("%s-%d-%s" % (login, d, ip))
        log.login(at(d, 9), login, ip, sid, ua=ua)
        log.work(at(d, 9), at(d, 17), ip)
        if logout:
            log.logout(at(d, 17, 5), ip)


def main():
    # unfamiliar-country: alice, at the office all week, signs in from São Paulo on Friday night.
    log = Log()
    office_days(log, "alice@example.com", range(4))
    log.login(at(4, 21), "alice@example.com", "203.0.113.130", ident("alice-brazil"))
    log.work(at(4, 21), at(4, 21, 30), "203.0.113.130")
    log.write("unfamiliar-country-fires.log")
    # … and does not fire when she works from home in Antwerp instead (same country).
    log = Log()
    office_days(log, "alice@example.com", range(4))
    log.login(at(4, 21), "alice@example.com", "198.51.100.140", ident("alice-home"))
    log.work(at(4, 21), at(4, 21, 30), "198.51.100.140")
    log.write("unfamiliar-country-quiet.log")

    # impossible-travel: alice at the office until 10:00, Tokyo at 10:10 (a VPN hop).
    log = Log()
    log.login(at(0, 9), "alice@example.com", "198.51.100.23", ident("alice-office"))
    log.work(at(0, 9), at(0, 10), "198.51.100.23")
    log.login(at(0, 10, 10), "alice@example.com", "2001:db8:2::7", ident("alice-tokyo"))
    log.work(at(0, 10, 10), at(0, 10, 40), "2001:db8:2::7")
    log.write("impossible-travel-fires.log")
    # bob flies Brussels → New York: office until 10:00, hotel in New York at 20:00 (plausible).
    log = Log()
    log.login(at(0, 9), "bob@example.com", "198.51.100.23", ident("bob-office"))
    log.work(at(0, 9), at(0, 10), "198.51.100.23")
    log.logout(at(0, 10, 1), "198.51.100.23")
    log.login(at(0, 20), "bob@example.com", "192.0.2.150", ident("bob-hotel"))
    log.work(at(0, 20), at(0, 21), "192.0.2.150")
    log.write("impossible-travel-quiet.log")

    # concurrent-sessions: alice works at the office while a second session is used from São Paulo.
    log = Log()
    log.login(at(0, 9), "alice@example.com", "198.51.100.23", ident("alice-office"))
    log.work(at(0, 9), at(0, 12), "198.51.100.23", every=300)
    log.login(at(0, 10), "alice@example.com", "203.0.113.130", ident("alice-brazil"), pid=4217)
    log.work(at(0, 10), at(0, 11), "203.0.113.130", every=300, pid=4217)
    log.write("concurrent-sessions-fires.log")
    # alice's laptop at the office and her home PC in Antwerp at once (41 km): not far enough apart.
    log = Log()
    log.login(at(0, 9), "alice@example.com", "198.51.100.23", ident("alice-office"))
    log.work(at(0, 9), at(0, 12), "198.51.100.23", every=300)
    log.login(at(0, 10), "alice@example.com", "198.51.100.140", ident("alice-home"), pid=4217)
    log.work(at(0, 10), at(0, 11), "198.51.100.140", every=300, pid=4217)
    log.write("concurrent-sessions-quiet.log")

    # session-cookie-moved: one session used at the office, then from São Paulo 20 minutes later.
    log = Log()
    sid = ident("alice-cookie")
    log.login(at(0, 9), "alice@example.com", "198.51.100.23", sid)
    log.work(at(0, 9), at(0, 10), "198.51.100.23")
    log.moved(at(0, 10, 20), "alice@example.com", "203.0.113.130", sid)
    log.work(at(0, 10, 20), at(0, 11), "203.0.113.130", pid=4217)
    log.write("session-cookie-moved-fires.log")
    # bob's laptop leaves the office for his phone's hotspot (Ghent mobile range): same session, plausible.
    log = Log()
    sid = ident("bob-laptop")
    log.login(at(0, 9), "bob@example.com", "198.51.100.23", sid)
    log.work(at(0, 9), at(0, 10), "198.51.100.23")
    log.moved(at(0, 10, 20), "bob@example.com", "203.0.113.5", sid)
    log.work(at(0, 10, 20), at(0, 11), "203.0.113.5", pid=4217)
    log.write("session-cookie-moved-quiet.log")

    # long-lived-session: bob never signs out and uses one session for 9 days (device line daily).
    for name, days in (("long-lived-session-fires.log", 9), ("long-lived-session-quiet.log", 5)):
        log = Log()
        sid = ident("bob-long-%d" % days)
        log.login(at(0, 9), "bob@example.com", "198.51.100.23", sid)
        for d in range(days + 1):
            log.moved(at(d, 9, 1), "bob@example.com", "198.51.100.23", sid)
            log.work(at(d, 9, 1), at(d, 17), "198.51.100.23")
        log.write(name)

    # forgotten-session: dave's… alice's session last used Monday, never signed out; judged on Saturday.
    for name, logout in (("forgotten-session-fires.log", False), ("forgotten-session-quiet.log", True)):
        log = Log()
        office_days(log, "alice@example.com", [0], logout=logout)
        log.write(name)

    # new-device: five weeks of Chrome on Windows, then Firefox on Linux (newer Odoo device lines carry the agent).
    for name, ua in (("new-device-fires.log", FIREFOX), ("new-device-quiet.log", CHROME.replace("131.0", "132.0"))):
        log = Log()
        office_days(log, "alice@example.com", range(5), ua=CHROME)
        office_days(log, "alice@example.com", [7], ua=ua)
        log.write(name)

    # brute-force: 12 guesses at admin in two minutes; quiet: a user mistyping 3 times.
    log = Log()
    for i in range(12):
        log.failed(at(0, 3, 0, 10 * i), "admin", "192.0.2.150")
    log.write("brute-force-fires.log")
    log = Log()
    for i in range(3):
        log.failed(at(0, 9, 0, 10 * i), "bob@example.com", "198.51.100.41")
    log.login(at(0, 9, 1), "bob@example.com", "198.51.100.41", ident("bob-typo"))
    log.write("brute-force-quiet.log")

    # login-after-failures: 8 guesses at carol from New York, then the right one.
    log = Log()
    for i in range(8):
        log.failed(at(0, 3, 0, 10 * i), "carol@example.com", "192.0.2.150")
    log.login(at(0, 3, 2), "carol@example.com", "192.0.2.150", ident("carol-stolen"))
    log.work(at(0, 3, 2), at(0, 3, 20), "192.0.2.150", every=120)
    log.write("login-after-failures-fires.log")
    # bob mistypes twice, then signs in: the failures are too few.
    log = Log()
    for i in range(2):
        log.failed(at(0, 9, 0, 10 * i), "bob@example.com", "198.51.100.41")
    log.login(at(0, 9, 1), "bob@example.com", "198.51.100.41", ident("bob-typo"))
    log.write("login-after-failures-quiet.log")

    # offboarded-user: carol left on 2025-03-04 (tests/offboarding.yml) but her session lives on; alice stays.
    log = Log()
    log.login(at(0, 8, 30), "carol@example.com", "203.0.113.70", ident("carol-paris"))
    log.work(at(0, 8, 30), at(0, 17), "203.0.113.70", pid=4218)
    log.moved(at(2, 9), "carol@example.com", "203.0.113.70", ident("carol-paris"))
    log.work(at(2, 9), at(2, 10), "203.0.113.70", pid=4218)
    office_days(log, "alice@example.com", range(3), logout=False)
    log.write("offboarded-user.log")

    # database-manager: someone backs up and drops a database through the manager. Its requests
    # select no database (Odoo logs `?`), so they belong to no session: they are reported by address.
    log = Log()
    log.login(at(0, 9), "admin", "198.51.100.5", ident("admin-office"))
    log.work(at(0, 9), at(0, 9, 30), "198.51.100.5")
    log.request(at(0, 9, 31), 4216, "198.51.100.5", "POST", "/web/database/backup", 200, db="?")
    log.request(at(0, 9, 40), 4216, "198.51.100.5", "POST", "/web/database/drop", 303, db="?")
    log.write("database-manager-fires.log")
    # A scanner looks at the manager's pages without changing anything: left to the web server's logs.
    log = Log()
    log.request(at(0, 3), 4216, "192.0.2.150", "GET", "/web/database/manager", 200, db="?")
    log.request(at(0, 3, 1), 4216, "192.0.2.150", "GET", "/web/database/selector", 200, db="?")
    log.login(at(0, 9), "admin", "198.51.100.5", ident("admin-office"))
    log.work(at(0, 9), at(0, 9, 30), "198.51.100.5")
    log.write("database-manager-quiet.log")

    # mass-export: 30 spreadsheet exports in half an hour from bob's session; quiet: three.
    for name, count in (("mass-export-fires.log", 30), ("mass-export-quiet.log", 3)):
        log = Log()
        log.login(at(0, 9), "bob@example.com", "198.51.100.41", ident("bob-export"))
        for i in range(count):
            log.request(at(0, 9, 1, 30 + 55 * i), 4216, "198.51.100.41", "POST", "/web/export/xlsx", 200)
        log.write(name)


if __name__ == "__main__":
    main()
