"""The public site's guards: per-IP rate limits answering 429 in Chinese (django-ratelimit), and isolation from the
internal site — a public view never reads the session nor the signed-in user (public() replaces both for the view),
so a staff member's session is never touched, extended or revealed by a public page."""

from functools import wraps

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django_ratelimit.core import is_ratelimited

from socorg.core.middleware import client_ip


class NoSession:
    """Stands in for request.session on public views: never read, never saved. It says it is not empty, so that
    SessionMiddleware leaves a signed-in visitor's session cookie alone (an empty session would be deleted)."""

    accessed = False
    modified = False
    session_key = None

    def is_empty(self) -> bool:
        return False

    def get(self, key, default=None):
        raise RuntimeError("public pages never read the internal session")

    __getitem__ = get
    __contains__ = get


def ip_key(group, request) -> str:
    return client_ip(request) or "unknown"


def limited(request, *, group: str, rate: str | None = None) -> bool:
    return is_ratelimited(request, group=group, key=ip_key, rate=rate or settings.SOCORG_PUBLIC_RATE, increment=True)


def too_many(request, *, api: bool):
    message = _("Too many requests from your address. Please wait a minute and try again.")
    if api:
        response = JsonResponse({"detail": message}, status=429)
    else:
        response = render(request, "public/too_many.html", {"message": message}, status=429)
    response["Retry-After"] = "60"
    return response


def public(group: str, *, api: bool = False, rate: str | None = None):
    """Decorator of every public view: no session, no user, the per-IP limit of its group."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            request.session = NoSession()
            request.user = AnonymousUser()
            if limited(request, group=f"public:{group}", rate=rate):
                return too_many(request, api=api)
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


PUBLIC_PATHS = ("/public/", "/api/v1/public/", "/robots.txt", "/captcha/")


class PublicIsolationMiddleware:
    """Before any middleware reads the signed-in user (idle timeout, forced password change): on the public site the
    session and the user are replaced by empty stand-ins, so a staff member's session is neither read nor extended
    nor sent back (no Vary: Cookie, no session cookie)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path.startswith(PUBLIC_PATHS):
            request.session = NoSession()
            request.user = AnonymousUser()
        return self.get_response(request)
