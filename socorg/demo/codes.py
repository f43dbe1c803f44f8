"""Valid identification codes for demo records. Unified social credit codes come from the registry's make_uscc;
resident ID numbers are built here (birth place, birth date, sequence, check digit from python-stdnum)."""

from datetime import date
from functools import cache

from stdnum.cn import ric


def resident_id(birth_place: str, born: date, sequence: int) -> str:
    """A valid 18-digit resident ID number; `sequence` (0–999) is odd for men, even for women."""
    first17 = f"{birth_place}{born:%Y%m%d}{sequence:03d}"
    return first17 + ric.calc_check_digit(first17 + "0")


@cache
def birth_place_years() -> dict[str, tuple[tuple[int, int], ...]]:
    """{county code: ((first year, last year), …)} in which python-stdnum accepts the code as a birth place,
    read once from its cn/loc prefix tree (looking codes up one by one through stdnum costs about 0.5 ms each)."""
    from stdnum import numdb

    years: dict[str, tuple[tuple[int, int], ...]] = {}
    for _length, low, high, _props, children in numdb.get("cn/loc").prefixes:
        for province in _expand(low, high):
            for _l, child_low, child_high, props, _c in children:
                spans = _year_spans(props.get("county", ""))
                for rest in _expand(child_low, child_high):
                    if spans and not rest.endswith("00"):
                        years[province + rest] = spans
    return years


def _year_spans(county: str) -> tuple[tuple[int, int], ...]:
    """'[1983-1997]路南彝族自治县,[1998-]石林彝族自治县' → ((1983, 1997), (1998, 9999)); no brackets = always."""
    spans = []
    for name in county.split(","):
        if not name:
            continue
        if not name.startswith("["):
            return ((0, 9999),)
        start, end = name[1:].split("]")[0].split("-")
        spans.append((int(start or 0), int(end or 9999)))
    return tuple(spans)


def is_valid_birth_place(code: str, year: int) -> bool:
    return any(start <= year <= end for start, end in birth_place_years().get(code, ()))


@cache
def birth_places(prefix: str, year: int) -> list[str]:
    """Codes in a province ("53", or "" = everywhere) that are valid birth places for people born in `year`."""
    return [code for code in _codes_by_province().get(prefix, ()) if is_valid_birth_place(code, year)]


@cache
def _codes_by_province() -> dict[str, list[str]]:
    grouped: dict[str, list[str]] = {"": sorted(birth_place_years())}
    for code in grouped[""]:
        grouped.setdefault(code[:2], []).append(code)
    return grouped


def _expand(low: str, high: str) -> list[str]:
    return [str(n).zfill(len(low)) for n in range(int(low), int(high) + 1)]
