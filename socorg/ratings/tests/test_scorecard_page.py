"""The scorecard page: a national manager saves a new version started from the version in force — sections,
criteria (a measure picked from a list, or judged), points, thresholds, vetoes — validated by the scorecard's own
rules with the problems beside the rows, nothing saved while any remains; versions in use are never edited."""

import copy

import pytest

from socorg.accounts.roles import Role
from socorg.core.testing import client_as, make_user
from socorg.ratings import queries, services
from socorg.ratings.choices import ScorecardKind
from socorg.ratings.forms import ScorecardEditor
from socorg.ratings.models import Rating, Scorecard
from socorg.ratings.scorecards import DEFAULT_STAR_DEFINITION, EVALUATION_PRESETS

from .conftest import CYCLE
from .test_services import CLAIMS, own_account

pytestmark = pytest.mark.django_db


def form_data(editor: ScorecardEditor) -> dict:
    """What the browser posts for the page as shown: every field's initial value."""
    data = {}
    for form in [editor.header, *editor.section_forms, *editor.criterion_forms]:
        for field in form:
            value = field.value()
            if field.widget_type == "checkbox":
                if value:
                    data[field.html_name] = "on"
            elif value is not None:
                data[field.html_name] = value
            elif field.widget_type == "select":  # a select posts its first option
                data[field.html_name] = field.field.choices[0][0]
    return data


def same(definition: dict) -> dict:
    """A definition with its vetoes in a fixed order (their order carries no meaning)."""
    return definition | {"vetoes": sorted(definition.get("vetoes", []), key=lambda v: v["code"])}


def criterion_prefix(editor: ScorecardEditor, code: str) -> str:
    return next(form.prefix for form in editor.criterion_forms if form.initial.get("code") == code)


@pytest.fixture
def manager():
    return make_user((Role.PARTY_STAFF, "100000"))


@pytest.fixture
def default_star():
    return queries.scorecard_for(ScorecardKind.STAR, CYCLE)


def test_saving_the_page_as_shown_makes_a_new_local_version_equal_to_the_shipped_one(manager, default_star):
    client = client_as(manager)
    page = client.get(f"/ratings/scorecards/{default_star.pk}/new-version/")
    html = page.content.decode()
    assert page.status_code == 200
    assert "每季度召开支部党员大会" in html and "组织生活按期开展（按类型）" in html  # labels, not codes
    assert "member_assembly" not in html.replace('value="member_assembly"', "")
    data = form_data(ScorecardEditor(default_star)) | {"first_cycle": CYCLE + 2, "name": "云南省评星标准"}
    response = client.post(f"/ratings/scorecards/{default_star.pk}/new-version/", data)
    assert response.status_code == 302
    saved = Scorecard.objects.get(code="local-star")
    assert (saved.version, saved.first_cycle, saved.name) == (1, CYCLE + 2, "云南省评星标准")
    assert same(saved.definition) == same(DEFAULT_STAR_DEFINITION)
    assert queries.scorecard_for(ScorecardKind.STAR, CYCLE + 2) == saved
    assert queries.scorecard_for(ScorecardKind.STAR, CYCLE) == default_star  # earlier years keep theirs
    assert Scorecard.objects.get(pk=default_star.pk).definition == DEFAULT_STAR_DEFINITION


def test_criteria_are_changed_added_and_thresholds_and_vetoes_set_on_the_page(manager, default_star):
    editor = ScorecardEditor(default_star)
    data = form_data(editor) | {"first_cycle": CYCLE + 2}
    lecture = criterion_prefix(editor, "party_lecture")
    data[f"{lecture}-points"] = "2"  # 4 → 2: the freed 2 points go to a new judged criterion of the same section
    new = editor.criterion_forms[-1].prefix
    data |= {f"{new}-section": str(data[f"{lecture}-section"]), f"{new}-label": "党员志愿服务",
             f"{new}-kind": "judged", f"{new}-points": "2"}
    themed = criterion_prefix(editor, "themed_party_day")
    data[f"{themed}-min_count"] = "2"
    data |= {"level_5": "95", "veto_abnormal_list": "", "veto_unqualified_report": "1"}
    response = client_as(manager).post(f"/ratings/scorecards/{default_star.pk}/new-version/", data)
    assert response.status_code == 302
    definition = Scorecard.objects.get(code="local-star").definition
    criteria = {c["code"]: c for s in definition["sections"] for c in s["criteria"]}
    assert criteria["party_lecture"]["points"] == 2
    added = next(c for c in criteria.values() if c.get("label") == "党员志愿服务")
    assert added["kind"] == "judged" and added["points"] == 2 and added["code"] not in DEFAULT_STAR_DEFINITION
    assert criteria["themed_party_day"]["params"] == {"type": "themed_party_day", "period": "month", "min_count": 2}
    assert definition["thresholds"]["5"] == 95
    assert {v["code"]: v["cap"] for v in definition["vetoes"]}["unqualified_report"] == 1
    assert "abnormal_list" not in {v["code"] for v in definition["vetoes"]}


