"""Who is responsible for an organization's party building (党建工作管理关系), with history.

Rules (docs/domain.md, "Responsible party body"):
- a body is one of four kinds (综合党委, 行业党委, 业务主管单位党组织, 属地街道乡镇党委) and sits in a region;
- an organization has at most one responsible body at a time; a hand-over (e.g. 脱钩, when an industry association
  leaves its supervising unit) ends the current responsibility the day the new body takes over: history is kept;
- the day a body takes over may not lie in the future, nor before the current responsibility started;
- the actor needs party.change over the organization's region and over the body's region.
"""

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from socorg.core.audit import audit_write
from socorg.core.errors import FieldErrors
from socorg.core.scope import ensure_in_scope
from socorg.registry.models import SocialOrganization

from ..choices import ResponsibleBodyKind
from ..models import Responsibility, ResponsibleBody
from ._common import check_not_future, require_region, resolve_region


@transaction.atomic
def responsible_body_create(*, name: str, kind: str, region, actor) -> ResponsibleBody:
    region = resolve_region(region)
    errors = FieldErrors()
    name = (name or "").strip()
    if not name:
        errors.add("name", _("Enter the body's full name, e.g. 云南省社会组织综合党委."))
    elif ResponsibleBody.objects.filter(name=name).exists():
        errors.add("name", _("A responsible party body named “%(name)s” already exists.") % {"name": name})
    if kind not in ResponsibleBodyKind.values:
        errors.add("kind", _("Unknown kind “%(value)s”: expected one of %(choices)s.")
                   % {"value": kind, "choices": ", ".join(ResponsibleBodyKind.values)})
    if region is None:
        errors.add("region", _("Enter the region the body sits in (a 6-digit GB/T 2260 code)."))
    errors.raise_if_any()
    require_region(actor, "party.change", region.code)
    body = ResponsibleBody.objects.create(name=name, kind=kind, region=region)
    audit_write(action="party.responsible_body.create", obj=body, actor=actor,
                after={"name": name, "kind": kind, "region": region.code})
    ensure_in_scope(actor, body)
    return body


@transaction.atomic
def responsibility_hand_over(*, organization: SocialOrganization, body: ResponsibleBody, actor,
                             start_on: datetime.date | None = None, reason: str = "") -> Responsibility:
    """`body` takes over `organization`'s party building on `start_on` (default today); the current
    responsibility, if any, ends that day."""
    require_region(actor, "party.change", organization.authority_region_id)
    require_region(actor, "party.change", body.region_id)
    start_on = start_on or timezone.localdate()
    current = (Responsibility.objects.select_for_update().filter(organization=organization, end_on__isnull=True)
               .select_related("body").first())
    errors = FieldErrors()
    check_not_future(errors, "start_on", start_on)
    if current is not None and current.body_id == body.pk:
        errors.add("body", _("%(body)s has been responsible for %(org)s since %(date)s already.")
                   % {"body": body.name, "org": organization.name, "date": current.start_on})
    elif current is not None and start_on <= current.start_on:
        errors.add("start_on", _("%(body)s took over on %(date)s; the hand-over must come after that day.")
                   % {"body": current.body.name, "date": current.start_on})
    errors.raise_if_any()
    if current is not None:
        current.end_on = start_on
        current.save(update_fields=["end_on"])
    responsibility = Responsibility.objects.create(organization=organization, body=body, start_on=start_on,
                                                   reason=(reason or "").strip()[:200])
    audit_write(action="party.responsibility.hand_over", obj=responsibility, actor=actor,
                before={"body": current.body.name if current else None},
                after={"organization": organization.uscc, "body": body.name, "start_on": start_on,
                       "reason": responsibility.reason})
    return responsibility
