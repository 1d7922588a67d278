"""The named queries shipped with kg: the `.rq` files of `kg/queries/`, read once.

Each is a complete SPARQL query (its own PREFIX lines) whose first line is
`# description: ...`; a line `# param NAME: ...` declares a parameter (`# param NAME?:`
an optional one), bound to the variable `?NAME`; a line `# kept: yes` asks a persistent
store to keep the query's answer (kg.listings). Running them is kg.query's business.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

from kg.sparql import QueryError


@dataclass(frozen=True)
class NamedQuery:
    """A `.rq` file of kg/queries: its name (file stem), one-line description,
    parameters (name -> description) and text."""

    name: str
    description: str
    params: tuple[tuple[str, str], ...]
    text: str
    kept: bool = False  # `# kept: yes`: a store keeps the answer (kg.listings)
    optional: frozenset[str] = frozenset()  # `# param NAME?:` may be left out

    @property
    def param_names(self) -> tuple[str, ...]:
        return tuple(p for p, _ in self.params)


_PARAM = re.compile(r"^#\s*param\s+([A-Za-z_][A-Za-z0-9_]*)(\?)?\s*:\s*(.*)$")
_KEPT = re.compile(r"^#\s*kept\s*:\s*yes\b")


def parse_named(name: str, text: str) -> NamedQuery:
    """Read the header comments of a named query."""
    lines = text.splitlines()
    first = lines[0] if lines else ""
    if not first.startswith("# description:"):
        raise QueryError(f"named query {name!r} does not start with '# description:'")
    params = []
    optional = set()
    kept = False
    for line in lines[1:]:
        if not line.startswith("#"):
            break
        m = _PARAM.match(line)
        if m:
            params.append((m.group(1), m.group(3).strip()))
            if m.group(2):
                optional.add(m.group(1))
        kept = kept or bool(_KEPT.match(line))
    return NamedQuery(name, first.split(":", 1)[1].strip(), tuple(params), text, kept,
                      frozenset(optional))


@cache
def _named_queries() -> dict[str, NamedQuery]:
    folder = resources.files("kg").joinpath("queries")
    out = {}
    for f in folder.iterdir():
        if f.name.endswith(".rq"):
            name = f.name[: -len(".rq")]
            out[name] = parse_named(name, f.read_text(encoding="utf-8"))
    return dict(sorted(out.items()))


def list_named() -> list[NamedQuery]:
    """The named queries shipped with kg, by name."""
    return list(_named_queries().values())


def get_named(name: str) -> NamedQuery:
    queries = _named_queries()
    if name not in queries:
        raise QueryError(f"unknown named query {name!r}; known: {', '.join(queries)}")
    return queries[name]
