"""Caching of the public pages and API answers: one cache entry per URL, query and language, under a version that
every change of the data the public site shows increments (post_save / post_delete of the models below), so a page
is never older than the last change made through the services. Bulk writes without signals (a ledger import) are
seen within SOCORG_PUBLIC_CACHE_SECONDS."""

import hashlib
from functools import wraps

from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.db.models.signals import post_delete, post_save
from django.utils.translation import get_language

VERSION_KEY = "public:version"
# app_label.ModelName of everything a public page shows (apps not installed are skipped).
SOURCES = (
    "registry.SocialOrganization", "reports.AnnualReport", "credit.CreditEntry", "inspections.InspectionPlan",
    "inspections.Inspection", "inspections.Selection", "ratings.EvaluationGrade", "projects.ProjectCall",
    "projects.Project", "party.PartyOrganization", "party.PartyCoverage", "coverage.CoverageSnapshot",
)


def version() -> int:
    return cache.get_or_set(VERSION_KEY, 1, None)


def invalidate(**_kwargs) -> None:
    try:
        cache.incr(VERSION_KEY)
    except ValueError:
        cache.set(VERSION_KEY, 2, None)


def connect_invalidation() -> None:
    for label in SOURCES:
        try:
            model = apps.get_model(label)
        except LookupError:
            continue
        post_save.connect(invalidate, sender=model, dispatch_uid=f"public-cache-{label}-save")
        post_delete.connect(invalidate, sender=model, dispatch_uid=f"public-cache-{label}-delete")


def cached(view):
    """Serve a GET answer from the cache (200 only); the key is the path, the query and the language. The entry
    carries the version it was computed under and is served only while that version is current; the version and
    the entry are read in one round trip to the cache (a hit costs one, not two)."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.method != "GET":
            return view(request, *args, **kwargs)
        raw = f"{request.path}?{request.META.get('QUERY_STRING', '')}|{get_language()}"
        key = "public:page:" + hashlib.sha256(raw.encode()).hexdigest()
        found = cache.get_many([VERSION_KEY, key])
        current = found.get(VERSION_KEY)
        if current is None:
            current = version()
        entry = found.get(key)
        if entry is not None and entry[0] == current:
            return entry[1]
        response = view(request, *args, **kwargs)
        if response.status_code == 200 and not getattr(response, "streaming", False):
            if hasattr(response, "render") and callable(response.render):
                response = response.render()
            cache.set(key, (current, response), settings.SOCORG_PUBLIC_CACHE_SECONDS)
        return response

    return wrapper
