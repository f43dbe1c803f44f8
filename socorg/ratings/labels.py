"""The evidence of a criterion as a reader reads it: one Chinese sentence per measure, never a stored code."""

from django.utils.translation import gettext as _

from socorg.activities.choices import ActivityType
from socorg.alerts.periods import PERIOD_LABELS

from .scorecards import VETO_LABELS


def _names(names: list[str]) -> str:
    return "、".join(names)


def evidence_text(criterion: dict, measure: str | None) -> str:
    """What the computed points rest on; "" for a judged criterion."""
    e = criterion.get("evidence") or {}
    if criterion.get("kind") != "computed" or not e and measure not in ("no_open_alerts",):
        return ""
    if measure == "activity_periods":
        if e.get("applies") is False:
            if "min_full_members" in e:
                return _("Not applicable: %(full)d full members, a committee from %(min)d.") % {
                    "full": e.get("full_members", 0), "min": e["min_full_members"]}
            return _("Not applicable: the branch has no party groups.")
        if not e.get("periods"):
            return _("Not applicable: no full period of the year has ended since the branch was founded.")
        return _("%(type)s: %(met)d of %(periods)d periods (%(period)s) met, %(held)d held in all.") % {
            "type": ActivityType(e["type"]).label, "met": e["periods_met"], "periods": e["periods"],
            "period": PERIOD_LABELS[e["period"]], "held": e["held"]}
    if measure == "secretary_in_post":
        if e.get("in_post"):
            return _("The secretary is in post.")
        if e.get("vacant_since"):
            return _("Vacant since %(since)s (tolerated: %(months)d months).") % {"since": e["vacant_since"],
                                                                                  "months": e["months"]}
        return _("Vacant (since an unknown date).")
    if measure == "term_on_time":
        if not e.get("term_started_on"):
            return _("The start of the current term is not recorded.")
        return _("Term of %(years)d years from %(start)s to %(end)s.") % {
            "years": e["term_years"], "start": e["term_started_on"], "end": e["term_ends_on"]}
    if measure == "standalone_where_should_build":
        text = _("%(built)d of %(should)d covered organizations with at least %(min)d full members have their own "
                 "party organization.") % {"built": e["built"], "should": e["should_build"],
                                           "min": e["min_full_members"]}
        return text + (_(" Without: %(names)s.") % {"names": _names(e["missing"])} if e.get("missing") else "")
    if measure == "party_clause":
        text = _("%(n)d of %(total)d covered organizations have the clause.") % {"n": e["with_clause"],
                                                                                "total": e["organizations"]}
        return text + (_(" Without: %(names)s.") % {"names": _names(e["missing"])} if e.get("missing") else "")
    if measure == "instructor_in_post":
        return _("%(n)d of %(total)d covered organizations have an instructor or liaison.") % {
            "n": e["with_instructor"], "total": e["organizations"]}
    if measure in ("org_coverage", "work_coverage"):
        return _("%(n)d of %(total)d organizations covered.") % {"n": e["covered"], "total": e["organizations"]}
    if measure == "annual_report_party_section":
        text = _("Reports on %(year)d: %(complete)d of %(due)d due complete.") % {
            "year": e["report_year"], "complete": e["complete"], "due": e["due"]}
        return text + (_(" Missing or incomplete: %(names)s.") % {"names": _names(e["missing"])}
                       if e.get("missing") else "")
    if measure == "sync_items":
        if not e.get("recorded"):
            return _("No 三同步 check recorded.")
        return _("%(done)d done, %(not_done)d not done.") % {"done": e["done"], "not_done": e["not_done"]}
    if measure == "no_open_alerts":
        return _("%(open)d open and %(overdue)d overdue alerts at the end of the period.") % {
            "open": e.get("open", 0), "overdue": e.get("overdue", 0)}
    if measure == "rectifications_on_time":
        return _("%(on_time)d of %(due)d rectifications due in the year closed on time.") % {
            "on_time": e["on_time"], "due": e["due"]}
    return ""


def veto_text(veto: dict) -> str:
    label = str(VETO_LABELS.get(veto["code"], ""))
    names = veto.get("organizations")
    if names:
        label += _(": %(names)s") % {"names": _names(names)}
    return _("%(veto)s (stars at most %(cap)d)") % {"veto": label, "cap": veto["cap"]}
