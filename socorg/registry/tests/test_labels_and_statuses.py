"""Issue #11 item 10: one Chinese name per concept, in the UI and the ledger alike, stored codes unchanged; and the
registration statuses 吊销登记证书 (ends the organization) and 限期停止活动 (stays registered, counted and checked)."""

import datetime
import pathlib

import pytest
from django.utils import translation
from openpyxl import load_workbook

from socorg.activities.choices import LEDGER_NAMES, TYPE_BY_LEDGER_NAME, ActivityType
from socorg.alerts.models import Alert
from socorg.alerts.scan import run_scan
from socorg.core.testing import client_as
from socorg.coverage.models import RegionCounts
from socorg.coverage.state import coverage_flags_from_scratch
from socorg.ledger import labels
from socorg.ledger.importer import import_ledger
from socorg.ledger.tests.helpers import ORG_HEADERS, org_row, uscc, workbook
from socorg.ledger.writers import export_ledger, write_template
from socorg.party.choices import InstructorKind, InstructorStatus
from socorg.registry import services
from socorg.registry.choices import OrgStatus, OrgType
from socorg.registry.models import SocialOrganization

pytestmark = pytest.mark.django_db
DAY = datetime.date(2025, 3, 1)
LOCALE = pathlib.Path(__file__).resolve().parents[2]


def zh(label) -> str:
    with translation.override("zh-hans"):
        return str(label)


def test_private_non_enterprise_is_shown_with_its_new_name_and_the_code_is_unchanged():
    assert OrgType.PRIVATE_NON_ENTERPRISE.value == "private_non_enterprise"
    assert zh(OrgType.PRIVATE_NON_ENTERPRISE.label) == "民办非企业单位（社会服务机构）"
    assert labels.label_of(labels.ORG_TYPE, OrgType.PRIVATE_NON_ENTERPRISE) == "民办非企业单位（社会服务机构）"


@pytest.mark.parametrize("cell", ["民办非企业单位（社会服务机构）", "民办非企业单位", "社会服务机构"])
def test_ledger_accepts_the_new_name_and_either_old_one(tmp_path, cell):
    row = org_row(1)
    row[0] = uscc(1, org_type=OrgType.PRIVATE_NON_ENTERPRISE)
    row[2] = cell
    run = import_ledger(workbook(tmp_path / "o.xlsx", {"社会组织": [ORG_HEADERS, row]}))
    assert run.ok, [e.message for e in run.errors]
    assert SocialOrganization.objects.get().org_type == OrgType.PRIVATE_NON_ENTERPRISE


def test_liaison_kinds_are_distinct_with_one_name_each():
    assert {k.value: zh(k.label) for k in InstructorKind} == {
        "instructor": "党建工作指导员", "liaison": "党委委员挂钩联系", "liaison_officer": "联络员"}


def test_no_catalog_says_党建指导员_and_instructor_status_is_one_word_in_ui_and_ledger():
    for po in LOCALE.glob("**/zh_Hans/LC_MESSAGES/django.po"):
        assert "党建指导员" not in po.read_text(encoding="utf-8"), po
    assert {zh(s.label) for s in InstructorStatus} == set(labels.INSTRUCTOR_STATUS)
    for word, status in labels.INSTRUCTOR_STATUS.items():
        assert zh(InstructorStatus(status).label) == word


def test_committee_meeting_is_支部委员会会议_in_ui_and_ledger_and_the_old_name_is_still_read():
    assert zh(ActivityType.COMMITTEE_MEETING.label) == "支部委员会会议"
    assert LEDGER_NAMES[ActivityType.COMMITTEE_MEETING] == "支部委员会会议"
    assert TYPE_BY_LEDGER_NAME["支部委员会"] == ActivityType.COMMITTEE_MEETING


def test_template_drop_downs_offer_the_new_names(tmp_path):
    write_template(tmp_path / "t.xlsx")
    book = load_workbook(tmp_path / "t.xlsx")
    lists = " ".join(str(v.formula1) for sheet in book for v in sheet.data_validations.dataValidation)
    assert "民办非企业单位（社会服务机构）" in lists and "吊销登记证书" in lists and "限期停止活动" in lists
    assert "支部委员会会议" in lists and "支部委员会," not in lists


def test_dispatching_unit_label():
    from socorg.party.models import Instructor

    assert zh(Instructor._meta.get_field("region").verbose_name) == "选派单位行政区划"


# --- 吊销登记证书 and 限期停止活动 ----------------------------------------------------------------------------------

def test_certificate_revocation_ends_the_organization(register, national_staff):
    org = register()
    assert RegionCounts.objects.get(region_id="530102").orgs == 1
    services.org_revoke_certificate(org=org, actor=national_staff, date=DAY, reason="严重违法，吊销登记证书")
    org.refresh_from_db()
    assert org.status == OrgStatus.CERTIFICATE_REVOKED and not org.is_active
    assert RegionCounts.objects.get(region_id="530102").orgs == 0
    run_scan(as_of=datetime.date(2025, 7, 15))
    assert not Alert.objects.filter(rule="no_work_coverage", organization=org).exists()


def test_suspension_keeps_the_organization_registered_counted_and_checked(register, national_staff):
    org = register()
    services.org_suspend(org=org, actor=national_staff, date=DAY, reason="限期停止活动三个月")
    org.refresh_from_db()
    assert org.status == OrgStatus.SUSPENDED and org.is_active
    assert RegionCounts.objects.get(region_id="530102").orgs == 1
    assert coverage_flags_from_scratch([org.pk]) is not None
    run_scan(as_of=datetime.date(2025, 7, 15))
    assert Alert.objects.filter(rule="no_work_coverage", organization=org).exists()
    services.org_resume(org=org, actor=national_staff, date=datetime.date(2025, 6, 1), reason="期满")
    org.refresh_from_db()
    assert org.status == OrgStatus.ACTIVE


def test_resume_refuses_an_organization_that_is_not_suspended(register, national_staff):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as error:
        services.org_resume(org=register(), actor=national_staff, date=DAY, reason="—")
    assert "限期停止活动" in " ".join(error.value.messages)


def test_a_suspended_organization_can_still_be_deregistered(register, national_staff):
    org = register()
    services.org_suspend(org=org, actor=national_staff, date=DAY, reason="限期停止活动")
    services.org_deregister(org=org, actor=national_staff, date=datetime.date(2025, 4, 1), reason="解散")
    assert SocialOrganization.objects.get(pk=org.pk).status == OrgStatus.DEREGISTERED


def test_status_pages_and_ledger_offer_the_new_statuses(register, national_staff, tmp_path):
    org = register()
    client = client_as(national_staff)
    page = client.get(f"/orgs/{org.uscc}/").content.decode()
    assert "限期停止活动" in page and "吊销登记证书" in page
    response = client.post(f"/orgs/{org.uscc}/suspend/", {"date": "2025-03-01", "reason": "限期停止活动"})
    assert response.status_code == 302
    assert SocialOrganization.objects.get(pk=org.pk).status == OrgStatus.SUSPENDED
    export_ledger(tmp_path / "e.xlsx")
    rows = list(load_workbook(tmp_path / "e.xlsx")["社会组织"].iter_rows(values_only=True))
    assert "限期停止活动" in rows[1]
