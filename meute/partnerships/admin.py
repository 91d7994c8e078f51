from django.contrib import admin

from meute.lib.rights import FieldRightsAdminMixin

from .choices import PartnershipKind
from .models import Partnership, PartnershipParty


class PartyInline(admin.TabularInline):
    """A channel partnership's parties; a grouping's members change through the grouping's own functions
    (``partnerships.parties.require_generic_door``), so they are shown read-only here."""

    model = PartnershipParty
    extra = 0
    autocomplete_fields = ("organization", "alliance_manager")
    readonly_fields = ("uuid",)

    def _grouping(self, obj) -> bool:
        return obj is not None and obj.kind == PartnershipKind.GROUPING

    def has_add_permission(self, request, obj=None):
        return not self._grouping(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return not self._grouping(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not self._grouping(obj) and super().has_delete_permission(request, obj)


@admin.register(Partnership)
class PartnershipAdmin(FieldRightsAdminMixin, admin.ModelAdmin):
    list_display = ("name", "kind", "collaboration_model", "stage", "status", "start_date")
    list_filter = ("kind", "collaboration_model", "stage", "status")
    search_fields = ("name",)
    readonly_fields = ("uuid", "created_at", "updated_at")
    filter_horizontal = ("territories", "product_lines", "sectors")
    inlines = [PartyInline]
