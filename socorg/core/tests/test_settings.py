"""Production start-up refuses embedded defaults: checked in a clean subprocess, as a real deployment starts."""

import subprocess
import sys
from pathlib import Path

import pytest

PRODUCTION = {"SECRET_KEY": "k" * 50, "SOCORG_FIELD_KEY": "f" * 50, "ALLOWED_HOSTS": "socorg.example.gov.cn"}


def start(tmp_path, **env) -> subprocess.CompletedProcess:
    clean = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "SOCORG_VAR_DIR": str(tmp_path),
             "DJANGO_SETTINGS_MODULE": "socorg.settings", **env}
    return subprocess.run([sys.executable, "-c", "import django; django.setup(); print('started')"], env=clean,
                          capture_output=True, text=True, timeout=120)


def socorg_command(tmp_path, *args, **env) -> subprocess.CompletedProcess:
    clean = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "SOCORG_VAR_DIR": str(tmp_path), **env}
    return subprocess.run([str(Path(sys.executable).parent / "socorg"), *args], env=clean, capture_output=True,
                          text=True, timeout=300)


def test_the_migration_check_runs_without_deployment_secrets(tmp_path):
    """Tools that check for model changes without a migration run `socorg makemigrations --check` with no
    environment at all: a command that reads only the code needs no secret."""
    result = socorg_command(tmp_path, "makemigrations", "--check", "--dry-run")
    assert result.returncode == 0, result.stderr
    assert "No changes detected" in result.stdout


def test_a_command_touching_the_data_still_refuses_the_embedded_defaults(tmp_path):
    result = socorg_command(tmp_path, "migrate", "--no-input")
    assert result.returncode != 0
    assert "socorg refuses to start in production mode" in result.stderr


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
    result = start(tmp_path, DEBUG="1")
    assert result.returncode == 0, result.stderr


def settings_values(tmp_path, *names, **env) -> subprocess.CompletedProcess:
    code = ("import django; django.setup(); from django.conf import settings as s; "
            f"print(*(getattr(s, n) for n in {names!r}))")
    clean = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "SOCORG_VAR_DIR": str(tmp_path),
             "DJANGO_SETTINGS_MODULE": "socorg.settings", **env}
    return subprocess.run([sys.executable, "-c", code], env=clean, capture_output=True, text=True, timeout=120)


def test_debug_is_off_when_the_variable_is_unset(tmp_path):
    result = settings_values(tmp_path, "DEBUG", "SESSION_COOKIE_SECURE", "SECURE_SSL_REDIRECT", **PRODUCTION)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", "True", "True"]


def test_unset_debug_refuses_the_embedded_defaults_and_says_how_to_develop(tmp_path):
    result = start(tmp_path)
    assert result.returncode != 0
    assert "socorg refuses to start in production mode" in result.stderr
    assert "set DEBUG=1" in result.stderr
    assert "SECRET_KEY is unset" in result.stderr


@pytest.mark.parametrize(("value", "debug"), [("1", "True"), ("true", "True"), ("0", "False"), ("no", "False")])
def test_debug_follows_an_explicit_value(value, debug, tmp_path):
    result = settings_values(tmp_path, "DEBUG", DEBUG=value, **PRODUCTION)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [debug]


def run_make(target: str, tmp_path, **env) -> list[str]:
    """Run a Makefile target against a stand-in virtualenv whose programs print the DEBUG they were given."""
    venv = tmp_path / "venv"
    (venv / "bin").mkdir(parents=True, exist_ok=True)
    for program in ("socorg", "celery", "pytest", "ruff", "python", "pip"):
        script = venv / "bin" / program
        script.write_text(f'#!/bin/sh\necho "{program} DEBUG=${{DEBUG-unset}}"\n')
        script.chmod(0o755)
    (venv / ".installed").touch()
    root = Path(__file__).resolve().parents[3]
    clean = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), **env}
    result = subprocess.run(["make", "-s", "-C", str(root), target, f"VENV={venv}"], env=clean, capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    return result.stdout.split("\n")[:-1]


def test_make_run_serves_with_debug_on_whatever_the_environment_says(tmp_path):
    assert run_make("run", tmp_path) == ["socorg DEBUG=1"] * 3  # migrate, bootstrap, runserver
    assert run_make("run", tmp_path, DEBUG="0") == ["socorg DEBUG=1"] * 3


@pytest.mark.parametrize("target", ["test", "worker"])
def test_make_test_and_worker_set_debug_on_unless_told_otherwise(target, tmp_path):
    lines = run_make(target, tmp_path)
    assert lines and all(line.endswith(" DEBUG=1") for line in lines), lines
    assert all(line.endswith(" DEBUG=0") for line in run_make(target, tmp_path, DEBUG="0"))


def test_production_mode_uses_secure_cookies(tmp_path):
    code = ("import django; django.setup(); from django.conf import settings as s; "
            "print(s.DEBUG, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SOCORG_IDLE_MINUTES)")
    clean = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "SOCORG_VAR_DIR": str(tmp_path),
             "DJANGO_SETTINGS_MODULE": "socorg.settings", "DEBUG": "0", "SOCORG_IDLE_MINUTES": "15", **PRODUCTION}
    result = subprocess.run([sys.executable, "-c", code], env=clean, capture_output=True, text=True, timeout=120)
    assert result.stdout.split() == ["False", "True", "True", "15"], result.stderr
