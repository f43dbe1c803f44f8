"""The production web server set-up (README, "Web server"; socorg/gunicorn_conf.py): gunicorn loads and warms the
application once in the master and forks warm workers whose heartbeat file lives in memory; the warm-up loads
everything a first request would otherwise load, and leaves no database connection for the workers to share.
Speed itself is shown by the load benchmarks (benchmarks/README.md), not here."""

import json
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

ROOT = Path(__file__).resolve().parents[3]
GUNICORN = Path(sys.executable).parent / "gunicorn"


def gunicorn_settings(tmp_path, *args) -> dict[str, str]:
    """The configuration gunicorn itself reads from socorg/gunicorn_conf.py (it prints it without starting)."""
    result = subprocess.run([str(GUNICORN), "--print-config", "-c", "python:socorg.gunicorn_conf", *args,
                             "socorg.wsgi"], cwd=ROOT, capture_output=True, text=True, timeout=120,
                            env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "SOCORG_VAR_DIR": str(tmp_path),
                                 "DEBUG": "1"})
    assert result.returncode == 0, result.stderr
    pairs = (line.split("=", 1) for line in result.stdout.splitlines() if "=" in line)
    return {name.strip(): value.strip() for name, value in pairs}


def test_gunicorn_preloads_the_application_and_keeps_the_heartbeat_in_memory(tmp_path):
    config = gunicorn_settings(tmp_path)
    assert config["preload_app"] == "True"
    assert config["worker_tmp_dir"] == "/dev/shm"
    assert int(config["workers"]) >= 2


def test_the_command_line_still_chooses_the_number_of_workers(tmp_path):
    assert gunicorn_settings(tmp_path, "-w", "3")["workers"] == "3"


def test_the_master_warms_a_preloaded_application_and_a_worker_warms_only_what_was_not_preloaded(monkeypatch):
    from socorg import gunicorn_conf
    from socorg.core import warmup

    calls = []
    monkeypatch.setattr(warmup, "warm_up", lambda: calls.append("warm"))
    for preload in (True, False):
        calls.clear()
        process = SimpleNamespace(cfg=SimpleNamespace(preload_app=preload))
        gunicorn_conf.on_starting(process)
        master = list(calls)
        calls.clear()
        gunicorn_conf.post_worker_init(process)
        assert (master, calls) == ((["warm"], []) if preload else ([], ["warm"]))


WARM_UP_PROBE = """
import json, sys
import django
django.setup()
from django.db import connections
from django.template import engines
from socorg.core.warmup import warm_up
before = {"urls": "socorg.urls" in sys.modules, "public views": "socorg.public.views" in sys.modules}
warm_up()
loader = engines["django"].engine.template_loaders[0]
print(json.dumps({
    "before": before,
    "urls": "socorg.urls" in sys.modules,
    "views": all(m in sys.modules for m in ("socorg.public.views", "socorg.public.api.views",
                                             "socorg.registry.api.views", "socorg.coverage.api.views")),
    "templates": sorted(t for t in ("public/org_detail.html", "public/index.html", "base.html")
                        if t in loader.get_template_cache),
    "open connections": [alias for alias in connections if connections[alias].connection is not None],
}))
"""


@pytest.mark.parametrize("debug", ["0", "1"])
def test_the_warm_up_loads_urls_views_and_templates_and_leaves_no_connection_open(debug, tmp_path):
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "SOCORG_VAR_DIR": str(tmp_path), "DEBUG": debug,
           "DJANGO_SETTINGS_MODULE": "socorg.settings", "SECRET_KEY": "k" * 50, "SOCORG_FIELD_KEY": "f" * 50,
           "ALLOWED_HOSTS": "127.0.0.1"}
    result = subprocess.run([sys.executable, "-c", WARM_UP_PROBE], cwd=ROOT, env=env, capture_output=True, text=True,
                            timeout=300)
    assert result.returncode == 0, result.stderr
    state = json.loads(result.stdout.strip().splitlines()[-1])
    assert state["before"] == {"urls": False, "public views": False}
    assert state["urls"] and state["views"]
    assert state["templates"] == ["base.html", "public/index.html", "public/org_detail.html"]
    assert state["open connections"] == []
