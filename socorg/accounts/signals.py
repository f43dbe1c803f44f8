"""Audit of authentication events: logins, logouts, failed logins (Django's signals) and lockouts (axes' signal).

Each event writes one audit entry; the request context supplies the IP address and the request id."""

from axes.signals import user_locked_out
from django.contrib import messages
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver
from django.utils import timezone

from socorg.core.audit import audit_write, unauthenticated

from . import otp
from .models import Notice, User


def _account(username: str) -> User | None:
    return User.objects.filter(username=username).first() if username else None


@receiver(user_logged_in, dispatch_uid="socorg.accounts.audit_login")
def audit_login(sender, request, user, **kwargs):
    audit_write(action="accounts.login", obj=user, actor=user)


@receiver(user_logged_out, dispatch_uid="socorg.accounts.audit_logout")
def audit_logout(sender, request, user, **kwargs):
    if user is not None:  # logging out an anonymous session changes nothing
        audit_write(action="accounts.logout", obj=user, actor=user)


@receiver(user_login_failed, dispatch_uid="socorg.accounts.audit_login_failed")
def audit_login_failed(sender, credentials, request=None, **kwargs):
    # Django has already masked the password in `credentials`; only the user name typed is kept.
    username = str(credentials.get("username") or "")[:150]
    account = _account(username)
    audit_write(
        action="accounts.login.failed", obj=account, actor=unauthenticated(username),
        object_type="accounts.user", object_repr=username,
        after={"username": username, "known_account": account is not None},
    )


@receiver(user_locked_out, dispatch_uid="socorg.accounts.audit_locked_out")
def audit_locked_out(sender, request, username, ip_address, **kwargs):
    username = str(username or "")[:150]
    audit_write(
        action="accounts.login.locked", obj=_account(username), actor=unauthenticated(username),
        object_type="accounts.user", object_repr=username,
        after={"username": username, "ip_address": ip_address},
    )


@receiver(user_logged_in, dispatch_uid="socorg.accounts.show_notices")
def second_factor_or_notices(sender, request, user, **kwargs):
    """After the password: remember whether the account has an authenticator (it is then asked for a code, see
    otp.pending); an account signed in completely gets its notices now, one still owing its code after it."""
    if request is None or not hasattr(request, "session"):
        return
    request.session[otp.SESSION_ENROLLED] = otp.is_enrolled(user)
    if not otp.pending(user, request.session):
        show_notices(request, user)


def show_notices(request, user) -> None:
    """Security notices (e.g. an administrator's password was reset) are shown once, at the next complete sign-in."""
    notices = list(Notice.objects.filter(recipient=user, seen_at=None).order_by("created_at"))
    if not notices:
        return
    if request is not None and hasattr(request, "_messages"):
        for notice in notices:
            messages.warning(request, notice.text())
    Notice.objects.filter(pk__in=[n.pk for n in notices]).update(seen_at=timezone.now())
