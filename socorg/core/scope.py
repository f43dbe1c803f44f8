"""Region scope: the one mechanism that decides which rows a user may see or change.

A user's grants are (role, region) pairs; a region's subtree is every code that starts with its scope prefix
("" for the nation, 2 digits for a province, 4 for a prefecture, 6 for a county). A scoped model names the field
path to its region and the domain its capabilities belong to; `Model.objects.visible_to(user, action)` is then the
only way views, serializers, forms and services obtain rows. Forgetting the user fails loudly (TypeError) instead of
leaking the whole table.
"""

from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Lookup, Q
from django.db.models.lookups import Exact, GreaterThanOrEqual, LessThan, StartsWith
from django.db.models.sql.where import AND, WhereNode
from django.utils.translation import gettext as _


def region_prefixes(user, capability: str) -> list[str] | None:
    """Scope prefixes through which `user` holds `capability`; [] = nothing, and a "" prefix means everything."""
    if user is None:
        raise TypeError("visible_to() needs the acting user; pass it explicitly (None is not a user).")
    if not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", False):
        return []
    return user.scope_prefixes(capability)


def in_subtree(field_path: str, prefix: str) -> Q:
    """A Q selecting rows whose region code (at `field_path`) lies in the subtree of a region's scope prefix.

    `prefix` is `Region.scope_prefix` ("" = the whole country, which selects everything). The condition is the
    planner-friendly range of `ScopePrefix`; every region-subtree filter goes through here."""
    return Q(**{f"{field_path}__{ScopePrefix.lookup_name}": prefix}) if prefix else Q()


def region_prefix_of(code: str) -> str | None:
    """The scope prefix of region `code` (None for an unknown code)."""
    from socorg.regions.models import Region

    return Region.objects.filter(code=(code or "").strip()).values_list("scope_prefix", flat=True).first()


def filter_subtree(queryset, field_path: str, code: str):
    """`queryset` narrowed to the subtree of region `code`, as a list filter does; an unknown code matches nothing
    (rather than everything)."""
    prefix = region_prefix_of(code)
    if prefix is None:
        return queryset.none()
    return queryset.filter(in_subtree(field_path, prefix))


def filter_region_subtree(queryset, code: str):
    """`queryset` (of a scoped model) narrowed to the subtree of region `code` by the model's own region
    (`region_subtree`), as a list's region filter does; an unknown code matches nothing."""
    prefix = region_prefix_of(code)
    if prefix is None:
        return queryset.none()
    return queryset.filter(region_subtree(queryset.model, prefix))


def subtree_sql(column: str, prefix: str) -> tuple[str, list[str]]:
    """The same condition as `in_subtree` for hand-written SQL: (" AND <condition>", params), empty for ""."""
    if not prefix:
        return "", []
    sql, params = f" AND {column} LIKE %s AND {column} >= %s", [prefix + "%", prefix]
    upper = _next_prefix(prefix)
    if upper is not None:
        sql, params = sql + f" AND {column} < %s", params + [upper]
    return sql, params


def prefix_filter(field_path: str, prefixes: list[str], level_fields: dict[int, str] | None = None) -> Q | None:
    """A Q selecting rows whose region code (at field_path) lies under any prefix; None when unrestricted.
    `level_fields` (a model's `scope_level_fields`) states a prefix of a level the model keeps a column for as
    equality on that column instead (see `region_subtree`)."""
    if "" in prefixes:
        return None
    q = Q(pk__in=[])
    for prefix in _minimal(prefixes):
        q |= level_condition(level_fields, prefix) or in_subtree(field_path, prefix)
    return q


def level_condition(level_fields: dict[int, str] | None, prefix: str) -> Q | None:
    """Equality on the column a model keeps for the level of `prefix` (its `scope_level_fields`: {prefix length:
    field holding the first that many characters of the row's region code}); None when it keeps none."""
    field = (level_fields or {}).get(len(prefix)) if prefix else None
    return Q(**{field: prefix}) if field else None


def region_subtree(model, prefix: str) -> Q:
    """The rows of scoped `model` in the subtree of `prefix`: `in_subtree` over its `scope_region_field`, or — when
    the model keeps its region at the prefix's level in a column of its own (`scope_level_fields`: derived state
    its app keeps in step by triggers, e.g. the annual reports' province and prefecture) — equality on that column.

    The same rows either way; the equality is for the planner: an index leading with the level column reads a
    province's or a prefecture's rows in a list's order (the review queue's newest first) and counts them without a
    join, instead of walking the nation's order and keeping one row in thirty. It replaces the range rather than
    joining it: with both conditions PostgreSQL multiplied their selectivities (a province's 36,484 reports
    estimated at 1,461) and then hashed the province's organizations to count 1,001 reports (benchmarks/README.md,
    lists)."""
    return level_condition(getattr(model, "scope_level_fields", None), prefix) or in_subtree(
        model.scope_region_field, prefix)


