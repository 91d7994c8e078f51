"""Business plans: versions that keep their history, and quarterly objectives against actuals.

Actuals come from the records (revenue records, certified people, partner metrics) in a fixed number of
queries per plan version, whatever the number of objectives. Revenue counts in the plan's currency: records
in another currency converted with the exchange rate in force on their period (``meute.money.exchange``),
those without a rate left out and counted on the objective's row.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Min, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from meute.money.exchange import converted_totals, round_cents
from meute.partnerships.models import PartnershipParty

from . import certifications
from .choices import ObjectiveKind
from .models import (
    BusinessPlan,
    BusinessPlanVersion,
    Objective,
    PartnerMetric,
    RevenueRecord,
)


def quarter_of(day: datetime.date) -> tuple[int, int]:
    return day.year, (day.month - 1) // 3 + 1


@dataclass
class ObjectiveRow:
    objective: Objective
    actual: Decimal
    status: str
    status_label: str
    unconverted: int = 0  # revenue records of the quarter left out: no exchange rate in force

    @property
    def variance(self) -> Decimal:
        return self.actual - self.objective.target

    @property
    def percent(self) -> int:
        target = self.objective.target
        return round(100 * self.actual / target) if target else 100


STATUS_LABELS = {
    "achieved": _("Achieved"),
    "in_progress": _("In progress"),
    "missed": _("Missed"),
    "upcoming": _("Upcoming"),
}


@transaction.atomic
def create_plan(partnership, *, user=None, **fields) -> BusinessPlan:
    plan = BusinessPlan(partnership=partnership, **fields)
    plan.full_clean()
    plan.save()
    BusinessPlanVersion.objects.create(plan=plan, number=1, note=str(_("First version")), created_by=user)
    return plan


@transaction.atomic
def new_version(plan: BusinessPlan, *, note: str = "", user=None) -> BusinessPlanVersion:
    """A new version carrying over the current objectives; older versions stay as they were."""
    current = plan.versions.select_for_update().order_by("-number").first()
    number = (current.number if current else 0) + 1
    version = BusinessPlanVersion.objects.create(plan=plan, number=number, note=note, created_by=user)
    if current is not None:
        Objective.objects.bulk_create(
            [
                Objective(
                    version=version,
                    year=o.year,
                    quarter=o.quarter,
                    kind=o.kind,
                    metric=o.metric,
                    target=o.target,
                )
                for o in current.objectives.all()
            ]
        )
    return version


def add_objective(version: BusinessPlanVersion, **fields) -> Objective:
    if version.plan.versions.aggregate(latest=Max("number"))["latest"] != version.number:
        raise ValidationError(
            _("Only the current version of a plan can change: older versions are kept as they were.")
        )
    objective = Objective(version=version, **fields)
    objective.full_clean()
    objective.save()
    return objective


def objective_rows(version: BusinessPlanVersion, today: datetime.date | None = None) -> list[ObjectiveRow]:
    today = today or timezone.localdate()
    plan = version.plan
    partnership_id = plan.partnership_id
    objectives = list(version.objectives.all())
    if not objectives:
        return []
    first = min(o.quarter_start for o in objectives)
    last = max(o.quarter_end for o in objectives)

    records = RevenueRecord.objects.counted().filter(
        partnership_id=partnership_id, period__gte=first, period__lte=last
    )
    by_day, _report = converted_totals(records, "period", plan.currency)
    revenue, unconverted = {}, {}
    for period, totals in by_day.items():
        key = quarter_of(period)
        revenue[key] = revenue.get(key, Decimal("0")) + totals.amount
        unconverted[key] = unconverted.get(key, 0) + totals.unconverted

    new_customers = {}
    firsts = (
        RevenueRecord.objects.counted()
        .filter(partnership_id=partnership_id)
        .exclude(customer_name="")
        .order_by()
        .values("customer_name")
        .annotate(first=Min("period"))
        .values_list("first", flat=True)
    )
    for day in firsts:
        key = quarter_of(day)
        new_customers[key] = new_customers.get(key, 0) + 1

    # Certified people of the partner side, counted on each quarter's last day (or today) through the
    # certification interface: one question per distinct date, a handful per plan.
    partner_orgs = list(
        PartnershipParty.objects.filter(partnership_id=partnership_id, organization__is_operator=False)
        .values_list("organization_id", flat=True)
        .distinct()
    )
    certified_on = {}

    def certified_people(day):
        if day not in certified_on:
            counts = certifications.count_people(partner_orgs, day) if partner_orgs else {}
            certified_on[day] = sum(counts.values())
        return certified_on[day]

    metrics = {}
    for code, period, value in (
        PartnerMetric.objects.filter(partnership_id=partnership_id, period__gte=first, period__lte=last)
        .order_by()
        .values("metric", "period")
        .annotate(total=Sum("value"))
        .values_list("metric", "period", "total")
    ):
        key = (code, *quarter_of(period))
        metrics[key] = metrics.get(key, Decimal("0")) + value

    result = []
    for objective in objectives:
        key = (objective.year, objective.quarter)
        left_out = 0
        if objective.kind == ObjectiveKind.REVENUE:
            actual = round_cents(revenue.get(key))
            left_out = unconverted.get(key, 0)
        elif objective.kind == ObjectiveKind.NEW_CUSTOMERS:
            actual = Decimal(new_customers.get(key, 0))
        elif objective.kind == ObjectiveKind.CERTIFIED_PEOPLE:
            actual = Decimal(certified_people(min(objective.quarter_end, today)))
        else:
            actual = metrics.get((objective.metric, *key), Decimal("0"))
        if actual >= objective.target:
            status = "achieved"
        elif objective.quarter_start > today:
            status = "upcoming"
        elif objective.quarter_end >= today:
            status = "in_progress"
        else:
            status = "missed"
        result.append(ObjectiveRow(objective, actual, status, str(STATUS_LABELS[status]), left_out))
    return result
