"""Benchmark: the network dashboard and the health scores of every partnership.

    python benchmarks/bench_insights.py [--partnerships 100000] [--records 10000000] [--deals 1000000]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/NAME python benchmarks/bench_insights.py [--keep]

Synthesises the tiering benchmark's partnerships (N partnerships of one programme with tiers, certified
people; ``bench_tiering.synthesise``), then on PostgreSQL R revenue records over two years in five
currencies, D registered deals and onboarding journeys with their steps, each written by the database
itself (``INSERT … SELECT`` over ``generate_series``, a fixed seed; the record table's indexes rebuilt
once at the end), and gives each partnership a tier, a partner type, a territory, an alliance manager on
the vendor side and governance meetings for one in three. On SQLite the records and deals go through
the ORM (a small data set). Then it times:

- the weekly job (``insights.alerts.snapshot_and_alert``) and each of its parts: the year's revenue
  roll-up, the health scores of every partnership (facts, scores, one snapshot row each; target 60 s)
  and the dashboard's pre-aggregated figures;
- the network dashboard page as an administrator, in-process with Django's test client (queries, charts,
  template), median and 95th percentile over ``--repeat`` requests, with its SQL query count — target
  500 ms median — and the same figures as JSON from ``/api/insights/network/``.

Every figure comes with the CPU time of this process, of the database server's backend when it runs on
this machine, and the load average. Uses a temporary SQLite file unless DATABASE_URL is set (give the
benchmark a database of its own). ``--keep`` commits the data set first and the next runs reuse it;
the timed work is always rolled back.
"""

import argparse
import datetime
import os
import random
import statistics
import sys
import time
import uuid
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path
from unittest import mock

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import bench_tiering  # noqa: E402  (sets up Django on the configured database)
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from meute.core.models import Organization, Person, Territory, User  # noqa: E402
from meute.deals.models import Customer, DealRegistration  # noqa: E402
from meute.enablement.models import Journey, JourneyStep  # noqa: E402
from meute.insights.alerts import snapshot_and_alert  # noqa: E402
from meute.insights.models import (  # noqa: E402
    GovernanceMeeting,
    HealthSnapshot,
    NetworkFigure,
    RevenueRollup,
)
from meute.lib.bulk import insert_objects  # noqa: E402
from meute.partnerships.choices import PartyRole  # noqa: E402
from meute.partnerships.models import Partnership, PartnershipParty  # noqa: E402
from meute.programs.models import (  # noqa: E402
    PartnerTier,
    Program,
    RevenueRecord,
)

AS_OF = bench_tiering.AS_OF
ON_DAY = f"DATE '{AS_OF.isoformat()}'"  # AS_OF as an SQL literal
STAGES = ["submitted"] * 3 + ["approved"] * 3 + ["won", "lost", "rejected", "expired"]


def server_cpu() -> float | None:
    """CPU seconds of this connection's PostgreSQL backend so far (same machine: ``/proc``), else None."""
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class Timed:
    """Wall clock, this process's CPU and the database backend's CPU of a block, and the load average
    at its end: ``str()`` is the figure as printed."""

    def __enter__(self):
        self.wall, self.cpu, self.server = time.perf_counter(), time.process_time(), server_cpu()
        return self

    def __exit__(self, kind, *exc):
        if kind is not None:
            return
        self.wall = time.perf_counter() - self.wall
        self.cpu = time.process_time() - self.cpu
        server = server_cpu()
        self.server = None if server is None or self.server is None else server - self.server
        self.load = os.getloadavg()[0]

    def __str__(self):
        server = "" if self.server is None else f", database {self.server:.1f} s CPU"
        return f"{self.wall:.1f} s wall ({self.cpu:.1f} s CPU here{server}; load average {self.load:.1f})"


