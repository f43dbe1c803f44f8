"""The one free-text search of list pages, APIs (`?q=`) and pickers.

A search text is split into words (spaces, commas, 顿号); every word must match (several words narrow the result:
"丘北 科技"), and a word matches a row when it occurs anywhere in one of the row's

- Chinese text columns ("科技" in "丘北县科技创新协会"),
- pinyin columns, full or initials ("kejichuangxin", "kjcx"): only for words of Latin letters, lower-cased,
- code columns ("MJ0000", a fragment of a credit code or a region code): only for words of Latin letters and digits,
  upper-cased.

On PostgreSQL every searched column carries a GIN trigram index (see core.db.trigram_indexes), which answers
LIKE '%…%' for words of three characters or more without reading the table; the name columns of organizations and
party organizations also carry an index of their character pairs (core.db.bigram_indexes) for two-character words
("协会"), which trigrams cannot answer (see Infix). `search` / `narrowed` shape the query so that the planner uses
them (see below).
"""

import json
import operator
import re
from collections.abc import Sequence
from functools import reduce

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import Field, Lookup, Q, QuerySet
from django.db.models.functions import Coalesce, Random
from django.db.models.lookups import Contains
from django.db.models.sql import Query

WORD_SEPARATORS = re.compile(r"[\s,，、;；]+")
LATIN = re.compile(r"^[A-Za-z]+$")
CODE = re.compile(r"^[0-9A-Za-z]+$")


_PAIR_INDEXES: dict[str, frozenset[tuple[str, str]]] = {}
_PAIR_INDEX = re.compile(r"ON (?:\w+\.)?\"?(\w+)\"? USING gin \(socorg_bigrams\(\(?\"?(\w+)\"?\)?")


def _pair_indexes(connection) -> frozenset[tuple[str, str]]:
    """The (table, column) pairs carrying a valid socorg_bigrams index in this database (read once per process; an
    index still being built, or left invalid by an interrupted CREATE INDEX CONCURRENTLY, does not count)."""
    name = connection.settings_dict["NAME"]
    if name not in _PAIR_INDEXES:
        with connection.cursor() as cursor:
            cursor.execute("SELECT definition FROM (SELECT pg_get_indexdef(indexrelid) AS definition FROM pg_index "
                           "WHERE indisvalid) AS valid WHERE definition LIKE '%%socorg_bigrams(%%'")
            found = (_PAIR_INDEX.search(row[0]) for row in cursor.fetchall())
            _PAIR_INDEXES[name] = frozenset(match.groups() for match in found if match)
    return _PAIR_INDEXES[name]


@Field.register_lookup
class Infix(Lookup):
    """`name__infix="协会"`: the column contains the text (Django's `contains`, LIKE '%…%'). On PostgreSQL a text of
    two characters on a column with a character-pair index is stated instead as the equivalent
    `socorg_bigrams(column) @> ARRAY['协会']`, which that index answers exactly (pg_trgm needs three characters;
    no row is re-checked) and whose statistics give the planner a true estimate."""

    lookup_name = "infix"
    prepare_rhs = False

    def as_sql(self, compiler, connection):
        return compiler.compile(Contains(self.lhs, self.rhs))

    def as_postgresql(self, compiler, connection):
        target = getattr(self.lhs, "target", None)
        if (isinstance(self.rhs, str) and len(self.rhs) == 2 and target is not None
                and (target.model._meta.db_table, target.column) in _pair_indexes(connection)):
            column, params = compiler.compile(self.lhs)
            return f"socorg_bigrams({column}::text) @> ARRAY[%s]::text[]", [*params, self.rhs]
        return self.as_sql(compiler, connection)


def search_words(text: str) -> list[str]:
    return [word for word in WORD_SEPARATORS.split((text or "").strip()) if word]


