"""/api/v1/public/: the public site's read-only JSON, no authentication (and no session or token is read), per-IP
limits answering 429 in Chinese, pages of at most 20 rows within the first 50 pages, answers cached like the pages.
The fields are those of the pages (socorg.public.queries): public fields only."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from .. import queries
from ..caching import cached
from ..guard import public

Q_PARAM = OpenApiParameter("q", str, description="名称、拼音或统一社会信用代码（最多 100 个字符）")
PAGE_PARAM = OpenApiParameter("page", int, description="页码（每页 20 条，最多 50 页）")


def _page_answer(request, rows, to_dict) -> Response:
    try:
        number = int(request.query_params.get("page") or 1)
    except ValueError:
        raise ValidationError({"page": [_("Give a page number.")]}) from None
    if not 1 <= number <= queries.MAX_PAGES:
        raise ValidationError({"page": [_("Pages 1 to %(max)d can be read; narrow the search for more.")
                                        % {"max": queries.MAX_PAGES}]})
    start = (number - 1) * queries.PAGE_SIZE
    chunk = list(rows[start:start + queries.PAGE_SIZE + 1])
    return Response({"page": number, "page_size": queries.PAGE_SIZE, "has_next": len(chunk) > queries.PAGE_SIZE,
                     "results": [to_dict(row) for row in chunk[:queries.PAGE_SIZE]]})


def _q(request) -> str:
    text = request.query_params.get("q", "")
    if len(text) > queries.QUERY_MAX:
        raise ValidationError({"q": [_("Type at most %(max)d characters.") % {"max": queries.QUERY_MAX}]})
    from socorg.core.text import CONTROL_CHARACTERS

    if CONTROL_CHARACTERS.search(text):
        raise ValidationError({"q": [_("Remove the invisible control characters from the text.")]})
    return text.strip()


def _section(rows):
    if rows is None:
        raise NotFound(_("This deployment does not publish this section."))
    return rows


PAGE_SCHEMA = inline_serializer("PublicPage", {
    "page": serializers.IntegerField(), "page_size": serializers.IntegerField(),
    "has_next": serializers.BooleanField(), "results": serializers.ListField(child=serializers.DictField())})


class PublicView(APIView):
    permission_classes = [AllowAny]
    authentication_classes: list = []
    group = "api"

    @classmethod
    def as_view(cls, **initkwargs):
        view = super().as_view(**initkwargs)
        return public(cls.group, api=True)(cached(view))


class OrgSearchView(PublicView):
    group = "api-orgs"

    @extend_schema(operation_id="public_orgs_list", parameters=[Q_PARAM, PAGE_PARAM], responses=PAGE_SCHEMA)
    def get(self, request):
        """Organizations by name, pinyin or credit code (public fields)."""
        text = _q(request)
        if not text:
            raise ValidationError({"q": [_("Type a name, pinyin or credit code to search.")]})
        return _page_answer(request, queries.search_orgs(text), queries.org_row)


class OrgDetailView(PublicView):
    group = "api-orgs"

    @extend_schema(responses=inline_serializer("PublicOrganization", {"uscc": serializers.CharField()}))
    def get(self, request, uscc: str):
        """One organization's public record: registration, status, evaluation grade, credit lists, annual-report
        conclusions."""
        org = queries.public_orgs().filter(uscc=uscc.strip().upper()[:18]).first()
        if org is None:
            raise NotFound(_("No social organization has the unified social credit code “%(uscc)s”. Check the 18 "
                             "characters.") % {"uscc": uscc[:18]})
        return Response(queries.org_public(org))


class CreditListView(PublicView):
    group = "api-lists"

    @extend_schema(parameters=[Q_PARAM, PAGE_PARAM], responses=PAGE_SCHEMA)
    def get(self, request):
        """Organizations on the abnormal-activity and serious-violation lists now: reason, decision number."""
        return _page_answer(request, _section(queries.credit_entries(_q(request))), queries.credit_row)


class InspectionPlanListView(PublicView):
    group = "api-lists"

    @extend_schema(operation_id="public_inspection_plans_list", parameters=[PAGE_PARAM], responses=PAGE_SCHEMA)
    def get(self, request):
        """Random-inspection plans from their commitment on: pool hash, public value, draw, results."""
        return _page_answer(request, _section(queries.inspection_plans()), queries.plan_row)


class InspectionPlanDetailView(PublicView):
    group = "api-lists"

    @extend_schema(responses=inline_serializer("PublicInspectionPlan", {"id": serializers.IntegerField()}))
    def get(self, request, pk: int):
        """One plan with its results (closed) and the proof of its draw (drawn or closed)."""
        plan = _section(queries.inspection_plans()).filter(pk=pk).first()
        if plan is None:
            raise NotFound(_("No published inspection plan has this number."))
        return Response({**queries.plan_row(plan), "results": queries.plan_results(plan),
                         "proof": queries.plan_proof(plan)})


class GradeListView(PublicView):
    group = "api-lists"

    @extend_schema(parameters=[Q_PARAM, PAGE_PARAM], responses=PAGE_SCHEMA)
    def get(self, request):
        """Evaluation grades in force (5A–1A) with their validity."""
        return _page_answer(request, _section(queries.grades(_q(request))), queries.grade_row)


class ProjectListView(PublicView):
    group = "api-lists"

    @extend_schema(parameters=[PAGE_PARAM], responses=PAGE_SCHEMA)
    def get(self, request):
        """Funded projects (awards): call, organization, amount, date, status."""
        return _page_answer(request, _section(queries.awards()), queries.award_row)


class ProjectCallListView(PublicView):
    group = "api-lists"

    @extend_schema(parameters=[PAGE_PARAM], responses=PAGE_SCHEMA)
    def get(self, request):
        """Calls for projects."""
        return _page_answer(request, _section(queries.project_calls()), queries.call_row)


class FiguresView(PublicView):
    group = "api-lists"

    @extend_schema(responses=inline_serializer("PublicFigures", {"results": serializers.ListField()}))
    def get(self, request):
        """Party-building figures at the levels the deployment publishes (no organization named)."""
        return Response({"results": queries.party_figures()}, status=status.HTTP_200_OK)


