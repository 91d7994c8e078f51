from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("deals", views.DealViewSet, basename="deal")
router.register("customers", views.CustomerViewSet, basename="customer")
router.register("deal-parties", views.DealPartyViewSet, basename="dealparty")
router.register("deal-matcher-weights", views.MatcherWeightsViewSet, basename="matcherweights")

urlpatterns = router.urls
