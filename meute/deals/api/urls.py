from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("deals", views.DealViewSet, basename="deal")
router.register("customers", views.CustomerViewSet, basename="customer")
router.register("deal-parties", views.DealPartyViewSet, basename="dealparty")

urlpatterns = router.urls
