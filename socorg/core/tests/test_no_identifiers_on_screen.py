"""No internal code on screen: every page of the URL map, rendered in zh-Hans for users holding the roles it needs,
over demo-like data (imported ledger, members, activities, alerts in every state of the rectification loop, audit
entries, edited records), shows no ASCII identifier as text: no snake_case (`org_uncovered`, `last_held_on`,
`bureau_staff`), no dotted code (`registry.org.update`), no code of the project's choices or rules (`high`,
`member_assembly_shortfall`) and no lowercase English word (`rectification accepted`, `phone changed`).

Visible text is what a reader sees: text nodes outside <script>/<style>, and the title and placeholder
attributes. Data typed by users (names, notes) is Chinese here, so any hit is the program's own text. A page added to
the URL map needs sample parameters (by name, or in samples(); the test says so), so new pages are scanned too."""

import datetime
import re
from html.parser import HTMLParser

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone, translation

from socorg.accounts.roles import Role
from socorg.activities.services import activity_create, attachment_add
from socorg.alerts import services as alert_services
from socorg.alerts.models import Alert
from socorg.alerts.rules import RULES
from socorg.alerts.scan import run_scan
from socorg.core.testing import client_as, make_user
from socorg.ledger.importer import import_ledger
from socorg.ledger.models import LedgerImport
from socorg.ledger.tests.helpers import standard
from socorg.party.models import Instructor, InstructorAssignment, PartyCoverage, PartyOrganization
from socorg.party.services import member_add, party_org_update
from socorg.projects.tests.samples import page_samples as projects_samples
from socorg.registry import services as registry
from socorg.registry.models import SocialOrganization

pytestmark = pytest.mark.django_db

