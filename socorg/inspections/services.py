"""Random inspections: plan → commit (pool frozen, SHA-256 published) → draw (socorg-draw-v1) → inspections →
close (results published). Every service: check scope → lock → validate (all problems at once, as field errors) →
change → audit. Pages, the API and the commands call these; the rules live in inspections.rules and the draw in
inspections.draw.

Who: the registration authority's staff (inspections.change over the plan's region) plan, commit, draw, record
inspections and close; anyone may read a drawn plan's proof and a closed plan's results."""

import bisect
import datetime
import json
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from socorg.activities.attachments import validate_upload
from socorg.core.audit import audit_write, snapshot
from socorg.core.scope import can, in_subtree
from socorg.party.models import InstructorAssignment, active_on
from socorg.regions.models import Region
from socorg.registry import rules as registry_rules
from socorg.registry.choices import REGISTERED_STATUSES, AuthorityLevel, Category, OrgType
from socorg.registry.models import SocialOrganization

from . import draw, rules
from .choices import InspectionResult, PlanStatus
from .models import (
    ConflictDeclaration,
    Inspection,
    InspectionDocument,
    InspectionPlan,
    InspectorAccount,
    PlanInspector,
    PlanPool,
    Selection,
)

LEVEL_ORDER = [AuthorityLevel.NATIONAL, AuthorityLevel.PROVINCE, AuthorityLevel.PREFECTURE, AuthorityLevel.COUNTY]
PLAN_AUDITED = ("name", "year", "region", "level", "org_types", "categories", "registered_before", "active_only",
                "share", "count", "below_minimum_reason", "items", "per_org", "max_per_inspector", "status",
                "pool_sha256", "pool_size", "n", "committed_at", "public_value", "seed", "drawn_at", "closed_at",
                "cancelled_at", "cancel_reason")
INSPECTION_AUDITED = ("inspected_on", "checklist", "findings", "result", "rectification_order",
                      "rectification_deadline", "rectified_on")
STREAM_CHUNK = 20_000
INSERT_BATCH = 5_000


def min_share_overrides() -> dict:
    return getattr(settings, "SOCORG_INSPECTION_MIN_SHARES", {}) or {}


def _require(actor, region_code: str, capability: str = "inspections.change") -> None:
    if not can(actor, capability, region_code):
        raise PermissionDenied(_("You may not do this in this region: it lies outside your scope."))


def _text(errors: dict, field: str, value, *, label: str, max_length: int, required: bool = False) -> str:
    try:
        return registry_rules.text(value, label=label, max_length=max_length, required=required)
    except ValidationError as error:
        errors[field] = error.messages[0]
        return ""


def _errors_of(error: ValidationError) -> dict[str, str]:
    return {field: messages[0] for field, messages in error.message_dict.items()}


# --- the inspector roster ----------------------------------------------------------------------------------------

@transaction.atomic
def inspector_account_mark(*, user, unit: str, region: str, actor, name: str = "") -> InspectorAccount:
    """Mark a staff account as an inspector (put on the roster of `region`); marking again updates the unit."""
    region_obj = Region.objects.filter(code=(region or "").strip()).first()
    errors: dict[str, str] = {}
    if region_obj is None:
        errors["region"] = _("Choose the region of the roster.")
    else:
        _require(actor, region_obj.code)
    unit = _text(errors, "unit", unit, label=_("unit"), max_length=200, required=True)
    name = _text(errors, "name", name or str(user), label=_("person's name"), max_length=64, required=True)
    if user is None or not user.is_active:
        errors["username"] = _("No active account with this user name.")
    elif user.organization_id is not None or not (user.roles() - {"org_account", "viewer"}) or user.admin_roles():
        errors["username"] = _("Only bureau or party staff and instructors can be inspectors.")
    if errors:
        raise ValidationError(errors)
    mark = InspectorAccount.objects.select_for_update().filter(user=user).first()
    before = snapshot(mark, ("name", "unit", "region", "active")) if mark else None
    mark = mark or InspectorAccount(user=user)
    mark.name, mark.unit, mark.region, mark.active = name, unit, region_obj, True
    mark.save()
    audit_write(action="inspections.inspector.mark", obj=mark, actor=actor, before=before,
                after=snapshot(mark, ("name", "unit", "region", "active")))
    return mark


