"""/api/v1/party-orgs/, /api/v1/members/, /api/v1/instructors/ (+ coverages, assignments, reveal).

ScopedViewSets (core.api.viewsets): reads are confined to visible_to(user, "view"), writes to the change scope
(outside the scope → 404; a row the user may see but not change → 403); `find` reads, `reveal` needs members.reveal.
Writes parse input here and go through party.services, which refuse a region outside the user's change scope (403)
and write nothing on failure. Nothing
is deleted: party organizations are dissolved, members leave, instructors leave the post, coverages and
assignments end, so history and statistics stay traceable."""

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.response import Response

from socorg.core.api.conditional import ConditionalUpdateMixin
from socorg.core.api.viewsets import ScopedViewSet
from socorg.core.middleware import mark_no_store

from .. import queries, services
from ..filters import InstructorFilter, PartyMemberFilter, PartyOrganizationFilter, lookup_keys
from ..models import Instructor, PartyMember, PartyOrganization
from . import serializers as s


def visible_party_org(user, pk, field: str) -> PartyOrganization | None:
    if pk in (None, ""):
        return None
    party_org = PartyOrganization.objects.visible_to(user, "view").filter(pk=pk).first()
    if party_org is None:
        raise ValidationError({field: _("No party organization with id %(id)s exists in your regions.") % {"id": pk}})
    return party_org


