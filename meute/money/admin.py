from django.contrib import admin

from meute.money.models import ExchangeRate


@admin.register(ExchangeRate)
class ExchangeRateAdmin(admin.ModelAdmin):
    list_display = ("from_currency", "to_currency", "rate", "valid_from")
    list_filter = ("from_currency", "to_currency")
    search_fields = ("from_currency", "to_currency")
    date_hierarchy = "valid_from"
    readonly_fields = ("uuid", "created_at", "updated_at")