@transaction.atomic
def inspector_account_unmark(*, mark: InspectorAccount, actor) -> InspectorAccount:
    _require(actor, mark.region_id)
    mark = InspectorAccount.objects.select_for_update().get(pk=mark.pk)
    mark.active = False
    mark.save(update_fields=["active"])
    audit_write(action="inspections.inspector.unmark", obj=mark, actor=actor, after={"active": False})
    return mark


# --- plans -------------------------------------------------------------------------------------------------------

def population(*, region_code: str, level: str, org_types=(), categories=(), registered_before=None,
               active_only: bool = True):
    """The organizations a plan draws from: registered by the authority of `level` in the region's subtree, with
    the plan's filters. The pool is this set at the moment of the commit."""
    prefix = Region.objects.filter(code=region_code).values_list("scope_prefix", flat=True).first() or ""
    orgs = SocialOrganization.objects.filter(in_subtree("authority_region__code", prefix), authority_level=level)
    if org_types:
        orgs = orgs.filter(org_type__in=list(org_types))
    if categories:
        orgs = orgs.filter(category__in=list(categories))
    if registered_before:
        orgs = orgs.filter(registered_on__lt=registered_before)
    if active_only:
        orgs = orgs.filter(status__in=REGISTERED_STATUSES)
    return orgs


def plan_population(plan: InspectionPlan):
    return population(region_code=plan.region_id, level=plan.level, org_types=plan.org_types,
                      categories=plan.categories, registered_before=plan.registered_before,
                      active_only=plan.active_only)


def _parse_inspectors(entries, errors: dict) -> list[dict]:
    """[{name, unit} | {username}] → [{name, unit, account}], all problems named by position."""
    from socorg.accounts.models import User

    parsed, problems, seen_accounts, seen_people = [], [], set(), set()
    if not isinstance(entries, list | tuple) or not entries:
        errors["inspectors"] = _("List the inspectors of the pool: staff marked as inspectors (by user name) or "
                                 "outside experts (name and unit).")
        return []
    for position, entry in enumerate(entries, start=1):
        if not isinstance(entry, dict):
            problems.append(_("No. %(n)d: give a user name, or a name and a unit.") % {"n": position})
            continue
        username = str(entry.get("username") or "").strip()
        if username:
            user = User.objects.filter(username=username, is_active=True).first()
            mark = InspectorAccount.objects.filter(user=user, active=True).first() if user else None
            if mark is None:
                problems.append(_("No. %(n)d: “%(username)s” is not an account marked as an inspector.")
                                % {"n": position, "username": username})
            elif mark.pk in seen_accounts:
                problems.append(_("No. %(n)d: “%(username)s” is already in the pool.")
                                % {"n": position, "username": username})
            else:
                seen_accounts.add(mark.pk)
                parsed.append({"name": mark.name, "unit": mark.unit, "account": mark})
            continue
        local: dict[str, str] = {}
        name = _text(local, "name", entry.get("name"), label=_("person's name"), max_length=64, required=True)
        unit = _text(local, "unit", entry.get("unit"), label=_("unit"), max_length=200, required=True)
        if local:
            problems.extend(_("No. %(n)d: %(problem)s") % {"n": position, "problem": p} for p in local.values())
        elif (name, unit) in seen_people:
            problems.append(_("No. %(n)d: %(name)s (%(unit)s) is already in the pool.")
                            % {"n": position, "name": name, "unit": unit})
        else:
            seen_people.add((name, unit))
            parsed.append({"name": name, "unit": unit, "account": None})
    if problems:
        errors["inspectors"] = " ".join(problems)
    return parsed


