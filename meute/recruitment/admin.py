from django.contrib import admin

from meute.lib.admin import register_read_only

from .models import (
    Activity,
    AttributeDefinition,
    AttributeValue,
    Candidate,
    CriteriaGroup,
    Criterion,
    QualificationAnswer,
    QualificationQuestion,
    RecruiterCapacity,
    ScoringProfile,
    StageChange,
)


@admin.register(AttributeDefinition)
class AttributeDefinitionAdmin(admin.ModelAdmin):
    list_display = ("label", "code", "kind", "is_active")


@admin.register(QualificationQuestion)
class QualificationQuestionAdmin(admin.ModelAdmin):
    list_display = ("text", "pillar", "weight", "is_active")


@admin.register(RecruiterCapacity)
class RecruiterCapacityAdmin(admin.ModelAdmin):
    list_display = ("user", "capacity")


class CriterionInline(admin.TabularInline):
    model = Criterion
    extra = 1
    exclude = ("uuid",)


@admin.register(CriteriaGroup)
class CriteriaGroupAdmin(admin.ModelAdmin):
    list_display = ("name", "profile", "weight")
    inlines = [CriterionInline]


@admin.register(ScoringProfile)
class ScoringProfileAdmin(admin.ModelAdmin):
    list_display = ("name", "kind")


# The pipeline's records change through its workflow (pipeline.py) only.
register_read_only(AttributeValue, Candidate, StageChange, Activity, QualificationAnswer)
