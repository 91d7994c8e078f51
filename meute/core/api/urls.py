from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("organizations", views.OrganizationViewSet, basename="organization")
router.register("people", views.PersonViewSet, basename="person")
router.register("territories", views.TerritoryViewSet, basename="territory")
router.register("product-lines", views.ProductLineViewSet, basename="productline")
router.register("sectors", views.SectorViewSet, basename="sector")
router.register("tags", views.TagViewSet, basename="tag")

urlpatterns = router.urls
