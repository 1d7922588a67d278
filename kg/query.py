"""SPARQL over kg graphs: loading, running queries safely, named queries, result formats
and summary statistics. The top of the query side: it builds on kg.sparql (prefixes,
errors, plain values), kg.named (the shipped queries), kg.results (the formats),
kg.store and kg.listings, and none of them imports it.

Named queries are the `.rq` files of `kg/queries/`. Each is a complete SPARQL query (its
own PREFIX lines) whose first line is `# description: ...`; a line `# param NAME: ...`
declares a parameter, bound to the variable `?NAME` as a plain literal (never pasted into
the query text). A line `# kept: yes` asks a persistent store to keep the query's answer,
worked out once when kg build writes the store (kg.listings), for listings too long to
work out again on every call.

    >>> import kg, kg.query
    >>> g = kg.load("output/graph.ttl")
    >>> kg.query.named("positions", g, person="张三")      # -> list of dicts
    >>> kg.query.positions(g, person="张三")               # the same
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rdflib import Dataset, Graph, Literal
from rdflib.query import Result
from rdflib.term import Identifier, Variable

from kg.named import NamedQuery, get_named, list_named, parse_named
from kg.results import boolean, format_table, iter_select, width
from kg.sparql import PREFIXES, QueryError, compact, native_query, one_line, ox_plain, plain

if TYPE_CHECKING:  # rdflib's SPARQL parser takes half a second to import: only to check
    from rdflib.plugins.sparql.sparql import Query

FORMATS = ("table", "csv", "tsv", "json")
_QUAD_FORMATS = frozenset({"trig", "nquads", "trix"})


# ---------------------------------------------------------------------------
# loading and running


def load(path: str | Path, engine: str = "oxigraph") -> Graph:
    """Read a graph file, format from its extension (Turtle by default), as an
    rdflib.Graph. TriG and N-Quads give a Dataset whose default graph is the union of
    its named graphs, so plain queries see every triple and `GRAPH ?g { ... }` sees the
    per-article graphs. With `engine="oxigraph"` (the default) the file is parsed by
    pyoxigraph into an in-memory store and SPARQL is evaluated by oxigraph behind the
    rdflib API (kg.store.rdflib_graph); `engine="rdflib"` gives rdflib's own memory
    graph (faster to walk triple by triple, as pySHACL and the renderer do)."""
    from rdflib.util import guess_format

    if str(path).startswith("oxigraph:"):  # a store of kg build --store (kg.store)
        from kg.store import StoreError, open_graph

        try:
            return open_graph(path)
        except StoreError as e:
            raise QueryError(str(e)) from e
    if engine not in ("oxigraph", "rdflib"):
        raise QueryError(f"unknown engine {engine!r}; use oxigraph or rdflib")
    p = Path(path)
    if not p.is_file():
        raise QueryError(f"no such graph file: {p}")
    fmt = guess_format(str(p)) or "turtle"
    if fmt == "json-ld":
        _no_remote_context(p)
    if engine == "oxigraph" and fmt in _OX_FORMATS:
        return _load_oxigraph(p, fmt)
    g: Graph = Dataset(default_union=True) if fmt in _QUAD_FORMATS else Graph()
    try:
        g.parse(p, format=fmt)
    except Exception as e:  # rdflib raises many parser-specific types
        raise QueryError(f"cannot read {p} as RDF ({fmt}): {e}") from e
    return g


# rdflib's format names that pyoxigraph parses itself
_OX_FORMATS = {"turtle": "TURTLE", "nt": "N_TRIPLES", "nquads": "N_QUADS", "trig": "TRIG",
               "xml": "RDF_XML", "json-ld": "JSON_LD"}


def _load_oxigraph(p: Path, fmt: str) -> Graph:
    """A graph file parsed by pyoxigraph into an in-memory store, as an rdflib Graph
    (a union Dataset for quad formats)."""
    import pyoxigraph as ox

    from kg.store import rdflib_graph

    store = ox.Store()
    try:
        store.bulk_load(path=str(p), format=getattr(ox.RdfFormat, _OX_FORMATS[fmt]),
                        base_iri=p.resolve().as_uri())
    except (SyntaxError, ValueError, OSError) as e:
        raise QueryError(f"cannot read {p} as RDF ({fmt}): {one_line(str(e))}") from e
    quads = fmt in _QUAD_FORMATS
    if quads:
        # the default graph becomes the merge of every graph (each triple once, as in
        # rdflib's union); named graphs stay as they are for GRAPH ?g { ... }
        default = ox.DefaultGraph()
        store.bulk_extend(ox.Quad(q.subject, q.predicate, q.object, default)
                          for q in store.quads_for_pattern(None, None, None)
                          if q.graph_name != default)
    return rdflib_graph(store, dataset=quads)


def _no_remote_context(p: Path) -> None:
    """Refuse a JSON-LD document whose context (or a context it imports) is named by an
    IRI: rdflib would fetch it over the network, and reading a graph never does."""
    try:
        doc = json.loads(p.read_bytes())
    except (ValueError, UnicodeDecodeError) as e:
        raise QueryError(f"cannot read {p} as JSON-LD: {e}") from e
    stack: list[Any] = [doc]
    while stack:
        node = stack.pop()
        if isinstance(node, list):
            stack.extend(node)
        elif isinstance(node, dict):
            for key, value in node.items():
                remote = _remote(value) if key in ("@context", "@import") else None
                if remote:
                    raise QueryError(
                        f"{p} names a remote JSON-LD context ({remote}); kg reads no graph "
                        "over the network: put the context inline in the file")
                stack.append(value)


def _remote(value: Any) -> str | None:
    """The first context given by reference (an IRI or path) in a @context value."""
    for v in value if isinstance(value, list) else [value]:
        if isinstance(v, str):
            return v
        if isinstance(v, dict) and isinstance(v.get("@import"), str):
            return str(v["@import"])
    return None


def prepare(sparql: str, allow_service: bool = False) -> Query:
    """Parse SPARQL text with kg's prefixes predeclared. Refuses queries that reach
    outside the graph (SERVICE, FROM, FROM NAMED), found in the parsed algebra, unless
    `allow_service`."""
    from rdflib.plugins.sparql import prepareQuery

    try:
        q = prepareQuery(sparql, initNs=PREFIXES)
    except Exception as e:  # pyparsing and rdflib errors alike
        raise QueryError(f"bad SPARQL: {one_line(str(e))}") from e
    bad = bad_regex(q)
    if bad:
        raise QueryError(f"query failed: bad regular expression {bad}")
    if not allow_service:
        remote = remote_access(q)
        if remote:
            raise QueryError(
                f"the query uses {remote}, which fetches data over the network; "
                "run it with --allow-service (allow_service=True) if you mean it"
            )
    return q


def remote_access(q: Query) -> str | None:
    """'SERVICE <iri>' or 'FROM <iri>' when the parsed query reads outside the graph
    (rdflib would fetch it), else None. A string literal mentioning SERVICE is not one."""
    for node in _walk(q.algebra):
        name = getattr(node, "name", None)
        if name == "ServiceGraphPattern":
            return f"SERVICE {_n3(dict.get(node, 'term'))}"
        if name == "DatasetClause":
            if dict.get(node, "named") is not None:
                return f"FROM NAMED {_n3(dict.get(node, 'named'))}"
            return f"FROM {_n3(dict.get(node, 'default'))}"
    return None


def bad_regex(q: Query) -> str | None:
    """A constant REGEX pattern of the query that does not compile, with the reason,
    else None: oxigraph treats such a pattern as an error of the row (the filter drops
    it, silently), where the user wants to hear of the mistake."""
    for node in _walk(q.algebra):
        if getattr(node, "name", None) == "Builtin_REGEX":
            pattern = dict.get(node, "pattern")
            if isinstance(pattern, Literal):
                try:
                    re.compile(str(pattern))
                except re.error as e:
                    return f"{pattern.n3()}: {e}"
    return None


def _n3(term: Any) -> str:
    return term.n3() if hasattr(term, "n3") else str(term)


def _walk(node: Any) -> Iterator[Any]:
    """Every node of a parsed query's algebra (CompValues are dicts; lists nest)."""
    stack = [node]
    seen: set[int] = set()
    while stack:
        n = stack.pop()
        if id(n) in seen:
            continue
        seen.add(id(n))
        if isinstance(n, dict):
            yield n
            stack.extend(n.values())
        elif isinstance(n, (list, tuple, set)):
            stack.extend(n)


