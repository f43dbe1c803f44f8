"""The ratings workbook (core.xlsx): the figures by region and level, and the ratings behind them."""

from django.utils.translation import gettext as _

from socorg.core.xlsx import XlsxWriter

from .queries import STAR_KEYS


def _star_label(key: str) -> str:
    return _("no star") if key == "0" else _("%(n)s stars") % {"n": key}


def ratings_workbook(figures, ratings) -> bytes:
    book = XlsxWriter()
    sheet = book.create_sheet(_("Stars by region"))
    sheet.append([_("Star ratings %(cycle)d, %(region)s") % {"cycle": figures.cycle,
                                                            "region": figures.region.full_name}])
    sheet.append([_("region"), _("rated"), *[_star_label(k) for k in STAR_KEYS], _("published")])
    sheet.append([_("total"), figures.rated, *[figures.by_stars[k] for k in STAR_KEYS], figures.published])
    for row in figures.rows:
        sheet.append([row["name"], row["rated"], *[row["by_stars"][k] for k in STAR_KEYS], row["published"]])
    sheet.append([_("share of the rated, %"), "", *[figures.share(k) for k in STAR_KEYS]])
    rows = book.create_sheet(_("Ratings"))
    rows.append([_("party organization"), _("region"), _("cycle (year)"), _("status"), _("computed points"),
                 _("total points"), _("stars"), _("star suspended on")])
    for rating in ratings.select_related("party_org", "region").iterator(chunk_size=2000):
        rows.append([rating.party_org.name, rating.region.name, rating.cycle, rating.get_status_display(),
                     float(rating.computed_points), float(rating.total_points), rating.stars,
                     rating.suspended_on.isoformat() if rating.suspended_on else ""])
    return book.to_bytes()