def insert_select(model, expressions: dict, source: str, params=()) -> int:
    """``INSERT INTO`` ``model``'s table ``SELECT`` … ``source`` (a FROM clause whose rows have a number
    ``g``): the database writes the rows itself, none crosses the wire. ``expressions`` gives a column's
    SQL; the others take their field's default (``created_at``/``updated_at``: now; ``uuid``: a digest of
    the table and ``g``, the same on every run; nullable fields: NULL; optional texts: empty)."""
    table = model._meta.db_table
    columns, values, arguments = [], [], []
    now = timezone.now()
    for field in model._meta.concrete_fields:
        column = field.column
        if column in expressions:
            sql = expressions[column]
        elif field.primary_key:
            continue
        elif column == "uuid":
            sql = f"md5('{table}-' || g)::uuid"
        elif column in ("created_at", "updated_at"):
            sql, arguments = "%s", [*arguments, now]
        elif field.has_default():
            sql = "%s"
            arguments.append(field.get_db_prep_save(field.get_default(), connection))
        elif field.null:
            sql = "NULL"
        elif field.has_db_default():
            continue
        elif field.blank and field.get_internal_type() in ("CharField", "TextField"):
            sql = "''"
        else:
            raise ValueError(f"{table}.{column}: give its expression")
        columns.append(connection.ops.quote_name(column))
        values.append(sql)
    statement = (
        f"INSERT INTO {connection.ops.quote_name(table)} ({', '.join(columns)}) "
        f"SELECT {', '.join(values)} FROM {source}"
    )
    with connection.cursor() as cursor:
        cursor.execute(statement, [*arguments, *params])
        return cursor.rowcount


def numbered(name: str, model) -> int:
    """A temporary table ``name`` (k, id): ``model``'s rows numbered from 0 in key order, for generated
    rows to pick one by number; returns how many."""
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {name}")
        cursor.execute(
            f"CREATE TEMPORARY TABLE {name} AS "
            f"SELECT (row_number() OVER (ORDER BY id) - 1)::bigint AS k, id FROM {table}"
        )
        cursor.execute(f"CREATE UNIQUE INDEX ON {name} (k)")
        cursor.execute(f"ANALYZE {name}")
        cursor.execute(f"SELECT count(*) FROM {name}")
        return cursor.fetchone()[0]


def analyze(*models) -> None:
    with connection.cursor() as cursor:
        for model in models:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")


@contextmanager
def indexes_rebuilt(model):
    """Drop ``model``'s table's indexes and unique constraints (its primary key and foreign keys stay)
    for a bulk load, and build them again afterwards, each with one sort: ten million rows written into
    nine B-trees, one of them on random UUIDs, would cost far more."""
    table = model._meta.db_table
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid = %s::regclass AND contype = 'u'",
            [table],
        )
        constraints = cursor.fetchall()
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s AND indexname NOT IN "
            "(SELECT conname FROM pg_constraint WHERE conrelid = %s::regclass)",
            [table, table],
        )
        indexes = cursor.fetchall()
        # Foreign keys checked at each statement's end rather than queued for the commit: a table with
        # pending checks cannot be altered.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        for name, _definition in constraints:
            cursor.execute(f"ALTER TABLE {quote(table)} DROP CONSTRAINT {quote(name)}")
        for name, _definition in indexes:
            cursor.execute(f"DROP INDEX {quote(name)}")
    yield
    with Timed() as timed, connection.cursor() as cursor:
        cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
        for name, definition in constraints:
            cursor.execute(f"ALTER TABLE {quote(table)} ADD CONSTRAINT {quote(name)} {definition}")
        for _name, definition in indexes:
            cursor.execute(definition)
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
    print(f"  rebuilt {len(constraints) + len(indexes)} indexes of {table}: {timed}")


