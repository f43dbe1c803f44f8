"""socorg-draw-v1: the random draw of 双随机、一公开, as pure functions of the standard library.

Nothing here touches the database or Django: the services, `socorg verify-draw` and any third party compute the same
thing from the same inputs (docs/inspections.md states the algorithm as plain steps and a reference implementation).

    pool_sha256 = hex SHA-256 of the pool's USCCs sorted ascending, joined by "\\n" (UTF-8, no trailing newline)
    seed        = SHA-256(f"{pool_sha256}|{public_value}|{plan_uid}")            (raw 32 bytes)
    key(u)      = hex HMAC-SHA256(seed, u)             → the n USCCs with the smallest keys (ties: by USCC)
    rank(u, i)  = hex HMAC-SHA256(seed, f"{u}|{i}")    → per selected u, in key order, the first k eligible
                                                          inspectors by rank; one at the plan's cap is skipped

Lower-case hex strings compare like the digests they encode, so the comparisons below use the raw digests."""

from __future__ import annotations

import hashlib
import hmac
import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction

ALGORITHM = "socorg-draw-v1"
MIN_PUBLIC_VALUE_LENGTH = 8


class PoolHasher:
    """Streams the commitment: feed USCCs in ascending order, read `hexdigest()` and `size` at the end.

    Refuses a USCC that is not strictly above the previous one (unsorted or duplicated input), so a caller that
    trusts a database's ORDER BY learns at once when the collation disagrees with code-point order."""

    def __init__(self) -> None:
        self._hash = hashlib.sha256()
        self._previous: str | None = None
        self.size = 0

    def add(self, uscc: str) -> None:
        if self._previous is not None and uscc <= self._previous:
            raise ValueError(f"pool not strictly ascending at {uscc!r} after {self._previous!r}")
        if self._previous is not None:
            self._hash.update(b"\n")
        self._hash.update(uscc.encode("utf-8"))
        self._previous = uscc
        self.size += 1

    def add_chunk(self, usccs: list[str]) -> None:
        """Add many USCCs at once (the streamed commit): the same checks, with the comparisons done by C code."""
        if not usccs:
            return
        if (self._previous is not None and usccs[0] <= self._previous) or usccs != sorted(usccs) \
                or len(set(usccs)) != len(usccs):
            raise ValueError("pool chunk not strictly ascending")
        if self._previous is not None:
            self._hash.update(b"\n")
        self._hash.update("\n".join(usccs).encode("utf-8"))
        self._previous = usccs[-1]
        self.size += len(usccs)

    def hexdigest(self) -> str:
        return self._hash.hexdigest()


def pool_sha256(usccs: Iterable[str]) -> str:
    """hex SHA-256 of the USCCs (already sorted ascending, no duplicates) joined by "\\n"."""
    hasher = PoolHasher()
    for uscc in usccs:
        hasher.add(uscc)
    return hasher.hexdigest()


def seed_of(pool_hash: str, public_value: str, plan_uid: str) -> bytes:
    return hashlib.sha256(f"{pool_hash}|{public_value}|{plan_uid}".encode()).digest()


class Keyed:
    """HMAC-SHA256 under one key for many short messages: RFC 2104 with the inner and outer pads hashed once, so
    each message costs two hash copies instead of a fresh HMAC (the same digest as hmac.digest, about 3× faster)."""

    def __init__(self, key: bytes) -> None:
        if len(key) > 64:
            key = hashlib.sha256(key).digest()
        key = key.ljust(64, b"\0")
        self._inner = hashlib.sha256(bytes(b ^ 0x36 for b in key))
        self._outer = hashlib.sha256(bytes(b ^ 0x5C for b in key))

    def digest(self, message: bytes) -> bytes:
        inner = self._inner.copy()
        inner.update(message)
        outer = self._outer.copy()
        outer.update(inner.digest())
        return outer.digest()


def org_key(seed: bytes, uscc: str) -> str:
    return hmac.new(seed, uscc.encode("utf-8"), hashlib.sha256).hexdigest()


def inspector_rank_key(seed: bytes, uscc: str, inspector_id: str) -> str:
    return hmac.new(seed, f"{uscc}|{inspector_id}".encode(), hashlib.sha256).hexdigest()


