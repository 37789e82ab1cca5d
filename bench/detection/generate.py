#!/usr/bin/env python3
"""Generate the sessionguard labelled detection corpus: one Odoo 18.0 server log + labels.json.

Usage
-----
    python3 bench/detection/generate.py [--out DIR] [--users N] [--days D] [--seed S]
                                        [--start YYYY-MM-DD] [--anomalies K]

Writes into DIR (default /tmp/sessionguard-detection):

    odoo.log        the server log (Odoo 18.0 line shapes, UTC, 8 prefork workers + cron)
    labels.json     the injected anomalies, the population and the user-days
    networks.json   the made-up GeoIP table (places, networks, ASNs) for build_geoip.pl

A company ("acme", database ``prod``) with offices in Brussels, Antwerp, Paris, Amsterdam,
Lisbon and Berlin: N people (office workers behind office NAT addresses, home workers,
mobile users on carrier CGNAT pools, IPv6 users with daily privacy addresses, business
travellers taking plausible trains and flights), a few ``svc_*`` integration accounts
(XML-RPC / JSON-RPC ``from n/a`` every 15-60 minutes, or web-session API logins from a
hosting ASN), anonymous website visitors, scanners. In the last third of the period,
anomalies are injected and labelled: ``new_country``, ``impossible_travel``,
``long_session`` and ``brute_force`` (README.md next to this file).

Everything derives from --seed (stdlib only, Python >= 3.8): the same arguments give
byte-identical files. The default (300 users x 30 days) is ~300k lines and takes ~15 s.
The network table does not depend on the seed, the users or the days.

The log machinery (line shapes, request timing, prefork workers, browsing) is
Samples/generate_logs.py's, imported from there; this file sets what differs.
"""

import argparse
import calendar
import hashlib
import ipaddress
import json
import math
import os
import random
import sys
import time
import unicodedata

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), os.pardir, os.pardir, "Samples"))
sys.dont_write_bytecode = True       # no Samples/__pycache__ in the checkout
import generate_logs as base  # noqa: E402
from generate_logs import DAY, DB, HOUR, L_USERS, MIN, SEC, WS, hdr_time, kw  # noqa: E402

DEFAULT_SEED = 20250303
DEFAULT_START = "2025-03-03"          # a Monday

DOMAIN = "acme.example"
MASTER_PID = 3870
WORKERS = list(range(3871, 3879))
CRON_PID = 3879

L_SIGNUP = "odoo.addons.auth_signup.controllers.main"

COOLDOWN_AFTER = 10                  # base.login_cooldown_after
COOLDOWN_MS = 60 * SEC               # base.login_cooldown_duration

MENUS_HASH = "9a4c2e71d03b5f6a8c1e2d3f4a5b6c7d8e9f0a1b2c3d4e5f6a7b8c9d0e1f2a3b"
TRANSL_HASH = "c4d1e8f2a7b3c9d5e0f6a1b7c2d8e3f9a4b0c5d1"
ASSETS = "7f3d1c9"

# Set by configure(): the first midnight (ms since the epoch, UTC), the number of days and
# the weekday of day 0 (Monday = 0).
T0 = 0
NDAYS = 0
WD0 = 0


def configure(start, days):
    global T0, NDAYS, WD0
    y, m, d = (int(x) for x in start.split("-"))
    T0 = calendar.timegm((y, m, d, 0, 0, 0)) * 1000
    NDAYS = days
    WD0 = calendar.weekday(y, m, d)


def weekday(d):
    return (WD0 + d) % 7


def day_of(ms):
    return (ms - T0) // DAY


# ---------------------------------------------------------------- formatting