def synthesise_records(records: int) -> None:
    """``records`` revenue records like ``bench_tiering``'s (spread over the 730 days before ``AS_OF``
    and the partnerships at random; 95 % in EUR, then USD, GBP, CHF, and 0.1 % in JPY, which has no rate;
    2 % credit notes), written by PostgreSQL itself from ``generate_series`` with a fixed seed, a million
    per statement."""
    with Timed() as timed:
        n = numbered("bench_partnerships", Partnership)
        with connection.cursor() as cursor:
            cursor.execute("SELECT setseed(0.19)")
        source = (
            f"(SELECT g, floor(random() * {n})::bigint AS k, random() AS c, random() AS r, "
            "floor(random() * 730)::int AS d, 1 + floor(random() * 20000)::int AS a "
            "FROM generate_series(%s::bigint, %s::bigint) AS g) AS s "
            "JOIN bench_partnerships p ON p.k = s.k"
        )
        fields = {
            "partnership_id": "p.id",
            "period": f"{ON_DAY} - s.d",
            "amount": "CASE WHEN s.r < 0.02 THEN -s.a ELSE s.a END",
            "currency": "CASE WHEN s.c < 0.03 THEN 'USD' WHEN s.c < 0.045 THEN 'GBP' "
            "WHEN s.c < 0.049 THEN 'CHF' WHEN s.c < 0.05 THEN 'JPY' ELSE 'EUR' END",
            "is_credit_note": "s.r < 0.02",
            "source": "'import'",
        }
        with indexes_rebuilt(RevenueRecord):
            for first in range(0, records, 1_000_000):
                last = min(records, first + 1_000_000) - 1
                insert_select(RevenueRecord, fields, source, [first, last])
                print(f"  {last + 1:,} revenue records", flush=True)
        analyze(RevenueRecord)
    print(f"synthesised {records:,} revenue records in SQL: {timed}")


def synthesise_deals(deals: int) -> None:
    """``deals`` customers and registered deals, round-robin over the partnerships, in SQL (stages,
    currencies and protection as before: a twelfth of stages each, one deal in ten in USD, approved deals
    protected for 90 days)."""
    with Timed() as timed:
        n = numbered("bench_partnerships", Partnership)
        with connection.cursor() as cursor:
            cursor.execute("SELECT setseed(0.19)")
        insert_select(
            Customer,
            {"name": "'Client ' || g", "name_key": "'client ' || g"},
            "generate_series(0, %s) AS g",
            [deals - 1],
        )
        numbered("bench_customers", Customer)
        stages = "(ARRAY[" + ", ".join(f"'{stage}'" for stage in STAGES) + "])"
        source = (
            "(SELECT g, " + stages + f"[1 + g %% {len(STAGES)}] AS stage, "
            "1000 + floor(random() * 199001)::int AS a FROM generate_series(0, %s) AS g) AS s "
            f"JOIN bench_partnerships p ON p.k = s.g %% {n} JOIN bench_customers c ON c.k = s.g"
        )
        approved = "s.stage = 'approved'"
        insert_select(
            DealRegistration,
            {
                "uuid": f"md5('{DealRegistration._meta.db_table}-' || s.g)::uuid",
                "partnership_id": "p.id",
                "customer_id": "c.id",
                "amount": "s.a",
                "currency": "CASE WHEN s.g %% 10 = 0 THEN 'USD' ELSE 'EUR' END",
                "expected_close_date": f"{ON_DAY} + 60",
                "stage": "s.stage",
                "protection_start": f"CASE WHEN {approved} THEN {ON_DAY} END",
                "protection_end": f"CASE WHEN {approved} THEN {ON_DAY} + 90 END",
            },
            source,
            [deals - 1],
        )
        analyze(Customer, DealRegistration)
    print(f"synthesised {deals:,} customers and registered deals in SQL: {timed}")


