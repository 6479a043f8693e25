"""The layers of docs/architecture.md, read from the source with ``ast`` (no import-linter needed).

Every import between top-level packages of ``zhenxing`` counts, at module level or inside a
function. Left out: test packages (``tests/``) and test factories (``testing.py``), which build
records of any app to exercise the layers above them (a module's snapshot test uses the dashboard).
Modules directly in ``zhenxing/`` (root URLs, the API, the CLI) belong to the shell.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

import zhenxing

ROOT = Path(zhenxing.__file__).parent
SHELL = "(shell)"

# Top to bottom; a package may import only from its own layer or a lower one. Siblings in one
# layer may import each other as long as the graph stays acyclic.
LAYERS: list[set[str]] = [
    {SHELL, "core", "settings"},
    {"dashboard"},
    {"ledger", "funds", "assets", "people", "collective", "village", "field"},
    {"monitoring", "screening"},
    {"registry"},
    {"workflow", "jobs", "mappings"},  # the transition engine; the one job queue; saved column mappings
    {"regions", "accounts", "audit", "calendar"},
    {"lib", "formats"},
]


def _package(path: Path) -> str:
    rel = path.relative_to(ROOT)
    return rel.parts[0] if len(rel.parts) > 1 else SHELL


def _module(path: Path) -> list[str]:
    rel = path.relative_to(ROOT).with_suffix("")
    parts = ["zhenxing", *rel.parts]
    return parts[:-1] if parts[-1] == "__init__" else parts


def _imported(path: Path, tree: ast.AST) -> list[tuple[str, int]]:
    found = []
    here = _module(path)
    package = here if path.name == "__init__.py" else here[:-1]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(alias.name, node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - node.level + 1]
                name = ".".join(base + ([node.module] if node.module else []))
            else:
                name = node.module or ""
            found.append((name, node.lineno))
            # "from zhenxing import x" names a package in the imported names
            if name == "zhenxing":
                found += [(f"zhenxing.{alias.name}", node.lineno) for alias in node.names]
    return found


def import_graph() -> dict[str, dict[str, list[str]]]:
    """{package: {imported package: ["file:line", ...]}} between top-level packages."""
    graph: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for path in sorted(ROOT.rglob("*.py")):
        rel = path.relative_to(ROOT)
        if "tests" in rel.parts or path.name == "testing.py":
            continue
        source = _package(path)
        graph[source]  # every package is a node, even one importing nothing of the project
        for name, line in _imported(path, ast.parse(path.read_text(encoding="utf-8"))):
            parts = name.split(".")
            if parts[0] != "zhenxing" or len(parts) < 2:
                continue
            target = parts[1] if (ROOT / parts[1]).is_dir() else SHELL
            if target != source:
                graph[source][target].append(f"{rel}:{line}")
    return graph


def _cycle(graph) -> list[str] | None:
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph.get(node, {})):
            if state.get(nxt) == 1:
                return stack[stack.index(nxt) :] + [nxt]
            if nxt not in state and (found := visit(nxt)):
                return found
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state and (found := visit(node)):
            return found
    return None


def test_the_graph_sees_imports_inside_functions_and_relative_ones():
    tree = ast.parse(
        "from ..lib import xlsx\nfrom . import models\n"
        "def f():\n    from zhenxing.audit import services\n    import zhenxing.ledger.models\n"
    )
    assert _imported(ROOT / "funds" / "views.py", tree) == [
        ("zhenxing.lib", 1),
        ("zhenxing.funds", 2),
        ("zhenxing.audit", 4),
        ("zhenxing.ledger.models", 5),
    ]
    graph = import_graph()
    assert graph["accounts"]["audit"]  # accounts.scope imports audit's model inside a function
    assert any(where.startswith("urls.py:") for where in graph[SHELL]["core"])  # the shell's module-level import


def test_no_import_cycle_between_top_level_packages():
    graph = import_graph()
    cycle = _cycle(graph)
    assert cycle is None, (
        "导入环："
        + " → ".join(cycle)
        + "\n"
        + "\n".join(f"{a} → {b}: {', '.join(graph[a][b][:3])}" for a, b in zip(cycle, cycle[1:], strict=False))
    )


def test_the_cycle_finder_finds_a_cycle():
    assert _cycle({"a": {"b": []}, "b": {"c": []}, "c": {"a": []}}) == ["a", "b", "c", "a"]
    assert _cycle({"a": {"b": []}, "b": {}, "c": {"a": [], "b": []}}) is None


def test_the_library_imports_nothing_of_the_project_but_itself():
    assert dict(import_graph()["lib"]) == {}


def test_every_package_has_a_layer_and_imports_only_downwards():
    graph = import_graph()
    level = {pkg: i for i, layer in enumerate(LAYERS) for pkg in layer}
    assert not set(graph) - set(level), f"请在 LAYERS 中为新包定层：{sorted(set(graph) - set(level))}"
    upward = [
        f"{a} → {b}: {', '.join(where[:3])}"
        for a, targets in graph.items()
        for b, where in targets.items()
        if level[b] < level[a]
    ]
    assert not upward, "向上层的导入：\n" + "\n".join(upward)


MAX_LINES = 600


def long_files(root: Path = ROOT, limit: int = MAX_LINES) -> list[str]:
    """Source files over ``limit`` lines (migrations are generated and left out)."""
    found = []
    for path in sorted(root.rglob("*.py")):
        rel = path.relative_to(root)
        if "migrations" in rel.parts:
            continue
        lines = len(path.read_text(encoding="utf-8").splitlines())
        if lines > limit:
            found.append(f"{rel}: {lines}")
    return found


def test_no_source_file_is_over_600_lines():
    too_long = long_files()
    assert not too_long, f"以下文件超过 {MAX_LINES} 行，请按其现有分节拆分：\n" + "\n".join(too_long)


def test_the_length_check_counts_lines_and_skips_migrations(tmp_path):
    (tmp_path / "app" / "migrations").mkdir(parents=True)
    (tmp_path / "app" / "at_limit.py").write_text("x = 1\n" * 3, encoding="utf-8")
    (tmp_path / "app" / "over.py").write_text("x = 1\n" * 4, encoding="utf-8")
    (tmp_path / "app" / "migrations" / "0001_initial.py").write_text("x = 1\n" * 9, encoding="utf-8")
    assert long_files(tmp_path, limit=3) == [f"{Path('app') / 'over.py'}: 4"]
