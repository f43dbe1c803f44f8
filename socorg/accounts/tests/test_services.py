"""Account services: grants with the three-administrator separation, capability checks, audit, atomicity."""

import itertools

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from socorg.accounts import services
from socorg.accounts.models import ApiToken, RoleGrant, User
from socorg.accounts.roles import ADMIN_ROLES, Role
from socorg.core.models import AuditEntry
from socorg.core.testing import make_user

pytestmark = pytest.mark.django_db

ADMIN_PAIRS = list(itertools.permutations(sorted(ADMIN_ROLES), 2))
BUSINESS_ROLES = sorted(set(Role.values) - ADMIN_ROLES)


@pytest.fixture(autouse=True)
def chinese():
    with translation.override("zh-hans"):
        yield


@pytest.mark.parametrize(("held", "wanted"), ADMIN_PAIRS, ids=lambda r: str(r))
def test_every_pair_of_admin_roles_is_refused(held, wanted):
    user = make_user((held, "100000"))
    with pytest.raises(ValidationError) as caught:
        services.role_grant(user=user, role=wanted, region_code="100000")
    message = caught.value.message_dict["role"][0]
    assert user.username in message and "系统管理员、安全管理员和审计管理员" in message
    assert set(RoleGrant.objects.filter(user=user).values_list("role", flat=True)) == {held}
    assert not AuditEntry.objects.filter(action="accounts.grant.add").exists()


def test_same_admin_role_in_another_region_is_allowed():
    user = make_user((Role.SECURITY_ADMIN, "530000"))
    services.role_grant(user=user, role=Role.SECURITY_ADMIN, region_code="110000")
    assert user.grants.count() == 2


def test_granting_an_existing_grant_again_changes_nothing():
    user = make_user((Role.VIEWER, "530000"))
    services.role_grant(user=user, role=Role.VIEWER, region_code="530000")
    assert user.grants.count() == 1
    assert not AuditEntry.objects.filter(action="accounts.grant.add").exists()


def test_grant_is_audited_with_actor_role_and_region():
    actor = make_user((Role.SECURITY_ADMIN, "100000"))
    user = make_user()
    services.role_grant(user=user, role=Role.BUREAU_STAFF, region_code="530102", actor=actor)
    entry = AuditEntry.objects.get(action="accounts.grant.add")
    assert (entry.actor, entry.object_id, entry.after) == (actor, str(user.pk),
                                                           {"role": "bureau_staff", "region": "530102"})
    grant = user.grants.get()
    assert grant.granted_by == actor


@pytest.mark.parametrize(("code", "expected"), [
    ("999999", "未知的行政区划代码"),
    ("53", "未知的行政区划代码"),
    ("", "未知的行政区划代码"),
])
def test_grant_to_unknown_region_is_refused(code, expected):
    user = make_user()
    with pytest.raises(ValidationError) as caught:
        services.role_grant(user=user, role=Role.VIEWER, region_code=code)
    assert expected in caught.value.message_dict["region"][0]
    assert not user.grants.exists()


def test_grant_to_retired_region_is_refused():
    from socorg.regions.models import Region

    retired = Region.objects.exclude(valid_to=None).order_by("code").first()
    user = make_user()
    with pytest.raises(ValidationError) as caught:
        services.role_grant(user=user, role=Role.VIEWER, region_code=retired.code)
    message = caught.value.message_dict["region"][0]
    assert retired.code in message and "撤销" in message and "现行" in message
    assert not user.grants.exists()


def test_grant_of_unknown_role_is_refused():
    user = make_user()
    with pytest.raises(ValidationError) as caught:
        services.role_grant(user=user, role="superuser", region_code="530000")
    assert "未知的角色" in caught.value.message_dict["role"][0]
    assert "bureau_staff" in caught.value.message_dict["role"][0]


def test_security_admin_may_grant_only_inside_own_region():
    actor = make_user((Role.SECURITY_ADMIN, "530000"))
    user = make_user()
    services.role_grant(user=user, role=Role.VIEWER, region_code="530102", actor=actor)
    with pytest.raises(PermissionDenied):
        services.role_grant(user=user, role=Role.VIEWER, region_code="110000", actor=actor)
    assert list(user.grants.values_list("region_id", flat=True)) == ["530102"]


@pytest.mark.parametrize("role", [Role.SYSTEM_ADMIN, Role.AUDIT_ADMIN, Role.BUREAU_STAFF])
def test_only_security_admin_grants_roles(role):
    actor = make_user((role, "100000"))
    user = make_user()
    with pytest.raises(PermissionDenied):
        services.role_grant(user=user, role=Role.VIEWER, region_code="530000", actor=actor)
    assert not user.grants.exists()


def test_security_admin_cannot_grant_to_self():
    actor = make_user((Role.SECURITY_ADMIN, "100000"))
    with pytest.raises(PermissionDenied):
        services.role_grant(user=actor, role=Role.BUREAU_STAFF, region_code="100000", actor=actor)
    assert actor.grants.count() == 1


