from django.contrib import admin

from meute.lib.admin import register_read_only

from .models import (
    Certification,
    CertificationReminder,
    Choice,
    ContentDownload,
    ContentItem,
    ContentVersion,
    Course,
    CourseSession,
    Enrolment,
    Journey,
    JourneyStep,
    JourneyTemplate,
    Module,
    ModuleFeedback,
    ModuleFile,
    PersonCertification,
    Question,
    Quiz,
    QuizAttempt,
    SessionRegistration,
    SupportContact,
    TemplateStep,
)


class TemplateStepInline(admin.TabularInline):
    model = TemplateStep
    extra = 1
    exclude = ("uuid",)


@admin.register(JourneyTemplate)
class JourneyTemplateAdmin(admin.ModelAdmin):
    list_display = ("name", "program", "partner_type", "tier", "is_active")
    inlines = [TemplateStepInline]


class ChoiceInline(admin.TabularInline):
    model = Choice
    extra = 2


@admin.register(Question)
class QuestionAdmin(admin.ModelAdmin):
    list_display = ("__str__", "quiz", "kind")
    inlines = [ChoiceInline]


@admin.register(SupportContact)
class SupportContactAdmin(admin.ModelAdmin):
    """Reference data: the vendor's support contacts partners see on their portal."""

    list_display = ("name", "kind", "email", "language", "is_active")
    filter_horizontal = ("tiers", "territories")


for model in (Course, Module, Quiz, CourseSession, Certification, ContentItem):
    admin.site.register(model)

# Records a workflow owns (enrolments, attempts, certifications earned, journeys…): read-only here.
register_read_only(
    Journey,
    JourneyStep,
    ModuleFile,
    Enrolment,
    QuizAttempt,
    SessionRegistration,
    ModuleFeedback,
    PersonCertification,
    ContentVersion,
)


@admin.register(CertificationReminder, ContentDownload)
class LogAdmin(admin.ModelAdmin):
    """Logs of reminders sent and downloads: read-only."""

    list_display = ("__str__",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return request.method in ("GET", "HEAD") and super().has_view_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False
