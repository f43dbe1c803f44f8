"""API tokens (issue #10 item 13): stored hashed, optional expiry, revoked on password change or reset and on
deactivation, `socorg revoke-token`, creation and revocation audited, and the forced password change applies to
token clients too."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from socorg.accounts import services
from socorg.accounts.models import ApiToken
from socorg.core.models import AuditEntry
from socorg.core.testing import make_user

pytestmark = pytest.mark.django_db
URL = "/api/v1/regions/530000/"


def get(key):
    return Client().get(URL, HTTP_AUTHORIZATION=f"Token {key}")


@pytest.fixture
def user():
    return make_user(("viewer", "530000"), username="apiclient")


def test_only_a_digest_of_the_key_is_stored_and_the_key_works(user):
    key = services.token_create(user=user)
    token = ApiToken.objects.get(user=user)
    assert key not in (token.digest, token.prefix) and token.digest == ApiToken.digest_of(key)
    assert get(key).status_code == 200
    entry = AuditEntry.objects.get(action="accounts.token.create")
    assert entry.after["prefix"] == key[:8] and key not in str(entry.after)


def test_an_expired_token_is_refused(user):
    key = services.token_create(user=user, expires_days=30)
    assert get(key).status_code == 200
    ApiToken.objects.filter(user=user).update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    assert get(key).status_code == 401


@pytest.mark.parametrize("change", ["own password", "reset", "deactivation"])
def test_tokens_are_revoked_on_password_change_reset_and_deactivation(user, change):
    key = services.token_create(user=user)
    admin = make_user(("system_admin", "100000"))
    if change == "own password":
        services.password_set(user=user, password="Kunming-New-22")
    elif change == "reset":
        services.password_reset(user=user, password="Kunming-New-22", actor=admin)
    else:
        services.user_set_active(user=user, active=False, actor=admin)
    assert get(key).status_code == 401
    assert not ApiToken.objects.filter(user=user).exists()
    assert AuditEntry.objects.filter(action="accounts.token.revoke", object_id=str(user.pk)).exists()


def test_revoke_token_command(user):
    key = services.token_create(user=user)
    out = io.StringIO()
    call_command("revoke_token", "apiclient", stdout=out)
    assert "apiclient" in out.getvalue()
    assert get(key).status_code == 401


def test_a_token_client_must_change_the_password_first(user):
    key = services.token_create(user=user)
    user.must_change_password = True
    user.save()
    response = get(key)
    assert response.status_code == 403 and "修改密码" in response.json()["detail"]
