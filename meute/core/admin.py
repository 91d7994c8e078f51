from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from meute.lib.admin import register_read_only
from meute.lib.rights import FieldRightsAdminMixin

from .models import (
    ApiToken,
    ErasureRecord,
    Organization,
    OrganizationPartnerType,
    Person,
    ProductLine,
    Sector,
    Tag,
    Territory,
    User,
)


@admin.register(User)
class UserAdmin(FieldRightsAdminMixin, DjangoUserAdmin):
    list_display = ("username", "email", "role", "organization", "is_active")
    list_filter = ("role", "is_active")
    list_select_related = ("organization",)
    autocomplete_fields = ("organization",)
    fieldsets = (
        *DjangoUserAdmin.fieldsets,
        (_("Meute access"), {"fields": ("role", "organization")}),
    )


class PartnerTypeInline(admin.TabularInline):
    model = OrganizationPartnerType
    extra = 0


@admin.register(Organization)
class OrganizationAdmin(FieldRightsAdminMixin, admin.ModelAdmin):
    list_display = ("name", "city", "country", "siren", "is_operator")
    list_filter = ("is_operator", "country", "growth_trend")
    search_fields = ("name", "legal_name", "siren", "siret", "vat_number", "city")
    readonly_fields = ("uuid", "created_at", "updated_at")
    filter_horizontal = ("markets", "geographies", "offerings", "tags")
    inlines = [PartnerTypeInline]


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    list_display = ("last_name", "first_name", "organization", "email", "department", "is_active")
    list_filter = ("department", "role", "is_active")
    list_select_related = ("organization",)
    search_fields = ("last_name", "first_name", "email")
    autocomplete_fields = ("organization", "user")
    readonly_fields = ("uuid", "created_at", "updated_at")


@admin.register(Territory)
class TerritoryAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "kind", "country", "parent")
    list_filter = ("kind",)
    search_fields = ("name", "code")


@admin.register(ProductLine, Sector, Tag)
class ReferenceAdmin(admin.ModelAdmin):
    list_display = ("name", "code")
    search_fields = ("name", "code")


# Erasures are written by the privacy page and command only; API tokens by their owners.
register_read_only(ErasureRecord, ApiToken)
