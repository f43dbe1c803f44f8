"""The import's fast USCC check agrees with the registry's validator on every code: valid codes pass, and any code
uscc_problems() objects to is sent to it for the messages."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from socorg.regions.models import Region
from socorg.registry.choices import OrgType
from socorg.registry.rules import uscc_is_valid
from socorg.registry.uscc import ALPHABET, make_uscc, uscc_problems

pytestmark = pytest.mark.django_db

ORG_TYPES = [None, *OrgType.values]
REGIONS = ["530102", "110101", "429004", "530100", "000000", "999999"]


@pytest.fixture
def region_codes():
    return frozenset(Region.objects.values_list("code", flat=True))


def agree(code: str, org_type, regions) -> bool:
    return uscc_is_valid(code, org_type, regions) == (not uscc_problems(code, org_type))


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(region=st.sampled_from(REGIONS), made_as=st.sampled_from(ORG_TYPES), checked_as=st.sampled_from(ORG_TYPES),
       serial=st.text(alphabet=ALPHABET, min_size=8, max_size=8),
       edits=st.lists(st.tuples(st.integers(0, 17), st.sampled_from(ALPHABET + "IOSVZ-")), max_size=2))
def test_the_fast_check_agrees_with_uscc_problems_on_valid_and_damaged_codes(region_codes, region, made_as,
                                                                              checked_as, serial, edits):
    code = make_uscc(region, made_as, serial)
    for position, char in edits:
        code = code[:position] + char + code[position + 1:]
    assert agree(code, checked_as, region_codes)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.text(alphabet=ALPHABET + "-", max_size=20), org_type=st.sampled_from(ORG_TYPES))
def test_the_fast_check_agrees_with_uscc_problems_on_arbitrary_text(region_codes, text, org_type):
    assert agree(text, org_type, region_codes)


def test_a_valid_code_passes_and_each_kind_of_damage_is_caught(region_codes):
    code = make_uscc("530102", OrgType.FOUNDATION, "MJ000001")
    assert uscc_is_valid(code, OrgType.FOUNDATION, region_codes)
    assert uscc_is_valid(code, None, region_codes)
    assert not uscc_is_valid(code, OrgType.SOCIAL_GROUP, region_codes)  # type digit 3 is a foundation's
    assert not uscc_is_valid("4" + code[1:], None, region_codes)  # not civil affairs
    assert not uscc_is_valid(code[:2] + "999999" + code[8:], None, region_codes)  # no such region
    assert not uscc_is_valid(code[:16] + ("0" if code[16] != "0" else "1") + code[17:], None, region_codes)
    assert not uscc_is_valid(code[:17] + ("0" if code[17] != "0" else "1"), None, region_codes)
