"""Test helpers every app reuses: users with grants, clients acting as them, and the role × region matrix.

Typical use in an app's tests:

    @pytest.mark.parametrize("case", scope_cases(home="530102"), ids=str)
    def test_org_detail_scope(case, org_in_530102):
        response = api_as(case.user()).get(f"/api/v1/orgs/{org_in_530102.uscc}/")
        assert response.status_code == (200 if case.sees else 404)
"""

import itertools
import re
from collections.abc import Callable
from dataclasses import dataclass
from html import unescape
from urllib.parse import parse_qs

from django.db.models import F, QuerySet
from django.test import Client
from rest_framework.test import APIClient

from socorg.accounts.models import RoleGrant, User
from socorg.accounts.roles import Role

_counter = itertools.count(1)


def make_user(*grants: tuple[str, str], username: str | None = None, password: str | None = None,
              organization=None) -> User:
    """A ready-to-use account (no forced password change) holding the given (role, region code) grants;
    `organization` binds an org_account to its social organization.

    Grants are written directly, bypassing role_grant(), so tests can also build states the service refuses."""
    user = User(username=username or f"user{next(_counter)}", must_change_password=False, organization=organization)
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.save()
    RoleGrant.objects.bulk_create([RoleGrant(user=user, role=role, region_id=code) for role, code in grants])
    return user


def api_as(user: User | None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def client_as(user: User | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def _unrelated_organization(region: str):
    from socorg.registry.models import SocialOrganization

    serial = next(_counter)
    return SocialOrganization.objects.create(uscc=f"51{region}MJ{serial:07d}X"[:18], name=f"无关协会{serial}",
                                             org_type="social_group", authority_region_id=region,
                                             authority_level="county")


@dataclass(frozen=True)
class ScopeCase:
    """One row of the role × region matrix: who the user is and whether they should see the object."""

    label: str
    role: str | None
    region: str | None
    sees: bool
    changes: bool

    def user(self) -> User:
        if self.role == Role.ORG_ACCOUNT:
            return make_user((self.role, self.region), organization=_unrelated_organization(self.region))
        return make_user((self.role, self.region)) if self.role else make_user()

    def __str__(self):
        return self.label


def scope_cases(home: str, *, view_roles=None, change_roles=None, other: str | None = None) -> list[ScopeCase]:
    """The matrix for an object registered in county `home` (6 digits, e.g. 530102).

    Covers: no role at all; each business role at the nation, the home province, the home prefecture, the home
    county; the same roles in another province; and the three administrators (who must not see business data).
    `view_roles` / `change_roles` say which roles may read / write the domain under test."""
    view_roles = set(view_roles or {Role.BUREAU_STAFF, Role.PARTY_STAFF, Role.VIEWER, Role.INSTRUCTOR})
    change_roles = set(change_roles or {Role.BUREAU_STAFF, Role.PARTY_STAFF})
    other = other or ("110101" if not home.startswith("11") else "530102")
    places = {
        "nation": "100000",
        "home province": home[:2] + "0000",
        "home prefecture": home[:4] + "00",
        "home county": home,
    }
    cases = [ScopeCase("no role", None, None, False, False)]
    if Role.ORG_ACCOUNT in view_roles | change_roles:
        # An organization's own account reaches its organization's records only, never a region: one bound to
        # another organization of the same county sees nothing (its own rows are tested with the organization).
        cases.append(ScopeCase("org_account of another organization in the home county", Role.ORG_ACCOUNT, home,
                               False, False))
    for role in sorted((view_roles | change_roles) - {Role.ORG_ACCOUNT}):
        for place, code in places.items():
            cases.append(ScopeCase(f"{role} at {place}", role, code, role in view_roles, role in change_roles))
        cases.append(ScopeCase(f"{role} in another province", role, other[:2] + "0000", False, False))
    for role in (Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN):
        cases.append(ScopeCase(f"{role} at nation", role, "100000", False, False))
    return cases


# --- list pages paged by cursor (core.pagination.list_page) ------------------------------------------------------

_PAGE_LINK = re.compile(r'href="\?([^"]*)" rel="(next|prev)"')
DAMAGED_CURSOR = "翻页链接已损坏"  # the start of the zh-Hans message a damaged cursor shows above the first page


def page_links(html: str) -> dict[str, str]:
    """The query strings of a list page's 下一页 ("next") and 上一页 ("prev") links."""
    return {rel: unescape(query) for query, rel in _PAGE_LINK.findall(html)}


def keyset_order(queryset: QuerySet, *order: str, field: str = "pk") -> list:
    """`field` of every row in the order a keyset list shows them: ascending keys NULLS LAST, descending (a leading
    "-") NULLS FIRST, on both databases — what walking a list page by cursor must meet."""
    terms = [F(o[1:]).desc(nulls_first=True) if o.startswith("-") else F(o).asc(nulls_last=True) for o in order]
    return list(queryset.order_by(*terms).values_list(field, flat=True))


def walk_by_cursor(client: Client, path: str, params: dict, rows_of: Callable[[str], list]) -> tuple[list, list]:
    """Follow a list page's 下一页 links from its first page to its last, then its 上一页 links back to the first.
    Returns the rows (`rows_of(html)`) of each page met going forward and, in the same order, going back. Every page
    answers 200 and every link carries a cursor and the list's other parameters (filters, order)."""

    def get(query: str | None) -> str:
        response = client.get(path, params) if query is None else client.get(f"{path}?{query}")
        assert response.status_code == 200, response.content[:500]
        return response.content.decode()

    def follow(html: str, rel: str) -> str | None:
        query = page_links(html).get(rel)
        if query is None:
            return None
        assert "cursor=" in query, query
        kept = parse_qs(query)
        for name, value in params.items():
            if name not in ("page", "cursor"):
                assert kept.get(name) == [str(value)], (name, query)
        return get(query)

    html = get(None)
    forward = [rows_of(html)]
    while (following := follow(html, "next")) is not None:
        html = following
        forward.append(rows_of(html))
    backward = [forward[-1]]
    while (preceding := follow(html, "prev")) is not None:
        html = preceding
        backward.append(rows_of(html))
    return forward, backward[::-1]


def drop_trigger(name: str, table: str) -> None:
    """Drop database trigger `name` on `table` (SQLite names a trigger alone), as a migration rebuilding the table
    would: for the tests that the maintained counts' triggers are installed again after migrate."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"DROP TRIGGER {name}" if connection.vendor == "sqlite" else f"DROP TRIGGER {name} ON {table}")
