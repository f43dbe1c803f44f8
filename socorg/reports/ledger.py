"""The ledger's 「年度报告」 sheet: the bureau's existing spreadsheet of past annual-report results (organization, year,
submitted on, conclusion, reasons), so the history starts complete.

Registered from ReportsConfig.ready(). The rules are reports.rules' (a finished year not before registration, a
submission after the year, reasons for anything but 合格). A row with a conclusion needs reports.review over the
organization, one without reports.change. Rows are keyed by (USCC, year): re-importing changes nothing, and a report
being worked on in the platform (draft or returned) is never overwritten from a spreadsheet."""

import dataclasses
import datetime
from functools import partial

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from socorg.core.audit import AuditRecord
from socorg.core.scope import prefix_filter
from socorg.ledger.sheets import Column, Row, SheetHandler, register_sheet
from socorg.ledger.values import not_future_date, parse_choice, parse_int, parse_text, parse_uscc_cell
from socorg.registry.ledger import EXAMPLE_USCC, org_index
from socorg.registry.models import SocialOrganization

from . import rules
from .choices import Conclusion, ReportStatus
from .models import AnnualReport

CONCLUSION_BY_LEDGER_NAME = {"合格": Conclusion.QUALIFIED, "基本合格": Conclusion.BASICALLY_QUALIFIED,
                             "不合格": Conclusion.UNQUALIFIED}
LEDGER_NAME_OF_CONCLUSION = {code: name for name, code in CONCLUSION_BY_LEDGER_NAME.items()}


@dataclasses.dataclass
class ReportSheetState:
    seen: dict[tuple, int] = dataclasses.field(default_factory=dict)  # (USCC, year) → row