@transaction.atomic
def plan_create(*, actor, name: str, year: int, region: str, per_org: int, inspectors: list,
                share: Decimal | None = None, count: int | None = None, level: str | None = None,
                org_types=None, categories=None, registered_before: datetime.date | None = None,
                active_only: bool = True, items=None, below_minimum_reason: str = "",
                max_per_inspector: int | None = None) -> InspectionPlan:
    """Create a plan with its inspector pool (each inspector gets a stable identifier I001, I002, … in order)."""
    errors: dict[str, str] = {}
    region_obj = Region.objects.filter(code=str(region or "").strip()).first()
    if region_obj is None:
        errors["region"] = _("Choose the region of the registration authority.")
    else:
        _require(actor, region_obj.code)
    name = _text(errors, "name", name, label=_("name"), max_length=200, required=True)
    reason = _text(errors, "below_minimum_reason", below_minimum_reason, label=_("reason"), max_length=2000)
    problem = rules.year_problem(int(year), timezone.localdate()) if year is not None else _("Enter the year.")
    if problem:
        errors["year"] = problem
    if region_obj is not None:
        level = level or region_obj.level
        if level not in AuthorityLevel.values:
            errors["level"] = _("Choose national, provincial, municipal or county level.")
        elif LEVEL_ORDER.index(level) < LEVEL_ORDER.index(region_obj.level):
            errors["level"] = _("A plan of %(region)s covers organizations registered at its own level or below.") \
                % {"region": region_obj.name}
    org_types, categories = list(org_types or []), list(categories or [])
    if set(org_types) - set(OrgType.values):
        errors["org_types"] = _("Choose social groups, private non-enterprise units or foundations.")
    if set(categories) - set(Category.values):
        errors["categories"] = _("Choose categories from the list.")
    if registered_before is not None and registered_before > timezone.localdate() + datetime.timedelta(days=366):
        errors["registered_before"] = _("The registration date limit lies too far in the future.")
    items = list(items or [])
    problem = rules.items_problem(items)
    if problem:
        errors["items"] = problem
    problem = rules.per_org_problem(per_org)
    if problem:
        errors["per_org"] = problem
    if max_per_inspector is not None and max_per_inspector < 1:
        errors["max_per_inspector"] = _("An inspector takes at least one organization.")
    parsed = _parse_inspectors(inspectors, errors)
    if "inspectors" not in errors and per_org and len(parsed) < per_org:
        errors["inspectors"] = _("The pool has %(have)d inspectors; each organization needs %(need)d.") % {
            "have": len(parsed), "need": per_org}
    if region_obj is not None and "level" not in errors and not ({"share", "count"} & set(errors)):
        size = None
        if count is not None:
            size = population(region_code=region_obj.code, level=level, org_types=org_types, categories=categories,
                              registered_before=registered_before, active_only=active_only).count()
        errors.update(rules.share_problems(share=share, count=count, level=level, reason=reason, population=size,
                                           overrides=min_share_overrides()))
    if errors:
        raise ValidationError(errors)
    plan = InspectionPlan.objects.create(
        name=name, year=int(year), region=region_obj, level=level, org_types=org_types, categories=categories,
        registered_before=registered_before, active_only=active_only, share=share, count=count,
        below_minimum_reason=reason, items=rules.with_party_building(items), per_org=per_org,
        max_per_inspector=max_per_inspector, created_by=actor if getattr(actor, "pk", None) else None)
    PlanInspector.objects.bulk_create([
        PlanInspector(plan=plan, code=f"I{position:03d}", name=entry["name"], unit=entry["unit"],
                      account=entry["account"]) for position, entry in enumerate(parsed, start=1)])
    audit_write(action="inspections.plan.create", obj=plan, actor=actor, after=snapshot(plan, PLAN_AUDITED))
    return plan


def _locked(plan: InspectionPlan) -> InspectionPlan:
    return InspectionPlan.objects.select_for_update().get(pk=plan.pk)


