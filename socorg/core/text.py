"""Text helpers shared by every app that stores text: pinyin columns for search and sort, and the refusal of
control characters."""

import re

from django.core.exceptions import ValidationError
from django.core.validators import ProhibitNullCharactersValidator
from django.utils.translation import gettext as _
from pypinyin import Style, lazy_pinyin


def pinyin_full(text: str) -> str:
    """"湖北省" -> "hubeisheng": lower-case, no tones or separators, so a prefix search matches as people type."""
    return "".join(lazy_pinyin(text, errors="ignore")).lower()


def pinyin_initials(text: str) -> str:
    """"湖北省" -> "hbs"."""
    return "".join(lazy_pinyin(text, style=Style.FIRST_LETTER, errors="ignore")).lower()


# --- control characters -----------------------------------------------------------------------------------------
# C0 and C1 control characters (Unicode category Cc) other than tab, line feed and carriage return. They are
# invisible, cannot be stored in PostgreSQL text (NUL) or in an xlsx cell (XML 1.0 forbids most of them), and come
# from copying out of other programs, never from a person typing: refused at every input (forms, API, ledger).
CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def control_character_problem(text: str) -> str | None:
    """None when `text` holds no control character, else a message saying which one, where, and what to do."""
    found = CONTROL_CHARACTERS.search(text) if isinstance(text, str) else None
    if found is None:
        return None
    return _("The text contains an invisible control character (U+%(code)04X) at position %(position)d; such "
             "characters cannot be stored. Delete it and type the text again (it usually comes from copying out of "
             "another program).") % {"code": ord(found.group()), "position": found.start() + 1}


def validate_no_control_characters(value) -> None:
    """A Django validator (forms, serializers, filters) for control_character_problem."""
    problem = control_character_problem(value)
    if problem:
        raise ValidationError(problem, code="control_character")


def refusing_control_characters(validators: list) -> list:
    """A text field's validators with validate_no_control_characters in place of Django's NUL-only check (whose
    message would repeat ours for a NUL)."""
    kept = [v for v in validators if not isinstance(v, ProhibitNullCharactersValidator)
            and v is not validate_no_control_characters]
    return [*kept, validate_no_control_characters]
