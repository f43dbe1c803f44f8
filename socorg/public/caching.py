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
    """Serve a GET answer from the cache (200 only); the key is the path, the query and the language."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.method != "GET":
            return view(request, *args, **kwargs)
        raw = f"{request.path}?{request.META.get('QUERY_STRING', '')}|{get_language()}|{version()}"
        key = "public:page:" + hashlib.sha256(raw.encode()).hexdigest()
        hit = cache.get(key)
        if hit is not None:
            return hit
        response = view(request, *args, **kwargs)
        if response.status_code == 200 and not getattr(response, "streaming", False):
            if hasattr(response, "render") and callable(response.render):
                response = response.render()
            cache.set(key, response, settings.SOCORG_PUBLIC_CACHE_SECONDS)
        return response

    return wrapper
