import os

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from socorg.activities.attachments import storage_name
from socorg.core.scope import ScopedManager

from .choices import OPEN_STATUSES, AlertStatus, EventKind, Severity, SubjectType


class RuleSetting(models.Model):
    """Per-deployment settings of one rule (rules themselves are code in alerts.rules). Deployment-wide, so not
    region-scoped: editing needs a national alerts.change grant or the system.configure capability."""

    code = models.CharField(_("rule"), max_length=64, unique=True)
    enabled = models.BooleanField(_("enabled"), default=True)
    severity = models.CharField(_("severity"), max_length=16, choices=Severity.choices)
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    citation = models.CharField(_("citation"), max_length=500, blank=True,
                                help_text=_("Empty means the rule's built-in citation."))
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("updated by"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("rule setting")
        verbose_name_plural = _("rule settings")
        ordering = ["code"]

    def __str__(self):
        return _rule_title(self.code)


class Alert(models.Model):
    """One finding of one rule about one subject (a party organization or a social organization).

    At most one open alert (open / assigned / submitted) exists per rule and subject — a partial unique index, so
    two concurrent scans cannot both open it. `episode` names the occurrence (e.g. the quarter without an
    assembly) so an accepted rectification is not reopened for the same occurrence."""

    scope_domain = "alerts"
    scope_region_field = "region__code"
    scope_organization_paths = ("organization", "party_org__coverages__organization")

    # Few, mostly partial indexes: every index costs the first national scan 0.5–1.5 s per 400,000 new alerts
    # (measured), so the foreign keys are indexed only where set, and the region one by the board's index.
    rule = models.CharField(_("rule"), max_length=64)
    subject_type = models.CharField(_("subject type"), max_length=16, choices=SubjectType.choices)
    subject_key = models.CharField(_("subject key"), max_length=40)  # "party_org:12" / "social_org:34"
    # The subject and region keys are not database constraints: checking them (a locking look-up of the
    # organization and of the region per new alert) doubled the insert of a first national scan's 423,249
    # no_work_coverage alerts (34–38 s instead of 18–19 s, benchmarks/README.md). Django's deletes still cascade
    # (subjects) or refuse (regions), and no code deletes those rows with raw SQL (tests/test_subject_keys.py;
    # docs/architecture.md).
    party_org = models.ForeignKey("party.PartyOrganization", verbose_name=_("party organization"), null=True,
                                  blank=True, on_delete=models.CASCADE, related_name="alerts", db_index=False,
                                  db_constraint=False)
    organization = models.ForeignKey("registry.SocialOrganization", verbose_name=_("social organization"),
                                     null=True, blank=True, on_delete=models.CASCADE, related_name="alerts",
                                     db_index=False, db_constraint=False)
    region = models.ForeignKey("regions.Region", verbose_name=_("region"), on_delete=models.PROTECT,
                               related_name="+", db_index=False, db_constraint=False)
    severity = models.CharField(_("severity"), max_length=16, choices=Severity.choices)
    message = models.TextField(_("message"))
    evidence = models.JSONField(_("evidence"), default=dict)
    episode = models.CharField(_("occurrence"), max_length=40, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=AlertStatus.choices, default=AlertStatus.OPEN)
    opened_on = models.DateField(_("opened on"))
    resolved_on = models.DateField(_("resolved on"), null=True, blank=True)
    resolution_reason = models.CharField(_("resolution reason"), max_length=500, blank=True)
    # After an accepted rectification: the first scan date on which the condition no longer held.
    cleared_on = models.DateField(_("condition cleared on"), null=True, blank=True)
    # Rectification.
    assignee = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("assignee"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="assigned_alerts", db_index=False)
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    escalated_to = models.ForeignKey("regions.Region", verbose_name=_("escalated to"), null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+", db_index=False)
    escalated_on = models.DateField(_("escalated on"), null=True, blank=True)
    escalated_deadline = models.DateField(_("deadline missed"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("alert")
        verbose_name_plural = _("alerts")
        ordering = ["-opened_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["rule", "subject_key"], condition=Q(status__in=OPEN_STATUSES),
                                    name="alert_one_open_per_rule_subject"),
            models.CheckConstraint(
                condition=(Q(subject_type=SubjectType.PARTY_ORG, party_org__isnull=False, organization__isnull=True)
                           | Q(subject_type=SubjectType.SOCIAL_ORG, organization__isnull=False,
                               party_org__isnull=True)),
                name="alert_subject_matches_type",
            ),
        ]
        indexes = [
            # Board and lists by region; also serves the region foreign key.
            models.Index(fields=["region", "status", "rule"], name="alert_region_status_rule_idx"),
            # The alert list's keyset order (newest first, ties by id), one range read at any depth of its pages.
            models.Index(fields=["opened_on", "id"], name="alert_opened_on_id_idx"),
            # Escalation: assigned alerts past their deadline.
            models.Index(fields=["deadline"], condition=Q(status=AlertStatus.ASSIGNED),
                         name="alert_assigned_deadline_idx"),
            # The scan's check for accepted rectifications whose occurrence still holds.
            models.Index(fields=["rule", "subject_key"], condition=Q(status=AlertStatus.ACCEPTED,
                                                                     cleared_on__isnull=True),
                         name="alert_accepted_uncleared_idx"),
            # Foreign keys (deletes of subjects and users, assignee lists), indexed only where set.
            models.Index(fields=["party_org"], condition=Q(party_org__isnull=False), name="alert_party_org_idx"),
            models.Index(fields=["organization"], condition=Q(organization__isnull=False),
                         name="alert_organization_idx"),
            models.Index(fields=["assignee"], condition=Q(assignee__isnull=False), name="alert_assignee_idx"),
            models.Index(fields=["escalated_to"], condition=Q(escalated_to__isnull=False),
                         name="alert_escalated_to_idx"),
        ]

    def __str__(self):
        return f"{_rule_title(self.rule)} · {self.subject_name}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def subject_name(self) -> str:
        subject = self.party_org if self.subject_type == SubjectType.PARTY_ORG else self.organization
        return subject.name if subject else self.subject_key

    @property
    def overdue(self) -> bool:
        from django.utils import timezone

        return self.status == AlertStatus.ASSIGNED and self.deadline is not None and \
            self.deadline < timezone.localdate()


class AlertEvent(models.Model):
    """One step of an alert's rectification: assignment, submission, return, acceptance, escalation."""

    scope_domain = "alerts"
    scope_region_field = "alert__region__code"
    scope_organization_paths = ("alert__organization", "alert__party_org__coverages__organization")

    alert = models.ForeignKey(Alert, verbose_name=_("alert"), on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("step"), max_length=16, choices=EventKind.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("by"), null=True, blank=True,
                              on_delete=models.PROTECT, related_name="+")
    note = models.TextField(_("note"), blank=True)
    assignee = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("assignee"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="+")
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    region = models.ForeignKey("regions.Region", verbose_name=_("escalated to"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("time"), auto_now_add=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("rectification step")
        verbose_name_plural = _("rectification steps")
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.alert_id} · {self.get_kind_display()}"


def _evidence_path(instance, filename: str) -> str:
    return storage_name("alerts", os.path.splitext(filename)[1].lower())


class EvidenceFile(models.Model):
    """A file the assignee submitted as evidence of the rectification."""

    scope_domain = "alerts"
    scope_region_field = "event__alert__region__code"
    scope_organization_paths = ("event__alert__organization", "event__alert__party_org__coverages__organization")

    event = models.ForeignKey(AlertEvent, verbose_name=_("step"), on_delete=models.CASCADE, related_name="files")
    file = models.FileField(_("file"), upload_to=_evidence_path, max_length=200)
    original_name = models.CharField(_("file name"), max_length=255)
    size = models.PositiveIntegerField(_("size (bytes)"))
    content_type = models.CharField(_("content type"), max_length=100)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("evidence file")
        verbose_name_plural = _("evidence files")
        ordering = ["id"]

    def __str__(self):
        return self.original_name


class ScanRun(models.Model):
    """One evaluation of the rules: when, as of which date, over which region, and what it changed."""

    as_of = models.DateField(_("as of"))
    region_prefix = models.CharField(_("region prefix"), max_length=6, blank=True)
    started_at = models.DateTimeField(_("started at"))
    seconds = models.FloatField(_("duration (s)"), default=0)
    opened = models.PositiveIntegerField(_("opened"), default=0)
    resolved = models.PositiveIntegerField(_("resolved"), default=0)
    open_count = models.PositiveIntegerField(_("open"), default=0)
    escalated = models.PositiveIntegerField(_("escalated"), default=0)
    per_rule = models.JSONField(_("per rule"), default=dict)

    class Meta:
        verbose_name = _("scan")
        verbose_name_plural = _("scans")
        ordering = ["-started_at"]

    def __str__(self):
        return f"{self.as_of} {self.region_prefix or '*'}"


def _rule_title(code: str) -> str:
    """A rule's title for the string form of rows that name a rule (shown in audit entries, never the code)."""
    from .rules import RULES

    return str(RULES[code].title) if code in RULES else str(_("Rule no longer in use"))


# --- per-scan tallies (temporary tables) ---------------------------------------------------------------------
# Several rules read the same aggregate: the seven activity rules the last date and the number of activities per
# branch and type, committee_meeting_shortfall and branch_too_large the members per branch. A scan computes each
# aggregate once, in one grouped pass, into a temporary table of the session (alerts.rules.activity_tally /
# member_tally) and the rules join it. These models only describe those tables for the ORM's joins: unmanaged (no
# table in the schema), no database constraint, and DO_NOTHING so that deleting a party organization never looks
# at them.


class ScanActivityTally(models.Model):
    """Per branch and activity type (of a rule): the number held in the last full period of the type's rule, and
    the last date up to the scan's date."""

    pk = models.CompositePrimaryKey("party_org", "type")
    party_org = models.ForeignKey("party.PartyOrganization", on_delete=models.DO_NOTHING, db_constraint=False,
                                  related_name="scan_activity_tallies")
    type = models.CharField(max_length=32)
    held = models.IntegerField()
    last_date = models.DateField()

    class Meta:
        managed = False
        db_table = "alerts_scan_activity_tally"

    def __str__(self):
        return f"{self.party_org_id} {self.type}"


class ScanMemberTally(models.Model):
    """Per party organization: its members and full members on the scan's date (alerts.rules.members_on)."""

    party_org = models.OneToOneField("party.PartyOrganization", primary_key=True, on_delete=models.DO_NOTHING,
                                     db_constraint=False, related_name="scan_member_tally")
    members = models.IntegerField()
    full_members = models.IntegerField()

    class Meta:
        managed = False
        db_table = "alerts_scan_member_tally"

    def __str__(self):
        return f"{self.party_org_id}"
