"""Encrypted fields leave the database encrypted: dumpdata (and any export built on Django's serializers) writes
them sealed under the key, and loaddata brings them back."""

import io
import json

import pytest
from django.core.management import call_command

from socorg.core.crypto import SEALED, decrypt
from socorg.party.models import Instructor

pytestmark = pytest.mark.django_db


def dump(*labels) -> list[dict]:
    out = io.StringIO()
    call_command("dumpdata", *labels, format="json", stdout=out)
    return json.loads(out.getvalue())


def test_dumpdata_writes_no_plaintext_phone_or_id_number():
    Instructor.objects.create(name="王五", phone="13912345678", region_id="530102")
    text = json.dumps(dump("party.instructor"), ensure_ascii=False)
    assert "13912345678" not in text
    (row,) = dump("party.instructor")
    assert row["fields"]["phone"].startswith(SEALED)
    assert decrypt(row["fields"]["phone"].removeprefix(SEALED)) == "13912345678"


def test_loaddata_of_a_dump_restores_the_plaintext(tmp_path):
    instructor = Instructor.objects.create(name="王五", phone="13912345678", region_id="530102")
    path = tmp_path / "dump.json"
    path.write_text(json.dumps(dump("party.instructor")), encoding="utf-8")
    Instructor.objects.all().delete()
    call_command("loaddata", str(path), verbosity=0)
    assert Instructor.objects.get(pk=instructor.pk).phone == "13912345678"
