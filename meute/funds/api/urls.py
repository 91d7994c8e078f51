from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("fund-allocations", views.AllocationViewSet, basename="fundallocation")
router.register("fund-entries", views.EntryViewSet, basename="fundentry")
router.register("fund-requests", views.FundRequestViewSet, basename="fundrequest")
router.register("fund-claims", views.ClaimViewSet, basename="claim")
router.register("fund-attributions", views.AttributionViewSet, basename="activitydeal")

urlpatterns = router.urls
