"""Which region a user may ask figures for: their own subtree only (outside it → 404, as for any read); a user who
holds coverage.view only through responsible party bodies sees the figures of those bodies' organizations."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _

from socorg.core.scope import region_prefixes
from socorg.party.models import ResponsibleBody
from socorg.regions.models import Region


def default_region(user) -> Region:
    roots = user.scope_regions("coverage.view")
    return roots[0] if roots else Region.objects.get(code="100000")


def visible_region(user, code: str | None) -> Region:
    """The region `code` if the user holds coverage.view over it; their own top region when no code is given."""
    prefixes = region_prefixes(user, "coverage.view")
    if not prefixes:
        raise PermissionDenied(_("You do not have permission to view coverage statistics."))
    region = default_region(user) if not code else Region.objects.filter(code=code.strip()).first()
    if region is None or not any(region.code.startswith(prefix) for prefix in prefixes):
        raise Http404(_("No region %(code)s within your scope.") % {"code": code})
    return region


def ancestors_in_scope(user, region: Region) -> list[Region]:
    """Breadcrumb ancestors the user may open (a county user's chain stops at their county)."""
    prefixes = region_prefixes(user, "coverage.view")
    return [a for a in region.ancestors() if any(a.code.startswith(p) for p in prefixes)]


def figures_scope(user, code: str | None, responsible: ResponsibleBody | None = None):
    """(region, responsible body filter) of the figures `user` asks for. A user with region grants: a region of
    their subtree, optionally filtered by any responsible body. A user holding coverage.view only through
    responsible-body grants: the figures of one of their bodies' organizations (the first by name unless one is
    asked for), in any region (default the nation) — never another body's, never a whole region's."""
    if region_prefixes(user, "coverage.view"):
        return visible_region(user, code), responsible
    bodies = user.scope_bodies("coverage.view") if getattr(user, "is_authenticated", False) else set()
    if not bodies:
        raise PermissionDenied(_("You do not have permission to view coverage statistics."))
    if responsible is None:
        responsible = ResponsibleBody.objects.filter(pk__in=bodies).order_by("name").first()
    elif responsible.pk not in bodies:
        raise Http404(_("No responsible party body %(id)s within your scope.") % {"id": responsible.pk})
    region = Region.objects.filter(code=(code or "100000").strip()).first()
    if region is None:
        raise Http404(_("No region %(code)s within your scope.") % {"code": code})
    return region, responsible
