"""Run every foundation benchmark on the configured database and print the figures.

    python benchmarks/run.py                     # SQLite file under ./var-benchmark/
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/meute_bench python benchmarks/run.py

1. creates the large demo data set when the database holds fewer than 100,000 organisations
   (``meute demo --size large --no-serve``; several minutes, once);
2. times the directory page and the API list endpoints (``bench_directory.py``);
3. times the import of 100,000 organisations from CSV (``bench_import.py``, rolled back afterwards).
"""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HERE = Path(__file__).resolve().parent


def main() -> int:
    env = dict(os.environ)
    env.setdefault("MEUTE_DATA_DIR", str(ROOT / "var-benchmark"))
    env.setdefault("DEBUG", "false")
    python = sys.executable
    count = subprocess.run(
        [
            python,
            "-c",
            "import django; django.setup(); from meute.core.models import Organization;"
            " print(Organization.objects.count())",
        ],
        env={**env, "DJANGO_SETTINGS_MODULE": "meute.settings"},
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    organisations = int(count.stdout.strip() or 0) if count.returncode == 0 else 0
    if organisations < 100_000:
        print("creating the large demo data set (once)…", flush=True)
        subprocess.run(
            [python, "-m", "meute.cli", "demo", "--size", "large", "--no-serve", "--reset"],
            env=env,
            cwd=ROOT,
            check=True,
        )
    status = 0
    for script in ("bench_directory.py", "bench_import.py"):
        print(f"\n## {script}", flush=True)
        status |= subprocess.run([python, str(HERE / script)], env=env, cwd=ROOT, check=False).returncode
    return status


if __name__ == "__main__":
    sys.exit(main())
