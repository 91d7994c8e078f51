from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("governance-meetings", views.GovernanceMeetingViewSet, basename="governancemeeting")
router.register("partner-exchanges", views.InteractionViewSet, basename="interaction")
router.register("insights/partnerships", views.PartnershipInsightsViewSet, basename="partnershipinsights")
router.register("insights/network", views.NetworkViewSet, basename="insightsnetwork")
router.register("satisfaction-surveys", views.SurveyViewSet, basename="satisfactionsurvey")

urlpatterns = router.urls