def test_points_that_do_not_add_up_are_shown_beside_the_rows_and_nothing_is_saved(manager, default_star):
    editor = ScorecardEditor(default_star)
    data = form_data(editor) | {"first_cycle": CYCLE + 2}
    data[f"{criterion_prefix(editor, 'party_lecture')}-points"] = "7"
    data[f"{criterion_prefix(editor, 'secretary_in_post')}-measure"] = ""
    data["level_4"] = "99"
    response = client_as(manager).post(f"/ratings/scorecards/{default_star.pk}/new-version/", data)
    assert response.status_code == 400
    html = response.content.decode()
    assert "请选择计算该指标的数据项。" in html
    assert Scorecard.objects.filter(code="local-star").count() == 0
    data[f"{criterion_prefix(editor, 'secretary_in_post')}-measure"] = "secretary_in_post"
    response = client_as(manager).post(f"/ratings/scorecards/{default_star.pk}/new-version/", data)
    html = response.content.decode()
    assert response.status_code == 400
    assert "各项合计43分，与该部分的40分不符" in html  # beside the criterion rows' section
    assert "分数线应随等级降低" in html
    assert Scorecard.objects.filter(code="local-star").count() == 0


def test_a_new_version_cannot_start_in_a_cycle_already_being_assessed(manager, default_star, model):
    services.rate_cycle(cycle=CYCLE, region_prefix="530102")
    rating = Rating.objects.get(party_org=model["branch"])
    services.rating_self_assess(rating=rating, actor=own_account(model["org"]), items=CLAIMS)
    data = form_data(ScorecardEditor(default_star)) | {"first_cycle": CYCLE}
    response = client_as(manager).post(f"/ratings/scorecards/{default_star.pk}/new-version/", data)
    assert response.status_code == 400
    assert f"从 {CYCLE + 1} 年起适用" in response.content.decode()
    data["first_cycle"] = CYCLE + 1
    assert client_as(manager).post(f"/ratings/scorecards/{default_star.pk}/new-version/", data).status_code == 302


def test_the_evaluation_scorecard_keeps_one_party_building_section(manager):
    preset = queries.default_scorecard(ScorecardKind.EVALUATION, "evaluation-100-of-200")
    editor = ScorecardEditor(preset)
    data = form_data(editor) | {"first_cycle": CYCLE + 2}
    data.pop("s0-party_building", None)
    response = client_as(manager).post(f"/ratings/scorecards/{preset.pk}/new-version/", data)
    assert response.status_code == 400 and "党建" in response.content.decode()
    data["s0-party_building"] = "on"
    assert client_as(manager).post(f"/ratings/scorecards/{preset.pk}/new-version/", data).status_code == 302
    saved = Scorecard.objects.get(code="local-evaluation")
    assert same(saved.definition) == same(EVALUATION_PRESETS["evaluation-100-of-200"]["definition"])


def test_only_a_national_grant_edits_scorecards_and_readers_see_the_versions(default_star):
    county = client_as(make_user((Role.PARTY_STAFF, "530102")))
    assert county.get(f"/ratings/scorecards/{default_star.pk}/new-version/").status_code == 403
    listing = county.get("/ratings/scorecards/")
    assert listing.status_code == 200
    html = listing.content.decode()
    assert "全国基本要求（默认）" in html and "new-version" not in html
    assert client_as(make_user((Role.SECURITY_ADMIN, "100000"))).get("/ratings/scorecards/").status_code == 403


def test_the_shipped_scorecards_cannot_be_versioned_under_their_own_code(manager):
    definition = copy.deepcopy(DEFAULT_STAR_DEFINITION)
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as error:
        services.scorecard_create(kind="star", code="national-default", name="x", first_cycle=CYCLE + 2,
                                  definition=definition, actor=manager)
    assert "code" in error.value.message_dict
