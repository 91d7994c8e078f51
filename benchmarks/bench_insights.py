"""Benchmark: the network dashboard and the health scores of every partnership.

    python benchmarks/bench_insights.py [--partnerships 100000] [--records 10000000] [--deals 1000000]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/NAME python benchmarks/bench_insights.py [--keep]

Synthesises the tiering benchmark's data set (N partnerships of one programme with tiers, certified
people, R revenue records over two years in five currencies; ``bench_tiering.synthesise``), gives each
partnership a tier, a partner type, a territory, an alliance manager on the vendor side and governance
meetings for one in three, and writes D registered deals. Then it times:

- the health snapshot of every partnership (``insights.alerts.snapshot_and_alert``: the year's revenue
  roll-up, then the facts of every partnership and their scores, written as one row each) — target 60 s;
- the network dashboard page as an administrator, in-process with Django's test client (queries, charts,
  template), median and 95th percentile over ``--repeat`` requests, with its SQL query count — target
  500 ms median — and the same figures as JSON from ``/api/insights/network/``.

Uses a temporary SQLite file unless DATABASE_URL is set. ``--keep`` commits the data set first and the
next runs reuse it; the timed work is always rolled back.
"""

import argparse
import datetime
import random
import statistics
import sys
import time
import uuid
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import bench_tiering  # noqa: E402  (sets up Django on the configured database)
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from meute.core.models import Organization, Person, Territory, User  # noqa: E402
from meute.deals.models import Customer, DealRegistration  # noqa: E402
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
from meute.programs.models import PartnerTier, Program  # noqa: E402

AS_OF = bench_tiering.AS_OF
STAGES = ["submitted"] * 3 + ["approved"] * 3 + ["won", "lost", "rejected", "expired"]


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
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(
        f"enriched: tiers, territories, meetings and {deals:,} deals in {time.perf_counter() - started:.1f} s"
    )


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
    return statistics.median(durations), durations[max(0, int(len(durations) * 0.95) - 1)], queries, cpu


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
    print(f"database: {connection.vendor}")
    kept = Program.objects.filter(code=bench_tiering.PROGRAM_CODE).exists()
    if kept:
        print("reusing the kept data set")
    elif args.keep:  # the data set is committed for the next runs; the timed work never is
        with transaction.atomic():
            enrich(bench_tiering.synthesise(args.partnerships, args.records, rng), args.deals, rng)
        kept = True
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
            enrich(bench_tiering.synthesise(args.partnerships, args.records, rng), args.deals, rng)
        admin = User.objects.create(username=f"bench-{uuid.uuid4().hex[:8]}", role="admin", is_superuser=True)

        wall, cpu = time.perf_counter(), time.process_time()
        written, drops = snapshot_and_alert(AS_OF)
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        print(
            f"weekly job (revenue roll-up, health snapshot, dashboard figures) of {written:,} partnerships: "
            f"{wall:.1f} s wall, {cpu:.1f} s CPU in this process (target 60 s)"
        )

        from unittest import mock

        client = Client()
        client.force_login(admin)
        with mock.patch("django.utils.timezone.localdate", return_value=AS_OF):
            page = time_requests(client, "/insights/", args.repeat)
            api = time_requests(client, "/api/insights/network/", args.repeat)
        print(
            f"network dashboard page: median {page[0]:.0f} ms, p95 {page[1]:.0f} ms, "
            f"{page[2]} queries, {page[3]:.0f} ms CPU per request (target 500 ms)"
        )
        print(
            f"network figures as JSON: median {api[0]:.0f} ms, p95 {api[1]:.0f} ms, {api[2]} queries, "
            f"{api[3]:.0f} ms CPU per request"
        )
    finally:
        transaction.set_rollback(True)
        atomic.__exit__(None, None, None)


if __name__ == "__main__":
    main()
