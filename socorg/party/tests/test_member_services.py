import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.utils import timezone

from socorg.accounts.roles import Role
from socorg.core.crypto import blind_index
from socorg.core.models import AuditEntry
from socorg.party import services
from socorg.party.models import PartyMember
from socorg.party.rules import validate_id_number

from .factories import make_org, make_party_org, staff, valid_id_number

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


@pytest.fixture
def branch(actor, orgs):
    return make_party_org(actor, orgs=orgs[:2], founded_on=datetime.date(2015, 1, 1))


def add(actor, branch, **fields):
    defaults = {"name": "张三", "membership": "full", "joined_on": datetime.date(2010, 7, 1)}
    return services.member_add(party_org=branch, actor=actor, **{**defaults, **fields})


def test_id_number_is_encrypted_at_rest_and_indexed(actor, branch):
    number = valid_id_number()
    member = add(actor, branch, id_number=number, phone="13812345678")
    with connection.cursor() as cursor:
        cursor.execute("SELECT id_number, phone, id_number_index FROM party_partymember WHERE id = %s", [member.pk])
        raw_id, raw_phone, index = cursor.fetchone()
    assert number not in raw_id and "13812345678" not in raw_phone
    assert index == blind_index(number)
    assert PartyMember.objects.get(pk=member.pk).id_number == number
    assert list(services.find_by_id_number(PartyMember.objects.all(), number.lower())) == [member]


def test_birth_date_and_gender_derived_from_id_number(actor, branch):
    member = add(actor, branch, id_number=valid_id_number(datetime.date(1980, 2, 29), seq=124))
    assert member.birth_date == datetime.date(1980, 2, 29)
    assert member.gender == "female"  # digit 17 is even


def test_mismatching_birth_date_refused(actor, branch):
    with pytest.raises(ValidationError) as excinfo:
        add(actor, branch, id_number=valid_id_number(), birth_date=datetime.date(1990, 1, 1))
    assert "birth_date" in excinfo.value.message_dict
    assert not PartyMember.objects.exists()


def test_duplicate_id_refused_naming_the_visible_party_org(actor, branch):
    number = valid_id_number()
    add(actor, branch, id_number=number)
    with pytest.raises(ValidationError) as excinfo:
        add(actor, branch, id_number=number, name="张三三")
    assert branch.name in excinfo.value.message_dict["id_number"][0]
    assert PartyMember.objects.count() == 1


def test_duplicate_id_does_not_name_an_invisible_party_org(actor, branch):
    number = valid_id_number()
    add(actor, branch, id_number=number)
    other_actor = staff("110101")
    beijing_branch = make_party_org(other_actor, orgs=[make_org("110101")])
    with pytest.raises(ValidationError) as excinfo:
        services.member_add(name="张三", party_org=beijing_branch, id_number=number, actor=other_actor)
    message = excinfo.value.message_dict["id_number"][0]
    assert branch.name not in message


@pytest.mark.parametrize("bad, code", [
    ("53010219850615123", "id_length"),
    ("53010219850615123A", "id_format"),
    ("530102198506151230", "id_checksum"),
    ("530102198513151238", "id_birth_date"),
])
def test_bad_id_numbers_get_their_own_message(bad, code):
    from stdnum.cn import ric

    if code == "id_birth_date":
        bad = bad[:17] + ric.calc_check_digit(bad[:17] + "0")
    with pytest.raises(ValidationError) as excinfo:
        validate_id_number(bad)
    assert excinfo.value.code == code


def test_recent_county_code_accepted_when_checksum_right():
    # 429004 仙桃市 and newer county codes may be absent from python-stdnum's table (it then raises KeyError).
    number = valid_id_number(place="429004")
    assert validate_id_number(number) == number


def test_unknown_place_of_birth_refused():
    with pytest.raises(ValidationError) as excinfo:
        validate_id_number(valid_id_number(place="999999"))
    assert excinfo.value.code == "id_birth_place"


