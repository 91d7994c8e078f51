"""Fund balances: the sums of the ledger's entries per bucket, computed in the database in one query.

    available = allocated − committed − claimed − paid − expired

where ``committed`` is what approved requests hold and no claim has settled yet, ``claimed`` what approved
claims hold until they are paid. Nothing is stored: every figure is a ``SUM`` over ``FundEntry`` rows.
"""

from dataclasses import dataclass, fields
from decimal import Decimal

from django.db.models import Sum

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

    @property
    def available(self) -> Decimal:
        return self.allocated - self.committed - self.claimed - self.paid - self.expired

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
}


def _pivot(rows) -> dict[int, Balance]:
    """``(allocation id, kind, sum)`` rows → ``{allocation id: Balance}``."""
    names = {kind: name for name, kind in BUCKETS.items()}
    found: dict[int, dict] = {}
    for allocation_id, kind, total in rows:
        found.setdefault(allocation_id, {})[names[kind]] = round_cents(total)
    return {pk: Balance(**values) for pk, values in found.items()}


def balances(allocations) -> dict[int, Balance]:
    """``{allocation id: Balance}`` for an allocation queryset (or ids), in one aggregate query: one
    ``SUM(amount)`` per allocation and kind, read from the (allocation, kind, amount) index alone. Allocations
    without entries are absent: ``balances(...).get(pk, Balance())``."""
    rows = (
        FundEntry.objects.filter(allocation__in=allocations)
        .order_by()
        .values_list("allocation_id", "kind")
        .annotate(total=Sum("amount"))
    )
    return _pivot(rows)


def balance_of(allocation) -> Balance:
    return balances([allocation.pk]).get(allocation.pk, Balance())


def request_commitment(request) -> Decimal:
    """What an approved request still holds (its commitments less their releases)."""
    total = FundEntry.objects.filter(request=request, kind=EntryKind.COMMITMENT).aggregate(
        total=Sum("amount")
    )
    return round_cents(total["total"])
