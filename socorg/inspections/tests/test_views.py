"""The pages, in zh-Hans: a plan through the forms, the commitment shown before the draw and the draw after it, an
inspection recorded, closing, the public pages; bad input shown in Chinese at the field, nothing saved."""

import json
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from socorg.core.testing import client_as
from socorg.inspections.models import Inspection, InspectionPlan
from socorg.inspections.verify import verify_proof

pytestmark = pytest.mark.django_db


def form_values(**overrides):
    return {"name": "2026年度县本级双随机抽查", "year": "2026", "region": "530102", "count": "4", "per_org": "2",
            "active_only": "on", "experts": "张检查，县民政局\n李检查，县民政局\n王专家，云南大学"} | overrides


def test_bad_plan_input_is_shown_in_chinese_at_the_field_and_nothing_is_saved(clerk, orgs):
    client = client_as(clerk)
    response = client.post("/inspections/new/", form_values(count="", share="0.01"),
                           HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 200
    assert "本层级每年抽查比例不得低于登记社会组织的3%" in response.content.decode()
    response = client.post("/inspections/new/", form_values(experts="张检查 县民政局"), HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert "请按“姓名，单位”填写" in response.content.decode()
    response = client.post("/inspections/new/", form_values(per_org="5"), HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert "检查人员库只有 3 人，每个社会组织需要 5 人" in response.content.decode()
    assert not InspectionPlan.objects.exists()


def test_the_whole_walk_through_the_pages(clerk, orgs, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client = client_as(clerk)
    response = client.post("/inspections/new/", form_values())
    plan = InspectionPlan.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/inspections/{plan.pk}/"
    page = client.get(f"/inspections/{plan.pk}/").content.decode()
    assert "锁定抽查名录" in page and "尚未抽取" in page
    client.post(f"/inspections/{plan.pk}/commit/")
    plan.refresh_from_db()
    page = client.get(f"/inspections/{plan.pk}/").content.decode()
    assert plan.pool_sha256 in page and 'id="draw-button"' in page
    short = client.post(f"/inspections/{plan.pk}/draw/", {"public_value": "123"}, follow=True)
    assert "公开随机值至少 8 个字符" in short.content.decode()
    client.post(f"/inspections/{plan.pk}/draw/", {"public_value": "双色球2026138期 03 11 19"})
    plan.refresh_from_db()
    assert plan.status == "drawn"
    selection = plan.selections.order_by("position").first()
    url = f"/inspections/{plan.pk}/orgs/{selection.uscc}/"
    bad = client.post(url, {"inspected_on": str(timezone.localdate()), "inspectors_present": ["I001"],
                            "result": "qualified"}, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert "现场检查人员不得少于 2 名" in bad.content.decode()
    assert "请填写每个检查事项的结果" in bad.content.decode()
    assert not Inspection.objects.exists()
    for s in plan.selections.all():
        values = {"inspected_on": str(timezone.localdate()), "inspectors_present": s.inspector_codes,
                  "result": "qualified", **{f"item_{code}": "conforms" for code in plan.items}}
        if s.pk == selection.pk:
            values.update({"result": "rectify", "item_finances": "problem", "findings": "账目不清",
                           "rectification_order": "30日内整改", "rectification_deadline": "2099-01-01",
                           "documents": SimpleUploadedFile("检查记录.pdf", b"%PDF-1.4 record")})
        response = client.post(f"/inspections/{plan.pk}/orgs/{s.uscc}/", values)
        assert response.status_code == 302, response.content.decode()[:2000]
    inspection = Inspection.objects.get(selection=selection)
    assert inspection.result == "rectify" and inspection.documents.count() == 1
    assert client.get(f"/inspections/documents/{inspection.documents.get().pk}/").status_code == 200
    public = client_as(None)
    assert "账目不清" not in public.get(f"/inspections/published/{plan.pk}/").content.decode()
    client.post(f"/inspections/{plan.pk}/close/")
    plan.refresh_from_db()
    assert plan.status == "closed"
    published = public.get(f"/inspections/published/{plan.pk}/").content.decode()
    assert "账目不清" in published and "责令整改" in published
    proof = json.loads(public.get(f"/inspections/published/{plan.pk}/proof.json").content)
    assert verify_proof(proof) == 4
    assert public.get(f"/inspections/documents/{inspection.documents.get().pk}/").status_code == 302  # login


def test_the_figures_appear_on_the_plan_list(clerk, orgs):
    from socorg.inspections.testing import sample_drawn_plan

    sample_drawn_plan(clerk, region="530102")
    year = timezone.localdate().year
    page = client_as(clerk).get(f"/inspections/?year={year}&region=530100").content.decode()
    table = page[page.index('id="inspection-figures"'):page.index("</table>", page.index('id="inspection-figures"'))]
    assert f"?year={year}&region=530102" in table
    cells = re.findall(r'<td class="text-end">([0-9,]+)</td>', table)
    assert cells == ["1", "1", "1", "1", "1", "0"]  # planned, drawn, inspected, problems, ordered, on time
