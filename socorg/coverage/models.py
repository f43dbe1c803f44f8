"""Maintained coverage counts and frozen half-year snapshots.

RegionCounts: one row per registration-authority region code, the sums over the *active* organizations registered
there (maintained by database triggers on registry_socialorganization, see triggers.py). Figures for any region are
folded from these rows by code prefix, so their cost grows with the number of regions, not of organizations.

PartyOrgReach: one row per (active party organization, region key) it reaches, a key being a 0/2/4/6-character code
prefix of an active organization it covers today. PartyOrgCounts (kept by triggers on PartyOrgReach) counts distinct
party organizations per key, which cannot be summed from children (a joint branch spanning two counties counts once
in their prefecture). Both are derived state: never edit them by hand; `socorg coverage-rebuild --check` compares
them with a from-scratch recount.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from socorg.core.scope import ScopedQuerySet
from socorg.party.rules import should_build_min_full_members

COUNT_FIELDS = ("orgs", "org_covered", "org_covered_formal", "work_covered", "standalone", "should_build",
                "should_build_built", "full_members")
PARTY_FIELDS = ("party_orgs", "party_orgs_functional")
# A unit with at least this many full members must form its own branch (应建): the deployment's one setting
# (socorg.party.rules.should_build_min_full_members), shared with the should_build_missing rule.
SHOULD_BUILD_MIN_FULL_MEMBERS = should_build_min_full_members()
# Region keys a party organization reaches: the code prefixes of these lengths (nation, province, prefecture,
# county / the authority region itself).
KEY_LENGTHS = (0, 2, 4, 6)


class RegionCounts(models.Model):
    region = models.OneToOneField("regions.Region", verbose_name=_("registration authority region"),
                                  primary_key=True, on_delete=models.DO_NOTHING, db_constraint=False,
                                  related_name="+")
    orgs = models.BigIntegerField(_("organizations"), default=0)
    org_covered = models.BigIntegerField(_("organizationally covered"), default=0)
    org_covered_formal = models.BigIntegerField(_("organizationally covered (formal party organizations)"),
                                                default=0)
    work_covered = models.BigIntegerField(_("work covered"), default=0)
    standalone = models.BigIntegerField(_("standalone"), default=0)
    should_build = models.BigIntegerField(_("should build"), default=0)
    should_build_built = models.BigIntegerField(_("should build, built"), default=0)
    full_members = models.BigIntegerField(_("full party members"), default=0)

    class Meta:
        verbose_name = _("region coverage counts")
        verbose_name_plural = _("region coverage counts")
        default_permissions = ()

    def __str__(self):
        return f"{self.region_id}: {self.orgs}"


class PartyOrgReach(models.Model):
    # No index of its own: coverage_reach_unique (party_org, key) leads with it (one index less for the 900,000
    # rows of the national set to keep on every insert; benchmarks/README.md, ledger).
    party_org = models.ForeignKey("party.PartyOrganization", verbose_name=_("party organization"),
                                  on_delete=models.CASCADE, related_name="+", db_index=False)
    key = models.CharField(_("region key"), max_length=6)
    is_functional = models.BooleanField(_("functional party organization"), default=False)

    class Meta:
        verbose_name = _("party organization reach")
        verbose_name_plural = _("party organization reach")
        default_permissions = ()
        constraints = [models.UniqueConstraint(fields=["party_org", "key"], name="coverage_reach_unique")]
        indexes = [models.Index(fields=["key", "party_org"], name="coverage_reach_key_idx")]

    def __str__(self):
        return f"{self.party_org_id} → {self.key or '*'}"


class PartyOrgCounts(models.Model):
    key = models.CharField(_("region key"), max_length=6, primary_key=True)
    party_orgs = models.BigIntegerField(_("party organizations"), default=0)
    party_orgs_functional = models.BigIntegerField(_("functional party organizations"), default=0)

    class Meta:
        verbose_name = _("party organization counts")
        verbose_name_plural = _("party organization counts")
        default_permissions = ()

    def __str__(self):
        return f"{self.key or '*'}: {self.party_orgs}"


class SnapshotQuerySet(ScopedQuerySet):
    def update(self, **kwargs):
        raise PermissionError("Coverage snapshots are immutable: they cannot be changed.")

    def delete(self):
        raise PermissionError("Coverage snapshots are immutable: they cannot be deleted.")


class CoverageSnapshot(models.Model):
    """The figures of one region frozen for a half-year census period (半年排查), e.g. "2026H2".

    Immutable like the audit log: the ORM refuses updates and deletes and a database trigger refuses UPDATE."""

    scope_domain = "coverage"
    scope_region_field = "region__code"

    period = models.CharField(_("period"), max_length=6, db_index=True)
    region = models.ForeignKey("regions.Region", verbose_name=_("region"), on_delete=models.PROTECT,
                               related_name="+")
    taken_at = models.DateTimeField(_("taken at"), default=timezone.now)
    taken_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("taken by"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="+", db_constraint=False)
    totals = models.JSONField(_("totals"))
    direct = models.JSONField(_("own level (本级)"), null=True, blank=True)

    objects = SnapshotQuerySet.as_manager()

    class Meta:
        verbose_name = _("coverage snapshot")
        verbose_name_plural = _("coverage snapshots")
        ordering = ["region", "period"]
        default_permissions = ("view",)
        constraints = [models.UniqueConstraint(fields=["period", "region"], name="coverage_snapshot_unique")]

    def __str__(self):
        return f"{self.period} {self.region_id}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError("Coverage snapshots are immutable: they cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("Coverage snapshots are immutable: they cannot be deleted.")
