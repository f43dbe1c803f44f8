"""Project-wide pytest fixtures. Database-backed tests run on SQLite by default and on PostgreSQL when
DATABASE_URL points there; tests marked `postgres` or `browser` skip with the reason when those are absent."""

import os
import shutil

import pytest
from django.db import connection

CHROMIUM = os.environ.get("SOCORG_CHROMIUM", "/usr/bin/chromium")


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "postgres" in item.keywords and not os.environ.get("DATABASE_URL", "").startswith("postgres"):
            item.add_marker(pytest.mark.skip(reason="needs PostgreSQL: set DATABASE_URL=postgres://…"))
        if "browser" in item.keywords and not shutil.which(CHROMIUM):
            reason = f"needs Debian's Chromium at {CHROMIUM} (apt-get install chromium)"
            item.add_marker(pytest.mark.skip(reason=reason))


@pytest.fixture
def vendor():
    return connection.vendor
