from django.contrib import admin

from .models import Lead, LeadCapacity, LeadOffer, RoutingDecision


class OfferInline(admin.TabularInline):
    model = LeadOffer
    extra = 0
    can_delete = False
    fields = ("partnership", "status", "offered_at", "deadline", "responded_at", "decline_reason")
    readonly_fields = fields


@admin.register(Lead)
class LeadAdmin(admin.ModelAdmin):
    list_display = ("company_name", "city", "territory", "status", "partnership", "created_at")
    list_filter = ("status", "source")
    list_select_related = ("territory", "partnership")
    search_fields = ("company_name", "city", "siren")
    readonly_fields = (
        "uuid",
        "status",
        "partnership",
        "accepted_at",
        "unassigned_reason",
        "closed_at",
        "deal",
    )
    filter_horizontal = ("product_lines",)
    inlines = [OfferInline]


@admin.register(LeadCapacity)
class LeadCapacityAdmin(admin.ModelAdmin):
    list_display = ("partnership", "max_open_leads")
    list_select_related = ("partnership",)
    search_fields = ("partnership__name",)
    autocomplete_fields = ("partnership",)


@admin.register(RoutingDecision)
class RoutingDecisionAdmin(admin.ModelAdmin):
    list_display = ("lead", "trigger", "chosen", "created_at")
    list_filter = ("trigger",)
    list_select_related = ("lead", "chosen")
    readonly_fields = ("lead", "trigger", "actor", "chosen", "explanation", "created_at")
