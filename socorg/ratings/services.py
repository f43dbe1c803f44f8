"""Every write of the ratings app: scorecards, the rating cycle (computed → self-assessed → reviewed → approved →
published), star suspension on veto events, model branches, evaluation grades.

Each service: check scope → lock → validate (all problems at once, as field errors) → change → audit.

Who (accounts.roles): the branch's own account — the organization account of an organization the party
organization covers — self-assesses (ratings.self_assess); the responsible committee's staff review
(ratings.review) and approve and publish (ratings.approve; the approver is not the reviewer); the registration
authority records evaluation grades (ratings.evaluate)."""

import datetime
import json
import time
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from socorg.core.audit import SYSTEM, audit_write, snapshot
from socorg.core.scope import can, in_subtree

from . import compute, credit_link, queries, rules
from .choices import FROZEN_STATUSES, CriterionKind, RatingStatus, ScorecardKind
from .models import EvaluationGrade, EvaluationRound, ModelBranch, Rating, RoundEntry, Scorecard
from .scorecards import VETO_LABELS

RATING_AUDITED = ("status", "computed_points", "total_points", "stars", "vetoes", "review_comment", "suspended_on",
                  "suspension_notice")


def _require_region(actor, capability: str, region_code: str, what: str) -> None:
    if not can(actor, capability, region_code):
        raise PermissionDenied(_("You may not do this for %(what)s: it lies outside your scope.") % {"what": what})


# --- scorecards ------------------------------------------------------------------------------------------------

def can_manage_scorecards(user) -> bool:
    """The deployment's scorecards are changed by the system configuration capability or a national
    ratings.approve grant (console commands act as SYSTEM: the operator of the deployment)."""
    return user is SYSTEM or can(user, "system.configure") or can(user, "ratings.approve", "100000")


@transaction.atomic
def scorecard_create(*, kind: str, code: str, name: str, first_cycle: int, definition, actor, note: str = ""
                     ) -> Scorecard:
    """A new version of a deployment scorecard (version = the last of the code + 1), applying from `first_cycle`
    on. A version is never edited: ratings keep the version they were scored with, and a new version may not start
    in a cycle whose star ratings people have already self-assessed, reviewed or published (those cycles stay on
    the version they began with). The shipped scorecards are not versioned here: a deployment gives its own code."""
    from .scorecards import DEFAULT_STAR_CODE, EVALUATION_PRESETS

    if not can_manage_scorecards(actor):
        raise PermissionDenied(_("Only a national grant may change the deployment's scorecards."))
    errors: dict[str, list[str]] = {}
    if kind not in ScorecardKind.values:
        errors["kind"] = [_("Choose the star rating or the evaluation.")]
    code, name = (code or "").strip(), (name or "").strip()
    if not code:
        errors["code"] = [_("Give the scorecard a code.")]
    elif code == DEFAULT_STAR_CODE or code in EVALUATION_PRESETS:
        errors["code"] = [_("The shipped scorecards stay as shipped: give the deployment's own code, e.g. yunnan.")]
    if not name:
        errors["name"] = [_("Give the scorecard a name.")]
    if not isinstance(first_cycle, int) or not 2000 <= first_cycle <= 2100:
        errors["first_cycle"] = [_("The first year must be a year such as 2026.")]
    elif kind == ScorecardKind.STAR:
        settled = (Rating.objects.filter(cycle__gte=first_cycle).exclude(status=RatingStatus.COMPUTED)
                   .order_by("-cycle").values_list("cycle", flat=True).first())
        if settled is not None:
            errors["first_cycle"] = [_("The star ratings of %(cycle)d are already being assessed under the version "
                                       "in force; a new version applies from %(next)d on.")
                                     % {"cycle": settled, "next": settled + 1}]
    if kind in ScorecardKind.values:
        for part, messages in rules.scorecard_problems(definition, kind=kind).items():
            errors.setdefault("definition", []).extend(messages if part == "definition" else messages)
    if errors:
        raise ValidationError(errors)
    last = Scorecard.objects.select_for_update().filter(kind=kind, code=code).aggregate(v=Max("version"))["v"] or 0
    scorecard = Scorecard.objects.create(kind=kind, code=code, version=last + 1, name=name, first_cycle=first_cycle,
                                         definition=definition, note=note,
                                         created_by=actor if getattr(actor, "pk", None) else None)
    audit_write(action="ratings.scorecard.create", obj=scorecard, actor=actor,
                after={"kind": kind, "code": code, "version": scorecard.version, "first_cycle": first_cycle,
                       "definition": definition})
    return scorecard


# --- computing a cycle -------------------------------------------------------------------------------------------

@dataclass
class RateResult:
    cycle: int
    as_of: datetime.date
    region_prefix: str
    computed: list = field(default_factory=list)  # every ComputedRating, only when asked for (keep_computed)
    rated: int = 0
    created: int = 0
    refreshed: int = 0
    frozen: int = 0
    seconds: float = 0.0
    by_stars: Counter = field(default_factory=Counter)  # {stars: party organizations} as stored after the run


