"""Project-wide pytest fixtures. Database-backed tests run on SQLite by default and on PostgreSQL when
DATABASE_URL points there; tests marked `postgres` or `browser` skip with the reason when those are absent."""

import os
import shutil

import pytest
from django.core.management.commands import flush as flush_command
from django.db import connection
from django.db.models.signals import post_migrate
from django.test import Client
from hypothesis import settings as hypothesis_settings

from socorg.core.db import _delete_trigger_sql

CHROMIUM = os.environ.get("SOCORG_CHROMIUM", "/usr/bin/chromium")

# Property tests have no time limit: a loaded 2-core machine must not turn a correct test red (a test's own
# @settings inherits this profile). Loaded here, before any test module is imported.
hypothesis_settings.register_profile("socorg", deadline=None)
hypothesis_settings.load_profile("socorg")


def _reload_regions_after_flush(sender, **kwargs):
    """Transactional tests end with a flush, which empties the regions a migration loaded; flush emits
    post_migrate, so put them back for the tests that follow."""
    if sender.label != "regions":
        return
    from socorg.regions.loader import load_regions
    from socorg.regions.models import Region

    if not Region.objects.exists():
        load_regions(Region)


post_migrate.connect(_reload_regions_after_flush, dispatch_uid="socorg-tests-reload-regions")


def _flush_around_audit_triggers(style, connection, **kwargs):
    """Transactional tests end with a flush (DELETE on SQLite, TRUNCATE on PostgreSQL), which the audit log's
    triggers refuse, as they should in production; between tests the database owner lifts them for the flush."""
    statements = _sql_flush(style, connection, **kwargs)
    if not any("core_auditentry" in sql for sql in statements):
        return statements
    if connection.vendor == "postgresql":
        return ["ALTER TABLE core_auditentry DISABLE TRIGGER USER", *statements,
                "ALTER TABLE core_auditentry ENABLE TRIGGER USER"]
    delete = _delete_trigger_sql("sqlite", "core_auditentry", "the audit log is append-only", up=True)
    return ["DROP TRIGGER IF EXISTS core_auditentry_no_delete", *statements, delete]


_sql_flush = flush_command.sql_flush
flush_command.sql_flush = _flush_around_audit_triggers


def _force_login_with_both_factors(self, user, backend=None):
    """Django's force_login skips authentication altogether (no password, no lockout), so it skips the second
    factor too: the session counts as verified, as after a real sign-in with a code. Tests of signing in go through
    the login form (accounts/tests/test_two_factor.py)."""
    from django_otp import DEVICE_ID_SESSION_KEY

    _force_login(self, user, backend)
    session = self.session
    session[DEVICE_ID_SESSION_KEY] = "force_login"
    session.save()


_force_login = Client.force_login
Client.force_login = _force_login_with_both_factors


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "browser" in item.keywords:
            # The live server reads committed data, so browser tests are transactional.
            item.add_marker(pytest.mark.django_db(transaction=True))
        if "postgres" in item.keywords and not os.environ.get("DATABASE_URL", "").startswith("postgres"):
            item.add_marker(pytest.mark.skip(reason="needs PostgreSQL: set DATABASE_URL=postgres://…"))
        if "browser" in item.keywords and not shutil.which(CHROMIUM):
            reason = f"needs Debian's Chromium at {CHROMIUM} (apt-get install chromium)"
            item.add_marker(pytest.mark.skip(reason=reason))


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # PBKDF2 with production iterations makes every test login cost ~0.3 s; hashing strength is not under test.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _empty_cache():
    # Cached fragments (a list's filter form) are keyed by user and values; ids repeat from test to test, so each
    # test starts with an empty cache, as a deployment starts.
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def long_lists(monkeypatch):
    """List pages of more than one page count as long, so they page by cursor (core.pagination.NUMBERED_PAGES = 1)."""
    from socorg.core import pagination

    monkeypatch.setattr(pagination, "NUMBERED_PAGES", 1)


@pytest.fixture
def vendor():
    return connection.vendor


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium, headless, driven by Playwright (its own browser download does not work offline)."""
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; Django's ORM calls from the test are still safe here.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    """A fresh browser context (own cookies) per test, in Simplified Chinese like a real user's browser."""
    context = browser.new_context(locale="zh-CN")
    context.set_default_timeout(15_000)
    page = context.new_page()
    yield page
    context.close()
