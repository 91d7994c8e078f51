"""Channel ranking and channel capacity (seed 001 §1): what each partner could sell of each product line,
and what the network can carry against the programme's objective.

The formula, tuned in ``ChannelSettings``:

- a partner's **capacity** is its yearly revenue when known, else its sales headcount × the revenue per
  salesperson;
- its **share** is the part of its business dedicated to us: the operator's number attribute named in the
  settings (0–100 %) when filled, else the default share;
- its **potential** is capacity × share, but never less than what it actually sold us over the last
  ``history_months`` (revenue history, converted into euros);
- the potential is **split by product line** as its revenue history is; without history, equally over
  our product lines it already offers; without those either, equally over all our active product lines.

The **channel capacity** is the sum of the potentials of the partners of the network (active or trial
partnerships), by product line and by territory (the partner's region).
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.utils import timezone

from meute.core.models import Organization, ProductLine
from meute.money.exchange import converted_totals
from meute.partnerships.choices import PartnershipStatus, PartyRole
from meute.partnerships.models import PartnershipParty
from meute.programs.models import RevenueRecord

from .models import AttributeValue, ChannelSettings

EURO = Decimal("1")
HUNDRED = Decimal(100)


def capacity_of(annual_revenue, sales_headcount, revenue_per_salesperson) -> Decimal | None:
    if annual_revenue is not None:
        return Decimal(annual_revenue)
    if sales_headcount is not None:
        return Decimal(sales_headcount) * Decimal(revenue_per_salesperson)
    return None


def potential_of(capacity, share_percent, sold) -> Decimal:
    """capacity × share, at least what was sold; whole euros."""
    formula = capacity * Decimal(share_percent) / HUNDRED if capacity is not None else None
    values = [value for value in (formula, sold) if value is not None]
    return (max(values) if values else Decimal(0)).quantize(EURO, rounding=ROUND_HALF_UP)


def split(amount: Decimal, weights: dict) -> dict:
    """``amount`` shared in proportion to ``weights`` in whole euros; the rounding remainder goes to the
    largest weight so the parts add up exactly."""
    total = sum(weights.values())
    if not weights or total <= 0:
        return {}
    parts = {
        key: (amount * Decimal(w) / Decimal(total)).quantize(EURO, rounding=ROUND_HALF_UP)
        for key, w in weights.items()
    }
    largest = max(weights, key=lambda key: (weights[key], str(key)))
    parts[largest] += amount - sum(parts.values())
    return parts


@dataclass
class PartnerPotential:
    organization: Organization
    capacity: Decimal | None
    share: Decimal
    sold: Decimal | None
    potential: Decimal
    by_product: dict = field(default_factory=dict)  # ProductLine → Decimal


def network_ids() -> set:
    """Organisations that are partners of an active or trial partnership."""
    return set(
        PartnershipParty.objects.filter(
            role=PartyRole.PARTNER,
            partnership__status__in=[PartnershipStatus.ACTIVE, PartnershipStatus.TRIAL],
            organization__is_operator=False,
        ).values_list("organization_id", flat=True)
    )


def _history(organization_ids, months: int) -> dict:
    """Revenue sold over the last ``months``, in euros: {organisation id: {product line id: amount}}."""
    since = timezone.localdate() - timedelta(days=round(months * 30.44))
    parties = defaultdict(set)
    for partnership_id, organization_id in PartnershipParty.objects.filter(
        organization_id__in=organization_ids, role=PartyRole.PARTNER
    ).values_list("partnership_id", "organization_id"):
        parties[partnership_id].add(organization_id)
    records = RevenueRecord.objects.filter(partnership_id__in=list(parties), period__gte=since)
    result = defaultdict(lambda: defaultdict(Decimal))
    lines = set(records.order_by().values_list("product_line_id", flat=True).distinct())
    for line in lines:
        subset = (
            records.filter(product_line__isnull=True)
            if line is None
            else records.filter(product_line_id=line)
        )
        sums, _ = converted_totals(subset, "partnership_id", "EUR")
        for partnership_id, total in sums.items():
            for organization_id in parties[partnership_id]:
                result[organization_id][line] += total.amount
    return result


def potentials(organizations=None, settings: ChannelSettings | None = None) -> list:
    """The potential of each organisation (default: the network), best first."""
    settings = settings or ChannelSettings.current()
    if organizations is None:
        organizations = Organization.objects.filter(pk__in=network_ids())
    organizations = list(
        organizations.select_related("region").prefetch_related("offerings").order_by("name")
    )
    ids = [o.pk for o in organizations]
    shares = {}
    if settings.share_attribute:
        for organization_id, value in AttributeValue.objects.filter(
            organization_id__in=ids, definition__code=settings.share_attribute
        ).values_list("organization_id", "value"):
            if isinstance(value, int | float) and 0 <= value <= 100:
                shares[organization_id] = Decimal(str(value))
    history = _history(ids, settings.history_months)
    lines = {line.pk: line for line in ProductLine.objects.filter(is_active=True)}
    result = []
    for organization in organizations:
        sold_by_line = history.get(organization.pk, {})
        sold = sum(sold_by_line.values()) if sold_by_line else None
        capacity = capacity_of(
            organization.annual_revenue, organization.sales_headcount, settings.revenue_per_salesperson
        )
        share = shares.get(organization.pk, settings.default_share)
        potential = potential_of(capacity, share, sold)
        weights = {line: amount for line, amount in sold_by_line.items() if line in lines and amount > 0}
        if not weights:
            weights = {o.pk: 1 for o in organization.offerings.all() if o.pk in lines}
        if not weights:
            weights = dict.fromkeys(lines, 1)
        by_product = {lines[key]: amount for key, amount in split(potential, weights).items()}
        result.append(PartnerPotential(organization, capacity, share, sold, potential, by_product))
    result.sort(key=lambda row: (-row.potential, row.organization.name))
    return result


@dataclass
class ChannelCapacity:
    total: Decimal
    by_product: list  # (ProductLine, Decimal), largest first
    by_territory: list  # (territory name, Decimal)
    partners: int


def channel_capacity(rows: list) -> ChannelCapacity:
    by_product = defaultdict(Decimal)
    by_territory = defaultdict(Decimal)
    for row in rows:
        for line, amount in row.by_product.items():
            by_product[line] += amount
        region = row.organization.region.name if row.organization.region_id else "—"
        by_territory[region] += row.potential
    return ChannelCapacity(
        total=sum((row.potential for row in rows), Decimal(0)),
        by_product=sorted(by_product.items(), key=lambda item: (-item[1], item[0].name)),
        by_territory=sorted(by_territory.items(), key=lambda item: (-item[1], item[0])),
        partners=len(rows),
    )


@dataclass
class ProgrammeGap:
    program: object
    objective: Decimal | None
    capacity: Decimal
    partners: int

    @property
    def gap(self) -> Decimal | None:
        return None if self.objective is None else self.objective - self.capacity


def programme_gaps(rows: list) -> list:
    """Each active programme's revenue objective against the potential of its member partners."""
    from meute.programs.models import PartnerTier, Program

    by_organization = {row.organization.pk: row.potential for row in rows}
    members = defaultdict(set)
    for program_id, organization_id in PartnerTier.objects.filter(
        partnership__parties__role=PartyRole.PARTNER
    ).values_list("program_id", "partnership__parties__organization_id"):
        members[program_id].add(organization_id)
    result = []
    for program in Program.objects.filter(is_active=True).order_by("name"):
        ids = members.get(program.pk, set()) & set(by_organization)
        capacity = sum((by_organization[i] for i in ids), Decimal(0))
        result.append(ProgrammeGap(program, program.revenue_target, capacity, len(ids)))
    return result
