"""Pure rules of notices: the safe body, the checks of a notice's fields, when a reminder is due. No database."""

import datetime
import re

import nh3
from django.utils.html import linebreaks
from django.utils.translation import gettext as _

# The formatting a notice keeps: paragraphs, emphasis, lists, simple tables and links. Everything else (scripts,
# styles, event handlers, frames, images from elsewhere) is removed by the Ammonia sanitizer.
ALLOWED_TAGS = {"p", "br", "strong", "b", "em", "i", "u", "ol", "ul", "li", "h3", "h4", "blockquote", "a",
                "table", "thead", "tbody", "tr", "th", "td", "span"}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "td": {"colspan", "rowspan"}, "th": {"colspan", "rowspan"}}
URL_SCHEMES = {"http", "https", "mailto"}
TAG = re.compile(r"<[A-Za-z/!]")
TITLE_MAX = 200
BODY_MAX = 50_000
REPLY_MAX = 5_000
ATTACHMENTS_MAX = 10
REMIND_MAX_DAYS = 90


def safe_body(html: str) -> str:
    """The body as stored and shown: sanitized HTML (links get rel="noopener noreferrer"). Plain text (no tag) keeps
    its paragraphs and line breaks."""
    html = html or ""
    if not TAG.search(html):
        html = linebreaks(html, autoescape=True)
    return nh3.clean(html or "", tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES, url_schemes=URL_SCHEMES,
                     link_rel="noopener noreferrer").strip()


def body_is_empty(html: str) -> bool:
    return not nh3.clean(html or "", tags=set()).strip()


def notice_problems(*, title: str, body: str, expires_on: datetime.date | None, response_kind: str,
                    response_due_on: datetime.date | None, remind_after_days: int | None,
                    today: datetime.date) -> dict[str, str]:
    """Every problem of a notice's own fields, by field (audience checks need the database: services)."""
    problems: dict[str, str] = {}
    title = (title or "").strip()
    if not title:
        problems["title"] = _("Enter a title.")
    elif len(title) > TITLE_MAX:
        problems["title"] = _("The title may be at most %(max)d characters.") % {"max": TITLE_MAX}
    if len(body or "") > BODY_MAX:
        problems["body"] = _("The body may be at most %(max)d characters.") % {"max": BODY_MAX}
    elif body_is_empty(body):
        problems["body"] = _("Write the notice's text.")
    if expires_on is not None and expires_on < today:
        problems["expires_on"] = _("The notice would be hidden already: choose today or a later day.")
    if response_kind not in ("none", "reply", "upload"):
        problems["response_kind"] = _("Choose nothing, a written reply or an uploaded file.")
    elif response_kind != "none":
        if response_due_on is None:
            problems["response_due_on"] = _("Give the deadline for the reply or file.")
        elif response_due_on < today:
            problems["response_due_on"] = _("The deadline lies in the past.")
        elif expires_on is not None and response_due_on > expires_on:
            problems["response_due_on"] = _("The deadline falls after the day the notice is hidden.")
    elif response_due_on is not None:
        problems["response_due_on"] = _("A deadline needs a reply or file to ask for.")
    if remind_after_days is None or not 0 <= remind_after_days <= REMIND_MAX_DAYS:
        problems["remind_after_days"] = _("Enter a number of days from 0 (no reminder) to %(max)d.") % {
            "max": REMIND_MAX_DAYS}
    return problems


def reminder_due(*, delivered_at: datetime.datetime, reminded_at: datetime.datetime | None, every_days: int,
                 now: datetime.datetime) -> bool:
    """Is an unread recipient due a reminder? After `every_days` days unread, and again every as many days."""
    if every_days <= 0:
        return False
    last = reminded_at or delivered_at
    return now - last >= datetime.timedelta(days=every_days)
