"""Account pages. The system administrator creates, deactivates and resets accounts; the security administrator
grants and revokes roles, unlocks accounts and reads login failures. Views parse and render only: the rules (and the
capability checks) are in services.py, so every change is audited."""

from axes.models import AccessFailureLog
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch, Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from socorg.core.decorators import capability_required
from socorg.core.pagination import list_page, page_size

from . import otp, services
from .forms import (
    FailureFilterForm,
    GrantForm,
    OrgAccountsForm,
    OtpCodeForm,
    PasswordChangeForm,
    PasswordResetForm,
    UserCreateForm,
    UserFilterForm,
    apply_service_error,
)
from .models import RoleGrant, User
from .workbooks import XLSX, org_accounts_workbook


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def get_success_url(self):
        """After the password, an account that owes a second factor goes straight to its code (or enrolment) page."""
        url = super().get_success_url()
        if otp.needs_second_factor(self.request):
            view = "accounts:otp_verify" if self.request.session.get(otp.SESSION_ENROLLED) else "accounts:otp_setup"
            return f"{reverse(view)}?{urlencode({'next': url})}"
        return url

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["failure_limit"] = settings.AXES_FAILURE_LIMIT
        context["lockout_minutes"] = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
        return context


@login_required
def password_change(request):
    form = PasswordChangeForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.password_set(user=request.user, password=form.cleaned_data["new_password1"])
        update_session_auth_hash(request, request.user)
        messages.success(request, _("Your password has been changed."))
        return redirect("core:home")
    return render(request, "accounts/password_change.html", {"form": form})


def _abilities(user) -> dict[str, bool]:
    return {
        "manage": user.has_capability("accounts.manage"),
        "grant": user.has_capability("accounts.grant"),
        "unlock": user.has_capability("accounts.unlock"),
    }


@capability_required("accounts.manage", "accounts.view")
def user_list(request):
    form = UserFilterForm(request.GET or None)
    users = User.objects.order_by("username").prefetch_related(
        Prefetch("grants", queryset=RoleGrant.objects.select_related("region").order_by("role", "region_id"))
    )
    if form.is_valid():
        data = form.cleaned_data
        if data["q"]:
            users = users.filter(Q(username__icontains=data["q"]) | Q(display_name__icontains=data["q"]))
        if data["role"]:
            users = users.filter(grants__role=data["role"]).distinct()
        if data["status"] == "active":
            users = users.filter(is_active=True)
        elif data["status"] == "inactive":
            users = users.filter(is_active=False)
        elif data["status"] == "locked":
            users = users.filter(username__in=services.locked_usernames())
    page = list_page(request, users, page_size(request))
    locked = services.locked_usernames(u.username for u in page)
    return render(request, "accounts/user_list.html",
                  {"page": page, "form": form, "locked": locked, "can": _abilities(request.user)})


@capability_required("accounts.manage")
def user_create(request):
    form = UserCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = services.user_add(username=data["username"], display_name=data["display_name"],
                                     password=data["password1"], actor=request.user)
        except ValidationError as error:
            apply_service_error(form, error, {"password": "password1"})
        else:
            messages.success(request, _("Account “%(name)s” created. It has no role yet: the security administrator "
                                        "grants roles.") % {"name": user.username})
            return redirect("accounts:user_detail", pk=user.pk)
    return render(request, "accounts/user_form.html", {"form": form}, status=400 if form.errors else 200)


def _detail_context(request, account, **forms):
    failures = AccessFailureLog.objects.filter(username=account.username).order_by("-attempt_time")[:10]
    return {
        "account": account,
        "grants": account.grants.select_related("region", "granted_by").order_by("role", "region_id"),
        "locked": account.username in services.locked_usernames([account.username]),
        "failures": failures if request.user.has_capability("accounts.view") else [],
        "grant_form": forms.get("grant_form") or GrantForm(),
        "password_form": forms.get("password_form") or PasswordResetForm(),
        "can": _abilities(request.user),
        "is_self": account.pk == request.user.pk,
        "may_reset_password": _may_reset_password(request.user, account),
        "otp_enrolled": otp.is_enrolled(account),
        "otp_required": otp.required_for(account),
        "otp_codes_left": otp.recovery_codes_left(account),
        "may_reset_otp": _may_reset_otp(request.user, account),
    }


