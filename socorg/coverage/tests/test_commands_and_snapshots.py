"""The console commands and the immutable half-year snapshots."""

import datetime
import io
import json

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import DatabaseError, transaction
from django.utils import timezone, translation

from socorg.core.models import AuditEntry
from socorg.coverage.models import CoverageSnapshot
from socorg.coverage.queries import region_figures
from socorg.coverage.services import snapshot_take
from socorg.coverage.snapshots import parse_period, period_of, trend, year_on_year

from . import builders as b

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def current_period() -> str:
    return str(period_of(timezone.localdate()))


def test_coverage_command_json_equals_the_api_figures(region):
    b.found([b.register("530102", full_members=3)])
    b.register("530103")
    result = json.loads(run("coverage", "--region", "530100", "--format", "json"))
    assert result == json.loads(json.dumps(region_figures(region("530100")).as_json()))
    assert result["totals"]["orgs"] == 2 and result["totals"]["org_coverage_rate"] == 0.5
    assert result["direct"] == {"totals": result["direct"]["totals"]}


def test_coverage_command_table_is_readable():
    b.register("530102")
    output = run("coverage", "--region", "530100")
    assert "五华区" in output and ("Total" in output or "合计" in output)


@pytest.mark.parametrize(("args", "message"), [
    (["--region", "999999"], "999999"),
    (["--as-of", "2026-13-01"], "YYYY-MM-DD"),
    (["--as-of", "2999-01-01"], "future"),
])
def test_coverage_command_bad_input_says_what_is_expected(args, message):
    with pytest.raises(CommandError, match=message):
        run("coverage", *args)


def test_period_format_is_validated_with_a_clear_message():
    assert str(parse_period("2026h2")) == "2026H2"
    for bad in ("2026H3", "2026-H1", "26H1", ""):
        with pytest.raises(ValidationError) as error:
            parse_period(bad)
        assert "2026H1" in str(error.value)


def test_snapshot_freezes_every_region_and_is_audited(region):
    b.found([b.register("530102")])
    count = snapshot_take(period=current_period())
    assert count == CoverageSnapshot.objects.count() > 3000
    assert CoverageSnapshot.objects.get(period=current_period(), region_id="530102").totals["org_covered"] == 1
    national = CoverageSnapshot.objects.get(period=current_period(), region_id="100000")
    assert national.totals == region_figures(region("100000")).totals
    assert national.direct["orgs"] == 0
    assert CoverageSnapshot.objects.get(period=current_period(), region_id="530102").direct is None
    assert AuditEntry.objects.filter(action="coverage.snapshot", object_id=current_period()).count() == 1


def test_snapshot_of_same_period_is_refused_and_nothing_written():
    snapshot_take(period=current_period())
    before = CoverageSnapshot.objects.count()
    with pytest.raises(ValidationError, match="快照不可修改"):
        snapshot_take(period=current_period())
    with pytest.raises(CommandError, match="immutable"), translation.override("en"):
        run("coverage_snapshot", "--period", current_period())
    with translation.override("en"), pytest.raises(ValidationError, match="Snapshots are immutable"):
        snapshot_take(period=current_period())
    assert CoverageSnapshot.objects.count() == before


def test_snapshot_of_future_period_is_refused():
    future = period_of(timezone.localdate() + datetime.timedelta(days=200))
    with pytest.raises(ValidationError, match="尚未开始"):
        snapshot_take(period=str(future))
    assert not CoverageSnapshot.objects.exists()


def test_past_period_is_frozen_as_of_its_last_day(region):
    today = timezone.localdate()
    past = period_of(today).year_before()
    b.register("530102", registered_on=past.end + datetime.timedelta(days=1))  # registered after that period
    old = b.register("530102", registered_on=datetime.date(2000, 1, 1))
    b.found([old], start_on=datetime.date(2000, 1, 1))
    snapshot_take(period=str(past))
    frozen = CoverageSnapshot.objects.get(period=str(past), region_id="530102").totals
    assert frozen["orgs"] == 1 and frozen["org_covered"] == 1 and frozen["party_orgs"] == 1


def test_snapshots_refuse_updates_and_deletes_even_below_the_orm():
    snapshot_take(period=current_period())
    snapshot = CoverageSnapshot.objects.get(period=current_period(), region_id="530102")
    snapshot.totals = {"orgs": 1}
    with pytest.raises(PermissionError):
        snapshot.save()
    with pytest.raises(PermissionError):
        CoverageSnapshot.objects.filter(pk=snapshot.pk).update(totals={})
    with pytest.raises(PermissionError):
        snapshot.delete()
    with pytest.raises(DatabaseError), transaction.atomic():
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("UPDATE coverage_coveragesnapshot SET period = '2000H1' WHERE id = %s", [snapshot.pk])


def test_trend_and_year_on_year_read_the_snapshots(region):
    today = timezone.localdate()
    last_year = period_of(today).year_before()
    b.register("530102", registered_on=datetime.date(2000, 1, 1))
    snapshot_take(period=str(last_year))
    b.found([b.register("530102")])
    snapshot_take(period=current_period())
    county = region("530102")
    assert [point["period"] for point in trend(county)] == [str(last_year), current_period()]
    change = year_on_year(county, region_figures(county).totals, today)
    assert change["period"] == str(last_year)
    assert change["changes"]["orgs"] == {"before": 1, "now": 2, "change": 1}
    assert change["changes"]["org_coverage_rate"]["change"] == pytest.approx(0.5)


def test_rebuild_command_repairs_drifted_counts():
    from socorg.coverage.models import RegionCounts

    b.found([b.register("530102")])
    assert "equal" in run("coverage_rebuild", "--check") or "一致" in run("coverage_rebuild", "--check")
    RegionCounts.objects.filter(region_id="530102").update(orgs=99)  # drift by hand
    with pytest.raises(CommandError):
        run("coverage_rebuild", "--check")
    run("coverage_rebuild")
    assert RegionCounts.objects.get(region_id="530102").orgs == 1
