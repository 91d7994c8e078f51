from django.contrib import admin

from meute.lib.admin import register_read_only

from .models import (
    GovernanceMeeting,
    HealthSnapshot,
    Interaction,
    NetworkFigure,
    RevenueRollup,
    Survey,
    SurveyAnswer,
    SurveyInvitation,
    SurveyQuestion,
)


@admin.register(GovernanceMeeting)
class GovernanceMeetingAdmin(admin.ModelAdmin):
    list_display = ("title", "partnership", "level", "held_on")
    list_filter = ("level",)
    raw_id_fields = ("partnership", "attendees")


@admin.register(Interaction)
class InteractionAdmin(admin.ModelAdmin):
    list_display = ("partnership", "occurred_on", "kind", "department", "initiated_by")
    raw_id_fields = ("partnership", "partner_contact", "vendor_contact")


class QuestionInline(admin.TabularInline):
    model = SurveyQuestion
    extra = 0


@admin.register(Survey)
class SurveyAdmin(admin.ModelAdmin):
    list_display = ("title", "opens_on", "closes_on", "status")
    inlines = [QuestionInline]


# Snapshots, invitations and answers are written by their workflows only.
register_read_only(HealthSnapshot, SurveyInvitation, SurveyAnswer, RevenueRollup, NetworkFigure)
