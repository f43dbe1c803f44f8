"""The ledger export masks phones unless a user who may reveal personal data asks for them in clear (audited)."""

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from python_calamine import CalamineWorkbook

from socorg.accounts.roles import Role
from socorg.core.crypto import mask
from socorg.core.models import AuditEntry
from socorg.core.testing import client_as, make_user
from socorg.ledger.importer import import_ledger
from socorg.ledger.writers import export_ledger
from socorg.party.models import Instructor
from socorg.registry.models import SocialOrganization

from .helpers import standard

pytestmark = pytest.mark.django_db


def phones(path) -> dict[str, list[str]]:
    book = CalamineWorkbook.from_path(str(path))
    orgs = book.get_sheet_by_name("社会组织").to_python()
    instructors = book.get_sheet_by_name("党建工作指导员").to_python()
    return {"orgs": [row[orgs[0].index("联系电话")] for row in orgs[1:]],
            "instructors": [row[instructors[0].index("联系电话")] for row in instructors[1:]]}


def orgs():
    return list(SocialOrganization.objects.order_by("uscc"))


def instructor_phone() -> str:
    return Instructor.objects.get().phone


@pytest.fixture
def loaded(tmp_path):
    assert import_ledger(standard(tmp_path / "l.xlsx")).ok


def test_export_masks_every_phone_by_default(loaded, tmp_path):
    staff = make_user((Role.BUREAU_STAFF, "530000"))
    export_ledger(tmp_path / "e.xlsx", user=staff)
    found = phones(tmp_path / "e.xlsx")
    assert found["orgs"] and found["instructors"]
    assert all(p == mask(o.phone) and "****" in p for p, o in zip(found["orgs"], orgs(), strict=True))
    assert found["instructors"] == [mask(instructor_phone())] and "******" in found["instructors"][0]
    assert AuditEntry.objects.get(action="ledger.export").after["phones"] == "masked"


def test_a_user_who_may_reveal_gets_phones_in_clear_when_asking_and_it_is_audited(loaded, tmp_path):
    staff = make_user((Role.BUREAU_STAFF, "530000"))
    response = client_as(staff).get("/ledger/export/?region=530000&reveal_phones=1")
    assert response.status_code == 200
    (tmp_path / "e.xlsx").write_bytes(response.content)
    assert phones(tmp_path / "e.xlsx")["instructors"] == [instructor_phone()]
    entry = AuditEntry.objects.get(action="ledger.export")
    assert (entry.actor_id, entry.after["phones"]) == (staff.pk, "revealed")


def test_a_user_without_the_reveal_capability_cannot_ask_for_clear_phones(loaded, tmp_path):
    instructor = make_user((Role.INSTRUCTOR, "530102"))
    assert client_as(instructor).get("/ledger/export/?reveal_phones=1").status_code == 403
    with pytest.raises(PermissionDenied):
        export_ledger(tmp_path / "e.xlsx", user=instructor, reveal=True)
    assert not AuditEntry.objects.filter(action="ledger.export").exists()
    response = client_as(instructor).get("/ledger/export/")
    assert response.status_code == 200


def test_reveal_over_a_region_needs_the_capability_over_all_of_it(loaded, tmp_path):
    county = make_user((Role.BUREAU_STAFF, "530102"), (Role.INSTRUCTOR, "530000"))
    with pytest.raises(PermissionDenied):
        export_ledger(tmp_path / "e.xlsx", user=county, reveal=True)  # exports the province, reveals one county
    export_ledger(tmp_path / "e.xlsx", user=county, region_code="530102", reveal=True)


def test_console_export_masks_unless_told_to_reveal(loaded, tmp_path):
    call_command("export_ledger", str(tmp_path / "m.xlsx"))
    call_command("export_ledger", str(tmp_path / "c.xlsx"), "--reveal-phones")
    assert phones(tmp_path / "m.xlsx")["instructors"] == [mask(instructor_phone())]
    assert phones(tmp_path / "c.xlsx")["instructors"] == [instructor_phone()]