class _ReadCreateUpdate(ConditionalUpdateMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    http_method_names = ["get", "post", "put", "patch", "head", "options"]


class PartyOrganizationViewSet(_ReadCreateUpdate):
    """Party organizations (党组织) in the caller's regions, with the organizations they cover today."""

    queryset = PartyOrganization.objects
    serializer_class = s.PartyOrganizationSerializer
    filterset_class = PartyOrganizationFilter
    scope_domain = "party"

    def shape(self, queryset):
        return queries.party_org_rows(queryset).prefetch_related(queries.current_coverages_prefetch())

    def _values(self, data: dict, *, creating: bool) -> dict:
        user = self.request.user
        if "parent" in data:
            data["parent"] = visible_party_org(user, data["parent"], "parent")
        if creating:
            data["organizations"] = [services.resolve_organization(u, user, "organizations")
                                     for u in data.get("organizations", [])]
        else:
            data.pop("organizations", None)
            data.pop("coverage_start_on", None)
        return data

    @extend_schema(request=s.PartyOrganizationWriteSerializer, responses={201: s.PartyOrganizationSerializer})
    def create(self, request, *args, **kwargs):
        data = self._values(self.parsed(s.PartyOrganizationWriteSerializer), creating=True)
        party_org = services.party_org_create(actor=request.user, **data)
        return self.respond(party_org, status.HTTP_201_CREATED)

    @extend_schema(request=s.PartyOrganizationWriteSerializer, responses=s.PartyOrganizationSerializer)
    def update(self, request, *args, **kwargs):
        party_org = self.get_object()
        partial = kwargs.pop("partial", False)
        data = self._values(self.parsed(s.PartyOrganizationWriteSerializer, partial=partial), creating=False)
        party_org = services.party_org_update(party_org=party_org, actor=request.user, **data)
        return self.respond(party_org)

    @extend_schema(request=s.PartyOrganizationWriteSerializer, responses=s.PartyOrganizationSerializer)
    def partial_update(self, request, *args, **kwargs):
        return self.update(request, *args, partial=True, **kwargs)

    @extend_schema(request=s.DissolveSerializer, responses=s.PartyOrganizationSerializer)
    @action(detail=True, methods=["post"])
    def dissolve(self, request, pk=None):
        """Dissolve (撤销) the party organization on `dissolved_on`; its open coverages end that day."""
        data = self.parsed(s.DissolveSerializer)
        party_org = services.party_org_dissolve(party_org=self.get_object(), actor=request.user, **data)
        return self.respond(party_org)

    @extend_schema(methods=["get"], responses=s.CoveredOrganizationSerializer(many=True))
    @extend_schema(methods=["post"], request=s.CoverageAddSerializer, responses={201: s.CoveredOrganizationSerializer})
    @action(detail=True, methods=["get", "post"], filterset_class=None, pagination_class=None)
    def coverages(self, request, pk=None):
        """GET: every coverage, past and current. POST: cover another organization (`organization` = USCC)."""
        party_org = self.get_object()
        if request.method == "GET":
            rows = party_org.coverages.select_related("organization").order_by("-start_on", "-pk")
            return Response(s.CoveredOrganizationSerializer(rows, many=True).data)
        data = self.parsed(s.CoverageAddSerializer)
        organization = services.resolve_organization(data["organization"], request.user)
        coverage = services.coverage_add(party_org=party_org, organization=organization,
                                         start_on=data.get("start_on"), actor=request.user)
        return Response(s.CoveredOrganizationSerializer(coverage).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.EndSerializer, responses=s.CoveredOrganizationSerializer)
    @action(detail=True, methods=["post"], url_path=r"coverages/(?P<coverage_id>\d+)/end", filterset_class=None)
    def end_coverage(self, request, pk=None, coverage_id=None):
        """End a coverage on `end_on` (default today)."""
        party_org = self.get_object()
        coverage = get_object_or_404(party_org.coverages.select_related("party_org"), pk=coverage_id)
        coverage = services.coverage_end(coverage=coverage, end_on=self.parsed(s.EndSerializer).get("end_on"),
                                         actor=request.user)
        return Response(s.CoveredOrganizationSerializer(coverage).data)


def _found(view, serializer_class, key: str):
    data = view.parsed(serializer_class)
    value = lookup_keys(data).get(key, "-")
    rows = view.filter_queryset(view.get_queryset()).filter(**{key: value})
    page = view.paginate_queryset(rows)
    return view.get_paginated_response(view.get_serializer(page, many=True).data)


class PartyMemberViewSet(_ReadCreateUpdate):
    """Party members (党员). ID numbers and phones appear masked; `reveal` returns them to users holding
    members.reveal, and the read is audited. An ID number is looked up by POST to `find/` (never in the address)."""

    queryset = PartyMember.objects
    serializer_class = s.PartyMemberSerializer
    filterset_class = PartyMemberFilter
    scope_domain = "members"
    scope_actions = {"find": "view", "reveal": "reveal"}

    def shape(self, queryset):
        return queries.member_rows(queryset)

    def _values(self, data: dict) -> dict:
        user = self.request.user
        if "party_org" in data:
            data["party_org"] = visible_party_org(user, data["party_org"], "party_org")
        if "employer" in data:
            uscc = data["employer"]
            data["employer"] = services.resolve_organization(uscc, user, "employer") if uscc else None
        return data

    @extend_schema(request=s.PartyMemberWriteSerializer, responses={201: s.PartyMemberSerializer})
    def create(self, request, *args, **kwargs):
        data = self._values(self.parsed(s.PartyMemberWriteSerializer))
        member = services.member_add(actor=request.user, **data)
        return self.respond(member, status.HTTP_201_CREATED)

    @extend_schema(request=s.PartyMemberWriteSerializer, responses=s.PartyMemberSerializer)
    def update(self, request, *args, **kwargs):
        member = self.get_object()
        partial = kwargs.pop("partial", False)
        data = self._values(self.parsed(s.PartyMemberWriteSerializer, partial=partial))
        member = services.member_update(member=member, actor=request.user, **data)
        return self.respond(member)

    @extend_schema(request=s.PartyMemberWriteSerializer, responses=s.PartyMemberSerializer)
    def partial_update(self, request, *args, **kwargs):
        return self.update(request, *args, partial=True, **kwargs)

    @extend_schema(request=s.FindMemberSerializer, responses=s.PartyMemberSerializer(many=True))
    @action(detail=False, methods=["post"])
    def find(self, request):
        """Members with this ID number (sent in the body, never in the address), as the list answers them."""
        return _found(self, s.FindMemberSerializer, "id_number_index")

    @extend_schema(request=None, responses=s.RevealSerializer)
    @action(detail=True, methods=["post"])
    def reveal(self, request, pk=None):
        """The plaintext ID number and phone (needs members.reveal; written to the audit log)."""
        return mark_no_store(Response(services.member_reveal(member=self.get_object(), actor=request.user)))

    @extend_schema(request=s.LeaveSerializer, responses=s.PartyMemberSerializer)
    @action(detail=True, methods=["post"])
    def leave(self, request, pk=None):
        """The member leaves (transfer out, death, …) on `left_on`: the record stays, inactive."""
        data = self.parsed(s.LeaveSerializer)
        member = services.member_leave(member=self.get_object(), actor=request.user, left_on=data.get("left_on"))
        return self.respond(member)


class InstructorViewSet(_ReadCreateUpdate):
    """Party-building instructors (党建工作指导员) and committee liaisons, with their current assignments."""

    queryset = Instructor.objects
    serializer_class = s.InstructorSerializer
    filterset_class = InstructorFilter
    scope_domain = "party"
    scope_actions = {"find": "view"}

    def shape(self, queryset):
        return queries.instructor_rows(queryset)

    @extend_schema(request=s.FindInstructorSerializer, responses=s.InstructorSerializer(many=True))
    @action(detail=False, methods=["post"])
    def find(self, request):
        """Instructors with this phone (sent in the body, never in the address)."""
        return _found(self, s.FindInstructorSerializer, "phone_index")

    @extend_schema(request=s.InstructorWriteSerializer, responses={201: s.InstructorSerializer})
    def create(self, request, *args, **kwargs):
        instructor = services.instructor_create(actor=request.user, **self.parsed(s.InstructorWriteSerializer))
        return self.respond(instructor, status.HTTP_201_CREATED)

    @extend_schema(request=s.InstructorWriteSerializer, responses=s.InstructorSerializer)
    def update(self, request, *args, **kwargs):
        instructor = self.get_object()
        partial = kwargs.pop("partial", False)
        data = self.parsed(s.InstructorWriteSerializer, partial=partial)
        instructor = services.instructor_update(instructor=instructor, actor=request.user, **data)
        return self.respond(instructor)

    @extend_schema(request=s.InstructorWriteSerializer, responses=s.InstructorSerializer)
    def partial_update(self, request, *args, **kwargs):
        return self.update(request, *args, partial=True, **kwargs)

    @extend_schema(request=s.LeaveSerializer, responses=s.InstructorSerializer)
    @action(detail=True, methods=["post"])
    def leave(self, request, pk=None):
        """The instructor leaves the post on `left_on`; open assignments end that day."""
        data = self.parsed(s.LeaveSerializer)
        instructor = services.instructor_leave(instructor=self.get_object(), actor=request.user,
                                               left_on=data.get("left_on"))
        return self.respond(instructor)

    @extend_schema(methods=["get"], responses=s.AssignmentSerializer(many=True))
    @extend_schema(methods=["post"], request=s.AssignmentAddSerializer, responses={201: s.AssignmentSerializer})
    @action(detail=True, methods=["get", "post"], filterset_class=None, pagination_class=None)
    def assignments(self, request, pk=None):
        """GET: every assignment, past and current. POST: assign to an organization (`organization` = USCC)."""
        instructor = self.get_object()
        if request.method == "GET":
            rows = instructor.assignments.select_related("organization").order_by("-start_on", "-pk")
            return Response(s.AssignmentSerializer(rows, many=True).data)
        data = self.parsed(s.AssignmentAddSerializer)
        organization = services.resolve_organization(data["organization"], request.user)
        assignment = services.assignment_add(instructor=instructor, organization=organization,
                                             start_on=data.get("start_on"), actor=request.user)
        return Response(s.AssignmentSerializer(assignment).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.EndSerializer, responses=s.AssignmentSerializer)
    @action(detail=True, methods=["post"], url_path=r"assignments/(?P<assignment_id>\d+)/end", filterset_class=None)
    def end_assignment(self, request, pk=None, assignment_id=None):
        """End an assignment on `end_on` (default today)."""
        instructor = self.get_object()
        assignment = get_object_or_404(instructor.assignments.select_related("instructor"), pk=assignment_id)
        assignment = services.assignment_end(assignment=assignment, actor=request.user,
                                             end_on=self.parsed(s.EndSerializer).get("end_on"))
        return Response(s.AssignmentSerializer(assignment).data)
