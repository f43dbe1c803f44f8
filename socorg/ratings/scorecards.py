"""The shipped scorecards: the default star scorecard built from the national minimums, and the evaluation
scorecard presets where party building is a weighted section (Jiangsu: 10 of 100; Shandong: 100 of 200).

A scorecard is configuration (ratings.models.Scorecard, versioned per deployment); these are the versions a
deployment starts from. Each criterion is either computed by a *measure* of ratings.compute from the platform's
records, or judged (a reviewer enters points with a reason and evidence). `local: true` marks an item or a number
that is local practice rather than a national rule (docs/ratings.md lists them).

Definition format (validated by ratings.rules.scorecard_problems):
    {"total": 100,
     "sections": [{"code", "label"?, "points", "criteria": [
         {"code", "label"?, "kind": "computed"|"judged", "points", "measure"?, "params"?, "local"?}]}],
     "thresholds": {"5": 90, "4": 80, …},      # stars: the lowest total that earns them (star rating only)
     "grades": {"5A": 90, …},                   # evaluation grades (evaluation only)
     "vetoes": [{"code", "cap"}]}               # 一票否决: the event caps the stars at `cap`
"""

from django.utils.translation import gettext_lazy as _

DEFAULT_STAR_CODE = "national-default"
DEFAULT_EVALUATION_CODE = "evaluation-10-of-100"

# Labels of the shipped sections and criteria (a deployment's own criteria carry their label in the definition).
LABELS = {
    # sections
    "organizational_life": _("Organizational life (三会一课)"),
    "organization": _("Organization building"),
    "rectification": _("Supervision and rectification"),
    "judged": _("Role and highlights (judged)"),
    "party_building": _("Party building"),
    "governance": _("Basic conditions and internal governance (judged)"),
    "performance": _("Work performance and social evaluation (judged)"),
    # computed criteria
    "member_assembly": _("Branch member assembly every quarter"),
    "committee_meeting": _("Branch committee meeting every month (branches with a committee)"),
    "group_meeting": _("Party group meeting every month (branches with party groups)"),
    "party_lecture": _("Party lecture every quarter"),
    "themed_party_day": _("Themed party day every month"),
    "life_meeting": _("Organizational life meeting once a year"),
    "member_appraisal": _("Democratic appraisal of members once a year"),
    "secretary_in_post": _("Secretary in post"),
    "term_on_time": _("Term elected on time"),
    "standalone_where_should_build": _("Standalone party organization where one should be built"),
    "instructor_in_post": _("Party-building instructor or liaison in post"),
    "party_clause": _("Party-building clause in the charter"),
    "annual_report_party_section": _("Annual report submitted with its party-building section complete"),
    "sync_items": _("三同步 items done"),
    "no_open_alerts": _("No open or overdue early-warning alerts at the end of the year"),
    "rectifications_on_time": _("Rectifications closed on time"),
    "org_coverage": _("Organizational coverage"),
    "work_coverage": _("Work coverage"),
    # judged criteria
    "governance_role": _("Part in the organization's major decisions (judged)"),
    "highlights": _("Distinctive work and results (judged)"),
    "service": _("Service to members, the industry and society (judged)"),
    "party_role": _("Role of the party organization (judged)"),
    "basic_conditions": _("Basic conditions (judged)"),
    "internal_governance": _("Internal governance (judged)"),
    "work_performance": _("Work performance (judged)"),
    "social_evaluation": _("Social evaluation (judged)"),
}

# What a computed criterion measures (ratings.rules.MEASURES; shown when a scorecard is edited).
MEASURE_LABELS = {
    "activity_periods": _("Organizational life held in every period (by type)"),
    "secretary_in_post": _("Secretary in post (a vacancy tolerated for some months)"),
    "term_on_time": _("Term elected on time"),
    "standalone_where_should_build": _("Standalone party organization where one should be built"),
    "instructor_in_post": _("Instructor or liaison in post at the covered organizations"),
    "party_clause": _("Party-building clause in the covered organizations' charters"),
    "annual_report_party_section": _("Annual report with its party-building section complete"),
    "sync_items": _("三同步 items done"),
    "no_open_alerts": _("No open or overdue early-warning alerts (points deducted per alert)"),
    "rectifications_on_time": _("Rectifications closed on time"),
    "org_coverage": _("Organizational coverage"),
    "work_coverage": _("Work coverage"),
}
# Which branches an organizational-life criterion applies to (the others get its points: not applicable).
APPLIES_LABELS = {
    "all": _("every branch"),
    "committee": _("branches with a committee"),
    "party_groups": _("branches with party groups"),
}

# Vetoes (一票否决) a scorecard may name: the event at the end of the cycle (or, after publication, during the
# year: ratings.services.suspend_on_vetoes) caps the stars.
VETO_LABELS = {
    "serious_list": _("A covered organization is on the serious illegal and dishonest list"),
    "abnormal_list": _("A covered organization is on the list of abnormal activities"),
    "open_high_alert": _("An open high-severity early-warning alert"),
    "unqualified_report": _("A covered organization's annual report was concluded unqualified"),
}


