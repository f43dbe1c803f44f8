"""The maintained annual-report counts (reports.triggers) give the same figures as counting the organizations and
reports themselves, whatever is inserted, changed or deleted, by single rows or whole statements — on SQLite
(row triggers) and PostgreSQL (statement triggers over transition tables)."""

import datetime

import pytest
from django.db import connection, transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from socorg.accounts.roles import Role
from socorg.core.testing import make_user
from socorg.party.tests.factories import make_org
from socorg.regions.models import Region
from socorg.registry.choices import OrgStatus
from socorg.registry.models import SocialOrganization
from socorg.reports import queries, rules, triggers
from socorg.reports.choices import Conclusion, ReportStatus
from socorg.reports.models import AnnualReport, ReportOrgBucket, ReportYearCounts

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
REGIONS = ("530102", "530103", "530111", "110101")
# Days around what decides the figures: the exemption cut-off (30 June), both deadlines (31 March, 31 May).
DAYS = [datetime.date(year, month, day) for year in range(2015, TODAY.year + 1)
        for month, day in ((1, 1), (3, 31), (4, 1), (5, 31), (6, 1), (6, 30), (7, 1), (12, 31))
        if datetime.date(year, month, day) <= TODAY]
YEARS = list(range(triggers.maintained_from(), TODAY.year))
OUTCOMES = ("draft", "submitted", "returned", *Conclusion.values)

orgs = st.fixed_dictionaries({
    "authority_region_id": st.sampled_from(REGIONS),
    "registered_on": st.one_of(st.none(), st.sampled_from(DAYS)),
    "supervisor": st.sampled_from(["", "县科协"]),
    "status": st.sampled_from(OrgStatus.values),
    "status_changed_on": st.one_of(st.none(), st.sampled_from(DAYS)),
})
reports = st.fixed_dictionaries({
    "org": st.integers(0, 11), "year": st.sampled_from([YEARS[0] - 1, *YEARS]), "submitted": st.booleans(),
    "late": st.booleans(), "outcome": st.sampled_from(OUTCOMES),
})
changes = st.one_of(
    st.tuples(st.just("org"), st.lists(st.integers(0, 11), min_size=1, max_size=3, unique=True), orgs),
    st.tuples(st.just("report"), reports),
    st.tuples(st.just("delete report"), st.integers(0, 30)),
)


def _put_report(org, spec):
    reviewed = spec["outcome"] in Conclusion.values
    status = ReportStatus.REVIEWED if reviewed else spec["outcome"]
    submitted = spec["submitted"] or status != ReportStatus.DRAFT
    at = datetime.datetime(spec["year"] + 1, 3, 1, tzinfo=datetime.UTC)
    AnnualReport.objects.update_or_create(organization=org, year=spec["year"], defaults={
        "status": status, "conclusion": spec["outcome"] if reviewed else "",
        "due_on": rules.deadline(spec["year"], has_supervisor=bool(org.supervisor)),
        "first_submitted_at": at if submitted else None, "submitted_at": at if submitted else None,
        "late": spec["late"] and submitted})


def _nonzero(per_code: dict, by_province: bool = False) -> dict:
    """Codes with any count; for the nation folded by province (its maintained counts are per province)."""
    folded: dict = {}
    for code, counts in per_code.items():
        target = folded.setdefault(code[:2] + "0000" if by_province else code, dict.fromkeys(counts, 0))
        for key, value in counts.items():
            target[key] += value
    return {code: counts for code, counts in folded.items() if any(counts.values())}


def _table(model, keys) -> dict:
    columns = [f.attname for f in model._meta.concrete_fields if f.attname not in ("id", *keys)]
    return {tuple(row[k] for k in keys): tuple(row[c] for c in columns)
            for row in model.objects.values(*keys, *columns) if any(row[c] for c in columns)}


