"""Pre-aggregated revenue for the network dashboard: one row per partnership and year, converted into the
programme's currency with the rate in force on each record's period (``money.exchange.converted_totals``,
set-based). Refreshing a year reads its records once; the dashboard then sums at most one row per
partnership, whatever the number of records."""

import datetime

from django.db import connection, transaction
from django.utils import timezone

from meute.lib import bulk
from meute.money.exchange import converted_totals
from meute.programs.models import RevenueRecord

from .models import RevenueRollup


def refresh_revenue(year: int, currency: str):
    """Rewrite ``year``'s roll-ups in ``currency``; returns the conversion report (records left out for
    lack of a rate)."""
    records = RevenueRecord.objects.filter(
        period__gte=datetime.date(year, 1, 1), period__lte=datetime.date(year, 12, 31)
    )
    totals, report = converted_totals(records, "partnership_id", currency)
    count = len(totals)
    values = {
        "partnership_id": list(totals),
        "year": [year] * count,
        "currency": [currency] * count,
        "amount": [total.rounded for total in totals.values()],
    }
    with transaction.atomic():
        RevenueRollup.objects.filter(year=year, currency=currency).delete()
        insert_new(RevenueRollup, count, values)
    analyze(RevenueRollup)
    return report


def insert_new(model, count: int, values: dict[str, list]) -> None:
    """Insert ``count`` rows given column by column (one COPY on PostgreSQL), their primary keys left to
    the database's sequence: tens of thousands of rows without any per-row ORM work."""
    if not count:
        return
    filled = bulk.fill_columns(model, count, values, [None] * count, timezone.now())
    names, columns = bulk.db_columns(model, filled, bulk.connection_for(model))
    skip = names.index(model._meta.pk.column)
    del names[skip], columns[skip]
    bulk.write_columns(model, names, columns)


def analyze(model) -> None:
    """Fresh planner statistics for a table just rewritten wholesale (PostgreSQL): without them the
    dashboard's joins are planned as if the table were empty."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")


def refreshed_at(year: int, currency: str):
    return (
        RevenueRollup.objects.filter(year=year, currency=currency)
        .order_by("-updated_at")
        .values_list("updated_at", flat=True)
        .first()
    )
