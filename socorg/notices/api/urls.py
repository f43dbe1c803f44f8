from rest_framework.routers import DefaultRouter

from . import views

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("notices", views.NoticeViewSet, basename="notice")
router.register("my-notices", views.MyNoticeViewSet, basename="my-notice")
urlpatterns = router.urls
