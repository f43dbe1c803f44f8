"""capability_required: the one view guard (issue #12 item 7)."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.test import RequestFactory

from socorg.accounts.roles import Role
from socorg.core.decorators import capability_required
from socorg.core.testing import api_as, client_as, make_user

pytestmark = pytest.mark.django_db


@capability_required("accounts.manage", "accounts.view")
def guarded(request):
    return HttpResponse("ok")


def call(user):
    request = RequestFactory().get("/guarded/")
    request.user = user
    return guarded(request)


def test_anonymous_users_are_sent_to_the_login_page():
    response = call(AnonymousUser())
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_any_one_of_the_capabilities_is_enough():
    assert call(make_user((Role.SYSTEM_ADMIN, "100000"))).status_code == 200  # accounts.manage
    assert call(make_user((Role.SECURITY_ADMIN, "100000"))).status_code == 200  # accounts.view


def test_users_without_any_of_them_are_refused():
    with pytest.raises(PermissionDenied):
        call(make_user((Role.BUREAU_STAFF, "100000")))


def test_no_app_keeps_a_local_copy_of_the_guard():
    import pathlib
    import re

    root = pathlib.Path(__file__).resolve().parents[2]
    pattern = re.compile(r"^def _(require|need|require_any)\(user")
    offenders = [str(p.relative_to(root)) for p in root.glob("*/views.py")
                 if any(pattern.match(line) for line in p.read_text(encoding="utf-8").splitlines())]
    assert offenders == []


def test_every_download_and_every_reveal_is_marked_no_store(settings, tmp_path):
    """Exports, reports, attachments (anything sent as a file) and revealed personal data: Cache-Control no-store."""
    import datetime

    from socorg.party.services import member_add
    from socorg.party.tests.factories import make_org, make_party_org, valid_id_number

    staff = make_user((Role.BUREAU_STAFF, "530000"))
    org = make_org("530102")
    branch = make_party_org(staff, orgs=[org], name="测试党支部", founded_on=datetime.date(2020, 1, 1),
                            formation="standalone")
    member = member_add(name="王党员", party_org=branch, employer=org, id_number=valid_id_number(),
                        phone="13812345678", joined_on=datetime.date(2010, 7, 1), actor=staff)
    response = client_as(staff).get("/ledger/template/")
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    response = client_as(staff).get("/coverage/export/?region=530000")
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    reveal = api_as(staff).post(f"/api/v1/members/{member.pk}/reveal/")
    assert reveal.status_code == 200 and "no-store" in reveal["Cache-Control"]
    page = client_as(staff).post(f"/party/members/{member.pk}/reveal/")
    assert page.status_code == 200 and "no-store" in page["Cache-Control"]
