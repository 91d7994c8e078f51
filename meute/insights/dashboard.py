"""The head of partnerships' figures computed from the records: revenue by tier, partner type and
territory against the year's objectives, the registered-deal pipeline, certification coverage and
onboarding journeys, the health of the network, satisfaction. Each figure is a handful of set-based
queries (GROUP BY), never a query per partnership, but each joins the whole network: the page reads them
pre-aggregated (``aggregates``).
"""

import datetime
import statistics
from collections import defaultdict
from decimal import Decimal

from django.db.models import Count, Q, Sum
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from meute.deals.choices import DealStage
from meute.deals.models import DealRegistration
from meute.enablement.choices import JourneyStatus, StepStatus
from meute.enablement.journeys import CLOSED, Progress
from meute.enablement.models import Journey, JourneyStep
from meute.money.exchange import convert
from meute.partnerships.choices import PartnershipKind, PartnershipStatus, PartyRole
from meute.partnerships.models import Partnership, PartnershipParty
from meute.programs.certifications import count_people
from meute.programs.choices import ObjectiveKind
from meute.programs.models import PartnerTier, Program

from .evidence import current_objectives
from .health import LOW_SCORE
from .models import HealthSnapshot, RevenueRollup, Survey
from .rollups import refreshed_at
from .surveys import results

HEALTH_BANDS = ((0, 20), (20, 40), (40, 60), (60, 80), (80, 101))
NO_GROUP = {
    "tier": gettext_lazy("No tier"),
    "type": gettext_lazy("No partner type"),
    "territory": gettext_lazy("No territory"),
}
PIPELINE_STAGES = (DealStage.SUBMITTED, DealStage.APPROVED)
ZERO = Decimal("0")
CENT = Decimal("0.01")


def main_program():
    return Program.objects.filter(is_active=True).order_by("pk").first()


def revenue_against_objectives(program, year: int, currency: str, raw: bool = False) -> dict:
    """``{"rows": {"tier"|"type"|"territory": [(label, revenue, objective)]}, "as_of": datetime}`` for
    the year, in ``currency``, from the pre-aggregated roll-ups (``rollups.refresh_revenue``).

    Only partnerships of ``program`` count; a partnership in several territories counts in each.
    Objectives are the revenue targets of each plan's current version, in plans kept in ``currency``.
    With ``raw``, partnerships in no group are labelled ``""`` rather than in words.
    """
    members = PartnerTier.objects.filter(program=program)
    rollups = RevenueRollup.objects.filter(
        year=year, currency=currency, partnership__in=members.values("partnership")
    )
    objectives = current_objectives().filter(
        kind=ObjectiveKind.REVENUE,
        year=year,
        version__plan__currency=currency,
        version__plan__partnership__in=members.values("partnership"),
    )
    keys = {
        "tier": (
            "partnership__program_tiers__tier__name",
            "version__plan__partnership__program_tiers__tier__name",
        ),
        "type": (
            "partnership__program_tiers__partner_type",
            "version__plan__partnership__program_tiers__partner_type",
        ),
        "territory": ("partnership__territories__name", "version__plan__partnership__territories__name"),
    }
    result = {}
    for name, (rollup_key, objective_key) in keys.items():
        revenue_rows, objective_rows = rollups, objectives
        if name != "territory":
            revenue_rows = rollups.filter(partnership__program_tiers__program=program)
            objective_rows = objectives.filter(version__plan__partnership__program_tiers__program=program)
        totals = dict(
            revenue_rows.order_by()
            .values_list(rollup_key)
            .annotate(t=Sum("amount"))
            .values_list(rollup_key, "t")
        )
        targets = dict(
            objective_rows.order_by()
            .values_list(objective_key)
            .annotate(t=Sum("target"))
            .values_list(objective_key, "t")
        )
        labels = sorted(
            set(totals) | set(targets), key=lambda label: (label is None or label == "", str(label))
        )
        result[name] = [
            (
                label if label else ("" if raw else NO_GROUP[name]),
                Decimal(str(totals.get(label) or 0)).quantize(CENT),
                Decimal(str(targets.get(label) or 0)).quantize(CENT),
            )
            for label in labels
        ]
    return {"rows": result, "as_of": refreshed_at(year, currency)}


def pipeline(currency: str, today: datetime.date, raw: bool = False) -> list[tuple]:
    """Open registered deals per stage: ``[(stage label, count, amount in currency)]`` (the stage's code
    with ``raw``); amounts in other currencies are converted at today's rate (left out when no rate is
    known)."""
    rows = (
        DealRegistration.objects.filter(stage__in=PIPELINE_STAGES)
        .order_by()
        .values_list("stage", "currency")
        .annotate(n=Count("pk"), total=Sum("amount"))
    )
    counts, amounts = defaultdict(int), defaultdict(lambda: ZERO)
    for stage, deal_currency, n, total in rows:
        counts[stage] += n
        converted = convert(Decimal(str(total or 0)), deal_currency, currency, today)
        if converted is not None:
            amounts[stage] += converted
    return [(stage.value if raw else stage.label, counts[stage], amounts[stage]) for stage in PIPELINE_STAGES]