def stream_pool(queryset) -> tuple[str, str, int]:
    """The sorted pool of `queryset` as (newline-joined text, hex SHA-256, size), hashed chunk by chunk while it
    streams from the database in credit-code order. Should the database's collation order differ from code-point
    order, the codes are sorted here instead (the hash is always over code-point order)."""
    hasher = draw.PoolHasher()
    parts: list[str] = []
    sql, params = queryset.order_by("uscc").values_list("uscc", flat=True).query.sql_with_params()
    try:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            while rows := cursor.fetchmany(STREAM_CHUNK):
                chunk = [row[0] for row in rows]
                hasher.add_chunk(chunk)
                parts.append("\n".join(chunk))
    except ValueError:
        codes = sorted(queryset.values_list("uscc", flat=True))
        hasher, parts = draw.PoolHasher(), ["\n".join(codes)] if codes else []
        hasher.add_chunk(codes)
    return "\n".join(parts), hasher.hexdigest(), hasher.size


@transaction.atomic
def plan_commit(*, plan: InspectionPlan, actor) -> InspectionPlan:
    """Freeze the pool (the sorted USCCs of the population now) and publish its SHA-256 with the time. Once."""
    plan = _locked(plan)
    _require(actor, plan.region_id)
    if plan.status != PlanStatus.DRAFT:
        raise ValidationError({"status": _("The plan is “%(status)s”: its pool was committed already or it was "
                                           "cancelled; a plan is committed once.") % {
            "status": plan.get_status_display()}})
    text, digest, size = stream_pool(plan_population(plan))
    if size == 0:
        raise ValidationError({"pool": _("No organization matches the plan's region, level and filters: the pool "
                                         "is empty.")})
    errors: dict[str, str] = {}
    problem = rules.count_problem(plan.count, size)
    if problem:
        errors["count"] = problem
    else:
        errors.update(rules.share_problems(share=plan.share, count=plan.count, level=plan.level,
                                           reason=plan.below_minimum_reason, population=size,
                                           overrides=min_share_overrides()))
    if errors:
        raise ValidationError(errors)
    before = snapshot(plan, PLAN_AUDITED)
    PlanPool.objects.create(plan=plan, usccs=text)
    plan.pool_sha256, plan.pool_size = digest, size
    plan.n = draw.draw_size(size, share=plan.share, count=plan.count)
    plan.committed_at = timezone.now()
    plan.status = PlanStatus.COMMITTED
    plan.save()
    audit_write(action="inspections.plan.commit", obj=plan, actor=actor, before=before,
                after=snapshot(plan, PLAN_AUDITED))
    return plan


@transaction.atomic
def conflict_declare(*, plan: InspectionPlan, inspector: PlanInspector, uscc: str, reason: str,
                     actor) -> ConflictDeclaration:
    """Record an inspector's declared conflict with an organization; only before the draw."""
    plan = _locked(plan)
    _require(actor, plan.region_id)
    errors: dict[str, str] = {}
    if plan.is_drawn or plan.status in (PlanStatus.CANCELLED, PlanStatus.CLOSED):
        raise ValidationError({"status": _("Conflicts are declared before the draw; this plan is “%(status)s”.")
                               % {"status": plan.get_status_display()}})
    if inspector.plan_id != plan.pk:
        errors["inspector"] = _("Choose an inspector of this plan.")
    reason = _text(errors, "reason", reason, label=_("reason"), max_length=500, required=True)
    uscc = (uscc or "").strip().upper()
    org = plan_population(plan).filter(uscc=uscc).first()
    if org is None:
        errors["uscc"] = _("No organization with credit code “%(uscc)s” belongs to this plan's population.") % {
            "uscc": uscc}
    elif plan.is_committed and not _in_sorted(plan.pool.as_list(), uscc):
        errors["uscc"] = _("“%(uscc)s” is not in the committed pool.") % {"uscc": uscc}
    if not errors and ConflictDeclaration.objects.filter(inspector=inspector, organization=org).exists():
        errors["uscc"] = _("This conflict has been declared already.")
    if errors:
        raise ValidationError(errors)
    declaration = ConflictDeclaration.objects.create(inspector=inspector, organization=org, reason=reason)
    audit_write(action="inspections.conflict.declare", obj=declaration, actor=actor,
                after={"inspector": inspector.code, "uscc": uscc, "reason": reason})
    return declaration