def draw_size(pool_size: int, *, share: Decimal | Fraction | str | None = None, count: int | None = None) -> int:
    """n = ceil(share × pool size), computed exactly (share as a decimal string or Decimal), or the fixed count."""
    if count is not None:
        return int(count)
    if share is None:
        raise ValueError("share or count is required")
    return math.ceil(Fraction(Decimal(str(share))) * pool_size)


def select_organizations(seed: bytes, pool: Iterable[str], n: int) -> list[tuple[str, str]]:
    """The n USCCs with the smallest keys, as (uscc, hex key) in key order (ties broken by USCC).

    Each entry is sorted as the 32-byte key followed by the USCC's bytes: one bytes comparison orders by key, then
    by USCC (ASCII), with no tuple in between."""
    if n <= 0:
        return []
    digest = Keyed(seed).digest
    encoded = [uscc.encode("utf-8") for uscc in pool]
    keyed = [digest(code) + code for code in encoded]
    if n < 1000:
        import heapq

        chosen = heapq.nsmallest(n, keyed)
    else:
        keyed.sort()
        chosen = keyed[:n]
    return [(entry[32:].decode("utf-8"), entry[:32].hex()) for entry in chosen]


@dataclass
class Shortage:
    """A selected organization for which fewer than k eligible inspectors (under the cap) remained."""

    uscc: str
    available: int


@dataclass
class DrawResult:
    seed: bytes
    n: int
    selected: list[tuple[str, str, list[str]]] = field(default_factory=list)  # (uscc, key, inspector ids)
    shortages: list[Shortage] = field(default_factory=list)


def assign_inspectors(seed: bytes, selected: list[tuple[str, str]], inspector_ids: list[str], per_org: int,
                      excluded: dict[str, set[str]], cap: int | None = None) -> tuple[list[list[str]], list[Shortage]]:
    """For each selected (uscc, key) in key order: eligible inspectors (not excluded for the USCC, not at the cap)
    ranked by HMAC(seed, "uscc|id"), the first `per_org` taken. Returns the assignments (one list per selected
    organization, in the same order) and the shortages (organizations with fewer than per_org eligible)."""
    loads = dict.fromkeys(inspector_ids, 0)
    assignments: list[list[str]] = []
    shortages: list[Shortage] = []
    digest = Keyed(seed).digest
    suffixes = [f"|{i}".encode() for i in inspector_ids]
    excluded_ids: dict[str, set[bytes]] = {}
    for inspector, usccs in excluded.items():
        for uscc in usccs:
            excluded_ids.setdefault(uscc, set()).add(f"|{inspector}".encode())
    for uscc, _key in selected:
        prefix = uscc.encode("utf-8")
        barred = excluded_ids.get(uscc)
        # rank entries: 32-byte HMAC, then "|id" (ties, practically impossible, by id)
        ranked = sorted(digest(prefix + suffix) + suffix for suffix in suffixes
                        if barred is None or suffix not in barred)
        chosen: list[str] = []
        for entry in ranked:
            inspector = entry[33:].decode()
            if cap is not None and loads[inspector] >= cap:
                continue
            chosen.append(inspector)
            if len(chosen) == per_org:
                break
        if len(chosen) < per_org:
            shortages.append(Shortage(uscc, len(chosen)))
        for inspector in chosen:
            loads[inspector] += 1
        assignments.append(chosen)
    return assignments, shortages


def run_draw(*, pool: list[str], pool_hash: str, public_value: str, plan_uid: str, n: int, per_org: int,
             inspector_ids: list[str], excluded: dict[str, set[str]], cap: int | None = None) -> DrawResult:
    """The whole draw from its inputs. `pool` must be the committed, sorted pool whose hash is `pool_hash`."""
    seed = seed_of(pool_hash, public_value, plan_uid)
    selected = select_organizations(seed, pool, n)
    assignments, shortages = assign_inspectors(seed, selected, inspector_ids, per_org, excluded, cap)
    return DrawResult(seed=seed, n=n, selected=[(u, k, a) for (u, k), a in zip(selected, assignments, strict=True)],
                      shortages=shortages)
