"""Chinese text helpers shared by every app that stores names (pinyin columns for search and sort)."""

from pypinyin import Style, lazy_pinyin


def pinyin_full(text: str) -> str:
    """"湖北省" -> "hubeisheng": lower-case, no tones or separators, so a prefix search matches as people type."""
    return "".join(lazy_pinyin(text, errors="ignore")).lower()


def pinyin_initials(text: str) -> str:
    """"湖北省" -> "hbs"."""
    return "".join(lazy_pinyin(text, style=Style.FIRST_LETTER, errors="ignore")).lower()