def _in_sorted(pool: list[str], uscc: str) -> bool:
    index = bisect.bisect_left(pool, uscc)
    return index < len(pool) and pool[index] == uscc


def exclusions(plan: InspectionPlan, pool: list[str], on: datetime.date | None = None) -> dict[str, list[str]]:
    """inspector code → sorted USCCs of the pool the inspector may not inspect: where they are the organization's
    instructor or liaison (an instructor assignment in force, matched by name — a namesake is excluded too, which
    errs on the side of 回避) or have declared a conflict."""
    inspectors = list(plan.inspectors.all())
    by_name: dict[str, list[str]] = {}
    for inspector in inspectors:
        by_name.setdefault(inspector.name, []).append(inspector.code)
    excluded: dict[str, set[str]] = {i.code: set() for i in inspectors}
    assignments = (InstructorAssignment.objects.filter(active_on(on=on), instructor__name__in=list(by_name))
                   .values_list("instructor__name", "organization__uscc"))
    for name, uscc in assignments:
        if _in_sorted(pool, uscc):
            for code in by_name[name]:
                excluded[code].add(uscc)
    for code, uscc in ConflictDeclaration.objects.filter(inspector__plan=plan).values_list(
            "inspector__code", "organization__uscc"):
        if _in_sorted(pool, uscc):
            excluded[code].add(uscc)
    return {code: sorted(usccs) for code, usccs in excluded.items()}


@transaction.atomic
def plan_draw(*, plan: InspectionPlan, public_value: str, actor) -> InspectionPlan:
    """Run socorg-draw-v1 once over the committed pool with the public value entered now. Refused before the
    commit, a second time, with a public value under 8 characters, and — before anything is stored — when some
    selected organization has fewer eligible inspectors than required (the USCCs are named)."""
    plan = _locked(plan)
    _require(actor, plan.region_id)
    if plan.status == PlanStatus.DRAFT:
        raise ValidationError({"status": _("Commit the pool first: the draw runs over the committed pool only.")})
    if plan.status != PlanStatus.COMMITTED:
        raise ValidationError({"status": _("This plan has been drawn already (or cancelled); a draw is never "
                                           "repeated.")})
    problem = rules.public_value_problem(public_value)
    if problem:
        raise ValidationError({"public_value": problem})
    pool = plan.pool.as_list()
    excluded = exclusions(plan, pool)
    codes = sorted(excluded)
    result = draw.run_draw(pool=pool, pool_hash=plan.pool_sha256, public_value=public_value, plan_uid=plan.plan_uid,
                           n=plan.n, per_org=plan.per_org, inspector_ids=codes,
                           excluded={c: set(v) for c, v in excluded.items()}, cap=plan.max_per_inspector)
    if result.shortages:
        listed = "、".join(f"{s.uscc}（{s.available}）" for s in result.shortages[:50])
        more = len(result.shortages) - 50
        raise ValidationError({"inspectors": _(
            "Too few eligible inspectors for %(count)d selected organizations (each needs %(need)d; eligible in "
            "brackets): %(list)s. Add inspectors or raise the cap, then draw again; nothing was stored.") % {
            "count": len(result.shortages), "need": plan.per_org,
            "list": listed + (_(" and %(more)d more") % {"more": more} if more > 0 else "")}})
    ids = {}
    selected_usccs = [uscc for uscc, _key, _a in result.selected]
    for start in range(0, len(selected_usccs), INSERT_BATCH):
        chunk = selected_usccs[start:start + INSERT_BATCH]
        ids.update(SocialOrganization.objects.filter(uscc__in=chunk).values_list("uscc", "pk"))
    before = snapshot(plan, PLAN_AUDITED)
    _insert_selections(plan, [(position, ids[uscc], uscc, key, assigned)
                              for position, (uscc, key, assigned) in enumerate(result.selected, start=1)])
    for inspector in plan.inspectors.all():
        inspector.excluded_for = excluded[inspector.code]
        inspector.save(update_fields=["excluded_for"])
    plan.public_value, plan.seed = public_value, result.seed.hex()
    plan.drawn_at = timezone.now()
    plan.status = PlanStatus.DRAWN
    plan.save()
    audit_write(action="inspections.plan.draw", obj=plan, actor=actor, before=before,
                after={**snapshot(plan, PLAN_AUDITED), "selected": len(result.selected)})
    return plan