def _may_reset_otp(actor, account) -> bool:
    try:
        services.check_otp_reset_allowed(actor, account)
    except PermissionDenied:
        return False
    return True


def _may_reset_password(actor, account) -> bool:
    try:
        services.check_password_reset_allowed(actor, account)
    except PermissionDenied:
        return False
    return True


@capability_required("accounts.manage", "accounts.view")
def user_detail(request, pk: int):
    account = get_object_or_404(User, pk=pk)
    return render(request, "accounts/user_detail.html", _detail_context(request, account))


@capability_required("accounts.grant")
@require_POST
def user_grant(request, pk: int):
    account = get_object_or_404(User, pk=pk)
    form = GrantForm(request.POST)
    if form.is_valid():
        try:
            services.role_grant(user=account, role=form.cleaned_data["role"],
                                region_code=form.cleaned_data["region"], actor=request.user)
        except ValidationError as error:
            apply_service_error(form, error)
        else:
            messages.success(request, _("Role granted."))
            return redirect("accounts:user_detail", pk=account.pk)
    return render(request, "accounts/user_detail.html", _detail_context(request, account, grant_form=form),
                  status=400)


@capability_required("accounts.grant")
@require_POST
def grant_revoke(request, pk: int, grant_pk: int):
    grant = get_object_or_404(RoleGrant.objects.select_related("user"), pk=grant_pk, user_id=pk)
    services.role_revoke(grant=grant, actor=request.user)
    messages.success(request, _("Role revoked."))
    return redirect("accounts:user_detail", pk=pk)


@capability_required("accounts.manage")
@require_POST
def user_set_active(request, pk: int, active: bool):
    account = get_object_or_404(User, pk=pk)
    services.user_set_active(user=account, active=active, actor=request.user)
    messages.success(request, _("Account reactivated.") if active else _("Account deactivated."))
    return redirect("accounts:user_detail", pk=account.pk)


@capability_required("accounts.manage", "accounts.grant")  # who may reset whom: services.password_reset
@require_POST
def user_password_reset(request, pk: int):
    account = get_object_or_404(User, pk=pk)
    form = PasswordResetForm(request.POST)
    if form.is_valid():
        try:
            services.password_reset(user=account, password=form.cleaned_data["password1"], actor=request.user)
        except ValidationError as error:
            apply_service_error(form, error, {"password": "password1"})
        else:
            messages.success(request, _("Initial password set; the user must change it at the next login."))
            return redirect("accounts:user_detail", pk=account.pk)
    return render(request, "accounts/user_detail.html", _detail_context(request, account, password_form=form),
                  status=400)


@capability_required("accounts.unlock")
@require_POST
def user_unlock(request):
    username = request.POST.get("username", "").strip()
    services.login_unlock(username=username, actor=request.user)
    messages.success(request, _("Login failures of “%(name)s” cleared; the account can log in again.")
                     % {"name": username})
    target = request.POST.get("next", "")
    return redirect(target if target.startswith("/accounts/") else "accounts:login_failures")


@capability_required("accounts.view", "accounts.unlock")
def login_failures(request):
    """Recent login failures (axes' failure log) and the user names locked now."""
    form = FailureFilterForm(request.GET or None)
    failures = AccessFailureLog.objects.order_by("-attempt_time")
    if form.is_valid() and form.cleaned_data["username"]:
        failures = failures.filter(username__icontains=form.cleaned_data["username"])
    page = list_page(request, failures, page_size(request))
    locked = sorted(services.locked_usernames())
    return render(request, "accounts/login_failures.html",
                  {"page": page, "form": form, "locked": locked, "can": _abilities(request.user)})


@capability_required(services.ORG_ACCOUNT_CAPABILITY)
@never_cache  # the response carries one-time passwords
def org_accounts(request):
    """Bureau staff issue organizations' own accounts in bulk; the one-time passwords come back as a workbook."""
    form = OrgAccountsForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            issued = services.org_accounts_issue(usccs=form.lines(), actor=request.user)
        except ValidationError as error:
            apply_service_error(form, error)
        else:
            response = HttpResponse(org_accounts_workbook(issued), content_type=XLSX)
            stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
            response["Content-Disposition"] = f'attachment; filename="org-accounts-{stamp}.xlsx"'
            return response
    return render(request, "accounts/org_accounts.html", {"form": form}, status=400 if form.errors else 200)


