"""socorg-draw-v1 against a fixed vector computed independently (with the openssl command line, see
docs/inspections.md): pool, public value and plan uid → seed, keys, selection and inspectors."""

from decimal import Decimal

import pytest

from socorg.inspections import draw

POOL = [f"51530102MJ00000{i:02d}X" for i in range(1, 11)]
PLAN_UID = "7d3e2c1a-0000-4000-8000-000000000015"
PUBLIC_VALUE = "第2026138期 03 11 19 24 30 + 07"
POOL_SHA256 = "b45729ce1dd148975e34c380c469c40917616414dcd29032c0177f0c4c58d201"
SEED = "f9dc40b0b6250dd11d195daa4266461941152fa518143ac776df684f414a81f5"
EXPECTED = [
    ("51530102MJ0000002X", "4559315e28cfb830284389fa5a10dc7f51451719ed9ffa2df62b48a382dbb1d2", ["I004", "I002"]),
    ("51530102MJ0000010X", "5eec04377a4ad0352f4ec234044f2410e8c9a56fa0e6ef83a9e63fd3fc9962d9", ["I002", "I003"]),
    ("51530102MJ0000001X", "63882bee427828aa309a0ab000833ccbd0b3d900220984759f123aed3fd76ad3", ["I001", "I004"]),
]
INSPECTORS = ["I001", "I002", "I003", "I004"]


def run(**overrides):
    values = {"pool": POOL, "pool_hash": POOL_SHA256, "public_value": PUBLIC_VALUE, "plan_uid": PLAN_UID, "n": 3,
              "per_org": 2, "inspector_ids": INSPECTORS, "excluded": {}, "cap": None} | overrides
    return draw.run_draw(**values)


def test_the_pool_hash_is_sha256_of_the_sorted_codes_joined_by_newlines():
    assert draw.pool_sha256(POOL) == POOL_SHA256


def test_the_fixed_vector_gives_the_expected_seed_selection_and_inspectors():
    result = run()
    assert result.seed.hex() == SEED
    assert result.selected == EXPECTED
    assert not result.shortages


def test_a_conflict_excludes_the_inspector_and_the_next_ranked_takes_the_place():
    result = run(excluded={"I002": {"51530102MJ0000010X"}})
    assert result.selected[1] == (EXPECTED[1][0], EXPECTED[1][1], ["I003", "I004"])
    assert result.selected[0] == EXPECTED[0]  # I002 still goes to the organization it has no conflict with


def test_an_inspector_at_the_cap_is_skipped_and_a_shortage_is_reported():
    result = run(cap=1)
    assert result.selected[0][2] == ["I004", "I002"]
    assert result.selected[1][2] == ["I003", "I001"]
    assert [(s.uscc, s.available) for s in result.shortages] == [("51530102MJ0000001X", 0)]


def test_a_cap_that_is_not_reached_changes_nothing():
    assert run(cap=2).selected == EXPECTED


def test_draw_size_is_the_exact_ceiling_of_share_times_pool_size():
    assert draw.draw_size(10, share=Decimal("0.3")) == 3
    assert draw.draw_size(1_000_000, share=Decimal("0.03")) == 30_000  # no float rounding up to 30,001
    assert draw.draw_size(101, share="0.03") == 4
    assert draw.draw_size(101, count=7) == 7


def test_the_large_pool_path_selects_the_same_as_the_heap_path():
    pool = sorted(f"51530102MJ{i:07d}X" for i in range(3000))
    seed = draw.seed_of(draw.pool_sha256(pool), PUBLIC_VALUE, PLAN_UID)
    large = draw.select_organizations(seed, pool, 1500)
    small = draw.select_organizations(seed, pool, 999)
    assert large[:999] == small
    assert [key for _u, key in large] == sorted(key for _u, key in large)


def test_an_unsorted_pool_is_refused_by_the_streaming_hasher():
    hasher = draw.PoolHasher()
    hasher.add(POOL[1])
    with pytest.raises(ValueError):
        hasher.add(POOL[0])


def test_the_padded_hmac_equals_the_standard_library_hmac():
    import hashlib
    import hmac

    for key in (bytes.fromhex(SEED), b"k", b"x" * 100):
        keyed = draw.Keyed(key)
        for message in (b"", b"51530102MJ0000002X", b"51530102MJ0000002X|I004", "第一".encode() * 50):
            assert keyed.digest(message) == hmac.digest(key, message, hashlib.sha256)