def iso(ms):
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(ms // 1000))


def make_ident(seed, key, n):
    """A session identifier: 42 chars of [A-Za-z0-9_-] (sid[:42] of an 18.0 sid)."""
    return base.make_ident(seed, key, n, corpus="sessionguard-detection")


def stable_int(text):
    return int.from_bytes(hashlib.sha256(text.encode()).digest()[:8], "big")


# ---------------------------------------------------------------- time zones (UTC offsets, DST)

TZ_RULES = {
    "Europe/Brussels": (60, "eu"), "Europe/Paris": (60, "eu"), "Europe/Amsterdam": (60, "eu"),
    "Europe/Berlin": (60, "eu"), "Europe/Madrid": (60, "eu"), "Europe/Rome": (60, "eu"),
    "Europe/Warsaw": (60, "eu"), "Europe/Zurich": (60, "eu"), "Europe/Lisbon": (0, "eu"),
    "Europe/London": (0, "eu"), "Europe/Dublin": (0, "eu"), "Europe/Bucharest": (120, "eu"),
    "Europe/Moscow": (180, None), "America/New_York": (-300, "us"), "America/Toronto": (-300, "us"),
    "America/Chicago": (-360, "us"), "America/Los_Angeles": (-480, "us"),
    "America/Mexico_City": (-360, None), "America/Sao_Paulo": (-180, None),
    "America/Argentina/Buenos_Aires": (-180, None), "Asia/Tokyo": (540, None), "Asia/Seoul": (540, None),
    "Asia/Singapore": (480, None), "Asia/Shanghai": (480, None), "Asia/Ho_Chi_Minh": (420, None),
    "Asia/Jakarta": (420, None), "Asia/Kolkata": (330, None), "Asia/Dubai": (240, None),
    "Africa/Lagos": (60, None), "Africa/Johannesburg": (120, None), "Australia/Sydney": (600, "au"),
}


def _sunday(y, m, n):
    """Day of month of the n-th Sunday (n = -1: the last)."""
    days = [dd for dd in range(1, calendar.monthrange(y, m)[1] + 1) if calendar.weekday(y, m, dd) == 6]
    return days[n] if n < 0 else days[n - 1]


_dst_cache = {}


def _dst_bounds(rule, y):
    k = (rule, y)
    if k not in _dst_cache:
        if rule == "eu":
            b = (calendar.timegm((y, 3, _sunday(y, 3, -1), 1, 0, 0)), calendar.timegm((y, 10, _sunday(y, 10, -1), 1, 0, 0)))
        elif rule == "us":
            b = (calendar.timegm((y, 3, _sunday(y, 3, 2), 7, 0, 0)), calendar.timegm((y, 11, _sunday(y, 11, 1), 6, 0, 0)))
        else:   # au: summer time outside [first Sunday of April, first Sunday of October)
            b = (calendar.timegm((y, 4, _sunday(y, 4, 1), 16, 0, 0)) - 86400,
                 calendar.timegm((y, 10, _sunday(y, 10, 1), 16, 0, 0)) - 86400)
        _dst_cache[k] = (b[0] * 1000, b[1] * 1000)
    return _dst_cache[k]


def utc_offset(tz, ms):
    std, rule = TZ_RULES[tz]
    if rule is None:
        return std * MIN
    a, b = _dst_bounds(rule, time.gmtime(ms // 1000).tm_year)
    inside = a <= ms < b
    dst = (not inside) if rule == "au" else inside
    return (std + (60 if dst else 0)) * MIN


def local(d, hh, mm, tz):
    """UTC ms of local wall time hh:mm on the calendar date of day d in zone tz."""
    naive = T0 + d * DAY + hh * HOUR + mm * MIN
    return naive - utc_offset(tz, naive - TZ_RULES[tz][0] * MIN)


def local_hour(ms, tz):
    return ((ms + utc_offset(tz, ms)) % DAY) / HOUR


# ---------------------------------------------------------------- geography (made up networks, real places)

CONTINENTS = {"EU": (6255148, "Europe"), "NA": (6255149, "North America"), "SA": (6255150, "South America"),
              "AS": (6255147, "Asia"), "AF": (6255146, "Africa"), "OC": (6255151, "Oceania")}

# iso: (English name, continent, geoname id, in the EU)
COUNTRIES = {
    "BE": ("Belgium", "EU", 2802361, True), "FR": ("France", "EU", 3017382, True),
    "NL": ("Netherlands", "EU", 2750405, True), "DE": ("Germany", "EU", 2921044, True),
    "PT": ("Portugal", "EU", 2264397, True), "ES": ("Spain", "EU", 2510769, True),
    "IE": ("Ireland", "EU", 2963597, True), "IT": ("Italy", "EU", 3175395, True),
    "PL": ("Poland", "EU", 798544, True), "RO": ("Romania", "EU", 798549, True),
    "GB": ("United Kingdom", "EU", 2635167, False), "CH": ("Switzerland", "EU", 2658434, False),
    "RU": ("Russia", "EU", 2017370, False), "US": ("United States", "NA", 6252001, False),
    "CA": ("Canada", "NA", 6251999, False), "MX": ("Mexico", "NA", 3996063, False),
    "BR": ("Brazil", "SA", 3469034, False), "AR": ("Argentina", "SA", 3865483, False),
    "JP": ("Japan", "AS", 1861060, False), "KR": ("South Korea", "AS", 1835841, False),
    "SG": ("Singapore", "AS", 1880251, False), "CN": ("China", "AS", 1814991, False),
    "VN": ("Vietnam", "AS", 1562822, False), "IN": ("India", "AS", 1269750, False),
    "ID": ("Indonesia", "AS", 1643084, False), "AE": ("United Arab Emirates", "AS", 290557, False),
    "NG": ("Nigeria", "AF", 2328926, False), "ZA": ("South Africa", "AF", 953987, False),
    "AU": ("Australia", "OC", 2077456, False),
}

_FL, _WAL, _IDF, _HDF = ("VLG", "Flanders"), ("WAL", "Wallonia"), ("IDF", "Île-de-France"), ("HDF", "Hauts-de-France")
# key: (country, city, [(subdivision iso, name), ...] largest first, latitude, longitude, time zone, postal)
PLACES = {
    "brussels": ("BE", "Brussels", [("BRU", "Brussels Capital")], 50.8505, 4.3488, "Europe/Brussels", "1000"),
    "antwerp": ("BE", "Antwerp", [_FL, ("VAN", "Antwerp Province")], 51.2199, 4.4035, "Europe/Brussels", "2000"),
    "ghent": ("BE", "Ghent", [_FL, ("VOV", "East Flanders")], 51.0500, 3.7167, "Europe/Brussels", "9000"),
    "bruges": ("BE", "Bruges", [_FL, ("VWV", "West Flanders")], 51.2089, 3.2242, "Europe/Brussels", "8000"),
    "leuven": ("BE", "Leuven", [_FL, ("VBR", "Flemish Brabant")], 50.8796, 4.7009, "Europe/Brussels", "3000"),
    "mechelen": ("BE", "Mechelen", [_FL, ("VAN", "Antwerp Province")], 51.0257, 4.4776, "Europe/Brussels", "2800"),
    "liege": ("BE", "Liège", [_WAL, ("WLG", "Liège Province")], 50.6337, 5.5675, "Europe/Brussels", "4000"),
    "namur": ("BE", "Namur", [_WAL, ("WNA", "Namur Province")], 50.4669, 4.8675, "Europe/Brussels", "5000"),
    "charleroi": ("BE", "Charleroi", [_WAL, ("WHT", "Hainaut")], 50.4114, 4.4445, "Europe/Brussels", "6000"),
    "paris": ("FR", "Paris", [_IDF, ("75", "Paris")], 48.8534, 2.3488, "Europe/Paris", "75001"),
    "versailles": ("FR", "Versailles", [_IDF, ("78", "Yvelines")], 48.8014, 2.1301, "Europe/Paris", "78000"),
    "lille": ("FR", "Lille", [_HDF, ("59", "Nord")], 50.6329, 3.0586, "Europe/Paris", "59000"),
    "roubaix": ("FR", "Roubaix", [_HDF, ("59", "Nord")], 50.6942, 3.1746, "Europe/Paris", "59100"),
    "lyon": ("FR", "Lyon", [("ARA", "Auvergne-Rhône-Alpes"), ("69", "Rhône")], 45.7485, 4.8467, "Europe/Paris", "69001"),
    "marseille": ("FR", "Marseille", [("PAC", "Provence-Alpes-Côte d'Azur"), ("13", "Bouches-du-Rhône")],
                  43.2970, 5.3811, "Europe/Paris", "13001"),
    "bordeaux": ("FR", "Bordeaux", [("NAQ", "Nouvelle-Aquitaine"), ("33", "Gironde")], 44.8404, -0.5805, "Europe/Paris", "33000"),
    "toulouse": ("FR", "Toulouse", [("OCC", "Occitanie"), ("31", "Haute-Garonne")], 43.6043, 1.4437, "Europe/Paris", "31000"),
    "nantes": ("FR", "Nantes", [("PDL", "Pays de la Loire"), ("44", "Loire-Atlantique")], 47.2172, -1.5534, "Europe/Paris", "44000"),
    "amsterdam": ("NL", "Amsterdam", [("NH", "North Holland")], 52.3740, 4.8897, "Europe/Amsterdam", "1012"),
    "rotterdam": ("NL", "Rotterdam", [("ZH", "South Holland")], 51.9225, 4.4792, "Europe/Amsterdam", "3011"),
    "the_hague": ("NL", "The Hague", [("ZH", "South Holland")], 52.0767, 4.2986, "Europe/Amsterdam", "2511"),
    "utrecht": ("NL", "Utrecht", [("UT", "Utrecht")], 52.0908, 5.1222, "Europe/Amsterdam", "3511"),
    "eindhoven": ("NL", "Eindhoven", [("NB", "North Brabant")], 51.4416, 5.4697, "Europe/Amsterdam", "5611"),
    "maastricht": ("NL", "Maastricht", [("LI", "Limburg")], 50.8483, 5.6889, "Europe/Amsterdam", "6211"),
    "berlin": ("DE", "Berlin", [("BE", "Land Berlin")], 52.5244, 13.4105, "Europe/Berlin", "10115"),
    "hamburg": ("DE", "Hamburg", [("HH", "Hamburg")], 53.5507, 9.9930, "Europe/Berlin", "20095"),
    "munich": ("DE", "Munich", [("BY", "Bavaria")], 48.1374, 11.5755, "Europe/Berlin", "80331"),
    "frankfurt": ("DE", "Frankfurt am Main", [("HE", "Hesse")], 50.1155, 8.6842, "Europe/Berlin", "60311"),
    "cologne": ("DE", "Cologne", [("NW", "North Rhine-Westphalia")], 50.9333, 6.9500, "Europe/Berlin", "50667"),
    "nuremberg": ("DE", "Nuremberg", [("BY", "Bavaria")], 49.4478, 11.0683, "Europe/Berlin", "90402"),
    "falkenstein": ("DE", "Falkenstein", [("SN", "Saxony")], 50.4779, 12.3713, "Europe/Berlin", "08223"),
    "lisbon": ("PT", "Lisbon", [("11", "Lisbon")], 38.7167, -9.1333, "Europe/Lisbon", "1100-148"),
    "porto": ("PT", "Porto", [("13", "Porto")], 41.1496, -8.6110, "Europe/Lisbon", "4000-322"),
    "braga": ("PT", "Braga", [("03", "Braga")], 41.5503, -8.4200, "Europe/Lisbon", None),
    "coimbra": ("PT", "Coimbra", [("06", "Coimbra")], 40.2056, -8.4195, "Europe/Lisbon", None),
    "faro": ("PT", "Faro", [("08", "Faro")], 37.0194, -7.9322, "Europe/Lisbon", None),
    "madrid": ("ES", "Madrid", [("MD", "Madrid")], 40.4165, -3.7026, "Europe/Madrid", "28001"),
    "barcelona": ("ES", "Barcelona", [("CT", "Catalonia"), ("B", "Barcelona")], 41.3888, 2.1590, "Europe/Madrid", "08001"),
    "dublin": ("IE", "Dublin", [("L", "Leinster"), ("D", "Dublin City")], 53.3331, -6.2489, "Europe/Dublin", None),
    "london": ("GB", "London", [("ENG", "England")], 51.5085, -0.1257, "Europe/London", "EC1A"),
    "manchester": ("GB", "Manchester", [("ENG", "England")], 53.4809, -2.2374, "Europe/London", "M1"),
    "milan": ("IT", "Milan", [("25", "Lombardy"), ("MI", "Milan")], 45.4643, 9.1895, "Europe/Rome", "20121"),
    "rome": ("IT", "Rome", [("62", "Lazio"), ("RM", "Rome")], 41.8919, 12.5113, "Europe/Rome", "00118"),
    "warsaw": ("PL", "Warsaw", [("14", "Mazovia")], 52.2298, 21.0118, "Europe/Warsaw", "00-001"),
    "bucharest": ("RO", "Bucharest", [("B", "Bucure\u0219ti")], 44.4323, 26.1063, "Europe/Bucharest", None),
    "zurich": ("CH", "Zurich", [("ZH", "Zurich")], 47.3667, 8.5500, "Europe/Zurich", "8001"),
    "moscow": ("RU", "Moscow", [("MOW", "Moscow")], 55.7522, 37.6156, "Europe/Moscow", "101000"),
    "new_york": ("US", "New York", [("NY", "New York")], 40.7128, -74.0060, "America/New_York", "10001"),
    "boston": ("US", "Boston", [("MA", "Massachusetts")], 42.3584, -71.0598, "America/New_York", "02108"),
    "ashburn": ("US", "Ashburn", [("VA", "Virginia")], 39.0437, -77.4875, "America/New_York", "20147"),
    "chicago": ("US", "Chicago", [("IL", "Illinois")], 41.8500, -87.6500, "America/Chicago", "60601"),
    "los_angeles": ("US", "Los Angeles", [("CA", "California")], 34.0522, -118.2437, "America/Los_Angeles", "90001"),
    "san_francisco": ("US", "San Francisco", [("CA", "California")], 37.7749, -122.4194, "America/Los_Angeles", "94102"),
    "montreal": ("CA", "Montreal", [("QC", "Quebec")], 45.5088, -73.5878, "America/Toronto", "H2Y"),
    "toronto": ("CA", "Toronto", [("ON", "Ontario")], 43.7001, -79.4163, "America/Toronto", "M5H"),
    "mexico_city": ("MX", "Mexico City", [("CMX", "Mexico City")], 19.4285, -99.1277, "America/Mexico_City", None),
    "sao_paulo": ("BR", "São Paulo", [("SP", "São Paulo")], -23.5475, -46.6361, "America/Sao_Paulo", "01000"),
    "buenos_aires": ("AR", "Buenos Aires", [("C", "Buenos Aires F.D.")], -34.6131, -58.3772,
                     "America/Argentina/Buenos_Aires", None),
    "tokyo": ("JP", "Tokyo", [("13", "Tokyo")], 35.6893, 139.6899, "Asia/Tokyo", "100-0001"),
    "osaka": ("JP", "Osaka", [("27", "Osaka")], 34.6937, 135.5022, "Asia/Tokyo", "530-0001"),
    "seoul": ("KR", "Seoul", [("11", "Seoul")], 37.5660, 126.9784, "Asia/Seoul", None),
    "singapore": ("SG", "Singapore", [], 1.2897, 103.8501, "Asia/Singapore", None),
    "shanghai": ("CN", "Shanghai", [("SH", "Shanghai")], 31.2222, 121.4581, "Asia/Shanghai", None),
    "hanoi": ("VN", "Hanoi", [("HN", "Hanoi")], 21.0245, 105.8412, "Asia/Ho_Chi_Minh", None),
    "mumbai": ("IN", "Mumbai", [("MH", "Maharashtra")], 19.0728, 72.8826, "Asia/Kolkata", "400001"),
    "jakarta": ("ID", "Jakarta", [("JK", "Jakarta")], -6.2146, 106.8451, "Asia/Jakarta", None),
    "dubai": ("AE", "Dubai", [("DU", "Dubai")], 25.0772, 55.3093, "Asia/Dubai", None),
    "lagos": ("NG", "Lagos", [("LA", "Lagos")], 6.4541, 3.3947, "Africa/Lagos", None),
    "johannesburg": ("ZA", "Johannesburg", [("GP", "Gauteng")], -26.2023, 28.0436, "Africa/Johannesburg", "2000"),
    "sydney": ("AU", "Sydney", [("NSW", "New South Wales")], -33.8678, 151.2073, "Australia/Sydney", "2000"),
}

RADII = {"business": (5, 10, 20), "residential": (10, 20, 50), "mobile": (100, 200, 250, 500),
         "hosting": (20, 50, 100, 500, 1000), "hotel": (10, 20, 50)}

# key: (AS organisation, ASN, kind, IPv4 /16 base, [cities], IPv6 /32 base or None)
# Each city gets a /22 (city i: third octet 4*i) and, with an IPv6 base, a /48 (third hextet i).
# Made-up assignments of public-looking ranges (none of 10/8, 172.16/12, 192.168/16, 100.64/10,
# 127/8, 169.254/16, 198.18/15): not real geolocation data.
ISPS = {
    # Belgium
    "proximus_biz": ("Proximus NV", 5432, "business", "81.246", ["brussels", "antwerp", "ghent", "liege"], None),
    "proximus": ("Proximus NV", 5432, "residential", "81.241",
                 ["brussels", "antwerp", "ghent", "bruges", "leuven", "mechelen", "liege", "namur", "charleroi"], "2a02:a03f"),
    "telenet": ("Telenet BVBA", 6848, "residential", "84.194",
                ["antwerp", "ghent", "mechelen", "leuven", "bruges", "brussels"], "2a02:1810"),
    "orange_be": ("Orange Belgium SA", 47377, "mobile", "85.201",
                  ["brussels", "antwerp", "ghent", "liege", "namur", "bruges", "charleroi"], None),
    # France
    "orange_fr_biz": ("Orange S.A.", 3215, "business", "90.84", ["paris", "lyon", "lille"], None),
    "orange_fr": ("Orange S.A.", 3215, "residential", "90.12",
                  ["paris", "versailles", "lille", "lyon", "marseille", "bordeaux", "toulouse", "nantes"], "2a01:cb00"),
    "free": ("Free SAS", 12322, "residential", "88.162", ["paris", "lyon", "marseille", "lille", "toulouse"], "2a01:e0a"),
    "sfr_mobile": ("Societe Francaise du Radiotelephone - SFR SA", 15557, "mobile", "176.141",
                   ["paris", "lyon", "lille", "marseille", "bordeaux", "toulouse", "nantes"], None),
    # Netherlands
    "kpn_biz": ("KPN B.V.", 1136, "business", "77.162", ["amsterdam", "rotterdam", "utrecht"], None),
    "kpn": ("KPN B.V.", 1136, "residential", "77.170",
            ["amsterdam", "rotterdam", "the_hague", "utrecht", "eindhoven", "maastricht"], "2a02:a440"),
    "ziggo": ("Vodafone Libertel B.V.", 33915, "residential", "84.86", ["amsterdam", "rotterdam", "utrecht", "eindhoven"], "2001:1c00"),
    "odido": ("Odido Netherlands B.V.", 31615, "mobile", "62.140",
              ["amsterdam", "rotterdam", "the_hague", "utrecht", "eindhoven", "maastricht"], None),
    # Germany
    "telekom_biz": ("Deutsche Telekom AG", 3320, "business", "80.146", ["berlin", "frankfurt", "munich"], None),
    "telekom": ("Deutsche Telekom AG", 3320, "residential", "87.162",
                ["berlin", "hamburg", "munich", "frankfurt", "cologne", "nuremberg"], "2003:e8"),
    "o2_de": ("Telefonica Germany GmbH & Co.OHG", 6805, "mobile", "176.4",
              ["berlin", "hamburg", "munich", "frankfurt", "cologne", "nuremberg"], None),
    # Portugal
    "meo_biz": ("MEO - SERVICOS DE COMUNICACOES E MULTIMEDIA S.A.", 3243, "business", "85.138", ["lisbon", "porto"], None),
    "meo": ("MEO - SERVICOS DE COMUNICACOES E MULTIMEDIA S.A.", 3243, "residential", "85.243",
            ["lisbon", "porto", "braga", "coimbra", "faro"], "2001:8a0"),
    "nos_mobile": ("NOS COMUNICACOES, S.A.", 2860, "mobile", "89.152", ["lisbon", "porto", "braga", "coimbra", "faro"], None),
    # elsewhere: hotels, visitors, attackers
    "spectrum": ("Charter Communications Inc", 20115, "hotel", "71.190",
                 ["new_york", "boston", "chicago", "los_angeles", "san_francisco"], None),
    "comcast": ("Comcast Cable Communications, LLC", 7922, "residential", "73.160",
                ["new_york", "boston", "chicago", "san_francisco"], None),
    "bell": ("Bell Canada", 577, "hotel", "70.52", ["montreal", "toronto"], None),
    "bt": ("British Telecommunications PLC", 2856, "hotel", "86.150", ["london", "manchester"], None),
    "telefonica_es": ("Telefonica de Espana S.A.U.", 3352, "hotel", "83.44", ["madrid", "barcelona"], None),
    "tim": ("Telecom Italia S.p.A.", 3269, "hotel", "79.20", ["milan", "rome"], None),
    "orange_pl": ("Orange Polska Spolka Akcyjna", 5617, "residential", "83.28", ["warsaw"], None),
    "swisscom": ("Swisscom (Schweiz) AG", 3303, "hotel", "85.1", ["zurich"], None),
    "eir": ("Eircom Limited", 5466, "hotel", "86.40", ["dublin"], None),
    "ntt": ("NTT Communications Corporation", 4713, "hotel", "153.200", ["tokyo", "osaka"], None),
    "singtel": ("SingNet Pte Ltd", 3758, "hotel", "116.86", ["singapore"], None),
    "etisalat": ("Emirates Telecommunications Group Company (Etisalat Group) PJSC", 5384, "hotel", "94.200", ["dubai"], None),
    "telstra": ("Telstra Limited", 1221, "residential", "120.150", ["sydney"], None),
    "kt": ("Korea Telecom", 4766, "residential", "121.130", ["seoul"], None),
    "claro_br": ("Claro NXT Telecomunicacoes Ltda", 28573, "residential", "177.90", ["sao_paulo"], None),
    "telmex": ("UNINET", 8151, "residential", "187.140", ["mexico_city"], None),
    "telecom_ar": ("Telecom Argentina S.A.", 7303, "residential", "181.45", ["buenos_aires"], None),
    "rostelecom": ("Rostelecom", 12389, "residential", "95.30", ["moscow"], None),
    "rcs_rds": ("RCS & RDS SA", 8708, "residential", "86.120", ["bucharest"], None),
    "chinanet": ("Chinanet", 4134, "residential", "116.230", ["shanghai"], None),
    "vnpt": ("VNPT Corp", 45899, "residential", "113.170", ["hanoi"], None),
    "jio": ("Reliance Jio Infocomm Limited", 55836, "mobile", "49.36", ["mumbai"], None),
    "telkom_id": ("PT Telekomunikasi Indonesia", 7713, "residential", "36.70", ["jakarta"], None),
    "mtn_ng": ("MTN NIGERIA Communication limited", 29465, "mobile", "102.88", ["lagos"], None),
    "vodacom_za": ("Vodacom", 29975, "mobile", "41.13", ["johannesburg"], None),
    # hosting
    "aws": ("AMAZON-02", 16509, "hosting", "52.208", ["dublin", "frankfurt", "ashburn", "tokyo", "singapore"], None),
    "digitalocean": ("DIGITALOCEAN-ASN", 14061, "hosting", "167.99",
                     ["amsterdam", "new_york", "frankfurt", "singapore", "london"], None),
    "ovh": ("OVH SAS", 16276, "hosting", "51.178", ["roubaix", "london"], None),
    "hetzner": ("Hetzner Online GmbH", 24940, "hosting", "95.216", ["falkenstein", "nuremberg"], None),
    "microsoft": ("MICROSOFT-CORP-MSN-AS-BLOCK", 8075, "hosting", "20.103", ["amsterdam", "dublin"], None),
    "selectel": ("Selectel Ltd.", 49505, "hosting", "92.53", ["moscow"], None),
    "alibaba": ("Hangzhou Alibaba Advertising Co.,Ltd.", 37963, "hosting", "47.100", ["shanghai"], None),
    "vultr": ("AS-CHOOPA", 20473, "hosting", "45.77", ["los_angeles", "tokyo", "sao_paulo", "sydney", "johannesburg"], None),
}

FORBIDDEN = [ipaddress.ip_network(n) for n in (
    "0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16", "172.16.0.0/12",
    "192.0.2.0/24", "192.168.0.0/16", "198.18.0.0/15", "198.51.100.0/24", "203.0.113.0/24", "224.0.0.0/3")]


class Net:
    """One network of the table: a /22 (and optionally a /48) of one ISP in one city."""
    __slots__ = ("isp", "org", "asn", "kind", "place", "v4", "v6", "radius", "taken")

    def __init__(self, isp, org, asn, kind, place, v4, v6, radius):
        self.isp, self.org, self.asn, self.kind, self.place = isp, org, asn, kind, place
        self.v4, self.v6, self.radius = v4, v6, radius
        self.taken = set()

    @property
    def country(self):
        return PLACES[self.place][0]


def build_networks():
    nets = {}
    for isp, (org, asn, kind, base4, cities, base6) in ISPS.items():
        a, b = (int(x) for x in base4.split("."))
        for i, city in enumerate(cities):
            v4 = ipaddress.IPv4Network(f"{a}.{b}.{4 * i}.0/22")
            v6 = ipaddress.IPv6Network(f"{base6}:{i:x}::/48") if base6 else None
            radii = RADII[kind]
            radius = radii[stable_int(f"{isp}:{city}") % len(radii)]
            nets[(isp, city)] = Net(isp, org, asn, kind, city, v4, v6, radius)
    allnets = [n.v4 for n in nets.values()] + [n.v6 for n in nets.values() if n.v6]
    for i, x in enumerate(allnets):
        assert not any(x.overlaps(f) for f in FORBIDDEN if f.version == x.version), x
        for y in allnets[i + 1:]:
            assert not (x.version == y.version and x.overlaps(y)), (x, y)
    return nets


def networks_document(nets, build_epoch):
    places = {}
    for key, (cc, city, subs, lat, lon, tz, postal) in PLACES.items():
        p = {"country": cc, "city": city, "subdivisions": [{"iso_code": s[0], "name": s[1]} for s in subs],
             "latitude": lat, "longitude": lon, "time_zone": tz}
        if postal:
            p["postal"] = postal
        places[key] = p
    rows = []
    for n in sorted(nets.values(), key=lambda n: (n.isp, n.place)):
        for net in (n.v4, n.v6):
            if net is not None:
                rows.append({"network": str(net), "place": n.place, "accuracy_radius": n.radius,
                             "asn": n.asn, "organization": n.org, "isp": n.isp, "kind": n.kind})
    return {
        "schema": "sessionguard-detection-networks/1",
        "note": "made-up assignments of public-looking ranges to real places; not real geolocation data",
        "build_epoch": build_epoch,
        "continents": {k: {"geoname_id": v[0], "name": v[1]} for k, v in CONTINENTS.items()},
        "countries": {k: {"name": v[0], "continent": v[1], "geoname_id": v[2], "eu": v[3]} for k, v in COUNTRIES.items()},
        "places": places,
        "networks": rows,
    }


def distance_km(p, q):
    (_, _, _, la1, lo1, _, _), (_, _, _, la2, lo2, _, _) = PLACES[p], PLACES[q]
    f1, f2 = math.radians(la1), math.radians(la2)
    df, dl = f2 - f1, math.radians(lo2 - lo1)
    h = math.sin(df / 2) ** 2 + math.cos(f1) * math.cos(f2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(h))


class Addr:
    """Address allocation inside the table's networks."""

    def __init__(self, nets):
        self.nets = nets
        self.fixed = set()
        self.v6_next = {}

    def fixed_v4(self, rng, isp, city):
        """A host address nobody else uses (homes, office NATs, hotels, attackers)."""
        n = self.nets[(isp, city)]
        size = n.v4.num_addresses
        while True:
            ip = str(n.v4.network_address + rng.randint(2, size - 2))
            if ip not in self.fixed and not ip.endswith(".0") and not ip.endswith(".255"):
                self.fixed.add(ip)
                return ip

    def shared_v4(self, rng, isp, city):
        """A carrier-grade NAT / pool address: may be shared, but never a fixed address."""
        n = self.nets[(isp, city)]
        while True:
            ip = str(n.v4.network_address + rng.randint(2, n.v4.num_addresses - 2))
            if ip not in self.fixed:
                return ip

    def v6_prefix(self, isp, city):
        """A customer /64 (as an int, the top 64 bits) inside the city's /48."""
        n = self.nets[(isp, city)]
        k = self.v6_next.get((isp, city), 1)
        self.v6_next[(isp, city)] = k + 1
        return (int(n.v6.network_address) >> 64) | (k << 8)


def v6_address(prefix64, rng):
    return str(ipaddress.IPv6Address((prefix64 << 64) | (rng.getrandbits(64) | 1)))


# ---------------------------------------------------------------- the log machinery (Samples/generate_logs.py's)

PERF = dict(base.PERF,
            export=(30, 120, 0.030, 0.300, 0.200, 1.500),
            web=(10, 35, 0.006, 0.030, 0.030, 0.140),
            notfound=(2, 6, 0.001, 0.005, 0.004, 0.030))


class Session:
    """A browser session: identifier, and when a device line was last written per IP (Odoo 18
    keeps a device entry per platform, browser and IP, and logs it when new or an hour old).
    The device_* methods are what Samples/generate_logs.py's Gen.req asks."""
    __slots__ = ("uid", "login", "ident", "dev", "alive", "first", "last", "keep")

    def __init__(self, uid, login, ident):
        self.uid, self.login, self.ident = uid, login, ident
        self.dev = {}
        self.alive = True
        self.first = self.last = None
        self.keep = False          # never logged out (long_session anomaly)

    def device_due(self, ip, t, force):
        last = self.dev.get(ip)
        return force or last is None or t - last >= HOUR

    def device_logged(self, ip, t):
        self.dev[ip] = t

    def device_delayed(self, ip, t):
        if self.dev.get(ip, 0) > t - 1000:
            self.dev[ip] = t


class Gen(base.Gen):
    """The samples' generator (request timing, workers, line shapes) with this corpus's workers
    and request kinds, Odoo's login cooldown, per-user activity, and the records that spill past
    midnight kept for the next day."""

    workers = WORKERS
    registry_modules = 112
    perf_ranges = PERF
    replica = None

    def __init__(self, seed, out):
        super().__init__(seed, 1, None)
        self.out = out
        self.day_start = T0
        self.failures = {}            # ip -> (failures since last success, last failure ms, micro)
        self.activity = {}            # login -> set of days with activity
        self.lines = 0
        self.bytes = 0
        self.failed_lines = 0

    def active(self, login, t):
        d = day_of(t)
        if 0 <= d < NDAYS:
            self.activity.setdefault(login, set()).add(d)

    def req(self, rng, t, *args, **kwargs):
        assert t >= self.day_start, f"request at {hdr_time(t)} before the day being generated"
        return super().req(rng, t, *args, **kwargs)

    def attempt(self, rng, t, ip, login, ok, sess=None):
        """One ``POST /web/login`` with Odoo 18's per-address cooldown; returns (end, outcome)."""
        fails, last, micro = self.failures.get(ip, (0, 0, 0))
        failed = ("INFO", L_USERS, f"Login failed for db:{DB} login:{login} from {ip}", None)
        if fails >= COOLDOWN_AFTER and t - last < COOLDOWN_MS:
            warn = ("WARNING", L_USERS, base.cooldown_warning(ip, fails, last, micro), None)
            self.failed_lines += 1
            return self.req(rng, t, ip, "POST", "/web/login", "ignored", 200, pre=[warn, failed]), "ignored"
        if ok:
            line = ("INFO", L_USERS, f"Login successful for db:{DB} login:{login} from {ip}", None)
            end = self.req(rng, t, ip, "POST", "/web/login", "login", 303, sess=sess, pre=[line],
                           force_device=sess is not None)
            self.failures.pop(ip, None)
            return end, "ok"
        end = self.req(rng, t, ip, "POST", "/web/login", "loginfail", 200, pre=[failed])
        r = self.last_req
        self.failures[ip] = (fails + 1, r.start + r.dur // 2, rng.randint(0, 999))
        self.failed_lines += 1
        return end, "failed"

    # -- per day: schedule requests on workers, sort, write; what spills past midnight waits

    def flush_day(self, d, final=False):
        limit = T0 + (d + 1) * DAY
        todo = [r for r in self.reqs if final or r.start < limit]
        self.reqs = [] if final else [r for r in self.reqs if r.start >= limit]
        self.schedule(todo)
        self.recs.sort()
        if final:
            end_of_period = T0 + NDAYS * DAY
            out = [x for x in self.recs if x[0] < end_of_period]
            self.recs = []
        else:
            k = 0
            while k < len(self.recs) and self.recs[k][0] < limit:
                k += 1
            out, self.recs = self.recs[:k], self.recs[k:]
        if out:
            data = ("\n".join(x[2] for x in out) + "\n").encode("utf-8")
            self.out.write(data)
            self.lines += len(out)
            self.bytes += len(data)
        self.day_start = limit


# ---------------------------------------------------------------- browsing

MODELS = {
    "sales": (["res.partner", "sale.order", "crm.lead", "product.template"], ["sales", "crm", "contacts"]),
    "field": (["res.partner", "sale.order", "crm.lead", "calendar.event"], ["crm", "sales", "calendar"]),
    "finance": (["account.move", "account.payment", "res.partner", "account.bank.statement.line"], ["accounting", "invoicing"]),
    "ops": (["stock.picking", "purchase.order", "product.product", "mrp.production"], ["inventory", "purchase", "manufacturing"]),
    "hr": (["hr.employee", "hr.leave", "hr.expense", "res.partner"], ["employees", "time-off", "expenses"]),
    "project": (["project.task", "project.project", "account.analytic.line", "helpdesk.ticket"], ["project", "timesheets", "helpdesk"]),
    "admin": (["res.users", "ir.config_parameter", "ir.module.module", "res.company"], ["settings", "apps"]),
}

class Browser(base.Browser):
    """Someone using the web client: the samples' Browser (page loads, actions, activity,
    logout) with this corpus's web client build and roles, logins through Gen.attempt (typos,
    cooldown), phone tabs that resume, and activity counted per user-day."""

    legit = True
    assets, menus_hash, translations_hash = ASSETS, MENUS_HASH, TRANSL_HASH
    translations_rate = 0.4
    favicon_rate = 0.1
    login_assets_rate = 0.5
    action_warnings = 0
    action_post_to = action_unlink_to = 0.97    # no deletions

    def __init__(self, g, uid, login, role, think):
        super().__init__(g, uid, login, *MODELS[role], think=think)
        self.sess_key = str(uid)

    def rq(self, sess, t, *args, **kwargs):
        if self.legit:
            self.g.active(self.user_login, t)
        return super().rq(sess, t, *args, **kwargs)

    def new_session(self):
        self.nsess += 1
        return Session(self.uid, self.user_login, make_ident(self.g.seed, self.sess_key, self.nsess))

    def resume(self, sess, t, ip):
        """A tab brought back (phone): the websocket reconnects and the client polls."""
        t = self.rq(sess, t, ip, "GET", WS, "ws", 101) + self.gap()
        return self.rq(sess, t, ip, "POST", "/mail/data", "read") + self.gap()

    def login(self, t, ip, two_fa=False, page=True, fails=0):
        """Login page, password (and TOTP) steps, then the web client; returns (session, t)."""
        g, rng = self.g, self.rng
        t = self.login_page(t, ip)
        for _ in range(fails):                       # a mistyped password
            t, _ = g.attempt(rng, t, ip, self.user_login, False)
            t += rng.randint(3000, 12000)
        sess = self.new_session()
        while True:
            if self.legit:
                g.active(self.user_login, t)
            end, outcome = g.attempt(rng, t, ip, self.user_login, True, sess=None if two_fa else sess)
            if outcome == "ok":
                break
            t = end + rng.randint(61000, 120000)     # on cooldown (shared address): wait, retry
        return self.login_done(sess, end, ip, two_fa, page)


EXFIL = [
    ("POST", "/web/action/load", "read"),
    ("POST", kw("res.partner", "web_search_read"), "read"),
    ("POST", kw("res.partner", "web_read"), "read"),
    ("POST", "/web/export/get_fields", "read"),
    ("POST", "/web/export/xlsx", "export"),
    ("POST", kw("sale.order", "web_search_read"), "read"),
    ("POST", kw("account.move", "web_search_read"), "read"),
    ("GET", "/web/content/{rid}?download=true", "download"),
    ("POST", kw("hr.employee", "web_search_read"), "read"),
    ("POST", kw("res.partner.bank", "web_search_read"), "read"),
    ("POST", "/web/export/xlsx", "export"),
    ("GET", "/report/pdf/account.report_invoice/{rid}", "report"),
]


def exfiltrate(actor, sess, t, ip, n):
    """An intruder's requests on a session: lists, exports, downloads."""
    rng = actor.rng
    for _ in range(n):
        method, target, kind = rng.choice(EXFIL)
        t = actor.rq(sess, t, ip, method, target.format(rid=rng.randint(100, 6000)), kind)
        t += rng.randint(15000, 150000)
    return t


# ---------------------------------------------------------------- the population

FIRST = {
    "BE": ["Lucas", "Emma", "Louis", "Olivia", "Noah", "Louise", "Arthur", "Mila", "Jules", "Elise", "Victor",
           "Marie", "Thomas", "Julie", "Liam", "Sarah", "Hugo", "Laura", "Lars", "Nina", "Wout", "Ines"],
    "FR": ["Camille", "Léa", "Manon", "Chloé", "Gabriel", "Raphaël", "Arthur", "Louis", "Jade", "Inès", "Paul",
           "Lucie", "Antoine", "Clément", "Mathilde", "Julien", "Nicolas", "Pauline", "Théo", "Céline"],
    "NL": ["Daan", "Sem", "Lotte", "Sanne", "Bram", "Fleur", "Thijs", "Anouk", "Ruben", "Eva", "Jesse", "Lisa",
           "Niels", "Femke", "Joris", "Iris", "Koen", "Sophie", "Milan", "Maud"],
    "DE": ["Lukas", "Leon", "Finn", "Paul", "Jonas", "Mia", "Hannah", "Lena", "Lea", "Anna", "Felix",
           "Maximilian", "Laura", "Julia", "Tim", "Jan", "Sophie", "Katharina", "Moritz", "Clara"],
    "PT": ["João", "Maria", "Ana", "Pedro", "Tiago", "Inês", "Beatriz", "Rui", "Miguel", "Sofia", "Catarina",
           "Diogo", "Rita", "Bruno", "Marta", "Nuno", "Carla", "Filipe", "Joana", "Ricardo"],
}
LAST = {
    "BE": ["Peeters", "Janssens", "Maes", "Jacobs", "Mertens", "Willems", "Claes", "Goossens", "Wouters",
           "De Smet", "Dubois", "Lambert", "Dupont", "Martin", "Leroy", "Hermans", "Michiels", "Vermeulen",
           "Pauwels", "Lemmens", "Van Damme", "Desmet"],
    "FR": ["Martin", "Bernard", "Thomas", "Petit", "Robert", "Richard", "Durand", "Leroy", "Moreau", "Simon",
           "Laurent", "Lefebvre", "Michel", "Garcia", "David", "Bertrand", "Roux", "Vincent", "Fournier", "Morel"],
    "NL": ["de Jong", "Jansen", "de Vries", "van den Berg", "van Dijk", "Bakker", "Visser", "Smit", "Meijer",
           "de Boer", "Mulder", "de Groot", "Bos", "Vos", "Peters", "Hendriks", "van Leeuwen", "Dekker", "Brouwer", "de Wit"],
    "DE": ["Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker", "Schulz",
           "Hoffmann", "Koch", "Richter", "Klein", "Wolf", "Schröder", "Neumann", "Schwarz", "Zimmermann", "Braun", "Krüger"],
    "PT": ["Silva", "Santos", "Ferreira", "Pereira", "Oliveira", "Costa", "Rodrigues", "Martins", "Jesus",
           "Sousa", "Fernandes", "Gonçalves", "Gomes", "Lopes", "Marques", "Alves", "Almeida", "Ribeiro", "Pinto", "Carvalho"],
}


def ascii_login(first, last):
    s = unicodedata.normalize("NFKD", f"{first}.{last}").encode("ascii", "ignore").decode()
    return s.lower().replace(" ", "").replace("'", "")


# office: (business ISP, city, NAT addresses, weight, [(home ISP, city), ...], [cross-border (ISP, city)])
OFFICES = {
    "brussels": ("proximus_biz", "brussels", 2, 0.34,
                 [("proximus", "brussels"), ("telenet", "brussels"), ("proximus", "leuven"), ("telenet", "leuven"),
                  ("telenet", "mechelen"), ("proximus", "namur"), ("proximus", "charleroi"), ("proximus", "ghent")],
                 [("orange_fr", "lille"), ("free", "lille")]),
    "antwerp": ("proximus_biz", "antwerp", 1, 0.12,
                [("telenet", "antwerp"), ("proximus", "antwerp"), ("telenet", "mechelen"), ("proximus", "mechelen")],
                [("kpn", "eindhoven")]),
    "paris": ("orange_fr_biz", "paris", 2, 0.18,
              [("orange_fr", "paris"), ("free", "paris"), ("orange_fr", "versailles")], []),
    "amsterdam": ("kpn_biz", "amsterdam", 1, 0.16,
                  [("kpn", "amsterdam"), ("ziggo", "amsterdam"), ("kpn", "utrecht"), ("ziggo", "utrecht"), ("kpn", "the_hague")],
                  []),
    "lisbon": ("meo_biz", "lisbon", 1, 0.10, [("meo", "lisbon"), ("meo", "coimbra")], []),
    "berlin": ("telekom_biz", "berlin", 1, 0.10, [("telekom", "berlin")], []),
}
COUNTRY_HOMES = {   # home workers: anywhere in the country
    "BE": [("proximus", "bruges"), ("telenet", "bruges"), ("proximus", "liege"), ("proximus", "ghent"),
           ("telenet", "ghent"), ("proximus", "antwerp"), ("proximus", "namur")],
    "FR": [("orange_fr", "lyon"), ("free", "marseille"), ("orange_fr", "bordeaux"), ("orange_fr", "toulouse"),
           ("orange_fr", "nantes"), ("free", "toulouse")],
    "NL": [("kpn", "eindhoven"), ("kpn", "maastricht"), ("ziggo", "rotterdam"), ("kpn", "rotterdam")],
    "DE": [("telekom", "hamburg"), ("telekom", "munich"), ("telekom", "cologne"), ("telekom", "frankfurt")],
    "PT": [("meo", "porto"), ("meo", "braga"), ("meo", "faro")],
}
V6_ISPS = {"BE": ["proximus", "telenet"], "FR": ["orange_fr", "free"], "NL": ["kpn", "ziggo"], "DE": ["telekom"], "PT": ["meo"]}
CARRIER = {"BE": "orange_be", "FR": "sfr_mobile", "NL": "odido", "DE": "o2_de", "PT": "nos_mobile"}
OFFICE_COUNTRY = {k: PLACES[v[1]][0] for k, v in OFFICES.items()}

# trip destinations: (place, ISP of the hotel, or "office:<name>")
LONG_HAUL = [("new_york", "spectrum"), ("boston", "spectrum"), ("chicago", "spectrum"), ("montreal", "bell"),
             ("toronto", "bell"), ("tokyo", "ntt"), ("singapore", "singtel"), ("dubai", "etisalat"),
             ("san_francisco", "spectrum")]
SHORT_HAUL = [("london", "bt"), ("manchester", "bt"), ("madrid", "telefonica_es"), ("barcelona", "telefonica_es"),
              ("milan", "tim"), ("rome", "tim"), ("dublin", "eir"), ("zurich", "swisscom"), ("warsaw", "orange_pl")]

PERSONAS = [("office", 0.52), ("home", 0.13), ("mobile", 0.14), ("ipv6", 0.11), ("traveller", 0.10)]


def pick_weighted(rng, items):
    total = sum(w for _, w in items)
    x = rng.random() * total
    for v, w in items:
        x -= w
        if x < 0:
            return v
    return items[-1][0]


def travel_ms(a, b, rng):
    """Door-to-door-ish time from the last activity at ``a`` to the first at ``b``."""
    km = distance_km(a, b)
    if km < 500 and PLACES[a][0] != "GB" and PLACES[b][0] != "GB":
        hours = km / 160 + 0.5 + rng.uniform(0.5, 1.5)          # train
    else:
        hours = 0.6 + km / 820 + rng.uniform(2.0, 3.5)          # flight + airports
    return int(hours * HOUR)


class Human(Browser):
    def __init__(self, g, addr, uid, login, persona, rng, office=None, country=None, admin=False):
        self.persona = persona
        role = "admin" if admin else rng.choice(
            {"mobile": ["field", "field", "sales"], "traveller": ["sales", "sales", "project", "finance"]}.get(
                persona, ["sales", "finance", "ops", "hr", "project", "sales", "ops"]))
        super().__init__(g, uid, login, role, think=rng.randint(1200, 2400))
        self.addr = addr
        self.office = office
        self.country = OFFICE_COUNTRY[office] if office else country
        self.office_nat = None
        self.home_ip = None
        self.home_ip2 = None          # after an ISP renumbering
        self.renumber_day = None
        self.home_place = None
        self.v6 = None
        self.carrier = None
        self.carrier_cities = []
        self.two_fa = rng.random() < 0.10
        self.daily_logout = rng.random() < 0.30
        self.part_time = rng.random() < 0.15
        self.phone = False
        self.phone_sess = None
        self.sess = None
        self.wfh = set()
        self.absent = set()
        self.trips = []
        self.trip_segments = {}       # day -> [segment]
        self.trip_days = set()
        self.hooks = {}               # day -> [anomaly]
        self.keep_from = None         # long_session anomaly: no logout from this day on
        self.keep_variant = None
        self.fail_days = set()
        self.forgot_day = None
        tz = PLACES[OFFICES[office][1]][5] if office else None
        self.tz = tz
        if office:
            isp, ocity, nat, _, homes, cross = OFFICES[office]
            self.office_nat = office_nat_ips(addr, office)
            self.nat_index = rng.randrange(len(self.office_nat)) if office != "brussels" else 0
            home = rng.choice(cross) if (cross and rng.random() < 0.12) else rng.choice(homes)
        else:
            home = rng.choice(COUNTRY_HOMES[country])
            self.tz = PLACES[home[1]][5]
        if persona == "ipv6":
            isps = [i for i in V6_ISPS[PLACES[home[1]][0]]]
            cities6 = [(i, c) for i in isps for c in ISPS[i][4]]
            home = (home[0], home[1]) if home[0] in isps else rng.choice(cities6)
            self.v6 = addr.v6_prefix(*home)
        self.home_place = home[1]
        self.home_isp = home[0]
        self.home_ip = addr.fixed_v4(rng, *home)
        if persona == "home" and rng.random() < 0.3:
            self.renumber_day = rng.randint(3, max(4, NDAYS - 3))
            self.home_ip2 = addr.fixed_v4(rng, *home)
        if persona == "mobile" or (persona in ("office", "traveller") and rng.random() < 0.2):
            self.carrier = CARRIER[self.country]
            cities = ISPS[self.carrier][4]
            self.carrier_cities = rng.sample(cities, min(len(cities), rng.randint(3, 5)))
            self.phone = persona != "mobile"
        # habits
        if persona in ("office", "traveller"):
            self.wfh = set(rng.sample(range(5), rng.choice([0, 1, 1, 2, 2])))
        elif persona == "ipv6":
            self.wfh = set(range(5)) - ({rng.randint(0, 4)} if office else set())
        elif persona == "home":
            self.wfh = set(range(5))
        for d in range(NDAYS):
            if weekday(d) < 4 and rng.random() < 0.06:
                self.absent.add(d)
            if rng.random() < 0.03:
                self.fail_days.add(d)
        if rng.random() < 0.02:
            self.forgot_day = rng.randint(1, max(2, NDAYS - 2))
        self.sat_days = {d for d in range(NDAYS) if weekday(d) == 5 and rng.random() < 0.04}

    # -- the countries this user is ever seen in (legitimately)

    def countries(self):
        cs = {self.country, PLACES[self.home_place][0]}
        for tr in self.trips:
            cs.add(PLACES[tr["dest"]][0])
        return cs

    # -- where the laptop is, as a function of time

    def office_ip(self, d):
        nat = self.office_nat
        if self.office == "brussels":
            fo = failover_window(self.g.seed, d)
            if fo:
                return lambda t: nat[1] if fo[0] <= t < fo[1] else nat[0]
            return lambda t: nat[0]
        ip = nat[self.nat_index]
        return lambda t: ip

    def home_ipf(self, d):
        ip = self.home_ip2 if (self.renumber_day is not None and d >= self.renumber_day) else self.home_ip
        if self.v6 is not None:
            if getattr(self, "_v6_day", (None,))[0] != d:
                self._v6_day = (d, v6_address(self.v6, self.rng))   # a new privacy address every day
            v6 = self._v6_day[1]
            rng = self.rng
            return lambda t: ip if rng.random() < 0.08 else v6
        return lambda t: ip

    def carrier_ip(self):
        return self.addr.shared_v4(self.rng, self.carrier, self.rng.choice(self.carrier_cities))

    def plan(self, d):
        """The laptop's segments for day d: [(t0, t1, ipf, think)]."""
        rng, tz, wd = self.rng, self.tz, weekday(d)
        if d in self.trip_days:
            return list(self.trip_segments.get(d, []))
        if wd == 5 and d in self.sat_days:
            t0 = local(d, 9, 30, tz) + self.jit(40)
            return [(t0, t0 + rng.randint(30, 90) * MIN, self.home_ipf(d), None)]
        if wd >= 5 or (d in self.absent and d not in self.hooks):
            return []
        if self.persona == "mobile":
            segs = []
            if self.office and wd == 0:
                ipf = self.office_ip(d)
                segs.append((local(d, 8, 30, tz) + self.jit(20), local(d, 11, 0, tz) + self.jit(20), ipf, None))
                start_h = 13
            else:
                start_h = 8
            t = local(d, start_h, 0, tz) + rng.randint(0, 60) * MIN
            end = local(d, 18, 30, tz)
            while t < end:
                ip = self.carrier_ip()
                dur = rng.randint(5, 25) * MIN
                segs.append((t, t + dur, (lambda _t, _ip=ip: _ip), rng.randint(180, 420)))
                t += dur + rng.randint(60, 180) * MIN
            return segs
        ipf = self.home_ipf(d) if wd in self.wfh else self.office_ip(d)
        start = local(d, 8, 0, tz) + rng.randint(0, 75) * MIN
        lunch = local(d, 12, 0, tz) + self.jit(20)
        segs = [(start, lunch, ipf, None)]
        if not self.part_time:
            segs.append((lunch + rng.randint(40, 70) * MIN, local(d, 17, 0, tz) + rng.randint(0, 90) * MIN, ipf, None))
        if rng.random() < 0.12:                       # a bit more from home in the evening
            e0 = local(d, 19, 30, tz) + self.jit(30)
            segs.append((e0, e0 + rng.randint(20, 70) * MIN, self.home_ipf(d) if ipf(start) != self.home_ip else ipf,
                         rng.randint(300, 600)))
        return segs

    def plan_ok(self, d):
        """Whether day d is a normal working day (no side effects on the user's random stream)."""
        return weekday(d) < 5 and d not in self.trip_days and d not in self.absent

    def week_end(self, d):
        """Whether the laptop session is logged out after day d (every Friday: sessions stay < 7 days)."""
        return self.daily_logout or weekday(d) >= 4

    def day(self, d):
        rng = self.rng
        segs = self.plan(d)
        t = None
        ip_last = None
        for i, (t0, t1, ipf, think) in enumerate(segs):
            if self.sess is None or not self.sess.alive:
                fails = 0
                if d in self.fail_days:
                    fails = rng.randint(1, 2)
                if self.forgot_day == d:
                    fails = rng.randint(4, 8)
                    self.forgot_day = None
                self.sess, t = self.login(t0, ipf(t0), two_fa=self.two_fa, fails=fails)
            elif self.persona == "mobile" and think is not None and rng.random() < 0.7:
                t = self.resume(self.sess, t0, ipf(t0))
            else:
                t = self.page_load(self.sess, t0, ipf(t0))
            t = self.activity(self.sess, t, t1, ipf, think=think)
            ip_last = ipf(t)
            for a in self.hooks.get(d, []):
                a.after_segment(self, d, i, t, ipf(t))
        if segs and d == self.keep_from and self.sess is not None:
            self.sess.keep = True
        if segs and self.sess is not None and self.sess.alive:
            if self.sess.keep:
                if self.keep_variant == "cookie_copied" and weekday(d) >= 4:
                    self.sess = None                # left without logging out; a new session next week
            elif self.week_end(d):
                self.logout(self.sess, t + rng.randint(5000, 60000), ip_last)
        elif not segs and weekday(d) == 4 and self.sess is not None and not self.sess.keep:
            self.sess = None                        # no work on Friday (travel): left, a new login next week
        self.phone_day(d)

    def phone_day(self, d):
        """The phone: a separate session, a few short looks per day from the carrier."""
        if not self.phone or weekday(d) >= 5:
            return
        if d in self.absent or d in self.trip_days:
            if weekday(d) == 4:
                self.phone_sess = None              # left on the phone; a new login next week
            return
        rng, tz = self.rng, self.tz
        looks = rng.choice([0, 0, 1, 1, 2, 3])
        if weekday(d) == 4 and self.phone_sess is not None and self.phone_sess.alive:
            looks = max(looks, 1)                   # logged out on Fridays
        if not looks:
            return
        t = None
        for k in range(looks):
            t0 = local(d, rng.choice([7, 12, 18, 20]), rng.randint(0, 50), tz)
            if t is not None and t0 <= t:
                t0 = t + rng.randint(20, 90) * MIN
            ip = self.carrier_ip()
            if self.phone_sess is None or not self.phone_sess.alive:
                self.phone_sess, t = self.login(t0, ip, two_fa=self.two_fa, page=True)
            else:
                t = self.resume(self.phone_sess, t0, ip)
            t = self.activity(self.phone_sess, t, t0 + rng.randint(3, 12) * MIN, ip, think=150)
        if weekday(d) == 4 or self.daily_logout:
            self.logout(self.phone_sess, t + rng.randint(3000, 30000), ip)


def office_nat_ips(addr, office):
    key = f"nat:{office}"
    if key not in addr.__dict__:
        isp, city, n, *_ = OFFICES[office]
        r = random.Random(f"nat:{office}")
        addr.__dict__[key] = [addr.fixed_v4(r, isp, city) for _ in range(n)]
    return addr.__dict__[key]


def failover_window(seed, d):
    """Brussels HQ: on some days the primary link fails and traffic leaves by the second NAT address."""
    r = random.Random(f"{seed}:failover:{d}")
    if weekday(d) >= 5 or r.random() > 0.15:
        return None
    s = local(d, r.randint(8, 15), r.randint(0, 59), "Europe/Brussels")
    return (s, s + r.randint(30, 150) * MIN)


def plan_trips(u, rng, nets, addr):
    """Business trips: Monday-Wednesday departure, back by Friday; never over a weekend."""
    n = rng.choice([1, 1, 2, 2, 3])
    weeks = list(range((NDAYS + WD0) // 7 + 1))
    rng.shuffle(weeks)
    for w in weeks[:n]:
        r = rng.random()
        if r < 0.40:
            dest, isp = rng.choice(LONG_HAUL)
            office = None
            nights = rng.randint(2, 3)      # nobody flies to Tokyo for one night
            dep = w * 7 - WD0 + rng.randint(0, 1)
        else:
            if r < 0.70:
                dest, isp = rng.choice(SHORT_HAUL)
                office = None
            else:
                office = rng.choice([o for o in OFFICES if o != u.office])
                dest = OFFICES[office][1]
                isp = None
            nights = rng.randint(1, 3)
            dep = w * 7 - WD0 + rng.randint(0, 2)
        ret = dep + nights
        if dep < 1 or ret >= NDAYS or weekday(ret) > 4 or any(dd in u.trip_days for dd in range(dep - 1, ret + 2)):
            continue
        hotel_isp = isp or {"FR": "orange_fr", "BE": "proximus", "NL": "kpn", "DE": "telekom", "PT": "meo"}[PLACES[dest][0]]
        kind = ISPS[hotel_isp][2]
        hotel = addr.fixed_v4(rng, hotel_isp, dest) if kind != "mobile" else addr.shared_v4(rng, hotel_isp, dest)
        trip = {"dest": dest, "dep_day": dep, "ret_day": ret, "office": office, "hotel_ip": hotel}
        build_trip(u, trip, rng)
        u.trips.append(trip)


def build_trip(u, trip, rng):
    """UTC segments of a trip, filed under the UTC day they start in."""
    dest, dep, ret = trip["dest"], trip["dep_day"], trip["ret_day"]
    origin = OFFICES[u.office][1] if u.office else u.home_place
    otz, dtz = u.tz, PLACES[dest][5]
    hotel = trip["hotel_ip"]
    hotel_f = lambda t, _ip=hotel: _ip  # noqa: E731
    if trip["office"]:
        oip = office_nat_ips(u.addr, trip["office"])[0]
        work_f = lambda t, _ip=oip: _ip  # noqa: E731
    else:
        work_f = hotel_f
    segs = []
    # departure day: a morning at the office (or home), then the trip
    dep_t = local(dep, rng.randint(11, 14), rng.randint(0, 59), otz)
    m0 = local(dep, 8, 0, otz) + rng.randint(0, 30) * MIN
    wd_ip = u.office_ip(dep) if u.office and weekday(dep) not in u.wfh else u.home_ipf(dep)
    if dep_t - m0 > 60 * MIN:
        segs.append((m0, dep_t, wd_ip, None))
    first = dep_t + travel_ms(origin, dest, rng)
    trip["depart_utc"] = dep_t
    trip["arrive_utc"] = first
    if local_hour(first, dtz) < 22.5 and local_hour(first, dtz) > 6:
        segs.append((first, first + rng.randint(30, 80) * MIN, hotel_f, 400))
    # days at the destination
    d = day_of(first) + (0 if local_hour(first, dtz) < 12 else 1)
    while d < ret:
        a = max(local(d, 8, 30, dtz) + rng.randint(0, 40) * MIN, first + 30 * MIN)
        b = local(d, 12, 15, dtz)
        if b > a:
            segs.append((a, b, work_f, None))
        c = max(local(d, 13, 30, dtz) + rng.randint(0, 30) * MIN, a)
        segs.append((c, local(d, 17, 30, dtz) + rng.randint(0, 60) * MIN, work_f, None))
        if rng.random() < 0.5:
            e = local(d, 20, 0, dtz) + rng.randint(0, 60) * MIN
            segs.append((e, e + rng.randint(20, 50) * MIN, hotel_f, 400))
        d += 1
    # return day: a morning at the destination, then home
    back = local(ret, rng.randint(12, 16), rng.randint(0, 59), dtz)
    a = max(local(ret, 8, 15, dtz), first + 30 * MIN)
    if back - 90 * MIN > a:
        segs.append((a, back - 90 * MIN, hotel_f, None))
    home_t = back - 90 * MIN + travel_ms(dest, origin, rng)
    trip["back_utc"] = home_t
    if local_hour(home_t, otz) < 21 and day_of(home_t) == ret:
        segs.append((home_t, home_t + rng.randint(20, 60) * MIN, u.home_ipf(ret), 500))
    last_day = max(ret, day_of(home_t))
    segs.sort(key=lambda s: s[0])
    for s in segs:
        dd = day_of(s[0])
        s = (max(s[0], T0 + dd * DAY + MIN), s[1], s[2], s[3])
        u.trip_segments.setdefault(dd, []).append(s)
    for dd in range(dep, last_day + 1):
        u.trip_days.add(dd)
        u.trip_segments.setdefault(dd, [])


# ---------------------------------------------------------------- service accounts, visitors, scanners, cron

class Service:
    """An integration account (``svc_*``)."""

    def __init__(self, g, addr, uid, login, mode, every_min, hosts, rng_name):
        self.g, self.uid, self.login, self.mode, self.every = g, uid, login, mode, every_min
        self.rng = g.rng_for(rng_name)
        self.ips = [addr.fixed_v4(self.rng, *h) for h in hosts]
        self.n = 0
        self.failover = {d for d in range(NDAYS) if self.rng.random() < 0.15} if len(self.ips) > 1 else set()

    CALLS = base.SvcSync.CALLS + [("product.pricelist", "search_read")]

    def day(self, d):
        g, rng = self.g, self.rng
        ip = self.ips[1] if d in self.failover else self.ips[0]
        t = T0 + d * DAY + rng.randint(1, self.every) * MIN
        while t < T0 + (d + 1) * DAY - 2 * MIN:
            t0 = t + rng.randint(0, 40 * SEC)
            g.active(self.login, t0)
            if self.mode == "xmlrpc":
                ok = ("INFO", L_USERS, f"Login successful for db:{DB} login:{self.login} from n/a", None)
                u = g.req(rng, t0, ip, "POST", "/xmlrpc/2/common", "login", pre=[ok])
                for _ in range(rng.randint(1, 4)):
                    m, meth = rng.choice(self.CALLS)
                    u = g.req(rng, u + rng.randint(20, 400), ip, "POST", f"/xmlrpc/2/object#{m}.{meth}",
                              "write" if meth in ("write", "create") else "rpc")
            elif self.mode == "jsonrpc":
                ok = ("INFO", L_USERS, f"Login successful for db:{DB} login:{self.login} from n/a", None)
                u = g.req(rng, t0, ip, "POST", "/jsonrpc", "login", pre=[ok])
                for _ in range(rng.randint(1, 3)):
                    u = g.req(rng, u + rng.randint(20, 400), ip, "POST", "/jsonrpc", "rpc")
            else:   # websession: /web/session/authenticate creates a real session, never logged out
                self.n += 1
                sess = Session(self.uid, self.login, make_ident(g.seed, f"svc:{self.uid}", self.n))
                ok = ("INFO", L_USERS, f"Login successful for db:{DB} login:{self.login} from {ip}", None)
                u = g.req(rng, t0, ip, "POST", "/web/session/authenticate", "login", 200, sess=sess, pre=[ok],
                          force_device=True)
                for _ in range(rng.randint(2, 5)):
                    m, meth = rng.choice(self.CALLS)
                    u = g.req(rng, u + rng.randint(20, 400), ip, "POST", kw(m, meth),
                              "write" if meth in ("write", "create") else "rpc", sess=sess)
            t += self.every * MIN


VISITOR_NETS = [("proximus", None), ("telenet", None), ("orange_fr", None), ("free", None), ("kpn", None),
                ("ziggo", None), ("telekom", None), ("meo", None), ("comcast", None), ("bt", None),
                ("telefonica_es", None), ("tim", None), ("orange_pl", None), ("swisscom", None), ("bell", None),
                ("claro_br", None), ("jio", None), ("kt", None), ("telstra", None), ("orange_be", None),
                ("sfr_mobile", None), ("o2_de", None)]
SHOP = ["/", "/shop", "/shop?category=3", "/shop/office-chair-12", "/shop/desk-lamp-7", "/shop/cart",
        "/blog", "/blog/news-1/spring-catalogue-4", "/contactus", "/aboutus", "/event", "/jobs",
        "/shop/standing-desk-31", "/shop/page/2", "/slides"]


class Visitors:
    def __init__(self, g, addr, nets, per_day):
        self.g, self.addr, self.nets, self.per_day = g, addr, nets, per_day
        self.rng = g.rng_for("visitors")
        self.cities = [(isp, c) for isp, _ in VISITOR_NETS for c in ISPS[isp][4]]

    def day(self, d):
        g, rng = self.g, self.rng
        n = int(self.per_day * (0.6 if weekday(d) >= 5 else 1.0) * rng.uniform(0.8, 1.2))
        for _ in range(n):
            ip = self.addr.shared_v4(rng, *rng.choice(self.cities))
            t = T0 + d * DAY + int(rng.triangular(5, 23, 15) * HOUR) + rng.randint(0, 59) * MIN
            t = min(t, T0 + (d + 1) * DAY - 30 * MIN)
            for k in range(rng.randint(2, 7)):
                page = rng.choice(SHOP) if k else rng.choice(SHOP[:3] + ["/"])
                t = g.req(rng, t, ip, "GET", page, "web") + rng.randint(300, 1500)
                if k == 0 and rng.random() < 0.6:
                    t = g.req(rng, t, ip, "GET", f"/web/assets/{ASSETS}/web.assets_frontend.min.css", "asset") + 50
                    t = g.req(rng, t, ip, "GET", f"/web/assets/{ASSETS}/web.assets_frontend_lazy.min.js", "asset") + 50
                if rng.random() < 0.3:
                    t = g.req(rng, t, ip, "GET", f"/web/image/product.template/{rng.randint(1, 400)}/image_512", "image")
                if rng.random() < 0.03:
                    t = g.req(rng, t + rng.randint(20000, 90000), ip, "POST", "/website/form/crm.lead", "write")
                t += rng.randint(5000, 120000)


SCAN_PATHS = ["/wp-login.php", "/.env", "/phpmyadmin/", "/admin/config.php", "/.git/config", "/xmlrpc.php",
              "/wp-admin/setup-config.php", "/vendor/phpunit/phpunit/src/Util/PHP/eval-stdin.php", "/boaform/admin/formLogin",
              "/cgi-bin/luci", "/server-status", "/actuator/health", "/owa/auth/logon.aspx", "/HNAP1/",
              "/web/database/manager"]
SCAN_HOSTS = [("digitalocean", c) for c in ISPS["digitalocean"][4]] + [("ovh", "roubaix"), ("hetzner", "falkenstein"),
              ("vultr", "los_angeles"), ("selectel", "moscow"), ("alibaba", "shanghai"), ("chinanet", "shanghai"),
              ("vnpt", "hanoi"), ("microsoft", "amsterdam"), ("aws", "ashburn")]


class Scanners:
    """Probes and a few password guesses: below any brute-force threshold."""

    def __init__(self, g, addr):
        self.g, self.addr = g, addr
        self.rng = g.rng_for("scanners")

    def day(self, d):
        g, rng = self.g, self.rng
        for _ in range(rng.randint(2, 4)):
            ip = self.addr.fixed_v4(rng, *rng.choice(SCAN_HOSTS))
            t = T0 + d * DAY + rng.randint(0, 22 * 60) * MIN
            for p in rng.sample(SCAN_PATHS, rng.randint(4, 10)):
                if p == "/web/database/manager":
                    t = g.req(rng, t, ip, "GET", p, "nodb", 303, db="?")
                else:
                    t = g.req(rng, t, ip, "GET", p, "notfound", 404)
                t += rng.randint(300, 4000)
            t = g.req(rng, t, ip, "GET", "/web/login", "anon") + rng.randint(1000, 5000)
            for login in rng.sample(["admin", f"admin@{DOMAIN}", "demo", "test", f"info@{DOMAIN}"], rng.randint(1, 4)):
                t, _ = g.attempt(rng, t, ip, login, False)
                t += rng.randint(1500, 9000)


class Cron(base.Cron):
    """The samples' cron worker (jobs), on this corpus's pid and from the first hour."""

    pid = CRON_PID

    def day(self, d):
        rng = self.rng
        for h in range(24):
            t = T0 + d * DAY + h * HOUR + SEC + rng.randint(0, 2500)
            if d == 0 and h == 0:
                t += 20 * SEC
                self.g.registry_lines(t - 1700, self.pid, rng)
            self.job(t, "Mail: Email Queue Manager", 3, done=rng.randint(0, 6) if 7 <= h <= 17 else 0)
            if h == 2:
                self.job(T0 + d * DAY + 2 * HOUR + 30 * MIN + rng.randint(0, 900) * SEC, "Base: Auto-vacuum internal data", 1)


class Banner:
    def __init__(self, g):
        self.g = g

    def day(self, d):
        if d:
            return
        self.g.server_start(T0 + 2 * SEC + 118, MASTER_PID, CRON_PID, wkhtmltopdf=False, cron_after=30)


# ---------------------------------------------------------------- anomalies

ATTACK_ORIGINS = [  # (ISP, city) for stolen-password sign-ins
    ("mtn_ng", "lagos"), ("rostelecom", "moscow"), ("selectel", "moscow"), ("chinanet", "shanghai"),
    ("alibaba", "shanghai"), ("vnpt", "hanoi"), ("claro_br", "sao_paulo"), ("rcs_rds", "bucharest"),
    ("jio", "mumbai"), ("telkom_id", "jakarta"), ("digitalocean", "new_york"), ("vultr", "los_angeles"),
    ("digitalocean", "singapore"), ("vodacom_za", "johannesburg"), ("telmex", "mexico_city"),
    ("telecom_ar", "buenos_aires"), ("kt", "seoul"), ("orange_pl", "warsaw"), ("tim", "milan"),
    ("telefonica_es", "madrid"), ("bt", "london"),
]
FAR_ORIGINS = [  # impossible travel: far from Western Europe
    ("ntt", "tokyo"), ("vultr", "tokyo"), ("singtel", "singapore"), ("claro_br", "sao_paulo"), ("telstra", "sydney"),
    ("comcast", "new_york"), ("comcast", "san_francisco"), ("vultr", "los_angeles"), ("jio", "mumbai"),
    ("telkom_id", "jakarta"), ("vodacom_za", "johannesburg"), ("kt", "seoul"), ("telmex", "mexico_city"),
    ("chinanet", "shanghai"), ("etisalat", "dubai"),
]
BF_SOURCES = [("digitalocean", "amsterdam"), ("digitalocean", "frankfurt"), ("ovh", "roubaix"), ("hetzner", "nuremberg"),
              ("selectel", "moscow"), ("chinanet", "shanghai"), ("vnpt", "hanoi"), ("vultr", "sao_paulo"),
              ("aws", "ashburn"), ("alibaba", "shanghai"), ("rcs_rds", "bucharest")]
GUESSED = ["admin", "administrator", "test", "demo", "info", f"info@{DOMAIN}", f"sales@{DOMAIN}",
           f"admin@{DOMAIN}", f"accounting@{DOMAIN}", f"hr@{DOMAIN}", "user", "odoo", "manager", "support",
           f"contact@{DOMAIN}", "guest", "root", f"jobs@{DOMAIN}"]


class Anomaly:
    """One injected anomaly; its label is completed while the log is generated."""

    def __init__(self, g, aid, kind, variant, victim, day, rng):
        self.g, self.id, self.kind, self.variant, self.victim, self.day_ = g, aid, kind, variant, victim, day
        self.rng = rng
        self.label = {"id": aid, "kind": kind, "variant": variant, "db": DB,
                      "login": victim.user_login if victim else None,
                      "session_identifier": None, "time": None, "end": None}
        self.done = False

    # intruder's requests are not the user's activity
    def actor(self):
        a = Browser.__new__(Browser)
        a.g, a.uid, a.user_login = self.g, self.victim.uid, self.victim.user_login
        a.models, a.apps, a.think = self.victim.models, self.victim.apps, 120
        a.rng, a.nsess, a.sess_key = self.rng, 0, f"{self.victim.uid}:{self.id}"
        a.legit = False
        return a

    def place_facts(self, ip, isp, city):
        self.label.update({"ip": ip, "country": PLACES[city][0], "city": PLACES[city][1], "asn": ISPS[isp][1]})

    def finish(self, start, end):
        self.label["time"] = iso(start)
        self.label["end"] = iso(end)
        self.done = True


class NewCountry(Anomaly):
    """A stolen password used from a country the user never used: a new session, then data theft."""

    def day(self, d):
        if d != self.day_:
            return
        rng, u = self.rng, self.victim
        isp, city = self.origin
        ip = u.addr.fixed_v4(rng, isp, city)
        tz = PLACES[city][5]
        t = local(d, rng.randint(9, 20), rng.randint(0, 59), tz)
        if t < T0 + d * DAY:
            t += DAY
        t = min(t, T0 + (d + 1) * DAY - 2 * HOUR)
        a = self.actor()
        sess, t1 = a.login(t, ip, page=True)
        t2 = exfiltrate(a, sess, t1 + rng.randint(20000, 90000), ip, rng.randint(6, 20))
        if rng.random() < 0.3:
            t2 = a.logout(sess, t2, ip)
        self.label["session_identifier"] = sess.ident
        self.place_facts(ip, isp, city)
        self.label["user_countries"] = sorted(u.countries())
        self.finish(t + 1, t2)


class FarLogin(Anomaly):
    """Impossible travel, new session: a sign-in from far away minutes/hours after activity at home."""

    def after_segment(self, u, d, i, t, ip_home):
        if self.done or d != self.day_ or i != self.segment:
            return
        rng = self.rng
        isp, city = self.origin
        ip = u.addr.fixed_v4(rng, isp, city)
        t_att = t + rng.randint(10, 180) * MIN
        a = self.actor()
        sess, t1 = a.login(t_att, ip, page=True)
        t2 = exfiltrate(a, sess, t1 + rng.randint(20000, 60000), ip, rng.randint(4, 12))
        self.label["session_identifier"] = sess.ident
        self.place_facts(ip, isp, city)
        self.label.update({"home_ip": ip_home, "home_last_activity": iso(t), "gap_minutes": round((t_att - t) / MIN),
                           "user_countries": sorted(u.countries())})
        self.finish(t_att + 1, t2)

    def day(self, d):
        pass


class Hijack(Anomaly):
    """Impossible travel, same session: the session's cookie used from far away while the user works."""

    def after_segment(self, u, d, i, t, ip_home):
        if self.done or d != self.day_ or i != self.segment or u.sess is None or not u.sess.alive:
            return
        rng = self.rng
        isp, city = self.origin
        ip = u.addr.fixed_v4(rng, isp, city)
        t_att = t + rng.randint(5, 40) * MIN
        a = self.actor()
        t2 = exfiltrate(a, u.sess, t_att, ip, rng.randint(4, 12))
        self.label["session_identifier"] = u.sess.ident
        self.place_facts(ip, isp, city)
        self.label.update({"home_ip": ip_home, "home_last_activity": iso(t), "gap_minutes": round((t_att - t) / MIN),
                           "user_countries": sorted(u.countries())})
        self.finish(t_att, t2)

    def day(self, d):
        pass


class LongSession(Anomaly):
    """A session kept in use for more than 7 days: the user's own (never logged out: a shared
    terminal) or a copy of its cookie used every day from elsewhere after the user left it."""

    def after_segment(self, u, d, i, t, ip):
        if d == self.day_ and i == 0 and self.session is None and u.sess is not None:
            self.session = u.sess
            self.label["session_identifier"] = u.sess.ident
            self.start = u.sess.first
        if self.session is not None and self.session.alive:
            self.last = max(self.last or 0, self.session.last or 0)

    def day(self, d):
        if self.session is None or d <= self.day_ or self.variant != "cookie_copied":
            return
        if d < self.copy_from:
            return
        rng = self.rng
        isp, city = self.origin
        if self.ip is None:
            self.ip = self.victim.addr.fixed_v4(rng, isp, city)
            self.place_facts(self.ip, isp, city)
        tz = PLACES[city][5]
        a = self.actor()
        for _ in range(rng.randint(1, 2)):
            t = local(d, rng.randint(8, 21), rng.randint(0, 59), tz)
            t = max(t, T0 + d * DAY + MIN)
            t = a.page_load(self.session, t, self.ip)
            t = a.activity(self.session, t, t + rng.randint(10, 40) * MIN, self.ip, think=200)
            self.last = max(self.last or 0, self.session.last or t)

    def close(self):
        if self.session is None:
            return
        self.label["time"] = iso(self.start)
        self.label["exceeds_7d_at"] = iso(self.start + 7 * DAY)
        self.label["end"] = iso(self.session.last)
        self.label["span_days"] = round((self.session.last - self.start) / DAY, 2)
        self.done = True


class BruteForce(Anomaly):
    """Password guessing: >= 20 failures on one login or from one address within an hour."""

    def day(self, d):
        if d != self.day_:
            return
        g, rng = self.g, self.rng
        t = T0 + d * DAY + rng.randint(0, 20 * 60) * MIN
        start = t
        fails = 0
        times = []
        v = self.variant
        if v == "distributed":
            ips = [self.victim.addr.fixed_v4(rng, *rng.choice(BF_SOURCES + ATTACK_ORIGINS)) for _ in range(rng.randint(20, 35))]
            for ip in ips:
                for _ in range(rng.randint(1, 2)):
                    times.append(t)
                    t, _ = g.attempt(rng, t, ip, self.target, False)
                    fails += 1
                    t += rng.randint(10, 90) * SEC
            self.label.update({"ips": ips, "logins": [self.target], "failures": fails,
                               "max_failures_in_an_hour": self.per_hour(times)})
            self.finish(start, t)
            return
        isp, city = self.origin
        ip = self.victim.addr.fixed_v4(rng, isp, city)
        self.place_facts(ip, isp, city)
        t = g.req(rng, t, ip, "GET", "/web/login", "anon") + rng.randint(1000, 4000)
        slow = rng.random() < 0.35
        n = rng.randint(22, 60)
        logins = []
        if v.startswith("spray"):
            pool = self.spray_logins
            for k in range(n):
                login = pool[k % len(pool)]
                logins.append(login)
                times.append(t)
                t, _ = g.attempt(rng, t, ip, login, False)
                fails += 1
                t += rng.randint(40, 140) * SEC if slow else rng.randint(2, 9) * SEC
        else:
            for _ in range(n):
                times.append(t)
                t, _ = g.attempt(rng, t, ip, self.target, False)
                fails += 1
                t += rng.randint(62, 110) * SEC if slow else rng.randint(2, 8) * SEC
            logins = [self.target]
        self.label.update({"logins": sorted(set(logins)), "failures": fails, "ips": [ip],
                           "max_failures_in_an_hour": self.per_hour(times)})
        end = t
        if v.endswith("success"):
            f = g.failures.get(ip)
            if f and f[0] >= COOLDOWN_AFTER:
                t = max(t, f[1] + COOLDOWN_MS + rng.randint(2, 30) * SEC)
            a = self.actor()
            t = a.rq(None, t, ip, "GET", "/web/login", "anon") + rng.randint(2000, 6000)
            sess = a.new_session()
            t, outcome = g.attempt(rng, t, ip, self.victim.user_login, True, sess=sess)
            assert outcome == "ok"
            self.label["success_time"] = iso(t)
            self.label["session_identifier"] = sess.ident
            self.label["login"] = self.victim.user_login
            t = a.page_load(sess, t + rng.randint(500, 3000), ip, "/odoo", assets=True)
            end = exfiltrate(a, sess, t + rng.randint(10000, 60000), ip, rng.randint(4, 14))
        self.finish(start, end)

    @staticmethod
    def per_hour(times):
        best, j = 0, 0
        for i, t in enumerate(times):
            while times[j] < t - HOUR:
                j += 1
            best = max(best, i - j + 1)
        assert best >= 20, "a brute force below 20 failures an hour"
        return best


def plan_anomalies(g, humans, rng, total, addr):
    a0 = int(math.ceil(NDAYS * 2 / 3))
    n_nc = round(total * 0.28)
    n_it = round(total * 0.25)
    ls_day = next((d for d in range(min(a0, NDAYS - 9), NDAYS - 8) if weekday(d) == 0), None)
    if ls_day is None:
        ls_day = next((d for d in range(min(a0, NDAYS - 9), NDAYS - 8) if weekday(d) < 4), None)
    n_ls = round(total * 0.15) if ls_day is not None and ls_day >= 7 else 0
    n_bf = total - n_nc - n_it - n_ls
    window = [d for d in range(a0, NDAYS)]
    used = set()
    anomalies = []

    def pick(cond):
        cands = [u for u in humans if u.uid not in used and cond(u)]
        if not cands:
            cands = [u for u in humans if cond(u)]
        u = rng.choice(cands)
        used.add(u.uid)
        return u

    def workday(u, lo=None):
        days = [d for d in window if (lo is None or d >= lo) and weekday(d) < 5 and d not in u.trip_days
                and d not in u.absent and u.plan_ok(d)]
        return rng.choice(days) if days else None

    k = 0

    def new_id():
        nonlocal k
        k += 1
        return f"A{k:03d}"

    # (a) stolen password, new country
    for _ in range(n_nc):
        u = pick(lambda u: not u.two_fa and u.uid != 2)
        a = NewCountry(g, new_id(), "new_country", "stolen_password", u, rng.choice(window[:-1] or window),
                       g.rng_for(f"anomaly:{k}"))
        cs = u.countries()
        a.origin = rng.choice([o for o in ATTACK_ORIGINS if PLACES[o[1]][0] not in cs])
        anomalies.append(a)
    # (b) impossible travel: half the session's cookie from far away, half a new far sign-in;
    #     some towards a country the user legitimately visited earlier (no new country there)
    known = [u for u in humans if not u.two_fa and any(
        tr["dest"] in dict(LONG_HAUL) and tr["ret_day"] + 2 < a0 for tr in u.trips)]
    for j in range(n_it):
        variant = "same_session" if j % 2 == 0 else "new_session"
        want_known = variant == "new_session" and j % 4 == 1 and known
        if want_known:
            u = pick(lambda u: u in known)
        else:
            u = pick(lambda u: (variant == "same_session" or not u.two_fa) and u.persona != "mobile"
                     and not u.part_time)
        d = workday(u)
        if d is None:
            continue
        cls = Hijack if variant == "same_session" else FarLogin
        a = cls(g, new_id(), "impossible_travel", variant, u, d, g.rng_for(f"anomaly:{k}"))
        a.segment = 0
        cs = u.countries()
        if want_known:
            dest = next(tr["dest"] for tr in u.trips if tr["dest"] in dict(LONG_HAUL) and tr["ret_day"] + 2 < a0)
            cands = [o for o in FAR_ORIGINS if PLACES[o[1]][0] == PLACES[dest][0]] or \
                    [residential_in(dest)]
            a.variant = "new_session_known_country"
            a.label["variant"] = a.variant
        else:
            cands = [o for o in FAR_ORIGINS if PLACES[o[1]][0] not in cs]
        a.origin = rng.choice(cands)
        u.hooks.setdefault(d, []).append(a)
        anomalies.append(a)
    # (c) long sessions
    for j in range(n_ls):
        variant = "cookie_copied" if j % 2 == 0 else "never_logged_out"
        u = pick(lambda u: u.persona in ("office", "home", "ipv6") and not u.daily_logout and not u.part_time
                 and all(dd not in u.trip_days for dd in range(ls_day, NDAYS)))
        a = LongSession(g, new_id(), "long_session", variant, u, ls_day, g.rng_for(f"anomaly:{k}"))
        a.session, a.last, a.ip, a.start = None, None, None, None
        u.absent.discard(ls_day)
        u.keep_from = ls_day
        u.keep_variant = variant
        u.hooks.setdefault(ls_day, []).append(a)
        u.daily_logout = False
        if variant == "cookie_copied":
            a.copy_from = next((d for d in range(ls_day, NDAYS) if weekday(d) == 4), ls_day + 4) + 1
            same = rng.random() < 0.5
            if same:
                a.origin = rng.choice([h for h in COUNTRY_HOMES[u.country] if h[1] != u.home_place])
            else:
                a.origin = rng.choice([("aws", "frankfurt"), ("digitalocean", "amsterdam"), ("ovh", "roubaix"),
                                       ("hetzner", "falkenstein")])
        else:
            for dd in range(ls_day, NDAYS):
                u.absent.discard(dd)
        anomalies.append(a)
    # (d) brute force
    variants = ["single", "spray", "single_success", "distributed", "spray_success", "single", "single_success",
                "spray", "single_success", "single"]
    for j in range(n_bf):
        v = variants[j % len(variants)]
        if v.endswith("success"):
            u = pick(lambda u: not u.two_fa and u.uid != 2)
        elif v == "single" and j % 3 == 0:
            u = next(h for h in humans if h.uid == 2)   # the admin account
        else:
            u = pick(lambda u: u.uid != 2)
        a = BruteForce(g, new_id(), "brute_force", v, u, rng.choice(window[:-1] or window), g.rng_for(f"anomaly:{k}"))
        a.target = u.user_login
        a.label["login"] = None if v.startswith("spray") else u.user_login
        if v.endswith("success") and rng.random() < 0.4:
            a.origin = rng.choice(COUNTRY_HOMES[u.country])         # a residential proxy next door
        else:
            a.origin = rng.choice(BF_SOURCES)
        if v.startswith("spray"):
            real = rng.sample([h.user_login for h in humans if h is not u], min(len(humans) - 1, rng.randint(8, 20)))
            pool = real + rng.sample(GUESSED, rng.randint(6, 12))
            rng.shuffle(pool)
            if v.endswith("success"):
                pool.append(u.user_login)
            a.spray_logins = pool
        anomalies.append(a)
    return anomalies


def residential_in(place):
    """An (ISP, place) of a residential, hotel or mobile network in that place."""
    for isp, spec in ISPS.items():
        if place in spec[4] and spec[2] in ("residential", "hotel", "mobile"):
            return (isp, place)
    raise KeyError(place)


# ---------------------------------------------------------------- main

def build_population(g, addr, nets, n_users, rng):
    humans = []
    used_logins = set()
    offices = [(k, v[3]) for k, v in OFFICES.items()]
    for i in range(n_users):
        admin = i == 0
        persona = "office" if admin else pick_weighted(rng, PERSONAS)
        if admin:
            office = "brussels"
        elif persona == "home":
            office = None
        elif persona == "ipv6":
            office = pick_weighted(rng, offices) if rng.random() < 0.6 else None
        elif persona == "mobile":
            office = pick_weighted(rng, offices) if rng.random() < 0.5 else None
        else:
            office = pick_weighted(rng, offices)
        country = OFFICE_COUNTRY[office] if office else pick_weighted(
            rng, [("BE", 0.45), ("FR", 0.2), ("NL", 0.15), ("DE", 0.1), ("PT", 0.1)])
        if persona == "ipv6" and office is None and country not in V6_ISPS:
            country = "NL"
        if admin:
            login = "admin"
            uid = 2
        else:
            first, last = rng.choice(FIRST[country]), rng.choice(LAST[country])
            base = ascii_login(first, last)
            login = f"{base}@{DOMAIN}"
            n = 2
            while login in used_logins:
                login = f"{base}{n}@{DOMAIN}"
                n += 1
            uid = 100 + i
        used_logins.add(login)
        u = Human(g, addr, uid, login, persona, rng, office=office, country=country, admin=admin)
        if admin:
            u.two_fa = False
            u.phone = False
        humans.append(u)
    for u in humans:
        if u.persona == "traveller":
            plan_trips(u, rng, nets, addr)
    return humans


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter, epilog=__doc__.split("\n\n", 2)[2])
    ap.add_argument("--out", default="/tmp/sessionguard-detection", help="output directory (default: %(default)s)")
    ap.add_argument("--users", type=int, default=300, help="people (default: %(default)s)")
    ap.add_argument("--days", type=int, default=30, help="days (default: %(default)s)")
    ap.add_argument("--seed", type=int, default=DEFAULT_SEED, help="random seed (default: %(default)s)")
    ap.add_argument("--start", default=DEFAULT_START, help="first day, YYYY-MM-DD (default: %(default)s)")
    ap.add_argument("--anomalies", type=int, default=None,
                    help="anomalies to inject (default: 40 per 300 users x 30 days, at least 4)")
    a = ap.parse_args(argv)
    if a.users < 10:
        ap.error("--users must be >= 10")
    if a.days < 12:
        ap.error("--days must be >= 12 (a normal history, then the anomalies)")
    configure(a.start, a.days)
    started = time.time()
    os.makedirs(a.out, exist_ok=True)
    total = a.anomalies if a.anomalies is not None else max(4, round(40 * a.users * a.days / 9000))

    nets = build_networks()
    addr = Addr(nets)
    log_path = os.path.join(a.out, "odoo.log")
    tmp = log_path + ".tmp"
    with open(tmp, "wb") as out:
        g = Gen(a.seed, out)
        prng = random.Random(f"{a.seed}:population")
        humans = build_population(g, addr, nets, a.users, prng)
        n_svc = max(2, round(a.users / 75))
        svc_specs = [
            ("svc_edi", "xmlrpc", 15, [("aws", "dublin")]),
            ("svc_shop_sync", "jsonrpc", 15, [("ovh", "roubaix")]),
            ("svc_mobile_app", "websession", 30, [("aws", "frankfurt")]),
            ("svc_bi", "xmlrpc", 60, [("hetzner", "falkenstein"), ("digitalocean", "amsterdam")]),
            ("svc_payroll", "jsonrpc", 60, [("microsoft", "amsterdam"), ("microsoft", "dublin")]),
            ("svc_backup_check", "xmlrpc", 30, [("hetzner", "nuremberg")]),
        ]
        services = [Service(g, addr, 10 + i, login, mode, every, hosts, f"svc:{login}")
                    for i, (login, mode, every, hosts) in enumerate((svc_specs * 3)[:n_svc])]
        arng = random.Random(f"{a.seed}:anomalies")
        anomalies = plan_anomalies(g, humans, arng, total, addr)
        actors = [Banner(g), Cron(g)] + services + humans + \
                 [Visitors(g, addr, nets, max(10, a.users // 4)), Scanners(g, addr)] + anomalies
        for d in range(NDAYS):
            for actor in actors:
                actor.day(d)
            g.flush_day(d, final=(d == NDAYS - 1))
    os.replace(tmp, log_path)
    for an in anomalies:
        if isinstance(an, LongSession):
            an.close()

    end = T0 + NDAYS * DAY
    a0 = int(math.ceil(NDAYS * 2 / 3))
    people = {u.user_login: u for u in humans}
    by_persona = {}
    user_days = 0
    for login, days in g.activity.items():
        p = people[login].persona if login in people else "service"
        by_persona[p] = by_persona.get(p, 0) + len(days)
        user_days += len(days)
    labels = [an.label for an in anomalies if an.done and an.label["time"] is not None]
    skipped = [an.id for an in anomalies if not (an.done and an.label["time"] is not None)]
    kinds = {}
    for lab in labels:
        kinds[lab["kind"]] = kinds.get(lab["kind"], 0) + 1
    doc = {
        "schema": "sessionguard-detection-labels/1",
        "generator": {"seed": a.seed, "users": a.users, "days": a.days, "start": a.start},
        "db": DB,
        "log": "odoo.log",
        "lines": g.lines,
        "bytes": g.bytes,
        "period": {"from": iso(T0), "to": iso(end)},
        "now": iso(end),
        "anomaly_window": {"from": iso(T0 + a0 * DAY), "to": iso(end)},
        "user_days": user_days,
        "user_days_by_persona": dict(sorted(by_persona.items())),
        "personas": {p: sum(1 for u in humans if u.persona == p) for p, _ in PERSONAS},
        "service_accounts": [s.login for s in services],
        "anomaly_counts": dict(sorted(kinds.items())),
        "anomalies": labels,
        "users": [{"login": u.user_login, "uid": u.uid, "persona": u.persona, "country": u.country,
                   "office": u.office, "home": PLACES[u.home_place][1] + ", " + PLACES[u.home_place][0],
                   "ipv6": u.v6 is not None, "phone": u.phone, "two_fa": u.two_fa,
                   "trips": [{"dest": PLACES[t["dest"]][1] + ", " + PLACES[t["dest"]][0],
                              "office": t["office"], "depart": iso(t["depart_utc"]), "back": iso(t["back_utc"])}
                             for t in u.trips]}
                  for u in humans] + [{"login": s.login, "uid": s.uid, "persona": "service", "mode": s.mode}
                                      for s in services],
    }
    with open(os.path.join(a.out, "labels.json"), "w", encoding="utf-8") as fh:
        json.dump(doc, fh, indent=1, ensure_ascii=False)
        fh.write("\n")
    with open(os.path.join(a.out, "networks.json"), "w", encoding="utf-8") as fh:
        json.dump(networks_document(nets, end // 1000), fh, indent=1, ensure_ascii=False)
        fh.write("\n")
    err = sys.stderr
    print(f"seed {a.seed}: {a.users} users + {len(services)} service accounts, {a.days} days "
          f"({iso(T0)} .. {iso(end)}), {time.time() - started:.1f}s", file=err)
    print(f"  {log_path}: {g.lines} lines, {g.bytes / 1e6:.1f} MB; requests delayed for a free worker: {g.delays}", file=err)
    print(f"  {len(labels)} anomalies {dict(sorted(kinds.items()))}" + (f"; not placed: {skipped}" if skipped else ""), file=err)
    print(f"  user-days: {user_days}; --now {iso(end)}", file=err)


if __name__ == "__main__":
    main()