def test_revoke_removes_the_grant_and_audits_it():
    actor = make_user((Role.SECURITY_ADMIN, "100000"))
    user = make_user((Role.VIEWER, "530000"))
    services.role_revoke(grant=user.grants.get(), actor=actor)
    assert not user.grants.exists()
    entry = AuditEntry.objects.get(action="accounts.grant.remove")
    assert entry.before == {"role": "viewer", "region": "530000"}


def test_user_add_is_one_transaction_when_a_grant_is_refused():
    with pytest.raises(ValidationError):
        services.user_add(username="zhangsan", password="Yunnan-2024!",
                          grants=[(Role.SYSTEM_ADMIN, "100000"), (Role.AUDIT_ADMIN, "100000")])
    assert not User.objects.filter(username="zhangsan").exists()
    assert not AuditEntry.objects.filter(action="accounts.user.add").exists()


def test_user_add_with_initial_password_forces_change_at_first_login():
    user = services.user_add(username="lisi", password="Yunnan-2024!", role=Role.VIEWER, region_code="530000")
    assert user.must_change_password and user.check_password("Yunnan-2024!")
    assert list(user.grants.values_list("role", "region_id")) == [("viewer", "530000")]
    assert AuditEntry.objects.filter(action="accounts.user.add", object_id=str(user.pk)).exists()


@pytest.mark.parametrize(("password", "expected"), [
    ("Ab1!", "密码太短"),
    ("password1", "密码太常见"),
    ("abcdefghij", "至少混合 3 类字符"),
    ("1234567890", "密码只包含数字"),
])
def test_user_add_refuses_weak_passwords_in_chinese(password, expected):
    with pytest.raises(ValidationError) as caught:
        services.user_add(username="wangwu", password=password, role=Role.VIEWER, region_code="530000")
    assert any(expected in m for m in caught.value.message_dict["password"])
    assert not User.objects.filter(username="wangwu").exists()


def test_user_add_refuses_a_password_like_the_user_name():
    with pytest.raises(ValidationError) as caught:
        services.user_add(username="kunming_admin", password="Kunming_Admin1", role=Role.VIEWER,
                          region_code="530000")
    assert "password" in caught.value.message_dict


@pytest.mark.parametrize("name", ["lisi", "LiSi"])
def test_user_add_refuses_duplicate_names_ignoring_case(name):
    make_user(username="lisi")
    with pytest.raises(ValidationError) as caught:
        services.user_add(username=name, role=Role.VIEWER, region_code="530000")
    assert "已存在" in caught.value.message_dict["username"][0]
    assert User.objects.filter(username__iexact="lisi").count() == 1


def test_user_add_refuses_bad_user_name_characters():
    with pytest.raises(ValidationError) as caught:
        services.user_add(username="li si!", role=Role.VIEWER, region_code="530000")
    assert "username" in caught.value.message_dict
    assert not User.objects.filter(username="li si!").exists()


def test_system_admin_creates_accounts_without_roles():
    actor = make_user((Role.SYSTEM_ADMIN, "100000"))
    user = services.user_add(username="zhaoliu", password="Yunnan-2024!", actor=actor)
    assert not user.grants.exists() and user.must_change_password


@pytest.mark.parametrize("role", [Role.SECURITY_ADMIN, Role.AUDIT_ADMIN, Role.BUREAU_STAFF])
def test_only_system_admin_creates_accounts(role):
    actor = make_user((role, "100000"))
    with pytest.raises(PermissionDenied):
        services.user_add(username="zhaoliu", password="Yunnan-2024!", actor=actor)
    assert not User.objects.filter(username="zhaoliu").exists()


def test_deactivation_is_audited_removes_the_token_and_refuses_self():
    actor = make_user((Role.SYSTEM_ADMIN, "100000"))
    user = make_user((Role.VIEWER, "530000"))
    services.token_create(user=user)
    services.user_set_active(user=user, active=False, actor=actor)
    user.refresh_from_db()
    assert not user.is_active and not ApiToken.objects.filter(user=user).exists()
    assert AuditEntry.objects.filter(action="accounts.user.deactivate", object_id=str(user.pk)).exists()
    with pytest.raises(PermissionDenied):
        services.user_set_active(user=actor, active=False, actor=actor)
    with pytest.raises(ValidationError):
        services.token_create(user=user)


def test_password_reset_by_system_admin_is_temporary():
    actor = make_user((Role.SYSTEM_ADMIN, "100000"))
    user = make_user((Role.VIEWER, "530000"))
    services.password_reset(user=user, password="Reset-Pass-9", actor=actor)
    user.refresh_from_db()
    assert user.must_change_password and user.check_password("Reset-Pass-9")
    assert AuditEntry.objects.get(action="accounts.password.set").after == {"temporary": True}


def test_unlock_needs_the_unlock_capability():
    with pytest.raises(PermissionDenied):
        services.login_unlock(username="x", actor=make_user((Role.SYSTEM_ADMIN, "100000")))
    services.login_unlock(username="x", actor=make_user((Role.SECURITY_ADMIN, "100000")))
    assert AuditEntry.objects.filter(action="accounts.login.unlock", object_repr="x").exists()
