"""Benchmark: tier evaluation of every partner against the floor of one hand-written SQL aggregate.

    python benchmarks/bench_tiering.py [--partnerships 100000] [--records 10000000] [--keep]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/test python benchmarks/bench_tiering.py

Synthesises N partner organisations with one channel partnership each, one programme with the seed's three
tiers (Silver; Gold 3 sales + 2 consultants; Platinum 5 + 3) every partnership belongs to, certified people
for one partner in five, and R revenue records spread over 24 months (``meute.lib.bulk.insert_rows``: COPY
on PostgreSQL): 95 % in EUR, the programme's currency, the rest in USD, GBP and CHF — converted with a
daily exchange rate — and 0.1 % in JPY, which has no rate (left out and reported). Then it times
``meute.programs.evaluation.run_evaluation`` (set-based: a few aggregate queries, the conversion among them,
then the pure engine in Python for every partner; nothing written), then the same run recording every
proposal with its evidence snapshot and audit entry (foreign keys checked as rows arrive), and, as the
floor, one hand-written ``SELECT partnership_id, SUM(amount) ... GROUP BY partnership_id`` over the EUR
records of the same window, and prints both and their ratio.

Uses a temporary SQLite file unless DATABASE_URL is set. The evaluations are always rolled back; the data
set too, unless ``--keep`` commits it first (the next runs reuse it). Target: under 60 s for 100,000
partnerships and 10,000,000 records on PostgreSQL, for each run.
"""

import argparse
import datetime
import os
import random
import sys
import tempfile
import time
import uuid
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "meute.settings")
os.environ.setdefault("DEBUG", "false")
if not os.environ.get("DATABASE_URL"):
    os.environ["DATABASE_URL"] = (
        f"sqlite:///{Path(tempfile.mkdtemp(prefix='meute-bench-')) / 'bench.sqlite3'}"
    )

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from meute.core.models import Organization, Person  # noqa: E402
from meute.enablement.models import PersonCertification
from meute.lib.bulk import insert_objects, insert_rows  # noqa: E402
from meute.money.models import ExchangeRate
from meute.partnerships.choices import PartnershipStatus, PartyRole  # noqa: E402
from meute.partnerships.models import Partnership, PartnershipParty  # noqa: E402
from meute.programs.evaluation import evaluation_window, run_evaluation
from meute.programs.models import PartnerTier, Program, RevenueRecord, Tier, TierChange

CHUNK = 200_000
AS_OF = datetime.date(2026, 6, 30)
# Revenue in other currencies than the programme's (EUR): converted with the rate in force on each record's
# period; JPY has no rate, so its records are left out and reported.
FOREIGN = [("USD", 0.03), ("GBP", 0.015), ("CHF", 0.004), ("JPY", 0.001)]
RATES = {"USD": Decimal("0.92"), "GBP": Decimal("1.17"), "CHF": Decimal("1.04")}
PROGRAM_CODE = "bench"


def synthesise(n: int, records: int, rng) -> Program:
    started = time.perf_counter()
    operator = Organization.objects.create(name="Bench operator", is_operator=True)
    organizations = [Organization(name=f"Partner {i:06d}", city="Lyon") for i in range(n)]
    for organization in organizations:
        organization.search_text = organization.build_search_text()
    insert_objects(Organization, organizations)
    partnerships = [Partnership(name=f"Channel {i:06d}", status=PartnershipStatus.ACTIVE) for i in range(n)]
    insert_objects(Partnership, partnerships)
    seats = []
    for organization, partnership in zip(organizations, partnerships, strict=True):
        seats.append(
            PartnershipParty(partnership=partnership, organization=operator, role=PartyRole.OPERATOR)
        )
        seats.append(PartnershipParty(partnership=partnership, organization=organization))
    insert_objects(PartnershipParty, seats)

    program = Program.objects.create(name="Bench programme", code=PROGRAM_CODE)
    Tier.objects.create(program=program, name="Silver", rank=1, min_revenue=Decimal("50000"))
    Tier.objects.create(
        program=program,
        name="Gold",
        rank=2,
        min_revenue=Decimal("250000"),
        min_certified={"sales": 3, "consultant": 2},
    )
    Tier.objects.create(
        program=program,
        name="Platinum",
        rank=3,
        min_revenue=Decimal("1000000"),
        min_certified={"sales": 5, "consultant": 3},
    )
    insert_objects(PartnerTier, [PartnerTier(partnership=p, program=program) for p in partnerships])

    people, roles = [], []
    for organization in organizations[::5]:
        for k in range(rng.randint(1, 8)):
            people.append(Person(organization=organization, first_name="Cert", last_name=f"{k}"))
            roles.append("sales" if k % 2 == 0 else "consultant")
    insert_objects(Person, people)
    insert_objects(
        PersonCertification,
        [PersonCertification(person=p, name="Bench", role=r) for p, r in zip(people, roles, strict=True)],
    )
    print(
        f"synthesised {n:,} partners, partnerships and memberships in {time.perf_counter() - started:.1f} s"
    )

    started = time.perf_counter()
    ops = connection.ops
    uuid_field = RevenueRecord._meta.get_field("uuid")
    now = RevenueRecord._meta.get_field("created_at").get_db_prep_save(timezone.now(), connection)
    days = [ops.adapt_datefield_value(AS_OF - datetime.timedelta(days=d)) for d in range(730)]
    ids = [p.pk for p in partnerships]
    columns = [
        "uuid",
        "created_at",
        "updated_at",
        "partnership_id",
        "period",
        "product_line_id",
        "customer_name",
        "amount",
        "currency",
        "is_credit_note",
        "source",
        "reference",
    ]
    written = 0
    while written < records:
        size = min(CHUNK, records - written)
        rows = []
        for _ in range(size):
            credit = rng.random() < 0.02
            amount = Decimal(rng.randint(1, 20_000)) * (-1 if credit else 1)
            draw, currency = rng.random(), "EUR"
            for code, share in FOREIGN:
                if draw < share:
                    currency = code
                    break
                draw -= share
            rows.append(
                (
                    uuid_field.get_db_prep_value(uuid.UUID(int=rng.getrandbits(128), version=4), connection),
                    now,
                    now,
                    ids[rng.randrange(n)],
                    days[rng.randrange(730)],
                    None,
                    "",
                    amount,
                    currency,
                    credit,
                    "import",
                    "",
                )
            )
        insert_rows(RevenueRecord, columns, rows)
        written += size
        print(f"  {written:,} revenue records", end="\r", flush=True)
    rates = create_rates()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    elapsed = time.perf_counter() - started
    print(f"synthesised {records:,} revenue records and {rates:,} exchange rates in {elapsed:.1f} s")
    return program


