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
import math
import operator
import re
from collections.abc import Sequence
from functools import reduce

from django.core.exceptions import EmptyResultSet, FullResultSet
from django.db import connections
from django.db.models import BooleanField, Field, Lookup, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce, Random
from django.db.models.lookups import Contains
from django.db.models.sql import Query
from django.db.models.sql.where import WhereNode

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


def starting_with(column: str, text: str) -> Q:
    """`column` starts with `text`, stated also as the range text <= column < the next text (what a b-tree index
    answers when the database's collation orders text by code point, as socorg's C.UTF-8 databases do; the
    prefix condition keeps it exact under any collation)."""
    condition = Q(**{f"{column}__startswith": text})
    if text and ord(text[-1]) < 0x10FFFF:
        condition &= Q(**{f"{column}__gte": text, f"{column}__lt": text[:-1] + chr(ord(text[-1]) + 1)})
    return condition


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
# search condition the planner has two ways: walk an index in list order and test each row, stopping after a page
# of matches, or collect the matches from the trigram indexes (a bitmap) and sort them. It assumes matches are
# spread evenly along the walk, and chooses the walk whenever it believes a page of matches comes early — but the
# rows one search finds sit together (an organization's name starts with its region's name, "kunming" matches one
# province's rows), so the walk read a whole province or the whole country before its first match (0.4 ms by
# bitmap, 780 ms by walk for one organization's name nationally; see benchmarks/README.md, search).
#
# So `narrowed` first asks which rows of the table match, unordered (the probe: a bitmap of the GIN indexes,
# LIMIT FEW + 1), each with whether the queryset holds it (its scope and filters, evaluated on the found rows
# only). When all the matches were found (at most FEW), the probe knows
#
# - how many the list holds — the paginator takes that count (`known_count`) instead of counting them again;
# - which list to give: the walk reads about scope rows × page / matches rows before its page if the matches are
#   spread evenly (more if they cluster), listing by key fetches and sorts the matches. Few matches (at most
#   √(page × scope rows), e.g. 7,000 of a national list of 1,000,000 — `kunming`'s 3,025, clustered in one
#   province, which the walk found after 824,000 rows) are listed by key, sorting them by an order the indexes
#   cannot deliver (each ORDER BY term written COALESCE(x, x): the same order, no index walk; the queryset itself
#   keeps its ordering, so keyset cursors and later sorts work as on any list); more (基金会's 9,897 spread over
#   the country: its first page within 20,000 rows) keep the plain condition, walked in list order.
#
# When more than FEW rows match, the word is common and the walk finds the first page early: the plain condition
# is kept (and the paginator counts up to its cap). Both forms find the same rows in the same order (tests:
# core/tests/test_search.py).

#: The most matching rows the probe reads: as many as the bounded count of core.pagination (10,000), so that a
#: probe that found them all gives the list's exact count.
FEW = 10_000
#: In a list holding every row, no probe when the planner expects more than COMMON × few matches: a list page
#: counts no further than 1,001 (core.pagination.list_page), which the table's order finds early for a word as
#: common as 协会 (170,000 estimated, 107,040 organizations), where the probe reads 10,001 (UI /orgs/ 协会
#: nationally: 29.5 ms counting, 62.8 probing; benchmarks/README.md, search).
COMMON = 5
#: In a scope that leaves rows out (a province), no probe when the planner expects more than PARTIAL × few matches
#: in the table: the probe would stop after few + 1 of them without knowing how many the scope holds, and the list
#: would read its matches again (party organizations' 协会 in a province: benchmarks/README.md, search).
PARTIAL = 2
#: No probe when the planner expects fewer rows than this in the queryset before the search (a county: its rows
#: are read and tested; the busiest county of the national set has 1,276 organizations, a province 20,000-90,000).
SMALL_SCOPE = 5_000
#: The page a list asks for first (the page size of the staff lists); the public look-up asks for 20.
PAGE = 50


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


def _held(queryset: QuerySet) -> tuple[str, list] | None:
    """The queryset's WHERE clause as SQL ("" when it holds every row of the table), None when it can match
    nothing."""
    query = queryset.query
    try:
        return query.get_compiler(queryset.db).compile(query.where)
    except EmptyResultSet:
        return None
    except FullResultSet:
        return "", []


def _probe(queryset: QuerySet, probe: Q, limit: int, held: tuple[str, list]) -> list[tuple[object, bool]]:
    """Up to `limit` (key, held) pairs of the table's rows matching `probe`, found without the queryset's scope
    (a region range beside the search condition made the planner walk the province's rows in region order instead
    of reading the GIN indexes), `held` telling whether the queryset (its scope and filters) holds the row: its
    WHERE clause (`held`, from _held) evaluated on the found rows only."""
    sql, params = held
    found = queryset.order_by()
    found.query.where = WhereNode()
    found = found.filter(probe)
    if not sql:
        return [(key, True) for key in found.values_list("pk", flat=True)[:limit]]
    found = found.annotate(socorg_held=RawSQL(sql, params, output_field=BooleanField()))
    return list(found.values_list("pk", "socorg_held")[:limit])


