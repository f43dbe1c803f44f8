from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from . import services
from .forms import PasswordChangeForm
from .models import RoleGrant, User


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    redirect_authenticated_user = True


@login_required
def password_change(request):
    form = PasswordChangeForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.password_set(user=request.user, password=form.cleaned_data["new_password1"])
        update_session_auth_hash(request, request.user)
        messages.success(request, _("Your password has been changed."))
        return redirect("core:home")
    return render(request, "accounts/password_change.html", {"form": form})


@login_required
def user_list(request):
    user = request.user
    if not (user.has_capability("accounts.manage") or user.has_capability("accounts.view")):
        raise PermissionDenied
    query = request.GET.get("q", "").strip()
    users = User.objects.order_by("username").prefetch_related(
        Prefetch("grants", queryset=RoleGrant.objects.select_related("region"))
    )
    if query:
        users = users.filter(username__icontains=query)
    page = Paginator(users, 50).get_page(request.GET.get("page"))
    return render(request, "accounts/user_list.html", {"page": page, "q": query})
