"""Account workflows: creation, activation, grants (with three-administrator separation), passwords, unlocking,
tokens. Every change is audited.

`actor=None` means the operator at the console (`socorg add-user`, `socorg grant`): they hold the server and are
trusted. With an actor, each workflow first checks the actor's capability, so a view cannot forget it."""

import datetime
import secrets
from collections.abc import Sequence
from dataclasses import dataclass

from axes.models import AccessAttempt
from axes.utils import reset as axes_reset
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from socorg.core.audit import SYSTEM, audit_write, unauthenticated
from socorg.core.scope import can
from socorg.regions.models import Region

from . import otp
from .models import ApiToken, Notice, RoleGrant, User
from .roles import ADMIN_ROLES, Role
from .validators import keyboard_run


def resolve_role(value: str, *, field: str = "role") -> Role:
    try:
        return Role(value)
    except ValueError:
        raise ValidationError(
            {field: _("Unknown role “%(role)s”. Expected one of: %(roles)s.")
             % {"role": value, "roles": ", ".join(Role.values)}},
            code="unknown_role",
        ) from None


def resolve_region(code: str, *, field: str = "region") -> Region:
    region = Region.objects.filter(code=(code or "").strip()).first()
    if region is None:
        raise ValidationError(
            {field: _("Unknown region code “%(code)s”. Expected a 6-digit GB/T 2260 code such as 530000 (Yunnan) or "
                      "100000 (the whole country).") % {"code": code}},
            code="unknown_region",
        )
    if region.is_retired:
        raise ValidationError(
            {field: _("Region code %(code)s (%(name)s) was retired on %(date)s; grant the current unit instead.")
             % {"code": region.code, "name": region.name, "date": region.valid_to}},
            code="retired_region",
        )
    return region


def _find_organization(uscc: str, actor: User | None = None):
    """The social organization with this credit code, if it exists and (given an actor) lies in the actor's regions
    for issuing organization accounts. Both failures look the same: no "exists elsewhere" oracle."""
    from socorg.registry.models import SocialOrganization
    from socorg.registry.uscc import normalize_uscc

    org = SocialOrganization.objects.select_related("authority_region").filter(uscc=normalize_uscc(uscc or "")).first()
    if org is None or (actor is not None and not can(actor, ORG_ACCOUNT_CAPABILITY, org.authority_region_id)):
        return None
    return org


def resolve_organization(uscc: str, *, field: str = "org", actor: User | None = None):
    """The registered, active social organization with this unified social credit code (in the actor's regions)."""
    from socorg.registry.choices import OrgStatus

    org = _find_organization(uscc, actor)
    if org is None:
        raise ValidationError(
            {field: _("No social organization with the unified social credit code “%(uscc)s” is registered in your "
                      "regions; expected the 18-character code of a registered organization, e.g. "
                      "51530102MJ0000000X.") % {"uscc": uscc}}, code="unknown_organization")
    if org.status != OrgStatus.ACTIVE:
        raise ValidationError(
            {field: _("%(name)s (%(uscc)s) is “%(status)s”; only an active organization gets an account.")
             % {"name": org.name, "uscc": org.uscc, "status": org.get_status_display()}}, code="inactive_organization")
    return org


def _grant_region(role: Role, region_code: str | None, organization) -> Region:
    """The region of a grant; an organization's own account (org_account) takes its organization's region."""
    if role != Role.ORG_ACCOUNT or organization is None:
        return resolve_region(region_code)
    region = organization.authority_region
    if region_code and region_code.strip() != region.code:
        raise ValidationError(
            {"region": _("The region of an organization's own account follows the organization: %(org)s is "
                         "registered in %(code)s (%(name)s), not %(given)s.")
             % {"org": organization.name, "code": region.code, "name": region.name, "given": region_code}},
            code="org_region")
    return region