def run(
    g: Graph,
    sparql: str | Query,
    bindings: Mapping[str, Identifier] | None = None,
    allow_service: bool = False,
) -> Result:
    """Run a SPARQL query with kg's prefixes predeclared and `bindings` as initial values
    of variables. Text is checked first (`prepare`) and then handed to the graph as text,
    so a store with its own SPARQL engine (oxrdflib) runs it natively."""
    if not isinstance(sparql, str):  # a query rdflib prepared
        if not allow_service and remote_access(sparql):
            raise QueryError("the prepared query fetches remote data; pass allow_service=True")
    else:
        prepare(sparql, allow_service)
    return _execute(g, sparql, bindings)


def _execute(
    g: Graph, query: str | Query, bindings: Mapping[str, Identifier] | None = None
) -> Result:
    """`query` on `g`, already checked."""
    try:
        return g.query(query, initNs=PREFIXES, initBindings=dict(bindings or {}))
    except Exception as e:
        raise QueryError(f"query failed: {one_line(str(e))}") from e


# ---------------------------------------------------------------------------
# named queries


def bind_params(nq: NamedQuery, params: Mapping[str, str]) -> dict[str, Literal]:
    """Parameter values as plain literals, after checking that every declared parameter
    is given (optional ones may be left out, and stay unbound) and no other."""
    unknown = sorted(set(params) - set(nq.param_names))
    if unknown:
        allowed = ", ".join(nq.param_names) or "none"
        raise QueryError(
            f"named query {nq.name!r} has no parameter {unknown[0]!r} (parameters: {allowed})"
        )
    missing = [p for p in nq.param_names if p not in params and p not in nq.optional]
    if missing:
        raise QueryError(f"named query {nq.name!r} needs --param {missing[0]}=VALUE")
    # names in kg graphs are Chinese-tagged literals; binding the value with the same tag
    # lets the store look it up in its index instead of scanning every label
    return {k: Literal(str(v), lang="zh") for k, v in params.items()}


