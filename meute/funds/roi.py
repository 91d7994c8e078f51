"""Return on an activity: the deal registrations attributed to it, those won and their revenue, against what
the activity cost (its claim approved or paid, else its approved budget).

    cost per lead = cost / deals attributed;   revenue per euro = revenue won / cost

A win counts once it is verified: a deal a partner marked won (``won_declared``) waits for a channel
manager, as payouts do, so a partner cannot raise its activities' return by declaring wins.

Revenue of deals in another currency than the fund's is converted at the rate in force on the deal's
expected close date; a deal without a rate is left out and counted as unconverted.
"""

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from meute.deals.choices import DealStage
from meute.deals.models import DealRegistration
from meute.money.exchange import convert, round_cents

from .choices import ClaimStatus, RequestStatus
from .models import ActivityDeal, FundRequest

ZERO = Decimal("0.00")


@dataclass
class Roi:
    cost: Decimal = ZERO
    leads: int = 0
    won: int = 0
    revenue: Decimal = ZERO
    unconverted: int = 0

    @property
    def cost_per_lead(self) -> Decimal | None:
        return round_cents(self.cost / self.leads) if self.leads else None

    @property
    def revenue_per_euro(self) -> Decimal | None:
        return (self.revenue / self.cost).quantize(Decimal("0.01")) if self.cost else None

    def add(self, other: "Roi") -> None:
        self.cost += other.cost
        self.leads += other.leads
        self.won += other.won
        self.revenue += other.revenue
        self.unconverted += other.unconverted


def activity_cost(fund_request: FundRequest) -> Decimal:
    claims = [c for c in fund_request.claims.all() if c.status != ClaimStatus.REJECTED]
    for claim in claims:
        if claim.approved_amount is not None:
            return claim.approved_amount
    return fund_request.approved_amount or ZERO


def roi_of(requests) -> dict[int, Roi]:
    """``{request id: Roi}`` for approved requests, in three queries whatever their number."""
    requests = list(
        requests.filter(status=RequestStatus.APPROVED).select_related("allocation").prefetch_related("claims")
    )
    result = {r.pk: Roi(cost=activity_cost(r)) for r in requests}
    by_pk = {r.pk: r for r in requests}
    attributions = ActivityDeal.objects.filter(request_id__in=by_pk).select_related("deal")
    for attribution in attributions:
        deal, roi = attribution.deal, result[attribution.request_id]
        roi.leads += 1
        if deal.stage == DealStage.WON and not deal.won_declared:
            roi.won += 1
            value = convert(
                deal.amount,
                deal.currency,
                by_pk[attribution.request_id].allocation.currency,
                deal.expected_close_date,
            )
            if value is None:
                roi.unconverted += 1
            else:
                roi.revenue += value
    return result


def roi_by(requests, key) -> dict:
    """The ROI summed per ``key(request)`` (activity type, partnership, period)."""
    per_request = roi_of(requests)
    grouped = defaultdict(Roi)
    for fund_request in requests.filter(pk__in=per_request).select_related("allocation__partnership"):
        grouped[key(fund_request)].add(per_request[fund_request.pk])
    return dict(grouped)


@transaction.atomic
def attribute_deal(fund_request: FundRequest, deal: DealRegistration, user) -> ActivityDeal:
    """Attribute a deal registration of the same partnership to an approved activity."""
    visible = (
        FundRequest.objects.visible_to(user).filter(pk=fund_request.pk).exists()
        and DealRegistration.objects.visible_to(user).filter(pk=deal.pk).exists()
    )
    if not visible or not (user.can_edit_all or user.is_partner_user):
        raise PermissionDenied
    if fund_request.status != RequestStatus.APPROVED:
        raise ValidationError(_("Deals are attributed to approved activities only."))
    if deal.partnership_id != fund_request.allocation.partnership_id:
        raise ValidationError({"deal": _("This deal belongs to another partnership than the activity.")})
    try:
        with transaction.atomic():
            return ActivityDeal.objects.create(request=fund_request, deal=deal)
    except IntegrityError as exc:
        raise ValidationError({"deal": _("This deal is already attributed to an activity.")}) from exc
