"""Benchmark: channel scoring of 1,000,000 organisations against a profile of 30 criteria, and the ranking
page on a large directory.

    python benchmarks/bench_recruitment.py [--organizations 1000000] [--repeat 5]
    python benchmarks/bench_recruitment.py --page --directory 100000
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench python benchmarks/bench_recruitment.py --page

1. Scoring (no database): synthesises the columns ``meute.recruitment.profiles`` loads — 10 numbers (with
   missing values), 10 choices, 8 sets (markets among 25, geographies among 18, offerings among 12, tags,
   company sizes, partner types, two custom multiple choices) and 2 texts (256-word vocabularies) — then
   times ``scoring.score`` for a look-alike of 3 reference partners and for an ideal profile, 30 criteria in
   5 weighted groups, and the top 50 (a partition, then a stable sort of the few rows above it). It
   compares with a bare NumPy pass over the same arrays (one float64 vectorised operation per column:
   |x − r| for numbers, equality for choices, popcount of AND for sets, summed) and prints the ratio, in
   wall-clock and in CPU time, with the load average (the wall clock follows the machine's load). The
   scoring can beat the bare pass: it works in float32 and scores small-vocabulary sets once per distinct
   set. Target: under 1 s.
2. ``--page``: synthesises a directory (organisations with headcounts, markets, geographies, offerings)
   with ``meute.lib.bulk``, a look-alike profile, and times the ranking page through Django's test client
   (first request loads the columns; the next ones reuse them until the data changes). Target: under
   300 ms. Uses a temporary SQLite file unless DATABASE_URL is set; rolled back at the end.
"""

import argparse
import os
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

import numpy as np  # noqa: E402

from meute.recruitment import scoring  # noqa: E402