def enrich(program, deals: int, rng):
    started = time.perf_counter()
    tiers = list(program.tiers.order_by("rank"))
    ids = list(Partnership.objects.values_list("pk", flat=True))
    territories = [Territory.objects.create(code=f"bench-{i}", name=f"Région {i}") for i in range(12)]
    through = Partnership.territories.through
    through.objects.bulk_create(
        [through(partnership_id=pid, territory_id=territories[pid % 12].pk) for pid in ids], batch_size=20_000
    )
    for index, tier in enumerate(tiers):
        PartnerTier.objects.filter(program=program, partnership_id__in=ids[index :: len(tiers) + 1]).update(
            tier=tier
        )
    PartnerTier.objects.filter(program=program, partnership_id__in=ids[::2]).update(partner_type="reseller")
    operator = Organization.objects.get(is_operator=True, name="Bench operator")
    manager = Person.objects.create(organization=operator, first_name="Alliance", last_name="Manager")
    PartnershipParty.objects.filter(role=PartyRole.OPERATOR).update(alliance_manager=manager)
    insert_objects(
        GovernanceMeeting,
        [
            GovernanceMeeting(
                partnership_id=pid,
                level=level,
                held_on=AS_OF - datetime.timedelta(days=pid % 200),
                title="Revue",
            )
            for pid in ids[::3]
            for level in ("executive", "alliance", "operational")
        ],
    )
    if connection.vendor == "postgresql":
        synthesise_deals(deals)
    else:
        orm_deals(ids, deals, rng)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(
        f"enriched: tiers, territories, meetings and {deals:,} deals in {time.perf_counter() - started:.1f} s"
    )


def synthesise_journeys() -> None:
    """Onboarding journeys of six steps for three partnerships in five, in SQL: one in five completed,
    the others 0 to 6 steps done (and the next one in progress every other time), steps due every 15
    days from the start, so that some are overdue on ``AS_OF``."""
    with Timed() as timed:
        numbered("bench_partnerships", Partnership)
        journeys = insert_select(
            Journey,
            {
                "partnership_id": "p.id",
                "name": "'Onboarding'",
                "status": "CASE WHEN p.k %% 5 = 0 THEN 'completed' ELSE 'active' END",
                "started_on": f"{ON_DAY} - (p.k %% 120)::int",
                "completed_on": f"CASE WHEN p.k %% 5 = 0 THEN {ON_DAY} END",
            },
            "(SELECT k AS g, k, id FROM bench_partnerships WHERE k %% 5 < 3) AS p",
        )
        closed = "(s.k %% 7)"
        steps = insert_select(
            JourneyStep,
            {
                "journey_id": "s.journey_id",
                "position": "s.position",
                "title": "'Step ' || s.position",
                "owner_side": "'partner'",
                "due_date": "s.started_on + 15 * s.position",
                "status": f"CASE WHEN s.journey_status = 'completed' OR s.position <= {closed} THEN 'done' "
                f"WHEN s.position = {closed} + 1 AND s.k %% 2 = 0 THEN 'in_progress' ELSE 'todo' END",
            },
            "(SELECT j.id AS journey_id, j.started_on, j.status AS journey_status, p.k, gs.position, "
            f"j.id * 10 + gs.position AS g FROM {Journey._meta.db_table} j "
            "JOIN bench_partnerships p ON p.id = j.partnership_id "
            "CROSS JOIN generate_series(1, 6) AS gs(position)) AS s",
        )
        analyze(Journey, JourneyStep)
    print(f"synthesised {journeys:,} onboarding journeys and {steps:,} steps in SQL: {timed}")


def orm_deals(ids, deals: int, rng) -> None:
    """The deals through the ORM, for SQLite."""
    protection = (AS_OF, AS_OF + datetime.timedelta(days=90))
    for first in range(0, deals, 50_000):
        customers = [Customer(name=f"Client {i}") for i in range(first, min(deals, first + 50_000))]
        insert_objects(Customer, customers)
        batch = []
        for index, customer in enumerate(customers, start=first):
            stage = STAGES[index % len(STAGES)]
            protected = stage == "approved"
            batch.append(
                DealRegistration(
                    partnership_id=ids[index % len(ids)],
                    customer=customer,
                    amount=Decimal(rng.randint(1_000, 200_000)),
                    currency="EUR" if index % 10 else "USD",
                    expected_close_date=AS_OF + datetime.timedelta(days=60),
                    stage=stage,
                    protection_start=protection[0] if protected else None,
                    protection_end=protection[1] if protected else None,
                )
            )
        insert_objects(DealRegistration, batch)
        print(f"  {first + len(batch):,} deals", end="\r", flush=True)


