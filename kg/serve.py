"""`kg serve`: a read-only SPARQL 1.1 Protocol endpoint and an explorer over one graph.

- `/sparql`: GET `?query=`, POST as a form or as `application/sparql-query`; answers as
  SPARQL results JSON, XML, CSV or TSV (graphs as Turtle, N-Triples, RDF/XML or
  JSON-LD) by the Accept header. Updates are refused (403). Each query runs in a child
  process forked from the server (it shares the loaded graph) and is killed when it
  runs longer than the time limit; at most `max_rows` rows are returned (the response
  then carries `X-KG-Truncated: true`).
- `/`: the explorer (kg/serve_static/): search every entity, open one to see its
  facts, posts and neighbours, expand any neighbour in turn, filter by type. Its
  look-ups (`/api/search`, `/api/entity`) are kg's own bounded queries, answered in
  the server process from an index built at start-up.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import cache, partial
from importlib import resources
from typing import Any
from xml.sax.saxutils import escape, quoteattr

import pyoxigraph as ox
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from kg.guard import ChildDied, ChildTimeout, child_messages
from kg.query import PREFIXES, QueryError, load

DEFAULT_TIMEOUT = 30.0  # seconds per /sparql query
DEFAULT_MAX_ROWS = 10_000
SEARCH_LIMIT = 30
NEIGHBOURS_LIMIT = 200

_HEADER = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in PREFIXES.items())
_RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
_ORG = "http://www.w3.org/ns/org#"
_SDO = PREFIXES["schema"]
_KO = PREFIXES["kgo"]
KINDS = {  # class IRI -> kind shown by the explorer
    "http://xmlns.com/foaf/0.1/Person": "person",
    "http://www.w3.org/ns/org#Organization": "organization",
    PREFIXES["schema"] + "Place": "place",
    _KO + "Program": "programme",
    PREFIXES["schema"] + "NewsArticle": "article",
}

# result formats: media type -> (kind of result it serves, name)
_SELECT_TYPES = {
    "application/sparql-results+json": "json", "application/json": "json",
    "application/sparql-results+xml": "xml", "application/xml": "xml", "text/xml": "xml",
    "text/csv": "csv", "text/tab-separated-values": "tsv",
}
_GRAPH_TYPES = {
    "text/turtle": "TURTLE", "application/n-triples": "N_TRIPLES",
    "application/rdf+xml": "RDF_XML", "application/ld+json": "JSON_LD",
}
_MEDIA = {"json": "application/sparql-results+json", "xml": "application/sparql-results+xml",
          "csv": "text/csv; charset=utf-8", "tsv": "text/tab-separated-values; charset=utf-8",
          "TURTLE": "text/turtle; charset=utf-8", "N_TRIPLES": "application/n-triples",
          "RDF_XML": "application/rdf+xml", "JSON_LD": "application/ld+json"}


# ---------------------------------------------------------------------------
# content negotiation and result serialisation (pyoxigraph terms)


def negotiate(accept: str | None, offered: Iterable[str]) -> str | None:
    """The offered media type the Accept header prefers (by q, then order), else None.
    No header, or `*/*`, takes the first offered."""
    offered = list(offered)
    if not accept:
        return offered[0]
    best: tuple[float, int, str] | None = None
    for i, part in enumerate(accept.split(",")):
        fields = [f.strip() for f in part.split(";")]
        mt, q = fields[0].lower(), 1.0
        for f in fields[1:]:
            if f.startswith("q="):
                try:
                    q = float(f[2:])
                except ValueError:
                    q = 0.0
        if q <= 0:
            continue
        if mt in ("*/*", "application/*"):
            match = offered[0]
        elif mt in offered:
            match = mt
        else:
            continue
        if best is None or (q, -i) > (best[0], -best[1]):
            best = (q, i, match)
    return best[2] if best else None


def _json_term(t: Any) -> dict[str, str]:
    if isinstance(t, ox.NamedNode):
        return {"type": "uri", "value": t.value}
    if isinstance(t, ox.BlankNode):
        return {"type": "bnode", "value": t.value}
    if isinstance(t, ox.Literal):
        out = {"type": "literal", "value": t.value}
        if t.language:
            out["xml:lang"] = t.language
        elif t.datatype.value != PREFIXES["xsd"] + "string":
            out["datatype"] = t.datatype.value
        return out
    return {"type": "triple", "value": str(t)}


def _xml_term(t: Any) -> str:
    if isinstance(t, ox.NamedNode):
        return f"<uri>{escape(t.value)}</uri>"
    if isinstance(t, ox.BlankNode):
        return f"<bnode>{escape(t.value)}</bnode>"
    if isinstance(t, ox.Literal):
        if t.language:
            return f"<literal xml:lang={quoteattr(t.language)}>{escape(t.value)}</literal>"
        if t.datatype.value != PREFIXES["xsd"] + "string":
            return f"<literal datatype={quoteattr(t.datatype.value)}>{escape(t.value)}</literal>"
        return f"<literal>{escape(t.value)}</literal>"
    return f"<literal>{escape(str(t))}</literal>"


def _csv_cell(t: Any) -> str:
    if t is None:
        return ""
    v = t.value if not isinstance(t, ox.BlankNode) else f"_:{t.value}"
    if any(c in v for c in ',"\r\n'):
        v = '"' + v.replace('"', '""') + '"'
    return v


def _tsv_cell(t: Any) -> str:
    if t is None:
        return ""
    if isinstance(t, ox.Literal) and t.datatype.value == PREFIXES["xsd"] + "string" \
            and not t.language:
        return str(ox.Literal(t.value))
    return str(t)


def serialize_solutions(names: list[str], solutions: Iterable[Any], fmt: str) -> str:
    """SELECT solutions (pyoxigraph) in a W3C SPARQL results format."""
    import json

    if fmt == "json":
        rows = [json.dumps({n: _json_term(t) for n, t in zip(names, s) if t is not None},
                           ensure_ascii=False) for s in solutions]
        return ('{"head": {"vars": ' + json.dumps(names, ensure_ascii=False)
                + '}, "results": {"bindings": [\n' + ",\n".join(rows) + "\n]}}\n")
    if fmt == "xml":
        out = ['<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#">',
               "<head>" + "".join(f"<variable name={quoteattr(n)}/>" for n in names)
               + "</head><results>"]
        for s in solutions:
            out.append("<result>" + "".join(
                f"<binding name={quoteattr(n)}>{_xml_term(t)}</binding>"
                for n, t in zip(names, s) if t is not None) + "</result>")
        out.append("</results></sparql>\n")
        return "\n".join(out)
    if fmt == "csv":
        lines = [",".join(names)] + [",".join(_csv_cell(t) for t in s) for s in solutions]
        return "\r\n".join(lines) + "\r\n"
    lines = ["\t".join(f"?{n}" for n in names)]
    lines += ["\t".join(_tsv_cell(t) for t in s) for s in solutions]
    return "\n".join(lines) + "\n"


def serialize_boolean(value: bool, fmt: str) -> str:
    if fmt == "xml":
        return ('<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#">'
                f"<head/><boolean>{'true' if value else 'false'}</boolean></sparql>\n")
    return '{"head": {}, "boolean": %s}\n' % ("true" if value else "false")


@dataclass(frozen=True)
class Answer:
    """What a query gave: the body, its media type, whether rows were cut."""

    body: bytes
    media: str
    truncated: bool = False


class ProtocolError(Exception):
    """A request the endpoint refuses: HTTP status and message."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


