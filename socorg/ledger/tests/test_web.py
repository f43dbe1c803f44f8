import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from socorg.accounts.roles import Role
from socorg.core.testing import client_as, make_user
from socorg.ledger.models import ImportStatus, LedgerImport
from socorg.registry.models import SocialOrganization

from .helpers import ORG_HEADERS, org_row, standard, workbook

pytestmark = pytest.mark.django_db


def upload(client, path):
    with open(path, "rb") as handle:
        data = SimpleUploadedFile(path.name, handle.read())
    return client.post("/ledger/", {"file": data})


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def test_upload_previews_then_confirm_imports(tmp_path):
    user = make_user((Role.BUREAU_STAFF, "530102"))
    client = client_as(user)
    response = upload(client, standard(tmp_path / "l.xlsx"))
    item = LedgerImport.objects.get()
    assert response.status_code == 302 and item.status == ImportStatus.VALIDATED
    assert item.preview["created"]["orgs"] == 3 and not SocialOrganization.objects.exists()
    page = client.get(f"/ledger/imports/{item.pk}/").content.decode()
    assert "confirm-import" in page
    client.post(f"/ledger/imports/{item.pk}/confirm/")
    item.refresh_from_db()
    assert item.status == ImportStatus.DONE and SocialOrganization.objects.count() == 3
    assert item.summary["created"]["party_orgs"] == 2


def test_errors_are_shown_with_a_marked_workbook_and_cannot_be_confirmed(tmp_path):
    client = client_as(make_user((Role.BUREAU_STAFF, "530102")))
    upload(client, workbook(tmp_path / "l.xlsx", {"社会组织": [ORG_HEADERS, org_row(1), org_row(2, region="110101")]}))
    item = LedgerImport.objects.get()
    assert item.status == ImportStatus.INVALID and item.report
    page = client.get(f"/ledger/imports/{item.pk}/").content.decode()
    assert "import-errors" in page and "110101" in page
    assert client.get(f"/ledger/imports/{item.pk}/report/").status_code == 200
    assert client.post(f"/ledger/imports/{item.pk}/confirm/").status_code == 403
    assert not SocialOrganization.objects.exists()


def test_an_import_is_private_to_its_uploader(tmp_path):
    client_as(make_user((Role.BUREAU_STAFF, "530102")))
    owner = make_user((Role.BUREAU_STAFF, "530102"))
    upload(client_as(owner), standard(tmp_path / "l.xlsx"))
    item = LedgerImport.objects.get()
    other = client_as(make_user((Role.BUREAU_STAFF, "530102")))
    assert other.get(f"/ledger/imports/{item.pk}/").status_code == 404
    assert other.post(f"/ledger/imports/{item.pk}/confirm/").status_code == 404


def test_a_non_xlsx_upload_is_refused_by_the_form(tmp_path):
    client = client_as(make_user((Role.BUREAU_STAFF, "530102")))
    path = tmp_path / "l.csv"
    path.write_text("a,b")
    response = upload(client, path)
    assert response.status_code == 200 and not LedgerImport.objects.exists()


def test_users_without_the_import_capability_cannot_upload(tmp_path):
    viewer = client_as(make_user((Role.VIEWER, "530102")))
    assert viewer.get("/ledger/").status_code == 403
    assert upload(viewer, standard(tmp_path / "l.xlsx")).status_code == 403


def test_the_template_downloads(tmp_path):
    response = client_as(make_user((Role.BUREAU_STAFF, "530102"))).get("/ledger/template/")
    assert response.status_code == 200 and response.content[:2] == b"PK"


def test_the_status_fragment_asks_the_page_to_refresh_when_finished(tmp_path):
    user = make_user((Role.BUREAU_STAFF, "530102"))
    client = client_as(user)
    upload(client, standard(tmp_path / "l.xlsx"))
    item = LedgerImport.objects.get()
    response = client.get(f"/ledger/imports/{item.pk}/status/")
    assert response["HX-Refresh"] == "true"
    LedgerImport.objects.filter(pk=item.pk).update(status=ImportStatus.IMPORTING, progress=40)
    running = client.get(f"/ledger/imports/{item.pk}/status/")
    assert "HX-Refresh" not in running and 'hx-trigger="every 1s"' in running.content.decode()