def _insert_selections(plan: InspectionPlan, rows: list[tuple]) -> None:
    """The selections in batches of plain INSERTs (a national draw stores 100,000 of them: bulk_create's per-object
    work, in batches of ~160 rows under SQLite's parameter limit, took seconds)."""
    table = Selection._meta.db_table
    columns = ("plan_id", "position", "organization_id", "uscc", "key", "inspector_codes")
    quoted = ", ".join(connection.ops.quote_name(c) for c in columns)
    sql = f"INSERT INTO {connection.ops.quote_name(table)} ({quoted}) VALUES ({', '.join(['%s'] * len(columns))})"
    with connection.cursor() as cursor:
        for start in range(0, len(rows), INSERT_BATCH):
            cursor.executemany(sql, [(plan.pk, position, org_id, uscc, key, json.dumps(codes))
                                     for position, org_id, uscc, key, codes in rows[start:start + INSERT_BATCH]])


@transaction.atomic
def plan_cancel(*, plan: InspectionPlan, reason: str, actor) -> InspectionPlan:
    """Cancel a plan that is not closed; it stays visible with the reason (and is never drawn again)."""
    plan = _locked(plan)
    _require(actor, plan.region_id)
    errors: dict[str, str] = {}
    reason = _text(errors, "reason", reason, label=_("reason"), max_length=2000, required=True)
    if plan.status in (PlanStatus.CLOSED, PlanStatus.CANCELLED):
        errors["status"] = _("A closed or cancelled plan cannot be cancelled.")
    if errors:
        raise ValidationError(errors)
    before = snapshot(plan, PLAN_AUDITED)
    plan.status, plan.cancel_reason, plan.cancelled_at = PlanStatus.CANCELLED, reason, timezone.now()
    plan.save()
    audit_write(action="inspections.plan.cancel", obj=plan, actor=actor, before=before,
                after=snapshot(plan, PLAN_AUDITED))
    return plan


@transaction.atomic
def plan_close(*, plan: InspectionPlan, actor) -> InspectionPlan:
    """Close a drawn plan once every selected organization has a recorded inspection: its results are published
    with the proof."""
    plan = _locked(plan)
    _require(actor, plan.region_id)
    if plan.status != PlanStatus.DRAWN:
        raise ValidationError({"status": _("Only a drawn plan can be closed; this one is “%(status)s”.")
                               % {"status": plan.get_status_display()}})
    pending = list(plan.selections.filter(inspection__isnull=True).values_list("uscc", flat=True)[:21])
    if pending:
        raise ValidationError({"status": _("Record the inspection of every selected organization first; still "
                                           "missing: %(list)s.") % {"list": "、".join(pending[:20])
                                                                    + ("……" if len(pending) > 20 else "")}})
    before = snapshot(plan, PLAN_AUDITED)
    plan.status, plan.closed_at = PlanStatus.CLOSED, timezone.now()
    plan.save()
    audit_write(action="inspections.plan.close", obj=plan, actor=actor, before=before,
                after=snapshot(plan, PLAN_AUDITED))
    return plan


# --- inspections -------------------------------------------------------------------------------------------------

