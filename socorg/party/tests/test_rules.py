"""party.rules: formation vs organizations covered, parent rank, term length and order (issue #12 item 1)."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from socorg.party import rules
from socorg.party.choices import Formation, PartyOrgKind

BRANCH, GENERAL, COMMITTEE = PartyOrgKind.BRANCH, PartyOrgKind.GENERAL_BRANCH, PartyOrgKind.COMMITTEE


@pytest.mark.parametrize(("kind", "formation", "functional", "count", "ok"), [
    (BRANCH, Formation.STANDALONE, False, 1, True),
    (BRANCH, Formation.STANDALONE, False, 2, False),
    (BRANCH, Formation.STANDALONE, True, 0, False),
    (BRANCH, Formation.JOINT, False, 0, False),
    (BRANCH, Formation.JOINT, False, 7, True),
    (BRANCH, Formation.JOINT, True, 0, True),
    (GENERAL, Formation.AREA, False, 0, False),
    (COMMITTEE, Formation.AREA, False, 0, True),
])
def test_formation_against_the_number_of_organizations_covered(kind, formation, functional, count, ok):
    if ok:
        rules.coverage_count(kind=kind, formation=formation, is_functional=functional, count=count)
    else:
        with pytest.raises(ValidationError):
            rules.coverage_count(kind=kind, formation=formation, is_functional=functional, count=count)


@pytest.mark.parametrize(("parent", "child", "ok"), [
    (COMMITTEE, COMMITTEE, True), (COMMITTEE, BRANCH, True), (GENERAL, BRANCH, True),
    (GENERAL, GENERAL, False), (BRANCH, BRANCH, False), (BRANCH, COMMITTEE, False), (GENERAL, COMMITTEE, False),
])
def test_a_parent_ranks_above_its_child(parent, child, ok):
    assert rules.ranks_above(parent, child) is ok
    if not ok:
        with pytest.raises(ValidationError):
            rules.parent_rank(parent_kind=parent, kind=child)


@pytest.mark.parametrize("years", [0, 1, 2, 4, 6, True, "3", None])
def test_a_term_lasts_3_or_5_years(years):
    with pytest.raises(ValidationError):
        rules.term_years(years)
    assert rules.term_years(3) == 3 and rules.term_years(5, kind=COMMITTEE) == 5


def test_the_term_starts_on_or_after_the_founding():
    founded = datetime.date(2020, 7, 1)
    rules.term_order(term_started_on=founded, founded_on=founded)
    rules.term_order(term_started_on=None, founded_on=founded)
    with pytest.raises(ValidationError):
        rules.term_order(term_started_on=datetime.date(2020, 6, 30), founded_on=founded)
