def navigation(request):
    """Capabilities the navigation bar needs, computed once per request."""
    user = getattr(request, "user", None)
    if not (user and user.is_authenticated):
        return {}
    return {
        "nav": {
            "registry": user.has_capability("registry.view"),
            "party": user.has_capability("party.view"),
            "coverage": user.has_capability("coverage.view"),
            "activities": user.has_capability("activities.view"),
            "alerts": user.has_capability("alerts.view"),
            "ledger": user.has_capability("ledger.import") or user.has_capability("ledger.export"),
            "reports": user.has_capability("reports.view"),
            # The label comes from the projects app's own catalog (socorg.projects.apps.NAV_LABEL).
            "projects": user.has_capability("projects.view") and _projects_label(),
            "complaints": user.has_capability("complaints.view"),
            "ratings": user.has_capability("ratings.view"),
            "exits": user.has_capability("exits.view"),
            "inspections": user.has_capability("inspections.view"),
            "credit": user.has_capability("credit.view"),
            "audit": user.has_capability("audit.view"),
            "accounts": user.has_capability("accounts.manage") or user.has_capability("accounts.view"),
        },
        "scope_regions": user.scope_regions(),
    }


def _projects_label() -> str:
    from socorg.projects.apps import NAV_LABEL

    return str(NAV_LABEL)