def check_organization_binding(user: User, role: Role) -> None:
    """An organization's own account holds the role org_account and nothing else; org_account needs the organization."""
    if role == Role.ORG_ACCOUNT and user.organization_id is None:
        raise ValidationError(
            {"role": _("The role “%(role)s” belongs to one organization's own account: create it with the "
                       "organization (socorg add-user NAME --role org_account --org USCC, or the organization "
                       "accounts page).") % {"role": role.label}}, code="org_account_unbound")
    if role != Role.ORG_ACCOUNT and user.organization_id is not None:
        raise ValidationError(
            {"role": _("%(user)s is the own account of %(org)s; it holds only the role “%(own)s”, not “%(role)s”.")
             % {"user": user.username, "org": user.organization, "own": Role.ORG_ACCOUNT.label,
                "role": role.label}}, code="org_account_bound")


def check_admin_separation(user: User, role: Role) -> None:
    """三员分立: no account holds two of the system, security and audit administrator roles, and no administrator
    account holds a business role (nor a business account an administrator role)."""
    held = user.roles()
    conflicting = held - {role} if role in ADMIN_ROLES else held & ADMIN_ROLES
    if not conflicting:
        return
    other = Role(sorted(conflicting)[0])
    if role in ADMIN_ROLES and other in ADMIN_ROLES:
        message = _("%(user)s already holds the role “%(other)s”; one account may not also be “%(role)s” "
                    "(separation of system, security and audit administrators). Use a separate account.")
    else:
        message = _("%(user)s already holds the role “%(other)s”; an administrator account may not hold business "
                    "roles, so it cannot also be “%(role)s” (separation of system, security and audit "
                    "administrators). Use a separate account.")
    raise ValidationError(
        {"role": message % {"user": user.username, "other": other.label, "role": role.label}},
        code="admin_separation",
    )


def _require(actor: User | None, capability: str, region_code: str | None = None) -> None:
    if actor is not None and not can(actor, capability, region_code):
        raise PermissionDenied(_("You do not have permission for this action."))


def _refuse_self(actor: User | None, user: User, message: str) -> None:
    # An administrator changing their own account would undo the separation of duties.
    if actor is not None and actor.pk == user.pk:
        raise PermissionDenied(message)


def _lock(user: User) -> None:
    """Serialize concurrent changes to one account (a no-op on SQLite, which locks the whole database)."""
    User.objects.select_for_update().filter(pk=user.pk).first()
    user.forget_grants()


def password_set(*, user: User, password: str, actor: User | None = None, temporary: bool = False) -> None:
    """Set a password after the policy check; `temporary` forces a change at the next login."""
    try:
        validate_password(password, user)
    except ValidationError as error:
        raise ValidationError({"password": error.messages}, code="weak_password") from None
    with transaction.atomic():
        user.set_password(password)
        user.password_changed_at = timezone.now()
        user.must_change_password = temporary
        user.save(update_fields=["password", "password_changed_at", "must_change_password"])
        _revoke_tokens(user, reason="password changed", actor=actor or user)  # a new password ends old API access
        audit_write(action="accounts.password.set", obj=user, actor=actor or user, after={"temporary": temporary})


def check_password_reset_allowed(actor: User | None, user: User) -> None:
    """Who may give `user` a new initial password.

    A business account: the system administrator. An administrator account: only an administrator of a different
    role who manages accounts or security (the system administrator for the security and audit administrators, the
    security administrator for the system administrator), never somebody holding the same administrator role."""
    if actor is None:
        return
    _refuse_self(actor, user, _("Change your own password on the password page, not here."))
    target_roles = user.admin_roles()
    if not target_roles:
        _require(actor, "accounts.manage")
    elif not (actor.has_capability("accounts.manage") or actor.has_capability("accounts.grant")) \
            or actor.admin_roles() & target_roles:
        raise PermissionDenied(
            _("The password of an administrator account (%(roles)s) is reset only by an administrator of a "
              "different role.") % {"roles": "、".join(str(Role(r).label) for r in sorted(target_roles))})
    if otp.required_for(user) and _reset_by_same_actor_since_sign_in(actor, user, "accounts.otp.reset"):
        raise PermissionDenied(_("You reset this account's two-factor sign-in since it last signed in; its password "
                                 "must be set by another administrator, so that nobody alone can take the account "
                                 "over."))


