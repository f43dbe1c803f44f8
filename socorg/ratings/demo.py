"""Deterministic demo data for the ratings app: last year's star ratings computed from the demo records (the same
service as `socorg rate`), a seeded share of them self-assessed, reviewed and published with judged points, model
branches among the five-star ones, and evaluation grades (some about to expire) for a sample of eligible
organizations. Demo only: the rows past the computation are written directly, like the other apps' demo data."""

import datetime
import random

from django.utils import timezone

from socorg.core.audit import SYSTEM
from socorg.core.scope import in_subtree
from socorg.registry.models import SocialOrganization

from . import rules, services
from .choices import RatingStatus
from .models import EvaluationGrade, ModelBranch, Rating

PUBLISHED_SHARE = 0.3
GRADED_SHARE = 0.05


class RatingsDemo:
    published_share = PUBLISHED_SHARE
    graded_share = GRADED_SHARE

    def __init__(self, *, seed: int, cycle: int, region_prefix: str = ""):
        self.random = random.Random(seed)
        self.cycle = cycle
        self.prefix = region_prefix

    def run(self) -> dict[str, int]:
        result = services.rate_cycle(cycle=self.cycle, region_prefix=self.prefix, actor=SYSTEM)
        published = self._publish()
        graded = self._grades()
        return {"ratings": result.rated, "published": published, "grades": graded}

    def _publish(self) -> int:
        now = timezone.now()
        chosen = []
        ratings = (Rating.objects.filter(cycle=self.cycle, status=RatingStatus.COMPUTED)
                   .filter(in_subtree("region__code", self.prefix)).select_related("scorecard").order_by("pk"))
        for rating in ratings.iterator(chunk_size=2000):
            if self.random.random() >= self.published_share:
                continue
            for criterion in rating.criteria:
                if criterion["kind"] == "judged":
                    criterion["claimed_points"] = rules.tenth(criterion["max"] * self.random.uniform(0.5, 1.0))
                    criterion["claim_reason"] = "演示数据：支部自评"
            total = rules.tenth(sum(rules.effective_float(c) for c in rating.criteria))
            rating.total_points = rules.one_decimal(total)
            rating.stars = rules.stars_for(total, rating.scorecard.definition.get("thresholds", {}),
                                           [v["cap"] for v in rating.vetoes])
            rating.status = RatingStatus.PUBLISHED
            rating.review_comment = "演示数据：同意"
            rating.self_assessed_at = rating.reviewed_at = rating.approved_at = rating.published_at = now
            chosen.append(rating)
        Rating.objects.bulk_update(chosen, ["criteria", "total_points", "stars", "status", "review_comment",
                                            "self_assessed_at", "reviewed_at", "approved_at", "published_at"],
                                   batch_size=2000)
        start = datetime.date(self.cycle + 1, 1, 1)
        ModelBranch.objects.bulk_create([
            ModelBranch(party_org_id=rating.party_org_id, title="标准化规范化示范党支部", valid_from=start,
                        valid_to=rules.add_years(start, 2) - datetime.timedelta(days=1),
                        basis=f"{self.cycle}年度五星级党组织", decision_number=f"演示组字〔{self.cycle + 1}〕{i + 1}号")
            for i, rating in enumerate(r for r in chosen if r.stars == 5)])
        return len(chosen)

    def _grades(self) -> int:
        today = timezone.localdate()
        orgs = (SocialOrganization.objects.filter(in_subtree("authority_region__code", self.prefix),
                                                  registered_on__lte=rules.add_years(today, -3))
                .order_by("pk").values_list("pk", flat=True))
        rows = []
        for pk in orgs.iterator(chunk_size=20000):
            if self.random.random() >= self.graded_share:
                continue
            valid_from = today - datetime.timedelta(days=self.random.randint(30, 5 * 365 - 30))
            rows.append(EvaluationGrade(organization_id=pk, grade=self.random.choice(["5A", "4A", "4A", "3A", "3A",
                                                                                     "3A", "2A", "1A"]),
                                        valid_from=valid_from, valid_to=rules.default_valid_to(valid_from),
                                        decision_number=f"演示民评〔{valid_from.year}〕{len(rows) + 1}号"))
        EvaluationGrade.objects.bulk_create(rows, batch_size=5000)
        return len(rows)
