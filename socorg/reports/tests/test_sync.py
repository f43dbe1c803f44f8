"""三同步: checklists as configuration, checks recorded by the registration authority, figures per region."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from socorg.core.models import AuditEntry
from socorg.core.testing import client_as
from socorg.party.tests.factories import make_org
from socorg.regions.models import Region
from socorg.reports import services
from socorg.reports.models import SyncCheck
from socorg.reports.queries import sync_figures
from socorg.reports.synchronization import checklist

from .conftest import YEAR

pytestmark = pytest.mark.django_db


def record(org, actor, item="commitment_letter", state="done", event="registration", occasion="", **extra):
    return services.sync_check_record(org=org, event=event, item=item, state=state, occasion=occasion,
                                      actor=actor, **extra)


def test_the_default_registration_checklist_has_the_four_items():
    assert [code for code, _label in checklist("registration")] == [
        "commitment_letter", "member_survey", "charter_clause", "party_contact"]


@override_settings(SOCORG_SYNC_CHECKLIST={"registration": [["commitment_letter", "承诺书"], ["guide", "指导意见"]]})
def test_a_deployment_configures_its_own_items(org, clerk):
    assert checklist("registration") == [("commitment_letter", "承诺书"), ("guide", "指导意见")]
    assert record(org, clerk, item="guide").item == "guide"
    with pytest.raises(ValidationError):
        record(org, clerk, item="party_contact")


def test_a_check_is_recorded_with_evidence_and_audited_and_replaced_on_recording_again(org, clerk, settings,
                                                                                        tmp_path):
    settings.MEDIA_ROOT = tmp_path
    letter = SimpleUploadedFile("承诺书.pdf", b"%PDF-1.4 commitment", content_type="application/pdf")
    record(org, clerk, state="not_done", note="尚未提交")
    check = record(org, clerk, evidence=letter)
    assert SyncCheck.objects.count() == 1
    assert (check.state, check.evidence_name, check.checked_by) == ("done", "承诺书.pdf", clerk)
    assert AuditEntry.objects.filter(action="reports.sync.check").count() == 2


@pytest.mark.parametrize("kwargs, field", [
    ({"state": "not_done"}, "note"),
    ({"state": "maybe"}, "state"),
    ({"item": "nonsense"}, "item"),
    ({"event": "annual_report", "item": "party_section_complete", "occasion": "last year"}, "occasion"),
    ({"event": "annual_report", "item": "party_section_complete", "occasion": "2999"}, "occasion"),
    ({"event": "re_election", "item": "party_opinion_on_candidates", "occasion": "2999-01-01"}, "occasion"),
    ({"occasion": "2024"}, "occasion"),
])
def test_bad_checks_are_refused_naming_the_field_and_nothing_is_saved(org, clerk, kwargs, field):
    with pytest.raises(ValidationError) as error:
        record(org, clerk, **kwargs)
    assert field in error.value.message_dict
    assert not SyncCheck.objects.exists()


def test_a_disguised_file_is_refused_as_evidence(org, clerk):
    fake = SimpleUploadedFile("承诺书.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    with pytest.raises(ValidationError) as error:
        record(org, clerk, evidence=fake)
    assert "evidence" in error.value.message_dict


def test_only_the_registration_authority_checks(org, filer):
    with pytest.raises(PermissionDenied):
        record(org, filer)


def test_figures_give_the_share_done_among_those_it_applies_to(clerk):
    registered = [make_org("530102", registered_on=datetime.date(YEAR, 3, 1)) for _ in range(4)]
    make_org("530102", registered_on=datetime.date(YEAR - 1, 3, 1))  # another year: not in the population
    record(registered[0], clerk)
    record(registered[1], clerk)
    record(registered[2], clerk, state="not_applicable", note="发起人均非党员")
    figures = sync_figures(event="registration", year=YEAR, region=Region.objects.get(code="530000"))
    letter = figures["items"][0]
    assert figures["total"] == 4
    assert (letter["done"], letter["not_applicable"], letter["unchecked"]) == (2, 1, 1)
    assert letter["share_done"] == round(2 / 3, 4)


def test_the_page_records_a_check_for_the_authority_and_refuses_others(org, clerk, filer):
    data = {"event": "registration", "item": "member_survey", "state": "done", "occasion": ""}
    assert client_as(filer).post(f"/reports/sync/{org.uscc}/", data).status_code == 403
    assert client_as(clerk).post(f"/reports/sync/{org.uscc}/", data).status_code == 302
    assert SyncCheck.objects.get().item == "member_survey"
    page = client_as(clerk).get(f"/reports/sync/{org.uscc}/")
    assert "党员情况调查表" in page.content.decode()


def test_the_overview_page_shows_every_event(clerk):
    response = client_as(clerk).get(f"/reports/sync/?year={YEAR}")
    assert response.status_code == 200
    assert len(response.context["tables"]) == 4
