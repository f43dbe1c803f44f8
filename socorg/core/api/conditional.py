"""ETag / If-Match for API objects: a client that read an object sends its ETag back in If-Match when it updates;
if someone changed the object meanwhile the update answers 412 and writes nothing (no lost update).

A viewset lists ConditionalUpdateMixin first among its bases. PUT and PATCH then run in one transaction in which
get_object() locks the row and compares it with If-Match before the handler writes anything; GET of one object and
successful updates carry the ETag of the row as stored. Without If-Match an update is not checked."""

from django.db import transaction
from django.utils.translation import gettext_lazy as _
from rest_framework import status
from rest_framework.exceptions import APIException

from socorg.core.concurrency import version_of

UPDATES = ("PUT", "PATCH")


class PreconditionFailed(APIException):
    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_detail = _("The record was changed after you read it (its ETag no longer matches If-Match). Nothing "
                       "was saved: read it again and send the new ETag.")
    default_code = "precondition_failed"


def etag(obj) -> str:
    return f'"{version_of(obj)}"'


def _matches(header: str, obj) -> bool:
    tags = {tag.strip().removeprefix("W/") for tag in header.split(",")}
    return "*" in tags or etag(obj) in tags


class ConditionalUpdateMixin:
    def dispatch(self, request, *args, **kwargs):
        if request.method in UPDATES:
            with transaction.atomic():
                return super().dispatch(request, *args, **kwargs)
        return super().dispatch(request, *args, **kwargs)

    def get_object(self):
        obj = super().get_object()
        if self.request.method in UPDATES and not getattr(self, "_precondition_checked", False):
            self._precondition_checked = True
            obj = type(obj)._base_manager.select_for_update().get(pk=obj.pk)
            wanted = self.request.headers.get("If-Match")
            if wanted and not _matches(wanted, obj):
                raise PreconditionFailed()
            obj = super().get_object()  # the view's own queryset (annotations, related rows), now locked
        self._etag_object = obj
        return obj

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        obj = getattr(self, "_etag_object", None)
        if obj is not None and 200 <= response.status_code < 300 and self.action in ("retrieve", "update",
                                                                                        "partial_update"):
            if request.method in UPDATES:
                obj = type(obj)._base_manager.get(pk=obj.pk)  # as stored after the update
            response["ETag"] = etag(obj)
        return response
