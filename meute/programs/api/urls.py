from rest_framework.routers import SimpleRouter

from . import versions, views

router = SimpleRouter()
router.register("programs", views.ProgramViewSet, basename="program")
router.register("program-partner-types", views.ProgramPartnerTypeViewSet, basename="programpartnertype")
router.register("program-costs", views.ProgramCostViewSet, basename="programcost")
router.register("tiers", views.TierViewSet, basename="tier")
router.register("partner-tiers", views.PartnerTierViewSet, basename="partnertier")
router.register("tier-changes", views.TierChangeViewSet, basename="tierchange")
router.register("revenue-records", views.RevenueRecordViewSet, basename="revenuerecord")
router.register("partner-metrics", views.PartnerMetricViewSet, basename="partnermetric")
router.register("business-plans", views.BusinessPlanViewSet, basename="businessplan")
router.register("business-plan-objectives", views.ObjectiveViewSet, basename="objective")
router.register("ambassadors", views.AmbassadorViewSet, basename="ambassador")
versions.register(router)

urlpatterns = router.urls
