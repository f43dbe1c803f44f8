from rest_framework.routers import DefaultRouter

from . import views

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("credit-lists", views.CreditEntryViewSet, basename="credit-list")
router.register("penalties", views.PenaltyViewSet, basename="penalty")

urlpatterns = router.urls
