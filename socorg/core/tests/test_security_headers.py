"""Transport and content security with DEBUG=0 (issue #10 item 15): HSTS, HTTP redirected to HTTPS (trusting the
proxy's X-Forwarded-Proto only when told to), a Content-Security-Policy whose nonce the inline scripts carry, and a
SECRET_KEY shorter than 50 characters refused. The production cases start a clean subprocess, as a deployment does."""

import json
import re
import subprocess
import sys

import pytest

from socorg.core.testing import client_as, make_user

from .test_settings import PRODUCTION, start

PROBE = """
import django, json
django.setup()
from django.test import Client
client = Client()
plain = client.get("/accounts/login/")
https = client.get("/accounts/login/", HTTP_X_FORWARDED_PROTO="https")
probe = client.get("/healthz")
print(json.dumps({"plain": [plain.status_code, plain.get("Location", "")],
                  "https": [https.status_code, https.get("Strict-Transport-Security", ""),
                            https.get("Content-Security-Policy", "")],
                  "healthz": probe.status_code}))
"""


def probe(tmp_path, **env) -> dict:
    clean = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "SOCORG_VAR_DIR": str(tmp_path),
             "DJANGO_SETTINGS_MODULE": "socorg.settings", "DEBUG": "0", **PRODUCTION,
             "ALLOWED_HOSTS": "testserver", **env}
    result = subprocess.run([sys.executable, "-c", PROBE], env=clean, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_a_short_secret_key_is_refused(tmp_path):
    result = start(tmp_path, DEBUG="0", **{**PRODUCTION, "SECRET_KEY": "s" * 49})
    assert result.returncode != 0 and "SECRET_KEY has 49 characters; at least 50" in result.stderr


def test_behind_the_proxy_https_requests_get_hsts_and_csp_and_plain_http_is_redirected(tmp_path):
    answers = probe(tmp_path, SOCORG_BEHIND_PROXY="1")
    assert answers["plain"][0] == 301 and answers["plain"][1].startswith("https://testserver/accounts/login/")
    status, hsts, csp = answers["https"]
    assert status == 200 and "max-age=31536000" in hsts and "includeSubDomains" in hsts
    script_src = csp.split("script-src")[1].split(";")[0]
    assert "'self'" in script_src and "'unsafe-inline'" not in script_src
    assert "frame-ancestors 'none'" in csp and "object-src 'none'" in csp
    assert answers["healthz"] != 301  # the load balancer's probe is not redirected


def test_without_the_proxy_setting_a_forwarded_header_is_not_trusted(tmp_path):
    answers = probe(tmp_path)
    assert answers["https"][0] == 301  # X-Forwarded-Proto ignored: still plain HTTP, redirected


@pytest.mark.django_db
def test_inline_scripts_carry_the_nonce_of_the_policy():
    response = client_as(make_user(("bureau_staff", "530000"))).get("/alerts/")
    policy = response["Content-Security-Policy"]
    nonce = re.search(r"'nonce-([^']+)'", policy).group(1)
    scripts = [attributes for attributes in re.findall(r"<script(?![^>]*\bsrc=)([^>]*)>", response.content.decode())
               if "application/json" not in attributes]  # data blocks are not run
    assert scripts and all(f'nonce="{nonce}"' in attributes for attributes in scripts)