@register_sheet
class AnnualReportSheet(SheetHandler):
    sheet_name = "年度报告"
    kind = "annual_reports"
    kind_label = gettext_lazy("Annual reports")
    order = 60
    columns = (
        Column("统一社会信用代码", "uscc", True, parse_uscc_cell, note="须已登记（系统中或本工作簿「社会组织」表）",
               example=EXAMPLE_USCC),
        Column("年度", "year", True, partial(parse_int, minimum=1990, maximum=9999), note="报告所属年度，已结束的年度",
               example=2024),
        Column("提交日期", "submitted_on", False, partial(not_future_date, label="提交日期"),
               note="报告所属年度之后的日期；空表示未提交", example="2025-03-20"),
        Column("结论", "conclusion", False, partial(parse_choice, labels=CONCLUSION_BY_LEDGER_NAME),
               choices=tuple(CONCLUSION_BY_LEDGER_NAME), note="须有提交日期", example="合格"),
        Column("审核理由", "reasons", False, partial(parse_text, max_length=2000), default="",
               note="结论为基本合格或不合格时必填", example=""),
    )

    def check_row(self, row: Row) -> None:
        values = row.values
        values["reasons"] = values.get("reasons") or ""
        year, submitted_on, conclusion = values["year"], values.get("submitted_on"), values.get("conclusion")
        problem = rules.year_problem(year, None, timezone.localdate())
        if problem:
            self.fail(row, "year", problem)
            return
        if submitted_on is not None:
            problem = rules.submission_problem(year, submitted_on)
            if problem:
                self.fail(row, "submitted_on", problem)
                return
        if conclusion:
            if submitted_on is None:
                self.fail(row, "submitted_on", _("A report with a conclusion was submitted: enter the date it was "
                                                 "submitted."))
                return
            problems = rules.review_problems(conclusion, values["reasons"], should_build_missing=False)
            if problems:
                self.fail(row, "reasons", problems.get("reasons") or problems.get("conclusion"))
                return
        self.once(row, self.run.state(ReportSheetState).seen, (values["uscc"], year), "year",
                  _("The same organization and year already appear in row %(row)d of this sheet; each report "
                    "appears once."))

    def flush(self, rows: list[Row]) -> None:
        rows = [row for row in rows if not row.failed]
        orgs = {o.uscc: o for o in SocialOrganization.objects.filter(uscc__in={r.values["uscc"] for r in rows})}
        existing = {(r.organization_id, r.year): r for r in AnnualReport.objects.filter(
            organization__in=orgs.values(), year__in={row.values["year"] for row in rows})}
        creates, updates = [], []
        for row in rows:
            values = row.values
            org = orgs.get(values["uscc"])
            if org is None and values["uscc"] in org_index(self.run) and not self.run.writing:
                self.run.count(self.kind, "created")  # its organization comes from this workbook's 「社会组织」 sheet
                continue
            if org is None:
                self.fail(row, "uscc", _("No social organization with code %(code)s is registered, in the system or "
                                         "in this workbook's 「社会组织」 sheet.")
                          % {"code": values["uscc"]})
                continue
            if not self._allowed(row, org):
                continue
            current = existing.get((org.pk, values["year"]))
            desired = self._desired(org, values)
            if current is None:
                creates.append((row, org, desired))
            elif current.is_editable:
                self.fail(row, "year", _("The %(year)d report of %(org)s is being worked on in the platform "
                                         "(%(status)s); finish it there.") % {"year": values["year"], "org": org.name,
                                                                 "status": current.get_status_display()})
            elif any(getattr(current, name) != value for name, value in desired.items()):
                updates.append((row, current, desired))
            else:
                self.run.count(self.kind, "unchanged")
        if self.counted(creates, updates):
            self._write(creates, updates)

    def _allowed(self, row: Row, org: SocialOrganization) -> bool:
        capability = "reports.review" if row.values.get("conclusion") else "reports.change"
        if not self.run.can(capability, org.authority_region_id):
            self.fail(row, "uscc", _("%(org)s is registered in region %(code)s, outside the regions where you may "
                                     "record annual-report results.") % {"org": org.name,
                                                                         "code": org.authority_region_id})
            return False
        problem = rules.year_problem(row.values["year"], org.registered_on, timezone.localdate())
        if problem:
            self.fail(row, "year", problem)
            return False
        return True

    @staticmethod
    def _desired(org: SocialOrganization, values: dict) -> dict:
        submitted_on, conclusion = values.get("submitted_on"), values.get("conclusion") or ""
        due_on = rules.deadline(values["year"], has_supervisor=bool(org.supervisor))
        submitted_at = (timezone.make_aware(datetime.datetime.combine(submitted_on, datetime.time(12)))
                        if submitted_on else None)
        status = ReportStatus.REVIEWED if conclusion else (ReportStatus.SUBMITTED if submitted_on else
                                                           ReportStatus.DRAFT)
        return {"due_on": due_on, "submitted_at": submitted_at, "first_submitted_at": submitted_at,
                "late": bool(submitted_on and submitted_on > due_on), "status": status, "conclusion": conclusion,
                "review_reasons": values["reasons"] if conclusion else ""}

    def _write(self, creates, updates) -> None:
        new = [AnnualReport(organization=org, year=row.values["year"], **desired) for row, org, desired in creates]
        AnnualReport.objects.bulk_create(new, batch_size=2000)
        for _row, report, desired in updates:
            for name, value in desired.items():
                setattr(report, name, value)
            report.save()
        self.run.record_audit(
            [AuditRecord("reports.report.import", obj=r, after={"status": r.status, "conclusion": r.conclusion})
             for r in new]
            + [AuditRecord("reports.report.import_update", obj=r, after={"status": r.status,
                                                                         "conclusion": r.conclusion})
               for _row, r, _desired in updates])

    @classmethod
    def export_rows(cls, user, prefix: str):
        reports = AnnualReport.objects.all() if user is None else AnnualReport.objects.visible_to(user, "view")
        condition = prefix_filter("organization__authority_region__code", [prefix]) if prefix else None
        if condition is not None:
            reports = reports.filter(condition)
        rows = (reports.filter(first_submitted_at__isnull=False).order_by("organization__uscc", "year")
                .values_list("organization__uscc", "year", "first_submitted_at", "conclusion", "review_reasons"))
        for uscc, year, submitted_at, conclusion, reasons in rows.iterator(chunk_size=5000):
            yield [uscc, year, timezone.localdate(submitted_at), LEDGER_NAME_OF_CONCLUSION.get(conclusion, ""),
                   reasons]


__all__ = ["AnnualReportSheet"]