@transaction.atomic
def inspection_record(*, selection: Selection, actor, inspected_on: datetime.date | None, inspectors_present,
                      checklist: dict, result: str, findings: str = "", rectification_order: str = "",
                      rectification_deadline: datetime.date | None = None, documents=()) -> Inspection:
    """Record (or correct, until the plan is closed) the inspection of a selected organization. `inspectors_present`
    are inspector identifiers of the plan; at least two must have been there."""
    plan = _locked(selection.plan)
    _require(actor, plan.region_id)
    if plan.status != PlanStatus.DRAWN:
        raise ValidationError({"status": _("Inspections are recorded while the plan is drawn and not closed; this "
                                           "one is “%(status)s”.") % {"status": plan.get_status_display()}})
    errors: dict[str, str] = {}
    findings = _text(errors, "findings", findings, label=_("findings"), max_length=5000)
    order = _text(errors, "rectification_order", rectification_order, label=_("rectification order"),
                  max_length=2000)
    codes = [str(code) for code in (inspectors_present or [])]
    inspectors = {i.code: i for i in plan.inspectors.filter(code__in=codes)}
    unknown = [code for code in codes if code not in inspectors]
    if unknown:
        errors["inspectors_present"] = _("Not inspectors of this plan: %(codes)s.") % {"codes": "、".join(unknown)}
    checklist = dict(checklist or {})
    errors.update({k: v for k, v in rules.inspection_problems(
        items=plan.items, checklist=checklist, present=len(set(inspectors)), result=result, findings=findings,
        order=order, deadline=rectification_deadline, inspected_on=inspected_on,
        today=timezone.localdate()).items() if k not in errors})
    for document in documents:
        try:
            validate_upload(document, "documents")
        except ValidationError as error:
            errors.update(_errors_of(error))
    if errors:
        raise ValidationError(errors)
    inspection = Inspection.objects.select_for_update().filter(selection=selection).first()
    before = snapshot(inspection, INSPECTION_AUDITED) if inspection else None
    inspection = inspection or Inspection(selection=selection)
    inspection.inspected_on, inspection.checklist, inspection.findings = inspected_on, checklist, findings
    inspection.result = result
    inspection.rectification_order = order if result == InspectionResult.RECTIFY else ""
    inspection.rectification_deadline = rectification_deadline if result == InspectionResult.RECTIFY else None
    if result != InspectionResult.RECTIFY:
        inspection.rectified_on = None
    inspection.recorded_by = actor if getattr(actor, "pk", None) else None
    inspection.save()
    inspection.inspectors_present.set(list(inspectors.values()))
    for document in documents:
        InspectionDocument.objects.create(inspection=inspection, file=document, name=document.name[:255])
    audit_write(action="inspections.inspection.record", obj=inspection, actor=actor, before=before,
                after={**snapshot(inspection, INSPECTION_AUDITED), "inspectors_present": sorted(inspectors),
                       "documents": [d.name for d in documents]})
    return inspection


@transaction.atomic
def inspection_rectified(*, inspection: Inspection, rectified_on: datetime.date | None, actor) -> Inspection:
    """Record that the organization completed the ordered rectification (verified by the bureau) on a date."""
    inspection = Inspection.objects.select_for_update().select_related("selection__plan").get(pk=inspection.pk)
    _require(actor, inspection.selection.plan.region_id)
    errors: dict[str, str] = {}
    if inspection.result != InspectionResult.RECTIFY:
        errors["result"] = _("Only an inspection ending in a rectification order is rectified.")
    if rectified_on is None:
        errors["rectified_on"] = _("Enter the date the rectification was completed.")
    elif rectified_on > timezone.localdate():
        errors["rectified_on"] = _("The date lies in the future.")
    elif rectified_on < inspection.inspected_on:
        errors["rectified_on"] = _("The rectification cannot precede the inspection.")
    if errors:
        raise ValidationError(errors)
    before = snapshot(inspection, INSPECTION_AUDITED)
    inspection.rectified_on = rectified_on
    inspection.save(update_fields=["rectified_on", "recorded_at"])
    audit_write(action="inspections.inspection.rectified", obj=inspection, actor=actor, before=before,
                after=snapshot(inspection, INSPECTION_AUDITED))
    return inspection

