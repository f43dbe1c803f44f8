"""Helpers shared by the party services: date checks, scoped look-ups (errors: core.errors.FieldErrors)."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from socorg.core.errors import FieldErrors
from socorg.core.scope import can
from socorg.regions.models import Region
from socorg.registry.choices import OrgStatus
from socorg.registry.models import SocialOrganization


def check_not_future(errors: FieldErrors, field: str, day: datetime.date | None) -> None:
    # Coverage flags and member counts are maintained on write, so a date that takes effect later would never
    # be picked up: the platform records what has happened, not what is planned.
    if day and day > timezone.localdate():
        errors.add(field, _("The date %(date)s lies in the future; enter a date up to today.") % {"date": day})


def check_order(errors: FieldErrors, field: str, later, earlier, earlier_label: str) -> None:
    if later and earlier and later < earlier:
        errors.add(field, _("The date %(date)s is before %(label)s (%(other)s); expected a date on or after it.")
                   % {"date": later, "label": earlier_label, "other": earlier})


def require_region(actor, capability: str, region_code: str) -> None:
    """Writes into a region outside the actor's scope are refused (403) before anything is written."""
    if not can(actor, capability, region_code):
        raise PermissionDenied(_("You may not make changes in region %(code)s: it lies outside your scope.")
                               % {"code": region_code})


def resolve_region(code: str | Region | None) -> Region | None:
    if code is None or isinstance(code, Region):
        return code
    code = str(code).strip()
    if not code:
        return None
    region = Region.objects.filter(code=code).first()
    if region is None:
        raise ValidationError({"region": _("Unknown region code “%(code)s”: expected a 6-digit GB/T 2260 code such "
                                           "as 530102.") % {"code": code}})
    return region


def resolve_organization(uscc: str, actor, field: str = "organization") -> SocialOrganization:
    """The social organization with this USCC among those the actor may see (others are reported as unknown)."""
    uscc = (uscc or "").strip().upper()
    if not uscc:
        raise ValidationError({field: _("Enter the unified social credit code (18 characters) of the organization.")})
    org = SocialOrganization.objects.visible_to(actor, "view").filter(uscc=uscc).first()
    if org is None:
        raise ValidationError({field: _("No social organization with the code %(uscc)s exists in your regions.")
                               % {"uscc": uscc}})
    return org


def visible_organization_ids(actor, orgs) -> set[int]:
    ids = [o.pk for o in orgs]
    return set(SocialOrganization.objects.visible_to(actor, "view").filter(pk__in=ids).values_list("pk", flat=True))


def check_org_open(errors: FieldErrors, field: str, org: SocialOrganization) -> None:
    if org.status != OrgStatus.ACTIVE:
        errors.add(field, _("%(name)s (%(uscc)s) is %(status)s; only organizations in normal status can be "
                            "covered or assigned.") % {"name": org.name, "uscc": org.uscc,
                                                        "status": org.get_status_display()})