def create_rates() -> int:
    """One rate a day over the two years for USD, GBP and CHF into EUR (none for JPY)."""
    rates = [
        ExchangeRate(
            from_currency=code,
            to_currency="EUR",
            rate=base + Decimal(day % 50 - 25) / 10_000,
            valid_from=AS_OF - datetime.timedelta(days=day),
        )
        for code, base in RATES.items()
        for day in range(731)
    ]
    insert_objects(ExchangeRate, rates)
    return len(rates)


def floor_query(program) -> tuple[float, int]:
    start, end = evaluation_window(program, AS_OF)
    table = RevenueRecord._meta.db_table
    sql = (
        f"SELECT partnership_id, SUM(amount) FROM {connection.ops.quote_name(table)} "  # noqa: S608
        "WHERE period >= %s AND period <= %s AND currency = %s GROUP BY partnership_id"
    )
    params = [connection.ops.adapt_datefield_value(start), connection.ops.adapt_datefield_value(end), "EUR"]
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    return time.perf_counter() - started, len(rows)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--partnerships", type=int, default=100_000)
    parser.add_argument("--records", type=int, default=10_000_000)
    parser.add_argument("--keep", action="store_true", help="Commit the data set (reused by the next runs).")
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    rng = random.Random(2026)
    print(f"database: {connection.vendor}")
    kept = Program.objects.filter(code=PROGRAM_CODE).exists()
    if kept:
        print("reusing the kept data set")
        if not ExchangeRate.objects.filter(from_currency="USD", valid_from=AS_OF).exists():
            with transaction.atomic():
                create_rates()
    elif args.keep:  # the data set is committed for the next runs; the evaluations never are
        with transaction.atomic():
            synthesise(args.partnerships, args.records, rng)
        kept = True
    if kept and connection.vendor == "postgresql":
        # Each run's recording is rolled back: its 100,000 tier changes, their audit entries and the
        # members' updates stay behind as dead rows, faster than autovacuum clears them. Clear them before
        # timing, or every run reads and writes through the previous runs' remains.
        from auditlog.models import LogEntry

        with connection.cursor() as cursor:
            for model in (TierChange, LogEntry, PartnerTier):
                cursor.execute(f"VACUUM ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
    with transaction.atomic():
        program = (
            Program.objects.get(code=PROGRAM_CODE)
            if kept
            else synthesise(args.partnerships, args.records, rng)
        )
        if connection.vendor == "postgresql":
            # Foreign keys are checked as rows arrive (not deferred to a commit that never comes here).
            with connection.cursor() as cursor:
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        floor, groups = floor_query(program)
        started = time.perf_counter()
        summary = run_evaluation(program, AS_OF, write=False)
        engine = time.perf_counter() - started
        tiers = {}
        for outcome in summary.outcomes:
            name = outcome.evaluation.tier.name if outcome.evaluation.tier else "—"
            tiers[name] = tiers.get(name, 0) + 1
        print(f"floor: one SQL aggregate over the window        {floor:8.2f} s ({groups:,} groups)")
        print(f"tier evaluation of {len(summary.outcomes):,} partners (set-based) {engine:8.2f} s")
        print(f"ratio evaluation / floor                        {engine / floor if floor else 0:8.1f}")
        for line in summary.conversion.lines():
            print(f"  {line}")
        started = time.perf_counter()
        recorded = run_evaluation(program, AS_OF, write=True)
        writing = time.perf_counter() - started
        print(
            f"evaluation + recording {len(recorded.proposals):,} proposals with evidence "
            f"{writing:8.2f} s (rolled back)"
        )
        print("eligible tiers: " + ", ".join(f"{k}: {v:,}" for k, v in sorted(tiers.items())))
        failed = engine > 60 or writing > 60
        print("target (under 60 s): " + ("MISSED" if failed else "met"))
        transaction.set_rollback(True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
