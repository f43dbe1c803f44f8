"""The dated history of party organizations (PartyOrgPeriod: founded, dissolved, kind, formation, functional,
region) and of party members (MemberPeriod: joins, leaves, transfers of employer or party organization, 转正),
kept by database triggers. See core.history."""

from socorg.core.history import PeriodHistory

from .choices import PartyOrgStatus

PARTY_ORG_HISTORY = PeriodHistory(
    name="history_party_org",
    source="party_partyorganization",
    history="party_partyorgperiod",
    key="party_org_id",
    columns=(("kind", "kind"), ("formation", "formation"), ("is_functional", "is_functional"),
             ("region_id", "region_id")),
    in_force=f"{{r}}.status = '{PartyOrgStatus.ACTIVE.value}'",
    start="founded_on",
    end="status_changed_on",
)
MEMBER_HISTORY = PeriodHistory(
    name="history_member",
    source="party_partymember",
    history="party_memberperiod",
    key="member_id",
    columns=(("employer_id", "employer_id"), ("party_org_id", "party_org_id"), ("membership", "membership"),
             ("is_full_time_staff", "is_full_time_staff")),
    in_force="{r}.is_active",
    start="joined_on",
    end="left_on",
)
PARTY_ORG_TRIGGERS = PARTY_ORG_HISTORY.trigger_set()
MEMBER_TRIGGERS = MEMBER_HISTORY.trigger_set()
