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
from django.core.paginator import Paginator
from django.db.models import Prefetch, Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from socorg.core.decorators import capability_required
from socorg.core.pagination import page_size

from . import services
from .forms import (
    FailureFilterForm,
    GrantForm,
    OrgAccountsForm,
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
    page = Paginator(users, page_size(request)).get_page(request.GET.get("page"))
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
    }


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
    page = Paginator(failures, page_size(request)).get_page(request.GET.get("page"))
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
