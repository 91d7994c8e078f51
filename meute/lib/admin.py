"""The Django admin for records that a workflow owns: readable by administrators, never edited there.

Deal decisions, payouts, signatures, tier changes… change through their domain functions (rights, rules,
audit, notifications); an admin form would bypass all of that, so these pages only show the rows.
"""

from django.contrib import admin


class ReadOnlyAdmin(admin.ModelAdmin):
    list_display = ("__str__", "updated_at")
    list_per_page = 50
    show_full_result_count = False  # a count over millions of rows costs more than the page

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in self.model._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return request.method in ("GET", "HEAD") and super().has_view_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False


def register_read_only(*models) -> None:
    for model in models:
        admin.site.register(model, ReadOnlyAdmin)
