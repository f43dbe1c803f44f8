"""/api/v1/ of funded projects and matching: project-calls (with /eligibility/), project-experts,
project-applications (assign / award / reject / withdraw), project-reviews (submit / conflict), projects
(milestones / evaluations / complete), project-milestones (report / accept / pay), needs (/matches/), offers
(withdraw), matches (accept / decline / complete) and the figures.

Every viewset is a ScopedViewSet (visible_to for every action; outside → 404). Writes go through
projects.services, which decide who may take each step (403 otherwise): several steps belong to an organization's
own account (projects.apply) or to the expert a review is assigned to, so writes need only projects.view here."""

from django.contrib.auth import get_user_model
from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.response import Response
from rest_framework.views import APIView

from socorg.core.api.viewsets import READ, ScopedViewSet
from socorg.registry.models import SocialOrganization

from .. import queries, services
from ..filters import ApplicationFilter, MatchFilter, NeedFilter, OfferFilter, ProjectCallFilter, ProjectFilter
from ..models import Application, Expert, Match, Milestone, Need, Offer, Project, ProjectCall, Review
from . import serializers as s


class ProjectsPermission(BasePermission):
    """projects.view to read; to write, projects.change or projects.apply — or, for an expert's own review,
    projects.view (the service checks the exact right)."""

    def has_permission(self, request, view):
        user = request.user
        if not (user and user.is_authenticated):
            return False
        if request.method in SAFE_METHODS or getattr(view, "expert_actions", False):
            return user.has_capability("projects.view")
        return user.has_capability("projects.change") or user.has_capability("projects.apply")


class Base(ScopedViewSet):
    permission_classes = [ProjectsPermission]
    scope_domain = "projects"

    def organization(self, uscc: str, action: str = "apply") -> SocialOrganization:
        return self.scoped_object(SocialOrganization.objects, action=action, domain="projects",
                                  uscc=(uscc or "").strip().upper())


class ProjectCallViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, Base):
    """Calls for projects; an organization's own account sees the calls it may apply to."""

    queryset = ProjectCall.objects
    serializer_class = s.ProjectCallSerializer
    filterset_class = ProjectCallFilter

    def shape(self, queryset):
        return queryset.select_related("region").order_by("-opens_on", "-id")

    @extend_schema(request=s.ProjectCallInputSerializer, responses={201: s.ProjectCallSerializer})
    def create(self, request, *args, **kwargs):
        """Issue a call with its eligibility rules as configuration."""
        values = self.parsed(s.ProjectCallInputSerializer)
        values["rules_config"] = values.pop("rules")
        values["criteria"] = [dict(c) for c in values["criteria"]]
        call = services.call_create(actor=request.user, **values)
        return self.respond(call, status.HTTP_201_CREATED)

    @extend_schema(parameters=[OpenApiParameter("uscc", str, required=True,
                                                description="the organization's unified social credit code")],
                   responses=s.EligibilitySerializer)
    @action(detail=True, methods=["get"])
    def eligibility(self, request, pk=None):
        """Whether the organization may apply: every rule of the call, passed or not, with its reason."""
        call = self.get_object()
        uscc = self.parsed(s.EligibilityQuerySerializer, data=request.query_params)["uscc"]
        org = self.organization(uscc, action=READ)
        return Response(queries.eligibility_of(call, org))


class ExpertViewSet(mixins.ListModelMixin, Base):
    queryset = Expert.objects
    serializer_class = s.ExpertSerializer

    def shape(self, queryset):
        return queryset.select_related("user", "affiliation").order_by("name", "id")

    @extend_schema(request=s.ExpertInputSerializer, responses={201: s.ExpertSerializer})
    def create(self, request, *args, **kwargs):
        values = self.parsed(s.ExpertInputSerializer)
        user = get_user_model().objects.filter(username=values.pop("username"), is_active=True).first()
        uscc = values.pop("affiliation")
        affiliation = SocialOrganization.objects.filter(uscc=uscc.upper()).first() if uscc else None
        if user is None or (uscc and affiliation is None):
            from django.core.exceptions import ValidationError
            from django.utils.translation import gettext as _

            field = "username" if user is None else "affiliation"
            raise ValidationError({field: _("No such account or organization.")})
        expert = services.expert_add(actor=request.user, user=user, affiliation=affiliation, **values)
        return self.respond(expert, status.HTTP_201_CREATED)


class ApplicationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, Base):
    queryset = Application.objects
    serializer_class = s.ApplicationSerializer
    filterset_class = ApplicationFilter
    scope_actions = {"withdraw": "apply"}

    def shape(self, queryset):
        return queryset.select_related("organization", "call").order_by("-submitted_at", "-id")

    @extend_schema(request=s.ApplicationInputSerializer, responses={201: s.ApplicationSerializer})
    def create(self, request, *args, **kwargs):
        """Apply to a call for an organization; refused with the reasons (field "eligibility") when ineligible."""
        values = self.parsed(s.ApplicationInputSerializer)
        org = self.organization(values.pop("uscc"))
        call = self.scoped_object(ProjectCall.objects, action=READ, pk=values.pop("call"))
        values["budget_lines"] = [dict(line) for line in values["budget_lines"]]
        application = services.application_submit(actor=request.user, call=call, org=org, **values)
        return self.respond(application, status.HTTP_201_CREATED)

    @extend_schema(request=s.AssignInputSerializer, responses=s.ApplicationSerializer)
    @action(detail=True, methods=["post"])
    def assign(self, request, pk=None):
        """Assign experts of the pool (ids) to review the application."""
        application = self.get_object()
        ids = self.parsed(s.AssignInputSerializer)["experts"]
        experts = list(Expert.objects.visible_to(request.user, READ).filter(pk__in=ids))
        if len(experts) != len(set(ids)):
            raise Http404
        services.review_assign(actor=request.user, application=application, experts=experts)
        return self.respond(application)

    @extend_schema(request=s.AwardInputSerializer, responses={201: s.ProjectSerializer})
    @action(detail=True, methods=["post"])
    def award(self, request, pk=None):
        application = self.get_object()
        values = self.parsed(s.AwardInputSerializer)
        project = services.application_award(actor=request.user, application=application, **values)
        return Response(s.ProjectSerializer(project).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.ReasonInputSerializer, responses=s.ApplicationSerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        application = self.get_object()
        services.application_reject(actor=request.user, application=application,
                                    **self.parsed(s.ReasonInputSerializer))
        return self.respond(application)

    @extend_schema(request=None, responses=s.ApplicationSerializer)
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        application = self.get_object()
        services.application_withdraw(actor=request.user, application=application)
        return self.respond(application)


class ReviewViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, Base):
    """Expert reviews; scores are null to everyone but their expert until every review of the application is in."""

    queryset = Review.objects
    serializer_class = s.ReviewSerializer
    scope_actions = {"submit": READ, "conflict": READ}
    expert_actions = True

    def shape(self, queryset):
        return queryset.select_related("expert", "application").order_by("-id")

    @extend_schema(request=s.ScoresInputSerializer, responses=s.ReviewSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        review = self.get_object()
        values = self.parsed(s.ScoresInputSerializer)
        services.review_submit(actor=request.user, review=review, **values)
        return self.respond(review)

    @extend_schema(request=s.ReasonInputSerializer, responses=s.ReviewSerializer)
    @action(detail=True, methods=["post"])
    def conflict(self, request, pk=None):
        review = self.get_object()
        services.review_declare_conflict(actor=request.user, review=review, **self.parsed(s.ReasonInputSerializer))
        return self.respond(review)


class ProjectViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, Base):
    queryset = Project.objects
    serializer_class = s.ProjectSerializer
    filterset_class = ProjectFilter

    def shape(self, queryset):
        return (queryset.select_related("application__organization", "application__call")
                .prefetch_related("milestones__payment", "evaluations", "payments", "contributions__county")
                .order_by("-awarded_on", "-id"))

    @extend_schema(request=s.MilestoneInputSerializer, responses={201: s.MilestoneSerializer})
    @action(detail=True, methods=["post"])
    def milestones(self, request, pk=None):
        project = self.get_object()
        milestone = services.milestone_add(actor=request.user, project=project,
                                           **self.parsed(s.MilestoneInputSerializer))
        return Response(s.MilestoneSerializer(milestone).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.EvaluationInputSerializer, responses={201: s.EvaluationSerializer})
    @action(detail=True, methods=["post"])
    def evaluations(self, request, pk=None):
        """Record the mid-term or final evaluation."""
        project = self.get_object()
        evaluation = services.evaluation_record(actor=request.user, project=project,
                                                **self.parsed(s.EvaluationInputSerializer))
        return Response(s.EvaluationSerializer(evaluation).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.CompleteInputSerializer, responses=s.ProjectSerializer)
    @action(detail=True, methods=["post"])
    def complete(self, request, pk=None):
        """Record the outcome and close the project."""
        project = self.get_object()
        values = self.parsed(s.CompleteInputSerializer)
        values["contributions"] = [dict(c) for c in values["contributions"]]
        services.project_complete(actor=request.user, project=project, **values)
        return self.respond(project)

    @extend_schema(request=s.TerminateInputSerializer, responses=s.ProjectSerializer)
    @action(detail=True, methods=["post"])
    def terminate(self, request, pk=None):
        """Terminate the project: its milestones not yet accepted are cancelled and their tranches withheld."""
        project = self.get_object()
        services.project_terminate(actor=request.user, project=project, **self.parsed(s.TerminateInputSerializer))
        return self.respond(project)


