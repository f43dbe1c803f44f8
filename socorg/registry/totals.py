"""Exact totals of the organization list without counting a million rows.

A bureau expects the list of its own organizations to say how many there are ("共 N 条"). COUNT(*) over the
national registry costs tens of milliseconds per request, but the coverage app already maintains, per registration
authority region, the number of *active* organizations (socorg.coverage.models.RegionCounts, kept by database
triggers). When the list is filtered only by scope, region subtree and status, its total is therefore

    sum of RegionCounts.orgs over the regions in scope (active organizations, a few thousand small rows)
  + COUNT(*) of the deregistered and revoked organizations in scope (a small share, on the (status, region) index)

in one query. Any other filter (type, coverage, search, …) returns None: the paginator then counts up to its cap.
"""

from django.db.models import Count, F, Func, IntegerField, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from socorg.core.scope import in_subtree, prefix_filter, region_prefixes

from .choices import REGISTERED_STATUSES, OrgStatus

# The maintained counts hold the registered organizations (normal and suspended); the others are counted directly.
NOT_ACTIVE = [status for status in OrgStatus.values if status not in REGISTERED_STATUSES]
# Filters the maintained counts can answer; "ordering" does not change the total.
ANSWERABLE_FILTERS = {"region", "status", "ordering"}


def org_list_total(filterset, user) -> int | None:
    """The exact number of rows of `filterset.qs` (already evaluated), or None if the counts cannot answer."""
    if not filterset.is_valid() or user.scope_organizations("registry.view"):
        return None  # an organization's own account: region counts do not describe its one row
    data = filterset.form.cleaned_data
    if any(data.get(name) not in (None, "", [], ()) for name in filterset.filters if name not in ANSWERABLE_FILTERS):
        return None
    region_prefix = getattr(filterset, "region_prefix", None)  # set by filter_region when the code exists
    if data.get("region") and region_prefix is None:
        return None  # an unknown region: the list is empty, its count costs nothing
    status = data.get("status") or ""
    if status == OrgStatus.ACTIVE:  # the registered ones less the (few) suspended ones
        registered = _active_counts(user, region_prefix).aggregate(total=Coalesce(Sum("orgs"), 0))["total"]
        suspended = filterset.queryset.filter(status=OrgStatus.SUSPENDED)
        if region_prefix:
            suspended = suspended.filter(authority_region__code__scope_prefix=region_prefix)
        return registered - suspended.count()
    if status:
        return filterset.qs.count()  # deregistered or revoked: a small share, counted on the (status, region) index
    active = _active_counts(user, region_prefix).order_by().values(
        total=Func(F("orgs"), function="SUM", output_field=IntegerField()))
    inactive = filterset.qs.filter(status__in=NOT_ACTIVE)
    # COUNT(*), not COUNT(id): answered from the (status, authority_region) index alone.
    return inactive.aggregate(total=Count("*") + Coalesce(Subquery(active), Value(0)))["total"]


def active_total(user) -> int:
    """The number of active organizations in the user's registry.view scope."""
    return _active_counts(user, None).aggregate(total=Coalesce(Sum("orgs"), 0))["total"]


def _active_counts(user, region_prefix: str | None):
    """The maintained counts rows (active organizations) of the regions in the user's scope and the region."""
    from socorg.coverage.models import RegionCounts  # read-only use of the coverage app's derived state

    rows = RegionCounts.objects.all()
    scope = prefix_filter("region__code", region_prefixes(user, "registry.view"))
    if scope is not None:
        rows = rows.filter(scope)
    return rows.filter(in_subtree("region__code", region_prefix or ""))
