"""Forms of the ratings pages: they parse input; ratings.services validates and writes (its field errors are shown
beside the fields: points_<criterion>, reason_<criterion>, …)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from socorg.core.forms import DateInput, RefuseControlCharactersMixin, ServiceErrorsMixin

from .choices import CriterionKind, Grade, ScorecardKind
from .scorecards import EVALUATION_PRESETS


def _points_field(row, *, required: bool = False):
    return forms.DecimalField(label=_("points (at most %(max)s)") % {"max": row["max"]}, min_value=0,
                              max_value=row["max"], decimal_places=1, required=required,
                              widget=forms.NumberInput(attrs={"step": "0.1"}))


class SelfAssessmentForm(RefuseControlCharactersMixin, ServiceErrorsMixin, forms.Form):
    """Points, reason and evidence for every judged criterion (the service refuses what is missing)."""

    def __init__(self, *args, rows, **kwargs):
        super().__init__(*args, **kwargs)
        self.codes = [row["code"] for row in rows if row["judged"]]
        for row in rows:
            if not row["judged"]:
                continue
            code = row["code"]
            self.fields[f"points_{code}"] = _points_field(row)
            self.fields[f"points_{code}"].initial = row.get("claimed_points")
            self.fields[f"reason_{code}"] = forms.CharField(label=_("reason"), max_length=2000, required=False,
                                                            initial=row.get("claim_reason", ""),
                                                            widget=forms.Textarea(attrs={"rows": 2}))
            self.fields[f"evidence_{code}"] = forms.CharField(
                label=_("evidence (documents, records)"), max_length=2000, required=False,
                initial=row.get("claim_evidence", ""), widget=forms.Textarea(attrs={"rows": 2}))

    def items(self) -> dict:
        data = self.cleaned_data
        return {code: {"points": data.get(f"points_{code}"), "reason": data.get(f"reason_{code}", ""),
                       "evidence": data.get(f"evidence_{code}", "")} for code in self.codes}


class ReviewForm(RefuseControlCharactersMixin, ServiceErrorsMixin, forms.Form):
    """The committee's review: any criterion's points may be changed (with a reason), and a comment."""

    comment = forms.CharField(label=_("review comment"), max_length=2000, required=False,
                              widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, rows, **kwargs):
        super().__init__(*args, **kwargs)
        self.codes = [row["code"] for row in rows]
        for row in rows:
            code = row["code"]
            self.fields[f"points_{code}"] = _points_field(row)
            self.fields[f"points_{code}"].initial = row["effective"]
            self.fields[f"reason_{code}"] = forms.CharField(label=_("reason for the change"), max_length=2000,
                                                            required=False)

    def adjustments(self) -> dict:
        data = self.cleaned_data
        return {code: {"points": data.get(f"points_{code}"), "reason": data.get(f"reason_{code}", "")}
                for code in self.codes if data.get(f"points_{code}") is not None}


class ModelBranchForm(RefuseControlCharactersMixin, ServiceErrorsMixin, forms.Form):
    title = forms.CharField(label=_("designation"), max_length=100, initial=_("标准化规范化示范党支部"))
    valid_from = forms.DateField(label=_("valid from"), widget=DateInput())
    valid_to = forms.DateField(label=_("valid until"), widget=DateInput())
    basis = forms.CharField(label=_("criteria met"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))
    decision_number = forms.CharField(label=_("decision number"), max_length=100)


class EvaluationForm(RefuseControlCharactersMixin, ServiceErrorsMixin, forms.Form):
    grade = forms.ChoiceField(label=_("grade"), choices=Grade.choices)
    valid_from = forms.DateField(label=_("valid from"), widget=DateInput())
    valid_to = forms.DateField(label=_("valid until"), required=False, help_text=_("Empty: five years."),
                               widget=DateInput())
    decision_number = forms.CharField(label=_("decision number"), max_length=100)
    total_points = forms.DecimalField(label=_("total points"), required=False, min_value=0, decimal_places=1)
    scorecard_code = forms.ChoiceField(label=_("scorecard"), required=False,
                                       choices=[("", _("the one in force"))]
                                       + [(code, preset["name"]) for code, preset in EVALUATION_PRESETS.items()])


# --- a new version of a scorecard ------------------------------------------------------------------------------

def _number(value):
    """A points figure as the definition stores it: a whole number, or a float with one decimal."""
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def _points_input(label, required=True):
    return forms.DecimalField(label=label, required=required, min_value=0, max_digits=6, decimal_places=1,
                              widget=forms.NumberInput(attrs={"step": "0.1"}))


class ScorecardHeaderForm(RefuseControlCharactersMixin, ServiceErrorsMixin, forms.Form):
    """Name, first year, total, thresholds (stars or grades) and vetoes of a new scorecard version."""

    name = forms.CharField(label=_("name"), max_length=200)
    first_cycle = forms.IntegerField(label=_("applies from the year"), min_value=2000, max_value=2100)
    note = forms.CharField(label=_("note (the document it follows)"), required=False, max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 2}))
    total = _points_input(_("total points"))

    def __init__(self, *args, kind: str, **kwargs):
        from .rules import STAR_LEVELS, VETOES
        from .scorecards import VETO_LABELS

        super().__init__(*args, **kwargs)
        self.kind = kind
        levels = STAR_LEVELS if kind == ScorecardKind.STAR else tuple(Grade.values)
        self.level_fields = []
        for level in levels:
            name = f"level_{level}"
            label = _("%(n)s stars from") % {"n": level} if kind == ScorecardKind.STAR else \
                _("%(grade)s from") % {"grade": level}
            self.fields[name] = _points_input(label, required=False)
            self.level_fields.append((level, name))
        self.veto_fields = []
        if kind == ScorecardKind.STAR:
            caps = [("", _("not applied"))] + [(str(n), _("at most %(n)d stars") % {"n": n}) for n in range(5)]
            for code in VETOES:
                name = f"veto_{code}"
                self.fields[name] = forms.ChoiceField(label=VETO_LABELS[code], choices=caps, required=False)
                self.veto_fields.append((code, name))

    def part(self) -> dict:
        data = self.cleaned_data
        part = {"total": _number(data["total"])}
        levels = {level: _number(data[name]) for level, name in self.level_fields if data.get(name) is not None}
        part["thresholds" if self.kind == ScorecardKind.STAR else "grades"] = levels
        if self.kind == ScorecardKind.STAR:
            part["vetoes"] = [{"code": code, "cap": int(data[name])} for code, name in self.veto_fields
                              if data.get(name) not in (None, "")]
        return part


class SectionForm(RefuseControlCharactersMixin, forms.Form):
    code = forms.CharField(required=False, widget=forms.HiddenInput, max_length=48)
    label = forms.CharField(label=_("section"), required=False, max_length=200)
    points = _points_input(_("points"), required=False)
    party_building = forms.BooleanField(label=_("party building"), required=False)


class CriterionForm(RefuseControlCharactersMixin, forms.Form):
    """One criterion: its section (by position), label, kind, points, and for a computed one the measure and its
    parameters (each measure reads only its own: rules.MEASURES)."""

    code = forms.CharField(required=False, widget=forms.HiddenInput, max_length=48)
    section = forms.TypedChoiceField(label=_("section"), coerce=int, choices=())
    label = forms.CharField(label=_("criterion"), required=False, max_length=200)
    kind = forms.ChoiceField(label=_("kind"), choices=CriterionKind.choices)
    points = _points_input(_("points"), required=False)
    measure = forms.ChoiceField(label=_("computed from"), required=False, choices=())
    activity_type = forms.ChoiceField(label=_("activity type"), required=False, choices=())
    period = forms.ChoiceField(label=_("every"), required=False, choices=())
    applies = forms.ChoiceField(label=_("applies to"), required=False, choices=())
    min_count = forms.IntegerField(label=_("at least, per period"), required=False, min_value=1, max_value=31)
    months = forms.IntegerField(label=_("vacancy tolerated (months)"), required=False, min_value=0, max_value=24)
    per_open = forms.IntegerField(label=_("deducted per open alert"), required=False, min_value=0, max_value=100)
    per_overdue = forms.IntegerField(label=_("deducted per overdue alert"), required=False, min_value=0,
                                     max_value=100)
    local = forms.BooleanField(label=_("local practice"), required=False)

    def __init__(self, *args, section_choices=(), measures=(), **kwargs):
        from socorg.activities.choices import ActivityType
        from socorg.alerts.periods import PERIOD_LABELS

        from .scorecards import APPLIES_LABELS, MEASURE_LABELS

        super().__init__(*args, **kwargs)
        self.fields["section"].choices = section_choices
        self.fields["measure"].choices = [("", "—")] + [(m, MEASURE_LABELS[m]) for m in measures]
        self.fields["activity_type"].choices = [("", "—")] + list(ActivityType.choices)
        self.fields["period"].choices = [("", "—")] + list(PERIOD_LABELS.items())
        self.fields["applies"].choices = list(APPLIES_LABELS.items())

    def clean(self):
        data = super().clean()
        if _row_is_blank(self):
            return data
        if data.get("kind") == CriterionKind.COMPUTED and not data.get("measure"):
            self.add_error("measure", _("Choose what computes this criterion."))
        return data

    def criterion(self, code: str) -> dict:
        data = self.cleaned_data
        criterion = {"code": code, "kind": data["kind"], "points": _number(data.get("points"))}
        if data.get("label", "").strip():
            criterion["label"] = data["label"].strip()
        if data["kind"] == CriterionKind.COMPUTED:
            measure = criterion["measure"] = data["measure"]
            params = {}
            if measure == "activity_periods":
                params = {"type": data.get("activity_type") or None, "period": data.get("period") or None}
                params = {k: v for k, v in params.items() if v}
                if data.get("applies") not in (None, "", "all"):
                    params["applies"] = data["applies"]
                if data.get("min_count") is not None:
                    params["min_count"] = data["min_count"]
            elif measure == "secretary_in_post" and data.get("months") is not None:
                params["months"] = data["months"]
            elif measure == "no_open_alerts":
                params = {k: data[k] for k in ("per_open", "per_overdue") if data.get(k) is not None}
            if params:
                criterion["params"] = params
        if data.get("local"):
            criterion["local"] = True
        return criterion


def _row_is_blank(form) -> bool:
    data = form.cleaned_data
    return not data or (not data.get("code") and not (data.get("label") or "").strip()
                        and data.get("points") is None)


class ScorecardEditor:
    """The forms of a new version of a scorecard, started from another version: the header, one row per section
    and one per criterion (with a few empty rows to add some), and the definition they make. Validation is the
    scorecard's own (rules.scorecard_problems), its problems shown beside the rows and blocks they concern."""

    EXTRA_SECTIONS = 1
    EXTRA_CRITERIA = 3

    def __init__(self, source, data=None):
        from .rules import MEASURES, ORG_MEASURES
        from .scorecards import LABELS

        self.source = source
        self.kind = source.kind
        definition = source.definition
        sections = definition.get("sections", [])
        self.header = ScorecardHeaderForm(data, kind=self.kind, initial=self._header_initial(definition))
        section_initial = [{"code": s.get("code", ""), "label": s.get("label", ""), "points": s.get("points"),
                            "party_building": bool(s.get("party_building"))} for s in sections]
        self.shipped_labels = [str(LABELS.get(s.get("code"), "")) if not s.get("label") else "" for s in sections]
        self.section_forms = [SectionForm(data, prefix=f"s{i}", initial=section_initial[i] if i < len(sections)
                                          else None) for i in range(len(sections) + self.EXTRA_SECTIONS)]
        section_choices = [(i, s.get("label") or str(LABELS.get(s.get("code"), "")) or
                            _("section %(n)d") % {"n": i + 1}) for i, s in enumerate(sections)]
        section_choices += [(i, _("new section %(n)d") % {"n": i - len(sections) + 1})
                            for i in range(len(sections), len(self.section_forms))]
        measures = ORG_MEASURES if self.kind == ScorecardKind.EVALUATION else tuple(MEASURES)
        criteria = [(i, c) for i, s in enumerate(sections) for c in s.get("criteria", [])]
        self.criterion_forms = []
        for n in range(len(criteria) + self.EXTRA_CRITERIA):
            initial = None
            if n < len(criteria):
                section_index, c = criteria[n]
                params = c.get("params", {})
                initial = {"code": c.get("code", ""), "section": section_index, "label": c.get("label", ""),
                           "kind": c.get("kind"), "points": c.get("points"), "measure": c.get("measure", ""),
                           "activity_type": params.get("type", ""), "period": params.get("period", ""),
                           "applies": params.get("applies", "all"), "min_count": params.get("min_count"),
                           "months": params.get("months"), "per_open": params.get("per_open"),
                           "per_overdue": params.get("per_overdue"), "local": bool(c.get("local"))}
            self.criterion_forms.append(CriterionForm(data, prefix=f"c{n}", initial=initial,
                                                      section_choices=section_choices, measures=measures))
        self.criterion_shipped = [str(LABELS.get(c.get("code"), "")) if not c.get("label") else ""
                                  for _i, c in criteria] + [""] * self.EXTRA_CRITERIA
        self.block_errors: dict[str, list[str]] = {}
        self.definition: dict | None = None

    def _header_initial(self, definition) -> dict:
        from django.utils import timezone

        initial = {"name": self.source.name,
                   "first_cycle": max(self.source.first_cycle + 1, timezone.localdate().year),
                   "total": definition.get("total")}
        levels = definition.get("thresholds" if self.kind == ScorecardKind.STAR else "grades", {})
        initial.update({f"level_{level}": value for level, value in levels.items()})
        for veto in definition.get("vetoes", []):
            initial[f"veto_{veto['code']}"] = str(veto["cap"])
        return initial

    def _block(self, part: str, message) -> None:
        self.block_errors.setdefault(part, []).append(str(message))

    def is_valid(self) -> bool:
        from .rules import scorecard_problems

        header_ok = self.header.is_valid()
        for form in self.section_forms:
            if not form.has_changed() and not form.initial:
                form.empty_permitted = True
        for form in self.criterion_forms:
            if not form.has_changed() and not form.initial:
                form.empty_permitted = True
        rows_ok = all([form.is_valid() for form in self.section_forms + self.criterion_forms])
        if not (header_ok and rows_ok):
            return False
        definition = self.header.part()
        sections, section_rows, used_codes = [], {}, set()
        for index, form in enumerate(self.section_forms):
            if _row_is_blank(form):
                continue
            data = form.cleaned_data
            code = data.get("code") or self._new_code("section", used_codes)
            used_codes.add(code)
            section = {"code": code, "points": _number(data.get("points")), "criteria": []}
            if data.get("label", "").strip():
                section["label"] = data["label"].strip()
            if self.kind == ScorecardKind.EVALUATION and data.get("party_building"):
                section["party_building"] = True
            section_rows[index] = len(sections)
            sections.append(section)
        criterion_at = {}
        for form in self.criterion_forms:
            if _row_is_blank(form):
                continue
            position = section_rows.get(form.cleaned_data["section"])
            if position is None:
                form.add_error("section", _("This section is empty: give it a name and points, or choose another."))
                continue
            code = form.cleaned_data.get("code") or self._new_code("item", used_codes)
            used_codes.add(code)
            criterion_at[("criterion", position, len(sections[position]["criteria"]))] = form
            sections[position]["criteria"].append(form.criterion(code))
        if any(form.errors for form in self.criterion_forms):
            return False
        definition["sections"] = sections
        where: dict = {}
        problems = scorecard_problems(definition, kind=self.kind, where=where)
        located = {message for messages in where.values() for message in messages}
        section_form_at = {position: self.section_forms[index] for index, position in section_rows.items()}
        for at, messages in where.items():
            form = section_form_at.get(at[1]) if at[0] == "section" else criterion_at.get(at)
            for message in messages:
                if form is not None:
                    form.add_error(None, message)
                else:
                    self._block("sections", message)
        for part, messages in problems.items():
            for message in messages:
                if part == "total":
                    self.header.add_error("total", message)
                elif message not in located:
                    self._block(part, message)
        if problems:
            return False
        self.definition = definition
        return True

    def _new_code(self, stem: str, used: set) -> str:
        """A code for a section or criterion added on the page (codes are internal: never shown)."""
        taken = used | {s.get("code") for s in self.source.definition.get("sections", [])} | {
            c.get("code") for s in self.source.definition.get("sections", []) for c in s.get("criteria", [])}
        n = 1
        while f"{stem}_{n}" in taken:
            n += 1
        return f"{stem}_{n}"

    def code(self) -> str:
        """The deployment's own code: the source's, or for a shipped scorecard a local one of its kind."""
        from .scorecards import DEFAULT_STAR_CODE, EVALUATION_PRESETS

        if self.source.code == DEFAULT_STAR_CODE or self.source.code in EVALUATION_PRESETS:
            return f"local-{self.kind}"
        return self.source.code

    def apply_service_errors(self, error) -> None:
        for field, messages in getattr(error, "message_dict", {"definition": error.messages}).items():
            if field in self.header.fields:
                for message in messages:
                    self.header.add_error(field, message)
            else:
                for message in messages:
                    self._block("sections", message)
