"""Filter pieces shared by every FilterSet."""

import django_filters
from django.db.models import F


class OrderingFilter(django_filters.OrderingFilter):
    """Sort with empty values last in both directions, the same way on SQLite and PostgreSQL.

    (PostgreSQL puts NULLs first when sorting in descending order, SQLite last.)
    """

    def filter(self, qs, value):
        if value in ([], (), {}, "", None):
            return qs
        ordering = []
        for param in value:
            field = self.get_ordering_value(param)
            expression = F(field.lstrip("-"))
            ordering.append(
                expression.desc(nulls_last=True) if field.startswith("-") else expression.asc(nulls_last=True)
            )
        return qs.order_by(*ordering)
