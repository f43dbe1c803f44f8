"""The public disclosure site (公开): organization look-up, credit lists, random-inspection plans with their proof and
results, evaluation grades, project calls and awards, party-building figures, the complaint form and its status
page. No login; public fields only (queries.py); every view passes guard.public (no session, per-IP limit) and the
read-only pages are cached (caching.cached)."""

import json
import os

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.paginator import EmptyPage, PageNotAnInteger
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from socorg.core.pagination import BoundedPaginator

from . import queries
from .caching import cached
from .forms import ComplaintForm, SearchForm, StatusForm
from .guard import public


def _page(request, rows):
    """A page of at most PAGE_SIZE rows among the first MAX_PAGES pages; a page beyond answers 404 in Chinese. The
    rows are counted only up to those pages (a national look-up of "协会" matches 170,000)."""
    paginator = BoundedPaginator(rows, queries.PAGE_SIZE, cap=queries.MAX_PAGES * queries.PAGE_SIZE)
    number = request.GET.get("page") or 1
    try:
        number = int(number)
        if number > queries.MAX_PAGES:
            raise EmptyPage
        return paginator.page(number)
    except (EmptyPage, PageNotAnInteger, ValueError):
        raise Http404(_("This page does not exist: only the first %(pages)d pages are shown; narrow the search.")
                      % {"pages": queries.MAX_PAGES}) from None


def _search_text(request) -> tuple[SearchForm, str]:
    form = SearchForm(request.GET or None)
    text = form.cleaned_data["q"].strip() if form.is_valid() else ""
    return form, text


@require_safe
@public("pages")
@cached
def index(request):
    return render(request, "public/index.html", {"form": SearchForm(), "figures": queries.party_figures(),
                                                 "sections": _sections()})


def _sections() -> dict:
    return {"credit": queries.optional("socorg.credit.queries") is not None,
            "inspections": queries.optional("socorg.inspections.models") is not None,
            "grades": queries.optional("socorg.ratings.models") is not None,
            "projects": queries.optional("socorg.projects.models") is not None,
            "complaints": queries.optional("socorg.complaints.services") is not None}


@require_safe
@public("orgs")
@cached
def org_search(request):
    form, text = _search_text(request)
    page = _page(request, queries.search_orgs(text)) if text else None
    return render(request, "public/org_list.html", {
        "form": form, "q": text, "page": page, "rows": [queries.org_row(o) for o in page] if page else [],
        "sections": _sections()}, status=200 if form.is_valid() or not request.GET else 400)


@require_safe
@public("orgs")
@cached
def org_detail(request, uscc: str):
    org = queries.public_orgs().filter(uscc=uscc.strip().upper()[:18]).first()
    if org is None:
        raise Http404(_("No social organization has the unified social credit code “%(uscc)s”. Check the 18 "
                        "characters.") % {"uscc": uscc[:18]})
    return render(request, "public/org_detail.html", {"org": queries.org_public(org), "sections": _sections()})


def _section_or_404(rows):
    if rows is None:
        raise Http404(_("This deployment does not publish this section."))
    return rows


@require_safe
@public("lists")
@cached
def credit_lists(request):
    form, text = _search_text(request)
    page = _page(request, _section_or_404(queries.credit_entries(text)))
    return render(request, "public/credit_lists.html", {
        "form": form, "q": text, "page": page, "rows": [queries.credit_row(e) for e in page],
        "sections": _sections()})


@require_safe
@public("lists")
@cached
def inspection_plans(request):
    page = _page(request, _section_or_404(queries.inspection_plans()))
    return render(request, "public/inspection_plans.html", {
        "page": page, "rows": [queries.plan_row(p) for p in page], "sections": _sections()})


def _plan_or_404(pk: int):
    plan = _section_or_404(queries.inspection_plans()).filter(pk=pk).first()
    if plan is None:
        raise Http404(_("No published inspection plan has this number."))
    return plan


@require_safe
@public("lists")
@cached
def inspection_plan(request, pk: int):
    plan = _plan_or_404(pk)
    return render(request, "public/inspection_plan.html", {
        "plan": queries.plan_row(plan), "results": queries.plan_results(plan), "sections": _sections()})


@require_safe
@public("lists")
@cached
def inspection_proof(request, pk: int):
    """The proof of a draw as a JSON file anyone can re-run (`socorg verify-draw`)."""
    proof = queries.plan_proof(_plan_or_404(pk))
    if proof is None:
        raise Http404(_("The plan has not been drawn yet: there is no proof to download."))
    response = HttpResponse(json.dumps(proof, ensure_ascii=False, indent=1), content_type="application/json")
    response["Content-Disposition"] = f'attachment; filename="draw-proof-{pk}.json"'
    return response


