"""Each benchmark still runs end to end (on a small data set in a throw-away SQLite file).

The benchmarks write rows with explicit column lists for speed; a new column in a model must not leave
them broken until someone needs the figures. Targets are not checked here (sizes are tiny).
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

RUNS = [
    ("bench_conflicts.py", ["--n", "3000", "--checks", "10"], "conflict check"),
    ("bench_payouts.py", ["--groupings", "20", "--deals", "500"], "one run"),
    ("bench_matching.py", ["--profiles", "2000", "--members", "3", "--repeat", "1"], "median"),
    ("bench_tiering.py", ["--partnerships", "200", "--records", "2000"], "floor"),
    ("bench_import.py", ["--rows", "300"], "rows/s"),
    ("bench_recruitment.py", ["--organizations", "2000", "--repeat", "1"], "bare NumPy pass"),
    ("bench_recruitment.py", ["--page", "--directory", "300", "--repeat", "1"], "ranking page"),
    (
        "bench_funds.py",
        ["--partners", "20", "--entries", "200", "--repeat", "1", "--page-repeat", "2"],
        "balances of all",
    ),
    ("bench_xlsx_memory.py", ["--rows", "200"], "peak memory"),
]


@pytest.mark.parametrize(("script", "args", "expected"), RUNS, ids=[run[0] for run in RUNS])
def test_benchmark_runs(script, args, expected, tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE"}}
    env["MEUTE_DATA_DIR"] = str(tmp_path)
    result = subprocess.run(  # noqa: S603
        [sys.executable, str(ROOT / "benchmarks" / script), *args],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    output = result.stdout + result.stderr
    assert "Traceback" not in output, output[-3000:]
    assert expected in output, output[-3000:]