def answer(store: ox.Store, text: str, accept: str | None, max_rows: int) -> Answer:
    """Run `text` on `store` and serialise the answer as the Accept header asks."""
    from itertools import islice

    try:
        res = store.query(text, prefixes=dict(PREFIXES))
    except SyntaxError as e:
        raise ProtocolError(400, f"bad SPARQL: {' '.join(str(e).split())}") from None
    except (OSError, ValueError, RuntimeError) as e:
        raise ProtocolError(400, f"query failed: {' '.join(str(e).split())}") from None
    try:
        if isinstance(res, ox.QueryBoolean):
            mt = negotiate(accept, ["application/sparql-results+json",
                                    "application/sparql-results+xml", "application/json",
                                    "application/xml", "text/xml"])
            if mt is None:
                raise ProtocolError(406, "ASK answers as SPARQL results JSON or XML")
            fmt = _SELECT_TYPES[mt]
            return Answer(serialize_boolean(bool(res), fmt).encode(), _MEDIA[fmt])
        if isinstance(res, ox.QuerySolutions):
            mt = negotiate(accept, list(_SELECT_TYPES))
            if mt is None:
                raise ProtocolError(406, "SELECT answers as SPARQL results JSON, XML, CSV, TSV")
            fmt = _SELECT_TYPES[mt]
            names = [v.value for v in res.variables]
            found = list(islice(res, max_rows + 1))
            cut = len(found) > max_rows
            body = serialize_solutions(names, found[:max_rows], fmt)
            return Answer(body.encode(), _MEDIA[fmt], cut)
        mt = negotiate(accept, list(_GRAPH_TYPES))
        if mt is None:
            raise ProtocolError(406, "graphs answer as Turtle, N-Triples, RDF/XML, JSON-LD")
        fmt = _GRAPH_TYPES[mt]
        triples = list(islice(res, max_rows + 1))
        data = ox.serialize(triples[:max_rows], format=getattr(ox.RdfFormat, fmt),
                            prefixes=dict(PREFIXES) if fmt == "TURTLE" else None)
        return Answer(data or b"", _MEDIA[fmt], len(triples) > max_rows)
    except (OSError, ValueError, RuntimeError) as e:  # raised while rows are worked out
        raise ProtocolError(400, f"query failed: {' '.join(str(e).split())}") from None


