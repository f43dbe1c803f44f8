"""The one free-text search of list pages, APIs (`?q=`) and pickers.

A search text is split into words (spaces, commas, 顿号); every word must match (several words narrow the result:
"丘北 科技"), and a word matches a row when it occurs anywhere in one of the row's

- Chinese text columns ("科技" in "丘北县科技创新协会"),
- pinyin columns, full or initials ("kejichuangxin", "kjcx"): only for words of Latin letters, lower-cased,
- code columns ("MJ0000", a fragment of a credit code or a region code): only for words of Latin letters and digits,
  upper-cased.

On PostgreSQL every searched column carries a GIN trigram index (see core.db.trigram_indexes), which answers
LIKE '%…%' for words of three characters or more without reading the table.
"""

import operator
import re
from collections.abc import Sequence
from functools import reduce

from django.db.models import Q

WORD_SEPARATORS = re.compile(r"[\s,，、;；]+")
LATIN = re.compile(r"^[A-Za-z]+$")
CODE = re.compile(r"^[0-9A-Za-z]+$")


def search_words(text: str) -> list[str]:
    return [word for word in WORD_SEPARATORS.split((text or "").strip()) if word]


def search_condition(text: str, *, names: Sequence[str] = ("name",),
                     pinyin: Sequence[str] = ("name_pinyin", "name_initials"), codes: Sequence[str] = ()) -> Q:
    """A Q matching rows where every word of `text` occurs in one of the columns (empty text: every row)."""
    condition = Q()
    for word in search_words(text):
        alternatives = [Q(**{f"{column}__contains": word}) for column in names]
        if LATIN.match(word):
            alternatives += [Q(**{f"{column}__contains": word.lower()}) for column in pinyin]
        if CODE.match(word):
            alternatives += [Q(**{f"{column}__contains": word.upper()}) for column in codes]
        condition &= reduce(operator.or_, alternatives)
    return condition
