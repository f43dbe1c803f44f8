"""Demo annual reports: a realistic, valid mix, deterministic for a seed."""

import datetime

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from socorg.party.tests.factories import make_org
from socorg.reports import rules
from socorg.reports.choices import Conclusion, ReportStatus
from socorg.reports.models import AnnualReport

from .conftest import YEAR

pytestmark = pytest.mark.django_db


@pytest.fixture
def orgs(db):
    return [make_org("530102", registered_on=datetime.date(2015, 1, 1)) for _ in range(300)]


def test_demo_reports_are_a_valid_realistic_mix(orgs):
    call_command("demo_reports", seed=7, year=YEAR, verbosity=0)
    reports = list(AnnualReport.objects.all())
    statuses = {r.status for r in reports}
    assert statuses == set(ReportStatus.values)
    assert 0.85 * len(orgs) <= len(reports) < len(orgs)  # some never filed
    conclusions = {r.conclusion for r in reports if r.status == ReportStatus.REVIEWED}
    assert Conclusion.QUALIFIED in conclusions and len(conclusions) >= 2
    for report in reports:
        assert not rules.finance_problems({name: getattr(report, name) for name in
                                           (*rules.INCOME_PARTS, "total_income", "total_expenditure")})
        if report.status == ReportStatus.REVIEWED:
            assert not rules.review_problems(report.conclusion, report.review_reasons,
                                             should_build_missing=report.party_building["should_build_missing"])
        if report.first_submitted_at:
            assert report.late == (report.first_submitted_at.date() > report.due_on)
            assert report.first_submitted_at.date() <= datetime.date.today()


def test_the_same_seed_gives_the_same_reports(orgs):
    call_command("demo_reports", seed=7, year=YEAR, verbosity=0)
    first = list(AnnualReport.objects.order_by("organization_id").values_list("status", "conclusion", "late"))
    call_command("demo_reports", seed=7, year=YEAR, replace=True, verbosity=0)
    again = list(AnnualReport.objects.order_by("organization_id").values_list("status", "conclusion", "late"))
    assert first == again


def test_existing_reports_are_kept_unless_replace_is_given(orgs):
    call_command("demo_reports", seed=7, year=YEAR, verbosity=0)
    with pytest.raises(CommandError, match="--replace"):
        call_command("demo_reports", seed=7, year=YEAR, verbosity=0)
