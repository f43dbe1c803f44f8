"""The shape of a search (core.search.narrowed): on PostgreSQL a search matching few rows lists exactly those rows
by key, sorted after fetching (so the planner cannot walk an index in list order past a whole province); one
matching many rows keeps the plain condition. Either way the list shows the same rows in the same order as the
plain `filter(search_condition(…))` — for every form of query, scope and order, on both databases."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from socorg.accounts.roles import Role
from socorg.core.search import by_keys, known_count, known_minimum, narrowed, search_condition, starting_with
from socorg.core.testing import api_as, make_user
from socorg.party.models import PartyMember, PartyOrganization
from socorg.party.tests.factories import make_party_org
from socorg.registry import services
from socorg.registry.choices import OrgType
from socorg.registry.filters import ORG_LIST_ORDER
from socorg.registry.models import SocialOrganization
from socorg.registry.tests.conftest import new_uscc

pytestmark = pytest.mark.django_db

NAMES = [
    ("530102", "昆明市五华区科技创新协会"), ("530102", "昆明市五华区书法协会"), ("530102", "五华区餐饮商会"),
    ("530103", "昆明市盘龙区科技创新协会"), ("530103", "盘龙区慈善基金会"), ("530103", "盘龙区老年协会"),
    ("532626", "丘北县科技创新协会"), ("532626", "丘北县云南商会联谊会"), ("110101", "北京市东城区书法协会"),
    ("110101", "东城区教育基金会"),
]
ORG_COLUMNS = {"names": ("name", "short_name"), "codes": ("uscc",)}


@pytest.fixture
def national_staff(db):
    return make_user((Role.BUREAU_STAFF, "100000"))


@pytest.fixture
def orgs(national_staff):
    return [services.org_register(actor=national_staff, uscc=new_uscc(region), name=name, authority_region=region,
                                  org_type=OrgType.SOCIAL_GROUP, registered_on=datetime.date(2020, 1, 1 + index))
            for index, (region, name) in enumerate(NAMES)]


def queries(orgs) -> list[str]:
    one = orgs[4]
    return [
        one.name,  # one record, its full name
        one.uscc[6:16].lower(),  # one record, a fragment of its credit code
        "协会", "商会", "基金会",  # common words
        "kunming", "kejichuangxin",  # full pinyin, in the middle of a name
        "kmswhq", "kjcx",  # initials
        "协会 kunming",  # several words narrow
        "无此名称",  # nothing
    ]


def _uscc(rows) -> list[str]:
    return list(rows.values_list("uscc", flat=True))


ORDERS = [ORG_LIST_ORDER, ("-registered_on", "name_pinyin", "uscc"), ("-uscc",)]


@pytest.mark.parametrize("few", [0, 1, 3, 1000])
@pytest.mark.parametrize("scope", ["100000", "530000", "530103"])
def test_a_search_lists_the_same_rows_in_the_same_order_as_the_plain_condition(orgs, few, scope):
    user = make_user((Role.BUREAU_STAFF, scope))
    listed = SocialOrganization.objects.visible_to(user, "view").order_by(*ORG_LIST_ORDER)
    for text in queries(orgs):
        condition = search_condition(text, **ORG_COLUMNS)
        expected = listed.filter(condition)
        found = narrowed(listed, condition, few=few, small_scope=0)
        assert _uscc(found) == _uscc(expected), text
        assert found.count() == expected.count(), text
        for order in ORDERS:  # a sort chosen afterwards (the list's ordering filter)
            assert _uscc(found.order_by(*order)) == _uscc(expected.order_by(*order)), (text, order)
        assert _uscc(found[1:3]) == _uscc(expected[1:3]), text  # a page of it


def test_rows_listed_by_key_keep_the_querysets_order_and_take_a_later_one(orgs):
    listed = SocialOrganization.objects.order_by("-name_pinyin")
    keys = [org.pk for org in orgs[2:8]]
    expected = listed.filter(pk__in=keys)
    assert _uscc(by_keys(listed, keys)) == _uscc(expected)
    assert _uscc(by_keys(listed, keys).filter(authority_region_id="530103")) == _uscc(
        expected.filter(authority_region_id="530103"))
    assert _uscc(by_keys(listed, keys).order_by("authority_region_id", "-uscc")) == _uscc(
        expected.order_by("authority_region_id", "-uscc"))
    assert list(by_keys(listed, [])) == []
    # the model's default ordering when the queryset names none (party organizations: by name)
    branches = PartyOrganization.objects.all()
    assert list(by_keys(branches, list(branches.values_list("pk", flat=True)))) == list(branches)


@pytest.mark.postgres
def test_on_postgresql_a_few_matches_are_listed_by_key_in_an_order_no_index_walks(orgs):
    listed = SocialOrganization.objects.order_by(*ORG_LIST_ORDER)
    few = narrowed(listed, search_condition(orgs[4].name, **ORG_COLUMNS), small_scope=0)
    sql = str(few.query)
    assert "= ANY(" in sql and "LIKE" not in sql
    order = sql.split("ORDER BY")[1]
    assert order.count("COALESCE") == 2
    assert "COALESCE" in str(few.order_by("name_pinyin").query).split("ORDER BY")[1]
    many = narrowed(listed, search_condition("科技创新", **ORG_COLUMNS), few=1, small_scope=0)
    sql = str(many.query)
    assert "LIKE" in sql and "ANY(" not in sql and "COALESCE" not in sql


@pytest.mark.postgres
def test_on_postgresql_many_matches_for_the_lists_size_keep_the_walk_in_list_order(orgs):
    """Listing by key costs as many fetches as there are matches, the walk about (rows ÷ matches) × page: with a
    first page of 0 rows every match is "many"."""
    listed = SocialOrganization.objects.order_by(*ORG_LIST_ORDER)
    walked = narrowed(listed, search_condition("协会", **ORG_COLUMNS), small_scope=0, page=0)
    sql = str(walked.query)
    assert "ANY(" not in sql and "COALESCE" not in sql
    assert _uscc(walked) == _uscc(listed.filter(search_condition("协会", **ORG_COLUMNS)))


@pytest.mark.postgres
@pytest.mark.parametrize("page", [0, 50])
def test_on_postgresql_the_probe_gives_the_lists_count_until_the_list_is_narrowed_further(orgs, page):
    user = make_user((Role.BUREAU_STAFF, "530000"))
    listed = SocialOrganization.objects.visible_to(user, "view").order_by(*ORG_LIST_ORDER)
    condition = search_condition("协会", **ORG_COLUMNS)
    found = narrowed(listed, condition, small_scope=0, page=page)
    in_scope = listed.filter(condition).count()  # the scope's, not the table's (北京's 书法协会 is outside)
    assert known_count(found) == in_scope == 5
    assert known_count(found.order_by("-uscc").select_related("authority_region")) == in_scope
    assert known_count(found.filter(authority_region_id="530102")) is None
    assert known_count(found.none()) is None
    assert known_count(listed) is None
    assert known_count(narrowed(listed, condition, few=4, small_scope=0, page=page)) is None  # not all were read


@pytest.mark.postgres
def test_on_postgresql_a_search_list_is_not_counted_again(orgs, national_staff, every_scope_probed):
    client = api_as(national_staff)
    with CaptureQueriesContext(connection) as queries_run:
        body = client.get("/api/v1/orgs/", {"q": "协会"}).json()
    assert body["count"] == 6 and body["count_is_exact"]
    assert not [q["sql"] for q in queries_run if "COUNT(*)" in q["sql"].upper()]
    narrower = client.get("/api/v1/orgs/", {"q": "协会", "region": "530103"}).json()  # a filter after the search
    assert narrower["count"] == 2 == len(narrower["results"])


@pytest.mark.postgres
def test_on_postgresql_a_probe_past_the_count_cap_tells_a_list_holding_every_match_it_has_more(orgs):
    """More matches than `few`: the probe stops there; a scope holding every match read holds more than `few`,
    so a paginator counting no further need not count (its count is not exact either way); a scope that left some
    out learns nothing."""
    condition = search_condition("协会", **ORG_COLUMNS)  # 6 matches, 5 of them in Yunnan
    nation = SocialOrganization.objects.order_by(*ORG_LIST_ORDER)
    found = narrowed(nation, condition, few=3, small_scope=0)
    assert known_count(found) is None and known_minimum(found) == 4 <= found.count()
    assert known_minimum(found.filter(authority_region_id="530102")) is None
    yunnan = SocialOrganization.objects.visible_to(make_user((Role.BUREAU_STAFF, "530000")), "view").order_by(
        *ORG_LIST_ORDER)
    assert known_minimum(narrowed(yunnan, condition, few=5, small_scope=0)) is None  # 北京's is not held
    assert known_minimum(narrowed(nation, condition, small_scope=0)) == known_count(
        narrowed(nation, condition, small_scope=0)) == 6  # all found: the exact count is also a minimum


@pytest.mark.postgres
@pytest.mark.parametrize("scope, counted, expected, probed", [
    ("100000", True, 7, True), ("530000", True, 7, False), ("100000", False, 7, False), ("100000", True, 16, False)])
def test_on_postgresql_a_probe_expected_to_stop_past_few_matches_runs_only_where_the_list_holds_them_all(
        orgs, monkeypatch, scope, counted, expected, probed):
    """A probe stops after `few` + 1 matches: in a scope leaving rows out it would learn neither the list's rows
    nor its count, so it is not run when the planner expects more than PARTIAL × few matches in the table; a list
    holding every row probes up to COMMON × few (5 × 3 = 15)."""
    estimates = iter([1_000_000, expected])  # the scope's rows, then the table's matches (PARTIAL × few = 6)
    monkeypatch.setattr("socorg.core.search._estimate", lambda queryset: next(estimates))
    listed = SocialOrganization.objects.visible_to(make_user((Role.BUREAU_STAFF, scope)), "view").order_by(
        *ORG_LIST_ORDER)
    condition = search_condition("协会", **ORG_COLUMNS)
    with CaptureQueriesContext(connection) as queries_run:
        found = narrowed(listed, condition, few=3, counted=counted, page=10_000)  # few stays 3 uncounted
    assert bool(queries_run.captured_queries) is probed
    assert known_minimum(found) == (4 if probed else None)
    assert _uscc(found) == _uscc(listed.filter(condition))


def test_starting_with_selects_the_names_that_start_with_the_text(orgs):
    every = SocialOrganization.objects.order_by("pk")
    for text in ("昆明市", "盘龙区", "丘", "协会", "无此"):
        assert _uscc(every.filter(starting_with("name", text))) == _uscc(
            every.filter(pk__in=[org.pk for org in orgs if org.name.startswith(text)])), text


@pytest.mark.postgres
def test_on_postgresql_a_national_member_list_with_more_surnames_than_it_counts_reads_only_those(
        orgs, monkeypatch):
    monkeypatch.setattr("socorg.core.search.FEW", 2)
    monkeypatch.setattr("socorg.core.search.SMALL_SCOPE", 0)
    monkeypatch.setattr("socorg.core.pagination.COUNT_CAP", 2)
    staff = make_user((Role.PARTY_STAFF, "100000"), username="members-nation")
    branch = make_party_org(staff, orgs=[orgs[0]], name="测试党支部")
    from socorg.party.services import member_add

    for name in ["张一", "张二", "张三", "李张", "王芳"]:
        member_add(name=name, party_org=branch, actor=staff)
    with CaptureQueriesContext(connection) as queries_run:
        body = api_as(staff).get("/api/v1/members/", {"q": "张"}).json()
    assert body["count"] == 2 and not body["count_is_exact"]
    counted = [q["sql"] for q in queries_run if "COUNT(*)" in q["sql"].upper()]
    assert len(counted) == 1 and "'张%'" in counted[0] and "'%张%'" not in counted[0]
    body = api_as(staff).get("/api/v1/members/", {"q": "李"}).json()  # one starts with it: counted
    assert body["count"] == 1 and body["count_is_exact"]


@pytest.mark.postgres
def test_on_postgresql_an_api_list_with_more_matches_than_it_counts_says_so_without_counting(
        orgs, national_staff, every_scope_probed, monkeypatch):
    monkeypatch.setattr("socorg.core.search.FEW", 3)
    monkeypatch.setattr("socorg.core.pagination.COUNT_CAP", 3)
    client = api_as(national_staff)
    with CaptureQueriesContext(connection) as queries_run:
        body = client.get("/api/v1/orgs/", {"q": "协会"}).json()
    assert body["count"] == 3 and not body["count_is_exact"]
    assert not [q["sql"] for q in queries_run if "COUNT(*)" in q["sql"].upper()]
    assert [row["uscc"] for row in body["results"]] == _uscc(SocialOrganization.objects.filter(
        search_condition("协会", **ORG_COLUMNS)).order_by(*ORG_LIST_ORDER))[:3]  # numbered pages reach the cap
    narrower = client.get("/api/v1/orgs/", {"q": "协会", "region": "530100"}).json()  # counted: 4 of them
    assert narrower["count"] == 3 and not narrower["count_is_exact"]
    narrowest = client.get("/api/v1/orgs/", {"q": "协会", "region": "530103"}).json()
    assert narrowest["count"] == 2 and narrowest["count_is_exact"]


@pytest.mark.postgres
def test_on_postgresql_a_two_character_word_is_answered_by_the_character_pair_index_where_there_is_one(orgs):
    sql = str(SocialOrganization.objects.filter(search_condition("商会", **ORG_COLUMNS)).query)
    assert "socorg_bigrams" in sql and "LIKE" not in sql  # name and short_name carry the index
    assert "LIKE" in str(SocialOrganization.objects.filter(search_condition("基金会", **ORG_COLUMNS)).query)
    assert "socorg_bigrams" in str(PartyMember.objects.filter(name__infix="张伟").query)  # members' names too
    assert "socorg_bigrams" not in str(PartyOrganization.objects.filter(name_pinyin__infix="dz").query)  # no index


@pytest.mark.skipif(connection.vendor == "postgresql", reason="the SQLite path")
def test_other_databases_get_the_plain_condition(orgs):
    listed = SocialOrganization.objects.order_by(*ORG_LIST_ORDER)
    assert "LIKE" in str(narrowed(listed, search_condition(orgs[4].name, **ORG_COLUMNS)).query)


@pytest.fixture
def every_scope_probed(monkeypatch):
    """The test tables are tiny: let every search take the keyed path as a national one does (core.search)."""
    monkeypatch.setattr("socorg.core.search.SMALL_SCOPE", 0)


def test_the_api_lists_find_the_same_as_before_for_each_query_form(orgs, national_staff, every_scope_probed):
    """/api/v1/orgs/?q= (organization list), /api/v1/party-orgs/?q=, /api/v1/members/?q= and the public look-up."""
    client = api_as(national_staff)
    every = SocialOrganization.objects.order_by(*ORG_LIST_ORDER)
    for text in queries(orgs):
        expected = _uscc(every.filter(search_condition(text, **ORG_COLUMNS)))
        body = client.get("/api/v1/orgs/", {"q": text}).json()
        assert [row["uscc"] for row in body["results"]] == expected, text
        assert body["count"] == len(expected)
        public = client.get("/api/v1/public/orgs/", {"q": text}).json()["results"]
        assert sorted(row["uscc"] for row in public) == sorted(_uscc(every.filter(search_condition(
            text, codes=("uscc",))))), text

    party = make_user((Role.PARTY_STAFF, "530000"))
    branches = [make_party_org(party, orgs=[org], name=f"{org.name}党支部") for org in orgs[:7]]
    for text, expected in [("科技创新协会", [b.name for b in branches if "科技创新协会" in b.name]),
                           ("kjcx", [b.name for b in branches if "科技创新" in b.name]),
                           ("盘龙区慈善基金会党支部", ["盘龙区慈善基金会党支部"]), ("无此", [])]:
        body = api_as(party).get("/api/v1/party-orgs/", {"q": text}).json()
        assert [row["name"] for row in body["results"]] == sorted(expected), text

    members = make_user((Role.PARTY_STAFF, "530000"), username="members-staff")
    from socorg.party.services import member_add

    for index, name in enumerate(["张伟", "张伟华", "李张伟", "王芳"]):
        member_add(name=name, party_org=branches[index], actor=members)
    for text, expected in [("张伟", ["张伟", "张伟华", "李张伟"]), ("张伟华", ["张伟华"]), ("芳", ["王芳"]),
                           ("张 伟", [])]:
        body = api_as(members).get("/api/v1/members/", {"q": text}).json()
        rows = PartyMember.objects.filter(name__in=expected).order_by("party_org__name", "name", "id")
        assert [row["name"] for row in body["results"]] == [m.name for m in rows], text


@pytest.mark.parametrize("text", ["协会", "kjcx", "科技创新协会"])
def test_a_search_pages_by_cursor_through_the_same_rows(orgs, national_staff, text, every_scope_probed):
    """The API's `next` links (keyset cursors, core.keyset) walk a search's rows in the list's order, as for any
    list; a few matches are listed by key on PostgreSQL, which must not change the pages."""
    expected = _uscc(SocialOrganization.objects.filter(search_condition(text, **ORG_COLUMNS))
                     .order_by(*ORG_LIST_ORDER, "pk"))
    client = api_as(national_staff)
    body = client.get("/api/v1/orgs/", {"q": text, "page_size": 2}).json()
    seen = [row["uscc"] for row in body["results"]]
    while body["next"]:
        assert "cursor=" in body["next"]
        body = client.get(body["next"]).json()
        seen += [row["uscc"] for row in body["results"]]
    assert seen == expected
