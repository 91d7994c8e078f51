from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("grouping-advice", views.GroupingAdviceViewSet, basename="groupingadvice")
router.register("assessment-responses", views.AssessmentResponseViewSet, basename="assessmentresponse")
router.register("playbook-items", views.PlaybookItemViewSet, basename="playbookitem")
router.register("model-decisions", views.ModelDecisionViewSet, basename="modeldecision")

urlpatterns = router.urls
