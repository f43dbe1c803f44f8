"""Keyset ("cursor") pagination: pages that cost the same at any depth, for the API's `?cursor=` and the list pages'
next/previous links.

An OFFSET page makes the database read and throw away every row before it (page 200 of 50 rows skips 9,950).
A keyset page instead starts *after the last row seen*: the cursor carries that row's values of the list's sort key
(plus the primary key when the sort key is not unique, so that ties are ordered and none is lost or repeated), and
the page is `WHERE (sort key) > (cursor) ORDER BY sort key LIMIT n` — one index range read when an index serves the
scope and the order.

`Keyset.of(queryset)` reads the queryset's ordering (its order_by, else the model's Meta ordering) and answers None
when a cursor cannot serve it (a random order, an expression other than a field, a relation ordered by the related
model's own ordering); the caller then pages by number. Otherwise the Keyset

- fixes the order: the keys as asked, then the primary key unless a key is a unique non-null column of the model;
  nullable keys sort NULLS LAST ascending and NULLS FIRST descending (PostgreSQL's default, so its indexes still
  serve the order; SQLite is told explicitly), so both databases page the same way;
- encodes a position as an opaque URL-safe string (`encode`) and decodes it (`decode`), refusing a cursor that is
  malformed, was made for another ordering, or carries a value that is not of the key's type (CursorError, whose
  message is for the user);
- fetches a page after (forward) or before (backward) a position.

The condition for "after (a, b, c)" is the row comparison `(a, b, c) > (x, y, z)` on PostgreSQL when every key is a
non-null column of the listed table sorted the same way (a btree index on (a, b, c) answers it as one range), and
otherwise the expansion `a > x OR (a = x AND (b > y OR …))` with null handling, preceded by `a >= x` so that an
index on the first key (also through a join, as the members' roster by party organization) still starts at the
cursor instead of at the beginning of the list.
"""

import base64
import binascii
import datetime
import decimal
import json
import uuid
from dataclasses import dataclass

from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import connections
from django.db.models import F, Model, Q, QuerySet
from django.db.models.expressions import OrderBy
from django.db.models.fields.tuple_lookups import Tuple, TupleGreaterThan, TupleLessThan
from django.db.models.query import ModelIterable
from django.utils.translation import gettext as _

CURSOR_PARAM = "cursor"


class CursorError(ValueError):
    """A cursor this list cannot use; str(error) is the message for the user."""


@dataclass(frozen=True)
class Key:
    path: str  # the ORM path ordered by ("authority_region_id", "party_org__name")
    descending: bool
    field: object  # the model field (or an annotation's output field) that parses the cursor's value
    nullable: bool
    attrs: tuple[str, ...]  # attribute chain reading the value from a row

    @property
    def on_base_table(self) -> bool:
        return "__" not in self.path

    def value_of(self, row):
        value = row
        for attr in self.attrs:
            value = getattr(value, attr)
            if value is None:
                return None
        return value

    def order(self):
        expression = F(self.path)
        if not self.nullable:
            return expression.desc() if self.descending else expression.asc()
        return expression.desc(nulls_first=True) if self.descending else expression.asc(nulls_last=True)


def _jsonable(value):
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, (datetime.date, datetime.time)):  # datetime is a date
        return value.isoformat()
    if isinstance(value, (decimal.Decimal, uuid.UUID, float)):
        return str(value)
    if isinstance(value, Model):
        return value.pk
    raise TypeError(f"cannot put {type(value).__name__} in a cursor")


