"""No existence oracles (issue #10 item 16): creating a member with an ID number registered outside the actor's
regions reads like any number that cannot be taken here; the alert assign API answers the same for an unknown user
name as for a known one that may not be assigned."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from socorg.activities.models import Activity
from socorg.alerts.models import Alert
from socorg.alerts.scan import run_scan
from socorg.alerts.tests.factories import AS_OF, healthy_branch
from socorg.core.testing import api_as, make_user
from socorg.party import services

from .factories import make_org, make_party_org, staff, valid_id_number

pytestmark = pytest.mark.django_db


def test_a_member_registered_elsewhere_is_not_revealed_by_the_refusal():
    yunnan, beijing = staff("530102"), staff("110101")
    number = valid_id_number()
    services.member_add(name="张三", party_org=make_party_org(yunnan, orgs=[make_org("530102")]), id_number=number,
                        joined_on=datetime.date(2010, 7, 1), actor=yunnan)
    with translation.override("zh-hans"), pytest.raises(ValidationError) as caught:
        services.member_add(name="张三", party_org=make_party_org(beijing, orgs=[make_org("110101")]),
                            id_number=number, joined_on=datetime.date(2010, 7, 1), actor=beijing)
    message = caught.value.message_dict["id_number"][0]
    assert "已登记" not in message and "辖区以外" not in message and "以外" not in message
    assert "无法在此登记" in message


def test_assign_api_does_not_tell_which_user_names_exist():
    party_org, _org = healthy_branch()
    Activity.objects.filter(party_org=party_org, type="member_assembly").delete()
    run_scan(as_of=AS_OF)
    alert = Alert.objects.get(rule="member_assembly_shortfall")
    staff_user = make_user(("party_staff", "530102"))
    existing = make_user(("viewer", "530102"), username="existing-viewer")
    deadline = (timezone.localdate() + datetime.timedelta(days=7)).isoformat()

    def answer(name):
        response = api_as(staff_user).post(f"/api/v1/alerts/{alert.pk}/assign/",
                                           {"assignee": name, "deadline": deadline}, format="json")
        return response.status_code, response.json()

    assert answer(existing.username) == answer("no-such-user-anywhere")
    assert answer("no-such-user-anywhere")[0] == 400
