"""Registry services: validation before writing, one audit entry per change, no phone in the audit log, scope,
derived state refreshed, and deletion only for records without history."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from socorg.accounts.roles import Role
from socorg.core.models import AuditEntry
from socorg.core.testing import make_user
from socorg.coverage.state import coverage_flags_from_scratch, stored_flags
from socorg.party.choices import Formation, PartyOrgKind
from socorg.party.models import PartyCoverage, PartyOrganization
from socorg.registry import services
from socorg.registry.choices import AuthorityLevel, OrgStatus, OrgType
from socorg.registry.models import SocialOrganization

from .conftest import new_uscc

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def entries(org, action=None):
    found = AuditEntry.objects.filter(object_type="registry.socialorganization", object_id=str(org.pk))
    return found.filter(action=action) if action else found


def field_errors(caught) -> dict:
    return {field: [e.code for e in errors] for field, errors in caught.value.error_dict.items()}


# --- register --------------------------------------------------------------------------------------------------

def test_register_fills_pinyin_level_counts_and_writes_one_audit_entry(national_staff):
    org = services.org_register(actor=national_staff, uscc=" " + new_uscc().lower(), name="昆明市五华区书法协会",
                                org_type=OrgType.SOCIAL_GROUP, authority_region="530102", declared_full_members=4,
                                phone="13812345678")
    org.refresh_from_db()
    assert org.uscc == org.uscc.upper()
    assert (org.name_pinyin, org.name_initials) == ("kunmingshiwuhuaqushufaxiehui", "kmswhqsfxh")
    assert org.authority_level == AuthorityLevel.COUNTY
    assert (org.full_members, org.org_covered) == (4, False)  # no member records: the declared count
    entry = entries(org).get()
    assert entry.action == "registry.org.register" and entry.actor == national_staff
    assert entry.after["uscc"] == org.uscc and entry.after["phone_set"] is True
    assert "13812345678" not in str(entry.after)


def test_authority_level_defaults_from_the_region(register):
    assert register("530000").authority_level == AuthorityLevel.PROVINCE
    assert register("530100").authority_level == AuthorityLevel.PREFECTURE
    assert register("100000").authority_level == AuthorityLevel.NATIONAL
    assert register("530102", authority_level=AuthorityLevel.PREFECTURE).authority_level == AuthorityLevel.PREFECTURE


def test_register_reports_every_bad_field_at_once_and_writes_nothing(national_staff):
    with pytest.raises(ValidationError) as caught:
        services.org_register(actor=national_staff, uscc="51530102MJ000000", name="  ", org_type="club",
                              authority_region="539999", registered_on=TODAY + datetime.timedelta(days=1),
                              declared_full_members=-1, phone="call me")
    assert field_errors(caught) == {
        "org_type": ["invalid_choice"], "uscc": ["uscc_length"], "name": ["required"],
        "authority_region": ["unknown_region"], "registered_on": ["future_date"],
        "declared_full_members": ["invalid_count"], "phone": ["invalid_phone"],
    }
    assert not SocialOrganization.objects.exists() and not AuditEntry.objects.exists()


def test_type_digit_must_match_the_registered_type(national_staff):
    with pytest.raises(ValidationError) as caught:
        services.org_register(actor=national_staff, uscc=new_uscc(org_type=OrgType.FOUNDATION), name="某基金会",
                              org_type=OrgType.SOCIAL_GROUP, authority_region="530102")
    assert field_errors(caught) == {"uscc": ["uscc_type"]}


def test_duplicate_code_is_a_field_error_on_uscc(register, national_staff):
    org = register()
    with pytest.raises(ValidationError) as caught:
        services.org_register(actor=national_staff, uscc=org.uscc, name="另一个协会", org_type=org.org_type,
                              authority_region="530102")
    assert field_errors(caught) == {"uscc": ["duplicate"]}
    assert SocialOrganization.objects.count() == 1


def test_retired_region_is_refused_with_its_successor(national_staff):
    with pytest.raises(ValidationError) as caught:
        services.org_register(actor=national_staff, uscc=new_uscc("110103"), name="崇文区协会",
                              org_type=OrgType.SOCIAL_GROUP, authority_region="110103")
    assert field_errors(caught) == {"authority_region": ["retired_region"]}
    assert "110101" in caught.value.error_dict["authority_region"][0].messages[0]


def test_county_staff_cannot_register_in_another_county():
    county_staff = make_user((Role.BUREAU_STAFF, "530102"))
    with pytest.raises(ValidationError) as caught:
        services.org_register(actor=county_staff, uscc=new_uscc("530103"), name="盘龙区协会",
                              org_type=OrgType.SOCIAL_GROUP, authority_region="530103")
    assert field_errors(caught) == {"authority_region": ["out_of_scope"]}
    assert not SocialOrganization.objects.exists()


def test_viewer_cannot_register_anywhere():
    viewer = make_user((Role.VIEWER, "100000"))
    with pytest.raises(ValidationError) as caught:
        services.org_register(actor=viewer, uscc=new_uscc(), name="协会", org_type=OrgType.SOCIAL_GROUP,
                              authority_region="530102")
    assert field_errors(caught) == {"authority_region": ["out_of_scope"]}


# --- update ----------------------------------------------------------------------------------------------------

def test_update_audits_only_the_changed_fields_and_hides_the_phone(register, national_staff):
    org = register(phone="13812345678")
    org = services.org_update(org=org, actor=national_staff, name="五华区新名称协会", phone="13900001111")
    assert org.name_pinyin == "wuhuaquxinmingchengxiehui"
    entry = entries(org, "registry.org.update").get()
    assert set(entry.before) == {"name"} and entry.after == {"name": "五华区新名称协会", "phone_changed": True}
    assert "1381234" not in str(entry.before) + str(entry.after)
    assert "1390000" not in str(entry.before) + str(entry.after)
    assert SocialOrganization.objects.get(pk=org.pk).phone == "13900001111"


def test_update_without_change_writes_no_audit_entry(register, national_staff):
    org = register()
    services.org_update(org=org, actor=national_staff, name=org.name)
    assert not entries(org, "registry.org.update").exists()


def test_moving_to_another_region_takes_that_regions_level(register, national_staff):
    org = services.org_update(org=register("530102"), actor=national_staff, authority_region="530100")
    assert (org.authority_region_id, org.authority_level) == ("530100", AuthorityLevel.PREFECTURE)


def test_update_refuses_moving_an_org_out_of_the_actors_scope(register):
    county_staff = make_user((Role.BUREAU_STAFF, "530102"))
    org = register("530102")
    with pytest.raises(ValidationError) as caught:
        services.org_update(org=org, actor=county_staff, authority_region="530103")
    assert field_errors(caught) == {"authority_region": ["out_of_scope"]}
    assert SocialOrganization.objects.get(pk=org.pk).authority_region_id == "530102"


def test_update_by_someone_without_change_rights_over_the_org_is_denied(register):
    other_county = make_user((Role.BUREAU_STAFF, "530103"))
    org = register("530102")
    with pytest.raises(PermissionDenied):
        services.org_update(org=org, actor=other_county, name="篡改")
    assert SocialOrganization.objects.get(pk=org.pk).name == org.name


def test_update_refuses_a_code_used_by_another_org(register, national_staff):
    first, second = register(), register()
    with pytest.raises(ValidationError) as caught:
        services.org_update(org=second, actor=national_staff, uscc=first.uscc)
    assert field_errors(caught) == {"uscc": ["duplicate"]}


def test_update_cannot_change_status_directly(register, national_staff):
    with pytest.raises(TypeError):
        services.org_update(org=register(), actor=national_staff, status=OrgStatus.REVOKED)


# --- deregister / revoke ---------------------------------------------------------------------------------------

def test_deregister_sets_status_date_reason_and_audits(register, national_staff):
    org = register()
    org = services.org_deregister(org=org, actor=national_staff, date=TODAY, reason="会员大会决议解散")
    stored = SocialOrganization.objects.get(pk=org.pk)
    assert (stored.status, stored.status_changed_on, stored.status_reason) == (OrgStatus.DEREGISTERED, TODAY,
                                                                               "会员大会决议解散")
    entry = entries(org, "registry.org.deregister").get()
    assert entry.before["status"] == "active" and entry.after["status"] == "deregistered"


def test_revoke_keeps_the_coverage_flags_consistent(register, national_staff):
    org = register()
    party_org = PartyOrganization.objects.create(name="某协会党支部", kind=PartyOrgKind.BRANCH,
                                                 formation=Formation.STANDALONE, region_id="530102")
    PartyCoverage.objects.create(party_org=party_org, organization=org, start_on=datetime.date(2021, 1, 1))
    services.org_update(org=org, actor=national_staff, short_name="某协会")  # refreshes the flags
    assert SocialOrganization.objects.get(pk=org.pk).standalone is True
    services.org_revoke(org=org, actor=national_staff, date=TODAY, reason="严重违法")
    stored = SocialOrganization.objects.get(pk=org.pk)
    assert (stored.status, stored.status_reason) == (OrgStatus.REVOKED, "严重违法")
    assert coverage_flags_from_scratch([org.pk]) == stored_flags([org.pk])


@pytest.mark.parametrize("date, reason, expected", [
    (None, "理由", {"date": ["required"]}),
    (TODAY + datetime.timedelta(days=1), "理由", {"date": ["future_date"]}),
    (datetime.date(2019, 12, 31), "理由", {"date": ["before_registration"]}),
    (TODAY, "   ", {"reason": ["required"]}),
])
def test_status_change_needs_a_valid_date_and_a_reason(register, national_staff, date, reason, expected):
    org = register()  # registered 2020-01-15
    with pytest.raises(ValidationError) as caught:
        services.org_deregister(org=org, actor=national_staff, date=date, reason=reason)
    assert field_errors(caught) == expected
    assert SocialOrganization.objects.get(pk=org.pk).status == OrgStatus.ACTIVE
    assert not entries(org, "registry.org.deregister").exists()


def test_an_ended_org_cannot_be_ended_again(register, national_staff):
    org = services.org_deregister(org=register(), actor=national_staff, date=TODAY, reason="解散")
    with pytest.raises(ValidationError) as caught:
        services.org_revoke(org=org, actor=national_staff, date=TODAY, reason="违法")
    assert field_errors(caught) == {"status": ["not_active"]}


def test_other_county_cannot_deregister(register):
    org = register("530102")
    with pytest.raises(PermissionDenied):
        services.org_deregister(org=org, actor=make_user((Role.BUREAU_STAFF, "530103")), date=TODAY, reason="x")


# --- delete ----------------------------------------------------------------------------------------------------

def test_delete_of_a_mistaken_record_is_audited(register, national_staff):
    org = register()
    pk = org.pk
    services.org_delete(org=org, actor=national_staff)
    assert not SocialOrganization.objects.filter(pk=pk).exists()
    entry = AuditEntry.objects.get(action="registry.org.delete")
    assert entry.object_id == str(pk) and entry.before["uscc"] == org.uscc


def test_delete_is_refused_while_a_party_organization_covers_it(register, national_staff):
    org = register()
    party_org = PartyOrganization.objects.create(name="联合党支部", kind=PartyOrgKind.BRANCH,
                                                 formation=Formation.JOINT, region_id="530102")
    PartyCoverage.objects.create(party_org=party_org, organization=org, start_on=datetime.date(2021, 1, 1))
    with pytest.raises(ValidationError) as caught:
        services.org_delete(org=org, actor=national_staff)
    assert caught.value.code == "has_history" and "联合党支部" in caught.value.messages[0]
    assert SocialOrganization.objects.filter(pk=org.pk).exists()
    assert not AuditEntry.objects.filter(action="registry.org.delete").exists()


def test_delete_is_refused_for_ended_coverage_history_and_for_ended_orgs(register, national_staff):
    org = register()
    party_org = PartyOrganization.objects.create(name="旧党支部", kind=PartyOrgKind.BRANCH,
                                                 formation=Formation.JOINT, region_id="530102")
    PartyCoverage.objects.create(party_org=party_org, organization=org, start_on=datetime.date(2021, 1, 1),
                            end_on=datetime.date(2022, 1, 1))
    with pytest.raises(ValidationError):
        services.org_delete(org=org, actor=national_staff)
    ended = services.org_deregister(org=register(), actor=national_staff, date=TODAY, reason="解散")
    with pytest.raises(ValidationError):
        services.org_delete(org=ended, actor=national_staff)
    assert SocialOrganization.objects.count() == 2


def test_other_county_cannot_delete(register):
    org = register("530102")
    with pytest.raises(PermissionDenied):
        services.org_delete(org=org, actor=make_user((Role.BUREAU_STAFF, "530103")))
    assert SocialOrganization.objects.filter(pk=org.pk).exists()
