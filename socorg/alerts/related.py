"""What a detail page shows of the work around a party organization or a social organization: its latest
organizational-life records and its open alerts (each list scoped to the viewer, empty without the capability)."""

from urllib.parse import urlencode

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _

from socorg.activities.models import Activity
from socorg.core.scope import can

from .choices import OPEN_STATUSES
from .models import Alert

SHOWN = 5


def recent_activities(user, party_org_ids) -> list:
    if not user.has_capability("activities.view"):
        return []
    return list(Activity.objects.visible_to(user, "view").filter(party_org_id__in=party_org_ids)
                .select_related("party_org").order_by("-date", "-pk")[:SHOWN])


def open_alerts(user, *, party_org_ids=(), organization=None) -> list:
    if not user.has_capability("alerts.view"):
        return []
    about = Q(party_org_id__in=party_org_ids)
    if organization is not None:
        about |= Q(organization=organization)
    return list(Alert.objects.visible_to(user, "view").filter(about, status__in=OPEN_STATUSES)
                .select_related("party_org", "organization").order_by("deadline", "-opened_on")[:SHOWN])


def related_work(user, *, party_orgs: list, organization=None) -> dict:
    """The context of alerts/includes/related_work.html for a party organization's page (one party organization)
    or a social organization's page (the party organizations covering it, and the organization itself)."""
    ids = [party_org.pk for party_org in party_orgs]
    single = party_orgs[0] if len(party_orgs) == 1 and organization is None else None
    activity_list = reverse("activities:list")
    if organization is not None:
        alerts_link = f"{reverse('alerts:list')}?{urlencode({'q': organization.uscc})}"
    else:
        alerts_link = f"{reverse('alerts:list')}?party_org={ids[0]}" if ids else ""
    return {
        "show_activities": user.has_capability("activities.view"),
        "activities": recent_activities(user, ids),
        "activity_links": [(_("All organizational life of %(name)s") % {"name": party_org.name},
                            f"{activity_list}?party_org={party_org.pk}") for party_org in party_orgs],
        "several_party_orgs": len(party_orgs) > 1,
        "record_for": single.pk if single else "",
        "can_record_activity": bool(single) and single.is_active and can(user, "activities.change", single.region_id),
        "show_alerts": user.has_capability("alerts.view"),
        "alerts": open_alerts(user, party_org_ids=ids, organization=organization),
        "alerts_link": alerts_link,
    }
