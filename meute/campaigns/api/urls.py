from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("campaigns", views.CampaignViewSet, basename="campaign")
router.register("marketing-cooperations", views.CooperationViewSet, basename="marketingcooperation")

router.register("event-registrations", views.RegistrationViewSet, basename="eventregistration")

urlpatterns = router.urls
