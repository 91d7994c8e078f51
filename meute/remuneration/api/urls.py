from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("remuneration-versions", views.RemunerationVersionViewSet, basename="remuneration-version")
router.register("payouts", views.PayoutViewSet, basename="payout")

urlpatterns = router.urls