def run_named(
    name: str, g: Graph, params: Mapping[str, str] | None = None, allow_service: bool = False
) -> Result:
    nq = get_named(name)
    text = _checked_text(nq, params or {}, allow_service)
    listings = _listings(g)
    kept = listings.answer(nq, params or {}) if listings is not None else None
    if kept is not None:
        from kg.listings import bindings

        names, found = kept
        res = Result("SELECT")
        res.vars = [Variable(n) for n in names]
        res.bindings = bindings(names, found)
        return res
    return _execute(g, text)


@cache
def _check_template(nq: NamedQuery, allow_service: bool) -> None:
    prepare(nq.text, allow_service)


def _checked_text(nq: NamedQuery, params: Mapping[str, str], allow_service: bool) -> str:
    """The named query's text with its parameters bound. The template is parsed and
    checked once per process (a parse costs 10-30 ms, more than most lookups on a
    store); bound values enter as RDF terms in a VALUES row, which cannot add anything
    a check would refuse."""
    bindings = bind_params(nq, params)
    _check_template(nq, allow_service)
    return with_values(nq.text, bindings)


def with_values(text: str, bindings: Mapping[str, Identifier]) -> str:
    """The query with each binding stated as a `VALUES` row at the start of its WHERE
    block. Values are written as RDF terms (`Literal.n3` escapes them), never pasted
    as query text; stores plan a VALUES row as an index lookup, while initial bindings
    are applied to every solution afterwards (seconds instead of milliseconds on a
    million triples)."""
    if not bindings:
        return text
    where = re.search(r"WHERE\s*\{", text, re.IGNORECASE)
    if where is None:
        raise QueryError("a named query needs a WHERE { ... } block for its parameters")
    rows = "".join(f"\n  VALUES ?{k} {{ {v.n3()} }}" for k, v in sorted(bindings.items()))
    return text[: where.end()] + rows + text[where.end() :]


def named(query_name: str, graph: Graph, /, **params: str) -> list[dict[str, Any]]:
    """Run a named query; rows as dicts of plain Python values (see `rows`). On a
    persistent store the query runs on pyoxigraph directly and its terms become
    Python values without becoming rdflib terms first (the same rows, sooner); a kept
    query is answered from the store's listings (kg.listings) while they are valid."""
    nq = get_named(query_name)
    text = _checked_text(nq, params, False)
    listings = _listings(graph)
    kept = listings.rows(nq, params) if listings is not None else None
    if kept is not None:
        return kept
    store = getattr(graph.store, "oxigraph", None)
    if store is not None:
        names, solutions = native_query(store, text)
        return [{n: ox_plain(t) for n, t in zip(names, sol, strict=True)} for sol in solutions]
    return rows(_execute(graph, text))


