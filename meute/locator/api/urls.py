from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("labels", views.LabelViewSet, basename="label")
router.register("label-awards", views.LabelAwardViewSet, basename="labelaward")
router.register("locator-profiles", views.LocatorProfileViewSet, basename="locatorprofile")
router.register("enquiries", views.EnquiryViewSet, basename="enquiry")

urlpatterns = router.urls