# ---------------------------------------------------------------------------
# running a query in a child process


def _answer_work(store: ox.Store, text: str, accept: str | None, max_rows: int,
                 send: Callable[[Any], None]) -> None:
    try:
        send(("ok", answer(store, text, accept, max_rows)))
    except ProtocolError as e:
        send(("err", (e.status, str(e))))
    except Exception as e:  # never leave the parent waiting
        send(("err", (500, f"{type(e).__name__}: {e}")))


def guarded_answer(store: ox.Store, text: str, accept: str | None, max_rows: int,
                   timeout: float) -> Answer:
    """`answer` in a child (kg.guard.child_messages: forked, it shares the loaded
    store), killed after `timeout` seconds: a runaway query is really stopped, and the
    server goes on."""
    messages = child_messages(partial(_answer_work, store, text, accept, max_rows), timeout)
    try:
        kind, payload = next(messages)
    except StopIteration:
        raise ProtocolError(500, "the query process ended without an answer") from None
    except ChildTimeout:
        raise ProtocolError(503, f"the query ran longer than {timeout:g} s and was stopped; "
                                 "narrow it (LIMIT, a more specific pattern)") from None
    except ChildDied as e:
        raise ProtocolError(500, f"the query process ended ({e})") from None
    finally:
        messages.close()
    if kind == "err":
        raise ProtocolError(*payload)
    assert isinstance(payload, Answer)
    return payload


# ---------------------------------------------------------------------------
# the explorer's index and look-ups


def fold(s: str) -> str:
    """Search key: NFKC (full-width -> ASCII), case-folded, spaces removed."""
    return "".join(unicodedata.normalize("NFKC", s).casefold().split())


@dataclass
class Entity:
    iri: str
    label: str
    kind: str
    keys: str  # folded label and aliases, joined by \x00
    weight: int  # mentions: ranks namesakes


_ENTITIES = """
SELECT ?e ?t ?label (GROUP_CONCAT(DISTINCT ?alt; SEPARATOR="\\u0000") AS ?alts)
       (MAX(?c) AS ?n)
WHERE {
  VALUES ?t { foaf:Person org:Organization schema:Place kgo:Program }
  ?e a ?t ; rdfs:label ?label .
  OPTIONAL { ?e skos:altLabel ?alt }
  OPTIONAL { ?e kgo:mentionCount ?c }
}
GROUP BY ?e ?t ?label
"""


