"""Credit services: listings with decision number and date, entry due dates, removal, restart, statements,
objections, escalation, penalties feeding the registry status; bad input refused with nothing saved; audited."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from socorg.accounts.roles import Role
from socorg.core.models import AuditEntry
from socorg.core.testing import make_user
from socorg.credit import queries, services
from socorg.credit.choices import ObjectionStatus, PenaltyKind, RemovalKind
from socorg.credit.models import CreditEntry, Penalty
from socorg.party.tests.factories import make_org
from socorg.registry.choices import OrgStatus
from socorg.registry.models import SocialOrganization
from socorg.reports.choices import ReportStatus
from socorg.reports.models import AnnualReport

D = datetime.date
TODAY = timezone.localdate()
pytestmark = pytest.mark.django_db


def listing(org, clerk, *, list="abnormal", reason="annual_report_missing", decided_on=None, no="民社异〔2026〕1号",
            **kw):
    return services.entry_create(org=org, list=list, reason=reason, decision_no=no,
                                 decided_on=decided_on or TODAY - datetime.timedelta(days=1), actor=clerk, **kw)


def test_a_listing_records_decision_due_day_and_is_audited(org, clerk):
    entry = listing(org, clerk, decided_on=D(2026, 9, 30), evidence={"year": 2025})
    assert entry.entry_due_on == D(2026, 10, 13)
    assert entry.entered_late  # entered today, long after 13 October
    assert entry.evidence == {"year": 2025}
    assert queries.is_listed(org, "abnormal") and not queries.is_listed(org, "serious")
    assert queries.is_listed(org, "abnormal", on=D(2026, 9, 30))
    assert not queries.is_listed(org, on=D(2026, 9, 29))
    assert queries.listed_since(org, "abnormal") == D(2026, 9, 30)
    assert AuditEntry.objects.filter(action="credit.entry.create", object_id=str(entry.pk)).exists()


def test_an_entry_on_time_is_not_late(org, clerk):
    entry = listing(org, clerk, decided_on=TODAY)
    assert entry.entry_due_on > TODAY and not entry.entered_late


def test_bad_listings_are_refused_with_every_field_and_nothing_saved(org, clerk):
    with pytest.raises(ValidationError) as error:
        services.entry_create(org=org, list="abnormal", reason="no_such_reason", decision_no="", decided_on=None,
                              actor=clerk)
    assert set(error.value.message_dict) == {"reason", "decision_no", "decided_on"}
    with pytest.raises(ValidationError) as error:
        listing(org, clerk, decided_on=TODAY + datetime.timedelta(days=1))
    assert set(error.value.message_dict) == {"decided_on"}
    with pytest.raises(ValidationError) as error:
        listing(org, clerk, reason="major_fine")  # a serious reason on the abnormal list
    assert set(error.value.message_dict) == {"reason"}
    with pytest.raises(ValidationError) as error:
        listing(org, clerk, decided_on=D(2014, 1, 1))  # before the registration
    assert set(error.value.message_dict) == {"decided_on"}
    assert not CreditEntry.objects.exists() and not AuditEntry.objects.filter(action__startswith="credit.").exists()


def test_the_same_decision_twice_is_refused(org, clerk):
    listing(org, clerk)
    with pytest.raises(ValidationError) as error:
        listing(org, clerk)
    assert set(error.value.message_dict) == {"decision_no"}
    assert CreditEntry.objects.count() == 1


def test_out_of_scope_is_refused(org):
    other = make_user((Role.BUREAU_STAFF, "110101"))
    with pytest.raises(PermissionDenied):
        listing(org, other)
    party = make_user((Role.PARTY_STAFF, "530102"))  # reads credit lists, does not decide them
    with pytest.raises(PermissionDenied):
        listing(org, party)
    assert not CreditEntry.objects.exists()


def test_removal_on_application_needs_the_obligation_fulfilled(org, clerk):
    entry = listing(org, clerk, decided_on=D(2026, 6, 2), evidence={"year": 2025})
    with pytest.raises(ValidationError) as error:
        services.entry_remove(entry=entry, reason="已补报", decided_on=TODAY, actor=clerk)
    assert set(error.value.message_dict) == {"reason"}  # the 2025 report is still missing
    AnnualReport.objects.create(organization=org, year=2025, due_on=D(2026, 5, 31), status=ReportStatus.SUBMITTED,
                                first_submitted_at=timezone.now())
    with pytest.raises(ValidationError) as error:
        services.entry_remove(entry=entry, reason="已补报", decided_on=D(2026, 6, 1), actor=clerk)
    assert set(error.value.message_dict) == {"decided_on"}  # before the listing
    entry = services.entry_remove(entry=entry, reason="已补报2025年度工作报告", decided_on=TODAY, actor=clerk)
    assert entry.removal_kind == RemovalKind.FULFILLED and entry.removed_on == TODAY
    assert entry.removal_due_on > TODAY and not entry.removed_late
    assert not queries.is_listed(org)
    with pytest.raises(ValidationError):
        services.entry_remove(entry=entry, reason="再次", decided_on=TODAY, actor=clerk)


def test_a_removal_verified_long_ago_is_marked_late(org, clerk):
    entry = listing(org, clerk, reason="unreachable", decided_on=D(2026, 1, 5))
    services.letter_answered(letter=services.letter_record(org=org, sent_on=D(2026, 2, 1), tracking_no="EMS1",
                                                           actor=clerk), answered_on=D(2026, 2, 10), actor=clerk)
    entry = services.entry_remove(entry=entry, reason="已取得联系", decided_on=D(2026, 2, 10), actor=clerk)
    assert entry.removal_due_on == D(2026, 2, 24)  # 11, 12, 13, Saturday 14 (make-up), 24 after Spring Festival
    assert entry.removed_late


def test_serious_entries_cannot_be_removed_before_five_years(org, clerk):
    entry = listing(org, clerk, list="serious", reason="major_fine", decided_on=D(2022, 1, 10))
    assert entry.expires_on == D(2027, 1, 10)
    with pytest.raises(ValidationError) as error:
        services.entry_remove(entry=entry, reason="已缴纳罚款", decided_on=TODAY, actor=clerk)
    assert "2027-01-10" in error.value.message_dict["decided_on"][0]
    assert queries.is_listed(org, "serious", on=D(2027, 1, 9))
    assert not queries.is_listed(org, "serious", on=D(2027, 1, 10))


def test_minor_penalty_ends_by_itself_after_six_months_and_relisting_restarts(org, clerk):
    first = listing(org, clerk, reason="minor_penalty", decided_on=D(2026, 3, 2), no="A1")
    assert first.expires_on == D(2026, 9, 2)
    with pytest.raises(ValidationError):
        services.entry_remove(entry=first, reason="x", decided_on=D(2026, 9, 1), actor=clerk)
    # Listed again on the same list while listed: the first entry's period restarts from the new listing.
    listing(org, clerk, reason="unreachable", decided_on=D(2026, 6, 1), no="A2")
    first.refresh_from_db()
    assert first.expires_on == D(2026, 12, 1)
    assert AuditEntry.objects.filter(action="credit.entry.restart", object_id=str(first.pk)).exists()
    assert services.expire(as_of=D(2026, 11, 30)) == 0
    assert queries.is_listed(org, "abnormal", on=D(2026, 11, 30))
    assert services.expire(as_of=D(2026, 12, 1)) == 1


def test_expiry_job_ends_entries_on_their_day(org, clerk):
    entry = listing(org, clerk, reason="minor_penalty", decided_on=D(2026, 3, 2))
    assert services.expire(as_of=D(2026, 9, 1)) == 0
    assert services.expire(as_of=D(2026, 9, 2)) == 1
    entry.refresh_from_db()
    assert entry.removed_on == D(2026, 9, 2) and entry.removal_kind == RemovalKind.EXPIRED
    assert services.expire(as_of=D(2026, 9, 3)) == 0


def test_escalation_after_two_years_is_idempotent(org, clerk):
    first = listing(org, clerk, decided_on=D(2024, 11, 20), no="B1")
    second = listing(org, clerk, reason="unreachable", decided_on=D(2025, 5, 1), no="B2")
    assert services.run_daily(as_of=D(2026, 11, 19)).escalated == 0
    assert services.run_daily(as_of=D(2026, 11, 20)).escalated == 1
    assert services.run_daily(as_of=D(2026, 11, 21)).escalated == 0
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.removal_kind == second.removal_kind == RemovalKind.ESCALATED
    assert first.removed_on == D(2026, 11, 20)
    [serious] = CreditEntry.objects.filter(list="serious")
    assert serious.reason == "abnormal_two_years" and serious.automatic and serious.decided_on == D(2026, 11, 20)
    assert serious.entry_due_on == D(2026, 11, 27) and serious.expires_on == D(2031, 11, 20)
    assert queries.is_listed(org, "serious", on=D(2026, 11, 20)) and not queries.is_listed(org, "abnormal")


def test_a_statement_of_the_supervising_unit_stops_the_listing(org, clerk):
    entry = listing(org, clerk, reason="rectification_overdue")
    services.statement_record(org=org, reason="rectification_overdue", issued_by="云南省科学技术协会",
                              document_no="云科协函〔2026〕12号", issued_on=TODAY, actor=clerk)
    entry.refresh_from_db()
    assert entry.removal_kind == RemovalKind.STATEMENT
    with pytest.raises(ValidationError) as error:
        listing(org, clerk, reason="rectification_overdue", no="C2", decided_on=TODAY)
    assert set(error.value.message_dict) == {"reason"}
    with pytest.raises(ValidationError) as error:
        services.statement_record(org=org, reason="x", issued_by="", document_no="", issued_on=None, actor=clerk)
    assert set(error.value.message_dict) == {"reason", "issued_by", "document_no", "issued_on"}


def test_objections_are_recorded_and_answered(org, clerk):
    entry = listing(org, clerk)
    rejected = services.objection_record(entry=entry, received_on=TODAY, content="已按时报送", actor=clerk)
    services.objection_answer(objection=rejected, upheld=False, answer="经核实未报送", answered_on=TODAY, actor=clerk)
    assert queries.is_listed(org)
    upheld = services.objection_record(entry=entry, received_on=TODAY, content="系统错误", actor=clerk)
    with pytest.raises(ValidationError) as error:
        services.objection_answer(objection=upheld, upheld=True, answer="", answered_on=None, actor=clerk)
    assert set(error.value.message_dict) == {"answer", "answered_on"}
    services.objection_answer(objection=upheld, upheld=True, answer="经核实确有错误", answered_on=TODAY, actor=clerk)
    upheld.refresh_from_db()
    entry.refresh_from_db()
    assert upheld.status == ObjectionStatus.UPHELD and entry.removal_kind == RemovalKind.OBJECTION
    with pytest.raises(ValidationError):
        services.objection_answer(objection=upheld, upheld=False, answer="再答", answered_on=TODAY, actor=clerk)


def penalize(org, clerk, kind, **kw):
    base = {"decision_no": f"民罚〔2026〕{Penalty.objects.count() + 1}号", "decided_on": D(2026, 9, 1),
            "facts": "违规开展评比表彰", "legal_basis": "《社会团体登记管理条例》第三十条",
            "issuing_authority": "五华区民政局"}
    return services.penalty_record(org=org, kind=kind, actor=clerk, **(base | kw))


def test_penalty_bad_input_nothing_saved(org, clerk):
    with pytest.raises(ValidationError) as error:
        penalize(org, clerk, PenaltyKind.FINE, amount=None, facts="", decided_on=TODAY + datetime.timedelta(1))
    assert set(error.value.message_dict) == {"amount", "facts", "decided_on"}
    with pytest.raises(ValidationError) as error:
        penalize(org, clerk, PenaltyKind.FINE, amount="-100")
    assert set(error.value.message_dict) == {"amount"}
    assert not Penalty.objects.exists()


def test_a_suspension_sets_the_status_until_its_end(org, clerk):
    penalty = penalize(org, clerk, PenaltyKind.SUSPENSION, suspension_until=D(2026, 10, 31))
    org.refresh_from_db()
    assert org.status == OrgStatus.SUSPENDED and org.is_active and penalty.suspension_until == D(2026, 10, 31)
    assert services.run_daily(as_of=D(2026, 10, 30)).suspensions_ended == 0
    assert services.run_daily(as_of=D(2026, 10, 31)).suspensions_ended == 1
    org.refresh_from_db()
    assert org.status == OrgStatus.ACTIVE and org.status_changed_on == D(2026, 10, 31)
    assert services.run_daily(as_of=D(2026, 11, 1)).suspensions_ended == 0


@pytest.mark.parametrize("kind,status", [(PenaltyKind.CERTIFICATE_REVOKED, OrgStatus.CERTIFICATE_REVOKED),
                                         (PenaltyKind.REGISTRATION_REVOKED, OrgStatus.REVOKED)])
def test_revocation_ends_the_organization(org, clerk, kind, status):
    penalize(org, clerk, kind)
    org.refresh_from_db()
    assert org.status == status and org.status_changed_on == D(2026, 9, 1) and not org.is_active
    assert not SocialOrganization.objects.active_on(D(2026, 9, 2)).filter(pk=org.pk).exists()
    assert SocialOrganization.objects.active_on(D(2026, 8, 31)).filter(pk=org.pk).exists()
    with pytest.raises(ValidationError):  # already ended
        penalize(org, clerk, PenaltyKind.SUSPENSION, suspension_until=D(2026, 12, 1), decision_no="再")


def test_penalty_queries_for_other_apps(org, clerk):
    penalize(org, clerk, PenaltyKind.FINE, amount=Decimal("3000"))
    assert queries.penalized_within(org, on=D(2027, 8, 31))
    assert not queries.penalized_within(org, on=D(2027, 9, 2))
    assert list(queries.penalties(org=org, kinds=[PenaltyKind.FINE]).values_list("amount", flat=True)) == \
        [Decimal("3000")]
    assert SocialOrganization.objects.filter(queries.penalized_q(D(2026, 1, 1), D(2026, 12, 31))).count() == 1


def test_listed_q_and_listed_since_serve_set_based_filters(org, clerk):
    listing(org, clerk, decided_on=D(2025, 6, 1))
    other = make_org("530102")
    assert list(SocialOrganization.objects.filter(queries.listed_q("abnormal"))) == [org]
    assert list(SocialOrganization.objects.exclude(queries.listed_q()).filter(pk=other.pk)) == [other]
    assert list(queries.organizations_listed_since("abnormal", D(2025, 11, 28)).values_list(
        "organization_id", flat=True)) == [org.pk]
    assert not queries.organizations_listed_since("abnormal", D(2025, 5, 31)).exists()


def test_set_based_listings_and_penalties_for_other_apps(org, clerk):
    other = make_org("530102")
    listing(org, clerk, decided_on=D(2025, 6, 1), no="S1")
    listing(org, clerk, reason="unreachable", decided_on=D(2025, 3, 1), no="S2")
    listing(org, clerk, list="serious", reason="dishonest_debtor", decided_on=D(2026, 1, 1), no="S3")
    found = queries.listings_of([org.pk, other.pk])
    assert set(found) == {org.pk}
    abnormal, serious = found[org.pk]
    assert abnormal["list"] == "abnormal" and abnormal["since"] == D(2025, 3, 1)
    assert sorted(abnormal["reasons"]) == ["annual_report_missing", "unreachable"]
    assert serious["list"] == "serious" and serious["list_label"]
    assert queries.listings_of([org.pk], on=D(2025, 2, 28)) == {}
    penalize(org, clerk, PenaltyKind.WARNING)
    assert list(queries.penalties_of([org.pk, other.pk], since=D(2026, 1, 1), until=D(2026, 12, 31))) == [org.pk]
    assert queries.penalties_of([org.pk], since=D(2026, 9, 2), until=D(2026, 12, 31)) == {}


def test_credit_escalate_command_is_idempotent_and_scheduled_daily(org, clerk, settings):
    import json
    from io import StringIO

    from django.core.management import call_command

    listing(org, clerk, decided_on=D(2024, 11, 20), no="E1")
    outputs = []
    for _ in range(2):
        out = StringIO()
        call_command("credit_escalate", "--as-of", "2026-11-20", stdout=out)
        outputs.append(json.loads(out.getvalue()))
    assert outputs[0]["escalated"] == 1 and outputs[1]["escalated"] == 0 and outputs[1]["as_of"] == "2026-11-20"
    assert CreditEntry.objects.filter(list="serious", automatic=True).count() == 1
    schedule = [entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()]
    assert "socorg.credit.tasks.escalate_credit_lists" in schedule
