"""`kg serve`: a read-only SPARQL 1.1 Protocol endpoint and an explorer over one graph.

- `/sparql`: GET `?query=`, POST as a form or as `application/sparql-query`; answers as
  SPARQL results JSON, XML, CSV or TSV (graphs as Turtle, N-Triples, RDF/XML or
  JSON-LD) by the Accept header. Updates are refused (403). Each query runs in a child
  process forked from the server (it shares the loaded graph) and is killed when it
  runs longer than the time limit; at most `max_rows` rows are returned (the response
  then carries `X-KG-Truncated: true`).
- `/`: the explorer (kg/serve_static/): search every entity, open one to see its
  facts, posts and neighbours, expand any neighbour in turn, filter by type. Its
  look-ups (`/api/search`, `/api/entity`, `/api/part` for the next page of a long
  list) never go through `/sparql` and its child process: they are answered in the
  server process from what `Explorer` works out at start-up (a label index, every
  entity's posts, members and neighbours in order) and from index look-ups of the
  store, a page at a time, so their cost does not grow with the graph or with how
  connected an entity is.

Answers of `/sparql` are written by kg.results, as `kg query` writes its own.
"""

from __future__ import annotations

import unicodedata
from bisect import bisect_right
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import cache, partial
from importlib import resources
from typing import Any

import pyoxigraph as ox
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from kg import results
from kg.guard import ChildDied, ChildTimeout, child_messages
from kg.query import load
from kg.sparql import PREFIXES, QueryError, compact

DEFAULT_TIMEOUT = 30.0  # seconds per /sparql query
DEFAULT_MAX_ROWS = 10_000
SEARCH_LIMIT = 30  # hits a search shows
COUNT_CAP = 1000  # matches a search counts beyond those it shows
PARTS = {"sources": 20, "posts": 50, "members": 50, "neighbours": 100}  # page sizes
FACTS_LIMIT = 200
SOURCES_PER_POST = 10

