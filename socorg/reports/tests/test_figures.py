"""Annual-report figures: the SQL figures equal a recount with the pure rules, organization by organization, and the
command prints the contract's JSON."""

import datetime
import io
import json

import pytest
from django.core.management import call_command
from django.utils import timezone

from socorg.accounts.roles import Role
from socorg.core.testing import make_user
from socorg.party.tests.factories import make_org
from socorg.regions.models import Region
from socorg.registry.choices import OrgStatus
from socorg.registry.models import SocialOrganization
from socorg.reports import rules, services
from socorg.reports.choices import Conclusion
from socorg.reports.models import AnnualReport
from socorg.reports.queries import organizations_behind, report_figures

from .conftest import YEAR

pytestmark = pytest.mark.django_db


def build(filer, clerk, monkeypatch):
    """A county's mix: on time, late, returned, each conclusion, never filed, exempt, closed, supervised."""
    d = datetime.date
    orgs = {
        "on_time": make_org("530102", registered_on=d(2015, 1, 1)),
        "late": make_org("530102", registered_on=d(2016, 1, 1)),
        "basically": make_org("530102", registered_on=d(2017, 1, 1), supervisor="县科协"),
        "unqualified": make_org("530102", registered_on=None),
        "returned": make_org("530102", registered_on=d(2018, 1, 1)),
        "never": make_org("530102", registered_on=d(2019, 1, 1)),
        "never_supervised": make_org("530102", registered_on=d(2019, 1, 1), supervisor="县民政局"),
        "exempt": make_org("530102", registered_on=d(YEAR, 8, 1)),
        "closed": make_org("530102", registered_on=d(2015, 1, 1), status=OrgStatus.REVOKED,
                           status_changed_on=d(YEAR, 12, 1)),
        "other_county": make_org("530103", registered_on=d(2015, 1, 1)),
    }

    def at(day):
        monkeypatch.setattr("django.utils.timezone.now",
                            lambda: datetime.datetime.combine(day, datetime.time(9), tzinfo=datetime.UTC))

    def file(key, day):
        at(day)
        own = make_user((Role.ORG_ACCOUNT, orgs[key].authority_region_id), organization=orgs[key])
        report = services.report_save_draft(org=orgs[key], year=YEAR, actor=own)
        return services.report_submit(report=report, actor=own)

    file("on_time", d(YEAR + 1, 3, 1))
    file("late", d(YEAR + 1, 7, 1))
    file("basically", d(YEAR + 1, 3, 15))
    file("unqualified", d(YEAR + 1, 4, 1))
    returned = file("returned", d(YEAR + 1, 4, 2))
    services.report_return(report=returned, actor=clerk, reasons="补正")
    for key, conclusion in (("on_time", Conclusion.QUALIFIED), ("basically", Conclusion.BASICALLY_QUALIFIED),
                            ("unqualified", Conclusion.UNQUALIFIED)):
        services.report_review(report=AnnualReport.objects.get(organization=orgs[key]), actor=clerk,
                               conclusion=conclusion, reasons="" if conclusion == Conclusion.QUALIFIED else "理由")
    monkeypatch.undo()
    return orgs


def recount(region_prefix: str, today: datetime.date) -> dict:
    """Organization by organization, with the pure rules only."""
    due = exempt = overdue = 0
    for org in SocialOrganization.objects.filter(authority_region__code__startswith=region_prefix):
        deadline = rules.deadline(YEAR, has_supervisor=bool(org.supervisor))
        if rules.ended_before(org.is_active, org.status_changed_on, deadline):
            continue
        if rules.is_exempt(org.registered_on, YEAR):
            exempt += 1
            continue
        if org.registered_on is not None and org.registered_on.year > YEAR:
            continue
        due += 1
        filed = AnnualReport.objects.filter(organization=org, year=YEAR, first_submitted_at__isnull=False).exists()
        overdue += today > deadline and not filed
    return {"due": due, "exempt": exempt, "overdue": overdue}


