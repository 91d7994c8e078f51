"""Each role's home and the partner 360 page: median server time and SQL queries per request.

Runs in-process through Django's test client against the configured database (``DATABASE_URL`` or the
SQLite default), which must already hold the demo data (``meute demo --size large --no-serve``). The
logins are the demo's: ``admin`` (the network overview), ``manager`` (the review queue and follow-ups),
``partner`` (its deals, leads, tier progress and portal) and ``member`` (a grouping's member). The partner
360 page is timed for the demo partner (as the partner and as the channel manager) and for the partner
organisation with the most deal registrations (as the channel manager): its query count must equal the
demo partner's, whatever the size of its history. The figure is the server's own time for the whole
request (routing, middleware, queries, template rendering), without network or browser time.

    python benchmarks/bench_homes.py [--repeat 30]

Target: median under 150 ms for every page, with a query count that does not grow with the partner's
history. Exits with status 1 when a median misses it.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "meute.settings")
os.environ.setdefault("DEBUG", "false")

import django

django.setup()

from django.db import connection
from django.db.models import Count
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from meute.core.models import Organization, User
from meute.deals.models import DealRegistration
from meute.demo.dataset import ensure_demo_logins

TARGET_MS = 150


def timed(client, url, repeat):
    """(status, median ms, p95 ms, queries, median CPU ms of this process)."""
    client.get(url)  # warm-up (templates, query plans)
    durations, cpu, queries, status = [], [], 0, None
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as captured:
            start, start_cpu = time.perf_counter(), time.process_time()
            status = client.get(url).status_code
            durations.append((time.perf_counter() - start) * 1000)
            cpu.append((time.process_time() - start_cpu) * 1000)
        queries = len(captured.captured_queries)
    p95 = sorted(durations)[max(0, int(len(durations) * 0.95) - 1)]
    return status, statistics.median(durations), p95, queries, statistics.median(cpu)


def busiest_partner():
    """The partner organisation with the most deal registrations (over its partnerships)."""
    # Filtered before the grouping, so that both use the same join over the parties (the other way round,
    # the operator, a party to every channel partnership, came out as the busiest).
    row = (
        DealRegistration.objects.filter(partnership__parties__organization__is_operator=False)
        .values("partnership__parties__organization")
        .annotate(n=Count("pk"))
        .order_by("-n")
        .first()
    )
    if row is None:
        return None, 0
    return Organization.objects.get(pk=row["partnership__parties__organization"]), row["n"]


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()

    organisations = Organization.objects.count()
    if organisations == 0:
        sys.exit("No data: run `meute demo --size large --no-serve` first.")
    if not all(
        User.objects.filter(username=name).exists() for name in ("admin", "manager", "partner", "member")
    ):
        ensure_demo_logins()
    clients = {}
    for name in ("admin", "manager", "partner", "member"):
        client = Client(HTTP_ACCEPT_LANGUAGE="en")
        client.force_login(User.objects.get(username=name))
        clients[name] = client
    partner = User.objects.get(username="partner").organization
    busiest, busiest_deals = busiest_partner()
    partner_deals = DealRegistration.objects.filter(partnership__parties__organization=partner).count()
    print(
        f"database: {connection.vendor}, organisations: {organisations:,}, "
        f"deal registrations: {DealRegistration.objects.count():,}, repeat: {args.repeat}"
    )
    print(f"load average: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    pages = [
        ("administrator home", "admin", "/"),
        ("channel manager home", "manager", "/"),
        ("partner home", "partner", "/"),
        ("member home", "member", "/"),
        (
            f"partner 360 as partner ({partner_deals} deals)",
            "partner",
            reverse("partner360", args=[partner.uuid]),
        ),
        (
            f"partner 360 as manager ({partner_deals} deals)",
            "manager",
            reverse("partner360", args=[partner.uuid]),
        ),
    ]
    if busiest is not None and busiest.pk != partner.pk:
        pages.append(
            (
                f"partner 360, busiest ({busiest_deals} deals)",
                "manager",
                reverse("partner360", args=[busiest.uuid]),
            )
        )
    print(f"{'page':44} {'status':>6} {'median ms':>10} {'p95 ms':>8} {'queries':>8} {'CPU ms':>7}")
    missed, counts_360 = [], []
    for label, login, url in pages:
        status, median, p95, queries, cpu = timed(clients[login], url, args.repeat)
        print(f"{label:44} {status:>6} {median:>10.1f} {p95:>8.1f} {queries:>8} {cpu:>7.1f}")
        if status != 200 or median >= TARGET_MS:
            missed.append(label)
        if "360" in label and login == "manager":
            counts_360.append(queries)
    # The busiest partner's page (last) may skip a query for an empty section, never need more.
    flat = counts_360 == sorted(counts_360, reverse=True) or len(set(counts_360)) == 1
    print(
        f"\npartner 360 queries: {' then '.join(map(str, counts_360))} for a small then the largest history: "
        + ("not growing" if flat else "GROWING")
    )
    print("all medians under", TARGET_MS, "ms" if not missed else f"ms: MISSED for {', '.join(missed)}")
    return 0 if flat and not missed else 1


if __name__ == "__main__":
    sys.exit(main())
