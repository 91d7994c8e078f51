"""Exchange rates: the rate in force on a date, and revenue converted into one currency inside the aggregates.

An ``ExchangeRate`` says what one unit of a currency is worth in another from a date on. A revenue record
counts in a programme's (or a business plan's) currency converted with the rate in force on its period —
for each pair, the latest ``valid_from`` on or before it — found in this order:

1. the pair itself (USD → EUR);
2. the inverse pair (EUR → USD, as central banks publish their reference rates), as 1 / rate;
3. through the pivot currency (``MEUTE_EXCHANGE_PIVOT``, EUR by default), each leg direct or inverse:
   GBP → EUR then EUR → USD for GBP revenue in a USD programme.

The conversion happens in SQL, in the aggregate query (``converted_totals``): records already in the
currency are summed as they are; the others join the rate in force, resolved once per distinct currency and
period on the pairs' unique index. A record whose currency has no rate in force by any of the three ways is
left out and reported.

Sums are exact decimals on PostgreSQL (``numeric``; SQLite sums in floating point, read back to 15
significant digits); each total is rounded to the cent once, half up, in Python (``round_cents``).
"""

import datetime
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Context, Decimal

from django.conf import settings
from django.db.models import F, Sum
from django.utils.formats import number_format
from django.utils.translation import ngettext

CENT = Decimal("0.01")
ZERO = Decimal("0")


def round_cents(value) -> Decimal:
    """A converted sum rounded to the cent, half away from zero (12.345 → 12.35, −12.345 → −12.35)."""
    if value is None:
        return ZERO.quantize(CENT)
    if not isinstance(value, Decimal):
        value = Decimal(str(value))
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def _pair_rate(from_currency: str, to_currency: str, day: datetime.date) -> Decimal | None:
    from meute.money.models import ExchangeRate

    return (
        ExchangeRate.objects.filter(from_currency=from_currency, to_currency=to_currency, valid_from__lte=day)
        .order_by("-valid_from")
        .values_list("rate", flat=True)
        .first()
    )


def _either_way(from_currency: str, to_currency: str, day: datetime.date) -> Decimal | None:
    """The pair's rate in force, else 1 / the inverse pair's."""
    if from_currency == to_currency:
        return Decimal(1)
    direct = _pair_rate(from_currency, to_currency, day)
    if direct is not None:
        return direct
    inverse = _pair_rate(to_currency, from_currency, day)
    return None if inverse is None else 1 / inverse


def rate_in_force(from_currency: str, to_currency: str, day: datetime.date) -> Decimal | None:
    """The rate of one pair in force on ``day``: the pair, else its inverse, else through the pivot currency
    (``None`` without any). 1 for a currency into itself."""
    rate = _either_way(from_currency, to_currency, day)
    pivot = settings.MEUTE_EXCHANGE_PIVOT
    if rate is not None or pivot in (from_currency, to_currency):
        return rate
    first, second = _either_way(from_currency, pivot, day), _either_way(pivot, to_currency, day)
    return None if first is None or second is None else first * second


def convert(amount: Decimal, from_currency: str, to_currency: str, day: datetime.date) -> Decimal | None:
    """One amount in ``to_currency`` with the rate in force on ``day``, to the cent (``None`` without a
    rate). An amount already in ``to_currency`` is returned untouched."""
    if from_currency == to_currency:
        return amount
    rate = rate_in_force(from_currency, to_currency, day)
    return None if rate is None else round_cents(amount * rate)


@dataclass
class Totals:
    """One group's revenue in the target currency, and how many of its records were converted or left out."""

    amount: Decimal = ZERO  # exact (not rounded yet)
    converted: int = 0
    unconverted: int = 0

    @property
    def rounded(self) -> Decimal:
        return round_cents(self.amount)


def _number(value) -> Decimal:
    """A sum as the database returns it: a Decimal on PostgreSQL, a float (or int) on SQLite."""
    if value is None:
        return ZERO
    if isinstance(value, float):
        return _FROM_FLOAT(value)
    return Decimal(value)


_FROM_FLOAT = Context(prec=15).create_decimal_from_float  # what Django does with SQLite's floats


