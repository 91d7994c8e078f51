"""A partnership's scorecard: its own figures only, for staff and for the partner's portal alike (seed 003:
transparency). Every query is scoped to the one partnership; nothing from other partners is aggregated."""

import datetime
from decimal import Decimal

from django.db.models import Count, Sum

from meute.deals.choices import DealStage
from meute.deals.models import DealRegistration
from meute.money.exchange import converted_totals
from meute.partnerships.choices import PartyRole
from meute.partnerships.models import Partnership
from meute.programs.certifications import count_people
from meute.programs.choices import ObjectiveKind
from meute.programs.models import BusinessPlan, RevenueRecord

from .evidence import current_objectives
from .integration import index_for
from .models import SurveyAnswer
from .snapshots import partnership_health, trend
from .surveys import Nps

ZERO = Decimal("0")
CENT = Decimal("0.01")


def scorecard(partnership, today: datetime.date) -> dict:
    currency = (
        BusinessPlan.objects.filter(partnership=partnership).values_list("currency", flat=True).first()
        or "EUR"
    )
    start = datetime.date(today.year, 1, 1)
    records = RevenueRecord.objects.filter(partnership=partnership, period__gte=start, period__lte=today)
    totals, _report = converted_totals(records, "partnership_id", currency)
    revenue = totals[partnership.pk].rounded if partnership.pk in totals else ZERO
    objective = (
        current_objectives()
        .filter(version__plan__partnership=partnership, kind=ObjectiveKind.REVENUE, year=today.year)
        .aggregate(t=Sum("target"))["t"]
        or ZERO
    )
    deals = dict(
        DealRegistration.objects.filter(partnership=partnership)
        .order_by()
        .values_list("stage")
        .annotate(n=Count("pk"))
        .values_list("stage", "n")
    )
    partner_orgs = partnership.parties.exclude(role=PartyRole.OPERATOR).values("organization_id")
    certified = sum(count_people(partner_orgs, today).values())
    nps = Nps()
    for value in SurveyAnswer.objects.filter(
        invitation__partnership=partnership, question__kind="recommend", score__isnull=False
    ).values_list("score", flat=True):
        nps.add(value)
    return {
        "partnership": partnership,
        "health": partnership_health(partnership, today),
        "trend": trend(partnership),
        "currency": currency,
        "revenue": revenue,
        "objective": Decimal(objective).quantize(CENT),
        "open_deals": sum(deals.get(s, 0) for s in (DealStage.SUBMITTED, DealStage.APPROVED)),
        "won_deals": deals.get(DealStage.WON, 0),
        "certified": certified,
        "nps": nps,
        "integration": index_for(Partnership.objects.filter(pk=partnership.pk), today)[partnership.pk],
    }
