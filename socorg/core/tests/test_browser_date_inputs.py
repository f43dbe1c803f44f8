"""Defect: in zh-Hans the server rendered <input type=date value="2026/11/20">, which browsers reject, so saving an
edit form without touching it erased every date. In a real browser (Debian's Chromium, zh-CN), each edit form is
opened and saved untouched: the record and its dates stay as they were, and no audit entry records a change. The
注销/撤销 forms carry today's date as their (browser-accepted) default."""

import datetime

import pytest
from django.utils import timezone

from socorg.accounts.roles import Role
from socorg.activities.services import activity_create
from socorg.core.models import AuditEntry
from socorg.core.testing import make_user
from socorg.core.testing_browser import login
from socorg.party.services import instructor_create, member_add, party_org_create
from socorg.registry import services as registry
from socorg.registry.choices import OrgType
from socorg.registry.uscc import make_uscc

pytestmark = pytest.mark.browser
PASSWORD = "Browser-Test-1!"


@pytest.fixture
def records():
    clerk = make_user((Role.BUREAU_STAFF, "530102"), (Role.PARTY_STAFF, "530102"), password=PASSWORD)
    org = registry.org_register(actor=clerk, uscc=make_uscc("530102", OrgType.SOCIAL_GROUP, "DATE0001"),
                                name="五华区书画协会", org_type=OrgType.SOCIAL_GROUP, authority_region="530102",
                                registered_on=datetime.date(2019, 3, 21))
    party_org = party_org_create(name="五华区书画协会党支部", kind="branch", formation="standalone", actor=clerk,
                                 organizations=[org], founded_on=datetime.date(2020, 5, 4),
                                 coverage_start_on=datetime.date(2020, 5, 4), secretary_name="李华",
                                 term_started_on=datetime.date(2023, 7, 1))
    member = member_add(name="王芳", party_org=party_org, actor=clerk, birth_date=datetime.date(1988, 2, 9),
                        joined_on=datetime.date(2012, 7, 1))
    instructor = instructor_create(name="赵强", region="530102", actor=clerk, phone="13812345678",
                                   appointed_on=datetime.date(2022, 9, 1))
    activity = activity_create(party_org=party_org, type="member_assembly", date=datetime.date(2025, 6, 12),
                               topic="学习党章", expected_attendance=5, actual_attendance=5, actor=clerk)
    return clerk, {f"/orgs/{org.uscc}/edit/": org, f"/party/{party_org.pk}/edit/": party_org,
                   f"/party/members/{member.pk}/edit/": member, f"/party/instructors/{instructor.pk}/edit/": instructor,
                   f"/activities/{activity.pk}/edit/": activity}


def stored_values(record) -> dict:
    """The record's editable values as the application reads them (encrypted fields decrypted: their ciphertext
    changes on every save even when the value does not)."""
    fresh = type(record).objects.get(pk=record.pk)
    return {f.name: getattr(fresh, f.attname) for f in fresh._meta.concrete_fields if f.editable}


def changed_fields(entry: AuditEntry) -> set[str]:
    before, after = entry.before or {}, entry.after or {}
    return {key for key in before.keys() | after.keys() if before.get(key) != after.get(key)}


def test_saving_every_edit_form_untouched_in_chinese_changes_nothing(page, live_server, records):
    clerk, forms = records
    login(page, live_server, clerk.username, PASSWORD)
    for url, record in forms.items():
        stored = stored_values(record)
        mark = AuditEntry.objects.order_by("-pk").values_list("pk", flat=True).first()
        page.goto(live_server.url + url)
        assert page.locator("html").get_attribute("lang") == "zh-hans"
        dates = page.locator("main input[type=date]")
        assert dates.count(), url
        for index in range(dates.count()):
            field = dates.nth(index)
            # The browser keeps only an ISO value; a rejected one reads as "" here.
            assert field.input_value() == (field.get_attribute("value") or ""), (url, field.get_attribute("name"))
        with page.expect_navigation():
            page.click("main form button[type=submit]")
        assert page.url.rstrip("/") != (live_server.url + url).rstrip("/"), f"{url} did not save: {page.url}"
        assert stored_values(record) == stored, url
        assert [changed_fields(e) for e in AuditEntry.objects.filter(pk__gt=mark or 0)
                if changed_fields(e)] == [], url


def test_the_deregister_and_revoke_forms_default_to_today_in_a_form_the_browser_accepts(page, live_server, records):
    clerk, forms = records
    org_url = next(url for url in forms if url.startswith("/orgs/")).removesuffix("edit/")
    login(page, live_server, clerk.username, PASSWORD)
    for action in ("deregister", "revoke"):
        page.goto(f"{live_server.url}{org_url}{action}/")
        field = page.locator("main form input[type=date]")
        assert field.input_value() == timezone.localdate().isoformat(), action
