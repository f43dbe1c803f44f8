"""Formal and including-functional organizational coverage side by side (issue 11, item 6).

Formal: covered by an active party organization that holds its members' formal membership relations (not
functional), the basis of 党内统计. Including functional: covered by any active party organization, the basis the
Yunnan article uses. Both are in the figures, the API, the command, the dashboard cards (each with its formula) and
the Excel export; the maintained counts carry both, so the figures stay a read of the per-region counts."""

import io
import json

import pytest
from django.core.management import call_command
from django.db import connection
from openpyxl import load_workbook

from socorg.accounts.roles import Role
from socorg.core.testing import api_as, client_as, make_user
from socorg.coverage.apps import install_counts_triggers
from socorg.coverage.queries import orgs_behind, region_figures, verify_maintained
from socorg.coverage.state import coverage_flags_from_scratch, stored_flags
from socorg.coverage.triggers import install_triggers, installed_definitions
from socorg.party.choices import Formation

from . import builders as b

pytestmark = pytest.mark.django_db


def yunnan_like():
    """The Yunnan provincial committee's ledger (seeds/000): 301 organizations; 26 regular party organizations
    (formal) and 244 functional ones cover 285 of them; the other 16 have an instructor."""
    orgs = [b.register("530000", full_members=3 if i < 26 else 1) for i in range(301)]
    regular, functional_covered, instructed = orgs[:26], orgs[26:285], orgs[285:]
    for org in regular:
        b.found([org], formation=Formation.STANDALONE)
    pairs = [functional_covered[2 * i:2 * i + 2] for i in range(15)]
    for group in pairs + [[org] for org in functional_covered[30:]]:
        b.found(group, formation=Formation.JOINT if len(group) > 1 else Formation.STANDALONE, functional=True)
    person = b.instructor("530000")
    for org in instructed:
        b.assign(person, org)
    return orgs


def test_yunnan_reports_94_7_percent_including_functional_and_8_6_percent_formal(region):
    yunnan_like()
    for source in ("maintained", "flags", "scratch"):
        totals = region_figures(region("530000"), source=source).totals
        assert (totals["orgs"], totals["org_covered"], totals["org_covered_formal"]) == (301, 285, 26), source
        assert round(totals["org_coverage_rate"] * 100, 1) == 94.7
        assert round(totals["org_coverage_rate_formal"] * 100, 1) == 8.6  # 26 ÷ 301
        assert totals["org_uncovered_formal"] == 275
    assert stored_flags() == coverage_flags_from_scratch()


def test_an_organization_covered_by_both_kinds_counts_once_in_each_rate(region):
    org = b.register("530102")
    b.found([org], formation=Formation.JOINT, functional=True)
    formal = b.found([org], formation=Formation.JOINT)
    totals = region_figures(region("530102")).totals
    assert (totals["org_covered"], totals["org_covered_formal"]) == (1, 1)
    b.dissolve(formal)  # the functional one still covers it
    totals = region_figures(region("530102")).totals
    assert (totals["org_covered"], totals["org_covered_formal"]) == (1, 0)
    assert [o.pk for o in orgs_behind(make_user((Role.VIEWER, "530000")), region("530102"),
                                      "org_uncovered_formal")] == [org.pk]


def test_api_and_command_give_both_rates_side_by_side(region):
    yunnan_like()
    api = api_as(make_user((Role.VIEWER, "530000"))).get("/api/v1/coverage/", {"region": "530000"}).json()
    command = io.StringIO()
    call_command("coverage", "--region", "530000", "--format", "json", stdout=command)
    for totals in (api["totals"], json.loads(command.getvalue())["totals"]):
        assert totals["org_covered_formal"] == 26 and totals["org_covered"] == 285
        assert totals["org_coverage_rate_formal"] == round(26 / 301, 6)
        assert totals["org_coverage_rate"] == round(285 / 301, 6)
    table = io.StringIO()
    call_command("coverage", "--region", "530000", stdout=table)
    assert "8.6%" in table.getvalue() and "94.7%" in table.getvalue()


def test_dashboard_cards_show_both_rates_each_with_its_formula():
    yunnan_like()
    html = client_as(make_user((Role.BUREAU_STAFF, "530000"))).get("/coverage/", {"region": "530000"}).content
    html = html.decode()
    cards = html[html.index('id="coverage-cards"'):html.index('id="coverage-table"')]
    assert "组织覆盖率（正式党组织）" in cards and "组织覆盖率（含功能型）" in cards
    assert "8.6%" in cards and "94.7%" in cards
    formulas = cards.count('class="small text-muted border-top mt-1 pt-1 card-formula"')
    assert formulas == cards.count('class="col"')
    assert "26 ÷ 301" in cards and "285 ÷ 301" in cards


def test_orgs_export_marks_formal_coverage():
    yunnan_like()
    response = api_as(make_user((Role.BUREAU_STAFF, "530000"))).get(
        "/api/v1/coverage/orgs/", {"region": "530000", "measure": "org_covered_formal", "format": "xlsx"})
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    header = rows[1]
    assert len(rows) == 2 + 26
    assert {row[header.index("正式党组织覆盖")] for row in rows[2:]} == {"是"}


def test_triggers_with_an_older_definition_are_replaced_and_the_counts_rebuilt():
    """A release that counts one more column replaces the triggers a database already has (post_migrate)."""
    b.found([b.register("530102")])
    expected = installed_definitions()
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("DROP TRIGGER coverage_org_ins")
            cursor.execute("CREATE TRIGGER coverage_org_ins AFTER INSERT ON registry_socialorganization "
                           "BEGIN SELECT 1; END;")
        else:
            cursor.execute("CREATE OR REPLACE FUNCTION coverage_org_ins_fn() RETURNS trigger LANGUAGE plpgsql "
                           "AS $$ BEGIN RETURN NULL; END $$;")
    assert installed_definitions() != expected
    b.register("530102")  # not counted by the stale trigger
    assert verify_maintained()
    install_counts_triggers(sender=None)  # what post_migrate runs
    assert installed_definitions() == expected
    assert verify_maintained() == []
    assert install_triggers() is False  # up to date: nothing replaced, nothing rebuilt
