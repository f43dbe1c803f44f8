from rest_framework.routers import DefaultRouter

from .views import OrganizationViewSet

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("orgs", OrganizationViewSet, basename="org")
urlpatterns = router.urls
