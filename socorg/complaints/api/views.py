"""/api/v1/complaints/: the scoped list (the page's FilterSet), one complaint, intake, each workflow step, the
audited reveal of the complainant's contact, and the figures (by region, category, outcome, timeliness).

Rows come from ScopedViewSet (visible_to for every action: outside → 404, seen but not changeable → 403); writes go
through complaints.services."""

from django.core.exceptions import ValidationError
from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from socorg.core.api.viewsets import ScopedViewSet
from socorg.core.middleware import mark_no_store
from socorg.regions.models import Region

from .. import services
from ..filters import ComplaintFilter
from ..models import Complaint
from ..queries import complaint_figures, investigators
from .serializers import (
    AcceptInputSerializer,
    AssignInputSerializer,
    ComplainantRevealSerializer,
    ComplaintCreatedSerializer,
    ComplaintInputSerializer,
    ComplaintSerializer,
    ConcludeInputSerializer,
    FiguresQuerySerializer,
    InvestigateInputSerializer,
    ReplyInputSerializer,
)


class ComplaintViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """Complaints and reports (投诉举报) in the caller's scope. The complainant's contact appears masked; `reveal`
    returns it to users holding complaints.reveal, and the read is audited."""

    queryset = Complaint.objects
    serializer_class = ComplaintSerializer
    filterset_class = ComplaintFilter
    parser_classes = [JSONParser, MultiPartParser, FormParser]
    scope_actions = {"reveal": "reveal", "figures": "view"}

    def shape(self, queryset):
        return (queryset.select_related("region", "organization", "assignee")
                .prefetch_related("attachments").order_by("-received_on", "-pk"))

    @extend_schema(request=ComplaintInputSerializer, responses={201: ComplaintCreatedSerializer})
    def create(self, request, *args, **kwargs):
        """Record a complaint received by phone, letter, visit or referral; the answer carries the receipt number
        and, once, the status code for the complainant."""
        values = self.parsed(ComplaintInputSerializer)
        complaint = services.complaint_receive(actor=request.user, **values)
        code = complaint.lookup_code
        complaint = self.scoped_queryset("view").get(pk=complaint.pk)
        complaint.lookup_code = code
        return mark_no_store(self.respond(complaint, status.HTTP_201_CREATED,
                                          serializer_class=ComplaintCreatedSerializer, reread=False))

    @extend_schema(request=AcceptInputSerializer, responses=ComplaintSerializer)
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        """Accept, or not (with reasons)."""
        complaint = self.get_object()
        return self.respond(services.complaint_accept(complaint=complaint, actor=request.user,
                                                      **self.parsed(AcceptInputSerializer)))

    @extend_schema(request=AssignInputSerializer, responses=ComplaintSerializer)
    @action(detail=True, methods=["post"])
    def assign(self, request, pk=None):
        """Give the complaint to an investigator (a user name holding complaints.change over its region)."""
        complaint = self.get_object()
        values = self.parsed(AssignInputSerializer)
        assignee = investigators(complaint.region).filter(username=values.pop("assignee")).first()
        if assignee is None:
            raise ValidationError({"assignee": services.assignee_problem(complaint)})
        return self.respond(services.complaint_assign(complaint=complaint, actor=request.user, assignee=assignee,
                                                      **values))

    @extend_schema(request=InvestigateInputSerializer, responses=ComplaintSerializer)
    @action(detail=True, methods=["post"])
    def investigate(self, request, pk=None):
        complaint = self.get_object()
        return self.respond(services.complaint_investigate(complaint=complaint, actor=request.user,
                                                           **self.parsed(InvestigateInputSerializer)))

    @extend_schema(request=ConcludeInputSerializer, responses=ComplaintSerializer)
    @action(detail=True, methods=["post"])
    def conclude(self, request, pk=None):
        """Unfounded, or founded with a rectification order (deadline), a penalty or a referral."""
        complaint = self.get_object()
        return self.respond(services.complaint_conclude(complaint=complaint, actor=request.user,
                                                        **self.parsed(ConcludeInputSerializer)))

    @extend_schema(request=ReplyInputSerializer, responses=ComplaintSerializer)
    @action(detail=True, methods=["post"])
    def reply(self, request, pk=None):
        complaint = self.get_object()
        return self.respond(services.complaint_reply(complaint=complaint, actor=request.user,
                                                     **self.parsed(ReplyInputSerializer)))

    @extend_schema(request=None, responses=ComplainantRevealSerializer)
    @action(detail=True, methods=["post"])
    def reveal(self, request, pk=None):
        """The complainant's name, phone and contact in clear (needs complaints.reveal; written to the audit log)."""
        return mark_no_store(Response(services.complaint_reveal(complaint=self.get_object(), actor=request.user)))

    @extend_schema(parameters=[FiguresQuerySerializer], responses=dict)
    @action(detail=False, methods=["get"])
    def figures(self, request):
        """Figures of the complaints received in `year` (all years when omitted) under `region`: totals, by
        category and by child region (received, not accepted, under investigation, founded, unfounded, concluded
        on time / late, acceptance late, overdue now, escalated, organization not in the registry)."""
        query = FiguresQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        region = Region.objects.filter(code=query.validated_data["region"]).first()
        if region is None:
            raise Http404
        figures = complaint_figures(region=region, year=query.validated_data["year"], user=request.user)
        return Response(figures.as_json())
