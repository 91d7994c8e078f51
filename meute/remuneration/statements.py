from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db.models import Count, Q, Sum
from django.utils.translation import gettext as _

from meute.core.models import Organization
from meute.lib import exports
from meute.lib.bulk import chunks
from meute.remuneration import engine as engine
from meute.remuneration.choices import PayoutStatus
from meute.remuneration.models import Payout
from meute.remuneration.payouts import CHUNK_SIZE, explain
from meute.remuneration.periods import Period, parse_period


def payouts_in(period: Period, *, user=None, partnership=None, organization=None, status=None):
    queryset = Payout.objects.visible_to(user) if user is not None else Payout.objects.all()
    queryset = queryset.filter(deal_date__gte=period.start, deal_date__lt=period.end)
    if partnership is not None:
        queryset = queryset.filter(partnership=partnership)
    if organization is not None:
        queryset = queryset.filter(organization=organization)
    if status:
        queryset = queryset.filter(status=status)
    return queryset


@dataclass
class Statement:
    organization: Organization
    period: Period
    payouts: list
    totals: list  # [{"currency", "status", "count", "total"}]
    grand_totals: dict  # currency → total


def statement(organization, period, *, user=None, partnership=None) -> Statement:
    """One member's payouts in ``period``, with totals per currency and status."""
    if isinstance(period, str):
        period = parse_period(period)
    queryset = payouts_in(period, user=user, partnership=partnership, organization=organization)
    totals = list(
        queryset.order_by()
        .values("currency", "status")
        .annotate(count=Count("pk"), total=Sum("amount"))
        .order_by("currency", "status")
    )
    grand = defaultdict(lambda: Decimal("0.00"))
    for row in totals:
        grand[row["currency"]] += row["total"]
    lines = list(
        queryset.select_related("deal", "deal__customer", "partnership", "version").order_by(
            "deal_date", "pk"
        )
    )
    explain(lines)
    return Statement(organization, period, lines, totals, dict(grand))


def statement_totals(period, *, user=None, partnership=None, status=None) -> list[dict]:
    """Every member's total in ``period``: the statements' summary.

    One GROUP BY on the payouts alone (no join), then the members' names for the ids found.
    """
    queryset = payouts_in(period, user=user, partnership=partnership, status=status)
    rows = list(
        queryset.order_by()
        .values("organization_id", "currency")
        .annotate(
            count=Count("pk"),
            total=Sum("amount"),
            approved=Sum("amount", filter=Q(status=PayoutStatus.APPROVED)),
            paid=Sum("amount", filter=Q(status=PayoutStatus.PAID)),
        )
    )
    names = {}
    for ids in chunks(sorted({row["organization_id"] for row in rows})):
        for pk, uuid_value, name, siren in Organization.objects.filter(pk__in=ids).values_list(
            "pk", "uuid", "name", "siren"
        ):
            names[pk] = (uuid_value, name, siren)
    for row in rows:
        row["organization__uuid"], row["organization__name"], row["organization__siren"] = names[
            row["organization_id"]
        ]
    rows.sort(key=lambda r: (r["organization__name"], r["organization_id"], r["currency"]))
    return rows


EXPORT_COLUMNS = [
    "date",
    "member",
    "siren",
    "deal",
    "partnership",
    "amount",
    "currency",
    "status",
    "rule_version",
    "payout",
]


EXPORT_FORMATS = ("csv", "xlsx")


def export_rows(queryset):
    statuses = dict(PayoutStatus.choices)
    values = queryset.order_by("deal_date", "pk").values_list(
        "deal_date",
        "organization__name",
        "organization__siren",
        "deal__uuid",
        "deal__title",
        "partnership__name",
        "amount",
        "currency",
        "status",
        "version__valid_from",
        "uuid",
    )
    for (
        date,
        member,
        siren,
        deal_uuid,
        title,
        partnership,
        amount,
        currency,
        status,
        valid_from,
        pk,
    ) in values.iterator(chunk_size=CHUNK_SIZE):
        yield [
            date.isoformat(),
            member,
            siren,
            f"{title} ({deal_uuid})" if title else str(deal_uuid),
            partnership,
            amount,
            currency,
            str(statuses.get(status, status)),
            valid_from.isoformat(),
            str(pk),
        ]


def export_payouts(queryset, file_format: str, stream) -> int:
    """Write the payouts to ``stream`` (text for csv, binary for xlsx); returns the number of rows."""
    if file_format not in EXPORT_FORMATS:
        raise ValidationError(
            _("Unknown format “%(format)s”: choose csv or xlsx.") % {"format": file_format}, code="bad_format"
        )
    header = [
        _("Date"),
        _("Member"),
        _("SIREN"),
        _("Deal"),
        _("Partnership"),
        _("Amount"),
        _("Currency"),
        _("Status"),
        _("Rule version"),
        _("Payout"),
    ]
    if file_format == "csv":
        return exports.write_csv(stream, header, export_rows(queryset))
    return exports.write_xlsx(stream, _("Payouts"), header, export_rows(queryset))
