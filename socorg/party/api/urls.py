from rest_framework.routers import DefaultRouter

from .views import InstructorViewSet, PartyMemberViewSet, PartyOrganizationViewSet

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("party-orgs", PartyOrganizationViewSet, basename="party-org")
router.register("members", PartyMemberViewSet, basename="party-member")
router.register("instructors", InstructorViewSet, basename="instructor")
urlpatterns = router.urls