# --- two-factor sign-in -------------------------------------------------------------------------------------------

def _next_url(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure()):
        return target
    return reverse("core:home")


def _with_next(viewname: str, request) -> str:
    return f"{reverse(viewname)}?{urlencode({'next': _next_url(request)})}"


def _signed_in_completely(request, device) -> None:
    """The session passed its second factor: remember the device in it (django-otp) and show pending notices."""
    from django_otp import login as otp_login

    from .signals import show_notices

    otp_login(request, device)
    request.session[otp.SESSION_ENROLLED] = True
    show_notices(request, request.user)


def _recovery_codes_page(request, codes, *, first_time: bool):
    response = render(request, "accounts/otp_recovery_codes.html",
                      {"codes": [otp.grouped(c) for c in codes], "first_time": first_time, "next": _next_url(request)})
    response["Cache-Control"] = "no-store"  # shown once: never kept by the browser or a proxy
    return response


@login_required
@never_cache
def otp_status(request):
    """The account's own two-factor sign-in: set up or not, recovery codes left, new recovery codes."""
    enrolled = otp.is_enrolled(request.user)
    return render(request, "accounts/otp_status.html", {
        "enrolled": enrolled, "required": otp.required_for(request.user),
        "device": otp.authenticator(request.user) if enrolled else None,
        "codes_left": otp.recovery_codes_left(request.user), "all_users": settings.SOCORG_2FA_ALL_USERS,
    })


@login_required
@never_cache
def otp_setup(request):
    """Enrol an authenticator app: scan the QR code (or type the secret), confirm with a code, get recovery codes."""
    user = request.user
    if otp.is_enrolled(user):
        if otp.is_verified(request):
            messages.info(request, _("Two-factor sign-in is already set up for this account."))
            return redirect("accounts:otp_status")
        return redirect(_with_next("accounts:otp_verify", request))
    device = services.otp_enrol_start(user=user)
    form = OtpCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            codes = services.otp_enrol_confirm(user=user, device=device, token=form.cleaned_data["token"])
        except ValidationError as error:
            apply_service_error(form, error)
        else:
            device.refresh_from_db()
            _signed_in_completely(request, device)
            return _recovery_codes_page(request, codes, first_time=True)
    context = {"form": form, "qr": otp.qr_data_uri(device), "secret": otp.secret_text(device),
               "uri": device.config_url, "required": otp.required_for(user), "next": _next_url(request)}
    return render(request, "accounts/otp_setup.html", context, status=400 if form.errors else 200)


@login_required
@never_cache
def otp_verify(request):
    """The second sign-in step: a code from the authenticator app or one recovery code."""
    if not otp.needs_second_factor(request):
        return redirect(_next_url(request))
    if not otp.is_enrolled(request.user):
        return redirect(_with_next("accounts:otp_setup", request))
    form = OtpCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device = services.otp_verify(user=request.user, token=form.cleaned_data["token"])
        except ValidationError as error:
            apply_service_error(form, error)
        else:
            _signed_in_completely(request, device)
            left = otp.recovery_codes_left(request.user)
            if device.persistent_id.startswith("otp_static.") and left <= 3:
                messages.warning(request, _("You signed in with a recovery code; %(n)d left. Make new ones on the "
                                            "two-factor sign-in page.") % {"n": left})
            return redirect(_next_url(request))
    return render(request, "accounts/otp_verify.html", {"form": form, "next": _next_url(request)},
                  status=400 if form.errors else 200)


@login_required
@require_POST
def otp_recovery_codes(request):
    """New recovery codes for the signed-in account (the old ones stop working), shown once."""
    try:
        codes = services.otp_recovery_regenerate(user=request.user)
    except ValidationError:
        return redirect("accounts:otp_setup")
    messages.success(request, _("New recovery codes made; the earlier ones no longer work."))
    return _recovery_codes_page(request, codes, first_time=False)


@capability_required("accounts.manage", "accounts.unlock")  # who may reset whom: services.check_otp_reset_allowed
@require_POST
def user_otp_reset(request, pk: int):
    account = get_object_or_404(User, pk=pk)
    try:
        services.otp_reset(user=account, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Two-factor sign-in of “%(name)s” reset: the account sets up an authenticator "
                                    "again at its next sign-in.") % {"name": account.username})
    return redirect("accounts:user_detail", pk=account.pk)
