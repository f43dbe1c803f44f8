"""Exports follow the list: the export of a list holds exactly the rows the list shows under the same filters,
inside the user's scope; long lists are written by a background task with progress and a download link."""

import io
import re

import pytest
from openpyxl import load_workbook

from socorg.accounts.roles import Role
from socorg.core.models import AuditEntry
from socorg.core.testing import client_as, make_user
from socorg.core.text import pinyin_full, pinyin_initials
from socorg.exports import services
from socorg.exports.models import ExportStatus, ListExport
from socorg.party.tests.factories import make_org as make_bare_org
from socorg.party.tests.factories import make_party_org, staff

pytestmark = pytest.mark.django_db


def _rows(response) -> list[list]:
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content) if response.streaming else
                                     response.content), read_only=True).worksheets[0]
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def _page_usccs(client, query: dict) -> set[str]:
    html = client.get("/orgs/", {**query, "page_size": 200}).content.decode()
    return set(re.findall(r'<a href="/orgs/([0-9A-Z]{18})/"><code>', html))


def make_org(region, *, name="测试协会"):
    return make_bare_org(region, name=name, name_pinyin=pinyin_full(name), name_initials=pinyin_initials(name))


@pytest.fixture
def registry():
    orgs = [make_org("530102", name=f"五华区科技创新协会{i}") for i in range(3)]
    orgs += [make_org("530102", name=f"五华区书法协会{i}") for i in range(2)]
    orgs += [make_org("530103", name="盘龙区科技创新协会")]
    return orgs


@pytest.mark.parametrize("query", [{}, {"q": "kjcx"}, {"q": "五华 科技"}, {"region": "530103"},
                                   {"q": "kjcx", "ordering": "-name_pinyin", "page": "2"}])
def test_export_holds_exactly_the_rows_of_the_filtered_list(registry, query):
    client = client_as(make_user((Role.BUREAU_STAFF, "530000")))
    response = client.get("/exports/orgs/", query)
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    rows = _rows(response)
    assert rows[0][0] == "统一社会信用代码"
    assert {row[0] for row in rows[1:]} == _page_usccs(client, {k: v for k, v in query.items() if k != "page"})


def test_export_stays_inside_the_scope_and_is_audited(registry):
    county = make_user((Role.BUREAU_STAFF, "530103"))
    rows = _rows(client_as(county).get("/exports/orgs/"))
    assert [row[1] for row in rows[1:]] == ["盘龙区科技创新协会"]
    entry = AuditEntry.objects.get(action="list.export")
    assert entry.after["rows"] == 1 and entry.object_id == "orgs"


def test_text_starting_with_a_formula_sign_is_not_a_formula():
    actor = staff("530102", Role.PARTY_STAFF)
    make_party_org(actor, orgs=[make_org("530102")], name="=HYPERLINK(\"x\")党支部")
    rows = _rows(client_as(actor).get("/exports/party_orgs/"))
    assert rows[1][0].startswith("'=")


def test_lists_without_the_capability_or_unknown_lists_are_refused():
    viewer = client_as(make_user((Role.VIEWER, "530102")))
    assert viewer.get("/exports/members/").status_code == 403
    assert viewer.get("/exports/nothing/").status_code == 404


def test_bad_filter_values_say_what_is_wrong_and_write_nothing(registry):
    client = client_as(make_user((Role.BUREAU_STAFF, "530000")))
    response = client.get("/exports/orgs/", {"status": "nonsense"}, HTTP_REFERER="/orgs/?status=nonsense",
                          follow=True)
    assert response.redirect_chain[0][0] == "/orgs/?status=nonsense"
    assert not AuditEntry.objects.filter(action="list.export").exists()


def test_a_long_list_is_written_in_the_background_with_progress_and_a_download(registry, monkeypatch,
                                                                              django_capture_on_commit_callbacks):
    monkeypatch.setattr(services, "INLINE_LIMIT", 2)
    monkeypatch.setattr(services, "PROGRESS_EVERY", 1)
    user = make_user((Role.BUREAU_STAFF, "530000"))
    client = client_as(user)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.get("/exports/orgs/", {"q": "kjcx"})
    job = ListExport.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/exports/jobs/{job.pk}/"
    running = client.get(f"/exports/jobs/{job.pk}/status/").content.decode()
    assert 'hx-trigger="every 1s"' in running and "progress-bar" in running
    for callback in callbacks:  # the task (inline without a broker)
        callback()
    job.refresh_from_db()
    assert job.status == ExportStatus.DONE and job.total == job.written == 4
    done = client.get(f"/exports/jobs/{job.pk}/").content.decode()
    assert f"/exports/jobs/{job.pk}/download/" in done and "hx-trigger" not in done
    rows = _rows(client.get(f"/exports/jobs/{job.pk}/download/"))
    assert len(rows) == 5
    # Somebody else's export is not even shown to exist.
    other = client_as(make_user((Role.BUREAU_STAFF, "530000")))
    assert other.get(f"/exports/jobs/{job.pk}/download/").status_code == 404


@pytest.mark.parametrize(("url", "list_name"), [
    ("/orgs/", "orgs"), ("/party/", "party_orgs"), ("/party/members/", "members"),
    ("/party/instructors/", "instructors"), ("/activities/", "activities"), ("/alerts/list/", "alerts"),
])
def test_every_list_offers_the_export_of_its_filtered_rows(url, list_name):
    client = client_as(make_user((Role.BUREAU_STAFF, "530000"), (Role.PARTY_STAFF, "530000")))
    html = client.get(url, {"q": "科技"}).content.decode()
    assert f'href="/exports/{list_name}/?q=%E7%A7%91%E6%8A%80"' in html
    assert client.get(f"/exports/{list_name}/", {"q": "科技"}).status_code == 200
