from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("exchange-rates", views.ExchangeRateViewSet, basename="exchangerate")

urlpatterns = router.urls
