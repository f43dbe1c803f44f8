"""socorg verify-draw: exit 0 for an honest proof; non-zero naming the first discrepancy for each kind of
tampering; a file that is not JSON is refused."""

import copy
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation

from socorg.inspections.verify import ProofError, verify_proof

from .test_draw import EXPECTED, PLAN_UID, POOL, POOL_SHA256, PUBLIC_VALUE, SEED


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def honest_proof() -> dict:
    return {
        "algorithm": "socorg-draw-v1", "plan_uid": PLAN_UID, "pool": list(POOL), "pool_sha256": POOL_SHA256,
        "committed_at": "2026-11-28T10:00:00+00:00", "public_value": PUBLIC_VALUE, "seed": SEED, "n": 3,
        "per_org": 2, "share": "0.3", "count": None, "max_per_inspector": None,
        "inspectors": [{"id": code, "name": f"检查员{code}", "unit": "县民政局", "excluded_for": []}
                       for code in ("I001", "I002", "I003", "I004")],
        "selected": [{"uscc": u, "key": k, "inspectors": list(i)} for u, k, i in EXPECTED],
    }


def problem_of(proof, **kwargs) -> str:
    with pytest.raises(ProofError) as raised:
        verify_proof(proof, **kwargs)
    return str(raised.value)


def test_the_honest_proof_holds():
    assert verify_proof(honest_proof()) == 3


def test_a_uscc_added_to_the_pool_is_caught():
    proof = honest_proof()
    proof["pool"] = sorted([*proof["pool"], "51530102MJ0000011X"])
    assert "added, removed or changed" in problem_of(proof)


def test_a_uscc_removed_from_the_pool_is_caught():
    proof = honest_proof()
    proof["pool"].remove("51530102MJ0000007X")
    assert "added, removed or changed" in problem_of(proof)


def test_a_pool_whose_hash_was_recomputed_is_caught_against_the_published_commitment():
    proof = honest_proof()
    proof["pool"].remove("51530102MJ0000007X")
    from socorg.inspections.draw import pool_sha256

    proof["pool_sha256"] = pool_sha256(proof["pool"])
    assert "published before the draw" in problem_of(proof, expected_pool_sha256=POOL_SHA256)


def test_an_unsorted_pool_is_caught():
    proof = honest_proof()
    proof["pool"][0], proof["pool"][1] = proof["pool"][1], proof["pool"][0]
    assert "not sorted" in problem_of(proof)


def test_a_changed_public_value_is_caught():
    proof = honest_proof()
    proof["public_value"] = "第2026139期 01 02 03 04 05 + 06"
    assert "public value" in problem_of(proof)


def test_a_changed_public_value_with_a_matching_seed_is_caught_at_the_selection():
    from socorg.inspections.draw import seed_of

    proof = honest_proof()
    proof["public_value"] = "第2026139期 01 02 03 04 05 + 06"
    proof["seed"] = seed_of(POOL_SHA256, proof["public_value"], PLAN_UID).hex()
    assert "selected[0]" in problem_of(proof)


def test_a_selection_that_does_not_follow_is_caught():
    proof = honest_proof()
    proof["selected"][1]["uscc"] = "51530102MJ0000005X"
    assert "selected[1] is 51530102MJ0000005X; the draw selects 51530102MJ0000010X" in problem_of(proof)


def test_a_changed_key_is_caught():
    proof = honest_proof()
    proof["selected"][2]["key"] = "0" * 64
    assert "selected[2]" in problem_of(proof) and "key" in problem_of(proof)


def test_an_inspector_that_does_not_follow_is_caught():
    proof = honest_proof()
    proof["selected"][0]["inspectors"] = ["I001", "I002"]
    assert "inspectors ['I001', 'I002'] do not follow" in problem_of(proof)


def test_a_hidden_conflict_is_caught_because_the_assignment_no_longer_follows():
    proof = honest_proof()
    proof["inspectors"][1]["excluded_for"] = ["51530102MJ0000010X"]  # I002 should have been excluded there
    assert "selected[1] (51530102MJ0000010X): inspectors" in problem_of(proof)


def test_a_dropped_or_extra_selection_is_caught():
    proof = honest_proof()
    proof["selected"].pop()
    assert "selected has 2 entries" in problem_of(proof)
    proof = honest_proof()
    proof["n"] = 4
    assert "n = 4 differs from ceil" in problem_of(proof)


def test_a_changed_plan_uid_is_caught():
    proof = honest_proof()
    proof["plan_uid"] = "00000000-0000-4000-8000-000000000000"
    assert "plan identifier" in problem_of(proof)


def test_missing_fields_are_named():
    proof = honest_proof()
    del proof["seed"]
    assert "seed" in problem_of(proof)


def test_the_command_exits_0_for_an_honest_proof(tmp_path, capsys):
    path = tmp_path / "proof.json"
    path.write_text(json.dumps(honest_proof(), ensure_ascii=False), encoding="utf-8")
    call_command("verify_draw", str(path), "--pool-sha256", POOL_SHA256)
    assert "The proof holds" in capsys.readouterr().out


@pytest.mark.parametrize("tamper", ["pool", "public_value", "selected", "inspectors"])
def test_the_command_exits_non_zero_naming_the_discrepancy(tmp_path, tamper):
    proof = copy.deepcopy(honest_proof())
    if tamper == "pool":
        proof["pool"].append("51530102MJ0000099X")
    elif tamper == "public_value":
        proof["public_value"] += "0"
    elif tamper == "selected":
        proof["selected"].reverse()
    else:
        proof["selected"][2]["inspectors"].reverse()
    path = tmp_path / "proof.json"
    path.write_text(json.dumps(proof), encoding="utf-8")
    with pytest.raises(CommandError) as raised:
        call_command("verify_draw", str(path))
    assert raised.value.returncode == 1
    assert str(raised.value).startswith("The proof does not hold: ")


def test_a_file_that_is_not_json_is_refused_with_exit_2(tmp_path):
    path = tmp_path / "proof.json"
    path.write_text("<html>not a proof</html>", encoding="utf-8")
    with pytest.raises(CommandError) as raised:
        call_command("verify_draw", str(path))
    assert raised.value.returncode == 2
    assert "is not a JSON proof file" in str(raised.value)


def test_the_real_command_line_exit_status(tmp_path):
    import os
    import subprocess
    import sys

    good, bad = tmp_path / "good.json", tmp_path / "bad.json"
    good.write_text(json.dumps(honest_proof()), encoding="utf-8")
    tampered = honest_proof()
    tampered["public_value"] = "12345678"
    bad.write_text(json.dumps(tampered), encoding="utf-8")
    command = [sys.executable, "-m", "socorg.cli", "verify-draw"]
    env = {**os.environ, "DEBUG": "1"}
    assert subprocess.run([*command, str(good)], capture_output=True, env=env).returncode == 0
    failed = subprocess.run([*command, str(bad)], capture_output=True, text=True, env=env)
    assert failed.returncode == 1 and "seed" in failed.stderr