class Explorer:
    """The graph behind `kg serve`: a pyoxigraph store, and an index of every entity
    (label, aliases, kind) for search."""

    def __init__(self, store: ox.Store) -> None:
        self.store = store
        self.entities: list[Entity] = []
        self.by_iri: dict[str, Entity] = {}
        for e, t, label, alts, n in self._select(_ENTITIES):
            if e.value in self.by_iri:
                continue
            names = [label.value, *(alts.value.split("\x00") if alts and alts.value else [])]
            ent = Entity(e.value, label.value, KINDS[t.value],
                         "\x00".join(fold(x) for x in names),
                         int(n.value) if n is not None else 0)
            self.entities.append(ent)
            self.by_iri[ent.iri] = ent
        self.entities.sort(key=lambda x: (-x.weight, x.label, x.iri))

    def _select(self, text: str) -> Iterator[Any]:
        res: Any = self.store.query(_HEADER + text)
        yield from res

    def kind(self, iri: str) -> str | None:
        ent = self.by_iri.get(iri)
        return ent.kind if ent else None

    def search(self, q: str, kinds: set[str] | None = None,
               limit: int = SEARCH_LIMIT) -> list[dict[str, Any]]:
        """Entities whose label or alias contains `q` (exact names first, then names
        starting with it, then the rest; more mentioned first), with their context."""
        key = fold(q)
        if not key:
            return []
        ranked: list[tuple[int, int, Entity]] = []
        for i, ent in enumerate(self.entities):
            if kinds and ent.kind not in kinds:
                continue
            pos = ent.keys.find(key)
            if pos < 0:
                continue
            names = ent.keys.split("\x00")
            rank = 0 if key in names else 1 if any(n.startswith(key) for n in names) else 2
            ranked.append((rank, i, ent))
        ranked.sort(key=lambda r: (r[0], r[1]))
        hits = [r[2] for r in ranked[:limit]]
        ctx = self.contexts([h.iri for h in hits])
        return [{"iri": h.iri, "label": h.label, "kind": h.kind, **ctx.get(h.iri, {})}
                for h in hits] + ([{"more": len(ranked) - limit}] if len(ranked) > limit else [])

    def _objects(self, s: Any, p: str) -> list[Any]:
        return [q.object for q in self.store.quads_for_pattern(s, ox.NamedNode(p), None, None)]

    def _label(self, node: Any) -> str | None:
        found = self._objects(node, _LABEL)
        return found[0].value if found else None

    def contexts(self, iris: list[str]) -> dict[str, dict[str, str]]:
        """For each entity: its city and its main post (a person's latest or first post,
        an organization's parent, a place's enclosing place, a programme's runner).
        Index look-ups only (a query joining every membership is slow on a big store)."""
        out: dict[str, dict[str, str]] = {}
        for i in iris:
            node = ox.NamedNode(i)
            posts: list[tuple[str, int, str]] = []
            city = None
            for q in self.store.quads_for_pattern(None, ox.NamedNode(_ORG + "member"), node,
                                                  None):
                m = q.subject
                roles = [self._label(r) for r in self._objects(m, _ORG + "role")]
                orgs = self._objects(m, _ORG + "organization")
                org = self._label(orgs[0]) if orgs else None
                last = self._objects(m, _KO + "lastSeen")
                post = (org or "") + (roles[0] or "" if roles else "")
                posts.append((last[0].value if last else "", -len(post), post))
                if city is None and orgs:
                    city = self._place(orgs[0])
            for rel in ("subOrganizationOf", ):
                for o in self._objects(node, _ORG + rel):
                    posts.append(("", 0, self._label(o) or ""))
            for o in self._objects(node, _KO + "runBy"):
                posts.append(("", 0, self._label(o) or ""))
            city = city or self._place(node)
            d: dict[str, str] = {}
            c = city or _iri_city(i)
            if c:
                d["city"] = c
            if posts:
                d["post"] = max(posts)[2]
            out[i] = d
        return out

    def _place(self, node: Any) -> str | None:
        for p in (_SDO + "location", _ORG + "hasSite", _SDO + "containedInPlace"):
            for o in self._objects(node, p):
                label = self._label(o)
                if label:
                    return label
        return None

    def entity(self, iri: str) -> dict[str, Any] | None:
        """An entity's facts, posts (with evidence, source and dates), members and
        neighbours (entities one relation or one post away)."""
        node = ox.NamedNode(iri)
        ent = self.by_iri.get(iri)
        facts: list[dict[str, str]] = []
        types: list[str] = []
        label = ent.label if ent else ""
        for q in self.store.quads_for_pattern(node, None, None, None):
            p, o = q.predicate.value, q.object
            if p == _RDF_TYPE and isinstance(o, ox.NamedNode):
                types.append(_short(o.value))
            elif isinstance(o, ox.Literal):
                if p.endswith("#label") and not label:
                    label = o.value
                facts.append({"p": _short(p), "v": o.value})
            elif isinstance(o, ox.NamedNode) and p.endswith("wasDerivedFrom"):
                facts.append({"p": _short(p), "v": self._article_label(o.value),
                              "iri": o.value})
        if not types and not facts:
            return None
        posts = self._posts(iri, "member")
        members = self._posts(iri, "organization")
        neighbours = self._neighbours(iri)
        return {"iri": iri, "label": label or _short(iri), "kind": ent.kind if ent else
                (self._kind_of(iri) or "other"), "types": sorted(set(types)),
                "facts": sorted(facts, key=lambda f: (f["p"], f["v"])), "posts": posts,
                "members": members, "neighbours": neighbours,
                **self.contexts([iri]).get(iri, {})}

    def _kind_of(self, iri: str) -> str | None:
        for q in self.store.quads_for_pattern(ox.NamedNode(iri),
                                              ox.NamedNode(_RDF_TYPE), None, None):
            k = KINDS.get(str(getattr(q.object, "value", "")))
            if k:
                return k
        return None

    def _article_label(self, iri: str) -> str:
        text = f"""SELECT ?t ?d ?f WHERE {{ OPTIONAL {{ <{iri}> schema:headline|schema:name ?t }}
  OPTIONAL {{ <{iri}> schema:datePublished ?d }} OPTIONAL {{ <{iri}> kgo:sourceFile ?f }} }}
  LIMIT 1"""
        for t, d, f in self._select(text):
            parts = [x.value for x in (t, f, d) if x is not None]
            return " · ".join(parts) or _short(iri)
        return _short(iri)

    def _posts(self, iri: str, side: str) -> list[dict[str, Any]]:
        other = "organization" if side == "member" else "member"
        text = f"""
SELECT ?m ?role ?o ?olabel ?ev ?src ?file ?first ?last ?pub WHERE {{
  ?m org:{side} <{iri}> ; org:role/rdfs:label ?role .
  OPTIONAL {{ ?m org:{other} ?o . OPTIONAL {{ ?o rdfs:label ?olabel }} }}
  OPTIONAL {{ ?m kgo:evidence ?ev }}
  OPTIONAL {{ ?m kgo:evidenceSource|prov:wasDerivedFrom ?src .
             OPTIONAL {{ ?src kgo:sourceFile ?file }}
             OPTIONAL {{ ?src schema:datePublished ?pub }} }}
  OPTIONAL {{ ?m kgo:firstSeen ?first }}
  OPTIONAL {{ ?m kgo:lastSeen ?last }}
}} LIMIT {NEIGHBOURS_LIMIT * 4}"""
        out: dict[str, dict[str, Any]] = {}
        for m, role, o, olabel, ev, src, file, first, last, pub in self._select(text):
            d = out.setdefault(m.value, {"role": role.value, "sources": [], "evidence": []})
            if o is not None:
                d["other"] = o.value
                d["label"] = olabel.value if olabel is not None else _short(o.value)
                d["kind"] = self.kind(o.value) or ""
            if ev is not None and ev.value not in d["evidence"]:
                d["evidence"].append(ev.value)
            if src is not None and src.value not in [s["iri"] for s in d["sources"]]:
                d["sources"].append({"iri": src.value,
                                     "file": file.value if file is not None else "",
                                     "date": pub.value if pub is not None else ""})
            if first is not None:
                d["first"] = first.value
            if last is not None:
                d["last"] = last.value
        return sorted(out.values(), key=lambda d: (d.get("first", ""), d.get("label", ""),
                                                   d["role"]))[:NEIGHBOURS_LIMIT]

    def _neighbours(self, iri: str) -> list[dict[str, str]]:
        node = ox.NamedNode(iri)
        seen: dict[tuple[str, str, str], None] = {}
        for q in self.store.quads_for_pattern(node, None, None, None):
            if isinstance(q.object, ox.NamedNode) and q.object.value in self.by_iri:
                seen[(q.object.value, _short(q.predicate.value), "out")] = None
        for q in self.store.quads_for_pattern(None, None, node, None):
            if isinstance(q.subject, ox.NamedNode) and q.subject.value in self.by_iri:
                seen[(q.subject.value, _short(q.predicate.value), "in")] = None
            if len(seen) > NEIGHBOURS_LIMIT:
                break
        for side in ("member", "organization"):
            for d in self._posts(iri, side):
                if "other" in d and d["other"] in self.by_iri:
                    seen[(d["other"], d["role"], "out" if side == "member" else "in")] = None
        out = []
        for n, rel, direction in list(seen)[:NEIGHBOURS_LIMIT]:
            ent = self.by_iri[n]
            out.append({"iri": n, "label": ent.label, "kind": ent.kind, "rel": rel,
                        "dir": direction})
        return out