def converted_totals(records, key: str, currency: str) -> tuple[dict, "ConversionReport"]:
    """The sum of ``records`` (a ``RevenueRecord`` queryset) per ``key`` (a field or lookup path, e.g.
    ``partnership_id``) in ``currency``, set-based, in two aggregate queries whatever the number of groups:

    - records already in ``currency``: one ``SUM(amount) GROUP BY key``;
    - the others: converted in SQL with the rate in force on their period. The rate is looked up once per
      distinct (currency, period) of those records — not once per record — then joined back, and
      ``SUM(amount * rate)`` is grouped by key and currency. A record without a rate in force joins a NULL
      rate: left out of the sum, counted as unconverted.

    Returns ``{key value: Totals}`` (exact sums; ``Totals.rounded`` rounds to the cent) and the report.
    """
    from meute.money.models import ExchangeRate

    report = ConversionReport(currency)
    totals: dict = {}
    same = (
        records.filter(currency=currency)
        .order_by()
        .values(key)
        .annotate(total=Sum("amount"))
        .values_list(key, "total")
    )
    for group, total in same:
        totals[group] = Totals(_number(total))

    foreign = (
        records.exclude(currency=currency)
        .order_by()
        .values(
            group_key=F(key), record_currency=F("currency"), record_period=F("period"), amount_=F("amount")
        )
    )
    compiler = foreign.query.get_compiler(using=foreign.db)
    body, params = compiler.as_sql()
    connection = compiler.connection
    quote = connection.ops.quote_name
    rate_table = quote(ExchangeRate._meta.db_table)
    key_, cur, day, amount = (quote(n) for n in ("group_key", "record_currency", "record_period", "amount_"))
    # Computed once, not pulled up into the aggregate (where PostgreSQL would look each rate up per record).
    materialized = "MATERIALIZED " if connection.vendor == "postgresql" else ""

    def rate(from_, to):
        # The pair's rate in force on the record's period: one look-up on the pair's unique index.
        return f"""(SELECT rates_.{quote("rate")} FROM {rate_table} rates_
            WHERE rates_.{quote("from_currency")} = {from_} AND rates_.{quote("to_currency")} = {to}
                AND rates_.{quote("valid_from")} <= pairs.{day}
            ORDER BY rates_.{quote("valid_from")} DESC LIMIT 1)"""  # noqa: S608

    def either_way(from_, to):
        return f"COALESCE({rate(from_, to)}, 1.0 / NULLIF({rate(to, from_)}, 0))"

    # Names come from the models and the aliases above; every value is a query parameter.
    source, pivot = f"pairs.{cur}", settings.MEUTE_EXCHANGE_PIVOT
    resolution, rate_params = either_way(source, "%s"), [currency] * 2
    if currency != pivot:
        # A record in the pivot currency itself finds no pivot → pivot rate: its product stays NULL.
        resolution = f"COALESCE({resolution}, {either_way(source, '%s')} * {either_way('%s', '%s')})"
        rate_params += [pivot, pivot, pivot, currency, currency, pivot]
    sql = f"""
        WITH foreign_records AS ({body}),
        rates AS {materialized}(
            SELECT pairs.{cur}, pairs.{day}, {resolution} AS rate_
            FROM (SELECT DISTINCT {cur}, {day} FROM foreign_records) pairs
        )
        SELECT f.{key_}, f.{cur}, SUM(f.{amount} * r.rate_), COUNT(*), COUNT(r.rate_)
        FROM foreign_records f JOIN rates r ON r.{cur} = f.{cur} AND r.{day} = f.{day}
        GROUP BY f.{key_}, f.{cur}
    """  # noqa: S608
    params = [*params, *rate_params]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    for group, record_currency, total, count, converted in rows:
        found = totals.get(group)
        if found is None:
            found = totals[group] = Totals()
        found.amount += _number(total)
        found.converted += converted
        report.converted += converted
        if count > converted:
            found.unconverted += count - converted
            report.missing[record_currency] = report.missing.get(record_currency, 0) + count - converted
    return totals, report


def _count(value: int) -> str:
    return number_format(value, force_grouping=True)


@dataclass
class ConversionReport:
    """What the conversion did over one evaluation: records converted, and records left out for lack of a
    rate, per currency."""

    currency: str
    converted: int = 0
    missing: dict = field(default_factory=dict)  # currency → records left out

    @property
    def missing_records(self) -> int:
        return sum(self.missing.values())

    def lines(self) -> list[str]:
        """Sentences for the run summary (pages, CLI), in the active language."""
        lines = []
        if self.converted:
            lines.append(
                ngettext(
                    "%(count)s revenue record in another currency was converted into %(currency)s with the "
                    "exchange rate in force on its period.",
                    "%(count)s revenue records in other currencies were converted into %(currency)s with the "
                    "exchange rate in force on their period.",
                    self.converted,
                )
                % {"count": _count(self.converted), "currency": self.currency}
            )
        if self.missing:
            detail = ", ".join(f"{code} ({_count(count)})" for code, count in sorted(self.missing.items()))
            lines.append(
                ngettext(
                    "%(count)s revenue record was not counted: no exchange rate into %(currency)s in force "
                    "on its period for %(currencies)s.",
                    "%(count)s revenue records were not counted: no exchange rate into %(currency)s in force "
                    "on their period for %(currencies)s.",
                    self.missing_records,
                )
                % {"count": _count(self.missing_records), "currency": self.currency, "currencies": detail}
            )
        return lines
