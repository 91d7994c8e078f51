from django.urls import path

from .views import certified, contacts, courses, journeys, library

app_name = "enablement"

urlpatterns = [
    path("", courses.CatalogueView.as_view(), name="catalogue"),
    path("courses/new/", courses.CourseFormView.as_view(), name="course-create"),
    path("courses/<uuid:uuid>/", courses.CourseDetailView.as_view(), name="course-detail"),
    path("courses/<uuid:uuid>/edit/", courses.CourseFormView.as_view(), name="course-update"),
    path("courses/<uuid:uuid>/enrol/", courses.EnrolView.as_view(), name="course-enrol"),
    path("courses/<uuid:course>/modules/new/", courses.ModuleFormView.as_view(), name="module-create"),
    path("courses/<uuid:uuid>/sessions/new/", courses.SessionFormView.as_view(), name="session-create"),
    path("enrolments/<uuid:uuid>/withdraw/", courses.WithdrawView.as_view(), name="enrolment-withdraw"),
    path("enrolments/<uuid:uuid>/attempt/", courses.GrantAttemptView.as_view(), name="enrolment-grant"),
    path("modules/<uuid:uuid>/", courses.ModuleDetailView.as_view(), name="module-detail"),
    path("modules/<uuid:uuid>/edit/", courses.ModuleFormView.as_view(), name="module-update"),
    path("modules/<uuid:uuid>/complete/", courses.ModuleCompleteView.as_view(), name="module-complete"),
    path("modules/<uuid:uuid>/feedback/", courses.FeedbackView.as_view(), name="module-feedback"),
    path("modules/<uuid:uuid>/quiz/", courses.QuizView.as_view(), name="quiz"),
    path("modules/<uuid:uuid>/quiz/start/", courses.QuizStartView.as_view(), name="quiz-start"),
    path("attempts/<uuid:uuid>/submit/", courses.QuizSubmitView.as_view(), name="quiz-submit"),
    path("files/<uuid:uuid>/", courses.ModuleFileView.as_view(), name="module-file"),
    path("feedback/", courses.FeedbackListView.as_view(), name="feedback-list"),
    path("feedback/<uuid:uuid>/reply/", courses.FeedbackReplyView.as_view(), name="feedback-reply"),
    path("sessions/<uuid:uuid>/", courses.SessionDetailView.as_view(), name="session-detail"),
    path("sessions/<uuid:uuid>/register/", courses.SessionRegisterView.as_view(), name="session-register"),
    path("registrations/<uuid:uuid>/", courses.RegistrationUpdateView.as_view(), name="registration-update"),
    path("certifications/", certified.CertificationListView.as_view(), name="certification-list"),
    path("certifications/new/", certified.CertificationFormView.as_view(), name="certification-create"),
    path(
        "certifications/<uuid:uuid>/",
        certified.CertificationDetailView.as_view(),
        name="certification-detail",
    ),
    path(
        "certifications/<uuid:uuid>/edit/",
        certified.CertificationFormView.as_view(),
        name="certification-update",
    ),
    path("certificates/<uuid:uuid>/", certified.CertificateView.as_view(), name="certificate"),
    path("certificates/<uuid:uuid>/pdf/", certified.CertificatePdfView.as_view(), name="certificate-pdf"),
    path(
        "certificates/<uuid:uuid>/revoke/", certified.CertifiedRevokeView.as_view(), name="certificate-revoke"
    ),
    path("partners/<uuid:uuid>/", certified.PartnerEnablementView.as_view(), name="partner"),
    path("journeys/templates/", journeys.TemplateListView.as_view(), name="template-list"),
    path("journeys/templates/new/", journeys.TemplateFormView.as_view(), name="template-create"),
    path("journeys/templates/<uuid:uuid>/", journeys.TemplateFormView.as_view(), name="template-detail"),
    path("journeys/<uuid:uuid>/", journeys.JourneyDetailView.as_view(), name="journey-detail"),
    path("journeys/<uuid:uuid>/cancel/", journeys.JourneyCancelView.as_view(), name="journey-cancel"),
    path("journeys/steps/<uuid:uuid>/", journeys.StepUpdateView.as_view(), name="step-update"),
    path("partnerships/<uuid:uuid>/journey/", journeys.JourneyStartView.as_view(), name="journey-start"),
    path("contacts/", contacts.ContactListView.as_view(), name="contact-list"),
    path("contacts/new/", contacts.ContactFormView.as_view(), name="contact-create"),
    path("contacts/<uuid:uuid>/edit/", contacts.ContactFormView.as_view(), name="contact-update"),
    path("contacts/<uuid:uuid>/delete/", contacts.ContactDeleteView.as_view(), name="contact-delete"),
    path("library/", library.LibraryView.as_view(), name="library"),
    path("library/new/", library.ContentFormView.as_view(), name="content-create"),
    path("library/<uuid:uuid>/", library.ContentDetailView.as_view(), name="content-detail"),
    path("library/<uuid:uuid>/edit/", library.ContentFormView.as_view(), name="content-update"),
    path("library/<uuid:uuid>/versions/", library.VersionAddView.as_view(), name="content-version-add"),
    path(
        "library/files/<uuid:uuid>/", library.VersionDownloadView.as_view(), name="content-version-download"
    ),
]

# Certified people keep the addresses the programme pages gave them (mounted under /programs/).
programme_pages = [
    path("certified/", certified.CertifiedListView.as_view(), name="certified-list"),
    path("certified/import/", certified.CertifiedImportView.as_view(), name="certified-import"),
    path("certified/<uuid:uuid>/delete/", certified.CertifiedDeleteView.as_view(), name="certified-delete"),
]
