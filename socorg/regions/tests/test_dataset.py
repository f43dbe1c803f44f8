"""Checks on the shipped GB/T 2260 data file; plain functions, no database (run with -p no:django if needed)."""

from collections import Counter
from datetime import date
from functools import cache

from socorg.regions.dataset import DATA_FILE, iter_region_rows


@cache
def rows() -> tuple[dict, ...]:
    return tuple(iter_region_rows())


@cache
def by_code() -> dict[str, dict]:
    return {row["code"]: row for row in rows()}


def children(code: str) -> list[dict]:
    return [row for row in rows() if row["parent"] == code]


def test_header_and_sorting_of_the_file():
    lines = DATA_FILE.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "code,name,level,parent,valid_from,valid_to,successor"
    codes = [line.split(",", 1)[0] for line in lines[1:]]
    assert codes == sorted(codes)


def test_current_units_per_level():
    counts = Counter(row["level"] for row in rows() if row["valid_to"] is None)
    assert counts == {"national": 1, "province": 34, "prefecture": 333, "county": 2847}


def test_root_is_parent_of_every_province():
    root = by_code()["100000"]
    assert (root["name"], root["level"], root["parent"]) == ("中华人民共和国", "national", None)
    assert {row["level"] for row in children("100000")} == {"province"}
    assert all(row["parent"] == "100000" for row in rows() if row["level"] == "province")
    assert by_code()["710000"]["name"] == "台湾省"


def test_quirks():
    assert by_code()["110101"]["parent"] == "110000"  # municipality: districts directly under the province
    xiantao = by_code()["429004"]
    assert (xiantao["parent"], xiantao["level"]) == ("420000", "county")  # county-level city under the province
    assert by_code()["441900"]["level"] == "prefecture"
    assert children("441900") == []  # Dongguan has no county level


def test_codes_unique_and_well_formed():
    codes = [row["code"] for row in rows()]
    assert len(codes) == len(set(codes))
    assert all(len(code) == 6 and code.isdigit() for code in codes)


def test_parents_exist_and_come_first():
    seen = set()
    for row in rows():
        assert row["parent"] is None or row["parent"] in seen, row
        seen.add(row["code"])
    assert [row["code"] for row in rows() if row["parent"] is None] == ["100000"]


def test_successors_exist():
    assert all(row["successor"] in by_code() for row in rows() if row["successor"])


def test_retired_rows():
    retired = [row for row in rows() if row["valid_to"] is not None]
    assert len(retired) > 500
    assert all(row["valid_from"] is None or row["valid_from"] <= row["valid_to"] for row in retired)
    # Current units never carry an end date or successor.
    assert all(row["successor"] is None for row in rows() if row["valid_to"] is None)


def test_well_known_retired_codes():
    jianggan = by_code()["330104"]  # merged into 上城区 in 2021
    assert (jianggan["name"], jianggan["level"], jianggan["parent"]) == ("江干区", "county", "330100")
    assert (jianggan["valid_to"], jianggan["successor"]) == (date(2021, 12, 31), "330102")
    fangshan = by_code()["110225"]  # 房山县 became 房山区 in 1986
    assert (fangshan["name"], fangshan["valid_to"], fangshan["successor"]) == ("房山县", date(1986, 12, 31), "110111")
    assert by_code()["110111"]["name"] == "房山区" and by_code()["110111"]["valid_to"] is None
