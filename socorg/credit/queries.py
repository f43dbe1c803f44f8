"""Reads of the credit lists and penalties other apps use (the interface in TEAM.md), and the credit history of an
organization. "In force on a day" has one definition, `in_force_q`: decided by then, not removed by then, not ended
by itself by then (an entry past `expires_on` is out even before the daily job marks it removed).

    active_entries(on=None, list=None, region=None, user=None)  → CreditEntry queryset in force
    in_force_figures(user=, on=None)                            → {"lists": {list: n}, "late": n} in force
    is_listed(org, list=None, on=None)                          → bool
    listed_since(org, list, on=None)                            → date of the oldest entry in force, or None
    listed_q(list=None, on=None, prefix="")                     → Q over SocialOrganization (set-based filters)
    organizations_listed_since(list, before, on=None)           → organization ids listed since `before` or earlier
    penalties(org=None, kinds=None, since=None, until=None)     → Penalty queryset
    penalized_within(org, days=365, on=None, kinds=None)        → bool
    penalized_q(since, until, kinds=None, prefix="")            → Q over SocialOrganization
    listings_of(org_ids, on=None)                               → {org_id: [{list, list_label, since, reasons}]}
    penalties_of(org_ids, since=, until=)                       → {org_id: [Penalty, …]}

Working days (complaints, deadlines elsewhere): credit.workdays.add_workdays(day, n) — the n-th Chinese working day
after `day`; workdays.is_workday(day).
"""

import datetime

from django.db.models import Count, Exists, Min, OuterRef, Q, Sum
from django.utils import timezone

from socorg.core.scope import filter_subtree, organization_scope

from .models import CreditEntry, CreditEntryCounts, Penalty


def _day(on: datetime.date | None) -> datetime.date:
    return on or timezone.localdate()


def in_force_q(on: datetime.date | None = None, prefix: str = "") -> Q:
    day = _day(on)
    return (Q(**{f"{prefix}decided_on__lte": day})
            & (Q(**{f"{prefix}removed_on__isnull": True}) | Q(**{f"{prefix}removed_on__gt": day}))
            & (Q(**{f"{prefix}expires_on__isnull": True}) | Q(**{f"{prefix}expires_on__gt": day})))


def active_entries(*, on: datetime.date | None = None, list: str | None = None, region: str | None = None,
                   user=None):
    """Entries in force on `on` (default today), optionally on one list, under a region code, as `user` sees them
    (None: everything, for jobs and commands)."""
    entries = CreditEntry.objects.all() if user is None else CreditEntry.objects.visible_to(user, "view")
    entries = entries.filter(in_force_q(on))
    if list:
        entries = entries.filter(list=list)
    if region:
        entries = filter_subtree(entries, "organization__authority_region__code", region)
    return entries


def in_force_figures(*, user, on: datetime.date | None = None) -> dict:
    """The credit list page's panel: the entries in force on `on` (default today) that `user` may see, per list and
    entered late — {"lists": {list code: n}, "late": n}.

    For a user scoped by region: the maintained counts of the entries not removed (CreditEntryCounts, kept by
    credit.triggers, scoped as the entries are), less those of them decided after the day or past their own end,
    plus those removed only after the day (both read live through small indexes: normally a handful). For an
    organization's own account: one aggregate over its entries. Both give the same figures as counting the entries
    in force (tests/test_entry_counts.py)."""
    from .choices import CreditList

    day = _day(on)
    if organization_scope(user, "credit.view"):
        counts = active_entries(on=day, user=user).aggregate(
            late=Count("pk", filter=Q(entered_late=True)),
            **{f"list_{code}": Count("pk", filter=Q(list=code)) for code in CreditList.values})
        return {"lists": {code: counts[f"list_{code}"] for code in CreditList.values}, "late": counts["late"]}
    lists, late = dict.fromkeys(CreditList.values, 0), 0
    for code, is_late, n in (CreditEntryCounts.objects.visible_to(user, "view").order_by()
                             .values_list("list", "late").annotate(n=Sum("entries"))):
        lists[code] += int(n)  # int(): a PostgreSQL sum of bigint is a numeric
        late += int(n) if is_late else 0
    not_in_force = Q(removed_on__isnull=True) & (Q(decided_on__gt=day) | Q(expires_on__lte=day))
    removed_later = Q(removed_on__gt=day) & in_force_q(day)
    corrections = (CreditEntry.objects.visible_to(user, "view").filter(not_in_force | removed_later).order_by()
                   .values_list("list", "entered_late")
                   .annotate(less=Count("pk", filter=not_in_force), more=Count("pk", filter=removed_later)))
    for code, is_late, less, more in corrections:
        lists[code] += more - less
        late += (more - less) if is_late else 0
    return {"lists": lists, "late": late}


