"""API errors: field-keyed bodies (`{"uscc": ["…"]}`), translated, for Django and DRF validation errors alike.

Messages follow the caller's language (LocaleMiddleware: Accept-Language, else zh-Hans) through DRF's own catalogs. A
404 says only "not found" (未找到。): Django's get_object_or_404 message names the model class, an internal name."""

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions
from rest_framework.views import exception_handler as drf_exception_handler


def as_drf_error(error: DjangoValidationError) -> exceptions.ValidationError:
    if hasattr(error, "error_dict"):
        return exceptions.ValidationError({field: [str(m) for e in errs for m in e] for field, errs in
                                           error.error_dict.items()})
    return exceptions.ValidationError({"non_field_errors": [str(m) for m in error.messages]})


def exception_handler(exc, context):
    if isinstance(exc, DjangoValidationError):
        exc = as_drf_error(exc)
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    return drf_exception_handler(exc, context)
