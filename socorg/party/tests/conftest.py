import pytest

from socorg.accounts.roles import Role

from .factories import make_org, staff


@pytest.fixture
def actor(db):
    """Party committee staff of 五华区, Kunming (530102)."""
    return staff("530102", Role.PARTY_STAFF)


@pytest.fixture
def orgs(db):
    return [make_org("530102") for _ in range(7)]