def notify(*, user: User, kind: str, by: str) -> None:
    """Tell the account itself and every audit administrator that one of its credentials was reset by `by`."""
    auditors = User.objects.filter(is_active=True, grants__role=Role.AUDIT_ADMIN).exclude(pk=user.pk).distinct()
    params = {"account": user.username, "by": by,
              "at": timezone.localtime().strftime("%Y-%m-%d %H:%M")}
    Notice.objects.bulk_create([Notice(recipient=recipient, kind=kind, params=params)
                                for recipient in [user, *auditors]])


def notify_password_reset(*, user: User, by: str) -> None:
    notify(user=user, kind=Notice.Kind.ADMIN_PASSWORD_RESET, by=by)


def password_reset(*, user: User, password: str, actor: User | None) -> None:
    """An administrator gives an account a new initial password, to be changed at the next login.

    Resetting an administrator account is audited as such and notified to the account itself and to every audit
    administrator; its second factor is kept, so whoever set the password still cannot sign in as that account."""
    check_password_reset_allowed(actor, user)
    with transaction.atomic():
        password_set(user=user, password=password, actor=actor, temporary=True)
        admin_roles = sorted(user.admin_roles())
        if admin_roles:
            by = actor.username if actor is not None else _("the server console")
            audit_write(action="accounts.password.reset_admin", obj=user, actor=actor or SYSTEM,
                        after={"roles": admin_roles, "by": getattr(actor, "username", "")})
            notify_password_reset(user=user, by=by)


@transaction.atomic
def user_add(*, username: str, password: str | None = None, display_name: str = "",
             role: str | None = None, region_code: str | None = None,
             grants: Sequence[tuple[str, str]] = (), organization: str | None = None,
             actor: User | None = None) -> User:
    """Create an account, optionally with grants ((role, region code) pairs; `role` + `region_code` is one more).

    With `organization` (a unified social credit code) the account is that organization's own account: its one
    role is org_account and its region follows the organization (a region given must match it).
    Its first login must change the password. One transaction: if any grant is refused, no account is created."""
    _require(actor, "accounts.manage")
    all_grants = list(grants) + ([(role, region_code)] if role is not None or region_code is not None else [])
    org = resolve_organization(organization) if organization else None
    resolved = [(resolve_role(r), _grant_region(resolve_role(r), code, org)) for r, code in all_grants]
    for _role, region in resolved:
        # Creating an account with roles is also granting them: the system administrator alone may not do it.
        _require(actor, "accounts.grant", region.code)
    return _create_account(username=username, password=password, display_name=display_name, organization=org,
                           grants=resolved, actor=actor)


def _create_account(*, username: str, password: str | None, display_name: str = "", organization=None,
                    grants: Sequence[tuple[Role, Region]] = (), actor: User | None) -> User:
    username = (username or "").strip()
    if not username:
        raise ValidationError({"username": _("The user name must not be empty.")}, code="empty_username")
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError({"username": _("A user named “%(name)s” already exists.") % {"name": username}},
                              code="duplicate")
    user = User(username=username, display_name=display_name.strip(), must_change_password=True,
                organization=organization)
    user.full_clean(exclude=["password", "organization"])  # user-name characters and lengths, keyed by field
    if password:
        try:
            validate_password(password, user)
        except ValidationError as error:
            raise ValidationError({"password": error.messages}, code="weak_password") from None
        user.set_password(password)
        user.password_changed_at = timezone.now()
    else:
        user.set_unusable_password()
    user.save()
    audit_write(action="accounts.user.add", obj=user, actor=actor or SYSTEM,
                after={"username": username, "display_name": user.display_name,
                       **({"organization": organization.uscc} if organization else {})})
    for role_value, region in grants:
        _grant(user=user, role=role_value, region=region, actor=actor)
    return user


def user_set_active(*, user: User, active: bool, actor: User | None) -> None:
    """Deactivate (or reactivate) an account. Accounts are never deleted: the audit log refers to them."""
    _require(actor, "accounts.manage")
    _refuse_self(actor, user, _("You cannot deactivate your own account."))
    with transaction.atomic():
        _lock(user)
        if user.is_active == active:
            return
        user.is_active = active
        user.save(update_fields=["is_active"])
        if not active:
            _revoke_tokens(user, reason="deactivated", actor=actor)  # a deactivated account keeps no API access
        audit_write(action="accounts.user.activate" if active else "accounts.user.deactivate", obj=user,
                    actor=actor or SYSTEM, before={"is_active": not active}, after={"is_active": active})


