"""What a web process would otherwise do on its first requests, done once when the WSGI application is loaded:
import every URLconf and view, build the reverse-URL table, load the translation catalogs, compile the templates
and import the cache client. Under gunicorn with `preload_app` (socorg/gunicorn_conf.py) this runs once in the
master and every worker is forked warm; without it, each worker runs it before it accepts a connection.

Measured (benchmarks/README.md, "Load"): without it the first request of each fresh worker took seconds (the
URLconf alone over a second on a loaded machine), and at 200 requests/s a backlog built behind it.

It never opens a database or cache connection (a connection opened before the fork would be shared by the
workers); it closes any that an import might have opened."""

import importlib
import logging

logger = logging.getLogger(__name__)


def warm_up() -> None:
    from django.conf import settings
    from django.db import connections
    from django.template import engines
    from django.urls import get_resolver
    from django.utils import translation

    resolver = get_resolver()
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            resolver.reverse_dict  # noqa: B018 — imports every urls.py and view, and fills the reverse table per language
    for code, _name in settings.LANGUAGES:
        translation.trans_real.translation(code)
    _compile_templates(engines)
    backend = settings.CACHES["default"]["BACKEND"]
    if "redis" in backend.lower():
        importlib.import_module("redis")
    connections.close_all()


def _compile_templates(engines) -> None:
    """Every template of socorg and its apps (not those of third-party packages), through the engine's loaders: the
    cached loader keeps them."""
    from pathlib import Path

    from django.conf import settings
    from django.template import TemplateSyntaxError
    from django.template.loaders.cached import Loader as CachedLoader

    for engine in engines.all():
        django_engine = getattr(engine, "engine", None)
        if django_engine is None:
            continue
        names = set()
        for loader in django_engine.template_loaders:
            loaders = loader.loaders if isinstance(loader, CachedLoader) else [loader]
            for inner in loaders:
                for directory in map(Path, inner.get_dirs()):
                    if directory.is_relative_to(settings.BASE_DIR):
                        names |= {p.relative_to(directory).as_posix() for p in directory.rglob("*.html")}
        for name in sorted(names):
            try:
                django_engine.get_template(name)
            except TemplateSyntaxError:  # a fragment not meant to stand alone: compiled when it is included
                logger.debug("warm-up: template %s not compiled on its own", name)
