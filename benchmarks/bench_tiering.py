"""Benchmark: tier evaluation of every partner against the floor of one hand-written SQL aggregate.

    python benchmarks/bench_tiering.py [--partnerships 100000] [--records 10000000]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/test python benchmarks/bench_tiering.py

Synthesises N partner organisations with one channel partnership each, one programme with the seed's three
tiers (Silver; Gold 3 sales + 2 consultants; Platinum 5 + 3) every partnership belongs to, certified people
for one partner in five, and R revenue records spread over 24 months (``meute.lib.bulk.insert_rows``: COPY
on PostgreSQL). Then it times ``meute.programs.tiering.run_evaluation`` (set-based: a few aggregate queries,
then the pure engine in Python for every partner; nothing written), then the same run recording every
proposal with its evidence snapshot, and, as the floor, one hand-written
``SELECT partnership_id, SUM(amount) ... GROUP BY partnership_id`` over the same records and window, and
prints both and their ratio. Uses a temporary SQLite file unless DATABASE_URL is set; everything is rolled
back at the end. Target: under 60 s for 100,000 partnerships and 10,000,000 records on PostgreSQL.
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
from meute.lib.bulk import insert_objects, insert_rows  # noqa: E402
from meute.partnerships.choices import PartnershipStatus, PartyRole  # noqa: E402
from meute.partnerships.models import Partnership, PartnershipParty  # noqa: E402
from meute.programs.models import CertifiedPerson, PartnerTier, Program, RevenueRecord, Tier  # noqa: E402
from meute.programs.tiering import evaluation_window, run_evaluation  # noqa: E402

CHUNK = 200_000
AS_OF = datetime.date(2026, 6, 30)


class Rollback(Exception):
    pass


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

    program = Program.objects.create(name="Bench programme", code="bench")
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
        CertifiedPerson,
        [
            CertifiedPerson(person=p, certification="Bench", role=r)
            for p, r in zip(people, roles, strict=True)
        ],
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
                    "EUR",
                    credit,
                    "import",
                    "",
                )
            )
        insert_rows(RevenueRecord, columns, rows)
        written += size
        print(f"  {written:,} revenue records", end="\r", flush=True)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(f"synthesised {records:,} revenue records in {time.perf_counter() - started:.1f} s")
    return program


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
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    rng = random.Random(2026)
    print(f"database: {connection.vendor}")
    failed = False
    try:
        with transaction.atomic():
            program = synthesise(args.partnerships, args.records, rng)
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
            raise Rollback
    except Rollback:
        pass
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
