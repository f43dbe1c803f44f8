"""ScopedViewSet: the base of every API viewset of the platform (the NetBox pattern), so that no viewset can forget
the scope.

The viewset names its model's manager (`queryset = Model.objects`) and, optionally, how its rows are shaped for
reading (`shape()`: related rows, annotations, order). It never writes `get_queryset()` itself (defining one is a
TypeError at import): the base builds every queryset as

    shape(Model.objects.visible_to(user, action))

for EVERY action — list, retrieve, updates, deletes and custom actions alike. Which action is asked of visible_to:

- a read (GET, HEAD, OPTIONS) asks "view", a write (POST, PUT, PATCH, DELETE) asks "change" (`write_scope` names
  another, e.g. "send" for notices);
- `scope_actions = {"<viewset action>": "<visible_to action>"}` states an exception by name: a POST that only reads
  (`{"find": "view"}`), or an action with its own capability (`{"reveal": "reveal"}` → members.reveal,
  `{"review": "review"}` → reports.review).

Rows that belong to one account rather than to a region (an inbox) name their model's own rule of the same
signature in `scope_method` (`addressed_to(user, action, domain=None)`).

A row outside that scope answers 404 (existence does not leak), with one refinement: a row the user may *see* but
not act on answers 403, as the services answer for it, since its existence is no secret to them.

One API style, three parts:
- a read serializer (`serializer_class`): what every answer about a row looks like;
- input serializers, one per write, parsed with `self.parsed(InputSerializer)` (400 with field errors);
- the write itself is the app's service, called with the parsed values and `actor=request.user`; the service's
  `ValidationError({field: message})` becomes 400 `{"field": ["message"]}` (core.api.exceptions), its
  `PermissionDenied` 403; `self.respond(obj)` answers with the row re-read through the read scope.

Lists use the common paginator (core.api.pagination.StandardPagination, the REST_FRAMEWORK default) and the app's
FilterSet built on core.filters.FilterSet (`filterset_class`). Related rows a write names (a coverage of a party
organization, the member a payment is for) are looked up with `self.scoped_object(...)`, which applies the same rule.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import status, viewsets
from rest_framework.permissions import SAFE_METHODS
from rest_framework.response import Response

from .permissions import CapabilityPermission

READ = "view"
WRITE = "change"


class KeptFilterSetBackend(DjangoFilterBackend):
    """DjangoFilterBackend that leaves the FilterSet on the view (`view.filterset`), for a view that needs what
    the FilterSet resolved (a list's total, the region of an export)."""

    def get_filterset(self, request, queryset, view):
        view.filterset = super().get_filterset(request, queryset, view)
        return view.filterset


# A GenericViewSet whose every queryset is `shape(queryset.visible_to(user, scope_action()))`. Combine it with DRF's
# mixins for the standard actions (ListModelMixin, RetrieveModelMixin, …) or write them with parsed() → service →
# respond(); list ConditionalUpdateMixin first for ETag / If-Match on updates. (A comment, not a docstring: the API
# schema would inherit it as the description of every operation of a viewset without a docstring of its own.)
class ScopedViewSet(viewsets.GenericViewSet):

    permission_classes = [CapabilityPermission]
    #: The model's manager (a core.scope.ScopedManager); `visible_to` is applied to it before anything else.
    queryset = None
    #: The capability domain CapabilityPermission requires (`<domain>.view` / `.change`); default: the model's.
    scope_domain: str | None = None
    #: The domain whose capability visible_to asks for (default: the model's own scope_domain), e.g. the
    #: organizations whose annual reports one may see: `visible_domain = "reports"` over SocialOrganization.
    visible_domain: str | None = None
    #: The visible_to action of a write (a domain whose writing capability is not called "change": notices.send).
    write_scope: str = WRITE
    #: Exceptions to "GET reads, everything else writes", by viewset action name.
    scope_actions: dict[str, str] = {}
    #: The queryset method that scopes the rows, called as method(user, action, domain=visible_domain): visible_to,
    #: or a model's own rule of the same signature for rows that belong to one account (an inbox: addressed_to).
    scope_method: str = "visible_to"

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        shadowed = {"parsed", "respond", "scoped_object", "scoped_queryset", "shape"} & {
            name for name, member in cls.__dict__.items() if hasattr(member, "mapping")}
        if shadowed:
            raise TypeError(f"{cls.__name__}: the action {sorted(shadowed)} hides a ScopedViewSet helper; name the "
                            "method otherwise and keep the address with @action(url_path=…, url_name=…).")
        if "get_queryset" in cls.__dict__:
            raise TypeError(f"{cls.__name__} defines get_queryset(): a ScopedViewSet's querysets are built by the "
                            "base (visible_to for every action); shape the rows in shape() instead.")

    # --- scope -----------------------------------------------------------------------------------------------

    def scope_action(self) -> str:
        """The visible_to action of this request: the viewset action's entry in scope_actions, else view for
        safe methods and change for the others."""
        named = self.scope_actions.get(getattr(self, "action", None))
        if named:
            return named
        request = getattr(self, "request", None)
        return READ if request is None or request.method in SAFE_METHODS else self.write_scope

    def shape(self, queryset):
        """The rows as this viewset reads them (select_related, prefetch, annotations, order). Never widens."""
        return queryset

    def scoped_queryset(self, action: str | None = None):
        """The rows the user may `action` (default: this request's scope action), shaped."""
        if self.queryset is None:
            raise TypeError(f"{type(self).__name__} names no queryset (the model's manager).")
        scope = getattr(self.queryset.all(), self.scope_method)
        return self.shape(scope(self.request.user, action or self.scope_action(), domain=self.visible_domain))

    def get_queryset(self):
        return self.scoped_queryset()

    def get_object(self):
        try:
            return super().get_object()
        except Http404:
            if self.scope_action() != READ:
                lookup = self.lookup_url_kwarg or self.lookup_field
                readable = self.filter_queryset(self.scoped_queryset(READ))
                if readable.filter(**{self.lookup_field: self.kwargs[lookup]}).exists():
                    raise PermissionDenied(_("You do not have permission for this action in this region.")) from None
            raise

    def scoped_object(self, queryset, *, action: str | None = None, domain: str | None = None, **lookup):
        """One related row by `lookup` among `queryset.visible_to(user, action)` (default: this request's scope
        action): 404 when the user may not see it, 403 when they may see it but not `action` it."""
        action = action or self.scope_action()
        user = self.request.user
        row = queryset.all().visible_to(user, action, domain=domain).filter(**lookup).first()
        if row is not None:
            return row
        if action != READ and queryset.all().visible_to(user, READ, domain=domain).filter(**lookup).exists():
            raise PermissionDenied(_("You do not have permission for this action in this region."))
        raise Http404

    # --- one API style: input serializer → service → read serializer -------------------------------------------

    def parsed(self, serializer_class, *, instance=None, partial: bool = False, data=None) -> dict:
        """The request's values, validated by the input serializer (400 naming the fields otherwise); `instance`
        is the row an update is about, for a model serializer's own validators."""
        serializer = serializer_class(instance, data=self.request.data if data is None else data, partial=partial,
                                      context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        return dict(serializer.validated_data)

    def respond(self, obj, status_code: int = status.HTTP_200_OK, *, serializer_class=None, reread: bool = True,
                context: dict | None = None, many: bool = False):
        """The read serializer's answer about `obj`, re-read (after a write) through the user's read scope;
        `context` adds to the serializer context (e.g. what the caller may see unmasked)."""
        if reread and not many:
            obj = self.scoped_queryset(READ).get(pk=obj.pk)
        serializer_class = serializer_class or self.get_serializer_class()
        serializer = serializer_class(obj, many=many, context={**self.get_serializer_context(), **(context or {})})
        return Response(serializer.data, status=status_code)
