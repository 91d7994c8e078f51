"""The network dashboard's figures, pre-aggregated: revenue against objectives per tier, partner type and
territory, the pipeline per stage, certification coverage per tier, onboarding journeys (how many
partnerships have one, not started, in progress, completed, overdue, the median completion), the health
bands and the partnerships in poorest health, stored as a few dozen ``NetworkFigure`` rows per year and
currency. The recruitment
funnel and the funds' return are read live from their apps (one GROUP BY over the candidates; the year's
fund requests).

Computing them (``dashboard``'s set-based queries) joins every partnership of the network; the weekly job
(``alerts.snapshot_and_alert``) does it once with ``store`` and the page then reads the stored rows, saying
when they were computed. When none exist yet (a fresh installation), the first view computes them.
"""

import datetime
from decimal import Decimal

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from meute.deals.choices import DealStage
from meute.partnerships.models import Partnership

from . import dashboard
from .choices import FigureDimension
from .health import LOW_SCORE
from .models import HealthSnapshot, NetworkFigure, RevenueRollup
from .rollups import refresh_revenue
from .snapshots import latest_day

REVENUE_DIMENSIONS = (FigureDimension.TIER, FigureDimension.TYPE, FigureDimension.TERRITORY)
LOW_LIMIT = 20


def _program_and_currency():
    program = dashboard.main_program()
    currency = program.currency if program else getattr(settings, "MEUTE_DEFAULT_CURRENCY", "EUR")
    return program, currency


def compute(program, year: int, currency: str, today: datetime.date) -> list[NetworkFigure]:
    """The figures straight from the records (a query or two per figure over the whole network)."""
    rows = []

    def add(dimension, key, **values):
        position = sum(1 for row in rows if row.dimension == dimension)
        rows.append(
            NetworkFigure(
                year=year, currency=currency, dimension=dimension, key=key, position=position, **values
            )
        )

    if program is not None:
        revenue = dashboard.revenue_against_objectives(program, year, currency, raw=True)["rows"]
        for dimension in REVENUE_DIMENSIONS:
            for key, amount, objective in revenue[dimension]:
                add(dimension, key, amount=amount, objective=objective)
        for key, total, covered in dashboard.certification_coverage(program, today, raw=True):
            add(FigureDimension.COVERAGE, key, count=total, covered=covered)
    journeys = dashboard.journey_progress(today)
    for key in dashboard.JOURNEY_KEYS:
        add(FigureDimension.JOURNEY, key, count=journeys[key])
    median = journeys["median_percent"]
    if median is not None:
        add(FigureDimension.JOURNEY, "median_percent", amount=median)
    for stage, count, amount in dashboard.pipeline(currency, today, raw=True):
        add(FigureDimension.PIPELINE, stage, count=count, amount=amount)
    day = latest_day()
    if day is not None:
        for band, count in dashboard.health_bands(day):
            add(FigureDimension.HEALTH, band, count=count, snapshot_day=day)
        for partnership_id, score in dashboard.lowest_scores(day, LOW_LIMIT):
            add(FigureDimension.LOW, str(partnership_id), count=score, snapshot_day=day)
    return rows


def store(today: datetime.date | None = None) -> list[NetworkFigure]:
    """Recompute and rewrite the figures of ``today``'s year in the main programme's currency."""
    today = today or timezone.localdate()
    program, currency = _program_and_currency()
    rows = compute(program, today.year, currency, today)
    now = timezone.now()
    for row in rows:
        row.created_at = row.updated_at = now
    with transaction.atomic():
        NetworkFigure.objects.filter(year=today.year, currency=currency).delete()
        NetworkFigure.objects.bulk_create(rows)
    return rows


def network_figures(today: datetime.date) -> dict:
    """What the dashboard and its JSON show: the stored figures of ``today``'s year (computed now when
    none are stored yet), and the satisfaction of the latest survey (a handful of rows, read live)."""
    program, currency = _program_and_currency()
    rows = list(
        NetworkFigure.objects.filter(year=today.year, currency=currency).order_by("dimension", "position")
    )
    if not rows and _has_data():
        if (
            program is not None
            and not RevenueRollup.objects.filter(year=today.year, currency=currency).exists()
        ):
            refresh_revenue(today.year, currency)
        try:
            rows = store(today)
        except IntegrityError:  # another first view stored them at the same time
            rows = list(
                NetworkFigure.objects.filter(year=today.year, currency=currency).order_by(
                    "dimension", "position"
                )
            )
    figures = _figures(rows, program)
    figures.update(program=program, currency=currency, year=today.year)
    figures["survey"], figures["satisfaction"] = dashboard.satisfaction()
    figures["funnel"] = dashboard.recruitment_funnel()
    figures["roi"] = dashboard.funds_roi(today.year)
    return figures


def _has_data() -> bool:
    return Partnership.objects.exists()


def _figures(rows, program) -> dict:
    by_dimension = {dimension: [] for dimension in FigureDimension.values}
    for row in rows:
        by_dimension[row.dimension].append(row)
    computed_at = max((row.updated_at for row in rows), default=None)
    revenue = None
    if program is not None:
        revenue = {
            "rows": {
                dimension: [
                    (row.key or dashboard.NO_GROUP[dimension], row.amount, row.objective)
                    for row in by_dimension[dimension]
                ]
                for dimension in REVENUE_DIMENSIONS
            },
            "as_of": computed_at,
        }
    stages = {row.key: row for row in by_dimension[FigureDimension.PIPELINE]}
    pipeline = [
        (
            DealStage(stage).label,
            stages[stage].count if stage in stages else 0,
            stages[stage].amount if stage in stages else Decimal("0"),
        )
        for stage in dashboard.PIPELINE_STAGES
    ]
    coverage = [
        (row.key or dashboard.NO_GROUP["tier"], row.count, row.covered)
        for row in by_dimension[FigureDimension.COVERAGE]
    ]
    stored = {row.key: row for row in by_dimension[FigureDimension.JOURNEY]}
    journeys = {key: stored[key].count if key in stored else 0 for key in dashboard.JOURNEY_KEYS}
    journeys["median_percent"] = stored["median_percent"].amount if "median_percent" in stored else None
    bands = by_dimension[FigureDimension.HEALTH]
    day = bands[0].snapshot_day if bands else None
    low_ids = [int(row.key) for row in by_dimension[FigureDimension.LOW]]
    snapshots = {}
    if low_ids:
        rows = HealthSnapshot.objects.filter(taken_on=day, partnership_id__in=low_ids)
        snapshots = {snapshot.partnership_id: snapshot for snapshot in rows.select_related("partnership")}
    health = {
        "day": day,
        "bands": [(row.key, row.count) for row in bands],
        "low": [snapshots[pid] for pid in low_ids if pid in snapshots],
        "count": sum(row.count for row in bands),
        "low_score": LOW_SCORE,
    }
    return {
        "revenue": revenue,
        "pipeline": pipeline,
        "coverage": coverage,
        "journeys": journeys,
        "health": health,
        "computed_at": computed_at,
    }