def _listings(graph: Graph) -> Any:
    """The kept answers of a store's graph (kg.listings.Listings), or None."""
    return getattr(graph.store, "listings", None)


def people(graph: Graph) -> list[dict[str, Any]]:
    """Persons with their posts (name, role, organization, person)."""
    return named("people", graph)


def positions(graph: Graph, person: str) -> list[dict[str, Any]]:
    """Every post of the person named `person`, with evidence and source article."""
    return named("positions", graph, person=person)


def members(graph: Graph, org: str) -> list[dict[str, Any]]:
    """Who holds which role in the organization named `org` and its sub-units."""
    return named("members", graph, org=org)


def programs(graph: Graph) -> list[dict[str, Any]]:
    """Programmes with the organizations that run them and how often they are mentioned."""
    return named("programs", graph)


def org_tree(graph: Graph) -> list[dict[str, Any]]:
    """The sub-organization hierarchy."""
    return named("org-tree", graph)


def places(graph: Graph) -> list[dict[str, Any]]:
    """The place hierarchy."""
    return named("places", graph)


def mentions(graph: Graph, name: str) -> list[dict[str, Any]]:
    """The articles that mention the entity called `name` (label or alias)."""
    return named("mentions", graph, name=name)


# ---------------------------------------------------------------------------
# results


def rows(res: Result) -> list[dict[str, Any]]:
    """SELECT results as dicts (one key per projected variable, None when unbound)."""
    names = [str(v) for v in res.vars or []]
    return [{n: plain(t) for n, t in zip(names, row, strict=True)}
            for row in _solutions(res)]


def format_result(res: Result, fmt: str = "table") -> str:
    """SELECT or ASK results as `table` (aligned for CJK), `csv` or `tsv` (W3C SPARQL 1.1
    CSV/TSV results) or `json` (W3C SPARQL 1.1 results JSON). Graph results (CONSTRUCT,
    DESCRIBE) as Turtle (`table`) or JSON-LD (`json`)."""
    return "".join(iter_result(res, fmt))


def iter_result(res: Result, fmt: str = "table") -> Iterator[str]:
    """`format_result` in pieces, each written as soon as its rows are known: csv, tsv
    and json stream row by row (a long result starts at once); a table waits for every
    row, since its columns are as wide as their widest cell."""
    if fmt not in FORMATS:
        raise QueryError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")
    if res.type in ("CONSTRUCT", "DESCRIBE"):
        if fmt not in ("table", "json"):
            raise QueryError(
                f"{res.type} gives a graph: use --format table (Turtle) or json (JSON-LD)"
            )
        assert res.graph is not None
        yield str(res.graph.serialize(format="turtle" if fmt == "table" else "json-ld"))
        return
    if res.type == "ASK":
        yield boolean(bool(res.askAnswer), fmt)
        return
    yield from iter_select([str(v) for v in res.vars or []], _solutions(res), fmt)


def _solutions(res: Result) -> Iterator[Any]:
    """The rows of a SELECT result. Engines work rows out as they are read, so an error
    of the query (a bad regular expression, a type error) shows here: a QueryError."""
    rows = iter(res)
    while True:
        try:
            row = next(rows)
        except StopIteration:
            return
        except Exception as e:
            raise QueryError(f"query failed: {one_line(str(e))}") from e
        yield row


# ---------------------------------------------------------------------------
# summaries


_COUNTS = """
SELECT
  (COUNT(DISTINCT ?a) AS ?articles) (COUNT(DISTINCT ?p) AS ?persons)
  (COUNT(DISTINCT ?o) AS ?organizations) (COUNT(DISTINCT ?pl) AS ?places)
  (COUNT(DISTINCT ?pr) AS ?programmes) (COUNT(DISTINCT ?m) AS ?positions)
WHERE {
  { ?a a schema:NewsArticle } UNION { ?p a foaf:Person } UNION { ?o a org:Organization }
  UNION { ?pl a schema:Place } UNION { ?pr a kgo:Program } UNION { ?m a org:Membership }
}
"""


def counts(g: Graph) -> dict[str, int]:
    return {k: int(v) for k, v in _own_rows(g, _COUNTS)[0].items()}


_TYPES = "SELECT ?type (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a ?type } GROUP BY ?type"