def _known(queryset: QuerySet) -> tuple[int, bool] | None:
    known = getattr(queryset.query, "socorg_known_count", None)
    query = queryset.query
    if (known is None or query.where != known[2] or query.combinator or query.distinct or query.is_sliced
            or query.group_by is not None):
        return None
    return known[0], known[1]


def known_count(queryset: QuerySet) -> int | None:
    """The number of rows of `queryset` when `narrowed` learnt it from its probe and nothing has narrowed the
    queryset since (the paginator's count then costs nothing); None otherwise."""
    known = _known(queryset)
    return known[0] if known is not None and known[1] else None


def known_minimum(queryset: QuerySet) -> int | None:
    """A number of rows `queryset` is known to hold at least (its exact count, or more), learnt as known_count's;
    None otherwise. A paginator whose count stops below it need not count (core.pagination)."""
    known = _known(queryset)
    return known[0] if known is not None else None


def _with_count(queryset: QuerySet, count: int, *, exact: bool = True) -> QuerySet:
    queryset.query.socorg_known_count = (count, exact, queryset.query.where.clone())
    return queryset


def narrowed(queryset: QuerySet, condition: Q, few: int | None = None, *, probe: Q | None = None,
             small_scope: int | None = None, page: int = PAGE, counted: bool = True,
             subset: Q | None = None) -> QuerySet:
    """`queryset.filter(condition)`, shaped so that PostgreSQL finds the matches by index (see above): when at most
    `few` rows (default FEW) of the whole table match, the list knows its count, and those in the queryset are
    listed by key when they are few for a list of its size (a first page of `page` rows). `probe` is the same
    condition stated for finding the matches by index (default: `condition`). A list that is not `counted` (the
    public look-up, a picker) reads only as many matches as it would list by key. Other databases get the plain
    filter.

    In a scope that leaves rows out, the probe is skipped when the planner's estimate (which the pair and trigram
    statistics make good for common words) is over PARTIAL × few: "协会" matches 25,000 party organizations
    nationally, of which a province holds 1,240, and the probe would stop after 10,001 of them. A counted list
    holding every row probes up to COMMON × few expected matches: the probe then costs what counting would (or
    less: a bitmap of the pair index instead of reading the table until 10,001 matches), and tells the paginator
    the list holds more than `few`; a list that is not counted does not (the public look-up: "协会" is found early
    in the list's order).

    `subset`: a condition met by some of the matching rows only, which an index answers by a range (a name that
    starts with the word: `starting_with`): when the list holds every row and more than `few` meet it, the list
    holds more than `few` and nothing else is read ("张" among 3,000,000 members' names)."""
    found = queryset.filter(condition)
    if not condition or connections[queryset.db].vendor != "postgresql":
        return found
    few = FEW if few is None else few
    scope_rows = _estimate(queryset.order_by().values("pk"))
    if scope_rows < (SMALL_SCOPE if small_scope is None else small_scope):
        return found  # a county: its rows are read and tested (a few thousand), cheaper than any index search
    if not counted:
        few = min(few, math.isqrt(int(page * scope_rows)))
    probe = condition if probe is None else probe
    held = _held(queryset)
    if held is None:
        return found
    if not held[0] and subset is not None and (
            queryset.filter(subset).order_by().values("pk")[: few + 1].count() > few):
        return _with_count(found, few + 1, exact=False)  # more than `few` in a part of the matches alone
    if _estimate(queryset.model._base_manager.filter(probe).order_by().values("pk")) > (
            PARTIAL if held[0] or not counted else COMMON) * few:
        # it would stop past `few` matches without learning the scope's rows, or a count nobody asks for; or, in
        # a list holding every row, the word is so common that counting it costs less (a list page counts 1,001)
        return found
    probed = _probe(queryset, probe, few + 1, held)
    if len(probed) > few:
        # More matches than a count goes (10,000): when the queryset holds every one read (a national list, or
        # a scope holding them all), the list holds more than that too, and its paginator need not count them
        # again (the same matches read twice: benchmarks/README.md, search).
        held = len({key for key, is_held in probed if is_held})
        return _with_count(found, held, exact=False) if held > few else found
    keys = list(dict.fromkeys(key for key, held in probed if held))
    if len(keys) ** 2 > page * scope_rows:
        return _with_count(found, len(keys))  # spread over the list: the walk finds its page early
    return _with_count(by_keys(queryset, keys), len(keys))


def search(queryset: QuerySet, text: str, *, page: int = PAGE, counted: bool = True, **columns) -> QuerySet:
    """`queryset` narrowed to the rows matching `text` (search_condition's words and columns), by `narrowed`: the
    matches found through the trigram and pair indexes, the list's rows tested by plain LIKE."""
    return narrowed(queryset, search_condition(text, pairs=False, **columns),
                    probe=search_condition(text, pairs=True, **columns), page=page, counted=counted)