def _short(iri: str) -> str:
    from kg.query import compact

    return compact(iri)


def _iri_city(iri: str) -> str:
    """The city segment of a person's or organization's IRI (…/person/CITY/NAME), when
    it is a name rather than a digest."""
    from urllib.parse import unquote

    parts = unquote(iri).split("/")
    if len(parts) >= 3 and parts[-3] in ("person", "org"):
        seg = parts[-2]
        if not all(c in "0123456789abcdef" for c in seg):
            return seg
    return ""


# ---------------------------------------------------------------------------
# the web app


@cache
def static_file(name: str) -> bytes:
    """A file of the explorer (kg/serve_static/NAME), or vis-network from pyvis."""
    if name in ("vis-network.min.js", "vis-network.css"):
        lib = resources.files("pyvis") / "templates" / "lib" / "vis-9.1.2"
        return lib.joinpath(name).read_bytes()
    return resources.files("kg").joinpath("serve_static").joinpath(name).read_bytes()


_STATIC_TYPES = {".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8",
                 ".html": "text/html; charset=utf-8"}
_STATIC = ("explorer.js", "explorer.css", "vis-network.min.js", "vis-network.css")


def make_app(explorer: Explorer, timeout: float = DEFAULT_TIMEOUT,
             max_rows: int = DEFAULT_MAX_ROWS) -> Starlette:
    """The starlette app of `kg serve` over `explorer`'s store."""

    async def sparql(request: Request) -> Response:
        try:
            text = await _query_text(request)
            if text is None:
                return PlainTextResponse(
                    "no query: send ?query=... (GET) or a query form or "
                    "application/sparql-query body (POST)\n", status_code=400)
            ans = await run_in_threadpool(guarded_answer, explorer.store, text,
                                          request.headers.get("accept"), max_rows, timeout)
        except ProtocolError as e:
            return PlainTextResponse(str(e) + "\n", status_code=e.status)
        headers = {"X-KG-Truncated": "true"} if ans.truncated else {}
        return Response(ans.body, media_type=ans.media, headers=headers)

    async def index(request: Request) -> Response:
        return HTMLResponse(static_file("explorer.html"))

    async def static(request: Request) -> Response:
        name = request.path_params["name"]
        if name not in _STATIC:
            return PlainTextResponse("not found\n", status_code=404)
        return Response(static_file(name), media_type=_STATIC_TYPES["." + name.rsplit(".")[-1]])

    async def search(request: Request) -> Response:
        q = request.query_params.get("q", "")
        kinds = {k for k in request.query_params.get("types", "").split(",") if k} or None
        return JSONResponse(await run_in_threadpool(explorer.search, q, kinds))

    async def entity(request: Request) -> Response:
        iri = request.query_params.get("iri", "")
        found = await run_in_threadpool(explorer.entity, iri) if iri else None
        if found is None:
            return JSONResponse({"error": f"no entity {iri}"}, status_code=404)
        return JSONResponse(found)

    routes = [Route("/", index), Route("/sparql", sparql, methods=["GET", "POST"]),
              Route("/static/{name}", static), Route("/api/search", search),
              Route("/api/entity", entity)]
    # a page elsewhere (YASGUI) may query the endpoint; it is read-only
    cors = Middleware(CORSMiddleware, allow_origins=["*"], allow_methods=["GET", "POST"],
                      allow_headers=["*"], expose_headers=["X-KG-Truncated"])
    return Starlette(routes=routes, middleware=[cors])


