"""What the public site shows: public fields only, built here as plain dicts so that no model field reaches a public
page or answer by accident. Never a phone, an ID number, a member, a complainant or an internal note; the legal
representative's name only where the deployment publishes it (SOCORG_PUBLIC_LEGAL_REPRESENTATIVE).

Sections read other apps through guarded imports: a deployment (or a branch) without credit lists, inspections,
ratings or projects shows the others."""

import importlib

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from socorg.core.search import search, search_condition
from socorg.registry.models import SocialOrganization

QUERY_MAX = 100
PAGE_SIZE = 20
MAX_PAGES = 50  # 1,000 rows: narrow the search beyond that


def optional(module: str):
    """Another app's module, or None when that app is not installed."""
    app = module.split(".")[1]
    from django.apps import apps

    if not apps.is_installed(f"socorg.{app}"):
        return None
    try:
        return importlib.import_module(module)
    except ImportError:
        return None


def public_orgs():
    """Organizations without their personal columns: the encrypted phone is never even read (nor decrypted) here."""
    return SocialOrganization.objects.select_related("authority_region").defer("phone")


def search_orgs(text: str):
    """Organizations by name, pinyin, initials or credit code (every word must match), most recent code first."""
    orgs = public_orgs()
    if not text.strip():
        return orgs.none()
    # A page of PAGE_SIZE (+1 to know whether there is a next) among the first MAX_PAGES: no count of every match.
    return search(orgs, text, codes=("uscc",), page=PAGE_SIZE + 1, counted=False).order_by("name_initials", "uscc")


def org_row(org) -> dict:
    """A search result: what identifies the organization and its standing."""
    return {"uscc": org.uscc, "name": org.name, "org_type": org.get_org_type_display(),
            "authority": org.authority_region.full_name, "status": org.get_status_display(),
            "registered_on": org.registered_on}


def org_public(org) -> dict:
    """One organization's public record (GET /public/orgs/{uscc}/, /api/v1/public/orgs/{uscc}/)."""
    today = timezone.localdate()
    record = {
        **org_row(org),
        "category": org.get_category_display(),
        "authority_level": org.get_authority_level_display(),
        "supervisor": org.supervisor or _("none (registered directly)"),
        "status_changed_on": org.status_changed_on,
        "legal_representative": org.legal_representative if settings.SOCORG_PUBLIC_LEGAL_REPRESENTATIVE else None,
        "evaluation_grade": None, "credit_lists": [], "annual_reports": [], "star_ratings": None,
    }
    ratings = optional("socorg.ratings.queries")
    if ratings is not None:
        grade = ratings.current_grade(org, on=today)
        if grade is not None:
            record["evaluation_grade"] = {"grade": grade.get_grade_display(), "valid_from": grade.valid_from,
                                          "valid_to": grade.valid_to}
    credit = optional("socorg.credit.queries")
    if credit is not None:
        record["credit_lists"] = [credit_row(entry) for entry in credit.active_entries(on=today).filter(
            organization=org).select_related("organization__authority_region").defer("organization__phone")
            .order_by("decided_on")]
    rating_models = optional("socorg.ratings.models")
    if rating_models is not None and settings.SOCORG_PUBLIC_STAR_RATINGS:
        latest: dict[int, dict] = {}
        for rating in (rating_models.Rating.objects.filter(status="published", party_org__coverages__organization=org)
                       .select_related("party_org").order_by("-cycle", "pk")):
            latest.setdefault(rating.party_org_id, {"party_org": rating.party_org.name, "cycle": rating.cycle,
                                                    "stars": rating.stars})
        record["star_ratings"] = list(latest.values())
    reports = optional("socorg.reports.models")
    if reports is not None:
        record["annual_reports"] = [
            {"year": year, "conclusion": label} for year, label in
            ((r.year, r.get_conclusion_display()) for r in reports.AnnualReport.objects.filter(
                organization=org, status="reviewed").order_by("-year"))]
    return record


def credit_row(entry) -> dict:
    return {"uscc": entry.organization.uscc, "name": entry.organization.name, "list": entry.get_list_display(),
            "reason": str(entry.reason_label), "decision_no": entry.decision_no, "decided_on": entry.decided_on,
            "authority": entry.organization.authority_region.full_name}


def credit_entries(text: str = ""):
    credit = optional("socorg.credit.queries")
    if credit is None:
        return None
    entries = credit.active_entries().select_related("organization__authority_region").defer("organization__phone")
    if text.strip():
        entries = entries.filter(search_condition(text, names=("organization__name",),
                                                  pinyin=("organization__name_pinyin", "organization__name_initials"),
                                                  codes=("organization__uscc",)))
    return entries.order_by("-decided_on", "pk")


PUBLIC_PLAN_STATUSES = ("committed", "drawn", "closed", "cancelled")


def inspection_plans():
    models = optional("socorg.inspections.models")
    if models is None:
        return None
    return (models.InspectionPlan.objects.filter(status__in=PUBLIC_PLAN_STATUSES).select_related("region")
            .order_by("-year", "-committed_at", "pk"))


