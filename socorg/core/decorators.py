"""View decorators shared by every app."""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied


def capability_required(*any_of: str):
    """The view needs a logged-in user holding at least one of the capabilities (in some region: the rows are then
    narrowed by `visible_to`). Anonymous users go to the login page; others without the capability get 403."""
    if not any_of:
        raise TypeError("capability_required() needs at least one capability")

    def decorator(view):
        @wraps(view)
        def checked(request, *args, **kwargs):
            if not any(request.user.has_capability(capability) for capability in any_of):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return login_required(checked)

    return decorator