async def _query_text(request: Request) -> str | None:
    """The query of a SPARQL 1.1 Protocol request; ProtocolError for an update."""
    if request.method == "GET":
        if "update" in request.query_params:
            raise ProtocolError(403, "this endpoint is read-only: updates are refused")
        return request.query_params.get("query")
    ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if ctype == "application/sparql-update":
        raise ProtocolError(403, "this endpoint is read-only: updates are refused")
    if ctype == "application/sparql-query":
        return (await request.body()).decode("utf-8", "replace")
    if ctype == "application/x-www-form-urlencoded":
        from urllib.parse import parse_qs

        form = parse_qs((await request.body()).decode("utf-8", "replace"))
        if "update" in form:
            raise ProtocolError(403, "this endpoint is read-only: updates are refused")
        return form["query"][0] if "query" in form else None
    raise ProtocolError(415, "POST a form (query=...) or an application/sparql-query body")


def open_explorer(graph: str) -> Explorer:
    """The explorer over a graph file (read into memory) or `oxigraph:DIR`."""
    g = load(graph)
    store = getattr(g.store, "oxigraph", None)
    if store is None:
        raise QueryError(f"{graph}: this format is not read by oxigraph; export it as Turtle")
    return Explorer(store)


def serve(graph: str, host: str = "127.0.0.1", port: int = 8000,
          timeout: float = DEFAULT_TIMEOUT, max_rows: int = DEFAULT_MAX_ROWS) -> None:
    """Load `graph` and serve it until interrupted."""
    import uvicorn

    app = make_app(open_explorer(graph), timeout, max_rows)
    uvicorn.run(app, host=host, port=port, log_level="info")