@transaction.atomic
def role_grant(*, user: User, role: str, region_code: str, actor: User | None = None) -> RoleGrant:
    role_value = resolve_role(role)
    region = resolve_region(region_code)
    _require(actor, "accounts.grant", region.code)
    _refuse_self(actor, user, _("You cannot change your own roles; ask another security administrator."))
    return _grant(user=user, role=role_value, region=region, actor=actor)


def _grant(*, user: User, role: Role, region: Region, actor: User | None) -> RoleGrant:
    _lock(user)
    check_admin_separation(user, role)
    check_organization_binding(user, role)
    if role == Role.ORG_ACCOUNT:
        region = _grant_region(role, region.code, user.organization)
    granted_by = actor if getattr(actor, "pk", None) else None
    grant, created = RoleGrant.objects.get_or_create(
        user=user, role=role, region=region, defaults={"granted_by": granted_by}
    )
    if created:
        audit_write(action="accounts.grant.add", obj=user, actor=actor or SYSTEM,
                    after={"role": role.value, "region": region.code})
    user.forget_grants()
    return grant


@transaction.atomic
def role_revoke(*, grant: RoleGrant, actor: User | None = None) -> None:
    user = grant.user
    _require(actor, "accounts.grant", grant.region_id)
    _refuse_self(actor, user, _("You cannot change your own roles; ask another security administrator."))
    _lock(user)
    audit_write(action="accounts.grant.remove", obj=user, actor=actor or SYSTEM,
                before={"role": grant.role, "region": grant.region_id})
    grant.delete()
    user.forget_grants()


def locked_usernames(usernames=None) -> set[str]:
    """User names now locked by the login-failure limit (axes' rule: failures within the cool-off period)."""
    failures: dict[str, int] = {}
    for username, count in recent_attempts(usernames).values_list("username", "failures_since_start"):
        failures[username] = failures.get(username, 0) + count
    return {name for name, count in failures.items() if count >= settings.AXES_FAILURE_LIMIT}


def recent_attempts(usernames=None):
    """axes' failure counters still inside the cool-off period, optionally for some user names only."""
    attempts = AccessAttempt.objects.filter(attempt_time__gte=timezone.now() - settings.AXES_COOLOFF_TIME)
    return attempts if usernames is None else attempts.filter(username__in=list(usernames))


def login_unlock(*, username: str, actor: User | None) -> int:
    """Clear the login failures of a user name (the security administrator's unlock); returns how many were cleared."""
    _require(actor, "accounts.unlock")
    with transaction.atomic():
        count = axes_reset(username=username)
        user = User.objects.filter(username=username).first()
        audit_write(action="accounts.login.unlock", obj=user, actor=actor or SYSTEM, object_type="accounts.user",
                    object_repr=username, after={"cleared_attempts": count})
    return count


def token_create(*, user: User, actor: User | None = None, expires_days: int | None = None) -> str:
    """Issue a fresh API token and return its key (shown once; only its digest is stored). An earlier token is
    replaced: one token per account keeps revocation simple. `expires_days` limits its life."""
    if not user.is_active:
        raise ValidationError({"username": _("The account “%(name)s” is deactivated.") % {"name": user.username}})
    if expires_days is not None and not 1 <= expires_days <= 3660:
        raise ValidationError({"expires_days": _("The token's life must be between 1 and 3660 days; got %(n)s.")
                               % {"n": expires_days}})
    key = secrets.token_hex(20)
    expires_at = timezone.now() + datetime.timedelta(days=expires_days) if expires_days else None
    with transaction.atomic():
        ApiToken.objects.filter(user=user).delete()
        ApiToken.objects.create(user=user, digest=ApiToken.digest_of(key), prefix=key[:8], expires_at=expires_at)
        audit_write(action="accounts.token.create", obj=user, actor=actor or SYSTEM,
                    after={"prefix": key[:8], "expires_at": expires_at})
    return key


