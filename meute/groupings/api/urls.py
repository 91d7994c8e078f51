from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("member-profiles", views.MemberProfileViewSet, basename="memberprofile")
router.register("match-proposals", views.MatchProposalViewSet, basename="matchproposal")
router.register("groupings", views.GroupingViewSet, basename="grouping")
router.register("grouping-pillars", views.PillarItemViewSet, basename="pillaritem")

urlpatterns = router.urls