def assert_maintained_equal_live():
    nation = Region.objects.get(code="100000")
    for region in (nation, Region.objects.get(code="530000")):
        for year in YEARS:
            for today in (TODAY, datetime.date(year + 1, 4, 15), datetime.date(year + 1, 6, 15)):
                maintained = queries.maintained_by_code(year=year, region=region, today=today)
                live = queries._live_by_code(year=year, region=region, user=None, today=today)
                nation = not region.scope_prefix
                assert _nonzero(maintained, nation) == _nonzero(live, nation), (year, region.code, today)
    # The reports' province and prefecture (kept by the region triggers) follow their organization's region too.
    regions = AnnualReport.objects.values_list("province_prefix", "prefecture_prefix",
                                               "organization__authority_region_id")
    assert all((province, prefecture) == (region[:2], region[:4]) for province, prefecture, region in regions)
    before = (_table(ReportOrgBucket, triggers.BUCKET_KEYS), _table(ReportYearCounts, triggers.YEAR_KEYS))
    triggers.rebuild_counts()
    assert (_table(ReportOrgBucket, triggers.BUCKET_KEYS), _table(ReportYearCounts, triggers.YEAR_KEYS)) == before


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(initial=st.lists(orgs, min_size=1, max_size=12), filed=st.lists(reports, max_size=20),
       later=st.lists(changes, max_size=12))
def test_maintained_figures_equal_a_live_count_through_any_change(initial, filed, later):
    with transaction.atomic():
        made = [make_org(spec["authority_region_id"], **{k: v for k, v in spec.items() if k != "authority_region_id"})
                for spec in initial]
        for spec in filed:
            _put_report(made[spec["org"] % len(made)], spec)
        assert_maintained_equal_live()
        for change in later:
            if change[0] == "org":  # one UPDATE statement over several organizations
                ids = [made[i % len(made)].pk for i in change[1]]
                SocialOrganization.objects.filter(pk__in=ids).update(**change[2])
            elif change[0] == "report":
                spec = change[1]
                _put_report(SocialOrganization.objects.get(pk=made[spec["org"] % len(made)].pk), spec)
            else:
                existing = list(AnnualReport.objects.order_by("pk").values_list("pk", flat=True))
                if existing:
                    AnnualReport.objects.filter(pk=existing[change[1] % len(existing)]).delete()
        assert_maintained_equal_live()
        transaction.set_rollback(True)


def test_figures_of_years_before_the_maintained_ones_are_counted_live():
    early = triggers.maintained_from() - 1
    org = make_org("530102", registered_on=datetime.date(early - 3, 1, 1))
    nation = Region.objects.get(code="100000")
    assert not queries.uses_maintained(year=early, region=nation)
    assert queries.report_figures(year=early, region=nation).due == 1
    assert queries.uses_maintained(year=early + 1, region=nation)
    assert queries.report_figures(year=early + 1, region=nation).due == 1
    assert ReportOrgBucket.objects.get(region_id="530102").first_due_year == early  # clamped to the window
    assert ReportOrgBucket.objects.get(region_id="530000", rollup=True).orgs == 1  # and in its province's total
    org.delete()
    assert not ReportOrgBucket.objects.filter(orgs__gt=0).exists()


def test_an_organizations_own_account_is_counted_live_within_its_organization():
    org = make_org("530102", registered_on=datetime.date(2018, 1, 1))
    make_org("530102", registered_on=datetime.date(2018, 1, 1))
    own = make_user((Role.ORG_ACCOUNT, "530102"), organization=org)
    county = Region.objects.get(code="530102")
    year = TODAY.year - 1
    assert not queries.uses_maintained(year=year, region=county, user=own)
    assert queries.report_figures(year=year, region=county, user=own).due == 1
    clerk = make_user((Role.BUREAU_STAFF, "530102"))
    assert queries.uses_maintained(year=year, region=county, user=clerk)
    assert queries.report_figures(year=year, region=county, user=clerk).due == 2


def test_the_triggers_are_installed_after_migrate_and_reinstalled_when_missing():
    assert triggers.install_triggers() is False  # migrate installed them
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("DROP TRIGGER reports_rep_ins")
        else:
            cursor.execute(f"DROP TRIGGER reports_rep_ins ON {triggers.REPORT_TABLE}")
    assert triggers.install_triggers() is True
    assert triggers.install_triggers() is False