def _resolve(queryset: QuerySet, item) -> Key | None:
    """One ordering item as a Key, or None when a cursor cannot serve it."""
    if isinstance(item, str):
        if item == "?" or "." in item:
            return None
        descending = item.startswith("-")
        path = item.lstrip("-+")
    elif isinstance(item, OrderBy) and isinstance(item.expression, F):
        if item.nulls_first or item.nulls_last:  # an explicit nulls order other than ours is not served
            expected = item.nulls_first if item.descending else item.nulls_last
            if not expected:
                return None
        descending, path = item.descending, item.expression.name
    elif isinstance(item, F):
        descending, path = False, item.name
    else:
        return None
    annotation = queryset.query.annotations.get(path)
    if annotation is not None:
        return Key(path, descending, annotation.output_field, True, (path,))
    opts = queryset.model._meta
    parts = path.split("__")
    if parts[0] == "pk":
        parts[0] = opts.pk.name
    attrs, nullable, field = [], False, None
    for position, part in enumerate(parts):
        try:
            field = opts.get_field(part)
        except FieldDoesNotExist:
            return None
        last = position == len(parts) - 1
        if field.is_relation:
            if not (field.many_to_one or field.one_to_one) or not field.concrete:
                return None  # a reverse or many-to-many relation: not one value per row
            if last:
                if field.related_model._meta.ordering and part != field.attname:
                    return None  # ordered by the related model's own ordering
                attrs.append(field.attname)
                nullable = nullable or field.null
                break
            attrs.append(field.name)
            nullable = nullable or field.null
            opts = field.related_model._meta
        else:
            if not last:
                return None
            attrs.append(field.attname)
            nullable = nullable or field.null
    path = "__".join(parts)
    return Key(path, descending, field, nullable, tuple(attrs))


class Keyset:
    """The keyset order of a queryset and its pages (see the module docstring)."""

    def __init__(self, queryset: QuerySet, keys: list[Key]):
        self.queryset = queryset
        self.keys = keys
        self.signature = ",".join(("-" if k.descending else "") + k.path for k in keys)

    @classmethod
    def of(cls, queryset) -> "Keyset | None":
        if not isinstance(queryset, QuerySet) or queryset._iterable_class is not ModelIterable:
            return None  # a list, or rows as dicts / tuples (values()): no model instances to read a position from
        query = queryset.query
        ordering = list(query.order_by) or (list(query.get_meta().ordering) if query.default_ordering else [])
        if query.extra_order_by or query.distinct_fields or query.combinator:
            return None
        keys = []
        for item in ordering:
            key = _resolve(queryset, item)
            if key is None:
                return None
            if any(k.path == key.path for k in keys):
                continue
            keys.append(key)
        opts = queryset.model._meta
        unique = any(k.on_base_table and not k.nullable and (k.field.primary_key or k.field.unique)
                     and k.field.model is queryset.model for k in keys)
        if not unique:
            descending = keys[-1].descending if keys else False
            keys.append(Key(opts.pk.name, descending, opts.pk, False, (opts.pk.attname,)))
        return cls(queryset, keys)

    # --- the order -------------------------------------------------------------------------------------------

    def ordered(self, queryset: QuerySet | None = None) -> QuerySet:
        """The rows in the keyset order (the asked order, completed by the primary key)."""
        return (self.queryset if queryset is None else queryset).order_by(*[k.order() for k in self.keys])

    # --- cursors ---------------------------------------------------------------------------------------------

    def position(self, row) -> list:
        return [_jsonable(k.value_of(row)) for k in self.keys]

    def encode(self, row, *, backward: bool = False) -> str:
        """The cursor of the page after `row` (or, backward, of the page before it)."""
        payload = {"o": self.signature, "v": self.position(row)}
        if backward:
            payload["r"] = 1
        raw = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()
        return base64.urlsafe_b64encode(raw).decode().rstrip("=")

    def decode(self, cursor: str) -> tuple[list, bool]:
        """(values of the position, backward) from a cursor; CursorError with the user's message otherwise."""
        try:
            raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
            payload = json.loads(raw.decode())
            signature, values, backward = payload["o"], payload["v"], bool(payload.get("r"))
        except (ValueError, TypeError, KeyError, binascii.Error, UnicodeDecodeError):
            raise CursorError(_("The page link (cursor) is damaged: go back to the first page of the list.")) \
                from None
        if signature != self.signature or not isinstance(values, list) or len(values) != len(self.keys):
            raise CursorError(_("The page link (cursor) was made for another sort order: go back to the first page "
                                "of the list."))
        parsed = []
        for key, value in zip(self.keys, values, strict=True):
            if value is None:
                if not key.nullable:
                    raise CursorError(_("The page link (cursor) is damaged: go back to the first page of the list."))
                parsed.append(None)
                continue
            if not isinstance(value, (str, int, bool)):
                raise CursorError(_("The page link (cursor) is damaged: go back to the first page of the list."))
            try:
                parsed.append(key.field.to_python(value))
            except (ValidationError, ValueError, TypeError):
                raise CursorError(_("The page link (cursor) is damaged: go back to the first page of the list.")) \
                    from None
        return parsed, backward

    # --- pages -----------------------------------------------------------------------------------------------

    def beyond(self, values: list, *, forward: bool = True) -> Q:
        """The rows strictly after (forward) or before the position `values` in the keyset order."""
        keys = self.keys
        vendor = connections[self.queryset.db].vendor
        same_way = len({k.descending for k in keys}) == 1
        if vendor == "postgresql" and same_way and all(not k.nullable and k.on_base_table for k in keys):
            greater = (not keys[0].descending) == forward
            lookup = TupleGreaterThan if greater else TupleLessThan
            return Q(lookup(Tuple(*[F(k.path) for k in keys]), tuple(values)))
        condition = Q(pk__in=[])
        for key, value in reversed(list(zip(keys, values, strict=True))):
            # Built from the last key: (k1 beyond) OR (k1 equal AND (k2 beyond OR (k2 equal AND …))).
            condition = _beyond(key, value, forward) | (_equal(key, value) & condition)
        first, value = keys[0], values[0]
        nulls_beyond = first.nullable and (not first.descending) == forward
        if value is not None and not nulls_beyond:
            # Redundant, for the planner: an index on the first key starts at the cursor.
            greater = (not first.descending) == forward
            condition &= Q(**{f"{first.path}__{'gte' if greater else 'lte'}": value})
        return condition

    def page(self, cursor: str | None, size: int) -> "KeysetPage":
        """The page at `cursor` (None: the first page) of `size` rows. Raises CursorError for a bad cursor."""
        rows = self.ordered()
        if cursor is None:
            found = list(rows[: size + 1])
            return KeysetPage(self, found[:size], has_next=len(found) > size, has_previous=False)
        values, backward = self.decode(cursor)
        if not backward:
            found = list(rows.filter(self.beyond(values))[: size + 1])
            return KeysetPage(self, found[:size], has_next=len(found) > size, has_previous=True)
        reverse = [(F(k.path).asc(nulls_last=True) if k.descending else F(k.path).desc(nulls_first=True))
                   if k.nullable else (F(k.path).asc() if k.descending else F(k.path).desc()) for k in self.keys]
        found = list(self.queryset.filter(self.beyond(values, forward=False)).order_by(*reverse)[: size + 1])
        if len(found) <= size:  # reached the start: show the full first page rather than a short one
            return self.page(None, size)
        return KeysetPage(self, found[:size][::-1], has_next=True, has_previous=True)


