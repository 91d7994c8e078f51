"""Directory page and API list endpoint: median server time and SQL queries per request.

Runs in-process through Django's test client against the configured database (``DATABASE_URL`` or the
SQLite default), which must already hold the demo data (``meute demo --size large --no-serve``).
The figure is the server's own time for the whole request (URL routing, middleware, queries, template or
JSON rendering), without network or browser time.

    python benchmarks/bench_directory.py [--repeat 30]
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

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from meute.core.choices import UserRole  # noqa: E402
from meute.core.models import Organization, User  # noqa: E402

CASES = [
    ("directory, page 1", "/organizations/"),
    ("directory, search 'conseil'", "/organizations/?q=conseil"),
    ("directory, search + country + type", "/organizations/?q=info&country=FR&partner_type=reseller"),
    ("directory, stage filter + sort", "/organizations/?stage=onboarding&ordering=city"),
    ("directory, search + status, page 3", "/organizations/?q=gestion&status=active&page=3"),
    ("directory, broad search + status", "/organizations/?q=sas&status=active"),
    ("API list, page 1", "/api/organizations/"),
    ("API list, search + country + type", "/api/organizations/?q=info&country=FR&partner_type=reseller"),
    ("API list, stage filter, page 5", "/api/organizations/?stage=support&page=5"),
    ("API people list", "/api/people/?q=martin"),
    ("API partnerships list", "/api/partnerships/?status=active"),
]


def measure(client, url, repeat):
    durations, queries, status = [], 0, None
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as captured:
            start = time.perf_counter()
            response = client.get(
                url, HTTP_ACCEPT="text/html" if not url.startswith("/api/") else "application/json"
            )
            elapsed = time.perf_counter() - start
        status = response.status_code
        durations.append(elapsed * 1000)
        queries = len(captured.captured_queries)
    return status, statistics.median(durations), sorted(durations)[int(len(durations) * 0.95) - 1], queries


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()

    total = Organization.objects.count()
    if total == 0:
        sys.exit("No data: run `meute demo --size large --no-serve` first.")
    user, _ = User.objects.get_or_create(username="benchmark", defaults={"role": UserRole.ADMIN})
    client = Client()
    client.force_login(user)

    print(f"database: {connection.vendor}, organisations: {total:,}, repeat: {args.repeat}")
    print(f"{'case':45} {'status':>6} {'median ms':>10} {'p95 ms':>8} {'queries':>8}")
    for label, url in CASES:
        client.get(url)  # warm-up (template and query plan caches)
        status, median, p95, queries = measure(client, url, args.repeat)
        print(f"{label:45} {status:>6} {median:>10.1f} {p95:>8.1f} {queries:>8}")


if __name__ == "__main__":
    main()