def plan_row(plan) -> dict:
    return {"id": plan.pk, "name": plan.name, "year": plan.year, "region": plan.region.full_name,
            "level": plan.get_level_display(), "status": plan.get_status_display(),
            "committed_at": plan.committed_at, "pool_size": plan.pool_size, "pool_sha256": plan.pool_sha256,
            "public_value": plan.public_value, "drawn_at": plan.drawn_at, "n": plan.n, "closed_at": plan.closed_at,
            "cancel_reason": plan.cancel_reason if plan.status == "cancelled" else "",
            "has_proof": plan.status in ("drawn", "closed")}


def plan_results(plan) -> list[dict]:
    """The results of a closed plan: each organization drawn and its inspection's result (no findings text)."""
    if plan.status != "closed":
        return []
    rows = []
    for selection in plan.selections.select_related("organization").defer("organization__phone").order_by(
            "position"):
        inspection = getattr(selection, "inspection", None)
        rows.append({"uscc": selection.uscc, "name": selection.organization.name,
                     "inspected_on": getattr(inspection, "inspected_on", None),
                     "result": inspection.get_result_display() if inspection is not None else _("not inspected")})
    return rows


def plan_proof(plan) -> dict | None:
    proof = optional("socorg.inspections.proof")
    if proof is None or plan.status not in ("drawn", "closed"):
        return None
    return proof.build_proof(plan)


def grades(text: str = ""):
    models = optional("socorg.ratings.models")
    queries = optional("socorg.ratings.queries")
    if models is None or queries is None:
        return None
    found = models.EvaluationGrade.objects.filter(queries.valid_on_q(timezone.localdate())).select_related(
        "organization__authority_region").defer("organization__phone")
    if text.strip():
        found = found.filter(search_condition(text, names=("organization__name",),
                                              pinyin=("organization__name_pinyin", "organization__name_initials"),
                                              codes=("organization__uscc",)))
    return found.order_by("-grade", "organization__uscc")


def grade_row(grade) -> dict:
    return {"uscc": grade.organization.uscc, "name": grade.organization.name, "grade": grade.get_grade_display(),
            "valid_from": grade.valid_from, "valid_to": grade.valid_to, "decision_no": grade.decision_number,
            "authority": grade.organization.authority_region.full_name}


def project_calls():
    models = optional("socorg.projects.models")
    if models is None:
        return None
    return models.ProjectCall.objects.select_related("region").order_by("-opens_on", "-pk")


def call_row(call) -> dict:
    return {"id": call.pk, "name": call.name, "kind": call.get_kind_display(), "funder": call.funder,
            "region": call.region.full_name, "budget": call.budget, "max_per_project": call.max_per_project,
            "opens_on": call.opens_on, "closes_on": call.closes_on}


def awards():
    models = optional("socorg.projects.models")
    if models is None:
        return None
    return models.Project.objects.select_related("application__organization", "application__call").defer(
        "application__organization__phone").order_by(
        "-awarded_on", "-pk")


def award_row(project) -> dict:
    application = project.application
    return {"call": application.call.name, "title": application.title, "uscc": application.organization.uscc,
            "name": application.organization.name, "amount": project.amount, "awarded_on": project.awarded_on,
            "status": project.get_status_display()}


def party_figures() -> list[dict]:
    """Aggregate party-building figures at the levels the deployment publishes (SOCORG_PUBLIC_FIGURE_LEVELS:
    national, province): from the coverage app's maintained counts; no organization is named.

    Three queries whatever the number of regions: the regions, and the maintained per-authority counts (a few
    thousand rows nationally) summed here per region subtree — the same sums as coverage's region_figures, which
    also builds every region's breakdown (over 200 queries and a second on the province demo data: a stall each
    time the public cache is emptied)."""
    coverage = optional("socorg.coverage.queries")
    if coverage is None:
        return []
    from socorg.regions.models import Region

    levels = set(settings.SOCORG_PUBLIC_FIGURE_LEVELS)
    regions = []
    if "national" in levels:
        regions.append(Region.objects.get(code="100000"))
    if "province" in levels:
        regions += list(Region.objects.current().filter(level="province").order_by("code"))
    if not regions:
        return []
    per_code = coverage.CountsSource("maintained").org_counts("")
    sums = {(len(region.scope_prefix), region.scope_prefix): coverage.empty_counts() for region in regions}
    lengths = sorted({length for length, _prefix in sums})
    for code, counts in per_code.items():
        for length in lengths:
            target = sums.get((length, code[:length]))
            if target is not None:
                coverage.add_into(target, counts)
    rows = []
    for region in regions:
        totals = coverage.totals(sums[(len(region.scope_prefix), region.scope_prefix)])
        if not totals.get("orgs"):
            continue
        rows.append({"region": region.full_name, "code": region.code, "orgs": totals.get("orgs", 0),
                     "org_coverage_rate": _rate(totals.get("org_coverage_rate")),
                     "work_coverage_rate": _rate(totals.get("work_coverage_rate"))})
    return rows


def _rate(value) -> float | None:
    return None if value is None else round(value * 100, 1)