def search_condition(text: str, *, names: Sequence[str] = ("name",),
                     pinyin: Sequence[str] = ("name_pinyin", "name_initials"), codes: Sequence[str] = (),
                     pairs: bool = True) -> Q:
    """A Q matching rows where every word of `text` occurs in one of the columns (empty text: every row).

    `pairs`: state two-character words through the character-pair indexes where they exist (Infix) — what finds the
    matches by index; without, every word is a plain LIKE — what tests rows read in an index's order cheaply
    (the pair function costs microseconds per row)."""
    condition = Q()
    lookup = "infix" if pairs else "contains"
    for word in search_words(text):
        alternatives = [Q(**{f"{column}__{lookup}": word}) for column in names]
        if LATIN.match(word):
            alternatives += [Q(**{f"{column}__contains": word.lower()}) for column in pinyin]
        if CODE.match(word):
            alternatives += [Q(**{f"{column}__contains": word.upper()}) for column in codes]
        condition &= reduce(operator.or_, alternatives)
    return condition


# --- the shape of a search query (PostgreSQL) ------------------------------------------------------------------
#
# A list page asks for its first rows in the list's order (`ORDER BY authority_region_id, uscc LIMIT 50`). With a
# search condition the planner has two ways: walk an index in list order and test each row, stopping after 50
# matches, or collect the matches from the trigram indexes (a bitmap) and sort them. It assumes matches are spread
# evenly along the walk, and chooses the walk whenever it believes 50 matches come early — but the rows one search
# finds sit together (an organization's name starts with its region's name, "kunming" matches one province's rows),
# so the walk read a whole province or the whole country before its first match (0.4 ms by bitmap, 780 ms by walk
# for one organization's name nationally; see benchmarks/README.md, search). So `narrowed` first asks which rows
# match, unordered (the bitmap; LIMIT FEW + 1), and when they are few it lists exactly those rows by key, sorting
# them by an order the indexes cannot deliver (each ORDER BY term written COALESCE(x, x): the same order, no index
# walk; the queryset itself keeps its ordering, so keyset cursors and later sorts work as on any list).
# When more than FEW rows match, the word is common and the walk finds the first page early: the plain condition
# is kept. Both forms find the same rows in the same order (tests: core/tests/test_search.py).

#: The most matching rows listed by key; above it the planner's own plan for the condition is used. As many as
#: the bounded count of core.pagination (10,000): a search of fewer matches has an exact count anyway.
FEW = 10_000
#: No probe when the planner expects more than COMMON × FEW matches.
COMMON = 5
#: No probe when the planner expects fewer rows than this in the queryset before the search (a county: its rows
#: are read and tested; the busiest county of the national set has 1,276 organizations, a province 20,000-90,000).
SMALL_SCOPE = 5_000


@Field.register_lookup
class AnyOf(Lookup):
    """`pk__any_of=[…]`: the key is one of a list, as ONE array parameter on PostgreSQL (`id = ANY(%s)`): planned in
    a fraction of a millisecond, where `IN (1, 2, …)` with 2,000 literals took 17–30 ms to plan. Other databases
    get `IN (…)`."""

    lookup_name = "any_of"
    prepare_rhs = False

    def get_prep_lookup(self):
        return [self.lhs.output_field.get_prep_value(value) for value in self.rhs]

    def as_sql(self, compiler, connection):
        lhs, params = self.process_lhs(compiler, connection)
        if not self.rhs:
            raise EmptyResultSet
        if connection.vendor == "postgresql":
            return f"{lhs} = ANY(%s)", [*params, list(self.rhs)]
        return f"{lhs} IN ({', '.join(['%s'] * len(self.rhs))})", [*params, *self.rhs]


class _KeyOrderedCompiler:
    """Mixed into the SELECT compiler of rows listed by key: each ORDER BY term becomes COALESCE(x, x) — the same
    order, which no index delivers, so the database fetches the rows by key and sorts them. Applied when the SQL is
    written, so the queryset keeps its ordering as field names (a later order_by, the keyset paginator's cursors,
    core.keyset, read it as usual)."""

    def _order_by_pairs(self):
        for order, is_ref in super()._order_by_pairs():
            if is_ref or isinstance(order.expression, Random):
                yield order, is_ref
                continue
            order = order.copy()
            order.expression = Coalesce(order.expression, order.expression)
            yield order, is_ref


