"""The dated history of social organizations (registry.models.OrgPeriod), kept by database triggers: registration,
deregistration / revocation, status, authority region, type and declared member counts. See core.history."""

from socorg.core.history import PeriodHistory

from .choices import REGISTERED_STATUSES

REGISTERED = "(" + ", ".join(f"'{status}'" for status in REGISTERED_STATUSES) + ")"

ORG_HISTORY = PeriodHistory(
    name="history_org",
    source="registry_socialorganization",
    history="registry_orgperiod",
    key="organization_id",
    columns=(("status", "status"), ("authority_region_id", "authority_region_id"), ("org_type", "org_type"),
             ("category", "category"), ("authority_level", "authority_level"),
             ("declared_full_members", "declared_full_members"),
             ("declared_probationary_members", "declared_probationary_members")),
    in_force="{r}.status IN " + REGISTERED,
    start="registered_on",
    end="status_changed_on",
)
TRIGGERS = ORG_HISTORY.trigger_set()
