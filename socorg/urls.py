from csp.decorators import csp_exempt
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from socorg.core import views as core_views
from socorg.public import views as public_views

api_v1 = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # Swagger UI starts itself with an inline script we cannot give a nonce: its page alone goes without the CSP.
    path("docs/", csp_exempt()(SpectacularSwaggerView.as_view(url_name="api-v1:schema")), name="docs"),
    path("", include("socorg.regions.api.urls")),
    path("", include("socorg.registry.api.urls")),
    path("", include("socorg.party.api.urls")),
    path("", include("socorg.coverage.api.urls")),
    path("", include("socorg.ledger.api.urls")),
    path("", include("socorg.activities.api.urls")),
    path("", include("socorg.alerts.api.urls")),
    path("", include("socorg.reports.api.urls")),
    path("", include("socorg.credit.api.urls")),
    path("", include("socorg.notices.api.urls")),
    path("", include("socorg.public.api.urls")),
    path("", include("socorg.complaints.api.urls")),
    path("", include("socorg.exits.api.urls")),
    path("", include("socorg.projects.api.urls")),
    path("", include("socorg.ratings.api.urls")),
    path("", include("socorg.inspections.api.urls")),
]

urlpatterns = [
    path("", include("socorg.core.urls")),
    path("accounts/", include("socorg.accounts.urls")),
    path("regions/", include("socorg.regions.urls")),
    path("orgs/", include("socorg.registry.urls")),
    path("party/", include("socorg.party.urls")),
    path("coverage/", include("socorg.coverage.urls")),
    path("ledger/", include("socorg.ledger.urls")),
    path("activities/", include("socorg.activities.urls")),
    path("alerts/", include("socorg.alerts.urls")),
    path("reports/", include("socorg.reports.urls")),
    path("credit/", include("socorg.credit.urls")),
    path("projects/", include("socorg.projects.urls")),
    path("notices/", include("socorg.notices.urls")),
    path("public/", include("socorg.public.urls")),
    path("captcha/", include("captcha.urls")),
    path("robots.txt", public_views.robots_txt, name="robots"),
    path("complaints/", include("socorg.complaints.urls")),
    path("ratings/", include("socorg.ratings.urls")),
    path("exits/", include("socorg.exits.urls")),
    path("inspections/", include("socorg.inspections.urls")),
    path("exports/", include("socorg.exports.urls")),
    path("api/v1/", include((api_v1, "api-v1"))),
    path("i18n/", include("django.conf.urls.i18n")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("healthz", core_views.healthz, name="healthz"),
]

handler404 = "socorg.core.views.page_not_found"
