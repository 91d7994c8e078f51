"""Mutation testing of the business-rule modules: the share of small deliberate bugs the tests catch.

    pip install -e '.[test,mutation]'
    python benchmarks/mutation.py programs/tiering.py        # one module against its own tests
    python benchmarks/mutation.py --list                     # the modules and the tests each is run against
    python benchmarks/mutation.py programs/tiering.py --only 'x_evaluate*' --only 'x_validate_tiers*'

``--only`` takes mutmut's mutant names after the module: ``x_<function>*`` for a function,
``xǁ<Class>ǁ<method>*`` for a method (the work folder's ``mutmut results`` lists them).

mutmut changes one operator, constant or call at a time in the module and runs the module's tests against
each mutant; a mutant is *killed* when a test fails. It prints ``killed/total`` per module, the survivors by
name (``mutmut show NAME`` in the work folder shows the change) and the work folder.

It is CPU-heavy: run one module at a time, never in CI. The project is copied into a work folder (nothing
is written in the checkout); the tests share one SQLite test database there (``--reuse-db``), created once.
"""

import argparse
import importlib.util
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# Each rule module and the tests that target it (the whole suite would take hours per module).
MODULES = {
    "programs/tiering.py": [
        "meute/programs/tests/test_tiering.py",
        "meute/programs/tests/test_edges.py",
        "meute/programs/tests/test_tiering_rules.py",
    ],
    "programs/rule_versions.py": [
        "meute/programs/tests/test_rule_versions.py",
        "meute/programs/tests/test_rule_version_edges.py",
    ],
    # The deal rules are reached from every test of the app (pages, API, rights, concurrency): mutmut runs,
    # for each mutant, only the tests that executed the mutated function.
    "deals/workflow.py": ["meute/deals/tests", "meute/remuneration/tests/test_member_margin.py"],
    "deals/conflicts.py": ["meute/deals/tests"],
    "deals/evidence.py": ["meute/deals/tests"],
    "leads/routing.py": [
        "meute/leads/tests/test_routing.py",
        "meute/leads/tests/test_loading.py",
        "meute/leads/tests/test_edges.py",
        "meute/leads/tests/test_routing_rules.py",
        "meute/leads/tests/test_loading_rules.py",
    ],
    "remuneration/engine.py": [
        "meute/remuneration/tests/test_remuneration.py",
        "meute/remuneration/tests/test_edges.py",
        "meute/remuneration/tests/test_engine_rules.py",
    ],
    "remuneration/payouts.py": [
        "meute/remuneration/tests/test_payouts.py",
        "meute/remuneration/tests/test_payout_edges.py",
        "meute/remuneration/tests/test_payout_rules.py",
    ],
    "remuneration/rule_versions.py": [
        "meute/remuneration/tests/test_rule_version_rules.py",
        "meute/remuneration/tests/test_remuneration.py",
        "meute/remuneration/tests/test_member_margin.py",
        "meute/remuneration/tests/test_payouts.py",
        "meute/remuneration/tests/test_payout_edges.py",
        "meute/remuneration/tests/test_payouts_views.py",
    ],
    "remuneration/periods.py": [
        "meute/remuneration/tests/test_period_rules.py",
        "meute/remuneration/tests/test_remuneration.py",
        "meute/remuneration/tests/test_payouts.py",
        "meute/remuneration/tests/test_payout_edges.py",
    ],
    "lib/access.py": ["meute/lib/tests/test_access.py"],
    "core/importing/cells.py": ["meute/core/tests/test_import_rules.py", "meute/core/tests/test_import.py"],
    "core/importing/checks.py": ["meute/core/tests/test_import_rules.py", "meute/core/tests/test_import.py"],
}
EXIT_KILLED = {"killed", "timeout", "segfault", "suspicious"}


