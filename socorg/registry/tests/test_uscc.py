"""The USCC validator: one message per failure, in the documented order; every single-character change of a
valid code is refused."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from socorg.regions.models import Region
from socorg.registry.choices import OrgType
from socorg.registry.uscc import ALPHABET, make_uscc, org_code_check_char, uscc_problems, validate_uscc

pytestmark = pytest.mark.django_db

VALID = make_uscc("530102", OrgType.SOCIAL_GROUP, "MJ000001")


def error_of(value, org_type=None) -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        validate_uscc(value, org_type=org_type)
    return caught.value


def replace(code: str, position: int, char: str) -> str:
    return code[: position - 1] + char + code[position:]


def test_a_generated_code_is_valid_and_returned_unchanged():
    assert validate_uscc(VALID, org_type=OrgType.SOCIAL_GROUP) == VALID
    assert VALID[:2] == "51" and VALID[2:8] == "530102" and len(VALID) == 18


def test_spaces_lower_case_and_full_width_characters_are_normalized():
    full_width = "".join(chr(ord(c) + 0xFEE0) for c in VALID.lower())
    assert validate_uscc(f" {VALID[:6]} {VALID[6:]} ") == VALID
    assert validate_uscc(full_width) == VALID
    assert validate_uscc(VALID[:9] + "\u3000" + VALID[9:]) == VALID  # ideographic space


def test_organization_code_check_character_by_hand():
    # weights 3 7 9 10 5 8 4 2: 3+14+27+40+25+48+28+16 = 201; 201 % 11 = 3; 11 - 3 = 8
    assert org_code_check_char("12345678") == "8"
    assert org_code_check_char("00000000") == "0"  # 11 → 0
    # letters count A=10 …: "A0000000" → 30 % 11 = 8 → 3
    assert org_code_check_char("A0000000") == "3"


def test_check_character_ten_is_written_x():
    # 3*d1 ≡ 1 (mod 11) gives 11 - 1 = 10 → X: d1 = 4 (12 % 11 = 1)
    assert org_code_check_char("40000000") == "X"


def test_wrong_length_says_how_many_characters():
    error = error_of(VALID[:17])
    assert error.code == "uscc_length"
    with translation.override("zh-hans"):
        assert "17" in error.messages[0] and "18" in error.messages[0]


def test_empty_code_is_required():
    assert error_of("  ").code == "uscc_required"


@pytest.mark.parametrize("char", ["I", "O", "S", "V", "Z", "-", "*"])
def test_invalid_character_is_named_with_its_position(char):
    error = error_of(replace(VALID, 10, char))
    assert error.code == "uscc_charset"
    assert error.params == {"position": 10, "char": char}
    with translation.override("en"):
        assert "Character 10" in error.messages[0] and f"“{char}”" in error.messages[0]


def test_department_digit_must_be_civil_affairs():
    error = error_of(replace(VALID, 1, "9"))
    assert (error.code, error.params["char"]) == ("uscc_department", "9")


def test_type_digit_must_match_the_type():
    foundation = make_uscc("530102", OrgType.FOUNDATION, "1")
    error = error_of(foundation, OrgType.SOCIAL_GROUP)
    assert error.code == "uscc_type"
    with translation.override("en"):
        assert "“3”" in error.messages[0] and "1 (social group) / 9 (other)" in error.messages[0]


def test_type_digit_nine_is_accepted_for_every_type():
    other = make_uscc("530102", None, "7")
    assert other[1] == "9"
    for org_type in OrgType.values:
        assert validate_uscc(other, org_type=org_type) == other


def test_without_a_type_any_of_1_2_3_9_is_accepted_and_others_refused():
    for org_type in OrgType.values:
        validate_uscc(make_uscc("530102", org_type, "5"))
    refused = make_uscc("530102", None, "5")
    refused = replace(refused, 2, "4")
    assert error_of(refused).code == "uscc_type"


def test_region_digits_must_be_a_known_region():
    error = error_of(make_uscc("539999", OrgType.SOCIAL_GROUP, "1"))
    assert (error.code, error.params["region"]) == ("uscc_region", "539999")


def test_retired_region_code_is_accepted():
    # 110103 崇文区 was retired in 2010; codes issued before keep it.
    code = make_uscc("110103", OrgType.SOCIAL_GROUP, "1")
    assert validate_uscc(code) == code


def test_national_authority_region_is_accepted():
    code = make_uscc("100000", OrgType.FOUNDATION, "1")
    assert validate_uscc(code, org_type=OrgType.FOUNDATION) == code


def test_organization_code_check_character_is_checked_before_the_final_one():
    wrong = replace(VALID, 17, "X" if VALID[16] != "X" else "0")
    error = error_of(wrong)
    assert error.code == "uscc_org_code_check"
    assert error.params["expected"] == VALID[16]


def test_final_check_character():
    wrong = replace(VALID, 18, "0" if VALID[17] != "0" else "1")
    error = error_of(wrong)
    assert (error.code, error.params["expected"]) == ("uscc_check", VALID[17])


def test_each_failure_has_its_own_message():
    failures = [VALID[:5], replace(VALID, 3, "I"), replace(VALID, 1, "9"), replace(VALID, 2, "3"),
                make_uscc("539999", OrgType.SOCIAL_GROUP, "1"), replace(VALID, 17, "X"),
                replace(VALID, 18, "0" if VALID[17] != "0" else "1")]
    with translation.override("zh-hans"):
        messages = [error_of(code, OrgType.SOCIAL_GROUP).messages[0] for code in failures]
    assert len(set(messages)) == len(failures)
    assert all("统一社会信用代码" in m for m in messages)


def test_problems_lists_every_structural_problem_at_once():
    code = replace(replace(VALID, 1, "9"), 18, "0" if VALID[17] != "0" else "1")
    codes = [p.code for p in uscc_problems(code, OrgType.FOUNDATION)]
    assert codes == ["uscc_department", "uscc_type", "uscc_check"]


def test_problems_lists_every_invalid_character():
    codes = [(p.code, p.params["position"]) for p in uscc_problems(replace(replace(VALID, 4, "O"), 12, "I"))]
    assert codes == [("uscc_charset", 4), ("uscc_charset", 12)]


def test_region_codes_are_cached(django_assert_num_queries):
    validate_uscc(VALID)
    with django_assert_num_queries(0):
        for serial in range(1, 50):
            validate_uscc(make_uscc("530102", OrgType.SOCIAL_GROUP, str(serial)))


def test_a_region_added_later_is_accepted_at_once():
    code = make_uscc("539901", OrgType.SOCIAL_GROUP, "1")
    assert error_of(code).code == "uscc_region"
    Region.objects.create(code="539901", name="新设区", level="county", parent_id="530000", scope_prefix="539901",
                          full_name="云南省 新设区", pinyin="xinshequ", pinyin_initials="xsq")
    assert validate_uscc(code) == code


# --- properties --------------------------------------------------------------------------------------------------

REGIONS = ["530102", "110101", "429004", "100000", "530000", "110103"]
serials = st.text(alphabet=ALPHABET, min_size=8, max_size=8)


@settings(max_examples=200, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(region=st.sampled_from(REGIONS), org_type=st.sampled_from([*OrgType.values, None]), serial=serials)
def test_generated_codes_pass(region, org_type, serial):
    code = make_uscc(region, org_type, serial)
    assert validate_uscc(code, org_type=org_type) == code


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(region=st.sampled_from(REGIONS), org_type=st.sampled_from(OrgType.values), serial=serials)
def test_every_single_character_change_is_refused(region, org_type, serial):
    code = make_uscc(region, org_type, serial)
    for position in range(1, 19):
        for char in ALPHABET:
            if char != code[position - 1]:
                assert uscc_problems(replace(code, position, char), org_type), (position, char)
