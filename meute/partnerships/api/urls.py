from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("partnerships", views.PartnershipViewSet, basename="partnership")
router.register("partnership-parties", views.PartnershipPartyViewSet, basename="partnershipparty")

urlpatterns = router.urls
