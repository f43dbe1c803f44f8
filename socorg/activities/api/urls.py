from rest_framework.routers import DefaultRouter

from .views import ActivityViewSet, DuesPaymentViewSet

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("activities", ActivityViewSet, basename="activity")
router.register("dues", DuesPaymentViewSet, basename="dues")
urlpatterns = router.urls
