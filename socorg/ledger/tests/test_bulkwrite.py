"""Rows the import writes as plain tuples read back exactly like those Django's own paths write."""

import datetime

import pytest
from django.utils import timezone

from socorg.accounts.roles import Role
from socorg.core import context
from socorg.core.audit import AuditRecord, audit_write_many
from socorg.core.models import AuditEntry
from socorg.core.testing import make_user
from socorg.ledger.bulkwrite import AuditWriter

pytestmark = pytest.mark.django_db

COMPARED = ["actor_id", "actor_name", "action", "object_type", "object_id", "object_repr", "before", "after",
            "request_id", "ip"]
PICTURE = {"name": "甲协会", "registered_on": datetime.date(2020, 1, 5), "members": 3, "phone_set": True,
           "status_changed_on": None, "organizations": ["51530102MJ0000010X"]}


def both_ways(actor) -> tuple[AuditEntry, AuditEntry]:
    record = AuditRecord("registry.org.register", object_type="registry.socialorganization", object_id="7",
                         object_repr="甲协会", before={"name": "乙"}, after=PICTURE)
    audit_write_many([record], actor=actor)
    writer = AuditWriter(actor)
    writer.add("registry.org.register", "registry.socialorganization", 7, "甲协会", before={"name": "乙"},
               after=PICTURE)
    writer.flush()
    return tuple(AuditEntry.objects.order_by("id"))


@pytest.mark.parametrize("with_user", [True, False])
def test_an_audit_row_written_by_the_import_equals_one_written_by_audit_write_many(with_user):
    actor = make_user((Role.BUREAU_STAFF, "530102")) if with_user else None
    token = context.activate(context.RequestContext(ip="10.1.2.3"))
    try:
        ours, reference = reversed(both_ways(actor))
    finally:
        context.deactivate(token)
    assert {f: getattr(ours, f) for f in COMPARED} == {f: getattr(reference, f) for f in COMPARED}
    assert ours.after["registered_on"] == "2020-01-05"
    assert abs(ours.at - reference.at) < datetime.timedelta(minutes=1) and timezone.is_aware(ours.at)
    assert ours.actor_name == (actor.username if with_user else "system")
