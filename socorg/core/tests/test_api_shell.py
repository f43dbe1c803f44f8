"""The API shell: OpenAPI schema, offline docs, token and session authentication, anonymous refusal, /healthz."""

import io
from unittest import mock

import pytest
from django.core.management import call_command
from django.db import OperationalError
from django.test import Client

from socorg.core.testing import api_as, client_as, make_user

pytestmark = pytest.mark.django_db


def test_foundation_endpoints_are_documented_without_warnings():
    from django.urls import include, path
    from drf_spectacular.drainage import GENERATOR_STATS
    from drf_spectacular.generators import SchemaGenerator
    from drf_spectacular.validation import validate_schema

    GENERATOR_STATS.reset()
    patterns = [path("api/v1/", include("socorg.regions.api.urls"))]
    schema = SchemaGenerator(patterns=patterns).get_schema(request=None, public=True)
    validate_schema(schema)
    assert not GENERATOR_STATS, "drf-spectacular warned about the regions API"
    assert {"/api/v1/regions/", "/api/v1/regions/{code}/"} <= set(schema["paths"])
    parameters = {p["name"] for p in schema["paths"]["/api/v1/regions/"]["get"]["parameters"]}
    assert {"level", "parent", "code_prefix", "q", "include_retired", "page"} <= parameters


def test_whole_api_schema_builds_without_warnings():
    """The project-wide contract (`socorg spectacular --validate --fail-on-warn`): every app's endpoints."""
    out = io.StringIO()
    call_command("spectacular", "--validate", "--fail-on-warn", stdout=out)
    assert "/api/v1/regions/{code}/" in out.getvalue()


def test_schema_endpoint_needs_login():
    assert Client().get("/api/v1/schema/").status_code in (401, 403)
    response = client_as(make_user(("viewer", "530000"))).get("/api/v1/schema/")
    assert response.status_code == 200 and b"openapi" in response.content


def test_docs_render_from_local_static_files_only():
    html = client_as(make_user(("viewer", "530000"))).get("/api/v1/docs/").content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/" in html
    assert "cdn" not in html.lower() and "unpkg" not in html.lower()


def test_swagger_assets_are_served():
    client = client_as(make_user(("viewer", "530000")))
    response = client.get("/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js")
    assert response.status_code == 200


def test_token_from_create_token_authenticates(settings):
    make_user(("viewer", "530000"), username="apiclient")
    out = io.StringIO()
    call_command("create_token", "apiclient", stdout=out)
    token = out.getvalue().strip()
    client = Client()
    assert client.get("/api/v1/regions/530000/", HTTP_AUTHORIZATION=f"Token {token}").status_code == 200
    assert client.get("/api/v1/regions/530000/", HTTP_AUTHORIZATION="Token wrong").status_code == 401


def test_session_authentication_works():
    assert client_as(make_user(("viewer", "530000"))).get("/api/v1/regions/530000/").status_code == 200


def test_anonymous_api_access_is_refused_with_401():
    response = Client().get("/api/v1/regions/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"


def test_api_errors_speak_the_requested_language():
    zh = Client().get("/api/v1/regions/", HTTP_ACCEPT_LANGUAGE="zh-hans").json()["detail"]
    en = Client().get("/api/v1/regions/", HTTP_ACCEPT_LANGUAGE="en").json()["detail"]
    assert zh == "身份认证信息未提供。" and en == "Authentication credentials were not provided."


def test_healthz_reports_a_working_database():
    response = Client().get("/healthz")
    assert response.status_code == 200 and response.json() == {"status": "ok", "database": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_healthz_reports_503_when_the_database_fails_without_naming_host_port_or_role():
    message = 'connection to server at "db.internal" (10.0.0.5), port 5432 failed: role "socorg" does not exist'
    with mock.patch("socorg.core.health.connection") as connection:
        connection.vendor = "postgresql"
        connection.cursor.side_effect = OperationalError(message)
        response = Client().get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "error", "database": "error"}
    for secret in ("db.internal", "10.0.0.5", "5432", "socorg"):
        assert secret not in response.content.decode()


def test_healthz_answers_503_for_a_missing_sqlite_file_and_does_not_create_it(tmp_path):
    missing = tmp_path / "gone.sqlite3"
    with mock.patch("socorg.core.health.connection") as connection:
        connection.vendor, connection.settings_dict = "sqlite", {"NAME": str(missing)}
        response = Client().get("/healthz")
    assert response.status_code == 503 and response.json()["database"] == "error"
    assert not missing.exists()
    connection.cursor.assert_not_called()


def test_full_healthz_is_for_signed_in_operators_only():
    assert Client().get("/healthz?full=1").status_code == 403
    client = Client()
    client.force_login(make_user(("bureau_staff", "530000")))
    assert client.get("/healthz?full=1").status_code == 403


def operator_client() -> Client:
    client = Client()
    client.force_login(make_user(("system_admin", "100000")))
    return client


def test_full_healthz_checks_broker_and_storage(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    response = operator_client().get("/healthz?full=1")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "broker": "inline", "storage": "ok"}
    assert not any(path.is_file() for path in tmp_path.rglob("*"))  # the probe file is removed


def test_full_healthz_reports_an_unreachable_broker(settings, tmp_path):
    settings.MEDIA_ROOT, settings.CELERY_BROKER_URL = tmp_path, "redis://127.0.0.1:9/0"
    response = operator_client().get("/healthz?full=1")
    assert response.status_code == 503 and response.json()["broker"] == "error"
    assert "127.0.0.1" not in response.content.decode()


def test_full_healthz_reports_a_failing_storage():
    with mock.patch("socorg.core.health.default_storage") as storage:
        storage.save.side_effect = PermissionError("/srv/socorg/media: permission denied")
        response = operator_client().get("/healthz?full=1")
    assert response.status_code == 503 and response.json()["storage"] == "error"
    assert "/srv" not in response.content.decode()


def test_request_id_is_returned_and_honoured():
    response = Client().get("/healthz", HTTP_X_REQUEST_ID="abc-123")
    assert response["X-Request-ID"] == "abc-123"
    assert len(Client().get("/healthz")["X-Request-ID"]) == 32


def test_user_token_works_for_api_as_helper():
    assert api_as(make_user(("viewer", "530000"))).get("/api/v1/regions/").status_code == 200
