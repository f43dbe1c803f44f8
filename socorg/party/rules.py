"""Pure rules of party organizations (no database access), called by services, forms, serializers and ledger
sheets alike."""

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.functional import lazy

from .choices import PartyOrgKind

# 中共中央办公厅《关于党的基层组织任期的意见》(2018) 一: a 基层党委 elected by a 党员大会 or 代表大会 serves 5 years,
# a 总支 and a 支部 3 years (5 where the higher committee approved it); 《中国共产党章程》第三十一条 allows 3 to 5.
TERM_YEARS_BY_KIND = {PartyOrgKind.COMMITTEE: 5, PartyOrgKind.GENERAL_BRANCH: 3, PartyOrgKind.BRANCH: 3}
TERM_YEARS_ALLOWED = (3, 5)


def default_term_years(kind: str) -> int:
    """The term length a party organization of `kind` has when the form, API or ledger leaves it empty."""
    return TERM_YEARS_BY_KIND.get(kind, 3)


def should_build_min_full_members() -> int:
    """Full members from which an organization must form its own branch (应建). One deployment setting
    (SOCORG_SHOULD_BUILD_MIN_FULL_MEMBERS, 3 by default — 支部工作条例 第四条) read by the coverage counts, the
    organization filters and the should_build_missing rule alike."""
    return settings.SOCORG_SHOULD_BUILD_MIN_FULL_MEMBERS


SHOULD_BUILD_BASES = ("employed", "full_time_staff")


def should_build_basis() -> str:
    """Whose full members count toward the should-build minimum: "employed" (every full member employed by the
    organization, the default) or "full_time_staff" (only the full-time staff of its standing office, as the 1998
    joint notice of the Organization Department and the Ministry of Civil Affairs counts them). One deployment
    setting, SOCORG_SHOULD_BUILD_BASIS, read by coverage.state.refresh_member_counts and the ledger template."""
    basis = settings.SOCORG_SHOULD_BUILD_BASIS
    if basis not in SHOULD_BUILD_BASES:
        raise ImproperlyConfigured(f"SOCORG_SHOULD_BUILD_BASIS is {basis!r}; expected one of {SHOULD_BUILD_BASES}")
    return basis


def _fill_min(text) -> str:
    return str(text) % {"min": should_build_min_full_members()}


# A lazy label naming the should-build minimum, e.g. with_should_build_min(gettext_lazy("… ≥%(min)d …")): translated
# and filled when shown, so it always names the deployment's setting.
with_should_build_min = lazy(_fill_min, str)
