"""Benchmark: matchmaking suggestions for one member among 100,000 member profiles.

    python benchmarks/bench_matching.py [--profiles 100000] [--members 20] [--repeat 5]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench python benchmarks/bench_matching.py

Synthesises N member organisations with a profile each (skills, offers, 1–3 target sectors among 25, 1–2
regions among 18, client types, what they look for and bring, ambitions; French and English vocabulary),
their sector/territory links and blocking keys, all with ``meute.lib.bulk`` (COPY on PostgreSQL). Then it
times ``meute.groupings.matching.suggestions_for`` (the top 10 with their reasons) for several members and
prints the median and 95th percentile. Uses a temporary SQLite file unless DATABASE_URL is set; everything is
rolled back at the end. Target: median under 300 ms.
"""

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
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

from meute.core.models import Organization, Sector, Territory  # noqa: E402
from meute.demo.groupings import random_profile  # noqa: E402
from meute.groupings import matching  # noqa: E402
from meute.groupings.models import MemberProfile, ProfileKey  # noqa: E402
from meute.lib.bulk import insert_objects, insert_rows  # noqa: E402

CHUNK = 20_000


class Rollback(Exception):
    pass


def reference_data():
    sectors = [Sector(code=f"bench-sector-{i}", name=f"Secteur {i}") for i in range(25)]
    territories = [Territory(code=f"bench-region-{i}", name=f"Région {i}") for i in range(18)]
    insert_objects(Sector, sectors)
    insert_objects(Territory, territories)
    return [s.pk for s in sectors], [t.pk for t in territories]


def synthesise(n: int, rng) -> list[MemberProfile]:
    started = time.perf_counter()
    sector_ids, territory_ids = reference_data()
    sample = []
    for start in range(0, n, CHUNK):
        size = min(CHUNK, n - start)
        organizations = [Organization(name=f"Membre {start + i:06d}", city="Lyon") for i in range(size)]
        for organization in organizations:
            organization.search_text = organization.build_search_text()
        insert_objects(Organization, organizations)
        profiles, sector_links, territory_links, keys = [], [], [], []
        for organization in organizations:
            profile = random_profile(rng, organization.pk)
            profiles.append(profile)
        insert_objects(MemberProfile, profiles)
        for profile in profiles:
            sectors = rng.sample(sector_ids, rng.randint(1, 3))
            territories = rng.sample(territory_ids, rng.randint(1, 2))
            sector_links.extend((profile.pk, pk) for pk in sectors)
            territory_links.extend((profile.pk, pk) for pk in territories)
            if profile.is_visible:
                keys.extend(
                    (profile.pk, key)
                    for key in matching.build_keys(profile.match_index, sectors, territories)
                )
        insert_rows(MemberProfile.sectors.through, ["memberprofile_id", "sector_id"], sector_links)
        insert_rows(MemberProfile.territories.through, ["memberprofile_id", "territory_id"], territory_links)
        insert_rows(ProfileKey, ["profile_id", "key"], keys)
        sample.extend(p for p in profiles[:5] if p.is_visible)
    with connection.cursor() as cursor:
        # Only this benchmark's tables: a database-wide ANALYZE waits on shared catalogs other sessions hold.
        for model in (
            Organization,
            MemberProfile,
            MemberProfile.sectors.through,
            MemberProfile.territories.through,
            ProfileKey,
        ):
            cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
    keys = ProfileKey.objects.count()
    print(f"synthesised {n:,} profiles and {keys:,} blocking keys in {time.perf_counter() - started:.1f} s")
    return sample


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--profiles", type=int, default=100_000)
    parser.add_argument("--members", type=int, default=20)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    rng = random.Random(2026)
    print(f"database: {connection.vendor}")
    failed = False
    try:
        with transaction.atomic():
            sample = synthesise(args.profiles, rng)
            members = random.Random(7).sample(sample, min(args.members, len(sample)))
            durations, first, counts, blocking = [], [], [], []
            for profile in members:
                profile = MemberProfile.objects.select_related("organization").get(pk=profile.pk)
                started = time.perf_counter()
                suggestions = matching.suggestions_for(profile)
                first.append((time.perf_counter() - started) * 1000)
                counts.append(len(suggestions))
                for _ in range(args.repeat):
                    started = time.perf_counter()
                    matching.suggestions_for(profile)
                    durations.append((time.perf_counter() - started) * 1000)
                index = profile.match_index
                keys = matching.query_keys(
                    index,
                    profile.sectors.values_list("pk", flat=True),
                    profile.territories.values_list("pk", flat=True),
                )
                started = time.perf_counter()
                matching.candidate_ids(profile.pk, keys)
                blocking.append((time.perf_counter() - started) * 1000)
            durations.sort()
            median = statistics.median(durations)
            p95 = durations[max(0, int(len(durations) * 0.95) - 1)]
            print(
                f"suggestions for {len(members)} members × {args.repeat} "
                f"(top 10 of {args.profiles:,} profiles)"
            )
            print(f"  first call median {statistics.median(first):7.1f} ms")
            print(f"  median            {median:7.1f} ms")
            print(f"  p95               {p95:7.1f} ms")
            print(f"  of which the candidate query (SQL), median {statistics.median(blocking):7.1f} ms")
            print(f"  suggestions per member: min {min(counts)}, max {max(counts)}")
            example = matching.suggestions_for(MemberProfile.objects.get(pk=members[0].pk), limit=1)
            if example:
                reasons = "; ".join(f"{r.label}: {', '.join(map(str, r.values))}" for r in example[0].reasons)
                print(f"  example: {example[0].organization_name} ({example[0].score}) — {reasons}")
            failed = median > 300
            print("target (median under 300 ms): " + ("MISSED" if failed else "met"))
            raise Rollback
    except Rollback:
        pass
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
