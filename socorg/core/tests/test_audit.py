import pytest
from django.db import DatabaseError, connection, transaction

from socorg.core.audit import SYSTEM, audit_write
from socorg.core.models import AuditEntry
from socorg.core.testing import make_user

pytestmark = pytest.mark.django_db


def test_audit_write_records_actor_action_and_before_after():
    user = make_user(("bureau_staff", "530000"))
    entry = audit_write(action="test.thing.change", actor=user, object_type="test.thing", object_id="7",
                        before={"a": 1}, after={"a": 2})
    stored = AuditEntry.objects.get(pk=entry.pk)
    assert (stored.actor, stored.actor_name, stored.action) == (user, user.username, "test.thing.change")
    assert (stored.before, stored.after) == ({"a": 1}, {"a": 2})


def test_audit_entry_cannot_be_changed_or_deleted_through_the_orm():
    entry = audit_write(action="test.thing.create", actor=SYSTEM, object_type="test.thing", object_id="1")
    entry.action = "forged"
    with pytest.raises(PermissionError):
        entry.save()
    with pytest.raises(PermissionError):
        entry.delete()
    with pytest.raises(PermissionError):
        AuditEntry.objects.filter(pk=entry.pk).update(action="forged")
    with pytest.raises(PermissionError):
        AuditEntry.objects.all().delete()
    assert AuditEntry.objects.get(pk=entry.pk).action == "test.thing.create"


def test_database_trigger_refuses_update_from_raw_sql():
    entry = audit_write(action="test.thing.create", actor=SYSTEM, object_type="test.thing", object_id="1")
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE core_auditentry SET action = 'forged' WHERE id = %s", [entry.pk])
    assert AuditEntry.objects.get(pk=entry.pk).action == "test.thing.create"


def test_request_id_and_ip_are_recorded_from_the_request(client):
    user = make_user(("bureau_staff", "530000"), password="Str0ng-Passw0rd!")
    response = client.post("/accounts/login/", {"username": user.username, "password": "Str0ng-Passw0rd!"},
                           HTTP_X_REQUEST_ID="req-123", REMOTE_ADDR="10.1.2.3")
    assert response.status_code == 302
    response = client.post("/accounts/password/", {"old_password": "Str0ng-Passw0rd!",
                                                   "new_password1": "An0ther-Str0ng!", "new_password2":
                                                   "An0ther-Str0ng!"}, HTTP_X_REQUEST_ID="req-456",
                           REMOTE_ADDR="10.1.2.3")
    assert response.status_code == 302
    entry = AuditEntry.objects.get(action="accounts.password.set")
    assert (entry.request_id, entry.ip, entry.actor) == ("req-456", "10.1.2.3", user)