class _KeyOrderedQuery(Query):
    """A Query whose SELECT statements are written by a _KeyOrderedCompiler (kept by clone(); an UPDATE or DELETE
    becomes its own Query class and is written as usual)."""

    def get_compiler(self, *args, **kwargs):
        compiler = super().get_compiler(*args, **kwargs)
        cls = type(compiler)
        if cls.__name__ == "SQLCompiler":  # the SELECT compiler of the backend (not insert/update/delete/aggregate)
            if cls not in _KEY_ORDERED_COMPILERS:
                _KEY_ORDERED_COMPILERS[cls] = type(f"KeyOrdered{cls.__name__}", (_KeyOrderedCompiler, cls), {})
            compiler.__class__ = _KEY_ORDERED_COMPILERS[cls]
        return compiler


_KEY_ORDERED_COMPILERS: dict[type, type] = {}


def by_keys(queryset: QuerySet, keys: list) -> QuerySet:
    """`queryset` narrowed to the rows with these primary keys, in the queryset's order (or any order given later),
    sorted after fetching the rows by key — never by walking an index in list order."""
    found = queryset.filter(pk__any_of=list(keys))
    if type(found.query) is Query:
        found.query.__class__ = _KeyOrderedQuery
    return found


def _estimate(queryset: QuerySet) -> float:
    """The planner's estimate of the number of rows of `queryset` (EXPLAIN, no execution); 0 for a queryset that
    can match nothing (`.none()`, e.g. a user without the capability: Django refuses to compile it)."""
    try:
        sql, params = queryset.query.sql_with_params()
    except EmptyResultSet:
        return 0.0
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
        plan = cursor.fetchone()[0]
    plan = json.loads(plan) if isinstance(plan, str) else plan
    return float(plan[0]["Plan"]["Plan Rows"])


def narrowed(queryset: QuerySet, condition: Q, few: int | None = None, *, probe: Q | None = None,
             small_scope: int | None = None) -> QuerySet:
    """`queryset.filter(condition)`, shaped so that PostgreSQL finds the matches by index (see above): when at most
    `few` rows (default FEW) of the whole table match, those in the queryset are listed by key. `probe` is the
    same condition stated for finding the matches by index (default: `condition`). Other databases get the plain
    filter.

    The probe is skipped when the planner's estimate (which the pair and trigram statistics make good for common
    words) is over COMMON × few: "协会" matches 170,000 organizations nationally, and its first page is found early
    by walking the list's order."""
    found = queryset.filter(condition)
    if not condition or connections[queryset.db].vendor != "postgresql":
        return found
    few = FEW if few is None else few
    # The probe reads the table without the queryset's scope: a region range beside the search condition made the
    # planner walk the province's rows in region order (its estimate for the doubled scope condition is far too
    # low) instead of reading the trigram indexes; by_keys applies the queryset's conditions to the keys found.
    if _estimate(queryset.order_by().values("pk")) < (SMALL_SCOPE if small_scope is None else small_scope):
        return found  # a county: its rows are read and tested (a few thousand), cheaper than any index search
    matching = queryset.model._base_manager.filter(condition if probe is None else probe).order_by()
    if _estimate(matching.values("pk")) > COMMON * few:
        return found
    keys = list(matching.values_list("pk", flat=True)[:few + 1])
    return found if len(keys) > few else by_keys(queryset, keys)


def search(queryset: QuerySet, text: str, **columns) -> QuerySet:
    """`queryset` narrowed to the rows matching `text` (search_condition's words and columns), by `narrowed`: the
    matches found through the trigram and pair indexes, the list's rows tested by plain LIKE."""
    return narrowed(queryset, search_condition(text, pairs=False, **columns),
                    probe=search_condition(text, pairs=True, **columns))
