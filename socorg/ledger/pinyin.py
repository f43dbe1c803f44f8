"""Pinyin columns for bulk imports, identical to socorg.core.text but ~15× faster on large imports.

pypinyin segments a name into words (mmseg) and converts each word on its own; converting is what costs (about
0.5 ms a name). Names in a ledger share most of their words (place names, 协会, 行业 …), so converting each
distinct word once and caching it gives the same result for a fraction of the time (a test checks equality with
socorg.core.text)."""

from functools import lru_cache

from pypinyin import Style, lazy_pinyin
from pypinyin.seg.mmseg import seg


@lru_cache(maxsize=200_000)
def _word(word: str) -> tuple[str, str]:
    full = "".join(lazy_pinyin(word, errors="ignore")).lower()
    initials = "".join(lazy_pinyin(word, style=Style.FIRST_LETTER, errors="ignore")).lower()
    return full, initials


def pinyin_pair(text: str) -> tuple[str, str]:
    """(full pinyin, initials) of a name, as pinyin_full() and pinyin_initials() would give."""
    words = [_word(word) for word in seg.cut(text)]
    return "".join(w[0] for w in words), "".join(w[1] for w in words)
