"""Demo data of the payouts area: rule versions, won deals and their computed payouts.

``populate_demo()`` runs after the core demo data (``meute.demo.generate``): it gives the first demo
groupings and the demo partner's channel partnership remuneration rules (two versions for the first
grouping, to show effective dating), registers a few won deals with the members as parties and computes
their payouts, approving and paying some. Deterministic; running it twice changes nothing.
"""

import datetime
import random
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from meute.deals.choices import DealPartyRole, DealStage
from meute.deals.customers import save_customer
from meute.deals.models import Customer, DealParty, DealRegistration
from meute.partnerships.choices import PartnershipKind, PartyRole
from meute.partnerships.models import Partnership
from meute.remuneration import payouts, rule_versions
from meute.remuneration.choices import PayoutStatus
from meute.remuneration.models import DealStepAssignment, Payout, RemunerationVersion

SPLIT_STEPS = [
    {"step": "prospection", "percent": "20"},
    {"step": "proposal", "percent": "30"},
    {"step": "closing", "percent": "50"},
]


def _won_deal(partnership, customer_name, amount, margin, closed_on, members, rng):
    customer = Customer(name=customer_name, city="Lyon")
    save_customer(customer)
    closed = datetime.datetime.combine(
        closed_on, datetime.time(11, 0), tzinfo=timezone.get_current_timezone()
    )
    deal = DealRegistration.objects.create(
        partnership=partnership,
        customer=customer,
        title=f"{customer_name} — {partnership.name}",
        amount=amount,
        margin=margin,
        expected_close_date=closed_on,
        stage=DealStage.WON,
        closed_at=closed,
    )
    for organization, role in members:
        DealParty.objects.create(deal=deal, organization=organization, role=role)
    return deal


@transaction.atomic
def populate_demo(*, groupings: int = 3, seed: int = 2027, today=None) -> dict:
    """Rules, won deals and payouts for the demo; returns what it created (nothing when already there)."""
    today = today or timezone.localdate()
    rng = random.Random(seed)
    targets = list(
        Partnership.objects.filter(kind=PartnershipKind.GROUPING)
        .prefetch_related("parties__organization")
        .order_by("pk")[:groupings]
    )
    channel = (
        Partnership.objects.filter(kind=PartnershipKind.CHANNEL, parties__role=PartyRole.PARTNER)
        .order_by("pk")
        .first()
    )
    summary = {"versions": 0, "deals": 0, "payouts": 0}
    if RemunerationVersion.objects.filter(partnership__in=[*targets, channel]).exists():
        return summary
    last_year = datetime.date(today.year - 1, 1, 1)
    quarter_start = datetime.date(today.year, (today.month - 1) // 3 * 3 + 1, 1)
    for index, grouping in enumerate(targets):
        members = [party.organization for party in grouping.parties.all()]
        if len(members) < 2:
            continue
        rule_versions.save_version(
            grouping,
            valid_from=last_year,
            rules=[
                {"kind": "referral_fee", "rate": "10", "basis": "amount"},
                {"kind": "role_split", "rate": "12", "basis": "margin", "steps": SPLIT_STEPS},
                {"kind": "commission_pool", "rate": "8", "basis": "margin", "weight_source": "involvement"},
            ],
            notes="Répartition validée en comité de groupement.",
        )
        summary["versions"] += 1
        if index == 0 and quarter_start > last_year:
            rule_versions.save_version(
                grouping,
                valid_from=quarter_start,
                rules=[
                    {"kind": "referral_fee", "rate": "12", "basis": "amount"},
                    {"kind": "role_split", "rate": "15", "basis": "margin", "steps": SPLIT_STEPS},
                    {
                        "kind": "commission_pool",
                        "rate": "10",
                        "basis": "margin",
                        "weight_source": "involvement",
                    },
                ],
                notes="Taux revus à la hausse après le premier bilan.",
            )
            summary["versions"] += 1
        for number in range(4):
            closed_on = today - datetime.timedelta(days=20 + 45 * number + index)
            amount = Decimal(rng.randrange(80, 600) * 100)
            margin = (amount * Decimal(rng.randrange(20, 45)) / 100).quantize(Decimal("0.01"))
            team = members[: 2 + number % max(1, len(members) - 1)]
            roles = [(org, DealPartyRole.GROUPING_MEMBER) for org in team]
            if number == 1:
                roles[0] = (roles[0][0], DealPartyRole.REFERRER)
            deal = _won_deal(
                grouping, f"Client démo {index + 1}-{number + 1}", amount, margin, closed_on, roles, rng
            )
            if len(team) == 2:
                DealStepAssignment.objects.create(deal=deal, step="prospection", organization=team[0])
                DealStepAssignment.objects.create(deal=deal, step="closing", organization=team[1])
            summary["deals"] += 1
    if channel is not None:
        partner = (
            channel.parties.filter(role=PartyRole.PARTNER).select_related("organization").first().organization
        )
        rule_versions.save_version(
            channel,
            valid_from=last_year,
            rules=[{"kind": "referral_fee", "rate": "15", "basis": "margin"}],
            notes="Apport d'affaires : 15 % de la marge.",
        )
        summary["versions"] += 1
        for number in range(2):
            closed_on = today - datetime.timedelta(days=30 + 60 * number)
            amount = Decimal(rng.randrange(100, 900) * 100)
            _won_deal(
                channel,
                ["Brasserie du Port", "Perrin & Fils"][number],
                amount,
                (amount * Decimal("0.3")).quantize(Decimal("0.01")),
                closed_on,
                [(partner, DealPartyRole.REFERRER)],
                rng,
            )
            summary["deals"] += 1
    for year in sorted({today.year - 1, today.year}):
        payouts.compute_payouts(str(year))
    summary["payouts"] = Payout.objects.count()
    # Older payouts are approved and paid, as an accounting run would leave them.
    old = list(Payout.objects.filter(deal_date__lt=today - datetime.timedelta(days=90)).order_by("pk"))
    payouts.attach_explanations(old)
    now = timezone.now()
    for payout in old:
        payout.components = payouts.explanation_of(
            payout
        ).components  # settled payouts keep their explanation
        payout.status = (
            PayoutStatus.PAID
            if payout.deal_date < today - datetime.timedelta(days=120)
            else PayoutStatus.APPROVED
        )
        payout.status_changed_at = now
        payout.save(update_fields=["status", "status_changed_at", "components", "updated_at"])
    return summary
