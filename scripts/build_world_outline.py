#!/usr/bin/env python3
"""Builds Sources/SessionGuard/Reports/WorldOutline.swift, the land outlines of the HTML report's map.

The output is committed; this script is not run by the build, the tests or CI. Run it again only to
change the data or its simplification, then commit the regenerated Swift file.

Source: Natural Earth 1:110m "admin 0 countries" (https://www.naturalearthdata.com/, public domain:
"All versions of Natural Earth raster + vector map data found on this website are in the public
domain"), as the `naturalearth_lowres` shapefile bundled in the PyPI package geopandas < 1.0
(geopandas is BSD-3-Clause; the shapefile is Natural Earth's, with ISO_A3 fixed for France and
Norway by geopandas). That copy has no ISO alpha-2 column, so ISO 3166-1 alpha-3 codes are mapped
to alpha-2 with pycountry (LGPL-2.1, used only here: the output holds the codes, not pycountry).

Needs Python 3.9+ and, from PyPI: "geopandas<1.0" (brings shapely, fiona, pandas), pycountry.

    python3 -m venv /tmp/ne-venv
    /tmp/ne-venv/bin/pip install "geopandas<1.0" pycountry
    /tmp/ne-venv/bin/python scripts/build_world_outline.py          # from the repository root

Options: --tolerance (Douglas-Peucker, degrees), --min-area (square degrees), --output.

What it writes: one SVG path per country in an equirectangular projection of width 360 and height
180 (x = longitude + 180, y = 90 - latitude), coordinates rounded to 0.1, in the compact form
"Mx,yLx,y x,y …Z" (one subpath per ring, implicit line-tos after the L). Holes are ignored (only
exterior rings); rings are simplified with Douglas-Peucker (shapely, topology preserving); rings
smaller than --min-area are dropped, except the largest ring of each country is always kept.
Antarctica is left out. Rings that cross the antimeridian (none in Natural Earth 1:110m, which splits
Russia and Fiji there, but checked) are cut at +-180 so no line runs across the map.

Codes: ISO 3166-1 alpha-2 as GeoIP databases report them. Natural Earth's de facto units that have
none are folded into the country a GeoIP database reports for them: Somaliland into SO, Northern
Cyprus into CY (their rings are added to that country's path); Kosovo is XK.
"""

from __future__ import annotations

import argparse
import sys
import warnings
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DEFAULT_OUTPUT = REPO / "Sources" / "SessionGuard" / "Reports" / "WorldOutline.swift"

# ISO_A3 (as in naturalearth_lowres) -> alpha-2, where pycountry has no answer or we fold a unit.
OVERRIDES = {
    "-99:Kosovo": "XK",
    "CYN": "CY",  # N. Cyprus
    "SOL": "SO",  # Somaliland
    "-99:France": "FR",  # older geopandas copies have -99 here
    "-99:Norway": "NO",
}
DROP = {"ATA"}  # Antarctica


def alpha2(iso_a3: str, name: str) -> str:
    import pycountry

    for key in (f"{iso_a3}:{name}", iso_a3):
        if key in OVERRIDES:
            return OVERRIDES[key]
    country = pycountry.countries.get(alpha_3=iso_a3) if iso_a3 != "-99" else None
    if country is None:
        sys.exit(f"no ISO alpha-2 code for {name!r} ({iso_a3}): add it to OVERRIDES")
    return country.alpha_2