def _recount(rating_criteria: list[dict], definition: dict, vetoes: list[dict]) -> tuple[Decimal, int]:
    total = rules.one_decimal(sum((rules.effective_points(c) for c in rating_criteria), Decimal(0)))
    return total, rules.stars_for(total, definition.get("thresholds", {}), [v["cap"] for v in vetoes])


def _merge(new: list[dict], old: list[dict]) -> list[dict]:
    """Fresh computed criteria, keeping what people entered on the earlier rows of the same code."""
    kept = {c["code"]: c for c in old}
    merged = []
    for criterion in new:
        previous = kept.get(criterion["code"], {})
        for key in ("claimed_points", "claim_reason", "claim_evidence", "reviewed_points", "review_reason"):
            if key in previous:
                criterion[key] = previous[key]
        merged.append(criterion)
    return merged


def rate_cycle(*, cycle: int, region_prefix: str = "", actor=None, as_of: datetime.date | None = None,
               party_org_ids=None, chunk_size: int | None = None, keep_computed: bool = False) -> RateResult:
    """Compute the cycle's criteria for every party organization in force in the region subtree and store them:
    new ratings start as computed; computed and self-assessed ones get fresh computed points (what people entered
    is kept); reviewed, approved and published ones are frozen. Chunk by chunk of party organizations
    (compute.compute_chunks; memory is bounded by one chunk), all in one transaction with one audit entry for the
    run. `keep_computed` also returns every ComputedRating (for a region's listing; not for the nation)."""
    clock = time.perf_counter()
    scorecard = queries.scorecard_for(ScorecardKind.STAR, cycle)
    day = as_of or compute.cycle_as_of(cycle)
    outcome = RateResult(cycle, day, region_prefix)
    thresholds = scorecard.definition.get("thresholds", {})
    with transaction.atomic():
        stage = _Stage(cycle=cycle, scorecard_id=scorecard.pk)
        for chunk in compute.compute_chunks(cycle, region_prefix, scorecard.definition, as_of=day,
                                            party_org_ids=party_org_ids, chunk_size=chunk_size):
            existing = _existing(cycle, region_prefix, party_org_ids, chunk.first_id, chunk.last_id)
            rows = []
            for result in chunk.ratings:
                status, old, stored_stars = existing.get(result.party_org_id, (None, None, 0))
                if status in FROZEN_STATUSES:
                    outcome.frozen += 1
                    outcome.by_stars[stored_stars] += 1
                    continue
                if old:
                    criteria = _merge(result.criteria, old)
                    total = rules.tenth(sum(rules.effective_float(c) for c in criteria))
                    criteria_json = json.dumps(criteria, ensure_ascii=False)
                else:  # nothing entered by people: the computed points are the total
                    total, criteria_json = rules.tenth(result.points), result.criteria_json
                stars = rules.stars_for(total, thresholds, [v["cap"] for v in result.vetoes])
                outcome.by_stars[stars] += 1
                rows.append((result.party_org_id, result.region_id, day, criteria_json, str(result.computed_points),
                             str(total), stars, json.dumps(result.vetoes, ensure_ascii=False)))
                if status is None:
                    outcome.created += 1
                else:
                    outcome.refreshed += 1
            stage.apply(rows)
            outcome.rated += len(chunk.ratings)
            if keep_computed:
                outcome.computed.extend(chunk.ratings)
        stage.drop()
        outcome.seconds = time.perf_counter() - clock
        audit_write(action="ratings.cycle.compute", obj=scorecard, actor=actor or SYSTEM,
                    object_repr=_("Star ratings computed for %(cycle)d") % {"cycle": cycle},
                    after={"cycle": cycle, "region_prefix": region_prefix, "as_of": day.isoformat(),
                           "created": outcome.created, "refreshed": outcome.refreshed, "frozen": outcome.frozen,
                           "scorecard": str(scorecard)})
    return outcome


def _existing(cycle: int, region_prefix: str, party_org_ids, first_id: int, last_id: int) -> dict:
    """{party_org: (status, criteria, stars)} of the cycle's stored ratings of party organizations first_id…last_id
    in the region (or among the party orgs), locked; the criteria only where people entered something (what _merge
    keeps)."""
    rows = Rating.objects.select_for_update().filter(cycle=cycle, party_org_id__gte=first_id,
                                                     party_org_id__lte=last_id)
    if party_org_ids is not None:
        rows = rows.filter(party_org_id__in=list(party_org_ids))
    else:
        rows = rows.filter(in_subtree("region__code", region_prefix))
    found = {party_org: (status, None, stars) for party_org, status, stars in
             rows.order_by().values_list("party_org_id", "status", "stars").iterator(chunk_size=20000)}
    entered = rows.exclude(status__in=FROZEN_STATUSES).filter(self_assessed_at__isnull=False)
    for party_org, criteria in entered.order_by().values_list("party_org_id", "criteria").iterator(chunk_size=5000):
        status, _old, stars = found[party_org]
        found[party_org] = (status, criteria, stars)
    return found


