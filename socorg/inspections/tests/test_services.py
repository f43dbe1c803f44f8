"""Plans, the commitment, conflicts, the draw, inspections and closing, through inspections.services; every bad
input of the issue refused with a field error and nothing stored."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from socorg.accounts.roles import Role
from socorg.core.testing import make_user
from socorg.inspections import draw, services
from socorg.inspections.choices import PARTY_BUILDING_CODES, InspectionResult, PlanStatus
from socorg.inspections.models import Inspection, InspectionPlan, Selection
from socorg.inspections.proof import build_proof
from socorg.inspections.queries import figures_by_region, overdue_rectifications
from socorg.inspections.verify import verify_proof
from socorg.party.tests.factories import make_org

pytestmark = pytest.mark.django_db
PUBLIC = "2026-11-28 公开摇号 0719"


@pytest.fixture(autouse=True)
def english():
    """Messages are checked in the English source; test_views checks the Chinese pages."""
    from django.utils import translation

    with translation.override("en"):
        yield


def errors_of(raised) -> dict:
    return raised.value.message_dict


def create(clerk, plan_values, **overrides):
    return services.plan_create(actor=clerk, **(plan_values | overrides))


def drawn_plan(clerk, plan_values, **overrides):
    plan = create(clerk, plan_values, **overrides)
    services.plan_commit(plan=plan, actor=clerk)
    return services.plan_draw(plan=plan, public_value=PUBLIC, actor=clerk)


def all_items(plan, state="conforms"):
    return dict.fromkeys(plan.items, state)


# --- plans ---------------------------------------------------------------------------------------------------------

def test_a_plan_gets_stable_inspector_identifiers_and_the_party_building_items(clerk, orgs, plan_values):
    plan = create(clerk, plan_values, items=["finances"])
    assert [i.code for i in plan.inspectors.order_by("code")] == ["I001", "I002", "I003", "I004"]
    assert set(PARTY_BUILDING_CODES) <= set(plan.items) and "finances" in plan.items
    assert "governance" not in plan.items
    assert plan.level == "county" and plan.status == PlanStatus.DRAFT


def test_a_share_below_the_county_minimum_needs_a_reason(clerk, orgs, plan_values):
    with pytest.raises(ValidationError) as raised:
        create(clerk, plan_values, count=None, share=Decimal("0.02"))
    assert "3%" in errors_of(raised)["share"][0]
    assert not InspectionPlan.objects.exists()
    plan = create(clerk, plan_values, count=None, share=Decimal("0.02"), below_minimum_reason="年中新增检查任务已覆盖")
    assert plan.below_minimum_reason


def test_a_count_below_the_minimum_of_the_population_needs_a_reason(clerk, orgs, plan_values):
    with pytest.raises(ValidationError) as raised:
        create(clerk, plan_values, count=1)  # 40 organizations: at least ceil(1.2) = 2
    assert "count" in errors_of(raised)


def test_the_minimum_share_is_configurable_per_deployment(clerk, orgs, plan_values, settings):
    settings.SOCORG_INSPECTION_MIN_SHARES = {"county": "0.01"}
    assert create(clerk, plan_values, count=None, share=Decimal("0.02")).pk


def test_all_plan_problems_are_reported_at_once_and_nothing_is_stored(clerk, orgs, plan_values):
    with pytest.raises(ValidationError) as raised:
        create(clerk, plan_values, name="", per_org=1, share=Decimal("0.1"), items=["nonsense"],
               inspectors=[{"username": "nobody"}, {"name": "张三"}])
    assert {"name", "per_org", "share", "items", "inspectors"} <= set(errors_of(raised))
    assert "nobody" in errors_of(raised)["inspectors"][0]
    assert not InspectionPlan.objects.exists()


def test_fewer_inspectors_than_per_org_is_refused(clerk, orgs, plan_values):
    with pytest.raises(ValidationError) as raised:
        create(clerk, plan_values, per_org=5)
    assert "inspectors" in errors_of(raised)


def test_a_staff_account_joins_by_username_only_when_marked_as_inspector(clerk, orgs, plan_values):
    colleague = make_user((Role.BUREAU_STAFF, "530102"), username="zhangjian")
    with pytest.raises(ValidationError):
        create(clerk, plan_values, inspectors=[*plan_values["inspectors"], {"username": "zhangjian"}])
    services.inspector_account_mark(user=colleague, name="张建", unit="县民政局执法队", region="530102", actor=clerk)
    plan = create(clerk, plan_values, inspectors=[*plan_values["inspectors"], {"username": "zhangjian"}])
    assert plan.inspectors.get(code="I005").name == "张建"


def test_a_bureau_of_another_county_cannot_plan_here(orgs, plan_values):
    outsider = make_user((Role.BUREAU_STAFF, "530103"))
    with pytest.raises(PermissionDenied):
        services.plan_create(actor=outsider, **plan_values)


# --- commit --------------------------------------------------------------------------------------------------------

def test_commit_freezes_the_sorted_pool_and_publishes_its_hash(clerk, orgs, plan_values):
    make_org("530102", status="deregistered", name="已注销协会")
    make_org("530103", name="别县协会")
    plan = services.plan_commit(plan=create(clerk, plan_values), actor=clerk)
    expected = sorted(o.uscc for o in orgs)
    assert plan.pool.as_list() == expected
    assert plan.pool_sha256 == draw.pool_sha256(expected) and plan.pool_size == 40 and plan.n == 4
    assert plan.committed_at is not None and plan.status == PlanStatus.COMMITTED
    make_org("530102", name="承诺后登记协会")
    plan.refresh_from_db()
    assert plan.pool.as_list() == expected  # registered afterwards: not in it


def test_the_pool_follows_the_filters(clerk, orgs, plan_values):
    foundation = make_org("530102", org_type="foundation", name="基金会")
    old = make_org("530102", name="老协会", registered_on=datetime.date(2001, 1, 1))
    plan = create(clerk, plan_values, org_types=["foundation"], count=1)
    assert services.plan_commit(plan=plan, actor=clerk).pool.as_list() == [foundation.uscc]
    plan = create(clerk, plan_values, registered_before=datetime.date(2010, 1, 1), count=1)
    assert services.plan_commit(plan=plan, actor=clerk).pool.as_list() == [old.uscc]


def test_an_empty_pool_is_refused(clerk, plan_values):
    plan = create(clerk, plan_values, count=None, share=Decimal("0.05"))
    with pytest.raises(ValidationError) as raised:
        services.plan_commit(plan=plan, actor=clerk)
    assert "pool" in errors_of(raised)
    plan.refresh_from_db()
    assert plan.status == PlanStatus.DRAFT and not plan.pool_sha256


def test_a_plan_is_committed_once(clerk, orgs, plan_values):
    plan = services.plan_commit(plan=create(clerk, plan_values), actor=clerk)
    with pytest.raises(ValidationError) as raised:
        services.plan_commit(plan=plan, actor=clerk)
    assert "status" in errors_of(raised)


# --- the draw ------------------------------------------------------------------------------------------------------

def test_drawing_before_the_commit_is_refused(clerk, orgs, plan_values):
    plan = create(clerk, plan_values)
    with pytest.raises(ValidationError) as raised:
        services.plan_draw(plan=plan, public_value=PUBLIC, actor=clerk)
    assert "Commit the pool first" in errors_of(raised)["status"][0]


def test_a_public_value_shorter_than_8_characters_is_refused(clerk, orgs, plan_values):
    plan = services.plan_commit(plan=create(clerk, plan_values), actor=clerk)
    with pytest.raises(ValidationError) as raised:
        services.plan_draw(plan=plan, public_value="1234567", actor=clerk)
    assert "public_value" in errors_of(raised)
    assert not Selection.objects.exists()


def test_the_draw_follows_socorg_draw_v1_and_its_proof_verifies(clerk, orgs, plan_values):
    plan = drawn_plan(clerk, plan_values)
    pool = plan.pool.as_list()
    expected = draw.run_draw(pool=pool, pool_hash=draw.pool_sha256(pool), public_value=PUBLIC, plan_uid=str(plan.uid),
                             n=4, per_org=2, inspector_ids=["I001", "I002", "I003", "I004"], excluded={})
    stored = list(plan.selections.order_by("position").values_list("uscc", "key", "inspector_codes"))
    assert stored == [(u, k, a) for u, k, a in expected.selected]
    assert plan.seed == expected.seed.hex() and plan.status == PlanStatus.DRAWN
    assert verify_proof(build_proof(plan)) == 4


def test_a_redraw_is_refused(clerk, orgs, plan_values):
    plan = drawn_plan(clerk, plan_values)
    with pytest.raises(ValidationError) as raised:
        services.plan_draw(plan=plan, public_value="another value 2026", actor=clerk)
    assert "never repeated" in errors_of(raised)["status"][0]
    assert plan.selections.count() == 4


def test_an_instructor_or_liaison_of_the_organization_is_excluded(clerk, orgs, plan_values):
    from socorg.party.models import Instructor, InstructorAssignment

    liaison = Instructor.objects.create(name="李检查", kind="liaison", region_id="530102")
    for org in orgs:
        InstructorAssignment.objects.create(instructor=liaison, organization=org,
                                            start_on=datetime.date(2020, 1, 1))
    plan = drawn_plan(clerk, plan_values)
    assert sorted(plan.inspectors.get(code="I002").excluded_for) == sorted(o.uscc for o in orgs)
    assert all("I002" not in codes for codes in plan.selections.values_list("inspector_codes", flat=True))
    assert verify_proof(build_proof(plan)) == 4


def test_an_ended_instructor_assignment_is_no_conflict(clerk, orgs, plan_values):
    from socorg.party.models import Instructor, InstructorAssignment

    former = Instructor.objects.create(name="李检查", region_id="530102")
    InstructorAssignment.objects.create(instructor=former, organization=orgs[0], start_on=datetime.date(2020, 1, 1),
                                        end_on=datetime.date(2021, 1, 1))
    plan = drawn_plan(clerk, plan_values)
    assert plan.inspectors.get(code="I002").excluded_for == []


def test_a_declared_conflict_is_honoured_and_only_before_the_draw(clerk, orgs, plan_values):
    plan = services.plan_commit(plan=create(clerk, plan_values, count=40), actor=clerk)
    inspector = plan.inspectors.get(code="I003")
    services.conflict_declare(plan=plan, inspector=inspector, uscc=orgs[5].uscc, reason="曾任该会理事", actor=clerk)
    plan = services.plan_draw(plan=plan, public_value=PUBLIC, actor=clerk)
    assert plan.selections.get(uscc=orgs[5].uscc).inspector_codes.count("I003") == 0
    assert plan.inspectors.get(code="I003").excluded_for == [orgs[5].uscc]
    with pytest.raises(ValidationError) as raised:
        services.conflict_declare(plan=plan, inspector=inspector, uscc=orgs[6].uscc, reason="亲属", actor=clerk)
    assert "before the draw" in errors_of(raised)["status"][0]


def test_a_declaration_for_an_organization_outside_the_pool_is_refused(clerk, orgs, plan_values):
    plan = services.plan_commit(plan=create(clerk, plan_values), actor=clerk)
    other = make_org("530103")
    with pytest.raises(ValidationError) as raised:
        services.conflict_declare(plan=plan, inspector=plan.inspectors.first(), uscc=other.uscc, reason="",
                                  actor=clerk)
    assert {"uscc", "reason"} <= set(errors_of(raised))


def test_too_few_eligible_inspectors_refuses_the_draw_naming_the_usccs_and_storing_nothing(clerk, orgs, plan_values):
    plan = services.plan_commit(plan=create(clerk, plan_values, count=40, per_org=3,
                                            inspectors=plan_values["inspectors"][:3]), actor=clerk)
    for code in ("I001",):
        services.conflict_declare(plan=plan, inspector=plan.inspectors.get(code=code), uscc=orgs[7].uscc,
                                  reason="本人担任该会会长", actor=clerk)
    with pytest.raises(ValidationError) as raised:
        services.plan_draw(plan=plan, public_value=PUBLIC, actor=clerk)
    assert orgs[7].uscc in errors_of(raised)["inspectors"][0]
    plan.refresh_from_db()
    assert plan.status == PlanStatus.COMMITTED and not plan.seed and not Selection.objects.exists()


def test_the_cap_per_inspector_is_respected(clerk, orgs, plan_values):
    plan = drawn_plan(clerk, plan_values, count=4, max_per_inspector=3)  # 8 places, 12 under the cap: never short
    loads: dict[str, int] = {}
    for codes in plan.selections.values_list("inspector_codes", flat=True):
        for code in codes:
            loads[code] = loads.get(code, 0) + 1
    assert max(loads.values()) <= 3 and sum(loads.values()) == 8
    assert verify_proof(build_proof(plan)) == 4


def test_a_cancelled_plan_stays_visible_with_its_reason_and_is_never_drawn(clerk, orgs, plan_values):
    plan = services.plan_commit(plan=create(clerk, plan_values), actor=clerk)
    with pytest.raises(ValidationError):
        services.plan_cancel(plan=plan, reason="  ", actor=clerk)
    plan = services.plan_cancel(plan=plan, reason="上级部署合并为全市统一抽查", actor=clerk)
    assert InspectionPlan.objects.visible_to(clerk).get(pk=plan.pk).cancel_reason == "上级部署合并为全市统一抽查"
    with pytest.raises(ValidationError):
        services.plan_draw(plan=plan, public_value=PUBLIC, actor=clerk)


# --- inspections and closing ---------------------------------------------------------------------------------------

def test_an_inspection_needs_two_inspectors_present_and_a_complete_checklist(clerk, orgs, plan_values):
    plan = drawn_plan(clerk, plan_values)
    selection = plan.selections.first()
    with pytest.raises(ValidationError) as raised:
        services.inspection_record(selection=selection, actor=clerk, inspected_on=None,
                                   inspectors_present=["I001", "I999"], checklist={"finances": "problem"},
                                   result=InspectionResult.QUALIFIED)
    assert {"inspected_on", "inspectors_present", "checklist", "result"} <= set(errors_of(raised))
    assert not Inspection.objects.exists()


def test_a_rectification_order_needs_a_deadline_after_the_inspection(clerk, orgs, plan_values):
    plan = drawn_plan(clerk, plan_values)
    selection = plan.selections.first()
    day = timezone.localdate()
    checklist = all_items(plan) | {"party_standalone_branch": "problem"}
    with pytest.raises(ValidationError) as raised:
        services.inspection_record(selection=selection, actor=clerk, inspected_on=day,
                                   inspectors_present=selection.inspector_codes, checklist=checklist,
                                   result=InspectionResult.RECTIFY, findings="3名正式党员未单独组建党支部",
                                   rectification_deadline=day)
    assert {"rectification_order", "rectification_deadline"} == set(errors_of(raised))
    inspection = services.inspection_record(
        selection=selection, actor=clerk, inspected_on=day, inspectors_present=selection.inspector_codes,
        checklist=checklist, result=InspectionResult.RECTIFY, findings="3名正式党员未单独组建党支部",
        rectification_order="60日内单独组建党支部", rectification_deadline=day + datetime.timedelta(days=60))
    assert inspection.problems_found and inspection.inspectors_present.count() == 2


def test_documents_go_through_the_upload_guard(clerk, orgs, plan_values, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    plan = drawn_plan(clerk, plan_values)
    selection = plan.selections.first()
    values = {"selection": selection, "actor": clerk, "inspected_on": timezone.localdate(),
              "inspectors_present": selection.inspector_codes, "checklist": all_items(plan),
              "result": InspectionResult.QUALIFIED}
    fake = SimpleUploadedFile("检查记录.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    with pytest.raises(ValidationError) as raised:
        services.inspection_record(**values, documents=[fake])
    assert "documents" in errors_of(raised)
    assert not Inspection.objects.exists()
    pdf = SimpleUploadedFile("检查记录.pdf", b"%PDF-1.4\n%test\n", content_type="application/pdf")
    inspection = services.inspection_record(**values, documents=[pdf])
    assert inspection.documents.get().name == "检查记录.pdf"


def test_closing_needs_every_inspection_then_publishes(clerk, orgs, plan_values):
    plan = drawn_plan(clerk, plan_values)
    with pytest.raises(ValidationError) as raised:
        services.plan_close(plan=plan, actor=clerk)
    assert plan.selections.first().uscc in errors_of(raised)["status"][0]
    for selection in plan.selections.all():
        services.inspection_record(selection=selection, actor=clerk, inspected_on=timezone.localdate(),
                                   inspectors_present=selection.inspector_codes, checklist=all_items(plan),
                                   result=InspectionResult.QUALIFIED)
    plan = services.plan_close(plan=plan, actor=clerk)
    assert plan.status == PlanStatus.CLOSED and plan.closed_at
    with pytest.raises(ValidationError):
        services.inspection_record(selection=plan.selections.first(), actor=clerk, inspected_on=timezone.localdate(),
                                   inspectors_present=["I001", "I002"], checklist=all_items(plan),
                                   result=InspectionResult.QUALIFIED)


def test_overdue_rectifications_and_the_figures(clerk, orgs, plan_values):
    plan = drawn_plan(clerk, plan_values)
    today = timezone.localdate()
    selections = list(plan.selections.order_by("position"))
    outcomes = []
    for index, selection in enumerate(selections):
        rectify = index < 3
        inspection = services.inspection_record(
            selection=selection, actor=clerk, inspected_on=today - datetime.timedelta(days=90),
            inspectors_present=selection.inspector_codes,
            checklist=all_items(plan) | ({"finances": "problem"} if rectify else {}),
            result=InspectionResult.RECTIFY if rectify else InspectionResult.QUALIFIED,
            findings="账目不清" if rectify else "", rectification_order="30日内整改" if rectify else "",
            rectification_deadline=today - datetime.timedelta(days=60) if rectify else None)
        outcomes.append(inspection)
    Inspection.objects.filter(pk=outcomes[0].pk).update(rectified_on=today - datetime.timedelta(days=70))  # on time
    services.inspection_rectified(inspection=outcomes[1], rectified_on=today - datetime.timedelta(days=10),
                                  actor=clerk)  # late
    overdue = list(overdue_rectifications(today))
    assert [i.pk for i in overdue] == sorted([outcomes[1].pk, outcomes[2].pk])
    assert overdue[0].selection.organization.uscc in {outcomes[1].selection.uscc, outcomes[2].selection.uscc}
    assert list(overdue_rectifications(today - datetime.timedelta(days=61))) == []
    from socorg.regions.models import Region

    rows = figures_by_region(year=2026, region=Region.objects.get(code="530100"), user=clerk)
    assert [(r.region.code, r.figures) for r in rows] == [("530102", {
        "planned": 4, "drawn": 4, "inspected": 4, "problems": 3, "rectification_ordered": 3,
        "rectified_on_time": 1})]