def exterior_rings(geometry):
    """The polygons of a (multi)polygon, cut at the antimeridian where a ring crosses it."""
    from shapely.geometry import MultiPolygon, Polygon, box
    from shapely.affinity import translate

    polygons = list(geometry.geoms) if isinstance(geometry, MultiPolygon) else [geometry]
    for polygon in polygons:
        ring = list(polygon.exterior.coords)
        if all(abs(b[0] - a[0]) <= 180 for a, b in zip(ring, ring[1:])):
            yield polygon
            continue
        # Unwrap the longitudes so the ring is continuous, then cut it into [-180, 180] pieces.
        unwrapped, offset = [ring[0]], 0.0
        for a, b in zip(ring, ring[1:]):
            if b[0] - a[0] > 180:
                offset -= 360
            elif b[0] - a[0] < -180:
                offset += 360
            unwrapped.append((b[0] + offset, b[1]))
        whole = Polygon(unwrapped).buffer(0)
        for shift in (-360, 0, 360):
            piece = whole.intersection(box(-180 - shift, -90, 180 - shift, 90))
            if piece.is_empty:
                continue
            piece = translate(piece, xoff=shift)
            pieces = piece.geoms if hasattr(piece, "geoms") else [piece]
            yield from (p for p in pieces if isinstance(p, Polygon) and not p.is_empty)


def tenths(value: float) -> int:
    return int(round(value * 10))


def number(t: int) -> str:
    whole, frac = divmod(t, 10)
    return f"{whole}.{frac}" if frac else f"{whole}"


def ring_path(coords) -> str | None:
    """SVG subpath for one ring of (lon, lat); None if it collapses to fewer than 3 points."""
    points: list[tuple[int, int]] = []
    for lon, lat in coords:
        p = (tenths(lon + 180), tenths(90 - lat))
        if not points or points[-1] != p:
            points.append(p)
    if len(points) > 1 and points[0] == points[-1]:
        points.pop()
    if len(set(points)) < 3:
        return None
    text = [f"{number(x)},{number(y)}" for x, y in points]
    return "M" + text[0] + "L" + " ".join(text[1:]) + "Z"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--tolerance", type=float, default=0.25, help="simplification, degrees (0.25)")
    parser.add_argument("--min-area", type=float, default=0.5, help="smallest ring kept, square degrees (0.5)")
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT)
    args = parser.parse_args()

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)  # geopandas.datasets is deprecated in 0.14
        import geopandas

        source = geopandas.datasets.get_path("naturalearth_lowres")
    from shapely.geometry import Polygon

    world = geopandas.read_file(source)
    rings: dict[str, list[tuple[float, str]]] = {}  # code -> (area, subpath)
    for row in world.itertuples():
        if row.iso_a3 in DROP:
            continue
        code = alpha2(row.iso_a3, row.name)
        for polygon in exterior_rings(row.geometry):
            exterior = Polygon(polygon.exterior.coords)
            simple = exterior.simplify(args.tolerance, preserve_topology=True)
            path = ring_path(simple.exterior.coords) or ring_path(exterior.exterior.coords)
            if path:
                rings.setdefault(code, []).append((exterior.area, path))

    entries = []
    for code in sorted(rings):
        by_size = sorted(rings[code], key=lambda r: -r[0])
        kept = [by_size[0]] + [r for r in by_size[1:] if r[0] >= args.min_area]
        entries.append((code, "".join(path for _, path in kept)))

    lines = [
        "// Generated by scripts/build_world_outline.py from Natural Earth 1:110m admin 0 countries (public domain). Do not edit.",
        "/// Land outlines for the report's map: one SVG path per country in an equirectangular projection",
        "/// of width 360 and height 180 (x = longitude + 180, y = 90 - latitude), coordinates rounded to 0.1.",
        "/// Codes are ISO 3166-1 alpha-2 (Kosovo XK; Somaliland is drawn as part of SO, Northern Cyprus of CY);",
        "/// Antarctica is left out.",
        "enum WorldOutline {",
        "    static let countries: [(code: String, path: String)] = [",
    ]
    lines += [f'        ("{code}", "{path}"),' for code, path in entries]
    lines += ["    ]", "}", ""]
    args.output.write_text("\n".join(lines), encoding="utf-8")
    size = args.output.stat().st_size
    print(f"{args.output}: {len(entries)} countries, {size} bytes", file=sys.stderr)


if __name__ == "__main__":
    main()
