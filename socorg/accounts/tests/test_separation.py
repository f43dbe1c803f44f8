"""三员分立 that holds (issue #10 item 2): administrator roles never meet business roles on one account, an
administrator's password is reset only by an administrator of a different role (audited and notified), and nobody
grants a role to themselves. The rules live in the services, so the UI, the API and the commands all obey them."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation

from socorg.accounts import services
from socorg.accounts.models import Notice, RoleGrant, User
from socorg.accounts.roles import ADMIN_ROLES, Role
from socorg.core.models import AuditEntry
from socorg.core.testing import client_as, make_user

pytestmark = pytest.mark.django_db

BUSINESS_ROLES = sorted(set(Role.values) - ADMIN_ROLES)


@pytest.fixture(autouse=True)
def chinese():
    with translation.override("zh-hans"):
        yield


def roles_of(user: User) -> set[str]:
    return set(RoleGrant.objects.filter(user=user).values_list("role", flat=True))


@pytest.mark.parametrize("admin", sorted(ADMIN_ROLES))
@pytest.mark.parametrize("business", BUSINESS_ROLES)
def test_an_administrator_account_cannot_receive_a_business_role(admin, business):
    user = make_user((admin, "100000"))
    with pytest.raises(ValidationError) as caught:
        services.role_grant(user=user, role=business, region_code="530000",
                            actor=make_user((Role.SECURITY_ADMIN, "100000")))
    assert "管理员账号不得兼任业务角色" in caught.value.message_dict["role"][0]
    assert roles_of(user) == {admin}


@pytest.mark.parametrize("admin", sorted(ADMIN_ROLES))
@pytest.mark.parametrize("business", BUSINESS_ROLES)
def test_a_business_account_cannot_receive_an_administrator_role(admin, business):
    user = make_user((business, "530000"))
    with pytest.raises(ValidationError):
        services.role_grant(user=user, role=admin, region_code="100000")
    assert roles_of(user) == {business}


def test_security_admin_cannot_give_the_audit_admin_business_roles_through_the_page():
    security = make_user((Role.SECURITY_ADMIN, "100000"))
    auditor = make_user((Role.AUDIT_ADMIN, "100000"))
    response = client_as(security).post(f"/accounts/users/{auditor.pk}/grants/",
                                        {"role": Role.BUREAU_STAFF, "region": "530000"})
    assert response.status_code == 400
    assert roles_of(auditor) == {Role.AUDIT_ADMIN}


def test_add_user_command_refuses_an_administrator_with_a_business_role():
    with pytest.raises(CommandError):
        call_command("add_user", "mixed", "--role", "system_admin", "--role", "viewer", "--region", "100000")
    assert not User.objects.filter(username="mixed").exists()


def test_the_system_administrator_cannot_create_an_account_with_roles():
    """Creating an account with roles is granting them: that is the security administrator's half."""
    system = make_user((Role.SYSTEM_ADMIN, "100000"))
    with pytest.raises(PermissionDenied):
        services.user_add(username="shadow", password="Yunnan-2024!", actor=system,
                          grants=[(Role.SECURITY_ADMIN, "100000")])
    assert not User.objects.filter(username="shadow").exists()


@pytest.mark.parametrize("role", sorted(ADMIN_ROLES | {Role.BUREAU_STAFF}))
def test_nobody_grants_a_role_to_themselves(role):
    actor = make_user((role, "100000"))
    with pytest.raises(PermissionDenied):
        services.role_grant(user=actor, role=Role.VIEWER, region_code="530000", actor=actor)
    assert roles_of(actor) == {role}


def test_system_admin_cannot_reset_another_system_admins_password():
    system = make_user((Role.SYSTEM_ADMIN, "100000"))
    colleague = make_user((Role.SYSTEM_ADMIN, "530000"), password="Original-Pass-1")
    with pytest.raises(PermissionDenied):
        services.password_reset(user=colleague, password="Taken-Over-9x", actor=system)
    colleague.refresh_from_db()
    assert colleague.check_password("Original-Pass-1")


@pytest.mark.parametrize("actor_role", [Role.AUDIT_ADMIN, Role.BUREAU_STAFF])
def test_only_account_or_security_administrators_reset_administrator_passwords(actor_role):
    target = make_user((Role.SECURITY_ADMIN, "100000"), password="Original-Pass-1")
    with pytest.raises(PermissionDenied):
        services.password_reset(user=target, password="Taken-Over-9x", actor=make_user((actor_role, "100000")))


def test_security_admin_resets_the_system_admins_password_audited_and_notified():
    security = make_user((Role.SECURITY_ADMIN, "100000"))
    system = make_user((Role.SYSTEM_ADMIN, "100000"), password="Original-Pass-1")
    auditor = make_user((Role.AUDIT_ADMIN, "100000"))
    services.password_reset(user=system, password="Fresh-Start-7y", actor=security)
    system.refresh_from_db()
    assert system.check_password("Fresh-Start-7y") and system.must_change_password
    entry = AuditEntry.objects.get(action="accounts.password.reset_admin")
    assert entry.actor == security and entry.object_id == str(system.pk)
    assert entry.after == {"roles": ["system_admin"], "by": security.username}
    notified = set(Notice.objects.filter(kind=Notice.Kind.ADMIN_PASSWORD_RESET).values_list("recipient", flat=True))
    assert notified == {system.pk, auditor.pk}
    assert security.username in Notice.objects.filter(recipient=auditor).get().text()


def test_the_notice_is_shown_once_at_the_next_complete_sign_in_not_to_the_password_alone():
    from django_otp.oath import totp
    from django_otp.plugins.otp_totp.models import TOTPDevice

    security = make_user((Role.SECURITY_ADMIN, "100000"))
    system = make_user((Role.SYSTEM_ADMIN, "100000"))
    device = TOTPDevice.objects.create(user=system, name="phone", confirmed=True)
    services.password_reset(user=system, password="Fresh-Start-7y", actor=security)
    client = client_as(None)
    response = client.post("/accounts/login/", {"username": system.username, "password": "Fresh-Start-7y"},
                           follow=True)
    assert response.redirect_chain[-1][0].startswith("/accounts/2fa/verify/")
    assert security.username not in response.content.decode()
    assert Notice.objects.filter(recipient=system, seen_at=None).exists()
    response = client.post("/accounts/2fa/verify/", {"token": f"{totp(device.bin_key):06d}"}, follow=True)
    assert "重置" in response.content.decode() and security.username in response.content.decode()
    assert not Notice.objects.filter(recipient=system, seen_at=None).exists()


def test_system_admin_may_not_reset_the_security_admins_password_from_the_page_without_the_rule():
    """The reset form is offered only where the service allows it; a forged POST is refused with 403."""
    system = make_user((Role.SYSTEM_ADMIN, "100000"))
    colleague = make_user((Role.SYSTEM_ADMIN, "530000"))
    client = client_as(system)
    page = client.get(f"/accounts/users/{colleague.pk}/").content.decode()
    assert f"/accounts/users/{colleague.pk}/password/" not in page
    response = client.post(f"/accounts/users/{colleague.pk}/password/",
                           {"password1": "Taken-Over-9x", "password2": "Taken-Over-9x"})
    assert response.status_code == 403
