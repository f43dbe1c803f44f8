"""audit_write (one entry, through the ORM) and AuditWriter (plain rows in bulk) write the same rows, and both
need an explicit actor."""

import datetime

import pytest
from django.utils import timezone

from socorg.accounts.roles import Role
from socorg.core import context
from socorg.core.audit import SYSTEM, AuditRecord, AuditWriter, audit_write, audit_write_many, unauthenticated
from socorg.core.models import AuditEntry
from socorg.core.testing import make_user

pytestmark = pytest.mark.django_db

COMPARED = ["actor_id", "actor_name", "action", "object_type", "object_id", "object_repr", "before", "after",
            "request_id", "ip"]
PICTURE = {"name": "甲协会", "registered_on": datetime.date(2020, 1, 5), "members": 3, "phone_set": True,
           "status_changed_on": None, "organizations": ["51530102MJ0000010X"]}


def both_ways(actor) -> tuple[AuditEntry, AuditEntry]:
    reference = audit_write(action="registry.org.register", actor=actor, object_type="registry.socialorganization",
                            object_id="7", object_repr="甲协会", before={"name": "乙"}, after=PICTURE)
    writer = AuditWriter(actor)
    writer.add("registry.org.register", "registry.socialorganization", 7, "甲协会", before={"name": "乙"},
               after=PICTURE)
    writer.flush()
    ours = AuditEntry.objects.exclude(pk=reference.pk).get()
    return ours, AuditEntry.objects.get(pk=reference.pk)


@pytest.mark.parametrize("who", ["user", "system"])
def test_a_row_written_in_bulk_equals_one_written_by_audit_write(who):
    actor = make_user((Role.BUREAU_STAFF, "530102")) if who == "user" else SYSTEM
    token = context.activate(context.RequestContext(ip="10.1.2.3"))
    try:
        ours, reference = both_ways(actor)
    finally:
        context.deactivate(token)
    assert {f: getattr(ours, f) for f in COMPARED} == {f: getattr(reference, f) for f in COMPARED}
    assert ours.after["registered_on"] == "2020-01-05" and ours.ip == "10.1.2.3"
    assert abs(ours.at - reference.at) < datetime.timedelta(minutes=1) and timezone.is_aware(ours.at)
    assert ours.actor_name == (actor.username if who == "user" else "system")


def test_audit_write_many_writes_each_record_like_audit_write():
    actor = make_user((Role.BUREAU_STAFF, "530102"))
    audit_write_many([AuditRecord("test.a", object_type="t", object_id="1", after={"x": 1}),
                      AuditRecord("test.b", object_type="t", object_id="2", before={"x": 1})], actor=actor)
    assert list(AuditEntry.objects.order_by("id").values_list("action", "object_id", "actor_id", "after",
                                                              "before")) == [
        ("test.a", "1", actor.pk, {"x": 1}, None), ("test.b", "2", actor.pk, None, {"x": 1})]


@pytest.mark.parametrize("actor", [None, "admin", object()])
def test_an_entry_without_an_explicit_actor_is_refused(actor):
    with pytest.raises(TypeError):
        audit_write(action="test.thing", actor=actor)
    with pytest.raises(TypeError):
        AuditWriter(actor)
    assert not AuditEntry.objects.exists()


def test_the_request_user_is_not_guessed_when_a_job_writes_during_a_request(rf):
    user = make_user((Role.BUREAU_STAFF, "530102"))
    request = rf.get("/")
    request.user = user
    token = context.activate(context.RequestContext(request=request))
    try:
        entry = audit_write(action="alerts.scan", actor=SYSTEM)
    finally:
        context.deactivate(token)
    assert (entry.actor_id, entry.actor_name) == (None, "system")


def test_someone_without_an_account_is_named_as_typed():
    entry = audit_write(action="accounts.login.failed", actor=unauthenticated("zhang"))
    assert (entry.actor_id, entry.actor_name) == (None, "zhang")
    assert audit_write(action="accounts.login.failed", actor=unauthenticated("")).actor_name == "?"
