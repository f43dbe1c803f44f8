"""The review queue of a province or a prefecture reads the reports' own province and prefecture (kept equal to the
organization's authority region by reports.triggers, stated by core.scope.region_subtree): it lists exactly the
reports of the subtree, newest submission first (drafts first, ties by id), page after page by cursor, on both
databases; a report follows its organization when the organization moves region, whatever moves it; the migration's
backfill gives every existing report its region in one statement."""

import datetime
import importlib
import re
from types import SimpleNamespace

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from socorg.accounts.roles import Role
from socorg.core.testing import api_as, client_as, keyset_order, make_user, walk_by_cursor
from socorg.party.tests.factories import make_org
from socorg.registry.models import SocialOrganization
from socorg.registry.services import org_update
from socorg.reports import triggers
from socorg.reports.choices import ReportStatus
from socorg.reports.filters import QUEUE_ORDER, report_list_filterset
from socorg.reports.models import AnnualReport
from socorg.reports.party_building import party_building_for

from .conftest import YEAR

pytestmark = pytest.mark.django_db

# The province's own level, Kunming's own level, two Kunming counties, a Qujing county, a Sichuan county.
REGIONS = ("530000", "530100", "530102", "530103", "530302", "510104")
# Drafts (never submitted) and submissions with ties, so the order's NULLS FIRST and its id tie-break both matter.
AT = [None, *(datetime.datetime(YEAR + 1, month, day, 9, tzinfo=datetime.UTC)
              for month, day in ((3, 1), (3, 1), (2, 14), (5, 30)))]