def project_files() -> list[str]:
    out = subprocess.run(  # noqa: S603
        ["git", "ls-files", "--cached", "--others", "--exclude-standard"],  # noqa: S607
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return [line for line in out.splitlines() if line and (ROOT / line).is_file()]


def prepare(work: Path, module: str, tests: list[str]) -> None:
    for name in project_files():
        target = work / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, target)
    text = (work / "pyproject.toml").read_text()
    selection = "\n".join(f"    {t}" for t in tests)
    config = [
        "[mutmut]",
        "source_paths = meute",
        f"only_mutate = meute/{module}",
        "pytest_add_cli_args_test_selection =",
        selection,
        "pytest_add_cli_args =",
        "    -p no:cacheprovider",
        "    --reuse-db",
        "    -q",
        "also_copy =",
        "    conftest.py",
        "    manage.py",
        "    benchmarks",  # some rule tests read the evaluation's data loaders
        "    tests",
    ]
    (work / "setup.cfg").write_text("\n".join(config) + "\n")
    (work / "pyproject.toml").write_text(text)


def count(work: Path) -> tuple[dict, list]:
    """Statuses of the module's mutants, from ``mutmut results --all true``."""
    out = subprocess.run(  # noqa: S603
        [sys.executable, "-m", "mutmut", "results", "--all", "true"],
        cwd=work,
        capture_output=True,
        text=True,
        check=False,
    ).stdout
    statuses, survivors = {}, []
    for line in out.splitlines():
        if ":" not in line:
            continue
        name, status = (part.strip() for part in line.rsplit(":", 1))
        statuses[status] = statuses.get(status, 0) + 1
        if status == "survived":
            survivors.append(name)
    return statuses, survivors


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("module", nargs="?", help="a rule module, relative to meute/ (see --list)")
    parser.add_argument("--list", action="store_true")
    parser.add_argument("--only", action="append", default=[], help="mutant name glob, e.g. 'x_evaluate*'")
    parser.add_argument("--work", help="work folder (default: a new temporary one, kept for `mutmut show`)")
    parser.add_argument("--max-children", type=int, default=1, help="parallel mutants (default 1)")
    args = parser.parse_args()
    if args.list or not args.module:
        for module, tests in MODULES.items():
            print(f"{module}: {' '.join(tests)}")
        return 0
    if args.module not in MODULES:
        parser.error(f"unknown module {args.module!r}: see --list")
    if importlib.util.find_spec("mutmut") is None:
        print("mutmut is not installed: pip install -e '.[mutation]'", file=sys.stderr)
        return 2
    work = Path(args.work or tempfile.mkdtemp(prefix="meute-mutation-"))
    prepare(work, args.module, MODULES[args.module])
    env = dict(os.environ)
    env.pop("DATABASE_URL", None)  # SQLite: one test database file, reused by every mutant
    env["MEUTE_TEST_SQLITE"] = str(work / "mutation-test.sqlite3")
    dotted = "meute." + args.module.removesuffix(".py").replace("/", ".")
    names = [f"{dotted}.{glob}" for glob in args.only]
    started = time.monotonic()
    run = subprocess.run(  # noqa: S603
        [sys.executable, "-m", "mutmut", "run", "--max-children", str(args.max_children), *names],
        cwd=work,
        env=env,
        check=False,
    )
    statuses, survivors = count(work)
    if not statuses:
        print(f"mutmut ran no mutant (exit status {run.returncode}): see its output above", file=sys.stderr)
        return 2
    unchecked = statuses.pop("not checked", 0)  # a run stopped before its end: counted apart
    total = sum(statuses.values())
    killed = sum(n for status, n in statuses.items() if status in EXIT_KILLED)
    share = f"{100 * killed / total:.0f} %" if total else "n/a"
    print(f"\n{args.module}: {killed}/{total} mutants killed ({share}) in {time.monotonic() - started:.0f} s")
    print("statuses:", ", ".join(f"{status} {n}" for status, n in sorted(statuses.items())))
    if unchecked:
        print(f"not checked: {unchecked} (left out by --only, or the run stopped): the figure is of the rest")
    for name in survivors:
        print("survived:", name)
    print("work folder:", work)
    return 0


if __name__ == "__main__":
    sys.exit(main())