def token_revoke(*, user: User, actor: User | None = None) -> bool:
    """Revoke the account's API token (socorg revoke-token); returns whether there was one."""
    with transaction.atomic():
        return _revoke_tokens(user, reason="revoked", actor=actor)


def _revoke_tokens(user: User, *, reason: str, actor) -> bool:
    prefixes = list(ApiToken.objects.filter(user=user).values_list("prefix", flat=True))
    if not prefixes:
        return False
    ApiToken.objects.filter(user=user).delete()
    audit_write(action="accounts.token.revoke", obj=user, actor=actor or SYSTEM,
                before={"prefix": prefixes[0]}, after={"reason": reason})
    return True


# --- organizations' own accounts, issued in bulk by bureau staff ---------------------------------------------------

ORG_ACCOUNT_CAPABILITY = "registry.org_accounts"
_PASSWORD_ALPHABETS = ("abcdefghijkmnpqrstuvwxyz", "ABCDEFGHJKLMNPQRSTUVWXYZ", "23456789", "!#%+-=?@")


def one_time_password(length: int = 12) -> str:
    """A random initial password meeting the policy (every character class, no look-alike characters, no run of
    neighbouring keys)."""
    while True:
        password = _random_password(length)
        if keyboard_run(password) is None:
            return password


def _random_password(length: int) -> str:
    rng = secrets.SystemRandom()
    chars = [rng.choice(alphabet) for alphabet in _PASSWORD_ALPHABETS]
    pool = "".join(_PASSWORD_ALPHABETS)
    chars += [rng.choice(pool) for _ in range(length - len(chars))]
    rng.shuffle(chars)
    # Start with a letter: a leading symbol would be read as a formula (or quoted away) in the workbook.
    first = next(i for i, c in enumerate(chars) if c.isalpha())
    chars[0], chars[first] = chars[first], chars[0]
    return "".join(chars)


@dataclass(frozen=True)
class IssuedAccount:
    organization: object
    username: str
    password: str


@transaction.atomic
def org_accounts_issue(*, usccs: Sequence[str], actor: User | None) -> list[IssuedAccount]:
    """Create the own account (role org_account) of each listed organization, with a one-time password to be
    changed at the first login. All or nothing: every problem of the list is reported at once, keyed by line
    ("line 3: …"), and nothing is created if any line is refused. The user name is the credit code."""
    codes = [(n, (line or "").strip()) for n, line in enumerate(usccs, 1) if (line or "").strip()]
    if not codes:
        raise ValidationError({"organizations": _("List at least one unified social credit code, one per line.")},
                              code="empty")
    problems, organizations, seen = [], [], {}
    for n, code in codes:
        try:
            org = resolve_organization(code, field="organizations", actor=actor)
        except ValidationError as error:
            problems.append(_("line %(n)d: %(problem)s") % {"n": n, "problem": " ".join(error.messages)})
            continue
        if org.pk in seen:
            problems.append(_("line %(n)d: %(uscc)s is listed twice (also on line %(first)d).")
                            % {"n": n, "uscc": org.uscc, "first": seen[org.pk]})
        elif User.objects.filter(username__iexact=org.uscc).exists() or org.accounts.filter(is_active=True).exists():
            problems.append(_("line %(n)d: %(name)s (%(uscc)s) already has its own account.")
                            % {"n": n, "name": org.name, "uscc": org.uscc})
        else:
            seen[org.pk] = n
            organizations.append(org)
    if problems:
        raise ValidationError({"organizations": problems}, code="invalid_list")
    issued = []
    for org in organizations:
        password = one_time_password()
        _create_account(username=org.uscc, password=password, display_name=org.name[:64], organization=org,
                        grants=[(Role.ORG_ACCOUNT, org.authority_region)], actor=actor)
        issued.append(IssuedAccount(organization=org, username=org.uscc, password=password))
    audit_write(action="accounts.org_accounts.issue", obj=None, actor=actor or SYSTEM, object_type="accounts.user",
                object_repr=_("%(count)d organization accounts") % {"count": len(issued)},
                after={"organizations": [a.username for a in issued]})
    return issued


