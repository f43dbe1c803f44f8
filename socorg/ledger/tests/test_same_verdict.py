"""Issue #12 item 1: one rule, one verdict. Hypothesis feeds the same rows to the service path (what the pages and
the API call) and to the ledger path (a one-row workbook, dry run) and requires both to accept or both to refuse.
Runs on SQLite and on PostgreSQL (DATABASE_URL)."""

import datetime
import itertools

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from hypothesis import HealthCheck, assume, event, given, settings
from hypothesis import strategies as st

from socorg.accounts.roles import Role
from socorg.core.testing import make_user
from socorg.core.text import CONTROL_CHARACTERS
from socorg.ledger import labels
from socorg.ledger.importer import import_ledger
from socorg.party import services as party_services
from socorg.party.choices import Formation, PartyOrgKind
from socorg.regions.models import Region
from socorg.registry import services as registry_services
from socorg.registry.choices import OrgType
from socorg.registry.uscc import make_uscc

from .helpers import workbook

pytestmark = pytest.mark.django_db
SETTINGS = settings(max_examples=40, deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
_files = itertools.count()

# Each row is valid except for a few "spoiled" fields, which take any value, valid or not: so both verdicts occur
# often. Any text is what clerks type and paste: CJK, ASCII, white space and control characters. No full-width
# compatibility characters (the ledger folds them to half-width by design, see docs/ledger.md), no "=" (a cell
# starting with it would be a formula) and no "_" (Excel's _xHHHH_ escape).
GOOD_TEXT = st.text(alphabet=st.sampled_from("协会王五李四张三民政局科员 abcXYZ019-()"), min_size=1,
                    max_size=12).filter(str.strip)
ANY_TEXT = st.one_of(
    st.text(alphabet=st.sampled_from("协会王五李四张三民政局科员 abcXYZ019-()\t\n\x01\x0b\x1f\x7f\x85"), max_size=12),
    st.integers(min_value=60, max_value=205).map(lambda n: "协" * n),
)
GOOD_PHONES = st.sampled_from(["13812345678", "0871-64100000", "0871(64100000)", "(0871)64100000",
                               "+86 138 1234 5678", "0871 6410 0000"])
ANY_PHONES = st.one_of(
    GOOD_PHONES,
    st.sampled_from(["123456", "0871--", "((0871))641", "1" * 16, "138\x0112345678", "-13812345678"]),
    st.text(alphabet=st.sampled_from("0123456789 -()+x\x01"), min_size=1, max_size=20),
)
GOOD_DATES = st.one_of(st.none(), st.dates(min_value=datetime.date(1990, 1, 1), max_value=datetime.date(2025, 12, 31)))
ANY_DATES = st.one_of(st.none(), st.dates(min_value=datetime.date(1990, 1, 1),
                                          max_value=datetime.date.today() + datetime.timedelta(days=60)))
GOOD_COUNTS = st.integers(min_value=0, max_value=50)
ANY_COUNTS = st.one_of(GOOD_COUNTS, st.sampled_from([-1, 999_999, 1_000_000, 1_000_001]))


def spoiled(fields):
    """The names of the (at most two) fields that may take any value."""
    return st.sets(st.sampled_from(fields), max_size=2)


def cell(value):
    """How a clerk's value sits in an xlsx cell: control characters as Excel's _xHHHH_ escape (the reader turns
    it back into the character)."""
    if isinstance(value, str):
        return CONTROL_CHARACTERS.sub(lambda m: f"_x{ord(m.group()):04X}_", value)
    return value


def ledger_accepts(tmp_path, user, sheets) -> bool:
    path = workbook(tmp_path / f"row{next(_files)}.xlsx",
                    {name: [headers, [cell(v) for v in row]] for name, (headers, row) in sheets.items()})
    return import_ledger(path, user=user, dry_run=True).ok


class _Rollback(Exception):
    pass


def service_accepts(call) -> bool:
    """Run a service and undo whatever it wrote: True when it accepted the values."""
    try:
        with transaction.atomic():
            call()
            raise _Rollback
    except _Rollback:
        return True
    except ValidationError:
        return False


@pytest.fixture
def staff(db):
    return make_user((Role.BUREAU_STAFF, "530000"), (Role.PARTY_STAFF, "530000"))


# --- 社会组织 ------------------------------------------------------------------------------------------------------

ORG_HEADERS = ["统一社会信用代码", "名称", "类型", "登记管理机关行政区划代码", "业务主管单位", "成立登记日期",
               "正式党员人数", "预备党员人数", "法定代表人", "联系电话"]


ORG_FIELDS = ("uscc", "name", "authority_region", "supervisor", "registered_on", "declared_full_members",
              "declared_probationary_members", "legal_representative", "phone")


@st.composite
def org_rows(draw):
    bad = draw(spoiled(ORG_FIELDS))

    def pick(field, good, anything):
        return draw(anything if field in bad else good)

    org_type = draw(st.sampled_from(OrgType.values))
    code_type = draw(st.sampled_from(OrgType.values)) if "uscc" in bad else org_type
    code = make_uscc("530102", code_type, f"MD{draw(st.integers(0, 999_999)):06d}")
    if "uscc" in bad and draw(st.booleans()):  # a mistyped character
        position = draw(st.integers(0, 17))
        code = code[:position] + draw(st.sampled_from("0123456789ABCDIOZ")) + code[position + 1:]
    return {
        "uscc": code, "name": pick("name", GOOD_TEXT, ANY_TEXT), "org_type": org_type,
        "authority_region": pick("authority_region", st.just("530102"),
                                 st.sampled_from(["530102", "530103", "110101", "999999", "RETIRED"])),
        "supervisor": pick("supervisor", GOOD_TEXT, ANY_TEXT),
        "registered_on": pick("registered_on", GOOD_DATES, ANY_DATES),
        "declared_full_members": pick("declared_full_members", GOOD_COUNTS, ANY_COUNTS),
        "declared_probationary_members": pick("declared_probationary_members", GOOD_COUNTS, ANY_COUNTS),
        "legal_representative": pick("legal_representative", GOOD_TEXT, ANY_TEXT),
        "phone": pick("phone", st.one_of(st.just(""), GOOD_PHONES), ANY_PHONES),
    }


@given(row=org_rows())
@SETTINGS
def test_an_organization_row_gets_the_same_verdict_from_the_service_and_the_ledger(tmp_path, staff, row):
    if row["authority_region"] == "RETIRED":
        row["authority_region"] = Region.objects.filter(valid_to__isnull=False).values_list("code", flat=True)[0]
    by_service = service_accepts(lambda: registry_services.org_register(actor=staff, **row))
    by_ledger = ledger_accepts(tmp_path, staff, {"社会组织": (ORG_HEADERS, [
        row["uscc"], row["name"], labels.label_of(labels.ORG_TYPE, row["org_type"]), row["authority_region"],
        row["supervisor"], row["registered_on"], row["declared_full_members"], row["declared_probationary_members"],
        row["legal_representative"], row["phone"]])})
    event(f"accepted: {by_service}")
    assert by_service == by_ledger, row


# --- 党建工作指导员 ------------------------------------------------------------------------------------------------

INSTRUCTOR_HEADERS = ["姓名", "联系电话", "工作单位及职务", "指导社会组织", "选派日期", "选派单位行政区划代码"]


@pytest.fixture
def guided_org(staff):
    return registry_services.org_register(actor=staff, uscc=make_uscc("530102", OrgType.SOCIAL_GROUP, "MD999999"),
                                          name="五华区同判测试协会", org_type=OrgType.SOCIAL_GROUP,
                                          authority_region="530102")


@st.composite
def instructor_rows(draw):
    bad = draw(spoiled(("name", "phone", "unit", "appointed_on")))
    return {"name": draw(ANY_TEXT if "name" in bad else GOOD_TEXT),
            "phone": draw(ANY_PHONES if "phone" in bad else GOOD_PHONES),
            "unit": draw(ANY_TEXT if "unit" in bad else GOOD_TEXT),
            "appointed_on": draw(ANY_DATES if "appointed_on" in bad else GOOD_DATES)}


@given(row=instructor_rows())
@SETTINGS
def test_an_instructor_row_gets_the_same_verdict_from_the_service_and_the_ledger(tmp_path, staff, guided_org, row):
    name, phone, unit, appointed_on = row["name"], row["phone"], row["unit"], row["appointed_on"]
    assume(phone.strip(" \t\n"))  # the ledger keys an instructor by name and phone: it requires the phone
    assume(name.strip(" \t\n"))  # both require the name; an empty cell is a different message, not a rule

    def create_and_assign():
        instructor = party_services.instructor_create(name=name, region="530102", phone=phone, unit_and_post=unit,
                                                      appointed_on=appointed_on, actor=staff)
        party_services.assignment_add(instructor=instructor, organization=guided_org, actor=staff)

    by_service = service_accepts(create_and_assign)
    by_ledger = ledger_accepts(tmp_path, staff, {"党建工作指导员": (INSTRUCTOR_HEADERS, [
        name, phone, unit, guided_org.uscc, appointed_on, "530102"])})
    event(f"accepted: {by_service}")
    assert by_service == by_ledger, row


# --- 党组织 --------------------------------------------------------------------------------------------------------

PARTY_HEADERS = ["党组织名称", "党组织类别", "组建方式", "是否功能型", "覆盖社会组织", "成立日期", "书记",
                 "本届任期开始",
                 "任期年限", "所属行政区划代码"]


@pytest.fixture
def covered_orgs(staff):
    return [registry_services.org_register(actor=staff, uscc=make_uscc("530102", OrgType.SOCIAL_GROUP, f"MP{i:06d}"),
                                           name=f"五华区同判测试协会{i}", org_type=OrgType.SOCIAL_GROUP,
                                           authority_region="530102") for i in range(2)]


@st.composite
def party_org_rows(draw):
    bad = draw(spoiled(("name", "founded_on", "term_started_on", "term_years", "secretary")))
    return {"name": draw(ANY_TEXT if "name" in bad else GOOD_TEXT),
            "kind": draw(st.sampled_from(PartyOrgKind.values)), "formation": draw(st.sampled_from(Formation.values)),
            "functional": draw(st.booleans()), "covering": draw(st.integers(0, 2)),
            "founded_on": draw(ANY_DATES if "founded_on" in bad else GOOD_DATES),
            "term_started_on": draw(ANY_DATES if "term_started_on" in bad else GOOD_DATES),
            "term_years": draw(st.integers(1, 6) if "term_years" in bad else st.sampled_from([3, 5])),
            "secretary": draw(ANY_TEXT if "secretary" in bad else GOOD_TEXT)}


@given(row=party_org_rows())
@SETTINGS
def test_a_party_organization_row_gets_the_same_verdict_from_the_service_and_the_ledger(tmp_path, staff,
                                                                                        covered_orgs, row):
    name, kind, formation, functional, covering, founded_on, term_started_on, term_years, secretary = row.values()
    assume(name.strip(" \t\n"))
    orgs = covered_orgs[:covering]
    by_service = service_accepts(lambda: party_services.party_org_create(
        name=name, kind=kind, formation=formation, is_functional=functional, organizations=orgs, region="530102",
        founded_on=founded_on, secretary_name=secretary, term_started_on=term_started_on, term_years=term_years,
        actor=staff))
    by_ledger = ledger_accepts(tmp_path, staff, {"党组织": (PARTY_HEADERS, [
        name, labels.label_of(labels.PARTY_KIND, kind), labels.label_of(labels.FORMATION, formation),
        labels.YES_NO[0 if functional else 1], ";".join(o.uscc for o in orgs), founded_on, secretary,
        term_started_on, term_years, "530102"])})
    event(f"accepted: {by_service}")
    assert by_service == by_ledger, row
