"""Pagination that sorts and slices primary keys only, then loads the page's rows.

On large filtered lists the database sorts every matching row to return 25; sorting whole rows (every
column, long texts included) is what made a filtered directory page slow on SQLite. Here the sort carries
only the sort key and the id; the 25 rows are then read by primary key with their select_related and
prefetch_related, in the same order.
"""

from django.core.paginator import Page, Paginator
from django.utils.functional import cached_property


class KeysFirstPaginator(Paginator):
    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        return Page(load_in_order(self.object_list, bottom, top), number, self)


class CappedCountPaginator(KeysFirstPaginator):
    """Counts at most ``count_cap`` matches: a broad search over 100,000 partners need not count them all.

    Past the cap the page shows "10,000+" and offers the pages up to the cap, like a search engine does.
    """

    count_cap = 10_000

    @cached_property
    def count(self):
        if not hasattr(self.object_list, "values_list"):
            return super().count
        return self.object_list.values_list("pk", flat=True)[: self.count_cap + 1].count()

    @property
    def count_is_capped(self) -> bool:
        return self.count > self.count_cap

    @property
    def shown_count(self) -> int:
        return min(self.count, self.count_cap)


def load_in_order(queryset, bottom: int, top: int) -> list:
    """Rows ``bottom:top`` of ``queryset``, keys sorted and sliced first, rows loaded by key."""
    if not hasattr(queryset, "values_list"):
        return list(queryset[bottom:top])
    keys = list(queryset.values_list("pk", flat=True)[bottom:top])
    if not keys:
        return []
    if queryset.query.annotations:
        # Annotated rows must come from the same query (its filters run again, on 25 keys only).
        rows = queryset.order_by().filter(pk__in=keys)
    else:
        rows = queryset.model._default_manager.filter(pk__in=keys)
        rows.query.select_related = queryset.query.select_related
        rows = rows.prefetch_related(*queryset._prefetch_related_lookups)
    by_key = {row.pk: row for row in rows}
    return [by_key[key] for key in keys if key in by_key]