# distinct entities one step away: through a membership (person <-> organization) or
# a direct link between entities. The pairs are made distinct before the labels and
# types join them (joined first, oxigraph takes 20 times longer)
_CONNECTED = """
SELECT ?e ?label ?kind (COUNT(DISTINCT ?n) AS ?links)
WHERE {
  { SELECT DISTINCT ?e ?n WHERE {
    { ?m org:member ?e ; org:organization ?n } UNION { ?m org:member ?n ; org:organization ?e }
    UNION { ?e org:subOrganizationOf|schema:containedInPlace|schema:location|kgo:runBy ?n }
    UNION { ?n org:subOrganizationOf|schema:containedInPlace|schema:location|kgo:runBy ?e }
  } }
  ?e rdfs:label ?label .
  VALUES (?type ?kind) { (foaf:Person "person") (org:Organization "organization")
                         (schema:Place "place") (kgo:Program "programme") }
  ?e a ?type .
}
GROUP BY ?e ?label ?kind
"""

# each count in its own group: counted in one, every article mentioning a programme
# would be joined with every organization running it
_REACH = """
SELECT ?p ?label ?articles ?orgs ?mentions
WHERE {
  ?p a kgo:Program ; rdfs:label ?label .
  { SELECT ?p (COUNT(DISTINCT ?a) AS ?articles)
    WHERE { ?p a kgo:Program . OPTIONAL { ?a schema:mentions ?p } } GROUP BY ?p }
  { SELECT ?p (COUNT(DISTINCT ?o) AS ?orgs)
    WHERE { ?p a kgo:Program . OPTIONAL { ?p kgo:runBy ?o } } GROUP BY ?p }
  OPTIONAL { SELECT ?p (SAMPLE(?c) AS ?mentions)
             WHERE { ?p a kgo:Program ; kgo:mentionCount ?c } GROUP BY ?p }
}
"""


@dataclass(frozen=True)
class Stats:
    """What `kg stats` prints: entity counts by type, the most connected entities
    (label, kind, linked entities, IRI) and programmes by reach (label, articles,
    organizations running them, mentions, IRI)."""

    types: list[tuple[str, int]]
    connected: list[tuple[str, str, int, str]]
    programmes: list[tuple[str, int, int, int, str]]


def _own_rows(g: Graph, sparql: str) -> list[dict[str, Any]]:
    """The rows of one of kg's own SELECTs as dicts of plain values: evaluated by
    pyoxigraph directly when the graph is one of its stores (no check by rdflib's
    parser: the text is kg's), else through `run`."""
    store = getattr(g.store, "oxigraph", None)
    if store is None:
        return rows(run(g, sparql))
    names, solutions = native_query(store, sparql)
    return [{n: ox_plain(t) for n, t in zip(names, sol, strict=True)} for sol in solutions]


def _select(g: Graph, sparql: str) -> list[list[Any]]:
    """SELECT rows as lists of plain values."""
    return [list(r.values()) for r in _own_rows(g, sparql)]


def stats(g: Graph, top: int = 10) -> Stats:
    types = sorted(((compact(t), int(n)) for t, n in _select(g, _TYPES)),
                   key=lambda t: (-t[1], t[0]))
    conn = sorted(((label, kind, int(n), e) for e, label, kind, n in _select(g, _CONNECTED)),
                  key=lambda t: (-t[2], t[0], t[3]))
    reach = sorted(
        ((label, int(a), int(o), int(c or 0), p) for p, label, a, o, c in _select(g, _REACH)),
        key=lambda t: (-t[1], -t[2], -t[3], t[0], t[4]),
    )
    return Stats(types, conn[:top], reach[:top])


def format_stats(s: Stats) -> str:
    parts = ["Entities by type",
             format_table(["type", "count"], [[t, str(n)] for t, n in s.types]),
             "Most connected entities (distinct entities linked by a position or a relation)",
             format_table(["entity", "kind", "links", "iri"],
                          [[label, kind, str(n), compact(iri)]
                           for label, kind, n, iri in s.connected]),
             "Programmes by reach",
             format_table(["programme", "articles", "organizations", "mentions", "iri"],
                          [[label, str(a), str(o), str(m), compact(iri)]
                           for label, a, o, m, iri in s.programmes])]
    return "\n".join(parts)


__all__ = [
    "FORMATS", "PREFIXES", "NamedQuery", "QueryError", "Stats", "compact", "counts",
    "format_result", "format_stats", "format_table", "get_named", "list_named", "load", "members",
    "mentions", "named", "native_query", "org_tree", "ox_plain", "parse_named", "people",
    "places", "plain", "positions", "prepare", "programs", "remote_access", "rows", "run",
    "run_named", "stats", "width",
]
