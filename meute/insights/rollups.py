"""Pre-aggregated revenue for the network dashboard: one row per partnership and year, converted into the
programme's currency with the rate in force on each record's period (``money.exchange.converted_totals``,
set-based). Refreshing a year reads its records once; the dashboard then sums at most one row per
partnership, whatever the number of records."""

import datetime

from django.db import connection, transaction
from django.utils import timezone

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
    now = timezone.now()
    rows = [
        RevenueRollup(
            partnership_id=pid,
            year=year,
            currency=currency,
            amount=total.rounded,
            created_at=now,
            updated_at=now,
        )
        for pid, total in totals.items()
    ]
    with transaction.atomic():
        RevenueRollup.objects.filter(year=year, currency=currency).delete()
        RevenueRollup.objects.bulk_create(rows, batch_size=5000)
    analyze(RevenueRollup)
    return report


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
