from rest_framework.permissions import SAFE_METHODS, BasePermission


class CapabilityPermission(BasePermission):
    """Requires the view's domain capability: `<scope_domain>.view` to read, `<scope_domain>.change` to write.

    Row-level scope is applied by the view's queryset (visible_to); this only stops a user with no such role at
    all, so they get 403 rather than an empty list."""

    def has_permission(self, request, view):
        user = request.user
        if not (user and user.is_authenticated):
            return False
        domain = getattr(view, "scope_domain", None) or view.get_queryset().model.scope_domain
        action = "view" if request.method in SAFE_METHODS else "change"
        return user.has_capability(f"{domain}.{action}")