def synthesise(args, rng) -> None:
    """The partnerships, tiers and people through ``bench_tiering`` (no records), then the revenue
    records and the deals in SQL on PostgreSQL (through ``bench_tiering`` and the ORM elsewhere: SQLite
    has no ``generate_series``, a small data set is enough there)."""
    if connection.vendor != "postgresql":
        program = bench_tiering.synthesise(args.partnerships, args.records, rng)
        enrich(program, args.deals, rng)
        return
    program = bench_tiering.synthesise(args.partnerships, 0, rng)
    synthesise_records(args.records)
    enrich(program, args.deals, rng)
    synthesise_journeys()


def time_requests(client, url, repeat):
    durations, queries = [], 0
    cpu = time.process_time()
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.get(url)
            durations.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (url, response.status_code)
        queries = len(captured)
    cpu = (time.process_time() - cpu) * 1000 / repeat
    durations.sort()
    p95 = durations[max(0, int(len(durations) * 0.95) - 1)]
    return statistics.median(durations), p95, queries, cpu, os.getloadavg()[0]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--partnerships", type=int, default=100_000)
    parser.add_argument("--records", type=int, default=10_000_000)
    parser.add_argument("--deals", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--keep", action="store_true", help="Commit the data set (reused by the next runs).")
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    rng = random.Random(19)
    print(f"database: {connection.vendor}; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    kept = Program.objects.filter(code=bench_tiering.PROGRAM_CODE).exists()
    if kept:
        print("reusing the kept data set")
    elif args.keep:  # the data set is committed for the next runs; the timed work never is
        with transaction.atomic():
            synthesise(args, rng)
        kept = True
    if kept and connection.vendor == "postgresql" and not Journey.objects.exists():
        with transaction.atomic():  # a data set kept before journeys were part of it
            synthesise_journeys()
    if kept and connection.vendor == "postgresql":
        # Each run's snapshot, roll-ups and figures are rolled back and stay behind as dead rows, faster
        # than autovacuum clears them: clear them before timing.
        with connection.cursor() as cursor:
            for model in (HealthSnapshot, RevenueRollup, NetworkFigure):
                cursor.execute(f"VACUUM ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
    atomic = transaction.atomic()
    atomic.__enter__()
    try:
        if not kept:
            synthesise(args, rng)
        admin = User.objects.create(username=f"bench-{uuid.uuid4().hex[:8]}", role="admin", is_superuser=True)

        parts = {}

        def timed(name, function):
            def run(*args, **kwargs):
                with Timed() as part:
                    result = function(*args, **kwargs)
                parts[name] = part
                return result

            return run

        from meute.insights import aggregates, alerts, rollups

        with (
            mock.patch.object(rollups, "refresh_revenue", timed("revenue roll-up", rollups.refresh_revenue)),
            mock.patch.object(alerts, "take_snapshots", timed("health scores", alerts.take_snapshots)),
            mock.patch.object(aggregates, "store", timed("dashboard figures", aggregates.store)),
            Timed() as job,
        ):
            written, drops = snapshot_and_alert(AS_OF)
        print(f"weekly job of {written:,} partnerships: {job} (target 60 s)")
        for name, part in parts.items():
            target = " (target 60 s)" if name == "health scores" else ""
            print(f"  {name}: {part}{target}")

        client = Client()
        client.force_login(admin)
        with mock.patch("django.utils.timezone.localdate", return_value=AS_OF):
            page = time_requests(client, "/insights/", args.repeat)
            api = time_requests(client, "/api/insights/network/", args.repeat)
        print(
            f"network dashboard page: median {page[0]:.0f} ms, p95 {page[1]:.0f} ms, "
            f"{page[2]} queries, {page[3]:.0f} ms CPU here per request, load average {page[4]:.1f} "
            "(target 500 ms)"
        )
        print(
            f"network figures as JSON: median {api[0]:.0f} ms, p95 {api[1]:.0f} ms, {api[2]} queries, "
            f"{api[3]:.0f} ms CPU here per request, load average {api[4]:.1f}"
        )
    finally:
        transaction.set_rollback(True)
        atomic.__exit__(None, None, None)


if __name__ == "__main__":
    main()
