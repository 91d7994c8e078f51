"""Setting each partner's MDF for a period — by hand, or by its tier's rule (a share of the revenue of the
year before, in the programme's currency) — and expiring what was left unused, less the share the
``MEUTE_MDF_CARRY_OVER_PERCENT`` setting carries over to the partnership's fund of the next period (0, the
default: everything unused expires).

An allocation changed later is never edited in place: the difference is a new ledger entry.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from meute.lib.access import require
from meute.money.exchange import converted_totals, round_cents
from meute.programs.models import PartnerTier, RevenueRecord
from meute.programs.rule_versions import in_force

from .choices import EXPIRY_NOTE, AllocationMethod, EntryKind
from .ledger import balance_of
from .models import FundAllocation, FundEntry


def may_allocate(user) -> bool:
    """Finance and channel managers set allocations; partners and read-only staff never do."""
    return bool(user and user.is_authenticated and user.is_active and user.can_edit_all)


def last_year_revenue(partnership, program, period: int) -> Decimal:
    """The partnership's revenue of the year before ``period`` in the programme's currency (records in other
    currencies converted at the rate in force on their period; those without a rate are left out)."""
    records = RevenueRecord.objects.filter(
        partnership=partnership,
        period__gte=datetime.date(period - 1, 1, 1),
        period__lte=datetime.date(period - 1, 12, 31),
    )
    totals, _report = converted_totals(records, "partnership_id", program.currency)
    found = totals.get(partnership.pk)
    return found.rounded if found else round_cents(0)


def tier_mdf_percent(tier, period: int) -> Decimal:
    """The MDF share of the tier's rules in force on the first day of the period (the tier's benefit)."""
    version = in_force(list(tier.versions.order_by("effective_from")), datetime.date(period, 1, 1))
    if version is not None and "mdf_percent" in version.benefits:
        return Decimal(str(version.benefits["mdf_percent"]))
    return tier.mdf_percent


def tier_rule_amount(partnership, program, period: int) -> tuple[Decimal, Decimal, Decimal]:
    """(amount, share, revenue basis) by the tier the partnership holds in the programme: the tier's MDF
    share of the partnership's revenue of the year before."""
    membership = (
        PartnerTier.objects.filter(partnership=partnership, program=program).select_related("tier").first()
    )
    if membership is None or membership.tier_id is None:
        raise ValidationError(_("This partnership holds no tier in this programme: allocate by hand."))
    percent = tier_mdf_percent(membership.tier, period)
    if not percent:
        raise ValidationError(
            _("The tier %(tier)s gives no MDF: allocate by hand.") % {"tier": membership.tier.name}
        )
    revenue = last_year_revenue(partnership, program, period)
    return round_cents(revenue * percent / 100), percent, revenue


@transaction.atomic
def allocate(partnership, program, period: int, *, user, amount=None, expires_on=None, note: str = ""):
    """Set the partnership's allocation for the period: ``amount`` by hand, else by its tier's rule.

    A first call creates the allocation; a later one adds the difference as an entry (never below what is
    already committed, claimed, paid or expired). Returns the allocation."""
    require(may_allocate(user))
    if amount is not None:
        amount = Decimal(amount)
        if amount < 0:
            raise ValidationError({"amount": _("An allocation cannot be negative.")})
        method, percent, revenue = AllocationMethod.MANUAL, None, None
    else:
        amount, percent, revenue = tier_rule_amount(partnership, program, period)
        method = AllocationMethod.TIER_RULE
    allocation = (
        FundAllocation.objects.select_for_update()
        .filter(partnership=partnership, program=program, period=period)
        .first()
    )
    if allocation is None:
        allocation = FundAllocation(
            partnership=partnership,
            program=program,
            period=period,
            currency=program.currency,
            expires_on=expires_on or datetime.date(period, 12, 31),
            created_by=user,
        )
    elif expires_on:
        allocation.expires_on = expires_on
    allocation.method, allocation.percent, allocation.revenue_basis = method, percent, revenue
    if note:
        allocation.note = note
    # Who set it is not an input: a fund opened by the expiry run has nobody.
    allocation.full_clean(exclude=["created_by"])
    allocation.save()
    balance = balance_of(allocation)
    # What came from the period before counts towards what is used; what left for the next one does not.
    floor = balance.used + balance.expired - balance.carried_over
    if amount < floor:
        raise ValidationError(
            {
                "amount": _(
                    "The allocation cannot be lower than what is already used: %(used)s %(currency)s."
                )
                % {"used": floor, "currency": allocation.currency}
            }
        )
    difference = amount - balance.allocated
    if difference:
        FundEntry.objects.create(
            allocation=allocation,
            kind=EntryKind.ALLOCATION,
            amount=difference,
            created_by=user,
            note=gettext_noop("Allocated by tier rule")
            if method == AllocationMethod.TIER_RULE
            else gettext_noop("Allocated by hand"),
        )
    return allocation


