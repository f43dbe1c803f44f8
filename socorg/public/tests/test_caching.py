"""The public page cache: an answer is served from the cache only while the data version it was computed under is
current, and a hit costs one read of the cache (the version and the page together)."""

import pytest
from django.test import Client

from socorg.public import caching
from socorg.registry.models import SocialOrganization

pytestmark = pytest.mark.django_db
ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}


class CountingCache:
    """The cache as public.caching sees it, counting the reads."""

    def __init__(self, cache):
        self.cache, self.reads = cache, 0

    def __getattr__(self, name):
        attribute = getattr(self.cache, name)
        if name.startswith("get"):
            def counted(*args, **kwargs):
                self.reads += 1
                return attribute(*args, **kwargs)
            return counted
        return attribute


def test_a_page_served_from_the_cache_reads_the_cache_once(world, monkeypatch):
    url = f"/api/v1/public/orgs/{world['org'].uscc}/"
    client = Client()
    assert client.get(url, **ZH).status_code == 200
    counting = CountingCache(caching.cache)
    monkeypatch.setattr(caching, "cache", counting)
    assert client.get(url, **ZH).json()["name"] == "五华区科技创新协会"
    assert counting.reads == 1


def test_an_answer_computed_under_an_older_data_version_is_not_served(world):
    url = f"/public/orgs/{world['org'].uscc}/"
    client = Client()
    assert "五华区科技创新协会" in client.get(url, **ZH).content.decode()
    # A bulk write without signals (as a ledger import does): the cached page stays until the version moves.
    SocialOrganization.objects.filter(pk=world["org"].pk).update(name="五华区科技创新促进会")
    assert "五华区科技创新协会" in client.get(url, **ZH).content.decode()
    caching.invalidate()
    assert "五华区科技创新促进会" in client.get(url, **ZH).content.decode()