# --- two-factor sign-in (TOTP + recovery codes; rules in otp.py) ---------------------------------------------------

# A full sign-in with the second factor: after one, a password reset and a second-factor reset are independent again.
_SECOND_FACTOR_SIGN_INS = ("accounts.login.otp", "accounts.otp.enrol")


def otp_enrol_start(*, user: User) -> TOTPDevice:
    """The authenticator being enrolled: an unconfirmed TOTP device with a fresh secret (an earlier unconfirmed one is
    kept, so reloading the page shows the same QR code). Refused while a confirmed one exists: it is replaced only
    after an administrator of another role reset it."""
    if otp.is_enrolled(user):
        raise ValidationError({"token": _("Two-factor sign-in is already set up for this account. To move it to a "
                                          "new phone, ask an administrator of another role to reset it.")},
                              code="otp_enrolled")
    device = otp.authenticator(user, confirmed=False)
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=_("Authenticator app"), confirmed=False)
    return device


def _new_recovery_codes(user: User) -> list[str]:
    """Replace the account's recovery codes with SOCORG_2FA_RECOVERY_CODES fresh single-use ones; returns them (they
    are shown once)."""
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=_("Recovery codes"), confirmed=True)
    codes = set()
    while len(codes) < settings.SOCORG_2FA_RECOVERY_CODES:
        codes.add(StaticToken.random_token())
    StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in sorted(codes)])
    return sorted(codes)


def otp_enrol_confirm(*, user: User, device: TOTPDevice, token: str) -> list[str]:
    """Confirm the authenticator with a code it shows; returns the new recovery codes. Audited."""
    code = otp.normalize_code(token)
    if not (code.isdigit() and len(code) == device.digits):
        raise ValidationError({"token": _("Enter the 6-digit code your authenticator app shows for this account.")},
                              code="otp_format")
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().get(pk=device.pk, user=user, confirmed=False)
        allowed, why = device.verify_is_allowed()
        if not allowed and why and why.get("locked_until"):
            raise ValidationError({"token": _throttled_message(why)}, code="otp_throttled")
        verified = device.verify_token(code)
        if verified:
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
            codes = _new_recovery_codes(user)
            audit_write(action="accounts.otp.enrol", obj=user, actor=user,
                        after={"device": "totp", "recovery_codes": len(codes)})
    if not verified:
        raise ValidationError({"token": _("The code does not match. Check that the phone's clock is right and enter "
                                          "the code shown now (it changes every 30 seconds).")},
                              code="otp_mismatch")
    return codes


def _throttled_message(why: dict) -> str:
    wait = max(1, int((why["locked_until"] - timezone.now()).total_seconds() + 0.999))
    return _("Too many wrong codes: wait %(seconds)d seconds, then try again.") % {"seconds": wait}


def otp_verify(*, user: User, token: str):
    """The second sign-in step: a code from the authenticator, or one unused recovery code (then spent). Returns the
    device that accepted it. Every attempt is audited; failures slow further attempts down (1, 2, 4 … seconds)."""
    code = otp.normalize_code(token)
    if not code:
        raise ValidationError({"token": _("Enter the code from your authenticator app or a recovery code.")},
                              code="required")
    is_totp = code.isdigit() and len(code) == 6
    model = TOTPDevice if is_totp else StaticDevice
    with transaction.atomic():
        device = model.objects.select_for_update().filter(user=user, confirmed=True).order_by("pk").first()
        allowed, why = device.verify_is_allowed() if device is not None else (True, None)
        if not allowed and why and why.get("locked_until"):
            audit_write(action="accounts.login.otp_failed", obj=user, actor=unauthenticated(user.username),
                        after={"method": "totp" if is_totp else "recovery", "reason": "throttled"})
            throttled = _throttled_message(why)
        else:
            throttled = None
            verified = device is not None and device.verify_token(code)
            method = "totp" if is_totp else "recovery"
            if verified:
                left = otp.recovery_codes_left(user)
                audit_write(action="accounts.login.otp", obj=user, actor=user,
                            after={"method": method, **({"recovery_codes_left": left} if not is_totp else {})})
            else:
                audit_write(action="accounts.login.otp_failed", obj=user, actor=unauthenticated(user.username),
                            after={"method": method, "reason": "wrong_code"})
    if throttled:
        raise ValidationError({"token": throttled}, code="otp_throttled")
    if not verified:
        raise ValidationError({"token": _("The code is wrong or was already used. Enter the 6 digits your "
                                          "authenticator app shows now, or one unused recovery code.")},
                              code="otp_mismatch")
    return device