_RDF_TYPE = PREFIXES["rdf"] + "type"
_LABEL = PREFIXES["rdfs"] + "label"
_SKOS_ALT = PREFIXES["skos"] + "altLabel"
_ORG = PREFIXES["org"]
KINDS = {  # class IRI -> kind shown by the explorer
    PREFIXES["foaf"] + "Person": "person",
    _ORG + "Organization": "organization",
    PREFIXES["schema"] + "Place": "place",
    PREFIXES["kgo"] + "Program": "programme",
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
# content negotiation and answers


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
            return Answer(results.boolean(bool(res), fmt).encode(), _MEDIA[fmt])
        if isinstance(res, ox.QuerySolutions):
            mt = negotiate(accept, list(_SELECT_TYPES))
            if mt is None:
                raise ProtocolError(406, "SELECT answers as SPARQL results JSON, XML, CSV, TSV")
            fmt = _SELECT_TYPES[mt]
            names = [v.value for v in res.variables]
            found = list(islice(res, max_rows + 1))
            cut = len(found) > max_rows
            body = "".join(results.iter_select(names, found[:max_rows], fmt))
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
    """What search shows of an entity, worked out once at start-up."""

    iri: str
    label: str
    kind: str
    names: tuple[str, ...]  # folded label and aliases
    weight: int  # mentions: ranks namesakes
    city: str = ""
    post: str = ""

    def hit(self) -> dict[str, str]:
        d = {"iri": self.iri, "label": self.label, "kind": self.kind}
        if self.city:
            d["city"] = self.city
        if self.post:
            d["post"] = self.post
        return d


class LabelIndex:
    """Substring search over the names of entities, ranked: a name equal to the query,
    then a name starting with it, then a name containing it; within each, the order
    the entities were given in (most mentioned first).

    Each entity is one line of one string (`\\x00name\\x00alias\\x00\\n`), so each tier is
    a run of `str.find` (C speed) from the top: `\\x00q\\x00`, `\\x00q`, `q`. A look-up
    stops once it has a page of hits, and counts the rest up to `count_cap`."""

    def __init__(self, entities: list[Entity]) -> None:
        self.entities = entities
        lines = ["\x00" + "\x00".join(e.names) + "\x00\n" for e in entities]
        self.starts: list[int] = []
        at = 0
        for line in lines:
            self.starts.append(at)
            at += len(line)
        self.starts.append(at)
        self.text = "".join(lines)

    def _line(self, at: int) -> int:
        return bisect_right(self.starts, at) - 1

    def search(self, key: str, limit: int, count_cap: int) -> tuple[list[int], int, bool]:
        """(up to `limit` positions of matching entities, best first; how many match,
        counted up to `count_cap`; whether that count is exact)."""
        if not key or "\x00" in key or "\n" in key:
            return [], 0, True
        found: dict[int, None] = {}
        text = self.text
        for needle in ("\x00" + key + "\x00", "\x00" + key, key):
            at = 0
            while len(found) < limit:
                at = text.find(needle, at)
                if at < 0:
                    break
                line = self._line(at)
                found.setdefault(line)
                at = self.starts[line + 1]
            if len(found) >= limit:
                break
        if len(found) < limit:  # every match is among them
            return list(found), len(found), True
        total, at = 0, 0
        while total < count_cap:
            at = text.find(key, at)
            if at < 0:
                return list(found), total, True
            total += 1
            at = text.find("\n", at) + 1
        return list(found), total, text.find(key, at) < 0


@dataclass(frozen=True, slots=True)
class Post:
    """A membership as the explorer lists it: its IRI, person, organization (or ""),
    role label and first and last dates ("" when unknown)."""

    iri: str
    member: str
    org: str
    role: str
    first: str
    last: str


_SDO = PREFIXES["schema"]
_KO = PREFIXES["kgo"]
_PROV = PREFIXES["prov"]
# links between entities that make them neighbours (besides posts), as kg stats counts
_LINKS = (_ORG + "subOrganizationOf", _SDO + "containedInPlace", _SDO + "location",
          _ORG + "hasSite", _KO + "runBy")
_PLACE_LINKS = (_SDO + "location", _ORG + "hasSite", _SDO + "containedInPlace")


class Explorer:
    """The graph behind `kg serve`: a pyoxigraph store, and what the explorer needs to
    answer any look-up in time independent of the graph's size, worked out once at
    start-up by reading a few predicates through the store's indexes: every entity
    (label, aliases, kind, city and main post) in a label index for search, every
    entity's posts, members and neighbours in display order for paging. Details of what
    a page shows (evidence, sources, facts) are read from the store's indexes per page."""

    def __init__(self, store: ox.Store) -> None:
        self.store = store
        kinds: dict[str, str] = {}  # entity IRI -> kind
        for cls, kind in reversed(KINDS.items()):  # the first class listed wins
            if kind != "article":
                kinds.update(dict.fromkeys(self._subjects(_RDF_TYPE, cls), kind))
        self.labels: dict[str, str] = {}  # IRI -> its least label
        for s, o in self._pairs(_LABEL):
            if s not in self.labels or o.value < self.labels[s]:
                self.labels[s] = o.value
        self.posts_of: dict[str, list[Post]] = {}  # person -> posts in time order
        self.members_of: dict[str, list[Post]] = {}  # organization -> posts in time order
        self._read_posts()
        self.links: dict[str, list[tuple[str, str, str]]] = {}  # entity -> (other, rel, dir)
        for pred in _LINKS:
            rel = compact(pred)
            for s, o in self._pairs(pred):
                if s in kinds and o.value in kinds:
                    self.links.setdefault(s, []).append((o.value, rel, "out"))
                    self.links.setdefault(o.value, []).append((s, rel, "in"))
        # every predicate of the graph but the sources (`_facts` looks each one up)
        self.predicates = sorted(
            p.value for [p] in self._select("SELECT DISTINCT ?p WHERE { ?s ?p ?o }")
            if type(p) is ox.NamedNode and p.value != _PROV + "wasDerivedFrom")
        self.entities = self._entities(kinds)  # most mentioned first
        self.by_iri = {e.iri: e for e in self.entities}
        self._rank = {e.iri: i for i, e in enumerate(self.entities)}
        self.index: dict[str | None, LabelIndex] = {None: LabelIndex(self.entities)}
        for kind in set(kinds.values()):
            self.index[kind] = LabelIndex([e for e in self.entities if e.kind == kind])

    def _read_posts(self) -> None:
        """Every membership, listed under its person and its organization."""
        labels = self.labels
        member = {m: o.value for m, o in self._pairs(_ORG + "member") if type(o) is ox.NamedNode}
        org = {m: o.value for m, o in self._pairs(_ORG + "organization")
               if type(o) is ox.NamedNode}
        role = {m: labels.get(o.value, _tail(o.value)) for m, o in self._pairs(_ORG + "role")}
        first = {m: o.value for m, o in self._pairs(_KO + "firstSeen")}
        last = {m: o.value for m, o in self._pairs(_KO + "lastSeen")}
        for m, p in member.items():
            post = Post(m, p, org.get(m, ""), role.get(m, ""), first.get(m, ""),
                        last.get(m, ""))
            self.posts_of.setdefault(post.member, []).append(post)
            if post.org:
                self.members_of.setdefault(post.org, []).append(post)
        for side, lists in (("org", self.posts_of), ("member", self.members_of)):
            for found in lists.values():
                found.sort(key=lambda p, side=side: (  # type: ignore[misc]
                    p.first, labels.get(getattr(p, side), ""), p.role, p.iri))

    def _entities(self, kinds: dict[str, str]) -> list[Entity]:
        """Every entity with its names, weight, city and main post, most mentioned
        first."""
        alts: dict[str, list[str]] = {}
        for s, o in self._pairs(_SKOS_ALT):
            if s in kinds:
                alts.setdefault(s, []).append(o.value)
        weights = {s: _int(o.value) for s, o in self._pairs(_KO + "mentionCount")}
        place: dict[str, str] = {}  # IRI -> label of its place
        for pred in reversed(_PLACE_LINKS):  # the first listed wins
            found: dict[str, str] = {}
            for s, o in self._pairs(pred):
                name = self.labels.get(o.value)
                if name and (s not in found or name < found[s]):
                    found[s] = name
            place.update(found)
        out = []
        for iri, kind in kinds.items():
            label = self.labels.get(iri, _tail(iri))
            names = tuple(dict.fromkeys(fold(x) for x in [label, *sorted(alts.get(iri, []))]
                                        if fold(x)))
            ent = Entity(iri, label, kind, names, weights.get(iri, 0))
            ent.city, ent.post = self._context(iri, place)
            out.append(ent)
        return sorted(out, key=lambda e: (-e.weight, e.label, e.iri))

    # reading the store ---------------------------------------------------------
    def _pairs(self, pred: str) -> Iterator[tuple[str, Any]]:
        """(subject IRI, object) of every triple of the default graph with `pred`."""
        for q in self.store.quads_for_pattern(None, ox.NamedNode(pred), None,
                                              ox.DefaultGraph()):
            if type(q.subject) is ox.NamedNode:
                yield q.subject.value, q.object

    def _subjects(self, pred: str, obj: str) -> Iterator[str]:
        for q in self.store.quads_for_pattern(None, ox.NamedNode(pred), ox.NamedNode(obj),
                                              ox.DefaultGraph()):
            if type(q.subject) is ox.NamedNode:
                yield q.subject.value

    def _select(self, text: str) -> Iterable[Any]:
        found = self.store.query(text)
        assert isinstance(found, ox.QuerySolutions)
        return found

    def _objects(self, s: str, p: str) -> list[Any]:
        return [q.object for q in self.store.quads_for_pattern(
            ox.NamedNode(s), ox.NamedNode(p), None, ox.DefaultGraph())]

    def _value(self, s: str, p: str) -> str:
        found = sorted(o.value for o in self._objects(s, p))
        return found[0] if found else ""

    def _context(self, iri: str, place: dict[str, str]) -> tuple[str, str]:
        """An entity's city and main post: a person's latest (else longest) post and
        the place of its organization; an organization's parent, a programme's runner;
        an organization's or place's own place."""
        labels = self.labels
        mains: list[tuple[str, int, str, str]] = []
        for p in self.posts_of.get(iri, []):
            text = labels.get(p.org, "") + p.role
            mains.append((p.last, -len(text), text, p.org))
        for n, rel, direction in self.links.get(iri, []):
            if direction == "out" and rel in ("org:subOrganizationOf", "kgo:runBy"):
                mains.append(("", 0, labels.get(n, ""), ""))
        main = max(mains) if mains else ("", 0, "", "")
        city = place.get(main[3], "")
        for p in self.posts_of.get(iri, []):
            city = city or place.get(p.org, "")
        return city or place.get(iri, "") or _iri_city(iri), main[2]

    # look-ups --------------------------------------------------------------------
    @staticmethod
    def node(iri: str) -> ox.NamedNode | None:
        """`iri` as a term, None when it is not an IRI one can look up."""
        if not iri or any(c in iri for c in '<>"{}|^`\\ \n\r\t'):
            return None
        try:
            return ox.NamedNode(iri)
        except ValueError:
            return None

    def kind(self, iri: str) -> str | None:
        ent = self.by_iri.get(iri)
        return ent.kind if ent else None

    def search(self, q: str, kinds: set[str] | None = None,
               limit: int = SEARCH_LIMIT) -> list[dict[str, Any]]:
        """Entities whose label or alias contains `q` (exact names first, then names
        starting with it, then the rest; more mentioned first), each with its city and
        main post, then `{"more": N}` when more match (`"exact": false`: at least N)."""
        key = fold(q)
        chosen: list[str | None] = [k for k in self.index
                                    if k is not None and (not kinds or k in kinds)]
        if not key or not chosen:
            return []
        if len(chosen) == len(self.index) - 1:
            chosen = [None]  # every kind: one index
        hits: list[tuple[int, int, Entity]] = []
        total, exact = 0, True
        for k in chosen:
            index = self.index[k]
            found, n, ok = index.search(key, limit, COUNT_CAP)
            hits += [(_tier(index.entities[i], key), self._rank[index.entities[i].iri],
                      index.entities[i]) for i in found]
            total, exact = total + n, exact and ok
        hits.sort(key=lambda h: (h[0], h[1]))
        out: list[dict[str, Any]] = [h[2].hit() for h in hits[:limit]]
        if total > len(out):
            out.append({"more": total - len(out), "exact": exact})
        return out

    def entity(self, iri: str) -> dict[str, Any] | None:
        """An entity's facts, and the first page of its sources, posts, members and
        neighbours, each with its total (`part` pages through the rest)."""
        if self.node(iri) is None:
            return None
        ent = self.by_iri.get(iri)
        types = sorted({compact(o.value) for o in self._objects(iri, _RDF_TYPE)
                        if type(o) is ox.NamedNode})
        facts = self._facts(iri)
        if ent is None and not types and not facts:
            return None
        out: dict[str, Any] = {
            "iri": iri, "label": ent.label if ent else self.labels.get(iri, compact(iri)),
            "kind": ent.kind if ent else "other", "types": types, "facts": facts}
        if ent is not None:
            if ent.city:
                out["city"] = ent.city
            if ent.post:
                out["post"] = ent.post
        for part in PARTS:
            out[part] = self.part(iri, part)
        return out

    def part(self, iri: str, part: str, offset: int = 0,
             limit: int | None = None) -> dict[str, Any]:
        """One page of an entity's sources, posts, members or neighbours:
        `{"items": [...], "total": N, "offset": offset}`."""
        limit = PARTS[part] if limit is None else limit
        offset = max(0, offset)
        if part == "sources":
            total, items = self._sources(iri, offset, limit)
        elif part == "neighbours":
            found = self._neighbours(iri)
            total = len(found)
            items = [{"iri": n, "label": self.by_iri[n].label, "kind": self.by_iri[n].kind,
                      "rel": rel, "dir": direction}
                     for n, rel, direction in found[offset:offset + limit]]
        else:
            lists = self.posts_of if part == "posts" else self.members_of
            posts = lists.get(iri, [])
            side = "org" if part == "posts" else "member"
            total = len(posts)
            items = [self._post(p, side) for p in posts[offset:offset + limit]]
        return {"items": items, "total": total, "offset": offset}

    def _facts(self, iri: str) -> list[dict[str, str]]:
        """The entity's literal values, looked up predicate by predicate (its sources,
        thousands for a busy organization, are listed apart and never read here)."""
        found = []
        for pred in self.predicates:
            for o in self._objects(iri, pred):
                if type(o) is ox.Literal:
                    found.append({"p": compact(pred), "v": o.value})
        return sorted(found, key=lambda f: (f["p"], f["v"]))[:FACTS_LIMIT]

    def _sources(self, iri: str, offset: int, limit: int) -> tuple[int, list[dict[str, str]]]:
        """The articles an entity was read from (prov:wasDerivedFrom): how many, and a
        page of them in the store's index order (sorting thousands of them would cost
        oxigraph more than the whole page), by IRI within the page."""
        node, pred = f"<{iri}>", f"<{_PROV}wasDerivedFrom>"  # `iri` checked by `node`
        [[n]] = self._select(f"SELECT (COUNT(*) AS ?n) WHERE {{ {node} {pred} ?a }}")
        page = sorted(a.value for [a] in self._select(
            f"SELECT ?a WHERE {{ {node} {pred} ?a }} LIMIT {limit} OFFSET {offset}"))
        return int(n.value), [self._article(a) for a in page]

    def _article(self, iri: str) -> dict[str, str]:
        return {"iri": iri, "title": self._value(iri, _SDO + "headline")
                or self._value(iri, _SDO + "name"),
                "file": self._value(iri, _KO + "sourceFile"),
                "date": self._value(iri, _SDO + "datePublished")}

    def _post(self, p: Post, side: str) -> dict[str, Any]:
        """A post as a list shows it: the role, the entity on the other side, the
        evidence sentences, the articles that attest it, the dates."""
        d: dict[str, Any] = {"role": p.role}
        other = getattr(p, side)
        if other:
            d["other"] = other
            d["label"] = self.labels.get(other, compact(other))
            d["kind"] = self.kind(other) or ""
        d["evidence"] = sorted({o.value for o in self._objects(p.iri, _KO + "evidence")})
        sources = {o.value for pred in (_KO + "evidenceSource", _PROV + "wasDerivedFrom")
                   for o in self._objects(p.iri, pred) if type(o) is ox.NamedNode}
        d["sources"] = [self._article(a) for a in sorted(sources)[:SOURCES_PER_POST]]
        if p.first:
            d["first"] = p.first
        if p.last:
            d["last"] = p.last
        return d

    def _neighbours(self, iri: str) -> list[tuple[str, str, str]]:
        """Entities one link or one post away, as (IRI, relation, direction): links
        first, then posts in their order."""
        seen: dict[tuple[str, str, str], None] = dict.fromkeys(self.links.get(iri, []))
        for p in self.posts_of.get(iri, []):
            if p.org in self.by_iri:
                seen[(p.org, p.role, "out")] = None
        for p in self.members_of.get(iri, []):
            if p.member in self.by_iri:
                seen[(p.member, p.role, "in")] = None
        return list(seen)


def _tier(ent: Entity, key: str) -> int:
    return 0 if key in ent.names else 1 if any(n.startswith(key) for n in ent.names) else 2


def _int(value: str) -> int:
    try:
        return int(value)
    except ValueError:
        return 0


def _tail(iri: str) -> str:
    from urllib.parse import unquote

    return unquote(iri.rstrip("/").rsplit("/", 1)[-1].rsplit("#", 1)[-1])


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

    async def part(request: Request) -> Response:
        params = request.query_params
        iri, what = params.get("iri", ""), params.get("part", "")
        try:
            offset = int(params.get("offset", "0"))
        except ValueError:
            offset = -1
        if what not in PARTS or offset < 0 or explorer.node(iri) is None:
            return JSONResponse({"error": "expected iri, part (one of "
                                 f"{', '.join(PARTS)}) and offset >= 0"}, status_code=400)
        return JSONResponse(await run_in_threadpool(explorer.part, iri, what, offset))

    routes = [Route("/", index), Route("/sparql", sparql, methods=["GET", "POST"]),
              Route("/static/{name}", static), Route("/api/search", search),
              Route("/api/entity", entity), Route("/api/part", part)]
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