def _c(code, points, measure=None, local=False, **params):
    criterion = {"code": code, "kind": "computed" if measure else "judged", "points": points}
    if measure:
        criterion["measure"] = measure
        if params:
            criterion["params"] = params
    if local:
        criterion["local"] = True
    return criterion


DEFAULT_STAR_DEFINITION = {
    "total": 100,
    "sections": [
        {"code": "organizational_life", "points": 40, "criteria": [
            _c("member_assembly", 8, "activity_periods", type="member_assembly", period="quarter"),
            _c("committee_meeting", 6, "activity_periods", type="committee_meeting", period="month",
               applies="committee"),
            _c("group_meeting", 4, "activity_periods", type="group_meeting", period="month", applies="party_groups"),
            _c("party_lecture", 4, "activity_periods", local=True, type="party_lecture", period="quarter"),
            _c("themed_party_day", 8, "activity_periods", type="themed_party_day", period="month"),
            _c("life_meeting", 5, "activity_periods", type="life_meeting", period="year"),
            _c("member_appraisal", 5, "activity_periods", type="member_appraisal", period="year"),
        ]},
        {"code": "organization", "points": 30, "criteria": [
            _c("secretary_in_post", 6, "secretary_in_post", local=True, months=3),
            _c("term_on_time", 6, "term_on_time"),
            _c("standalone_where_should_build", 6, "standalone_where_should_build"),
            _c("instructor_in_post", 4, "instructor_in_post", local=True),
            _c("party_clause", 4, "party_clause"),
            _c("annual_report_party_section", 4, "annual_report_party_section"),
        ]},
        {"code": "rectification", "points": 20, "criteria": [
            _c("no_open_alerts", 6, "no_open_alerts", local=True, per_open=2, per_overdue=3),
            _c("rectifications_on_time", 6, "rectifications_on_time"),
            _c("sync_items", 4, "sync_items"),
            _c("governance_role", 4, local=True),
        ]},
        {"code": "judged", "points": 10, "criteria": [
            _c("highlights", 5, local=True),
            _c("service", 5, local=True),
        ]},
    ],
    # Local practice: the cut-offs (五星 ≥ 90 …); below the lowest, no star.
    "thresholds": {"5": 90, "4": 80, "3": 70, "2": 60, "1": 50},
    "vetoes": [{"code": "serious_list", "cap": 0}, {"code": "open_high_alert", "cap": 2},
               {"code": "abnormal_list", "cap": 3}],
}

# Evaluation presets: party building as a section with its own weight. The other sections are judged by the
# evaluation committee; the party-building section's computed items use the same measures as the star rating.
EVALUATION_PRESETS = {
    "evaluation-10-of-100": {
        "name": _("Evaluation, party building 10 of 100 points (Jiangsu practice)"),
        "definition": {
            "total": 100,
            "sections": [
                {"code": "party_building", "points": 10, "party_building": True, "criteria": [
                    _c("party_clause", 1, "party_clause"),
                    _c("org_coverage", 2, "org_coverage"),
                    _c("work_coverage", 6, "work_coverage"),
                    _c("annual_report_party_section", 1, "annual_report_party_section"),
                ]},
                {"code": "governance", "points": 40, "criteria": [
                    _c("basic_conditions", 15), _c("internal_governance", 25)]},
                {"code": "performance", "points": 50, "criteria": [
                    _c("work_performance", 35), _c("social_evaluation", 15)]},
            ],
            "grades": {"5A": 90, "4A": 80, "3A": 70, "2A": 60, "1A": 50},
        },
    },
    "evaluation-100-of-200": {
        "name": _("Evaluation, party building 100 of 200 points (Shandong practice)"),
        "definition": {
            "total": 200,
            "sections": [
                {"code": "party_building", "points": 100, "party_building": True, "criteria": [
                    _c("party_clause", 10, "party_clause"),
                    _c("org_coverage", 20, "org_coverage"),
                    _c("standalone_where_should_build", 15, "standalone_where_should_build"),
                    _c("work_coverage", 15, "work_coverage"),
                    _c("annual_report_party_section", 10, "annual_report_party_section"),
                    _c("sync_items", 10, "sync_items"),
                    _c("party_role", 20),
                ]},
                {"code": "governance", "points": 50, "criteria": [
                    _c("basic_conditions", 20), _c("internal_governance", 30)]},
                {"code": "performance", "points": 50, "criteria": [
                    _c("work_performance", 35), _c("social_evaluation", 15)]},
            ],
            "grades": {"5A": 180, "4A": 160, "3A": 140, "2A": 120, "1A": 100},
        },
    },
}


def label(code: str, definition_label: str | None = None) -> str:
    """The label to show for a section or criterion: the deployment's own, else the shipped one."""
    if definition_label:
        return definition_label
    return str(LABELS.get(code, code))


def criteria_of(definition: dict) -> list[dict]:
    """Every criterion of a definition, with its section's code (in order)."""
    return [dict(criterion, section=section["code"]) for section in definition.get("sections", [])
            for criterion in section.get("criteria", [])]
