def navigation(request):
    """Capabilities the navigation bar needs, computed once per request."""
    user = getattr(request, "user", None)
    if not (user and user.is_authenticated):
        return {}
    return {
        "nav": {
            "registry": user.has_capability("registry.view"),
            "reports": user.has_capability("reports.view"),
            "audit": user.has_capability("audit.view"),
            "accounts": user.has_capability("accounts.manage") or user.has_capability("accounts.view"),
        },
        "scope_regions": user.scope_regions(),
    }