@require_safe
@public("lists")
@cached
def evaluation_grades(request):
    form, text = _search_text(request)
    page = _page(request, _section_or_404(queries.grades(text)))
    return render(request, "public/grades.html", {
        "form": form, "q": text, "page": page, "rows": [queries.grade_row(g) for g in page],
        "sections": _sections()})


@require_safe
@public("lists")
@cached
def projects(request):
    calls = _section_or_404(queries.project_calls())
    page = _page(request, _section_or_404(queries.awards()))
    return render(request, "public/projects.html", {
        "calls": [queries.call_row(c) for c in calls[:queries.PAGE_SIZE]], "page": page,
        "rows": [queries.award_row(p) for p in page], "sections": _sections()})


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
@public("complaints")
def complaint_form(request):
    """投诉举报: the receipt number and the status code are shown once, on the answer to the POST."""
    if queries.optional("socorg.complaints.services") is None:
        raise Http404(_("This deployment does not publish this section."))
    from socorg.complaints.services import complaint_receive
    from socorg.core.audit import unauthenticated

    if request.method == "POST":
        from .guard import limited, too_many

        if limited(request, group="public:complaint-posts", rate=settings.SOCORG_PUBLIC_COMPLAINT_RATE):
            return too_many(request, api=False)
    form = ComplaintForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            complaint = complaint_receive(
                actor=unauthenticated("public website"), channel="online", category=data["category"],
                description=data["description"], region=data["region"] or None,
                organization_uscc=data["organization_uscc"].strip().upper(),
                organization_name=data["organization_name"], anonymous=data["anonymous"],
                complainant_name=data["complainant_name"], complainant_phone=data["complainant_phone"],
                complainant_contact=data["complainant_contact"],
                attachments=[data["attachment"]] if data["attachment"] else [])
        except ValidationError as error:
            form.apply_service_errors(error)
        else:
            return render(request, "public/complaint_receipt.html", {
                "receipt_no": complaint.receipt_no, "code": complaint.lookup_code, "sections": _sections()})
    status = 400 if request.method == "POST" else 200
    return render(request, "public/complaint_form.html", {"form": form, "sections": _sections()}, status=status)


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
@public("complaint-status")
def complaint_status(request):
    """The status by receipt number and status code (POST: the code is not put in a URL or a log)."""
    if queries.optional("socorg.complaints.queries") is None:
        raise Http404(_("This deployment does not publish this section."))
    from socorg.complaints.queries import complaint_status_public

    form = StatusForm(request.POST or None)
    answer, not_found = None, False
    if request.method == "POST" and form.is_valid():
        answer = complaint_status_public(form.cleaned_data["receipt_no"], form.cleaned_data["code"])
        not_found = answer is None
    return render(request, "public/complaint_status.html", {
        "form": form, "answer": answer, "not_found": not_found, "sections": _sections()})


ROBOTS = {
    "public": "User-agent: *\nAllow: /public/\nDisallow: /public/complaints/\nDisallow: /\n",
    "none": "User-agent: *\nDisallow: /\n",
    "all": "User-agent: *\nDisallow: /public/complaints/\nDisallow: /accounts/\nDisallow: /api/\n",
}


@require_safe
@public("pages")
def robots_txt(request):
    """robots.txt per deployment (SOCORG_PUBLIC_ROBOTS: public | none | all, or a path to a file)."""
    choice = settings.SOCORG_PUBLIC_ROBOTS
    if choice in ROBOTS:
        text = ROBOTS[choice]
    elif os.path.isfile(choice):
        with open(choice, encoding="utf-8") as f:
            text = f.read()
    else:
        text = ROBOTS["none"]
    return HttpResponse(text, content_type="text/plain; charset=utf-8")


def not_found(request, exception):
    """The public site's 404: its own layout, the reason in Chinese (an unknown credit code, a page beyond the
    last), never a session."""
    from django.contrib.auth.models import AnonymousUser

    from .guard import NoSession

    request.session, request.user = NoSession(), AnonymousUser()
    message = ""
    if exception is not None and exception.args and isinstance(exception.args[0], str):
        message = exception.args[0]
    return render(request, "public/not_found.html", {"message": message}, status=404)
