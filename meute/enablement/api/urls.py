from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("certified-people", views.PersonCertificationViewSet, basename="certifiedperson")
router.register("certifications", views.CertificationViewSet, basename="certification")
router.register("courses", views.CourseViewSet, basename="course")
router.register("enrolments", views.EnrolmentViewSet, basename="enrolment")
router.register("quiz-attempts", views.QuizAttemptViewSet, basename="quizattempt")
router.register("course-sessions", views.CourseSessionViewSet, basename="coursesession")
router.register("session-registrations", views.SessionRegistrationViewSet, basename="sessionregistration")
router.register("module-feedback", views.ModuleFeedbackViewSet, basename="modulefeedback")
router.register("journeys", views.JourneyViewSet, basename="journey")
router.register("journey-steps", views.JourneyStepViewSet, basename="journeystep")
router.register("library-items", views.ContentItemViewSet, basename="contentitem")
router.register("support-contacts", views.SupportContactViewSet, basename="supportcontact")

urlpatterns = router.urls
