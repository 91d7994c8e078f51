from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("leads", views.LeadViewSet, basename="lead")
router.register("lead-offers", views.LeadOfferViewSet, basename="leadoffer")
router.register("lead-capacities", views.LeadCapacityViewSet, basename="leadcapacity")

urlpatterns = router.urls