@pytest.fixture
def reports():
    """72 reports of 72 organizations spread over REGIONS, every kind of submission time in every region."""
    orgs = [make_org(REGIONS[n % len(REGIONS)]) for n in range(72)]
    sections = party_building_for(orgs, YEAR)
    return AnnualReport.objects.bulk_create(
        AnnualReport(organization=org, year=YEAR, due_on=datetime.date(YEAR + 1, 5, 31),
                     party_building=sections[org.pk],
                     status=ReportStatus.SUBMITTED if AT[n // len(REGIONS) % len(AT)] else ReportStatus.DRAFT,
                     submitted_at=AT[n // len(REGIONS) % len(AT)], first_submitted_at=AT[n // len(REGIONS) % len(AT)])
        for n, org in enumerate(orgs))


def in_subtree_by_hand(prefix: str) -> list[int]:
    """The queue of a subtree as a definition: every report whose organization's region starts with the prefix."""
    ids = [r.pk for r in AnnualReport.objects.select_related("organization")
           if r.organization.authority_region_id.startswith(prefix)]
    return keyset_order(AnnualReport.objects.filter(pk__in=ids), *QUEUE_ORDER)


def rows_of(html: str) -> list[int]:
    usccs = list(dict.fromkeys(re.findall(rf'href="/reports/([0-9A-Z]{{18}})/{YEAR}/"', html)))
    by_uscc = dict(AnnualReport.objects.filter(organization__uscc__in=usccs)
                   .values_list("organization__uscc", "pk"))
    return [by_uscc[uscc] for uscc in usccs]


def stored_regions() -> dict[int, tuple]:
    return {pk: (province, prefecture) for pk, province, prefecture, region in AnnualReport.objects.values_list(
        "pk", "province_prefix", "prefecture_prefix", "organization__authority_region_id")}


def expected_regions() -> dict[int, tuple]:
    return {pk: (region[:2], region[:4]) for pk, region in AnnualReport.objects.values_list(
        "pk", "organization__authority_region_id")}


@pytest.mark.parametrize(("grant", "params", "prefix"), [
    ("530000", {}, "53"),                    # a province's clerk
    ("530100", {}, "5301"),                  # a prefecture's clerk
    ("530102", {}, "530102"),                # a county's clerk (no column of its own: sorted)
    ("100000", {"region": "530000"}, "53"),  # the nation's clerk choosing a province
    ("100000", {"region": "530100"}, "5301"),
    ("530000", {"region": "530100"}, "5301"),
])
def test_the_queue_of_a_subtree_lists_exactly_its_reports_newest_first_page_by_page(reports, long_lists, grant,
                                                                                  params, prefix):
    client = client_as(make_user((Role.BUREAU_STAFF, grant)))
    forward, backward = walk_by_cursor(client, "/reports/", {"year": YEAR, "page_size": 20, **params}, rows_of)
    expected = in_subtree_by_hand(prefix)
    assert sum(forward, []) == expected and len(set(expected)) == len(expected) > 0
    assert backward == forward


def test_the_api_list_of_a_province_holds_exactly_its_reports_in_the_queues_order(reports):
    answer = api_as(make_user((Role.BUREAU_STAFF, "530000"))).get(
        "/api/v1/annual-reports/", {"year": YEAR, "page_size": 100}).json()
    assert answer["count"] == len(in_subtree_by_hand("53"))
    usccs = dict(AnnualReport.objects.values_list("pk", "organization__uscc"))
    assert [row["uscc"] for row in answer["results"]] == [usccs[pk] for pk in in_subtree_by_hand("53")]


@pytest.mark.parametrize(("grant", "column", "prefix"), [("530000", "province_prefix", "53"),
                                                     ("530100", "prefecture_prefix", "5301")])
def test_a_province_or_prefecture_queue_is_an_equality_on_the_reports_own_column(grant, column, prefix):
    """What lets the planner read the queue in order from (year, province | prefecture, submitted_at desc, id desc)
    and count it without a join, instead of walking the nation's order. A county has no column of its own."""
    queue = report_list_filterset({"year": YEAR}, make_user((Role.BUREAU_STAFF, grant))).qs
    conditions = str(queue.query).split(" WHERE ", 1)[1]
    assert f'"reports_annualreport"."{column}" = {prefix}' in conditions
    assert "authority_region_id" not in conditions
    assert "JOIN" not in str(queue.order_by().values("pk").query)  # the capped count reads the reports alone
    county = str(report_list_filterset({"year": YEAR}, make_user((Role.BUREAU_STAFF, "530102"))).qs.query)
    conditions = county.split(" WHERE ", 1)[1]
    assert "province_prefix" not in conditions and "prefecture_prefix" not in conditions
    assert '"registry_socialorganization"."authority_region_id" = 530102' in conditions  # (core.scope: a county)


def test_every_report_carries_its_organizations_province_and_prefecture_however_written(reports, filer, org):
    from socorg.reports import services

    services.report_save_draft(org=org, year=YEAR - 1, actor=filer)  # one written by the service
    assert AnnualReport.objects.get(organization=org, year=YEAR - 1).province_prefix == "53"
    assert stored_regions() == expected_regions()
    # Whatever is written into the columns is replaced by the organization's region.
    AnnualReport.objects.filter(pk=reports[0].pk).update(province_prefix="11", prefecture_prefix="1101")
    AnnualReport.objects.create(organization=make_org("510104"), year=YEAR, due_on=datetime.date(YEAR + 1, 5, 31),
                                province_prefix="53", prefecture_prefix="5301")
    assert stored_regions() == expected_regions()


def test_a_report_follows_its_organization_when_the_organization_moves_region(reports):
    sichuan = client_as(make_user((Role.BUREAU_STAFF, "510000")))
    moving = reports[2]  # in 530102
    stale = AnnualReport.objects.get(pk=moving.pk)  # read before the move, saved after it
    org_update(org=SocialOrganization.objects.get(pk=moving.organization_id),
               actor=make_user((Role.BUREAU_STAFF, "100000")), authority_region="510104")
    assert AnnualReport.objects.filter(pk=moving.pk).values_list("province_prefix", "prefecture_prefix").get() == (
        "51", "5101")
    stale.status = ReportStatus.RETURNED
    stale.save()  # writes every column, the old province's among them
    assert stored_regions() == expected_regions()
    html = sichuan.get("/reports/", {"year": YEAR, "page_size": 100}).content.decode()
    assert moving.pk in rows_of(html)
    yunnan = report_list_filterset({"year": YEAR}, make_user((Role.BUREAU_STAFF, "530000"))).qs
    assert moving.pk not in set(yunnan.values_list("pk", flat=True))
    # A set-based move of several organizations (the ledger, a change of region codes): their reports follow.
    kunming = [r.organization_id for r in reports if r.organization.authority_region_id == "530103"]
    SocialOrganization.objects.filter(pk__in=kunming).update(authority_region_id="530302")
    assert stored_regions() == expected_regions()
    assert set(yunnan.filter(prefecture_prefix="5303").values_list("organization_id", flat=True)) >= set(kunming)
    kunming_queue = report_list_filterset({"year": YEAR}, make_user((Role.BUREAU_STAFF, "530100"))).qs
    assert keyset_order(kunming_queue, *QUEUE_ORDER) == in_subtree_by_hand("5301")


def test_the_migrations_backfill_sets_every_report_in_one_statement_and_installs_the_triggers(reports):
    migration = importlib.import_module("socorg.reports.migrations.0007_report_region_levels")
    schema_editor = SimpleNamespace(connection=connection)
    migration.drop_region_triggers(None, schema_editor)  # as before the migration: no triggers, columns empty
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {triggers.REPORT_TABLE} SET province_prefix = NULL, prefecture_prefix = NULL")
        cursor.execute(f"UPDATE {triggers.REPORT_TABLE} SET province_prefix = '11' WHERE id = %s", [reports[0].pk])
    assert set(stored_regions().values()) == {(None, None), ("11", None)}
    with CaptureQueriesContext(connection) as queries:
        migration.backfill_regions(None, schema_editor)
    updates = [q["sql"] for q in queries.captured_queries if q["sql"].lstrip().upper().startswith("UPDATE")]
    assert len(updates) == 1 and len(reports) > 1  # set-based: one statement, whatever the number of reports
    assert stored_regions() == expected_regions()
    assert triggers.REGION_TRIGGERS.install() is False  # and the triggers are in place again
    moved = reports[1]
    SocialOrganization.objects.filter(pk=moved.organization_id).update(authority_region_id="110101")
    assert AnnualReport.objects.get(pk=moved.pk).prefecture_prefix == "1101"


def test_the_region_triggers_are_reinstalled_after_migrate_when_missing_and_repair_what_was_missed(reports):
    assert triggers.REGION_TRIGGERS.install() is False  # migrate installed them
    importlib.import_module("socorg.reports.migrations.0007_report_region_levels").drop_region_triggers(
        None, SimpleNamespace(connection=connection))
    SocialOrganization.objects.filter(pk=reports[0].organization_id).update(authority_region_id="110101")
    assert stored_regions() != expected_regions()  # written while the triggers were missing
    triggers.install_region_triggers()
    assert stored_regions() == expected_regions()
    assert triggers.REGION_TRIGGERS.install() is False