class MilestoneViewSet(mixins.RetrieveModelMixin, Base):
    queryset = Milestone.objects
    serializer_class = s.MilestoneSerializer
    scope_actions = {"report": "apply"}

    @extend_schema(request=s.MilestoneReportInputSerializer, responses=s.MilestoneSerializer)
    @action(detail=True, methods=["post"])
    def report(self, request, pk=None):
        """The organization reports the milestone done."""
        milestone = self.get_object()
        services.milestone_report(actor=request.user, milestone=milestone,
                                  **self.parsed(s.MilestoneReportInputSerializer))
        return self.respond(milestone)

    @extend_schema(request=None, responses=s.MilestoneSerializer)
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        milestone = self.get_object()
        services.milestone_accept(actor=request.user, milestone=milestone)
        return self.respond(milestone)

    @extend_schema(request=s.PaymentInputSerializer, responses={201: s.PaymentSerializer})
    @action(detail=True, methods=["post"])
    def pay(self, request, pk=None):
        """Pay the milestone's tranche."""
        milestone = self.get_object()
        payment = services.payment_record(actor=request.user, milestone=milestone,
                                          **self.parsed(s.PaymentInputSerializer))
        return Response(s.PaymentSerializer(payment).data, status=status.HTTP_201_CREATED)


class NeedViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, Base):
    queryset = Need.objects
    serializer_class = s.NeedSerializer
    filterset_class = NeedFilter

    def shape(self, queryset):
        return queryset.select_related("region").order_by("-created_at", "-id")

    @extend_schema(request=s.NeedInputSerializer, responses={201: s.NeedSerializer})
    def create(self, request, *args, **kwargs):
        """Post a need; the category is a Chinese label of the vocabulary."""
        need = services.need_post(actor=request.user, **self.parsed(s.NeedInputSerializer))
        return self.respond(need, status.HTTP_201_CREATED)

    @extend_schema(methods=["GET"], request=None, responses=s.RankedOfferSerializer(many=True))
    @extend_schema(methods=["POST"], request=s.ProposeInputSerializer, responses={201: s.MatchSerializer})
    @action(detail=True, methods=["get", "post"])
    def matches(self, request, pk=None):
        """GET: the offers ranked for the need, each with its score and reasons. POST {"offer"}: propose one."""
        need = self.get_object()
        if request.method == "POST":
            # Any organization's offer may be proposed (the ranking lists offers beyond the poster's scope).
            offer = Offer.objects.filter(pk=self.parsed(s.ProposeInputSerializer)["offer"]).first()
            if offer is None:
                raise Http404
            match = services.match_propose(actor=request.user, need=need, offer=offer)
            return Response(s.MatchSerializer(match).data, status=status.HTTP_201_CREATED)
        ranked = queries.matches_for(need)
        # One serializer for the list: its fields are built once, not once per offer.
        shown = s.OfferSerializer([r["offer"] for r in ranked], many=True).data
        return Response([{"offer": offer, "score": r["score"], "reasons": r["reasons"]}
                         for offer, r in zip(shown, ranked, strict=True)])


class OfferViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, Base):
    queryset = Offer.objects
    serializer_class = s.OfferSerializer
    filterset_class = OfferFilter
    scope_actions = {"withdraw": "apply"}

    def shape(self, queryset):
        return queryset.select_related("organization").order_by("-created_at", "-id")

    @extend_schema(request=s.OfferInputSerializer, responses={201: s.OfferSerializer})
    def create(self, request, *args, **kwargs):
        """Post an offer for an organization: categories by Chinese label, service area by division codes."""
        values = self.parsed(s.OfferInputSerializer)
        org = self.organization(values.pop("uscc"))
        offer = services.offer_post(actor=request.user, org=org, **values)
        return self.respond(offer, status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=s.OfferSerializer)
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        offer = self.get_object()
        services.offer_withdraw(actor=request.user, offer=offer)
        return self.respond(offer)


class MatchViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, Base):
    """Matches: the need's side sees them by the need's region, the organization by its offer."""

    queryset = Match.objects
    serializer_class = s.MatchSerializer
    filterset_class = MatchFilter
    scope_actions = {"accept": READ, "decline": READ, "complete": READ}

    def shape(self, queryset):
        return queryset.select_related("need", "offer__organization").order_by("-proposed_at", "-id")

    @extend_schema(request=None, responses=s.MatchSerializer)
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        match = self.get_object()
        services.match_accept(actor=request.user, match=match)
        return self.respond(match)

    @extend_schema(request=s.ReasonInputSerializer, responses=s.MatchSerializer)
    @action(detail=True, methods=["post"])
    def decline(self, request, pk=None):
        match = self.get_object()
        services.match_decline(actor=request.user, match=match, **self.parsed(s.ReasonInputSerializer))
        return self.respond(match)

    @extend_schema(request=s.MatchCompleteInputSerializer, responses=s.MatchSerializer)
    @action(detail=True, methods=["post"])
    def complete(self, request, pk=None):
        """Record the engagement's outcome."""
        match = self.get_object()
        services.match_complete(actor=request.user, match=match, **self.parsed(s.MatchCompleteInputSerializer))
        return self.respond(match)


class FiguresView(APIView):
    """Projects and money by region, kind, category and year; the share to organizations with a party
    organization; 乡村振兴 by county; evaluation outcomes; needs met and time to match — over the caller's scope."""

    permission_classes = [ProjectsPermission]

    @extend_schema(responses={200: dict})
    def get(self, request):
        projects = Project.objects.visible_to(request.user, READ)
        needs = Need.objects.visible_to(request.user, READ)
        return Response({"projects": queries.project_figures(projects), "needs": queries.need_figures(needs)})
