"""The package's structure: no module of kg imports itself back through others, and the
query side (kg.sparql, kg.named, kg.results, kg.listings, kg.store, kg.query, kg.guard,
kg.serve) is layered. Imports are read
from the source (ast), at any depth of a module: one made inside a function to defer its
cost still counts, so a cycle cannot hide behind it."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "kg"
QUERY_SIDE = ["kg.sparql", "kg.named", "kg.results", "kg.listings", "kg.store", "kg.query",
              "kg.guard", "kg.serve"]


def _modules() -> dict[str, Path]:
    out = {}
    for f in PACKAGE.rglob("*.py"):
        parts = f.relative_to(PACKAGE.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        out[name] = f
    return out


def imports(name: str, path: Path, known: set[str]) -> set[str]:
    """The modules of the package that the module `name` (file `path`) imports,
    anywhere in its code, TYPE_CHECKING blocks included; `from kg import x` names the
    module kg.x when there is one, else the package."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        targets: list[str] = []
        if isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*parts, base] if base else parts)
            targets = [f"{base}.{a.name}" if f"{base}.{a.name}" in known else base
                       for a in node.names]
        for t in targets:
            while t and t not in known:
                t = t.rpartition(".")[0]
            if t and t != name:
                found.add(t)
    return found


def graph() -> dict[str, set[str]]:
    modules = _modules()
    return {m: imports(m, f, set(modules)) for m, f in modules.items()}


def cycle_through(start: str, edges: dict[str, set[str]]) -> list[str] | None:
    """A path of imports from `start` back to itself, or None."""
    stack: list[tuple[str, list[str]]] = [(start, [start])]
    seen: set[str] = set()
    while stack:
        node, path = stack.pop()
        for nxt in sorted(edges.get(node, ())):
            if nxt == start:
                return [*path, start]
            if nxt not in seen:
                seen.add(nxt)
                stack.append((nxt, [*path, nxt]))
    return None


def test_structure_reads_imports_inside_functions_and_type_checking(tmp_path: Path) -> None:
    pkg = tmp_path / "kg"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "a.py").write_text(
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from kg.b import B\n")
    (pkg / "b.py").write_text("def f():\n    from kg import c\n    return c\n")
    (pkg / "c.py").write_text("def g():\n    from . import a\n    import kg.b as b\n")
    known = {"kg", "kg.a", "kg.b", "kg.c"}
    assert imports("kg.a", pkg / "a.py", known) == {"kg.b"}
    assert imports("kg.b", pkg / "b.py", known) == {"kg.c"}
    assert imports("kg.c", pkg / "c.py", known) == {"kg.a", "kg.b"}
    edges = {m: imports(m, pkg / (m.split(".")[-1] + ".py"), known) for m in known - {"kg"}}
    assert cycle_through("kg.a", edges) == ["kg.a", "kg.b", "kg.c", "kg.a"]


@pytest.mark.parametrize("module", QUERY_SIDE)
def test_structure_query_side_has_no_import_cycle(module: str) -> None:
    edges = graph()
    assert module in edges
    assert cycle_through(module, edges) is None


def test_structure_query_side_layers() -> None:
    """The bottom knows nothing above it: kg.sparql imports no other module of the query
    side, and kg.store and kg.listings never import kg.query."""
    edges = graph()
    assert not edges["kg.sparql"] & set(QUERY_SIDE)
    assert "kg.query" not in edges["kg.store"] | edges["kg.listings"]
    assert "kg.query" in edges["kg.serve"] and "kg.store" in edges["kg.query"]


def test_structure_no_module_of_the_package_is_in_an_import_cycle() -> None:
    edges = graph()
    cycles = {m: c for m in sorted(edges) if (c := cycle_through(m, edges))}
    assert cycles == {}


def test_structure_build_side_layers() -> None:
    """Records and page metadata sit below the modules that use them: kg.entities and
    kg.webpage import nothing of resolution or reading."""
    edges = graph()
    assert not edges["kg.entities"]
    assert edges["kg.webpage"] <= {"kg.dates", "kg.model"}
    assert "kg.entities" in edges["kg.hierarchy"] & edges["kg.identity"] & edges["kg.resolve"]
    assert "kg.resolve" not in edges["kg.hierarchy"] | edges["kg.identity"]
    assert "kg.corpus" not in edges["kg.io"]
