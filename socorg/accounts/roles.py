"""Roles and what each may do. A grant gives a role over one region's subtree.

Capabilities are "<domain>.<action>" strings; scoped models declare their domain, so adding a domain (alerts,
ratings, …) means adding it here and nowhere else. The three administrators (三员) manage the system, security and
the audit trail, and none of them reads business data: separation of duties per 等保 2.0 level 3.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    BUREAU_STAFF = "bureau_staff", _("Civil-affairs bureau staff")
    PARTY_STAFF = "party_staff", _("Party committee staff")
    INSTRUCTOR = "instructor", _("Party-building instructor")
    ORG_ACCOUNT = "org_account", _("Social organization account")
    VIEWER = "viewer", _("Viewer")
    SYSTEM_ADMIN = "system_admin", _("System administrator")
    SECURITY_ADMIN = "security_admin", _("Security administrator")
    AUDIT_ADMIN = "audit_admin", _("Audit administrator")


ADMIN_ROLES = frozenset({Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN})

_READ_BUSINESS = {
    "regions.view", "registry.view", "party.view", "members.view", "coverage.view", "activities.view",
    "alerts.view", "ledger.export", "reports.view",
    "inspections.view", "projects.view", "credit.view",
}
_WRITE_BUSINESS = {
    "registry.change", "party.change", "members.change", "activities.change", "alerts.change", "ledger.import",
    "coverage.snapshot", "projects.change",
    "alerts.review",  # accept or return a rectification: staff only, not instructors (they work on alerts)
}

# Notices (通知公告): staff send them to the accounts of a region and follow who read and replied. Receiving needs no
# capability: every account reads the notices addressed to it.
_NOTICES_SEND = {"notices.view", "notices.send"}

ROLE_CAPABILITIES: dict[str, frozenset[str]] = {
    # Annual reports are reviewed by the registration authority (the bureau), not by the party committee.
    # registry.org_accounts: issue organizations' own accounts (org_account) for the organizations in the region.
    # Credit lists and penalties are decided by the registration authority (the bureau): credit.change.
    Role.BUREAU_STAFF: frozenset(_READ_BUSINESS | _WRITE_BUSINESS | {"members.reveal", "reports.change",
                                                                        "reports.review", "registry.org_accounts",
                                                                        "inspections.change", "projects.apply",
                                                                        "credit.change", "complaints.view",
                                                                        "complaints.change", "complaints.reveal",
                                                                        "exits.view", "exits.change"}
                                 | _NOTICES_SEND),
    # Complaints (投诉举报) are handled by the registration authority; the party committee reads them.
    Role.PARTY_STAFF: frozenset(_READ_BUSINESS | _WRITE_BUSINESS | {"members.reveal", "complaints.view",
                                                                     "exits.view"}
                                | _NOTICES_SEND),
    Role.INSTRUCTOR: frozenset(_READ_BUSINESS | {"activities.change", "alerts.change"}),
    Role.ORG_ACCOUNT: frozenset({"regions.view", "registry.view", "party.view", "activities.view",
                                 "activities.change", "alerts.view", "reports.view", "reports.change",
                                 "projects.view", "projects.apply", "credit.view"}),
    Role.VIEWER: frozenset(_READ_BUSINESS - {"members.view", "ledger.export"}),
    Role.SYSTEM_ADMIN: frozenset({"regions.view", "accounts.manage", "system.configure"}),
    Role.SECURITY_ADMIN: frozenset({"regions.view", "accounts.view", "accounts.grant", "accounts.unlock",
                                    "security.configure"}),
    Role.AUDIT_ADMIN: frozenset({"regions.view", "audit.view"}),
}


# Ratings (socorg/ratings): everyone who reads business data reads ratings; the branch's own account self-assesses;
# the party committee reviews and approves star ratings; the registration authority records evaluation grades.
_RATINGS: dict[str, set[str]] = {
    Role.BUREAU_STAFF: {"ratings.view", "ratings.evaluate"},
    Role.PARTY_STAFF: {"ratings.view", "ratings.review", "ratings.approve"},
    Role.INSTRUCTOR: {"ratings.view"},
    Role.VIEWER: {"ratings.view"},
    Role.ORG_ACCOUNT: {"ratings.view", "ratings.self_assess"},
}
ROLE_CAPABILITIES.update({role: capabilities | _RATINGS[role] for role, capabilities in ROLE_CAPABILITIES.items()
                          if role in _RATINGS})


def capabilities_of(role: str) -> frozenset[str]:
    return ROLE_CAPABILITIES[Role(role)]
