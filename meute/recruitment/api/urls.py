from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("profile-attributes", views.AttributeDefinitionViewSet, basename="attributedefinition")
router.register("profile-attribute-values", views.AttributeValueViewSet, basename="attributevalue")
router.register("scoring-profiles", views.ScoringProfileViewSet, basename="scoringprofile")
router.register("lookalikes", views.LookalikeViewSet, basename="lookalike")
router.register("candidates", views.CandidateViewSet, basename="candidate")
router.register(
    "qualification-questions", views.QualificationQuestionViewSet, basename="qualificationquestion"
)

urlpatterns = router.urls
