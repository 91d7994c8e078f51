"""Shared REST API plumbing: permissions from ``meute.lib.access`` and pagination.

The error format lives in ``meute.lib.api_errors``.
"""

from rest_framework import permissions
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response

from . import access, exports
from .api_export import wants_table
from .pagination import KeysFirstPaginator


class RolePermission(permissions.BasePermission):
    """Reads for every signed-in user (rows are already scoped); writes by role, per ``meute.lib.access``."""

    def has_permission(self, request, view):
        user = request.user
        if not (user and user.is_authenticated and user.is_active):
            return False
        if request.method in permissions.SAFE_METHODS:
            return True
        if request.method == "POST" and getattr(view, "action", None) == "create":
            model = view.get_queryset().model
            return access.can_create(user, model)
        return True

    def has_object_permission(self, request, view, obj):
        if request.method in permissions.SAFE_METHODS:
            return True
        if request.method == "DELETE":
            return access.can_delete(request.user, obj)
        return access.can_change(request.user, obj)


class Pagination(PageNumberPagination):
    """Pages of large lists: keys sorted and sliced first, then the page's rows loaded (one query more)."""

    django_paginator_class = KeysFirstPaginator
    page_size_query_param = "page_size"
    max_page_size = 500

    def paginate_queryset(self, queryset, request, view=None):
        if wants_table(request):  # ?format=csv|xlsx: the whole filtered list, in one file
            self.request = request
            return list(queryset[: exports.MAX_ROWS])
        return super().paginate_queryset(queryset, request, view)

    def get_paginated_response(self, data):
        if wants_table(self.request):
            return Response(data)
        return super().get_paginated_response(data)


class SmallListPagination(Pagination):
    """Pages of small tables (reference data), read in one query."""

    django_paginator_class = PageNumberPagination.django_paginator_class


class StaffOnly(RolePermission):
    """Operator staff read; editors write; partner users are refused (403) whatever they ask."""

    def has_permission(self, request, view):
        return super().has_permission(request, view) and request.user.is_staff_member