def synthesise(n: int, seed: int = 7) -> dict:
    rng = np.random.default_rng(seed)
    columns = {}
    for i in range(10):
        values = rng.lognormal(3 + i % 3, 1.0, n)
        values[rng.random(n) < 0.15] = np.nan
        columns[f"n{i}"] = scoring.NumberColumn(values=values)
    for i in range(10):
        labels = [f"c{i}-{k}" for k in range(4 + i)]
        codes = rng.integers(-1, len(labels), n, dtype=np.int32)
        columns[f"c{i}"] = scoring.ChoiceColumn(codes=codes, labels=labels)
    sizes = [25, 18, 12, 40, 5, 9, 6, 8, 256, 256]
    for i, size in enumerate(sizes):
        words = (size + 63) // 64
        bits = np.zeros((n, words), dtype=np.uint64)
        for _ in range(3 if size < 100 else 8):  # each organisation holds a few values
            value = rng.integers(0, size, n)
            bits[np.arange(n), value // 64] |= np.left_shift(np.uint64(1), (value % 64).astype(np.uint64))
        key = f"t{i - 8}" if i >= 8 else f"s{i}"
        columns[key] = scoring.SetColumn(bits=bits, labels=[f"v{k}" for k in range(size)])
    return columns


def groups(ideal: bool) -> list:
    def target(key):
        if not ideal:
            return None
        if key.startswith("n"):
            return {"min": 20, "max": 200}
        if key.startswith("c"):
            return [f"{key}-1", f"{key}-2"]
        return ["v1", "v3", "v5"]

    C = scoring.Criterion
    keys = (
        [f"n{i}" for i in range(10)]
        + [f"c{i}" for i in range(10)]
        + [f"s{i}" for i in range(8)]
        + ["t0", "t1"]
    )
    chunks = [keys[0:6], keys[6:12], keys[12:18], keys[18:24], keys[24:30]]
    return [
        scoring.Group(
            f"G{g}",
            float(g + 1),
            tuple(C(k, weight=1.0 + (j % 3), target=target(k)) for j, k in enumerate(chunk)),
        )
        for g, chunk in enumerate(chunks)
    ]


def bare_pass(columns: dict, references) -> tuple[float, float]:
    """One vectorised operation per column over the same arrays: the floor any scoring pays. (wall s,
    CPU s)."""
    started, started_cpu = time.perf_counter(), time.process_time()
    total = np.zeros(next(iter(columns.values())).values.shape[0])
    row = references[0]
    for column in columns.values():
        if column.kind == scoring.NUMBER:
            total += np.nan_to_num(np.abs(column.values - column.values[row]))
        elif column.kind == scoring.CHOICE:
            total += column.codes == column.codes[row]
        else:
            total += np.bitwise_count(column.bits & column.bits[row]).sum(axis=1)
    return time.perf_counter() - started, time.process_time() - started_cpu


def bench_scoring(n: int, repeat: int) -> None:
    started = time.perf_counter()
    columns = synthesise(n)
    print(
        f"synthesised {n:,} organisations × {len(columns)} columns in {time.perf_counter() - started:.1f} s"
    )
    started = time.perf_counter()
    scoring.prepare(columns)
    print(f"prepared (spreads, distinct sets: part of loading) in {time.perf_counter() - started:.1f} s")
    references = [11 % n, 222 % n, 3333 % n]
    print(f"load average: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    for label, ideal in (("look-alike (3 references)", False), ("ideal profile", True)):
        walls, cpus, ranks = [], [], []
        for _ in range(repeat):
            t0, c0 = time.perf_counter(), time.process_time()
            result = scoring.score(columns, groups(ideal), references=None if ideal else references)
            t1, c1 = time.perf_counter(), time.process_time()
            top = result.ranking(50)
            ranks.append(time.perf_counter() - t1)
            walls.append(t1 - t0)
            cpus.append(c1 - c0)
        bare_runs = [bare_pass(columns, references) for _ in range(repeat)]
        bare_wall = statistics.median(wall for wall, _cpu in bare_runs)
        bare_cpu = statistics.median(cpu for _wall, cpu in bare_runs)
        score_time, score_cpu = statistics.median(walls), statistics.median(cpus)
        rank_time = statistics.median(ranks)
        print(
            f"{label}: 30 criteria, score {score_time * 1000:.0f} ms (CPU {score_cpu * 1000:.0f} ms) "
            f"+ top 50 {rank_time * 1000:.0f} ms = {(score_time + rank_time) * 1000:.0f} ms (median of "
            f"{repeat}); bare NumPy pass {bare_wall * 1000:.0f} ms (CPU {bare_cpu * 1000:.0f} ms); ratio "
            f"{score_time / bare_wall:.2f}× wall, {score_cpu / bare_cpu:.2f}× CPU; "
            f"best {result.scores[top[0]]:.1f}/100"
        )
    print(f"load average after: {os.getloadavg()[0]:.1f}")


def bench_page(size: int, repeat: int) -> None:
    import random

    from django.core.management import call_command
    from django.db import connection, transaction
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from meute.core.choices import UserRole
    from meute.core.models import Organization, ProductLine, Sector, Territory, User
    from meute.lib.bulk import insert_objects, insert_rows
    from meute.recruitment.choices import ProfileKind
    from meute.recruitment.models import CriteriaGroup, Criterion, ScoringProfile

    class Rollback(Exception):
        pass

    call_command("migrate", verbosity=0)
    rng = random.Random(5)
    try:
        with transaction.atomic():
            sectors = [Sector(code=f"b-sector-{i}", name=f"Secteur {i}") for i in range(25)]
            territories = [Territory(code=f"b-region-{i}", name=f"Région {i}") for i in range(18)]
            lines = [ProductLine(code=f"b-line-{i}", name=f"Ligne {i}") for i in range(12)]
            for model, objects in ((Sector, sectors), (Territory, territories), (ProductLine, lines)):
                insert_objects(model, objects)
            t0 = time.perf_counter()
            organizations = []
            for i in range(size):
                headcount = rng.randint(2, 2000)
                organizations.append(
                    Organization(
                        name=f"Organisation {i:07d}",
                        headcount=headcount,
                        sales_headcount=rng.randint(0, headcount // 3 + 1) if rng.random() < 0.8 else None,
                        engineer_headcount=rng.randint(0, headcount // 3 + 1),
                        growth_trend=rng.choice(["declining", "stable", "growing", "strong_growth", ""]),
                        company_sizes=rng.sample(["micro", "sme", "mid_market", "large", "public"], 2),
                        description="intégration logiciel gestion "
                        + rng.choice(["santé", "industrie", "retail"]),
                    )
                )
            insert_objects(Organization, organizations)
            for field, refs, column in (
                ("markets", sectors, "sector_id"),
                ("geographies", territories, "territory_id"),
                ("offerings", lines, "productline_id"),
            ):
                through = getattr(Organization, field).through
                rows = set()
                for org in organizations:
                    for ref in rng.sample(refs, 2):
                        rows.add((org.pk, ref.pk))
                insert_rows(through, ["organization_id", column], sorted(rows))
            print(f"directory of {size:,} organisations written in {time.perf_counter() - t0:.1f} s")
            profile = ScoringProfile.objects.create(name="Bench", kind=ProfileKind.LOOKALIKE)
            profile.references.set(organizations[:3])
            for name, keys in (
                ("Clients", ["company_sizes", "markets", "geographies"]),
                ("Offre", ["offerings", "description"]),
                ("Force", ["headcount", "sales_headcount", "engineer_headcount", "growth_trend"]),
            ):
                group = CriteriaGroup.objects.create(profile=profile, name=name, weight=1)
                for key in keys:
                    Criterion.objects.create(group=group, attribute=key)
            user = User.objects.create(username="bench-manager", role=UserRole.CHANNEL_MANAGER)
            client = Client()
            client.force_login(user)
            url = reverse("recruitment:scoring-detail", args=[profile.uuid])
            t0 = time.perf_counter()
            response = client.get(url)
            first = time.perf_counter() - t0
            assert response.status_code == 200, response.status_code
            times, cpus = [], []
            print(f"load average: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
            for _ in range(repeat):
                t0, c0 = time.perf_counter(), time.process_time()
                with CaptureQueriesContext(connection) as captured:
                    client.get(url)
                times.append(time.perf_counter() - t0)
                cpus.append(time.process_time() - c0)
            print(
                f"ranking page, {size:,} organisations: first request {first * 1000:.0f} ms "
                "(loads the columns), "
                f"then median {statistics.median(times) * 1000:.0f} ms (CPU "
                f"{statistics.median(cpus) * 1000:.0f} ms), max {max(times) * 1000:.0f} ms over {repeat} "
                f"requests, {len(captured.captured_queries)} queries per request"
            )
            print(f"load average after: {os.getloadavg()[0]:.1f}")
            raise Rollback
    except Rollback:
        pass


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--organizations", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--page", action="store_true", help="time the ranking page instead")
    parser.add_argument("--directory", type=int, default=100_000)
    args = parser.parse_args()
    if args.page:
        bench_page(args.directory, args.repeat)
    else:
        bench_scoring(args.organizations, args.repeat)


if __name__ == "__main__":
    main()
