"""Fund use per partner and period: what was allocated, committed, claimed and paid, summed over the funds of
each (partnership, period, currency) from the ledger's balances (one aggregate query). Amounts of different
currencies are never added together: a partnership with funds in two currencies has two rows."""

from collections import defaultdict
from dataclasses import dataclass

from django.utils.translation import gettext as _

from meute.lib.charts import grouped_bar_chart

from .ledger import Balance, balances

BUCKETS = ("allocated", "committed", "claimed", "paid")


@dataclass(frozen=True)
class UseRow:
    partnership: str
    period: int
    currency: str
    balance: Balance

    @property
    def label(self) -> str:
        return f"{self.partnership} {self.period} ({self.currency})"


def bucket_labels() -> list[str]:
    return [_("Allocated"), _("Committed"), _("Claimed"), _("Paid")]


def fund_use(allocations) -> list[UseRow]:
    """``allocations``: a queryset already scoped to the reader (``visible_to``)."""
    funds = list(
        allocations.select_related("partnership").only("pk", "period", "currency", "partnership__name")
    )
    found = balances([fund.pk for fund in funds])
    grouped = defaultdict(Balance)
    for fund in funds:
        key = (fund.partnership.name, fund.period, fund.currency)
        grouped[key] = grouped[key] + found.get(fund.pk, Balance())
    return [
        UseRow(*key, balance) for key, balance in sorted(grouped.items(), key=lambda i: (-i[0][1], i[0][0]))
    ]


def use_chart(rows: list[UseRow]):
    return grouped_bar_chart(
        [(row.label, [getattr(row.balance, name) for name in BUCKETS]) for row in rows],
        bucket_labels(),
        title=_("Fund use per partner and period"),
        value_label=_("Fund"),
        places=2,
    )


def export_headers() -> list[str]:
    return [_("Partnership"), _("Period"), _("Currency"), *bucket_labels()]


def export_rows(rows: list[UseRow]):
    for row in rows:
        yield [row.partnership, row.period, row.currency, *(getattr(row.balance, name) for name in BUCKETS)]