@models.Field.register_lookup
class ScopePrefix(Lookup):
    """`field__scope_prefix="37"`: the field starts with "37", also stated as a range ("37" <= field < "38").

    The range selects the same rows; it is there for the planner. With a non-C collation LIKE can only use a
    varchar_pattern_ops index, which cannot deliver an order, whereas the range can use the default-opclass region
    index, which yields the scope's rows in region order (a region-first list then sorts only within a region).
    See benchmarks/README.md, lists: the doubled condition also made the row estimate too low, so on PostgreSQL a
    prefix of digits (every region code) is stated as the range alone."""

    lookup_name = "scope_prefix"

    def as_sql(self, compiler, connection):
        field = getattr(self.lhs.output_field, "target_field", self.lhs.output_field)  # a region key: the code field
        if getattr(field, "max_length", None) == len(self.rhs):
            # A prefix as long as the field holds (a county's code): only the value itself starts with it. Stated
            # as equality, a county's rows come from an index on (region, sort key) already in order; as a range
            # PostgreSQL walked the whole sort key's index instead (the county member list, 76 ms → 0.2 ms:
            # benchmarks/README.md, lists).
            return compiler.compile(Exact(self.lhs, self.rhs))
        conditions = [StartsWith(self.lhs, self.rhs), GreaterThanOrEqual(self.lhs, self.rhs)]
        if connection.vendor == "postgresql" and self.rhs.isdigit() and self.rhs.isascii():
            # For a code of digits the range alone is the same set, and PostgreSQL then estimates the scope's
            # size from the range (LIKE and range estimated as independent made a province 20× too small, and
            # the planner sorted it instead of reading an ordered index: benchmarks/README.md, lists).
            conditions = conditions[1:]
        upper = _next_prefix(self.rhs)
        if upper is not None:
            conditions.append(LessThan(self.lhs, upper))
        return compiler.compile(WhereNode(conditions, connector=AND))


def _next_prefix(prefix: str) -> str | None:
    """The smallest string above every string starting with `prefix` (None: no upper bound).

    Digit codes carry ("3709" -> "3710") instead of stepping past "9" to ":", whose place among digits depends on
    the collation."""
    if prefix.isdigit() and prefix.isascii():
        if set(prefix) == {"9"}:
            return None
        return str(int(prefix) + 1).zfill(len(prefix))
    return prefix[:-1] + chr(ord(prefix[-1]) + 1)


def _minimal(prefixes: list[str]) -> list[str]:
    # Drop prefixes covered by a shorter one (a province grant makes its county grants redundant).
    kept: list[str] = []
    for prefix in sorted(set(prefixes), key=len):
        if not any(prefix.startswith(k) for k in kept):
            kept.append(prefix)
    return kept


def organization_scope(user, capability: str) -> set[int]:
    """Social organizations (ids) through which `user` holds `capability`: an org_account's own organization."""
    if user is None:
        raise TypeError("visible_to() needs the acting user; pass it explicitly (None is not a user).")
    if not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", False):
        return set()
    return user.scope_organizations(capability)


def organization_filter(model, organizations: set[int]) -> Q | None:
    """Rows of `model` that belong to one of the organizations, through the model's `scope_organization_paths`
    (None when the model declares none: an organization's account then sees none of its rows)."""
    paths = getattr(model, "scope_organization_paths", ())
    if not paths or not organizations:
        return None
    condition = Q(pk__in=[])
    for path in paths:
        condition |= Q(**{f"{path}__in": sorted(organizations)})
    if paths == ("pk",):
        return condition
    # Through a to-many path (coverages) a row could match twice: select primary keys instead of joining.
    return Q(pk__in=model._base_manager.filter(condition).values("pk"))


class ScopedQuerySet(models.QuerySet):
    """Base queryset of every region-scoped model.

    The model declares `scope_region_field` (path to the region code, e.g. "authority_region__code") and
    `scope_domain` (e.g. "registry"); capabilities are "<domain>.<action>". A model an organization's own account
    may reach also declares `scope_organization_paths`: paths from it to the social organization's id. A model that
    keeps its region's province or prefecture in columns of its own declares `scope_level_fields` ({2: province
    field, 4: prefecture field}); a scope of that level is then equality on it (`region_subtree`)."""

    def visible_to(self, user, action: str = "view", *, domain: str | None = None):
        """Rows `user` may `action`; `domain` names another domain's capability over these rows (the party
        organizations one may record activities for: visible_to(user, "change", domain="activities"))."""
        model = self.model
        capability = f"{domain or model.scope_domain}.{action}"
        prefixes = region_prefixes(user, capability)
        conditions = []
        if prefixes:
            q = prefix_filter(model.scope_region_field, prefixes, getattr(model, "scope_level_fields", None))
            if q is None:
                return self
            conditions.append(q)
        by_organization = organization_filter(model, organization_scope(user, capability))
        if by_organization is not None:
            conditions.append(by_organization)
        if not conditions:
            return self.none()
        q = conditions[0]
        for condition in conditions[1:]:
            q |= condition
        return self.filter(q)


ScopedManager = models.Manager.from_queryset(ScopedQuerySet)


def can(user, capability: str, region_code: str | None = None, *, organizations=()) -> bool:
    """Does `user` hold `capability` somewhere (or, given a region code, over that region — or, for an
    organization's own account, over one of `organizations`, the ids of the social organizations concerned)?"""
    prefixes = region_prefixes(user, capability)
    if region_code is None and not organizations:
        return bool(prefixes) or bool(organization_scope(user, capability))
    if region_code is not None and any(region_code.startswith(p) for p in prefixes):
        return True
    return bool(organization_scope(user, capability) & set(organizations))


def require(user, capability: str, region_code: str | None = None, *, organizations=()) -> None:
    if not can(user, capability, region_code, organizations=organizations):
        raise PermissionDenied(_("You do not have permission for this action in this region."))


def ensure_in_scope(user, obj: models.Model, action: str = "change") -> None:
    """Re-read `obj` through the user's scope after a write; raise (and so roll back the transaction) if it left it.

    Call inside the service's transaction.atomic() block, after saving."""
    manager = type(obj)._default_manager
    if not manager.visible_to(user, action).filter(pk=obj.pk).exists():
        raise PermissionDenied(_("This object lies outside the regions you may change."))
