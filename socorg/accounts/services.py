"""Account workflows: creation, grants (with three-administrator separation), passwords, tokens."""

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework.authtoken.models import Token

from socorg.core.audit import audit_write
from socorg.regions.models import Region

from .models import RoleGrant, User
from .roles import ADMIN_ROLES, Role


def resolve_role(value: str) -> Role:
    try:
        return Role(value)
    except ValueError:
        raise ValidationError(
            _("Unknown role “%(role)s”. Expected one of: %(roles)s.")
            % {"role": value, "roles": ", ".join(Role.values)},
            code="unknown_role",
        ) from None


def resolve_region(code: str) -> Region:
    region = Region.objects.filter(code=(code or "").strip()).first()
    if region is None:
        raise ValidationError(
            _("Unknown region code “%(code)s”. Expected a 6-digit GB/T 2260 code such as 530000 (Yunnan) or "
              "100000 (the whole country).") % {"code": code},
            code="unknown_region",
        )
    if region.is_retired:
        raise ValidationError(
            _("Region code %(code)s (%(name)s) was retired on %(date)s; grant the current unit instead.")
            % {"code": region.code, "name": region.name, "date": region.valid_to},
            code="retired_region",
        )
    return region


def check_admin_separation(user: User, role: Role) -> None:
    """三员分立: no account may hold two of the system, security and audit administrator roles."""
    if role not in ADMIN_ROLES:
        return
    held = user.admin_roles() - {role}
    if held:
        other = Role(sorted(held)[0])
        raise ValidationError(
            _("%(user)s already holds the role “%(other)s”; one account may not also be “%(role)s” "
              "(separation of system, security and audit administrators). Use a separate account.")
            % {"user": user.username, "other": other.label, "role": role.label},
            code="admin_separation",
        )


def password_set(*, user: User, password: str, actor: User | None = None, temporary: bool = False) -> None:
    validate_password(password, user)
    user.set_password(password)
    user.password_changed_at = timezone.now()
    user.must_change_password = temporary
    user.save(update_fields=["password", "password_changed_at", "must_change_password"])
    audit_write(action="accounts.password.set", obj=user, actor=actor or user, after={"temporary": temporary})


@transaction.atomic
def user_add(*, username: str, role: str, region_code: str, password: str | None = None,
             actor: User | None = None, display_name: str = "") -> User:
    """Create an account with its first grant. Its first login must change the password (unless none is set)."""
    role_value = resolve_role(role)
    region = resolve_region(region_code)
    username = username.strip()
    if not username:
        raise ValidationError(_("The user name must not be empty."), code="empty_username")
    if User.objects.filter(username=username).exists():
        raise ValidationError(_("A user named “%(name)s” already exists.") % {"name": username}, code="duplicate")
    user = User(username=username, display_name=display_name, must_change_password=True)
    if password:
        validate_password(password, user)
        user.set_password(password)
        user.password_changed_at = timezone.now()
    else:
        user.set_unusable_password()
    user.save()
    audit_write(action="accounts.user.add", obj=user, actor=actor, after={"username": username})
    role_grant(user=user, role=role_value, region_code=region.code, actor=actor)
    return user


@transaction.atomic
def role_grant(*, user: User, role: str, region_code: str, actor: User | None = None) -> RoleGrant:
    role_value = resolve_role(role)
    region = resolve_region(region_code)
    User.objects.select_for_update().filter(pk=user.pk).first()  # serialize concurrent grants to one account
    user.forget_grants()
    check_admin_separation(user, role_value)
    granted_by = actor if getattr(actor, "pk", None) else None
    grant, created = RoleGrant.objects.get_or_create(
        user=user, role=role_value, region=region, defaults={"granted_by": granted_by}
    )
    if created:
        audit_write(action="accounts.grant.add", obj=user, actor=actor,
                    after={"role": role_value.value, "region": region.code})
    user.forget_grants()
    return grant


@transaction.atomic
def role_revoke(*, grant: RoleGrant, actor: User | None = None) -> None:
    user = grant.user
    audit_write(action="accounts.grant.remove", obj=user, actor=actor,
                before={"role": grant.role, "region": grant.region_id})
    grant.delete()
    user.forget_grants()


def token_create(*, user: User, actor: User | None = None) -> str:
    """Issue a fresh API token (an earlier one is replaced: one token per account keeps revocation simple)."""
    with transaction.atomic():
        Token.objects.filter(user=user).delete()
        token = Token.objects.create(user=user)
        audit_write(action="accounts.token.create", obj=user, actor=actor)
    return token.key
