"""The should-build minimum is one deployment setting: the count triggers are replaced when their definition (which
embeds the minimum) changes, so a province that changes SOCORG_SHOULD_BUILD_MIN_FULL_MEMBERS gets new triggers and
a recount at the next `migrate`."""

import pytest

from socorg.coverage import queries, triggers
from socorg.coverage.models import RegionCounts
from socorg.coverage.state import rebuild_counts
from socorg.party.tests.factories import make_org

pytestmark = pytest.mark.django_db(transaction=True)


def test_installed_triggers_count_with_the_setting_and_are_replaced_when_it_changes(monkeypatch):
    make_org("530102", full_members=3)
    make_org("530102", full_members=4)
    assert triggers.install_triggers() is False  # installed by migrate, with the current minimum (3)
    assert RegionCounts.objects.get(region_id="530102").should_build == 2
    monkeypatch.setattr(triggers, "MIN", 4)
    monkeypatch.setattr(queries, "MIN", 4)
    assert triggers.install_triggers() is True
    rebuild_counts()
    assert RegionCounts.objects.get(region_id="530102").should_build == 1
    make_org("530102", full_members=5)  # the new triggers count with 4
    assert RegionCounts.objects.get(region_id="530102").should_build == 2
    monkeypatch.undo()
    assert triggers.install_triggers() is True  # back to the deployment's setting
    rebuild_counts()
