"""Partner portal home: median server time and SQL queries per request for a partner user.

Runs in-process through Django's test client against the configured database (``DATABASE_URL`` or the
SQLite default), which must already hold the demo data (``meute demo --size large --no-serve``). The
partner user is the demo's ``partner`` login (a Gold partner with an onboarding journey, a training in
progress, targeted announcements and contacts); the figure is the server's own time for the whole request
(routing, middleware, queries, template rendering), without network or browser time. It also times each
enablement card of the home page on its own.

    python benchmarks/bench_enablement.py [--repeat 30]

Target: home page median under 150 ms, with a query count that does not grow with the data set.
Exits with status 1 when the median misses it.
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
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext

from meute.core.models import Organization, User
from meute.demo.dataset import ensure_demo_logins
from meute.enablement.templatetags import enablement_tags

TARGET_MS = 150
PAGES = [
    ("partner portal home", "/"),
    ("training catalogue", "/enablement/"),
    ("partner library", "/enablement/library/"),
    ("certified people", "/programs/certified/"),
]
CARDS = ["portal_journey", "portal_trainings", "portal_certifications", "portal_news", "portal_contacts"]


def timed(call, repeat):
    """(result, median ms, p95 ms, queries, median CPU ms of this process). On a shared machine the wall
    clock follows the other work; the CPU time of the Python side much less."""
    durations, cpu, queries = [], [], 0
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as captured:
            start, start_cpu = time.perf_counter(), time.process_time()
            result = call()
            durations.append((time.perf_counter() - start) * 1000)
            cpu.append((time.process_time() - start_cpu) * 1000)
        queries = len(captured.captured_queries)
    p95 = sorted(durations)[max(0, int(len(durations) * 0.95) - 1)]
    return result, statistics.median(durations), p95, queries, statistics.median(cpu)


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()

    organisations = Organization.objects.count()
    if organisations == 0:
        sys.exit("No data: run `meute demo --size large --no-serve` first.")
    if not User.objects.filter(username="partner").exists():
        ensure_demo_logins()
    user = User.objects.get(username="partner")
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    print(
        f"database: {connection.vendor}, organisations: {organisations:,}, partner: {user.organization}, "
        f"repeat: {args.repeat}"
    )
    print(f"load average: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    print(f"{'page':32} {'status':>6} {'median ms':>10} {'p95 ms':>8} {'queries':>8} {'CPU ms':>7}")
    home_median = None
    for label, url in PAGES:
        client.get(url)  # warm-up (templates, query plans)
        response, median, p95, queries, cpu = timed(lambda url=url: client.get(url), args.repeat)
        print(f"{label:32} {response.status_code:>6} {median:>10.1f} {p95:>8.1f} {queries:>8} {cpu:>7.1f}")
        if url == "/":
            home_median = median
    print(f"\n{'home card':32} {'':>6} {'median ms':>10} {'p95 ms':>8} {'queries':>8} {'CPU ms':>7}")
    factory = RequestFactory()
    for name in CARDS:

        def card(name=name):
            request = factory.get("/")
            request.user = user
            return getattr(enablement_tags, name)({"request": request})

        card()
        _result, median, p95, queries, cpu = timed(card, args.repeat)
        print(f"{name:32} {'':>6} {median:>10.1f} {p95:>8.1f} {queries:>8} {cpu:>7.1f}")
    ok = home_median is not None and home_median < TARGET_MS
    print(f"\nhome median {home_median:.1f} ms: {'OK' if ok else 'MISSED'} (target {TARGET_MS} ms)")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