@dataclass
class AllocationRun:
    allocated: list = field(default_factory=list)
    skipped: list = field(default_factory=list)  # (partnership, reason)


def allocate_period(period: int, *, user, program=None) -> AllocationRun:
    """Allocate by tier rule to every programme member holding a tier (one by one: a member refused, e.g.
    by a tier without MDF, does not stop the others)."""
    run = AllocationRun()
    members = PartnerTier.objects.filter(tier__isnull=False).select_related("partnership", "program")
    if program is not None:
        members = members.filter(program=program)
    # Set by hand means an amount was given by hand: a fund opened only by a carry-over still gets its rule.
    by_hand = set(
        FundAllocation.objects.filter(
            period=period, method=AllocationMethod.MANUAL, entries__kind=EntryKind.ALLOCATION
        ).values_list("partnership_id", "program_id")
    )
    for member in members.order_by("program_id", "partnership__name"):
        if (member.partnership_id, member.program_id) in by_hand:
            run.skipped.append((member.partnership, _("Allocated by hand: left as it is.")))
            continue
        try:
            run.allocated.append(allocate(member.partnership, member.program, period, user=user))
        except ValidationError as exc:
            run.skipped.append((member.partnership, " ".join(exc.messages)))
    return run


def carry_over_percent() -> Decimal:
    value = Decimal(str(getattr(settings, "MEUTE_MDF_CARRY_OVER_PERCENT", 0) or 0))
    if not 0 <= value <= 100:
        raise ImproperlyConfigured("MEUTE_MDF_CARRY_OVER_PERCENT must be between 0 and 100.")
    return value


def _next_fund(allocation: FundAllocation, user) -> FundAllocation:
    """The partnership's fund of the next period in the same programme, opened (nothing allocated yet) when
    finance has not set it."""
    period = allocation.period + 1
    fund = (
        FundAllocation.objects.select_for_update()
        .filter(partnership_id=allocation.partnership_id, program_id=allocation.program_id, period=period)
        .first()
    )
    if fund is None:
        fund = FundAllocation.objects.create(
            partnership_id=allocation.partnership_id,
            program_id=allocation.program_id,
            period=period,
            currency=allocation.currency,
            expires_on=datetime.date(period, 12, 31),
            created_by=user,
        )
    return fund


def expire(today: datetime.date | None = None, *, user=None) -> list[tuple[FundAllocation, Decimal]]:
    """Expire what is left available on allocations whose date has passed, less the carry-over share moved
    to the next period's fund (same currency only: a fund in another currency has everything expire).
    Returns ``(allocation, amount expired)`` for each. Safe to run again: an expired allocation has nothing
    available left."""
    today = today or timezone.localdate()
    percent = carry_over_percent()
    done = []
    for allocation_id in FundAllocation.objects.filter(expires_on__lt=today).values_list("pk", flat=True):
        with transaction.atomic():
            allocation = FundAllocation.objects.select_for_update().get(pk=allocation_id)
            available = balance_of(allocation).available
            if available <= 0:
                continue
            carried = round_cents(available * percent / 100) if percent else Decimal("0.00")
            if carried > 0:
                target = _next_fund(allocation, user)
                if target.currency != allocation.currency:
                    carried = Decimal("0.00")
            if carried > 0:
                FundEntry.objects.create(
                    allocation=allocation,
                    kind=EntryKind.CARRY_OVER,
                    amount=-carried,
                    created_by=user,
                    note=_("Carried over to %(period)s") % {"period": target.period},
                )
                FundEntry.objects.create(
                    allocation=target,
                    kind=EntryKind.CARRY_OVER,
                    amount=carried,
                    created_by=user,
                    note=_("Carried over from %(period)s") % {"period": allocation.period},
                )
            expired = available - carried
            if expired > 0:
                FundEntry.objects.create(
                    allocation=allocation,
                    kind=EntryKind.EXPIRY,
                    amount=expired,
                    created_by=user,
                    note=EXPIRY_NOTE % {"date": allocation.expires_on.isoformat()},
                )
            done.append((allocation, expired))
    return done