def is_listed(org, list: str | None = None, *, on: datetime.date | None = None) -> bool:
    return active_entries(on=on, list=list).filter(organization=org).exists()


def listed_since(org, list: str, *, on: datetime.date | None = None) -> datetime.date | None:
    return active_entries(on=on, list=list).filter(organization=org).aggregate(first=Min("decided_on"))["first"]


def listed_q(list: str | None = None, *, on: datetime.date | None = None, prefix: str = "") -> Q:
    """Social organizations (reached through `prefix`, e.g. "organization__") with an entry in force."""
    entries = CreditEntry.objects.filter(in_force_q(on), organization=OuterRef(f"{prefix}pk" if prefix else "pk"))
    if list:
        entries = entries.filter(list=list)
    return Q(Exists(entries))


def organizations_listed_since(list: str, before: datetime.date, *, on: datetime.date | None = None):
    """Ids of organizations whose oldest entry in force on `list` was decided on or before `before` (e.g. on the
    abnormal list for more than a year: before = on − 1 year)."""
    return (active_entries(on=on, list=list).order_by().values("organization_id")
            .annotate(first=Min("decided_on")).filter(first__lte=before).values("organization_id"))


def penalties(*, org=None, kinds=None, since: datetime.date | None = None, until: datetime.date | None = None,
              user=None):
    rows = Penalty.objects.all() if user is None else Penalty.objects.visible_to(user, "view")
    if org is not None:
        rows = rows.filter(organization=org)
    if kinds:
        rows = rows.filter(kind__in=list(kinds))
    if since:
        rows = rows.filter(decided_on__gte=since)
    if until:
        rows = rows.filter(decided_on__lte=until)
    return rows


def penalized_within(org, *, days: int = 365, on: datetime.date | None = None, kinds=None) -> bool:
    """Any penalty decided in the `days` up to `on` (evaluation eligibility: none within a year)."""
    day = _day(on)
    return penalties(org=org, kinds=kinds, since=day - datetime.timedelta(days=days), until=day).exists()


def penalized_q(since: datetime.date, until: datetime.date, *, kinds=None, prefix: str = "") -> Q:
    rows = Penalty.objects.filter(organization=OuterRef(f"{prefix}pk" if prefix else "pk"),
                                  decided_on__gte=since, decided_on__lte=until)
    if kinds:
        rows = rows.filter(kind__in=list(kinds))
    return Q(Exists(rows))


def listings_of(org_ids, *, on: datetime.date | None = None) -> dict[int, list[dict]]:
    """For a set of organization ids, their listings in force on `on` (one query):
    {org_id: [{"list": "abnormal"|"serious", "list_label", "since", "reasons": [codes]}]} (orgs not listed absent;
    a list's `since` is its oldest entry in force)."""
    from .choices import CreditList

    rows = (active_entries(on=on).filter(organization_id__in=list_ids(org_ids)).order_by()
            .values_list("organization_id", "list", "reason", "decided_on"))
    found: dict[int, dict[str, dict]] = {}
    for org_id, list_code, reason, decided in rows:
        item = found.setdefault(org_id, {}).setdefault(list_code, {
            "list": list_code, "list_label": str(CreditList(list_code).label), "since": decided, "reasons": []})
        item["since"] = min(item["since"], decided)
        if reason not in item["reasons"]:
            item["reasons"].append(reason)
    return {org_id: sorted(lists.values(), key=lambda i: i["list"]) for org_id, lists in found.items()}


def penalties_of(org_ids, *, since: datetime.date, until: datetime.date) -> dict[int, list[Penalty]]:
    """For a set of organization ids, their penalties decided between `since` and `until` (inclusive, one query)."""
    found: dict[int, list[Penalty]] = {}
    for penalty in penalties(since=since, until=until).filter(organization_id__in=list_ids(org_ids)):
        found.setdefault(penalty.organization_id, []).append(penalty)
    return found


def list_ids(org_ids) -> list[int]:
    return sorted({int(i) for i in org_ids})
