"""One partner organisation's whole story on one page: partnerships, tier and its history, revenue by
quarter, deals and leads by stage, payouts, agreements, labels and people.

Every part reads through ``visible_to(user)`` narrowed to the organisation (``for_organization``), so a
partner user sees its own organisation only, and runs a fixed number of aggregate or sliced queries: the
page costs the same for a partner with ten deals or ten thousand.
"""

import datetime
from urllib.parse import urlencode

from django.db.models import Count, Q, Sum
from django.db.models.functions import TruncQuarter
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from meute.agreements import signing
from meute.core.models import Person
from meute.deals.choices import DealStage
from meute.deals.models import DealRegistration
from meute.leads.choices import LeadStatus
from meute.leads.models import Lead
from meute.lib import charts
from meute.locator.models import LabelAward
from meute.money.exchange import converted_totals
from meute.partnerships.models import Partnership
from meute.programs.choices import ChangeStatus
from meute.programs.models import PartnerTier, RevenueRecord, TierChange
from meute.remuneration.choices import PayoutStatus
from meute.remuneration.models import Payout

QUARTERS = 8
LIST_SIZE = 12
TIER_HISTORY_SIZE = 24


def _quarter_start(day: datetime.date) -> datetime.date:
    return datetime.date(day.year, (day.month - 1) // 3 * 3 + 1, 1)


def _quarters_back(count: int) -> list[datetime.date]:
    start = _quarter_start(timezone.localdate())
    quarters = [start]
    for _step in range(count - 1):
        previous = start - datetime.timedelta(days=1)
        start = _quarter_start(previous)
        quarters.append(start)
    return list(reversed(quarters))


def _quarter_label(day: datetime.date) -> str:
    return str(_("Q%(quarter)s %(year)s") % {"quarter": (day.month - 1) // 3 + 1, "year": day.year})


def _list_url(name: str, partnerships: list, **query) -> str:
    if len(partnerships) == 1:
        query["partnership"] = partnerships[0].uuid
    return f"{reverse(name)}?{urlencode(query)}"


def revenue_by_quarter(user, organization, currency: str) -> charts.Chart:
    quarters = _quarters_back(QUARTERS)
    records = (
        RevenueRecord.objects.visible_to(user)
        .for_organization(organization.pk)
        .filter(period__gte=quarters[0])
        .annotate(quarter=TruncQuarter("period"))
    )
    totals, _report = converted_totals(records, "quarter", currency)
    by_start = {}
    for key, total in totals.items():
        day = key.date() if isinstance(key, datetime.datetime) else key
        by_start[day] = total.rounded
    return charts.bar_chart(
        [(_quarter_label(quarter), by_start.get(quarter, 0)) for quarter in quarters],
        title=_("Revenue by quarter (%(currency)s)") % {"currency": currency},
        value_label=_("Revenue (%(currency)s)") % {"currency": currency},
        places=0,
    )


def tier_history(user, organization, tiers=()):
    """The tier changes that took effect (approved or applied), oldest first, and a chart of the rank held
    at each change, up to today's tier (``tiers``: the organisation's current ``PartnerTier`` rows)."""
    changes = list(
        TierChange.objects.visible_to(user)
        .for_organization(organization.pk)
        .filter(status__in=(ChangeStatus.APPROVED, ChangeStatus.AUTO_APPLIED))
        .select_related("program", "from_tier", "to_tier", "partnership")
        .order_by("-as_of", "-pk")[:TIER_HISTORY_SIZE]
    )
    changes.reverse()
    today = timezone.localdate()
    dates = sorted({change.as_of for change in changes} | ({today} if changes else set()))
    programmes = {}
    for change in changes:
        ranks = programmes.setdefault(change.program.name, dict.fromkeys(dates))
        ranks[change.as_of] = change.to_tier.rank if change.to_tier else 0
    for member in tiers:
        if member.program.name in programmes:
            programmes[member.program.name][today] = member.tier.rank if member.tier else 0
    chart = charts.line_chart(
        [date_format(date, "SHORT_DATE_FORMAT") for date in dates],
        {name: [ranks[date] for date in dates] for name, ranks in programmes.items()},
        title=_("Tier rank held over time"),
        value_label=_("Date"),
        places=0,
    )
    return changes, chart


def partner_story(user, organization) -> dict:
    partnerships = list(
        Partnership.objects.visible_to(user)
        .filter(parties__organization=organization)
        .distinct()
        .order_by("name")[:LIST_SIZE]
    )
    tiers = list(
        PartnerTier.objects.visible_to(user)
        .for_organization(organization.pk)
        .select_related("program", "tier", "partnership")
        .order_by("program__name", "partnership__name")[:LIST_SIZE]
    )
    currency = tiers[0].program.currency if tiers else "EUR"
    changes, tier_chart = tier_history(user, organization, tiers)

    deal_counts = dict(
        DealRegistration.objects.visible_to(user)
        .for_organization(organization.pk)
        .order_by()
        .values_list("stage")
        .annotate(n=Count("pk"))
    )
    deal_chart = charts.bar_chart(
        [(label, deal_counts.get(value, 0)) for value, label in DealStage.choices],
        title=_("Deals by stage"),
        value_label=_("Deals"),
        places=0,
        horizontal=True,
    )
    stage_links = [
        (label, deal_counts[value], _list_url("deal-list", partnerships, stage=value))
        for value, label in DealStage.choices
        if deal_counts.get(value)
    ]
    lead_counts = dict(
        Lead.objects.visible_to(user)
        .for_organization(organization.pk)
        .order_by()
        .values_list("status")
        .annotate(n=Count("pk"))
    )
    lead_chart = charts.bar_chart(
        [(label, lead_counts.get(value, 0)) for value, label in LeadStatus.choices],
        title=_("Leads by status"),
        value_label=_("Leads"),
        places=0,
        horizontal=True,
    )
    status_labels = dict(PayoutStatus.choices)
    payouts = [
        {**row, "label": status_labels.get(row["status"], row["status"])}
        for row in Payout.objects.visible_to(user)
        .filter(organization=organization)
        .order_by()
        .values("status", "currency")
        .annotate(total=Sum("amount"), count=Count("pk"))
        .order_by("currency", "status")
    ]
    today = timezone.localdate()
    labels = list(
        LabelAward.objects.visible_to(user)
        .filter(organization=organization, valid_from__lte=today)
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=today))
        .select_related("label")
        .order_by("label__name")[:LIST_SIZE]
    )
    people = Person.objects.visible_to(user).filter(organization=organization)
    return {
        "partnerships": partnerships,
        "tiers": tiers,
        "tier_changes": list(reversed(changes)),
        "tier_chart": tier_chart,
        "revenue_chart": revenue_by_quarter(user, organization, currency),
        "deal_chart": deal_chart,
        "deal_total": sum(deal_counts.values()),
        "stage_links": stage_links,
        "lead_chart": lead_chart,
        "lead_total": sum(lead_counts.values()),
        "payouts": payouts,
        "agreements": signing.applicable_for_organization(organization.pk),
        "labels": labels,
        "people": list(people.order_by("last_name", "first_name")[:LIST_SIZE]),
        "people_count": people.count(),
    }
