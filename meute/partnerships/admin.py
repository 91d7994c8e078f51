from django.contrib import admin

from .models import Partnership, PartnershipParty


class PartyInline(admin.TabularInline):
    model = PartnershipParty
    extra = 0
    autocomplete_fields = ("organization", "alliance_manager")
    readonly_fields = ("uuid",)


@admin.register(Partnership)
class PartnershipAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "collaboration_model", "stage", "status", "start_date")
    list_filter = ("kind", "collaboration_model", "stage", "status")
    search_fields = ("name",)
    readonly_fields = ("uuid", "created_at", "updated_at")
    filter_horizontal = ("territories", "product_lines", "sectors")
    inlines = [PartyInline]
