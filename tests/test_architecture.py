"""The layout's promises (CONTRIBUTING.md): dependencies between apps point one way (the import-linter
contract in pyproject.toml), models never import business rules, and no two modules import each other.

Tests and migrations are left out: a test may build any world it needs.
"""

from pathlib import Path

import grimp
import pytest
from importlinter.cli import lint_imports

ROOT = Path(__file__).resolve().parent.parent


def _is_source(module: str) -> bool:
    parts = module.split(".")
    return "tests" not in parts and "migrations" not in parts


def _is_models(module: str) -> bool:
    return module.endswith(".models") or ".models." in module


def source_graph() -> dict[str, set[str]]:
    """Each source module of Meute and the Meute source modules it imports directly."""
    graph = grimp.build_graph("meute", cache_dir=None)
    modules = {m for m in graph.modules if _is_source(m)}
    return {m: {d for d in graph.find_modules_directly_imported_by(m) if d in modules} for m in modules}


def import_cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The groups of modules that import each other, directly or through others (Tarjan, iteratively)."""
    index, low, on_stack, stack, found = {}, {}, set(), [], []
    counter = 0
    for start in sorted(graph):
        if start in index:
            continue
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                group = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    group.append(member)
                    if member == node:
                        break
                if len(group) > 1:
                    found.append(sorted(group))
    return found


def works_with_records(graph: dict[str, set[str]], module: str) -> bool:
    """True when the module reaches a models module through its imports (it reads or writes records)."""
    seen, todo = set(), [module]
    while todo:
        current = todo.pop()
        for imported in graph.get(current, ()):
            if _is_models(imported):
                return True
            if imported not in seen:
                seen.add(imported)
                todo.append(imported)
    return False


def models_importing_rules(graph: dict[str, set[str]]) -> list[tuple[str, str]]:
    """Imports of a models module other than models, choices, shared helpers (lib) and plain data or
    validators: a module that works with records is a business rule, and rules import models, not the
    other way round."""
    wrong = []
    for module in sorted(m for m in graph if _is_models(m)):
        for imported in sorted(graph[module]):
            allowed = (
                _is_models(imported)
                or imported.endswith(".choices")
                or imported.startswith("meute.lib.")
                or not works_with_records(graph, imported)
            )
            if not allowed:
                wrong.append((module, imported))
    return wrong


@pytest.fixture(scope="module")
def graph():
    return source_graph()


def test_apps_import_only_the_layers_below_them(monkeypatch):
    monkeypatch.chdir(ROOT)  # the contract lives in pyproject.toml
    assert lint_imports(no_cache=True, no_logo=True) == 0


def test_no_two_modules_import_each_other(graph):
    assert import_cycles(graph) == []


def test_models_never_import_business_rules(graph):
    assert models_importing_rules(graph) == []


def test_the_checks_see_a_cycle_and_a_model_importing_a_rule():
    graph = {
        "meute.shop.models": {"meute.shop.pricing", "meute.shop.catalogue", "meute.shop.choices"},
        "meute.shop.pricing": {"meute.shop.models"},
        "meute.shop.catalogue": set(),
        "meute.shop.choices": set(),
        "meute.shop.views": {"meute.shop.pricing"},
    }
    assert import_cycles(graph) == [["meute.shop.models", "meute.shop.pricing"]]
    assert models_importing_rules(graph) == [("meute.shop.models", "meute.shop.pricing")]
    del graph["meute.shop.models"]
    assert import_cycles(graph) == []