SNAKE = re.compile(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b")
DOTTED = re.compile(r"\b[a-z][a-z_]*(?:\.[a-z_]+){1,}\b")
WORD = re.compile(r"(?<![A-Za-z0-9@./_-])[a-z]{3,}(?![A-Za-z0-9@/_-])")
# Lowercase ASCII that is not an identifier: the product's own name, file types as people write them, and the
# keyboard runs the password rules quote as examples of what not to type.
ALLOWED_WORDS = {"socorg", "xlsx", "pdf", "docx", "xls", "ofd", "jpg", "jpeg", "png", "qwer", "asdf", "abcd"}
# Pages that are not HTML for people (files, JSON, API documentation, redirects only) or only accept POST.
NOT_PAGES = {"set_language", "javascript-catalog", "healthz", "accounts:logout", "ledger:template", "ledger:export",
             "ledger:status", "ledger:report", "coverage:export", "activities:attachment", "alerts:evidence",
             "exports:start", "exports:download", "notices:attachment", "notices:reply-file",
             "notices:receipts-export", "complaints:attachment", "exits:document", "inspections:document",
             "inspections:published-proof", "public:inspection-proof", "robots", "captcha-image", "captcha-image-2x",
             "captcha-audio", "captcha-refresh"}
PASSWORD = "Scan-Pages-1!"


class VisibleText(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts, self._skip = [], 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self._skip += 1
        for name, value in attrs:
            if name in ("title", "placeholder") and value:
                self.parts.append(value)

    def handle_endtag(self, tag):
        if tag in ("script", "style") and self._skip:
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip and data.strip():
            self.parts.append(data.strip())


def visible_text(html: str) -> list[str]:
    parser = VisibleText()
    parser.feed(html)
    return parser.parts


def project_codes() -> set[str]:
    """Codes of the project that must never be shown: every choice value, rule code and severity."""
    from django.apps import apps
    codes = set(RULES)
    for model in apps.get_models():
        if not model.__module__.startswith("socorg."):
            continue
        for field in model._meta.get_fields():
            for value, _label in getattr(field, "flatchoices", None) or []:
                if isinstance(value, str) and re.fullmatch(r"[a-z][a-z0-9_.]+", value):
                    codes.add(value)
    return codes


def identifiers_in(parts: list[str], codes: set[str], allowed: set[str]) -> set[str]:
    found = set()
    for part in parts:
        for pattern in (SNAKE, DOTTED):
            found |= set(pattern.findall(part))
        found |= {w for w in WORD.findall(part) if w not in ALLOWED_WORDS}
        found |= {token for token in re.findall(r"[a-z][a-z0-9_.]+", part) if token in codes}
    return found - allowed


def routes(patterns=None, namespace=""):
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}:{pattern.namespace}".strip(":") if pattern.namespace else namespace
            if inner.startswith("api-v1") or str(pattern.pattern).startswith("api/"):
                continue
            yield from ((f"{str(pattern.pattern)}{route}", name, params) for route, name, params
                        in routes(pattern.url_patterns, inner))
        elif isinstance(pattern, URLPattern) and pattern.name:
            name = f"{namespace}:{pattern.name}" if namespace else pattern.name
            yield str(pattern.pattern), name, list(pattern.pattern.converters)


@pytest.fixture
def world(tmp_path, settings):
    """Demo-like data created through the services and the ledger, as a clerk working in Chinese would (texts
    stored with the records, such as an audit entry's object name, are written in the clerk's language)."""
    settings.MEDIA_ROOT = tmp_path / "media"
    with translation.override("zh-hans"):
        return _world(tmp_path)


def _world(tmp_path):
    clerk = make_user((Role.BUREAU_STAFF, "530000"), (Role.PARTY_STAFF, "530000"), username="clerk",
                      password=PASSWORD)
    import_ledger(standard(tmp_path / "台账.xlsx", orgs=4), user=clerk)
    org = SocialOrganization.objects.order_by("uscc").first()
    registry.org_update(org=org, actor=clerk, phone="13987654321", name="五华区书画艺术协会")
    revoked = SocialOrganization.objects.order_by("uscc").last()
    registry.org_deregister(org=revoked, actor=clerk, date=timezone.localdate(), reason="自行解散")
    branch = PartyOrganization.objects.get(name="五华区测试联合支部")
    party_org_update(party_org=branch, actor=clerk, secretary_name="")
    member = member_add(name="王芳", party_org=branch, actor=clerk, birth_date=datetime.date(1988, 2, 9),
                        joined_on=datetime.date(2012, 7, 1), phone="13812345678")
    activity = activity_create(party_org=branch, type="themed_party_day", date=timezone.localdate(),
                               topic="学习党章", expected_attendance=5, actual_attendance=4, actor=clerk)
    attachment_add(activity=activity, file=SimpleUploadedFile("纪要.pdf", b"%PDF-1.4 minutes"), actor=clerk)
    run_scan(as_of=timezone.localdate())
    account = make_user((Role.INSTRUCTOR, "530102"), username="guide", password=PASSWORD)
    alerts = list(Alert.objects.order_by("pk")[:3])
    assert len(alerts) == 3, "the scan should open alerts on this data"
    deadline = timezone.localdate() + datetime.timedelta(days=30)
    for alert in alerts:
        alert_services.alert_assign(alert=alert, assignee=account, deadline=deadline, note="请整改", actor=clerk)
    for alert in alerts[1:]:
        alert_services.alert_submit(alert=alert, note="已整改", actor=account,
                                    files=[SimpleUploadedFile("整改.pdf", b"%PDF-1.4 zhenggai")])
    alert_services.alert_accept(alert=alerts[2], note="同意销号", actor=clerk)
    alert_services.alert_return(alert=alerts[1], note="缺少签到表", actor=clerk)
    upload = client_as(clerk).post("/ledger/", {"file": SimpleUploadedFile("台账.xlsx",
                                                                          (tmp_path / "台账.xlsx").read_bytes())})
    assert upload.status_code in (200, 302)
    return {"clerk": clerk, "org": org, "branch": branch, "member": member, "activity": activity,
            "alert": alerts[1]}


def _notices(world) -> dict:
    """A published notice asking for a file (its sender is another provincial clerk, so `clerk` receives it) and a
    draft."""
    from socorg.notices import services as notices
    from socorg.regions.models import Region

    sender = make_user((Role.BUREAU_STAFF, "530000"), username="fasong")
    with translation.override("zh-hans"):
        published = notices.notice_publish(notice=notices.notice_save(
            actor=sender, title="关于报送组织生活计划的通知", body="<p>请于月底前上传计划。</p>",
            region=Region.objects.get(code="530000"), response_kind="upload",
            response_due_on=timezone.localdate() + datetime.timedelta(days=10),
            attachments=[SimpleUploadedFile("模板.pdf", b"%PDF-1.4 template")]), actor=sender)
        draft = notices.notice_save(actor=world["clerk"], title="草稿通知", body="正文",
                                    region=Region.objects.get(code="530100"))
    return {"published": published, "draft": draft,
            "receipt": published.receipts.get(recipient=world["clerk"])}


def _screening_case(world):
    """An open zombie-screening case (every criterion's evidence shown) and a closed one, once."""
    if "screening_case" not in world:
        from socorg.core.audit import SYSTEM
        from socorg.exits import services as exits
        from socorg.regions.models import Region

        with translation.override("zh-hans"):
            run = exits.screening_run(region=Region.objects.get(code="530000"), actor=SYSTEM)
            cases = list(run.cases.order_by("pk"))
            exits.case_rectify(case=cases[-1], actor=world["clerk"], note="补报年报",
                               documents=[SimpleUploadedFile("说明.pdf", b"%PDF-1.4 x")])
        world["screening_case"] = cases[0]
    return world["screening_case"]


def _complaint(world):
    """A concluded complaint (every section of its page filled) and an unknown organization's, once."""
    from socorg.complaints import services as complaints

    if "complaint" not in world:
        clerk = world["clerk"]
        with translation.override("zh-hans"):
            complaints.complaint_receive(actor=clerk, channel="letter", category="other", description="无名机构",
                                         organization_name="某某研究会", region="530102", anonymous=True)
            c = complaints.complaint_receive(actor=clerk, channel="phone", category="improper_fees",
                                             description="强制入会", organization_uscc=world["org"].uscc,
                                             complainant_name="张三", complainant_phone="13812345678",
                                             attachments=[SimpleUploadedFile("单据.pdf", b"%PDF-1.4 x")])
            c = complaints.complaint_accept(complaint=c, actor=clerk, accepted=True)
            c = complaints.complaint_assign(complaint=c, actor=clerk, assignee=clerk, note="请核查")
            c = complaints.complaint_investigate(complaint=c, actor=clerk, findings="查实")
            c = complaints.complaint_conclude(complaint=c, actor=clerk, outcome="founded", conclusion="属实",
                                              penalty="警告", referred_to="市场监管局")
        world["complaint"] = c
    return world["complaint"]


def _credit(world) -> dict:
    """A credit-list entry with evidence and an objection, a penalty and a registered letter."""
    from socorg.credit import services as credit

    clerk, org = world["clerk"], world["org"]
    with translation.override("zh-hans"):
        entry = credit.entry_create(org=org, list="abnormal", reason="annual_report_missing", decision_no="五民异1号",
                                    decided_on=timezone.localdate(), actor=clerk,
                                    evidence={"year": 2025, "deadline": "2026-05-31", "submitted": False,
                                              "conclusion": "unqualified"})
        objection = credit.objection_record(entry=entry, received_on=timezone.localdate(), content="已报送",
                                            actor=clerk)
        credit.penalty_record(org=org, kind="fine", amount="1000", decision_no="五民罚1号",
                              decided_on=timezone.localdate(), facts="违规收费", legal_basis="条例第三十条",
                              issuing_authority="五华区民政局", actor=clerk)
        letter = credit.letter_record(org=org, sent_on=timezone.localdate(), tracking_no="EMS1", actor=clerk)
    return {"credit:entry-detail": {"pk": entry.pk}, "credit:entry-remove": {"pk": entry.pk},
            "credit:objection-record": {"pk": entry.pk}, "credit:objection-answer": {"pk": objection.pk},
            "credit:letter-answered": {"pk": letter.pk}, "credit:reason-edit": {"code": "no_party_org"}}


def samples(world) -> dict[str, dict]:
    """URL parameters for each page that takes some."""
    org, branch, activity = world["org"], world["branch"], world["activity"]
    instructor, upload = Instructor.objects.first(), LedgerImport.objects.first()
    coverage, assignment = PartyCoverage.objects.first(), InstructorAssignment.objects.first()
    from socorg.exports.models import ListExport

    notices = _notices(world)
    export = ListExport.objects.create(requested_by=world["clerk"], list_name="orgs", query="q=%E7%A7%91", total=3000)
    from socorg.ratings.queries import scorecard_for
    from socorg.ratings.services import rate_cycle

    cycle = timezone.localdate().year - 1
    rate_cycle(cycle=cycle, party_org_ids=[branch.pk])
    return {
        **{f"ratings:{name}": {"party_org": branch.pk, "cycle": cycle} for name in
           ("detail", "self-assess", "review", "approve", "publish", "reinstate", "designate")},
        "ratings:eligibility": {"uscc": org.uscc},
        "ratings:scorecard-new-version": {"pk": scorecard_for("star", cycle).pk},
        "exports:detail": {"pk": export.pk}, "exports:status": {"pk": export.pk},
        "accounts:user_detail": {"pk": world["clerk"].pk},
        "regions:detail": {"code": "530102"},
        "registry:detail": {"uscc": org.uscc}, "registry:edit": {"uscc": org.uscc},
        "registry:deregister": {"uscc": org.uscc}, "registry:revoke": {"uscc": org.uscc},
        "registry:delete": {"uscc": org.uscc},
        "party:party_org_detail": {"pk": branch.pk}, "party:party_org_edit": {"pk": branch.pk},
        "party:party_org_dissolve": {"pk": branch.pk},
        "party:member_detail": {"pk": world["member"].pk}, "party:member_edit": {"pk": world["member"].pk},
        "party:member_leave": {"pk": world["member"].pk}, "party:member_reveal": {"pk": world["member"].pk},
        "party:instructor_detail": {"pk": instructor.pk}, "party:instructor_edit": {"pk": instructor.pk},
        "party:instructor_leave": {"pk": instructor.pk},
        "ledger:detail": {"pk": upload.pk}, "ledger:confirm": {"pk": upload.pk},
        "activities:detail": {"pk": activity.pk}, "activities:edit": {"pk": activity.pk},
        "activities:delete": {"pk": activity.pk}, "activities:attachment-upload": {"pk": activity.pk},
        "activities:attendance": {"pk": activity.pk},
        "alerts:rule-edit": {"code": "secretary_vacant"}, "alerts:detail": {"pk": world["alert"].pk},
        "alerts:assign": {"pk": world["alert"].pk}, "alerts:submit": {"pk": world["alert"].pk},
        "alerts:review": {"pk": world["alert"].pk},
        **{f"accounts:{name}": {"pk": world["clerk"].pk} for name in
           ("user_grant", "user_deactivate", "user_activate", "user_password_reset", "user_otp_reset")},
        "accounts:grant_revoke": {"pk": world["clerk"].pk, "grant_pk": world["clerk"].grants.first().pk},
        "party:party_coverage_add": {"pk": branch.pk},
        "party:party_coverage_end": {"pk": branch.pk, "coverage_id": coverage.pk},
        "party:assignment_add": {"pk": instructor.pk},
        "party:assignment_end": {"pk": instructor.pk, "assignment_id": assignment.pk},
        "activities:attachment-delete": {"pk": activity.attachments.first().pk},
        "reports:sync": {"uscc": org.uscc},
        **_credit(world),
        **{f"notices:{name}": {"pk": notices["published"].pk} for name in ("detail", "publish", "withdraw", "remind")},
        "public:inspection-plan": {"pk": 999999},
        "notices:edit": {"pk": notices["draft"].pk}, "notices:inbox-detail": {"pk": notices["receipt"].pk},
        **{f"exits:{name}": {"pk": _screening_case(world).pk}
           for name in ("detail", "rectify", "deregister", "revoke")},
        **{f"complaints:{name}": {"pk": _complaint(world).pk}
           for name in ("detail", "reveal", "accept", "assign", "investigate", "conclude", "reply")},
        **inspection_samples(world["clerk"]),
        **{f"reports:{name}": {"uscc": org.uscc, "year": timezone.localdate().year - 1}
           for name in ("detail", "edit", "submit", "return", "review")},
        **projects_samples(world["clerk"], org),
    }


def inspection_samples(clerk) -> dict[str, dict]:
    from socorg.inspections.testing import sample_drawn_plan

    plan, selection, document = sample_drawn_plan(clerk)
    page = {"pk": plan.pk}
    return {**{f"inspections:{name}": page for name in ("detail", "commit", "draw", "cancel", "close", "conflict",
                                                         "published-detail", "published-proof")},
            "inspections:inspection": {"pk": plan.pk, "uscc": selection.uscc},
            "inspections:rectified": {"pk": plan.pk, "uscc": selection.uscc},
            "inspections:document": {"pk": document.pk}}


def test_no_page_shows_an_internal_identifier(world):
    from django.urls import reverse

    clients = [client_as(world["clerk"])] + [client_as(make_user((role, "100000"))) for role in
                                             (Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN)]
    with translation.override("zh-hans"):  # records written by the samples' services are in the clerk's language
        known = samples(world)
    # Parameters that mean the same on every page (an organization's code, a report year).
    by_name = {"uscc": world["org"].uscc, "year": timezone.localdate().year - 1}
    codes, allowed = project_codes(), {"clerk", "guide", "fasong"}
    problems, scanned = [], 0
    for route, name, params in routes():
        if name in NOT_PAGES:
            continue
        kwargs = known.get(name) or {param: by_name[param] for param in params if param in by_name}
        if set(kwargs) != set(params):
            problems.append(f"{name} ({route}): no sample parameters in samples(); add some so the page is scanned")
            continue
        url = reverse(name, kwargs=kwargs or None)
        for client in clients:
            response = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans")
            if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
                continue
            scanned += 1
            found = identifiers_in(visible_text(response.content.decode()), codes, allowed)
            if found:
                problems.append(f"{url}: {sorted(found)}")
            break
    assert scanned >= 35
    assert problems == [], "\n".join(problems)