def test_figures_equal_a_recount_with_the_rules(filer, clerk, monkeypatch):
    build(filer, clerk, monkeypatch)
    today = timezone.localdate()
    figures = report_figures(year=YEAR, region=Region.objects.get(code="530102"), today=today).as_json()
    assert {k: figures[k] for k in ("due", "exempt", "overdue")} == recount("530102", today)
    assert figures["due"] == 8  # with the fixture's organization, which never files
    assert figures["exempt"] == 1
    assert figures["submitted"] == 5
    assert figures["late"] == 1
    assert figures["reviewed"] == 3
    assert figures["conclusions"] == {"qualified": 1, "basically_qualified": 1, "unqualified": 1}


def test_overdue_follows_each_organizations_own_deadline(filer, clerk, monkeypatch):
    build(filer, clerk, monkeypatch)
    county = Region.objects.get(code="530102")
    between = datetime.date(YEAR + 1, 4, 15)  # after 31 March, before 31 May
    behind = organizations_behind(figure="overdue", year=YEAR, region=county, today=between)
    assert [o.supervisor for o in behind] == ["县民政局"]
    assert report_figures(year=YEAR, region=county, today=datetime.date(YEAR + 1, 6, 1)).overdue == 3


def test_every_figure_is_traceable_to_its_organizations(filer, clerk, monkeypatch):
    build(filer, clerk, monkeypatch)
    province = Region.objects.get(code="530000")
    figures = report_figures(year=YEAR, region=province)
    for name in ("due", "exempt", "submitted", "late", "reviewed", "overdue"):
        assert organizations_behind(figure=name, year=YEAR, region=province).count() == getattr(figures, name)
    for name, count in figures.conclusions.items():
        assert organizations_behind(figure=name, year=YEAR, region=province).count() == count


def test_the_command_prints_the_contracts_json(filer, clerk, monkeypatch):
    build(filer, clerk, monkeypatch)
    out = io.StringIO()
    call_command("annual_report_stats", "--year", str(YEAR), "--region", "530000", "--format", "json", stdout=out)
    body = json.loads(out.getvalue())
    assert set(body) == {"year", "region", "due", "exempt", "submitted", "late", "reviewed", "conclusions",
                         "overdue"}
    assert set(body["conclusions"]) == {"qualified", "basically_qualified", "unqualified"}
    assert (body["year"], body["region"], body["due"]) == (YEAR, "530000", 9)  # the other county's one counts too


def test_the_command_refuses_an_unknown_region():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="999999"):
        call_command("annual_report_stats", "--year", str(YEAR), "--region", "999999")


def test_the_drill_down_rows_add_up_to_the_region_and_lead_to_the_organizations(filer, clerk, monkeypatch):
    from socorg.core.testing import client_as
    from socorg.reports.queries import report_figures_by_region

    build(filer, clerk, monkeypatch)
    prefecture = Region.objects.get(code="530100")
    rows = report_figures_by_region(year=YEAR, region=prefecture)
    total = report_figures(year=YEAR, region=prefecture).as_json()
    assert {row.region.code for row in rows} == {"530102", "530103"}
    for key in ("due", "exempt", "submitted", "late", "reviewed", "overdue"):
        assert sum(row.figures[key] for row in rows) == total[key]
    page = client_as(clerk).get(f"/reports/?year={YEAR}&region=530100")
    assert page.status_code == 200 and len(page.context["region_rows"]) == 1  # the clerk sees their county only
    behind = client_as(clerk).get(f"/reports/figures/orgs/?figure=overdue&year={YEAR}&region=530102")
    assert behind.status_code == 200
    county = report_figures(year=YEAR, region=Region.objects.get(code="530102"))
    assert len(behind.context["page"].object_list) == county.overdue == total["overdue"] - 1


def test_an_organization_whose_activities_are_suspended_is_still_due(filer, clerk, monkeypatch):
    suspended = make_org("530102", registered_on=datetime.date(2015, 1, 1), status=OrgStatus.SUSPENDED,
                         status_changed_on=datetime.date(YEAR, 9, 1))
    due = organizations_behind(figure="due", year=YEAR, region=Region.objects.get(code="530102"))
    assert suspended in due
