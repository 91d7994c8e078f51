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
router.register("competitors", views.CompetitorViewSet, basename="competitor")
router.register(
    "competitor-partnerships", views.CompetitorPartnershipViewSet, basename="competitorpartnership"
)
router.register("channel-potentials", views.ChannelPotentialViewSet, basename="channelpotential")

urlpatterns = router.urls
