"""Benchmark: import 100,000 organisations from a CSV file.

    python benchmarks/bench_import.py [--rows 100000] [--repeat 3] [--no-audit] [--keep]

It writes a deterministic CSV (valid SIREN/SIRET/VAT numbers, French headers and decimal commas, like an
Excel export) into a temporary folder, then times ``meute.core.importing.import_file`` on the configured
database (``DATABASE_URL``; a temporary SQLite file when it is not set). Everything imported is rolled
back at the end unless ``--keep`` is given, so it can run against any database. Target: 5,000 rows/s.

On PostgreSQL the timing includes the deferred foreign-key checks that the commit would run (``SET
CONSTRAINTS ALL IMMEDIATE`` before the rollback). Next to the wall-clock rate it prints the CPU time of
this process and, when it can read it (server on this machine), of the database server process: on a
shared machine the wall clock moves with the other work, the CPU seconds much less.
"""

import argparse
import csv
import os
import random
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

HEADERS = [
    "nom",
    "raison_sociale",
    "siren",
    "siret",
    "tva",
    "site_web",
    "domaine_email",
    "telephone",
    "adresse",
    "code_postal",
    "ville",
    "pays",
    "effectif",
    "effectif_commercial",
    "effectif_technique",
    "chiffre_affaires",
    "part_de_marche",
    "tendance",
    "tailles_clients",
    "types_partenaire",
    "etiquettes",
    "description",
]
CITIES = [
    ("Lyon", "69003"),
    ("Paris", "75011"),
    ("Nantes", "44000"),
    ("Lille", "59000"),
    ("Toulouse", "31000"),
]
WORDS = ["Informatique", "Conseil", "Solutions", "Systèmes", "Numérique", "Gestion", "Services"]
NAMES = ["Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand", "Leroy", "Moreau"]
TYPES = ["reseller", "system_integrator", "referrer", "var", "technology_provider"]
TRENDS = ["stable", "growing", "strong_growth", "declining"]


def write_csv(path: Path, rows: int) -> None:
    from meute.demo import identifiers

    rng = random.Random(1234)
    offset = 31_415_926
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter=";")
        writer.writerow(HEADERS)
        for index in range(rows):
            siren = identifiers.siren(index, offset)
            name = f"{rng.choice(NAMES)} {rng.choice(WORDS)} {index}"
            city, postal_code = rng.choice(CITIES)
            headcount = rng.randint(2, 500)
            sales = rng.randint(0, headcount // 2)
            writer.writerow(
                [
                    name,
                    f"{name} SAS",
                    siren,
                    identifiers.siret(siren, rng.randint(1, 50)),
                    identifiers.french_vat(siren),
                    f"www.partenaire{index}.fr",
                    f"partenaire{index}.fr",
                    f"+33 4 72 {rng.randrange(100):02d} {rng.randrange(100):02d} {rng.randrange(100):02d}",
                    f"{rng.randint(1, 150)} rue de la République",
                    postal_code,
                    city,
                    "FR",
                    headcount,
                    sales,
                    rng.randint(0, headcount - sales),
                    f"{headcount * rng.randint(80, 160) * 1000},00",
                    f"{rng.randint(1, 500) / 100:.2f}".replace(".", ","),
                    rng.choice(TRENDS),
                    "sme, mid_market",
                    ", ".join(rng.sample(TYPES, rng.randint(1, 2))),
                    rng.choice(["", "Stratégique", "Certifié"]),
                    "Partenaire importé pour le banc d'essai.",
                ]
            )


def _own_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _server_cpu(connection) -> float | None:
    """CPU seconds used so far by this connection's PostgreSQL server process (None when unreadable)."""
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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=1, help="import the file this many times (median)")
    parser.add_argument("--keep", action="store_true", help="keep the imported rows (one run)")
    parser.add_argument("--no-audit", action="store_true", help="skip the audit trail entries")
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="meute-bench-"))
    if not os.environ.get("DATABASE_URL"):
        os.environ["DATABASE_URL"] = f"sqlite:///{workdir / 'bench.sqlite3'}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "meute.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction

    from meute.core.importing import import_file

    call_command("migrate", verbosity=0)
    path = workdir / "organisations.csv"
    started = time.perf_counter()
    write_csv(path, args.rows)
    print(
        f"wrote {args.rows:,} rows to {path} ({path.stat().st_size / 1e6:.1f} MB) "
        f"in {time.perf_counter() - started:.1f} s"
    )

    rates = []
    for _run in range(1 if args.keep else max(args.repeat, 1)):
        server_before = _server_cpu(connection)
        with transaction.atomic():
            started, cpu = time.perf_counter(), _own_cpu()
            result = import_file("organizations", path, audit=not args.no_audit)
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # the foreign-key checks of the commit
            elapsed, cpu = time.perf_counter() - started, _own_cpu() - cpu
            server = _server_cpu(connection)
            if not args.keep:
                transaction.set_rollback(True)
        rates.append(result.created / elapsed)
        server_text = "" if server is None else f", database server {server - server_before:.1f} s"
        print(
            f"database: {connection.vendor}; audit: {'no' if args.no_audit else 'yes'}; imported "
            f"{result.created:,} organisations in {elapsed:.1f} s = {rates[-1]:,.0f} rows/s "
            f"(CPU: Python {cpu:.1f} s{server_text}; load average {os.getloadavg()[0]:.1f})",
            flush=True,
        )
    rate = statistics.median(rates)
    print(f"median of {len(rates)}: {rate:,.0f} rows/s (target 5,000) {'OK' if rate >= 5000 else 'TOO SLOW'}")
    return 0 if rate >= 5000 else 1


if __name__ == "__main__":
    sys.exit(main())