def _beyond(key: Key, value, forward: bool) -> Q:
    """Rows strictly beyond `value` on this one key, in the list's direction (forward) or against it."""
    greater = (not key.descending) == forward
    # In the list's order nulls come last when ascending and first when descending.
    nulls_beyond = (not key.descending) == forward
    if value is None:
        return Q(**{f"{key.path}__isnull": False}) if not nulls_beyond else Q(pk__in=[])
    condition = Q(**{f"{key.path}__{'gt' if greater else 'lt'}": value})
    if key.nullable and nulls_beyond:
        condition |= Q(**{f"{key.path}__isnull": True})
    return condition


def _equal(key: Key, value) -> Q:
    return Q(**{f"{key.path}__isnull": True}) if value is None else Q(**{key.path: value})


class KeysetPage:
    """One keyset page: its rows and the cursors of the pages next to it."""

    def __init__(self, keyset: Keyset, rows: list, *, has_next: bool, has_previous: bool):
        self.keyset = keyset
        self.object_list = rows
        self.has_next = has_next and bool(rows)
        self.has_previous = has_previous and bool(rows)

    @property
    def next_cursor(self) -> str | None:
        return self.keyset.encode(self.object_list[-1]) if self.has_next else None

    @property
    def previous_cursor(self) -> str | None:
        return self.keyset.encode(self.object_list[0], backward=True) if self.has_previous else None

    def __iter__(self):
        return iter(self.object_list)

    def __len__(self):
        return len(self.object_list)
