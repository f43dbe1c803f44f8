"""Production start-up refuses embedded defaults: checked in a clean subprocess, as a real deployment starts."""

import subprocess
import sys

import pytest

PRODUCTION = {"SECRET_KEY": "k" * 50, "SOCORG_FIELD_KEY": "f" * 50, "ALLOWED_HOSTS": "socorg.example.gov.cn"}


def start(tmp_path, **env) -> subprocess.CompletedProcess:
    clean = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "SOCORG_VAR_DIR": str(tmp_path),
             "DJANGO_SETTINGS_MODULE": "socorg.settings", **env}
    return subprocess.run([sys.executable, "-c", "import django; django.setup(); print('started')"], env=clean,
                          capture_output=True, text=True, timeout=120)


def test_production_mode_without_any_secret_refuses_to_start_naming_every_problem(tmp_path):
    result = start(tmp_path, DEBUG="0")
    assert result.returncode != 0
    assert "socorg refuses to start in production mode" in result.stderr
    for name in ("SECRET_KEY is unset", "SOCORG_FIELD_KEY is unset", "ALLOWED_HOSTS is unset"):
        assert name in result.stderr


@pytest.mark.parametrize("missing", sorted(PRODUCTION))
def test_production_mode_names_the_one_missing_setting(missing, tmp_path):
    env = {k: v for k, v in PRODUCTION.items() if k != missing}
    result = start(tmp_path, DEBUG="0", **env)
    assert result.returncode != 0
    assert f"{missing} is unset" in result.stderr
    assert not any(f"{other} is unset" in result.stderr for other in PRODUCTION if other != missing)


@pytest.mark.parametrize("empty", sorted(PRODUCTION))
def test_an_empty_variable_counts_as_unset(empty, tmp_path):
    result = start(tmp_path, DEBUG="0", **{**PRODUCTION, empty: " "})
    assert result.returncode != 0 and f"{empty} is unset" in result.stderr


def test_production_mode_starts_when_every_secret_is_set(tmp_path):
    result = start(tmp_path, DEBUG="0", **PRODUCTION)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "started"


def test_development_mode_starts_on_embedded_defaults(tmp_path):
    result = start(tmp_path)
    assert result.returncode == 0, result.stderr


def test_production_mode_uses_secure_cookies(tmp_path):
    code = ("import django; django.setup(); from django.conf import settings as s; "
            "print(s.DEBUG, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SOCORG_IDLE_MINUTES)")
    clean = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "SOCORG_VAR_DIR": str(tmp_path),
             "DJANGO_SETTINGS_MODULE": "socorg.settings", "DEBUG": "0", "SOCORG_IDLE_MINUTES": "15", **PRODUCTION}
    result = subprocess.run([sys.executable, "-c", code], env=clean, capture_output=True, text=True, timeout=120)
    assert result.stdout.split() == ["False", "True", "True", "15"], result.stderr
