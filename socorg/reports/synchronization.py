"""三同步: party building checked in step with registration, the annual report, evaluation and board re-election.

The checklist is configuration: each event has items (code and label); a deployment replaces or extends them with
the setting SOCORG_SYNC_CHECKLIST = {event: [[code, label], …]}. The defaults follow docs/domain.md ("Registration
synchronization"): at registration a party-building commitment letter, a party-member survey with the count of
members, the party clause in the draft charter and a party-work contact person; at the annual report a complete
party section and the 应建未建 check; at evaluation party building scored; at re-election the party
organization's opinion on the candidates."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class SyncEvent(models.TextChoices):
    REGISTRATION = "registration", _("Registration")
    ANNUAL_REPORT = "annual_report", _("Annual report")
    EVALUATION = "evaluation", _("Evaluation")
    RE_ELECTION = "re_election", _("Board re-election")


class SyncState(models.TextChoices):
    DONE = "done", _("Done")
    NOT_DONE = "not_done", _("Not done")
    NOT_APPLICABLE = "not_applicable", _("Not applicable")


DEFAULT_CHECKLIST = {
    SyncEvent.REGISTRATION: [
        ("commitment_letter", _("Party-building commitment letter received")),
        ("member_survey", _("Party-member survey form received, with the number of members")),
        ("charter_clause", _("Party-building clause in the draft charter")),
        ("party_contact", _("Party-work contact person named")),
    ],
    SyncEvent.ANNUAL_REPORT: [
        ("party_section_complete", _("Party-building section of the report complete")),
        ("should_build_checked", _("Should-build check: with 3 or more full members, a standalone party organization "
                                   "(or a documented reason)")),
    ],
    SyncEvent.EVALUATION: [
        ("party_building_scored", _("Party building scored in the evaluation")),
    ],
    SyncEvent.RE_ELECTION: [
        ("party_opinion_on_candidates", _("Party organization's opinion on the candidates recorded")),
        ("party_clause_kept", _("Party-building clause kept in the revised charter")),
    ],
}


def checklist(event: str) -> list[tuple[str, str]]:
    """The items (code, label) of an event in this deployment."""
    configured = getattr(settings, "SOCORG_SYNC_CHECKLIST", None) or {}
    if event in configured:
        return [(str(code), str(label)) for code, label in configured[event]]
    return [(code, str(label)) for code, label in DEFAULT_CHECKLIST.get(event, [])]
