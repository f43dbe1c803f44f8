"""Test data for the party app: social organizations (created directly until the registry services land),
party organizations, members and instructors created through the party services."""

import datetime
import itertools

from stdnum.cn import uscc as stdnum_uscc

from socorg.accounts.roles import Role
from socorg.core.testing import make_user
from socorg.registry.choices import AuthorityLevel, OrgType
from socorg.registry.models import SocialOrganization

_serial = itertools.count(1)
_TYPE_DIGIT = {OrgType.SOCIAL_GROUP: "1", OrgType.PRIVATE_NON_ENTERPRISE: "2", OrgType.FOUNDATION: "3"}
_GB11714_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def _fallback_make_uscc(region_code: str, org_type: str, serial: int) -> str:
    # Used only until socorg.registry.uscc.make_uscc exists: GB 11714 check, then GB 32100 mod-31 check.
    body = f"{serial:08d}"
    total = sum(_ALPHABET.index(c) * w for c, w in zip(body, _GB11714_WEIGHTS, strict=True))
    check = 11 - total % 11
    org_code = body + {10: "X", 11: "0"}.get(check, str(check))
    first17 = "5" + _TYPE_DIGIT[org_type] + region_code + org_code
    return first17 + stdnum_uscc.calc_check_digit(first17)


def make_uscc(region_code: str, org_type: str, serial: int) -> str:
    try:
        from socorg.registry.uscc import make_uscc as registry_make_uscc
    except ImportError:
        return _fallback_make_uscc(region_code, org_type, serial)
    return registry_make_uscc(region_code, org_type, str(serial))


def make_org(region: str = "530102", *, name: str | None = None, org_type: str = OrgType.SOCIAL_GROUP,
             **fields) -> SocialOrganization:
    serial = next(_serial)
    if "full_members" in fields:  # the should-build basis follows the effective count (default deployment)
        fields.setdefault("basis_full_members", fields["full_members"])
    return SocialOrganization.objects.create(
        uscc=make_uscc(region, org_type, 10_000 + serial), name=name or f"测试协会{serial}", org_type=org_type,
        authority_region_id=region, authority_level=AuthorityLevel.COUNTY, **fields)


def staff(region: str = "530102", role: str = Role.PARTY_STAFF):
    return make_user((role, region))


def valid_id_number(birth: datetime.date = datetime.date(1985, 6, 15), place: str = "530102", seq: int = 123) -> str:
    from stdnum.cn import ric

    first17 = f"{place}{birth:%Y%m%d}{seq:03d}"
    return first17 + ric.calc_check_digit(first17 + "0")


def make_party_org(actor, *, orgs=(), name: str | None = None, kind="branch", formation="joint", **fields):
    from socorg.party.services import party_org_create

    return party_org_create(name=name or f"测试党支部{next(_serial)}", kind=kind, formation=formation,
                            organizations=list(orgs), actor=actor, **fields)
