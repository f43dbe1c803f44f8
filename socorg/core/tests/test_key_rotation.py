"""`socorg rotate-field-key` re-encrypts every encrypted field under a new SOCORG_FIELD_KEY while the old key is kept
for reading; it is resumable and audited."""

import pytest
from django.core.management import call_command
from django.db import connection

from socorg.core import keys
from socorg.core.crypto import forget_keys, under_current_key
from socorg.core.models import AuditEntry
from socorg.party.models import Instructor
from socorg.party.services.instructors import phone_key
from socorg.registry.models import SocialOrganization

pytestmark = pytest.mark.django_db
OLD, NEW = "old-field-key-for-the-rotation-test-0123456789", "new-field-key-for-the-rotation-test-9876543210"


@pytest.fixture
def under_old_key(settings):
    settings.SOCORG_FIELD_KEY, settings.SOCORG_FIELD_KEYS_OLD = OLD, []
    forget_keys()
    people = [Instructor.objects.create(name=f"指导员{n}", phone=f"1390000000{n}", phone_index="",
                                        region_id="530102") for n in range(3)]
    for person in people:
        Instructor.objects.filter(pk=person.pk).update(phone_index=phone_key(person.phone))
    yield people
    forget_keys()


def switch_to_new_key(settings, keep_old: bool = True):
    settings.SOCORG_FIELD_KEY, settings.SOCORG_FIELD_KEYS_OLD = NEW, [OLD] if keep_old else []
    forget_keys()


def stored_phones() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT phone FROM party_instructor ORDER BY id")
        return [row[0] for row in cursor.fetchall()]


def test_the_old_key_still_reads_until_the_rotation_is_done(under_old_key, settings):
    switch_to_new_key(settings)
    assert [i.phone for i in Instructor.objects.order_by("id")] == ["13900000000", "13900000001", "13900000002"]
    assert not any(under_current_key(token) for token in stored_phones())


def test_rotation_re_encrypts_every_value_and_its_blind_index(under_old_key, settings):
    switch_to_new_key(settings)
    call_command("rotate_field_key")
    assert all(under_current_key(token) for token in stored_phones())
    switch_to_new_key(settings, keep_old=False)  # the old key is gone: everything still reads
    people = list(Instructor.objects.order_by("id"))
    assert [p.phone for p in people] == ["13900000000", "13900000001", "13900000002"]
    assert [p.phone_index for p in people] == [phone_key(p.phone) for p in people]
    assert Instructor.objects.filter(phone_index=phone_key("13900000001")).count() == 1
    done = AuditEntry.objects.get(action="crypto.rotate.done")
    assert done.actor_name == "system" and done.after["rewritten"]["party.instructor"] == 3
    assert AuditEntry.objects.filter(action="crypto.rotate.start").exists()


def test_an_interrupted_rotation_resumes_where_it_stopped(under_old_key, settings, monkeypatch):
    switch_to_new_key(settings)
    real_encrypt, calls = keys.encrypt, []

    def failing_encrypt(value):
        calls.append(value)
        if len(calls) == 2:
            raise KeyboardInterrupt  # the operator stops it after the first row
        return real_encrypt(value)

    monkeypatch.setattr(keys, "encrypt", failing_encrypt)
    with pytest.raises(KeyboardInterrupt):
        keys.rotate_field_key(batch=1)
    assert [under_current_key(t) for t in stored_phones()] == [True, False, False]
    monkeypatch.setattr(keys, "encrypt", real_encrypt)
    rotation = keys.rotate_field_key(batch=1)
    assert (rotation.rewritten["party.instructor"], rotation.already["party.instructor"]) == (2, 1)
    assert all(under_current_key(t) for t in stored_phones())


def test_every_encrypted_field_is_covered():
    covered = {(m._meta.label_lower, n) for m, names in keys.encrypted_fields() for n in names}
    assert {("party.partymember", "id_number"), ("party.partymember", "phone"), ("party.instructor", "phone"),
            ("registry.socialorganization", "phone")} <= covered
    assert SocialOrganization._meta.get_field("phone")
