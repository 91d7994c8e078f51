"""Fund balances: the sums of the ledger's entries per bucket, computed in the database in one query.

    available = allocated + carried over − committed − claimed − paid − expired

where ``committed`` is what approved requests hold and no claim has settled yet, ``claimed`` what approved
claims hold until they are paid, ``carried_over`` what came from the period before (negative on the fund it
left). Nothing is stored: every figure is a ``SUM`` over ``FundEntry`` rows.
"""

from dataclasses import dataclass, fields
from decimal import Decimal

from django.db.models import Q, Sum

from meute.money.exchange import round_cents

from .choices import EntryKind
from .models import FundEntry

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class Balance:
    allocated: Decimal = ZERO
    committed: Decimal = ZERO
    claimed: Decimal = ZERO
    paid: Decimal = ZERO
    expired: Decimal = ZERO
    carried_over: Decimal = ZERO

    @property
    def available(self) -> Decimal:
        return self.allocated + self.carried_over - self.committed - self.claimed - self.paid - self.expired

    @property
    def used(self) -> Decimal:
        return self.committed + self.claimed + self.paid

    def __add__(self, other: "Balance") -> "Balance":
        return Balance(*(getattr(self, f.name) + getattr(other, f.name) for f in fields(self)))


BUCKETS = {
    "allocated": EntryKind.ALLOCATION,
    "committed": EntryKind.COMMITMENT,
    "claimed": EntryKind.CLAIM,
    "paid": EntryKind.PAYMENT,
    "expired": EntryKind.EXPIRY,
    "carried_over": EntryKind.CARRY_OVER,
}


def _cents(total) -> Decimal:
    # Sums of two-decimal amounts are exact already (PostgreSQL returns them with two decimals): only other
    # exponents, or no entry at all, go through the rounding.
    if total is None:
        return ZERO
    if isinstance(total, Decimal) and total.as_tuple().exponent == -2:
        return total
    return round_cents(total)


def balance_rows(allocations):
    """The aggregate query behind ``balances``: one row per allocation with one filtered ``SUM(amount)`` per
    bucket, in ``Balance`` field order."""
    sums = {name: Sum("amount", filter=Q(kind=kind)) for name, kind in BUCKETS.items()}
    return (
        FundEntry.objects.filter(allocation__in=allocations)
        .order_by()
        .values("allocation_id")
        .annotate(**sums)
        .values_list("allocation_id", *BUCKETS)
    )


def balances(allocations) -> dict[int, Balance]:
    """``{allocation id: Balance}`` for an allocation queryset (or ids), in one aggregate query over the
    (allocation, kind, amount) index alone (an index-only scan on PostgreSQL once the ledger is vacuumed).
    Allocations without entries are absent: ``balances(...).get(pk, Balance())``."""
    return {row[0]: Balance(*map(_cents, row[1:])) for row in balance_rows(allocations)}


def balance_of(allocation) -> Balance:
    return balances([allocation.pk]).get(allocation.pk, Balance())


def request_commitment(request) -> Decimal:
    """What an approved request still holds (its commitments less their releases)."""
    total = FundEntry.objects.filter(request=request, kind=EntryKind.COMMITMENT).aggregate(
        total=Sum("amount")
    )
    return round_cents(total["total"])
