"""The evidence package's imports point one way (docs/architecture.md), with no cycle.

Only imports that run when a module is imported count: those at its top level, not those
inside a function (statsmodels, openpyxl) nor under ``if TYPE_CHECKING`` (the consistency
checks know the models by their types only, since the models run the checks).
"""

from __future__ import annotations

import ast
import graphlib
from pathlib import Path

from conftest import ROOT

SPINE = (
    ("codes", "vocabulary"),
    ("problems",),
    ("consistency",),
    ("models",),
    ("yaml_reader", "validation"),
    ("loader",),
    ("frames",),
    ("effects",),
)
"""The spine of evidence/, lowest first: a module imports none of a later group. A package
(frames, effects) counts as one with all of its modules."""


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _run_time_imports(statements: list[ast.stmt]) -> list[str]:
    names = []
    for node in statements:
        if isinstance(node, ast.ImportFrom) and node.module:
            names += [f"{node.module}.{alias.name}" for alias in node.names]
        elif isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.If) and "TYPE_CHECKING" not in ast.unparse(node.test):
            names += _run_time_imports([*node.body, *node.orelse])
        elif isinstance(node, ast.Try):
            handlers = [s for handler in node.handlers for s in handler.body]
            names += _run_time_imports([*node.body, *handlers, *node.orelse, *node.finalbody])
    return names


def _graph() -> dict[str, set[str]]:
    """evidence module -> the evidence modules it imports (the package root not counted)."""
    paths = {_module_name(p): p for p in (ROOT / "evidence").rglob("*.py")}
    graph: dict[str, set[str]] = {}
    for name, path in paths.items():
        graph[name] = set()
        for imported in _run_time_imports(ast.parse(path.read_text(encoding="utf-8")).body):
            while imported not in paths and "." in imported:  # `from m import name`
                imported = imported.rpartition(".")[0]
            if imported in paths and imported not in (name, "evidence"):
                graph[name].add(imported)
    return graph


def _rank(module: str) -> int | None:
    first = module.removeprefix("evidence.").split(".")[0]
    return next((i for i, group in enumerate(SPINE) if first in group), None)


def test_evidence_imports_have_no_cycle():
    graph = _graph()
    assert {"evidence.frames.columns", "evidence.effects.table", "evidence.loader"} <= set(graph)
    graphlib.TopologicalSorter(graph).prepare()  # raises CycleError, naming the cycle


def test_evidence_spine_imports_point_down():
    upward = [
        (module, imported)
        for module, imports in sorted(_graph().items())
        for imported in sorted(imports)
        if (rank := _rank(module)) is not None
        and (imported_rank := _rank(imported)) is not None
        and imported_rank > rank
    ]
    assert upward == []
