"""kg: knowledge graphs from Chinese local-government news.

Public API: `build_graph` (pages -> rdflib.Graph), `load` (a graph file -> rdflib.Graph)
and the named queries in `kg.query`. Importing kg loads nothing heavy.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"
__all__ = ["__version__", "build_graph", "load", "query"]

if TYPE_CHECKING:
    from kg.pipeline import build_graph
    from kg.query import load


def __getattr__(name: str) -> Any:
    if name == "build_graph":
        from kg.pipeline import build_graph

        return build_graph
    if name == "load":
        from kg.query import load

        return load
    if name == "query":
        import importlib

        return importlib.import_module("kg.query")
    raise AttributeError(name)
