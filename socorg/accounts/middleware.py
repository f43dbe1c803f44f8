import time
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from . import otp

SESSION_LAST_SEEN = "socorg_last_seen"
# Record activity at most once a minute: writing the session on every request costs three queries per page.
LAST_SEEN_RESOLUTION_SECONDS = 60


class IdleTimeoutMiddleware:
    """Ends a browser session after SOCORG_IDLE_MINUTES without a request (等保 2.0: idle-session logout)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated and hasattr(request, "session"):
            now = int(time.time())
            last_seen = request.session.get(SESSION_LAST_SEEN)
            if last_seen is not None and now - last_seen > settings.SOCORG_IDLE_MINUTES * 60:
                logout(request)
                messages.info(request, _("Your session ended after a period of inactivity. Please log in again."))
                if request.path.startswith("/api/"):
                    return self.get_response(request)
                return redirect(f"{reverse('accounts:login')}?next={request.path}")
            if last_seen is None or now - last_seen >= LAST_SEEN_RESOLUTION_SECONDS:
                request.session[SESSION_LAST_SEEN] = now
        return self.get_response(request)


class SecondFactorMiddleware:
    """A session that signed in with the password but must still give its second factor (accounts.otp) reaches only
    the code page — or, for an administrator without an authenticator, the enrolment page — and logging out.

    Costs no query once the session is verified; before that, the account's grants (cached for the request, which
    reads them anyway for scope)."""

    ALLOWED = ("/accounts/2fa/verify/", "/accounts/2fa/setup/", "/accounts/logout/", "/static/", "/i18n/", "/healthz")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.path.startswith(self.ALLOWED) and otp.needs_second_factor(request):
            if request.path.startswith("/api/"):
                # A browser session must not reach the API on the password alone; token clients are not affected
                # (DRF authenticates them after the middleware, so request.user is anonymous here).
                return JsonResponse({"detail": _("Complete the two-factor sign-in first.")}, status=403)
            enrolled = request.session.get(otp.SESSION_ENROLLED) or otp.is_enrolled(request.user)
            target = reverse("accounts:otp_verify" if enrolled else "accounts:otp_setup")
            if request.method == "GET" and request.path != "/":
                target += "?" + urlencode({"next": request.get_full_path()})
            return redirect(target)
        return self.get_response(request)


class ForcePasswordChangeMiddleware:
    """Sends a user who must change the password (first login, reset, expiry) to the change page before anything."""

    # The second factor comes first (SecondFactorMiddleware): whoever reset a password cannot change it again.
    ALLOWED = ("/accounts/password/", "/accounts/2fa/", "/accounts/logout/", "/static/", "/i18n/", "/healthz")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if (
            user.is_authenticated
            and not request.path.startswith(self.ALLOWED)
            and (user.must_change_password or user.password_expired(settings.SOCORG_PASSWORD_MAX_AGE_DAYS))
        ):
            if request.path.startswith("/api/"):
                # A browser session must not reach the API around the change; token clients are not affected
                # (DRF authenticates them after the middleware, so request.user is anonymous here).
                message = _("You must change your password before you continue.")
                return JsonResponse({"detail": message}, status=403)
            return redirect("accounts:password_change")
        return self.get_response(request)
