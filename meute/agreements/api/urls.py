from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("agreements", views.AgreementViewSet, basename="agreement")
router.register("agreement-acceptances", views.AcceptanceViewSet, basename="agreementacceptance")
router.register("agreement-settings", views.AgreementSettingViewSet, basename="agreementsetting")

urlpatterns = router.urls
