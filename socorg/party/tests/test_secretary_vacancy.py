"""secretary_vacant: a vacancy of unknown start stays unknown. Neither creating a party organization without a
secretary nor importing one stamps a date (today, or the founding day) as the start; the rule then warns at once,
saying the start is unknown (起始日期不详), instead of three months late."""

import datetime

import pytest
from django.utils import timezone, translation

from socorg.alerts.models import Alert
from socorg.alerts.scan import run_scan
from socorg.ledger.importer import import_ledger
from socorg.ledger.tests.helpers import PARTY_HEADERS, standard, uscc, workbook
from socorg.party.models import PartyOrganization
from socorg.party.services import party_org_create, party_org_update

from .factories import make_org

pytestmark = pytest.mark.django_db
FOUNDED = datetime.date(2020, 5, 4)


@pytest.fixture
def vacant(actor):
    return party_org_create(name="五华区围棋协会党支部", kind="branch", formation="standalone", actor=actor,
                            organizations=[make_org("530102")], founded_on=FOUNDED)


def test_created_without_a_secretary_the_vacancy_start_is_unknown(vacant, actor):
    assert vacant.secretary_vacant and vacant.secretary_vacant_since is None
    unfounded = party_org_create(name="五华区象棋协会党支部", kind="branch", formation="standalone", actor=actor,
                                 organizations=[make_org("530102")])
    assert unfounded.secretary_vacant_since is None


def test_a_given_vacancy_start_is_kept(actor):
    party_org = party_org_create(name="五华区桥牌协会党支部", kind="branch", formation="standalone", actor=actor,
                                 organizations=[make_org("530102")], founded_on=FOUNDED,
                                 secretary_vacant_since=datetime.date(2024, 3, 1))
    assert party_org.secretary_vacant_since == datetime.date(2024, 3, 1)


def test_an_unrelated_update_keeps_an_unknown_start_unknown(vacant, actor):
    party_org_update(party_org=vacant, actor=actor, term_years=5)
    vacant.refresh_from_db()
    assert vacant.secretary_vacant_since is None


def test_emptying_the_post_now_starts_the_vacancy_today(vacant, actor):
    party_org_update(party_org=vacant, actor=actor, secretary_name="李华")
    party_org_update(party_org=vacant, actor=actor, secretary_name="")
    vacant.refresh_from_db()
    assert vacant.secretary_vacant_since == timezone.localdate()


def test_the_ledger_import_does_not_stamp_the_import_day(tmp_path):
    import_ledger(standard(tmp_path / "a.xlsx"))
    branch = PartyOrganization.objects.get(name="五华区测试联合支部")
    assert branch.secretary_name == "李四" and branch.secretary_vacant_since is None
    # The same branch imported again without its secretary, and a new one that never had one.
    rows = [PARTY_HEADERS, ["五华区测试联合支部", "党支部", "联合组建", f"{uscc(1)}；{uscc(2)}", "", ""],
            ["五华区测试单独支部", "党支部", "单独组建", uscc(3), "", ""]]
    run = import_ledger(workbook(tmp_path / "b.xlsx", {"党组织": rows}))
    assert run.ok, [e.message for e in run.errors]
    for name in ("五华区测试联合支部", "五华区测试单独支部"):
        party_org = PartyOrganization.objects.get(name=name)
        assert party_org.secretary_vacant and party_org.secretary_vacant_since is None, name


def test_the_rule_warns_at_once_saying_the_start_is_unknown(vacant):
    with translation.override("zh-hans"):
        run_scan(as_of=timezone.localdate())
    alert = Alert.objects.get(rule="secretary_vacant", party_org=vacant)
    assert "起始日期不详" in alert.message


def test_the_party_organization_page_says_the_start_is_unknown(vacant, actor, client):
    client.force_login(actor)
    html = client.get(f"/party/{vacant.pk}/").content.decode()
    assert "书记空缺（起始日期不详）" in html