def test_probation_end_defaults_to_one_year(actor, branch):
    member = add(actor, branch, membership="probationary", joined_on=datetime.date(2024, 3, 1))
    assert member.probation_ends_on == datetime.date(2025, 3, 1)
    with pytest.raises(ValidationError) as excinfo:
        add(actor, branch, name="李四", membership="probationary", joined_on=datetime.date(2024, 3, 1),
            probation_ends_on=datetime.date(2027, 1, 1))
    assert "probation_ends_on" in excinfo.value.message_dict


def test_probationary_member_needs_joined_date(actor, branch):
    with pytest.raises(ValidationError) as excinfo:
        add(actor, branch, membership="probationary", joined_on=None)
    assert "joined_on" in excinfo.value.message_dict


def test_reveal_is_audited(actor, branch):
    number = valid_id_number()
    member = add(actor, branch, id_number=number)
    assert services.member_reveal_id(member=member, actor=actor) == number
    entry = AuditEntry.objects.get(action="party.member.reveal")
    assert entry.object_id == str(member.pk) and entry.actor == actor
    assert number not in str(entry.after)


def test_reveal_refused_without_permission(actor, branch):
    member = add(actor, branch, id_number=valid_id_number())
    for user in (staff("530102", Role.INSTRUCTOR), staff("530102", Role.VIEWER), staff("530103")):
        with pytest.raises(PermissionDenied):
            services.member_reveal_id(member=member, actor=user)
    assert not AuditEntry.objects.filter(action="party.member.reveal").exists()


def test_audit_never_contains_plaintext(actor, branch):
    number = valid_id_number()
    member = add(actor, branch, id_number=number, phone="13812345678")
    services.member_update(member=member, phone="13900001111", actor=actor)
    for entry in AuditEntry.objects.filter(action__startswith="party.member"):
        text = f"{entry.before} {entry.after}"
        assert number not in text and "13812345678" not in text and "13900001111" not in text


def test_effective_counts_from_records_override_declared(actor, branch, orgs):
    employer = orgs[0]
    employer.declared_full_members, employer.declared_probationary_members = 10, 2
    employer.save()
    from socorg.coverage.state import refresh_member_counts

    refresh_member_counts([employer.pk])
    employer.refresh_from_db()
    assert (employer.full_members, employer.probationary_members) == (10, 2)
    first = add(actor, branch, employer=employer)
    add(actor, branch, name="李四", employer=employer, membership="probationary", joined_on=TODAY.replace(day=1))
    employer.refresh_from_db()
    assert (employer.full_members, employer.probationary_members) == (1, 1)
    services.member_update(member=first, employer=orgs[1], actor=actor)
    employer.refresh_from_db()
    orgs[1].refresh_from_db()
    assert (employer.full_members, orgs[1].full_members) == (0, 1)


def test_leave_deactivates_and_recounts(actor, branch, orgs):
    member = add(actor, branch, employer=orgs[0])
    services.member_leave(member=member, left_on=TODAY, actor=actor)
    member.refresh_from_db()
    orgs[0].refresh_from_db()
    assert not member.is_active and member.left_on == TODAY
    assert orgs[0].full_members == orgs[0].declared_full_members
    with pytest.raises(ValidationError):
        services.member_leave(member=member, left_on=TODAY, actor=actor)


def test_member_in_other_county_party_org_refused(actor, orgs):
    neighbour = staff("530103")
    their_branch = make_party_org(neighbour, orgs=[make_org("530103")])
    with pytest.raises(PermissionDenied):
        services.member_add(name="王五", party_org=their_branch, actor=actor)
    assert not PartyMember.objects.exists()


def test_bad_phone_and_joining_age_refused(actor, branch):
    with pytest.raises(ValidationError) as excinfo:
        add(actor, branch, phone="call me", id_number=valid_id_number(datetime.date(2000, 1, 1)),
            joined_on=datetime.date(2010, 1, 1))
    assert {"phone", "joined_on"} <= set(excinfo.value.message_dict)