STAGE = "ratings_rate_stage"
STAGE_COLUMNS = ["party_org_id", "region_id", "as_of", "criteria", "computed_points", "total_points", "stars",
                 "vetoes"]


class _Stage:
    """Insert or refresh computed ratings set-based, chunk by chunk: the rows go into a temporary table (PostgreSQL
    COPY, SQLite executemany) and one INSERT … ON CONFLICT applies them. (Django's bulk_create passes PostgreSQL
    arrays, whose escaping of the JSON text costs more than the whole computation: measured 16 s for 5,467
    ratings.)"""

    def __init__(self, *, cycle: int, scorecard_id: int):
        from django.db import connection

        self.connection, self.cycle, self.scorecard_id = connection, cycle, scorecard_id
        self.postgres = connection.vendor == "postgresql"
        json_type = "jsonb" if self.postgres else "text"
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {STAGE}")
            cursor.execute(f"CREATE TEMPORARY TABLE {STAGE} (party_org_id bigint NOT NULL, "
                           f"region_id varchar(6) NOT NULL, as_of date NOT NULL, criteria {json_type} NOT NULL, "
                           f"computed_points numeric(6, 1) NOT NULL, total_points numeric(6, 1) NOT NULL, "
                           f"stars smallint NOT NULL, vetoes {json_type} NOT NULL)")

    def apply(self, rows: list[tuple]) -> None:
        if not rows:
            return
        table = Rating._meta.db_table
        with self.connection.cursor() as cursor:
            if self.postgres:
                with cursor.cursor.copy(f"COPY {STAGE} ({', '.join(STAGE_COLUMNS)}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
            else:
                cursor.executemany(f"INSERT INTO {STAGE} ({', '.join(STAGE_COLUMNS)}) VALUES "
                                   f"({', '.join(['%s'] * len(STAGE_COLUMNS))})",
                                   [(*row[:2], row[2].isoformat(), *row[3:]) for row in rows])
            now = self.connection.ops.adapt_datetimefield_value(timezone.now())
            compared = ["region_id", "scorecard_id", "as_of", "criteria", "computed_points", "total_points", "stars",
                        "vetoes"]
            # A rating whose figures did not change is not rewritten (a nightly re-run writes only what moved).
            differs = "IS DISTINCT FROM" if self.postgres else "IS NOT"
            cursor.execute(
                f"INSERT INTO {table} (party_org_id, cycle, region_id, scorecard_id, as_of, status, criteria, "
                f"computed_points, total_points, stars, vetoes, review_comment, suspension_notice, updated_at) "
                f"SELECT party_org_id, %s, region_id, %s, as_of, %s, criteria, computed_points, total_points, stars, "
                f"vetoes, '', '', %s FROM {STAGE} WHERE true "
                f"ON CONFLICT (party_org_id, cycle) DO UPDATE SET "
                + ", ".join(f"{column} = excluded.{column}" for column in [*compared, "updated_at"])
                + " WHERE " + " OR ".join(f"{table}.{column} {differs} excluded.{column}" for column in compared),
                [self.cycle, self.scorecard_id, RatingStatus.COMPUTED, now])
            cursor.execute(f"TRUNCATE {STAGE}" if self.postgres else f"DELETE FROM {STAGE}")

    def drop(self) -> None:
        with self.connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE {STAGE}")


# --- the cycle workflow -------------------------------------------------------------------------------------------

def _locked(rating: Rating) -> Rating:
    return Rating.objects.select_for_update().select_related("party_org", "scorecard").get(pk=rating.pk)


def _audit(rating: Rating, action: str, actor, before: dict | None) -> None:
    audit_write(action=f"ratings.rating.{action}", obj=rating, actor=actor, before=before,
                after=snapshot(rating, RATING_AUDITED) | {"criteria": rating.criteria})


def _status_problem(rating: Rating, allowed: tuple[str, ...]) -> None:
    if rating.status not in allowed:
        raise ValidationError({"status": _("This step is not possible while the rating is “%(status)s”.")
                               % {"status": rating.get_status_display()}})


@transaction.atomic
def rating_self_assess(*, rating: Rating, actor, items: dict[str, dict]) -> Rating:
    """The branch scores its judged criteria: for every judged criterion points (0 to its maximum), a reason and
    the evidence (a description of the documents). Allowed while computed or self-assessed (to correct)."""
    rating = _locked(rating)
    if not can(actor, "ratings.self_assess", organizations=rating.party_org.organization_ids()):
        raise PermissionDenied(_("Only the account of an organization this party organization covers may "
                                 "self-assess its rating."))
    _status_problem(rating, (RatingStatus.COMPUTED, RatingStatus.SELF_ASSESSED))
    items = items or {}
    errors: dict[str, str] = {}
    judged = {c["code"]: c for c in rating.criteria if c["kind"] == CriterionKind.JUDGED}
    for code in sorted(set(items) - set(judged)):
        errors[f"points_{code}"] = _("“%(code)s” is not a judged criterion of this scorecard.") % {"code": code}
    for code, criterion in judged.items():
        item = items.get(code) or {}
        points, reason = item.get("points"), (item.get("reason") or "").strip()
        if points in (None, ""):
            errors[f"points_{code}"] = _("Score this criterion.")
        else:
            problem = rules.points_problem(points, criterion["max"])
            if problem:
                errors[f"points_{code}"] = problem
        if not reason:
            errors[f"reason_{code}"] = _("Give the reason for these points.")
    if errors:
        raise ValidationError(errors)
    before = snapshot(rating, RATING_AUDITED)
    for code, criterion in judged.items():
        item = items[code]
        criterion["claimed_points"] = float(rules.one_decimal(item["points"]))
        criterion["claim_reason"] = item["reason"].strip()
        criterion["claim_evidence"] = (item.get("evidence") or "").strip()
    rating.total_points, rating.stars = _recount(rating.criteria, rating.scorecard.definition, rating.vetoes)
    rating.status = RatingStatus.SELF_ASSESSED
    rating.self_assessed_at = timezone.now()
    rating.self_assessed_by = actor if getattr(actor, "pk", None) else None
    rating.save()
    _audit(rating, "self_assess", actor, before)
    return rating


@transaction.atomic
def rating_review(*, rating: Rating, actor, adjustments: dict[str, dict] | None = None, comment: str = "") -> Rating:
    """The responsible committee reviews a self-assessed rating: it may adjust any criterion's points, each
    adjustment with its reason, and concludes with a comment."""
    rating = _locked(rating)
    _require_region(actor, "ratings.review", rating.region_id, rating.party_org.name)
    _status_problem(rating, (RatingStatus.SELF_ASSESSED,))
    adjustments = adjustments or {}
    by_code = {c["code"]: c for c in rating.criteria}
    errors: dict[str, str] = {}
    for code, item in adjustments.items():
        criterion = by_code.get(code)
        if criterion is None:
            errors[f"points_{code}"] = _("“%(code)s” is not a criterion of this scorecard.") % {"code": code}
            continue
        points = (item or {}).get("points")
        if points in (None, ""):
            continue
        problem = rules.points_problem(points, criterion["max"])
        if problem:
            errors[f"points_{code}"] = problem
        elif rules.one_decimal(points) != rules.effective_points(criterion) and not (item.get("reason") or "").strip():
            errors[f"reason_{code}"] = _("Give the reason for changing these points.")
    comment = (comment or "").strip()
    if not comment:
        errors["comment"] = _("Sum up the review.")
    if errors:
        raise ValidationError(errors)
    before = snapshot(rating, RATING_AUDITED)
    for code, item in adjustments.items():
        points = (item or {}).get("points")
        if points in (None, ""):
            continue
        criterion = by_code[code]
        if rules.one_decimal(points) != rules.effective_points(criterion):
            criterion["reviewed_points"] = float(rules.one_decimal(points))
            criterion["review_reason"] = item["reason"].strip()
    rating.total_points, rating.stars = _recount(rating.criteria, rating.scorecard.definition, rating.vetoes)
    rating.status = RatingStatus.REVIEWED
    rating.review_comment = comment
    rating.reviewed_at = timezone.now()
    rating.reviewed_by = actor if getattr(actor, "pk", None) else None
    rating.save()
    _audit(rating, "review", actor, before)
    return rating


@transaction.atomic
def rating_return(*, rating: Rating, actor, reasons: str) -> Rating:
    """The committee sends a self-assessment back to the branch (it can assess again)."""
    rating = _locked(rating)
    _require_region(actor, "ratings.review", rating.region_id, rating.party_org.name)
    _status_problem(rating, (RatingStatus.SELF_ASSESSED,))
    reasons = (reasons or "").strip()
    if not reasons:
        raise ValidationError({"comment": _("Say what the branch must correct.")})
    before = snapshot(rating, RATING_AUDITED)
    rating.status = RatingStatus.COMPUTED
    rating.review_comment = reasons
    rating.save()
    _audit(rating, "return", actor, before)
    return rating


@transaction.atomic
def rating_approve(*, rating: Rating, actor) -> Rating:
    """Approval of a reviewed rating by someone other than its reviewer."""
    rating = _locked(rating)
    _require_region(actor, "ratings.approve", rating.region_id, rating.party_org.name)
    _status_problem(rating, (RatingStatus.REVIEWED,))
    if rating.reviewed_by_id is not None and rating.reviewed_by_id == getattr(actor, "pk", None):
        raise ValidationError({"status": _("The reviewer cannot also approve the rating: another person "
                                           "approves.")})
    before = snapshot(rating, RATING_AUDITED)
    rating.status = RatingStatus.APPROVED
    rating.approved_at = timezone.now()
    rating.approved_by = actor if getattr(actor, "pk", None) else None
    rating.save()
    _audit(rating, "approve", actor, before)
    return rating


@transaction.atomic
def rating_publish(*, rating: Rating, actor) -> Rating:
    rating = _locked(rating)
    _require_region(actor, "ratings.approve", rating.region_id, rating.party_org.name)
    _status_problem(rating, (RatingStatus.APPROVED,))
    before = snapshot(rating, RATING_AUDITED)
    rating.status = RatingStatus.PUBLISHED
    rating.published_at = timezone.now()
    rating.save()
    _audit(rating, "publish", actor, before)
    return rating


# --- dynamic management: suspension on veto events -----------------------------------------------------------

def veto_events(ratings: list[Rating], as_of: datetime.date) -> dict[int, list[str]]:
    """{rating id: [notice lines]} for published ratings with a veto event after their publication: a
    high-severity alert about the party organization opened since and still open, or a covered organization put on
    a credit list since (the scorecard's vetoes that cap the stars below those held). Set-based: two queries."""
    from socorg.alerts.choices import OPEN_STATUSES, Severity, SubjectType
    from socorg.alerts.models import Alert
    from socorg.party.models import PartyCoverage, active_on

    by_party_org = {r.party_org_id: r for r in ratings}
    caps_of = {pk: {v["code"]: v["cap"] for v in definition.get("vetoes", [])} for pk, definition in
               Scorecard.objects.filter(pk__in={r.scorecard_id for r in ratings}).values_list("pk", "definition")}
    found: dict[int, list[str]] = {}
    alerts = (Alert.objects.filter(subject_type=SubjectType.PARTY_ORG, party_org_id__in=list(by_party_org),
                                   severity=Severity.HIGH, status__in=OPEN_STATUSES, opened_on__lte=as_of)
              .order_by("opened_on").values_list("party_org_id", "opened_on", "message"))
    for party_org, opened_on, message in alerts:
        rating = by_party_org[party_org]
        caps = caps_of[rating.scorecard_id]
        if "open_high_alert" in caps and caps["open_high_alert"] < rating.stars and \
                opened_on >= timezone.localdate(rating.published_at):
            found.setdefault(rating.pk, []).append(
                _("%(day)s %(veto)s: %(message)s") % {"day": opened_on.isoformat(),
                                                      "veto": VETO_LABELS["open_high_alert"], "message": message})
    if credit_link.available():
        coverage = list(PartyCoverage.objects.filter(active_on("", as_of), party_org_id__in=list(by_party_org))
                        .values_list("party_org_id", "organization_id", "organization__name"))
        facts = credit_link.credit_facts([org for _p, org, _n in coverage], as_of)
        for party_org, org_id, org_name in coverage:
            rating = by_party_org[party_org]
            caps = caps_of[rating.scorecard_id]
            for item in facts.get(org_id, credit_link.CreditFacts()).listings:
                code = f"{item['code']}_list"
                if code in caps and caps[code] < rating.stars and \
                        item["since"] >= timezone.localdate(rating.published_at).isoformat():
                    found.setdefault(rating.pk, []).append(
                        _("%(day)s %(veto)s: %(org)s") % {"day": item["since"], "veto": VETO_LABELS[code],
                                                          "org": org_name})
    return found


def suspend_on_vetoes(*, as_of: datetime.date | None = None, region_prefix: str = "", actor=None,
                      chunk_size: int | None = None) -> int:
    """Suspend the stars of published ratings hit by a veto event since publication, with a notice naming the
    events (shown on the rating and recorded in the audit log). Chunk by chunk of ratings (their criteria are not
    read), in one transaction. Returns how many were suspended."""
    day = as_of or timezone.localdate()
    size = chunk_size or compute.CHUNK_SIZE
    suspended = 0
    with transaction.atomic():
        candidates = (Rating.objects.filter(status=RatingStatus.PUBLISHED, suspended_on__isnull=True, stars__gt=0)
                      .filter(in_subtree("region__code", region_prefix)))
        ids = list(candidates.order_by("pk").values_list("pk", flat=True))
        for start in range(0, len(ids), size):
            part = ids[start:start + size]
            ratings = list(candidates.select_for_update().filter(pk__gte=part[0], pk__lte=part[-1])
                           .defer("criteria", "vetoes").order_by("pk"))
            events = veto_events(ratings, day)
            for rating in ratings:
                if rating.pk not in events:
                    continue
                before = snapshot(rating, RATING_AUDITED)
                rating.suspended_on = day
                rating.suspension_notice = "\n".join(events[rating.pk])
                rating.save(update_fields=["suspended_on", "suspension_notice", "updated_at"])
                _audit(rating, "suspend", actor or SYSTEM, before)
                suspended += 1
    return suspended


@transaction.atomic
def rating_reinstate(*, rating: Rating, actor, reason: str) -> Rating:
    """Lift a suspension once the veto event is dealt with (the committee, with the reason)."""
    rating = _locked(rating)
    _require_region(actor, "ratings.approve", rating.region_id, rating.party_org.name)
    if rating.suspended_on is None:
        raise ValidationError({"status": _("The star is not suspended.")})
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the star is reinstated.")})
    before = snapshot(rating, RATING_AUDITED)
    rating.suspended_on = None
    rating.suspension_notice = ""
    rating.save()
    audit_write(action="ratings.rating.reinstate", obj=rating, actor=actor, before=before,
                after=snapshot(rating, RATING_AUDITED) | {"reason": reason})
    return rating


# --- model branches (示范点) ---------------------------------------------------------------------------------

def model_branch_min_stars() -> int:
    from django.conf import settings

    return int(getattr(settings, "SOCORG_MODEL_BRANCH_MIN_STARS", 4))


@transaction.atomic
def model_branch_designate(*, party_org, actor, title: str, valid_from: datetime.date, valid_to: datetime.date,
                           basis: str, decision_number: str) -> ModelBranch:
    """Designate a model branch for a period. Criteria: a published, unsuspended rating of a cycle before the
    period starts with at least the deployment's minimum of stars (SOCORG_MODEL_BRANCH_MIN_STARS, 4 by default:
    local practice), the basis written down, no overlapping designation."""
    _require_region(actor, "ratings.approve", party_org.region_id, party_org.name)
    from socorg.party.models import PartyOrganization

    PartyOrganization.objects.select_for_update().filter(pk=party_org.pk).exists()
    errors: dict[str, str] = {}
    title, basis, decision_number = (title or "").strip(), (basis or "").strip(), (decision_number or "").strip()
    if not title:
        errors["title"] = _("Name the designation, e.g. 标准化规范化示范党支部.")
    if not basis:
        errors["basis"] = _("Write down the criteria the branch meets.")
    if not decision_number:
        errors["decision_number"] = _("Give the number of the designation decision.")
    if valid_from and valid_to and valid_to < valid_from:
        errors["valid_to"] = _("The period ends before it begins.")
    elif valid_from and valid_to:
        clash = ModelBranch.objects.filter(party_org=party_org, revoked_on__isnull=True, valid_from__lte=valid_to,
                                           valid_to__gte=valid_from).first()
        if clash:
            errors["valid_from"] = _("The branch is already designated from %(from)s to %(to)s.") % {
                "from": clash.valid_from.isoformat(), "to": clash.valid_to.isoformat()}
        rating = (Rating.objects.filter(party_org=party_org, status=RatingStatus.PUBLISHED, suspended_on__isnull=True,
                                        cycle__lt=valid_from.year).order_by("-cycle").first())
        minimum = model_branch_min_stars()
        if rating is None or rating.stars < minimum:
            errors["party_org"] = _("A model branch needs a published rating of at least %(min)d stars before the "
                                    "period; the latest is %(latest)s.") % {
                "min": minimum, "latest": _("%(n)d stars (%(cycle)d)") % {"n": rating.stars, "cycle": rating.cycle}
                if rating else _("none")}
    if errors:
        raise ValidationError(errors)
    designation = ModelBranch.objects.create(party_org=party_org, title=title, valid_from=valid_from,
                                             valid_to=valid_to, basis=basis, decision_number=decision_number)
    audit_write(action="ratings.model_branch.designate", obj=designation, actor=actor,
                after=snapshot(designation, ("title", "valid_from", "valid_to", "basis", "decision_number")))
    return designation


@transaction.atomic
def model_branch_revoke(*, designation: ModelBranch, actor, on: datetime.date, reason: str) -> ModelBranch:
    designation = ModelBranch.objects.select_for_update().select_related("party_org").get(pk=designation.pk)
    _require_region(actor, "ratings.approve", designation.party_org.region_id, designation.party_org.name)
    errors = {}
    if designation.revoked_on:
        errors["on"] = _("The designation is already revoked.")
    elif not on or not designation.valid_from <= on <= designation.valid_to:
        errors["on"] = _("The revocation date lies within the period of the designation.")
    if not (reason or "").strip():
        errors["reason"] = _("Say why the designation is revoked.")
    if errors:
        raise ValidationError(errors)
    designation.revoked_on, designation.revocation_reason = on, reason.strip()
    designation.save()
    audit_write(action="ratings.model_branch.revoke", obj=designation, actor=actor,
                after={"revoked_on": on.isoformat(), "reason": designation.revocation_reason})
    return designation


# --- evaluation grades -----------------------------------------------------------------------------------------

@transaction.atomic
def evaluation_record(*, org, actor, grade: str, valid_from: datetime.date, decision_number: str,
                      valid_to: datetime.date | None = None, total_points=None,
                      scorecard_code: str = "", scorecard: Scorecard | None = None) -> EvaluationGrade:
    """Record the grade an evaluation gave an organization. Refused for an ineligible organization (the reasons
    that failed, under "eligibility"), for a grade outside 5A…1A, for a period longer than 5 years or overlapping
    another grade of the organization. The party-building section is computed from the platform's records."""
    from socorg.registry.models import SocialOrganization

    if not can(actor, "ratings.evaluate", org.authority_region_id):
        raise PermissionDenied(_("You may not do this for %(what)s: it lies outside your scope.") % {"what": org.name})
    SocialOrganization.objects.select_for_update().filter(pk=org.pk).exists()
    decision_number = (decision_number or "").strip()
    valid_to = valid_to or (rules.default_valid_to(valid_from) if valid_from else None)
    errors: dict[str, list[str] | str] = {}
    if not valid_from:
        errors["valid_from"] = _("Give the first day of validity.")
    errors.update(rules.grade_problems(grade, valid_from, valid_to, decision_number))
    if scorecard is not None:  # an evaluation round's scorecard: that version
        pass
    elif scorecard_code:
        scorecard = (Scorecard.objects.filter(kind=ScorecardKind.EVALUATION, code=scorecard_code)
                     .order_by("-version").first())
        if scorecard is None:
            from .scorecards import EVALUATION_PRESETS

            if scorecard_code in EVALUATION_PRESETS:
                scorecard = queries.default_scorecard(ScorecardKind.EVALUATION, scorecard_code)
            else:
                errors["scorecard"] = _("“%(code)s” is not an evaluation scorecard.") % {"code": scorecard_code}
    elif valid_from:
        scorecard = queries.scorecard_for(ScorecardKind.EVALUATION, valid_from.year)
    if total_points not in (None, "") and scorecard is not None:
        problem = rules.points_problem(total_points, scorecard.total)
        if problem:
            errors["total_points"] = problem
    if valid_from and valid_to and "valid_to" not in errors:
        clash = EvaluationGrade.objects.filter(organization=org, valid_from__lte=valid_to,
                                               valid_to__gte=valid_from).first()
        if clash:
            errors["valid_from"] = _("The organization already holds %(grade)s from %(from)s to %(to)s: validity "
                                     "periods cannot overlap.") % {"grade": clash.grade,
                                                                   "from": clash.valid_from.isoformat(),
                                                                   "to": clash.valid_to.isoformat()}
    if valid_from:
        verdict = queries.eligibility(org, valid_from)
        if not verdict["eligible"]:
            errors["eligibility"] = [r["detail"] for r in verdict["reasons"] if not r["passed"]]
    if errors:
        raise ValidationError(errors)
    party = compute.org_party_section([org.pk], valid_from.year, scorecard.definition,
                                      as_of=min(valid_from, timezone.localdate()))[org.pk] if scorecard else {}
    record = EvaluationGrade.objects.create(
        organization=org, grade=grade, valid_from=valid_from, valid_to=valid_to, decision_number=decision_number,
        scorecard=scorecard, party_building=party,
        total_points=rules.one_decimal(total_points) if total_points not in (None, "") else None,
        created_by=actor if getattr(actor, "pk", None) else None)
    audit_write(action="ratings.evaluation.record", obj=record, actor=actor,
                after=snapshot(record, ("grade", "valid_from", "valid_to", "decision_number", "total_points")))
    return record


# --- evaluation rounds -----------------------------------------------------------------------------------------

def _evaluation_scorecard(code: str, year: int) -> Scorecard | None:
    """The evaluation scorecard a round or a grade scores with: a shipped preset (10 of 100, 100 of 200) or the
    deployment's own code (its newest version); none given: the one in force for the year."""
    from .scorecards import EVALUATION_PRESETS

    if not code:
        return queries.scorecard_for(ScorecardKind.EVALUATION, year)
    if code in EVALUATION_PRESETS:
        return queries.default_scorecard(ScorecardKind.EVALUATION, code)
    return Scorecard.objects.filter(kind=ScorecardKind.EVALUATION, code=code).order_by("-version").first()


@transaction.atomic
def round_create(*, actor, year: int, region_code: str, authority: str, opens_on: datetime.date,
                 closes_on: datetime.date, scorecard_code: str = "", organizations=()) -> EvaluationRound:
    """An evaluation round of a registration authority (its region and name) for a year, scoring with an
    evaluation scorecard (a preset where party building weighs 10 of 100 or 100 of 200 points, or the deployment's
    own), open from `opens_on` to `closes_on`; `organizations` are entered at once (round_enter)."""
    from socorg.regions.models import Region

    region = Region.objects.filter(code=(region_code or "").strip()).first()
    if region is None:
        raise ValidationError({"region": _("Region %(code)s does not exist; give a 6-digit GB/T 2260 code such as "
                                           "530000.") % {"code": region_code}})
    _require_region(actor, "ratings.evaluate", region.code, region.name)
    errors: dict[str, str] = {}
    authority = (authority or "").strip()
    if not authority:
        errors["authority"] = _("Name the registration authority that runs the round, e.g. 云南省民政厅.")
    if not isinstance(year, int) or not 2000 <= year <= 2100:
        errors["year"] = _("The year must be a year such as 2026.")
    if not opens_on:
        errors["opens_on"] = _("Give the day the round opens.")
    if not closes_on:
        errors["closes_on"] = _("Give the day the round closes.")
    elif opens_on and closes_on < opens_on:
        errors["closes_on"] = _("The round closes before it opens.")
    scorecard = _evaluation_scorecard((scorecard_code or "").strip(), year if "year" not in errors else 2000)
    if scorecard is None:
        errors["scorecard"] = _("“%(code)s” is not an evaluation scorecard.") % {"code": scorecard_code}
    if errors:
        raise ValidationError(errors)
    evaluation_round = EvaluationRound.objects.create(
        year=year, region=region, authority=authority, scorecard=scorecard, opens_on=opens_on, closes_on=closes_on,
        created_by=actor if getattr(actor, "pk", None) else None)
    audit_write(action="ratings.round.create", obj=evaluation_round, actor=actor,
                after=snapshot(evaluation_round, ("year", "region_id", "authority", "opens_on", "closes_on"))
                | {"scorecard": str(scorecard)})
    if organizations:
        round_enter(evaluation_round=evaluation_round, actor=actor, organizations=organizations)
    return evaluation_round


@transaction.atomic
def round_enter(*, evaluation_round: EvaluationRound, actor, organizations, on: datetime.date | None = None
                ) -> list[RoundEntry]:
    """Enter organizations in a round: each lies under the round's registration authority, is entered once, while
    the round is open; its eligibility is computed with the reasons on the day of entry (queries.eligibility_many:
    the rules of GET /api/v1/orgs/{uscc}/evaluation-eligibility/) and kept with the entry. Ineligible organizations
    are entered too, with the reasons that fail: they cannot be graded."""
    from socorg.registry.models import SocialOrganization

    evaluation_round = EvaluationRound.objects.select_for_update().select_related("region").get(
        pk=evaluation_round.pk)
    _require_region(actor, "ratings.evaluate", evaluation_round.region_id, evaluation_round.authority)
    day = on or timezone.localdate()
    orgs = list(organizations)
    errors: list[str] = []
    if day > evaluation_round.closes_on:
        errors.append(_("The round closed on %(day)s.") % {"day": evaluation_round.closes_on.isoformat()})
    prefix = evaluation_round.region.scope_prefix
    already = set(RoundEntry.objects.filter(round=evaluation_round, organization__in=[o.pk for o in orgs])
                  .values_list("organization_id", flat=True))
    seen: set[int] = set()
    for org in orgs:
        if not org.authority_region_id.startswith(prefix):
            errors.append(_("%(org)s is registered outside the round's registration authority.") % {"org": org.name})
        elif org.pk in already or org.pk in seen:
            errors.append(_("%(org)s is already entered in the round.") % {"org": org.name})
        seen.add(org.pk)
    if not orgs:
        errors.append(_("Name the organizations that take part."))
    if errors:
        raise ValidationError({"organizations": errors})
    SocialOrganization.objects.select_for_update().filter(pk__in=[o.pk for o in orgs]).exists()
    verdicts = queries.eligibility_many(orgs, day)
    entries = RoundEntry.objects.bulk_create([
        RoundEntry(round=evaluation_round, organization=org, entered_on=day, eligible=verdicts[org.pk]["eligible"],
                   reasons=verdicts[org.pk]["reasons"]) for org in orgs])
    audit_write(action="ratings.round.enter", obj=evaluation_round, actor=actor,
                after={"entered": [org.uscc for org in orgs],
                       "eligible": sum(1 for org in orgs if verdicts[org.pk]["eligible"])})
    return entries


@transaction.atomic
def round_grade(*, entry: RoundEntry, actor, grade: str, valid_from: datetime.date, decision_number: str,
                valid_to: datetime.date | None = None, total_points=None) -> EvaluationGrade:
    """Record the grade a round gave a participating organization: through evaluation_record (its rules: eligible
    on the day validity begins, grade 5A…1A, at most 5 years, no overlap), with the round's scorecard, and linked
    to the entry."""
    entry = RoundEntry.objects.select_for_update().select_related("round__scorecard", "organization").get(pk=entry.pk)
    if entry.grade_id is not None:
        raise ValidationError({"grade": _("A grade is already recorded for this organization in the round.")})
    record = evaluation_record(org=entry.organization, actor=actor, grade=grade, valid_from=valid_from,
                               decision_number=decision_number, valid_to=valid_to, total_points=total_points,
                               scorecard=entry.round.scorecard)
    entry.grade = record
    entry.save(update_fields=["grade"])
    audit_write(action="ratings.round.grade", obj=entry.round, actor=actor,
                after={"organization": entry.organization.uscc, "grade": record.grade})
    return record
