from rest_framework.routers import DefaultRouter

from . import views

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("screening-runs", views.ScreeningRunViewSet, basename="screening-run")
router.register("screening-cases", views.ScreeningCaseViewSet, basename="screening-case")

urlpatterns = router.urls
