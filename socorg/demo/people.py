"""Plausible people for demo records: Chinese names, mobile numbers, birth dates. Every draw comes from the
caller's random.Random so a seed reproduces the same people."""

import random
from datetime import date, timedelta
from functools import cache

from socorg.core.text import pinyin_full, pinyin_initials

from .vocabulary import GIVEN_FEMALE, GIVEN_MALE, GIVEN_NEUTRAL, SURNAMES

# Mobile prefixes in use on the three networks.
MOBILE_PREFIXES = ("130", "131", "132", "133", "135", "136", "137", "138", "139", "150", "151", "152", "155",
                   "157", "158", "159", "166", "176", "177", "180", "181", "182", "185", "186", "187", "188", "189",
                   "191", "198", "199")
# Surname weights fall with rank, roughly like the real frequency table.
_SURNAME_WEIGHTS = [1 / (rank + 8) for rank in range(len(SURNAMES))]
_SURNAME_CUMULATIVE = [sum(_SURNAME_WEIGHTS[: i + 1]) for i in range(len(SURNAMES))]


def person_name(rng: random.Random, male: bool) -> str:
    surname = rng.choices(SURNAMES, cum_weights=_SURNAME_CUMULATIVE)[0]
    pool = (GIVEN_MALE if male else GIVEN_FEMALE) + GIVEN_NEUTRAL
    if rng.random() < 0.3:
        return surname + rng.choice(pool)
    return surname + rng.choice(pool) + rng.choice(pool)


def mobile(rng: random.Random) -> str:
    return rng.choice(MOBILE_PREFIXES) + f"{rng.randrange(100_000_000):08d}"


def random_day(rng: random.Random, start: date, end: date) -> date:
    """A day in [start, end] (start when the range is empty)."""
    span = (end - start).days
    return start + timedelta(days=rng.randint(0, span)) if span > 0 else start


@cache
def pinyin_of(text: str) -> tuple[str, str]:
    """(full pinyin, initials) of a name fragment; fragments repeat, so this is computed once each."""
    return pinyin_full(text), pinyin_initials(text)


def pinyin_of_parts(parts: tuple[str, ...]) -> tuple[str, str]:
    """Pinyin of a name built from fragments: the fragments' pinyin joined (what pinyin_full gives the whole
    name, except where a polyphone reads differently across a fragment boundary)."""
    pairs = [pinyin_of(part) for part in parts]
    return "".join(p[0] for p in pairs), "".join(p[1] for p in pairs)