def otp_recovery_regenerate(*, user: User) -> list[str]:
    """New recovery codes for the account (the old ones stop working); returns them, shown once. Audited."""
    if not otp.is_enrolled(user):
        raise ValidationError({"token": _("Set up two-factor sign-in first.")}, code="otp_not_enrolled")
    with transaction.atomic():
        codes = _new_recovery_codes(user)
        audit_write(action="accounts.otp.recovery_codes", obj=user, actor=user, after={"recovery_codes": len(codes)})
    return codes


def _reset_by_same_actor_since_sign_in(actor: User, user: User, action: str) -> bool:
    """Did `actor` do `action` to `user` since the account last signed in with its second factor?"""
    from socorg.core.models import AuditEntry

    entries = AuditEntry.objects.filter(object_type="accounts.user", object_id=str(user.pk))
    last = entries.filter(action__in=_SECOND_FACTOR_SIGN_INS).order_by("-seq").values_list("seq", flat=True).first()
    done = entries.filter(action=action, actor=actor)
    return (done.filter(seq__gt=last) if last is not None else done).exists()


def check_otp_reset_allowed(actor: User | None, user: User) -> None:
    """Who may reset `user`'s two-factor sign-in (三员分立, as for passwords): an administrator account's only an
    administrator of a different role who manages accounts or security; a business account's the system or the
    security administrator; never one's own. An account that must use two factors never has its password and its
    second factor reset by the same person before it signed in with both again (either alone gives no way in)."""
    if actor is None:
        return
    _refuse_self(actor, user, _("You cannot reset your own two-factor sign-in; ask an administrator of another "
                                "role."))
    target_roles = user.admin_roles()
    if target_roles:
        if not (actor.has_capability("accounts.manage") or actor.has_capability("accounts.grant")) \
                or actor.admin_roles() & target_roles:
            raise PermissionDenied(
                _("The two-factor sign-in of an administrator account (%(roles)s) is reset only by an administrator "
                  "of a different role.") % {"roles": "、".join(str(Role(r).label) for r in sorted(target_roles))})
    elif not (actor.has_capability("accounts.manage") or actor.has_capability("accounts.unlock")):
        raise PermissionDenied(_("You do not have permission for this action."))
    if otp.required_for(user) and _reset_by_same_actor_since_sign_in(actor, user, "accounts.password.set"):
        raise PermissionDenied(_("You set this account's password since it last signed in; its two-factor sign-in "
                                 "must be reset by another administrator, so that nobody alone can take the account "
                                 "over."))


def otp_reset(*, user: User, actor: User | None) -> None:
    """Remove the account's authenticator and recovery codes (lost phone): at its next sign-in it enrols again (an
    administrator must). Audited and notified to the account and every audit administrator."""
    check_otp_reset_allowed(actor, user)
    with transaction.atomic():
        _lock(user)
        if not (TOTPDevice.objects.filter(user=user).exists() or StaticDevice.objects.filter(user=user).exists()):
            raise ValidationError({"otp": _("%(name)s has not set up two-factor sign-in; there is nothing to reset.")
                                   % {"name": user.username}}, code="otp_not_enrolled")
        TOTPDevice.objects.filter(user=user).delete()
        StaticDevice.objects.filter(user=user).delete()
        audit_write(action="accounts.otp.reset", obj=user, actor=actor or SYSTEM,
                    after={"roles": sorted(user.admin_roles()), "by": getattr(actor, "username", "")})
        by = actor.username if actor is not None else _("the server console")
        notify(user=user, kind=Notice.Kind.OTP_RESET, by=by)