def certification_coverage(program, today: datetime.date, raw: bool = False) -> list[tuple]:
    """Per tier: partner organisations of active channel partnerships, and how many have a certified
    person (partners in no tier under ``""`` with ``raw``)."""
    seats = PartnershipParty.objects.filter(
        partnership__kind=PartnershipKind.CHANNEL,
        partnership__status=PartnershipStatus.ACTIVE,
        partnership__program_tiers__program=program,
    ).exclude(role=PartyRole.OPERATOR)
    tier_of = dict(seats.values_list("organization_id", "partnership__program_tiers__tier__name"))
    certified = count_people(seats.values("organization_id"), today)
    totals, covered = defaultdict(int), defaultdict(int)
    for org, tier in tier_of.items():
        label = tier or ("" if raw else _("No tier"))
        totals[label] += 1
        if certified.get(org):
            covered[label] += 1
    return [
        (label, totals[label], covered[label])
        for label in sorted(totals, key=lambda label: (label == "", str(label)))
    ]


JOURNEY_STATES = ("not_started", "in_progress", "completed")
JOURNEY_KEYS = ("partnerships", "with_journey", *JOURNEY_STATES, "overdue")


def journey_progress(today: datetime.date) -> dict:
    """Onboarding journeys of the active channel partnerships, whatever their programme (a fixed number of
    queries over the whole network): ``{"partnerships", "with_journey", "not_started", "in_progress",
    "completed", "overdue": counts, "median_percent": Decimal or None}``.

    A partnership's journey is its latest one not cancelled. A completed journey counts as 100 %; one in
    progress as the share of its steps done or not applicable (``enablement.journeys.Progress``), "not
    started" while none is closed nor in progress. Overdue: a journey in progress with an open step past
    its due date. The median is over the partnerships that have a journey (None when none has)."""
    partnerships = Partnership.objects.filter(
        kind=PartnershipKind.CHANNEL, status=PartnershipStatus.ACTIVE
    ).values("pk")
    journeys = Journey.objects.filter(partnership__in=partnerships).exclude(status=JourneyStatus.CANCELLED)
    latest = {}
    for partnership_id, journey_id, status in journeys.order_by(
        "partnership_id", "-started_on", "-pk"
    ).values_list("partnership_id", "pk", "status"):
        latest.setdefault(partnership_id, (journey_id, status))
    steps = {
        row["journey_id"]: row
        for row in JourneyStep.objects.filter(journey__in=journeys.filter(status=JourneyStatus.ACTIVE))
        .order_by()
        .values("journey_id")
        .annotate(
            total=Count("pk"),
            closed=Count("pk", filter=Q(status__in=CLOSED)),
            started=Count("pk", filter=Q(status=StepStatus.IN_PROGRESS)),
            overdue=Count("pk", filter=~Q(status__in=CLOSED) & Q(due_date__lt=today)),
        )
    }
    counts = dict.fromkeys(JOURNEY_KEYS, 0)
    counts["partnerships"] = partnerships.count()
    counts["with_journey"] = len(latest)
    percents = []
    for journey_id, status in latest.values():
        if status == JourneyStatus.COMPLETED:
            counts["completed"] += 1
            percents.append(100)
            continue
        row = steps.get(journey_id) or {"total": 0, "closed": 0, "started": 0, "overdue": 0}
        counts["in_progress" if row["closed"] or row["started"] else "not_started"] += 1
        counts["overdue"] += 1 if row["overdue"] else 0
        percents.append(Progress(row["total"], row["closed"], row["overdue"]).percent)
    median = Decimal(str(statistics.median(percents))).quantize(Decimal("0.1")) if percents else None
    return {**counts, "median_percent": median}


def health_bands(day: datetime.date) -> list[tuple[str, int]]:
    """How many partnerships scored in each band on ``day``'s snapshot (one query)."""
    counts = HealthSnapshot.objects.filter(taken_on=day).aggregate(
        **{
            str(index): Count("pk", filter=Q(score__gte=low, score__lt=high))
            for index, (low, high) in enumerate(HEALTH_BANDS)
        }
    )
    return [(f"{low}–{min(high, 100)}", counts[str(index)]) for index, (low, high) in enumerate(HEALTH_BANDS)]


def lowest_scores(day: datetime.date, limit: int = 20) -> list[tuple[int, int]]:
    """``[(partnership id, score)]`` of the ``limit`` lowest scores under ``LOW_SCORE`` on ``day``."""
    return list(
        HealthSnapshot.objects.filter(taken_on=day, score__lt=LOW_SCORE)
        .order_by("score", "partnership__name", "partnership_id")
        .values_list("partnership_id", "score")[:limit]
    )


def satisfaction():
    survey = Survey.objects.exclude(status="draft").order_by("-opens_on").first()
    return (survey, results(survey)) if survey else (None, None)


def recruitment_funnel() -> list[tuple]:
    """``[(stage label, candidates who reached it)]``, from the recruitment pipeline's own count."""
    from meute.recruitment.choices import Stage
    from meute.recruitment.pipeline import funnel

    return [(Stage(stage).label, count) for stage, count in funnel()]


def funds_roi(year: int) -> list[tuple]:
    """Return on the market development funds of ``year``'s allocations, per activity type and currency
    (amounts of different currencies are never added): ``[(type label, currency, Roi)]`` from
    ``funds.roi``."""
    from meute.funds.choices import ActivityType
    from meute.funds.models import FundRequest
    from meute.funds.roi import roi_by

    grouped = roi_by(
        FundRequest.objects.filter(allocation__period=year),
        lambda request: (request.activity_type, request.allocation.currency),
    )
    labels = dict(ActivityType.choices)
    return [
        (labels.get(kind, kind), currency, value)
        for (kind, currency), value in sorted(
            grouped.items(), key=lambda item: (item[0][1], str(labels.get(item[0][0], item[0][0])))
        )
    ]
