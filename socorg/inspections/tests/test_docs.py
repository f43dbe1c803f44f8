"""docs/inspections.md's reference implementation is the algorithm: run the very code block of the page against the
fixed vector and against a proof socorg published; it must agree, and refuse a tampered proof."""

import json
import re
import runpy
import sys
from pathlib import Path

import pytest
from django.utils import timezone

from socorg.inspections import services
from socorg.inspections.choices import PlanStatus
from socorg.inspections.proof import build_proof

from .conftest import EXPERTS
from .test_draw import EXPECTED, PLAN_UID, POOL, POOL_SHA256, PUBLIC_VALUE, SEED

DOC = Path(__file__).resolve().parents[3] / "docs" / "inspections.md"


@pytest.fixture
def reference(tmp_path):
    code = re.search(r"```python\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S).group(1)
    path = tmp_path / "draw.py"
    path.write_text(code, encoding="utf-8")
    return path


def test_the_documented_code_gives_the_documented_vector(reference):
    module = runpy.run_path(str(reference))
    inspectors = [{"id": f"I00{i}"} for i in range(1, 5)]
    pool_sha256, seed, selected = module["draw"](POOL, PUBLIC_VALUE, PLAN_UID, 3, 2, inspectors)
    assert (pool_sha256, seed) == (POOL_SHA256, SEED)
    assert selected == [{"uscc": u, "key": k, "inspectors": i} for u, k, i in EXPECTED]
    text = DOC.read_text(encoding="utf-8")
    assert all(u in text and k in text for u, k, _i in EXPECTED) and SEED in text and POOL_SHA256 in text


def run_main(reference, proof_path, monkeypatch):
    monkeypatch.setattr(sys, "argv", ["draw.py", str(proof_path)])
    runpy.run_path(str(reference), run_name="__main__")


@pytest.mark.django_db
def test_the_documented_code_checks_a_published_proof(reference, clerk, orgs, tmp_path, monkeypatch, capsys):
    plan = services.plan_create(actor=clerk, name="文档核对", year=timezone.localdate().year, region="530102",
                                count=6, per_org=2, max_per_inspector=6, inspectors=EXPERTS)  # never short
    services.plan_commit(plan=plan, actor=clerk)
    services.conflict_declare(plan=plan, inspector=plan.inspectors.get(code="I001"), uscc=orgs[0].uscc,
                              reason="本人系该会理事", actor=clerk)
    plan = services.plan_draw(plan=plan, public_value="福彩3D 2026318期 581", actor=clerk)
    assert plan.status == PlanStatus.DRAWN
    proof = json.loads(json.dumps(build_proof(plan)))
    path = tmp_path / "proof.json"
    path.write_text(json.dumps(proof, ensure_ascii=False), encoding="utf-8")
    run_main(reference, path, monkeypatch)
    assert "the proof holds" in capsys.readouterr().out
    proof["selected"][0]["inspectors"].reverse()
    path.write_text(json.dumps(proof, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(AssertionError, match="do not follow"):
        run_main(reference, path, monkeypatch)
