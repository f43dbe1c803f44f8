import hashlib

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .roles import ADMIN_ROLES, Role, capabilities_of


class User(AbstractUser):
    """An account. Business rights come only from RoleGrant rows, never from Django's is_staff/superuser flags."""

    display_name = models.CharField(_("display name"), max_length=64, blank=True)
    must_change_password = models.BooleanField(_("must change password"), default=True)
    password_changed_at = models.DateTimeField(_("password changed at"), null=True, blank=True)
    organization = models.ForeignKey(
        "registry.SocialOrganization", verbose_name=_("social organization"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="accounts",
        help_text=_("Set for a social organization's own account (role org_account): it sees and changes only this "
                    "organization's records."))

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self):
        return self.display_name or self.username

    # Grants are read once per request object and cached on it: scope checks run many times per page.
    def active_grants(self) -> list["RoleGrant"]:
        if not hasattr(self, "_grants_cache"):
            self._grants_cache = list(self.grants.select_related("region").all())
        return self._grants_cache

    def forget_grants(self) -> None:
        self.__dict__.pop("_grants_cache", None)
        self.__dict__.pop("_body_orgs_cache", None)

    def roles(self) -> set[str]:
        return {g.role for g in self.active_grants()}

    def scope_prefixes(self, capability: str) -> list[str]:
        """Region prefixes through which the user holds `capability`. An organization's own account (org_account)
        holds its rights over one organization, not over a region, and a grant over a responsible party body over
        the organizations that body is responsible for: see scope_organizations()."""
        return [g.region.scope_prefix for g in self.active_grants()
                if g.role != Role.ORG_ACCOUNT and g.responsible_body_id is None
                and capability in capabilities_of(g.role)]

    def scope_bodies(self, capability: str) -> set[int]:
        """Responsible party bodies (ids) through whose grants the user holds `capability`: reading rights only
        (a 行业党委's staff read the organizations it is responsible for across regions; changes stay with region
        grants)."""
        if not capability.endswith(".view"):
            return set()
        return {g.responsible_body_id for g in self.active_grants()
                if g.responsible_body_id is not None and capability in capabilities_of(g.role)}

    def scope_organizations(self, capability: str) -> set[int]:
        """Social organizations (ids) through which the user holds `capability`: its own, for an org_account; those
        a granted responsible party body is responsible for today (scope_bodies)."""
        organizations = set()
        if self.organization_id is not None and any(
                g.role == Role.ORG_ACCOUNT and capability in capabilities_of(g.role) for g in self.active_grants()):
            organizations.add(self.organization_id)
        bodies = self.scope_bodies(capability)
        if bodies:
            from socorg.party.models import Responsibility

            cache = self.__dict__.setdefault("_body_orgs_cache", {})
            key = frozenset(bodies)
            if key not in cache:
                cache[key] = set(Responsibility.objects.active_on().filter(body_id__in=bodies)
                                 .values_list("organization_id", flat=True))
            organizations |= cache[key]
        return organizations

    def has_capability(self, capability: str) -> bool:
        return bool(self.scope_prefixes(capability) or self.scope_organizations(capability))

    def scope_regions(self, capability: str = "regions.view"):
        """Top regions of the user's scope for a capability (the roots the region picker offers)."""
        regions = {g.region.code: g.region for g in self.active_grants()
                   if g.responsible_body_id is None and capability in capabilities_of(g.role)}
        return [r for code, r in sorted(regions.items())
                if not any(code != other and code.startswith(regions[other].scope_prefix) for other in regions)]

    def home_region(self, capability: str):
        """The region a page of figures opens on for this user: their one top region for `capability`, else (several
        roots, or none) the nation."""
        from socorg.regions.models import Region

        roots = self.scope_regions(capability)
        return roots[0] if len(roots) == 1 else Region.objects.get(code="100000")

    def admin_roles(self) -> set[str]:
        return self.roles() & ADMIN_ROLES

    def password_expired(self, max_age_days: int) -> bool:
        if not self.password_changed_at or max_age_days <= 0:
            return False
        return (timezone.now() - self.password_changed_at).days >= max_age_days


class RoleGrant(models.Model):
    """A role over a region's subtree: the unit of authorization."""

    user = models.ForeignKey(User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="grants")
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    region = models.ForeignKey("regions.Region", verbose_name=_("region"), on_delete=models.PROTECT,
                               related_name="+")
    responsible_body = models.ForeignKey(
        "party.ResponsibleBody", verbose_name=_("responsible party body"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
        help_text=_("Set to grant the role's reading rights over the organizations this body is responsible for "
                    "(in any region) instead of over the region's subtree; the region is then the body's."))
    granted_at = models.DateTimeField(_("granted at"), default=timezone.now)
    granted_by = models.ForeignKey(User, verbose_name=_("granted by"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("role grant")
        verbose_name_plural = _("role grants")
        constraints = [
            models.UniqueConstraint(fields=["user", "role", "region"], condition=models.Q(responsible_body=None),
                                    name="unique_role_grant"),
            models.UniqueConstraint(fields=["user", "role", "responsible_body"],
                                    condition=models.Q(responsible_body__isnull=False),
                                    name="unique_role_grant_body"),
        ]

    def __str__(self):
        return f"{self.user} · {self.get_role_display()} · {self.responsible_body or self.region}"


class Notice(models.Model):
    """A security notice for an account (e.g. "your password was reset by …"), shown once at its next sign-in and
    kept for the record."""

    class Kind(models.TextChoices):
        ADMIN_PASSWORD_RESET = "admin_password_reset", _("Administrator password reset")
        OTP_RESET = "otp_reset", _("Two-factor sign-in reset")

    recipient = models.ForeignKey(User, verbose_name=_("recipient"), on_delete=models.CASCADE,
                                  related_name="notices")
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    params = models.JSONField(_("details"), default=dict)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    seen_at = models.DateTimeField(_("seen at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notice")
        verbose_name_plural = _("notices")
        indexes = [models.Index(fields=["recipient", "seen_at"])]

    def __str__(self):
        return self.text()

    def text(self) -> str:
        if self.kind == self.Kind.ADMIN_PASSWORD_RESET:
            return _("The password of the administrator account “%(account)s” was reset by %(by)s at %(at)s. "
                     "If this was not agreed, tell the security and audit administrators at once.") % self.params
        if self.kind == self.Kind.OTP_RESET:
            return _("The two-factor sign-in of the account “%(account)s” was reset by %(by)s at %(at)s: it sets up an "
                     "authenticator again at its next sign-in. If this was not agreed, tell the security and audit "
                     "administrators at once.") % self.params
        return str(self.get_kind_display())


class ApiToken(models.Model):
    """An API token. Only a SHA-256 digest of the key is stored: the key itself is shown once, when issued.

    One token per account (a new one replaces the old); revoked on password change or reset and on deactivation;
    optionally expiring."""

    user = models.OneToOneField(User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="api_token")
    digest = models.CharField(_("key digest"), max_length=64, unique=True)
    prefix = models.CharField(_("key prefix"), max_length=8, help_text=_("The first characters, to tell keys apart."))
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self):
        return f"{self.user} · {self.prefix}…"

    @staticmethod
    def digest_of(key: str) -> str:
        return hashlib.sha256(key.encode()).hexdigest()

    @property
    def expired(self) -> bool:
        return self.expires_at is not None and self.expires_at <= timezone.now()
