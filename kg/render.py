"""Graph -> entity network -> one self-contained, explorable HTML page.

The network is a small multigraph of our own (`Network`; `to_networkx` gives it as a
networkx graph). The page is kg/viz/static's template, filled by kg.viz with the network
as JSON data: every entity, tie, post and article, so that the page's search finds any
entity of the graph. It draws first a legible overview, the `max_nodes` most connected
entities and the ties between them, laid out here deterministically in pure Python (numpy
is not a dependency) and settled by a bounded physics pass in the browser; it lists
unconnected entities beside the drawing, and draws an entity's neighbourhood when it is
opened. vis-network is inlined from the copy pyvis ships, nothing is loaded from the
network, and a Content-Security-Policy forbids any remote request. The same graph gives
byte-identical HTML.
"""

from __future__ import annotations

import json
import math
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any, Union

from kg import vocab
from kg.engine import gc_paused
from kg.viz import fill_page

if TYPE_CHECKING:
    import networkx as nx
    from rdflib import Graph

    from kg.resolve import Resolved


@dataclass(frozen=True)
class Kind:
    """A node type: how it is named, coloured and drawn."""

    key: str
    zh: str
    en: str
    colour: str
    shape: str  # a vis-network shape that draws its label below the node


@dataclass(frozen=True)
class EdgeKind:
    """A relation type drawn as an edge."""

    key: str
    zh: str
    en: str
    colour: str
    dashes: bool


KINDS: tuple[Kind, ...] = (
    Kind("person", "人物", "person", "#e15759", "dot"),
    Kind("org", "机构", "organization", "#4e79a7", "square"),
    Kind("place", "地点", "place", "#59a14f", "triangle"),
    Kind("program", "项目", "programme", "#f28e2b", "diamond"),
    Kind("article", "文章", "article", "#9c755f", "star"),
)
KIND = {k.key: k for k in KINDS}
COLOURS = {k.key: k.colour for k in KINDS}

EDGE_KINDS: tuple[EdgeKind, ...] = (
    EdgeKind("member", "任职", "holds a position in (label: role)", "#d9777a", False),
    EdgeKind("sub", "隶属", "part of", "#7f9fc4", False),
    EdgeKind("within", "位于", "lies in", "#86bd7e", False),
    EdgeKind("site", "所在地", "located at", "#9aa39a", True),
    EdgeKind("runby", "实施", "run by", "#f2ad6b", True),
    EdgeKind("mentions", "提及", "mentions", "#c4b2a5", True),
)
EDGE_KIND = {e.key: e for e in EDGE_KINDS}

DEFAULT_TYPES: tuple[str, ...] = ("person", "org", "place", "program")
DEFAULT_MAX_NODES = 250  # entities a page draws first

_TYPE_NAMES = {
    "person": "person", "persons": "person", "people": "person", "人物": "person",
    "org": "org", "orgs": "org", "organization": "org", "organizations": "org",
    "organisation": "org", "organisations": "org", "机构": "org",
    "place": "place", "places": "place", "地点": "place",
    "program": "program", "programs": "program", "programme": "program",
    "programmes": "program", "项目": "program",
    "article": "article", "articles": "article", "文章": "article",
}

# place class (local name in kgo:) -> level shown
_PLACE_LEVELS = {
    "Province": "省 province", "City": "市 city", "County": "县区 county",
    "Zone": "园区 zone", "Town": "乡镇街道 town", "Village": "村 village",
    "Community": "社区 community", "Neighbourhood": "小区 neighbourhood",
    "Venue": "场所 venue", "Road": "道路 road", "Region": "区域 region",
    "Waterbody": "水体 waterbody",
    "Country": "国家 country",
}
_KGO, _ORG, _SDO = vocab.ONTOLOGY_IRI, vocab.ORG, vocab.SDO

# entity-to-entity relations other than memberships: predicate -> edge kind
_RELATIONS = (
    (_ORG + "subOrganizationOf", "sub"),
    (_SDO + "containedInPlace", "within"),
    (_SDO + "location", "site"),
    (_ORG + "hasSite", "site"),
    (_KGO + "runBy", "runby"),
)
# the fields of a resolved entity (kg.entities) that kg.rdf writes as those relations
_LINKS = {
    "org": (("parents", _ORG + "subOrganizationOf"), ("sites", _SDO + "location")),
    "place": (("parents", _SDO + "containedInPlace"),),
    "program": (("runners", _KGO + "runBy"), ("where", _SDO + "location")),
}


def parse_types(text: str | Iterable[str]) -> tuple[str, ...]:
    """`person,org` (or a list of names, English or Chinese) -> canonical kind keys in
    legend order. Raises ValueError naming the accepted types for an unknown one."""
    parts = text.split(",") if isinstance(text, str) else list(text)
    keys = set()
    for p in parts:
        p = p.strip().lower()
        if not p:
            continue
        if p not in _TYPE_NAMES:
            raise ValueError(f"unknown type {p!r}; use {', '.join(k.key for k in KINDS)}")
        keys.add(_TYPE_NAMES[p])
    if not keys:
        raise ValueError(f"no type given; use {', '.join(k.key for k in KINDS)}")
    return tuple(k.key for k in KINDS if k.key in keys)


# the entity network, ours or networkx'
Net = Union["Network", "nx.MultiDiGraph"]

# subject -> predicate -> objects, every term as text: IRIs and literals by their value,
# blank nodes as `_:id`
_Index = Mapping[str, Mapping[str, Sequence[str]]]
Triples = Iterable[tuple[Any, Any, Any]]


# the vocabulary read in the loops below, as text (the index holds text)
_FOAF_Person = vocab.FOAF + "Person"
_KGO_Program = _KGO + "Program"
_KGO_dateText = _KGO + "dateText"
_KGO_divisionCode = _KGO + "divisionCode"
_KGO_evidence = _KGO + "evidence"
_KGO_firstSeen = _KGO + "firstSeen"
_KGO_lastSeen = _KGO + "lastSeen"
_KGO_mentionCount = _KGO + "mentionCount"
_KGO_sourceFile = _KGO + "sourceFile"
_ORG_Membership = _ORG + "Membership"
_ORG_Organization = _ORG + "Organization"
_ORG_member = _ORG + "member"
_ORG_organization = _ORG + "organization"
_ORG_role = _ORG + "role"
_PROV_wasDerivedFrom = vocab.PROV + "wasDerivedFrom"
_RDFS_label = vocab.RDFS + "label"
_RDF_type = vocab.RDF + "type"
_SDO_NewsArticle = _SDO + "NewsArticle"
_SDO_Place = _SDO + "Place"
_SDO_datePublished = _SDO + "datePublished"
_SDO_headline = _SDO + "headline"
_SDO_mentions = _SDO + "mentions"
_SKOS_altLabel = vocab.SKOS + "altLabel"
_LEVEL_OF = {_KGO + c: level for c, level in _PLACE_LEVELS.items()}
_PLACE_CLASSES = frozenset(_LEVEL_OF)


@cache
def _bnode() -> type:
    from rdflib import BNode

    return BNode


def _text(term: Any) -> str:
    """A term as the index holds it (an rdflib term: rdflib is loaded)."""
    if type(term) is str:
        return term
    if isinstance(term, _bnode()):
        return f"_:{term}"
    return str(term)


def _index(triples: Triples) -> _Index:
    """subject -> predicate -> objects, in one pass over the triples (an rdflib.Graph,
    or plain text triples such as kg.rdf.text_triples makes without building a term):
    rdflib's own lookups cost a generator each, and its terms a validation each."""
    idx: dict[str, dict[str, list[str]]] = {}
    last, props = None, {}
    for s, p, o in triples:
        if type(s) is not str or type(p) is not str or type(o) is not str:
            s, p, o = _text(s), _text(p), _text(o)
        if s != last:  # triples mostly come grouped by subject: one lookup a group
            last = s
            props = idx.get(s) or idx.setdefault(s, {})
        values = props.get(p)
        if values is None:
            props[p] = [o]
        else:
            values.append(o)
    return idx


def _one(idx: _Index, s: str, p: str) -> str:
    """The smallest value of `p` on `s` ("" when none): deterministic."""
    values = idx.get(s, {}).get(p, ())
    return min(values) if values else ""


def _kind(types: Iterable[str]) -> str | None:
    t = set(types)
    if _FOAF_Person in t:
        return "person"
    if _ORG_Organization in t:
        return "org"
    if _KGO_Program in t:
        return "program"
    if _SDO_Place in t or t & _PLACE_CLASSES:
        return "place"
    if _SDO_NewsArticle in t:
        return "article"
    return None


def _articles(idx: _Index) -> dict[str, dict[str, str]]:
    """Every schema:NewsArticle: headline, source file and date, for tooltips and panel."""
    out: dict[str, dict[str, str]] = {}
    for a in sorted(s for s, props in idx.items()
                    if not s.startswith("_:") and _SDO_NewsArticle in props.get(_RDF_type, ())):
        info = {"h": _one(idx, a, _SDO_headline), "f": _one(idx, a, _KGO_sourceFile),
                "d": _one(idx, a, _SDO_datePublished) or _one(idx, a, _KGO_dateText)}
        out[a] = {k: v for k, v in info.items() if v}
    return out


def _year(date: str) -> int | None:
    """The year of an ISO date (kg.dates), None for a dateline without one."""
    return int(date[:4]) if date[:4].isdigit() and date[4:5] in ("", "-") else None


def _article_years(arts: Mapping[str, Mapping[str, str]]) -> dict[str, int]:
    """Article -> the year it is dated in, for the articles whose date has one."""
    return {a: y for a, info in arts.items() if (y := _year(info.get("d", ""))) is not None}


def _years(years: Mapping[str, int], ids: Iterable[str]) -> list[int]:
    """The distinct years of the articles `ids` (by `_article_years`), sorted."""
    return sorted({years[a] for a in ids if a in years})


def _article_label(info: Mapping[str, str], iri: str) -> str:
    return info.get("h") or info.get("f", "").rsplit("/", 1)[-1] or iri.rsplit("/", 1)[-1]


def _labels(idx: _Index, s: str) -> tuple[str, list[str]]:
    """(label, other names): the smallest rdfs:label, then every other label and
    skos:altLabel, sorted."""
    props = idx.get(s, {})
    labels = sorted(set(props.get(_RDFS_label, ())))
    label = labels[0] if labels else s.rsplit("/", 1)[-1]
    alts = set(props.get(_SKOS_altLabel, ())) | set(labels[1:])
    return label, sorted(alts - {label})


class _Nodes(dict[str, dict[str, Any]]):
    """Node -> attributes, also called as networkx' node view is: `nodes(data=True)`."""

    def __call__(self, data: bool = False) -> Iterable[Any]:
        return self.items() if data else self.keys()


class Network:
    """The entity network a page draws: a directed multigraph that keeps its nodes and
    edges in the order they were added, with the part of networkx' MultiDiGraph API
    this module uses (`to_networkx` gives it as one; the functions here take either).
    Drawing needs none of networkx' algorithms, and importing it would cost a
    one-article build a fifth of a second."""

    def __init__(self, **graph: Any) -> None:
        self.graph: dict[str, Any] = dict(graph)
        self.nodes = _Nodes()
        self._edges: list[tuple[str, str, dict[str, Any]]] = []

    def add_node(self, n: str, **attrs: Any) -> None:
        self.nodes.setdefault(n, {}).update(attrs)

    def add_edge(self, a: str, b: str, **attrs: Any) -> None:
        self.nodes.setdefault(a, {})
        self.nodes.setdefault(b, {})
        self._edges.append((a, b, attrs))

    def edges(self, data: bool = False) -> list[Any]:
        return list(self._edges) if data else [(a, b) for a, b, _ in self._edges]

    def number_of_edges(self) -> int:
        return len(self._edges)

    def __len__(self) -> int:
        return len(self.nodes)

    def __contains__(self, n: object) -> bool:
        return n in self.nodes

    def __iter__(self) -> Iterator[str]:
        return iter(self.nodes)

    def subgraph(self, nodes: Iterable[str]) -> Network:
        """The given nodes and the edges between them, as a copy (attributes copied
        one level deep, as networkx' `subgraph(...).copy()` does)."""
        keep = set(nodes)
        out = Network(**self.graph)
        for n, d in self.nodes.items():
            if n in keep:
                out.nodes[n] = dict(d)
        out._edges = [(a, b, dict(d)) for a, b, d in self._edges if a in keep and b in keep]
        return out

    def copy(self) -> Network:
        return self.subgraph(self.nodes)

    def remove_nodes_from(self, nodes: Iterable[str]) -> None:
        gone = set(nodes)
        for n in gone:
            self.nodes.pop(n, None)
        self._edges = [e for e in self._edges if e[0] not in gone and e[1] not in gone]


def to_networkx(g: Graph | Triples, types: Sequence[str] = DEFAULT_TYPES) -> nx.MultiDiGraph:
    """`to_network(g, types)` as a networkx MultiDiGraph: the same nodes, edges and
    attributes, added in the same order."""
    import networkx as nx

    net = to_network(g, types)
    out = nx.MultiDiGraph(**net.graph)
    out.add_nodes_from(net.nodes.items())
    out.add_edges_from(net.edges(data=True))
    return out


# an entity: (IRI, kind, label, other names, level shown, division code or None,
# mention count or None, the articles it comes from)
_Entity = tuple[str, str, str, list[str], str, str | None, int | None, Iterable[str]]
# a post: (person, organization or "", role, evidence, articles, first seen, last seen)
_Post = tuple[str, str, str, str, Iterable[str], str, str]


@dataclass(frozen=True)
class _Read:
    """What a network is made of, read from triples (`to_network`) or from a resolved
    graph (`resolved_network`): articles (IRI -> headline, file, date), entities in IRI
    order, posts in the order of their memberships' IRIs, the (subject, object) pairs of
    each relation drawn, in the order of _RELATIONS, and any entity's label."""

    articles: dict[str, dict[str, str]]
    entities: Iterable[_Entity]
    posts: Iterable[_Post]
    pairs: list[tuple[str, set[tuple[str, str]]]]
    label: Callable[[str], str]


def to_network(g: Graph | Triples, types: Sequence[str] = DEFAULT_TYPES) -> Network:
    """Entities of `types` (of an rdflib.Graph, or of any triples) as nodes carrying
    what the page shows about them (kind, label, aliases, positions, evidence,
    sources); relations as edges with a `kind`
    from EDGE_KINDS. One edge per (person, organization) carries all the roles held.
    The graph attribute `articles` maps article IRIs to headline, file and date."""
    wanted = set(parse_types(types))
    idx = _index(g)
    relations = list(_RELATIONS)
    if "article" in wanted:
        relations.append((_SDO_mentions, "mentions"))
    pairs = [(kind, {(s, o) for s in idx for o in idx[s].get(pred, ())})
             for pred, kind in relations]
    return _network(wanted, _Read(_articles(idx), _entities(idx), _posts(idx), pairs,
                                  lambda s: _labels(idx, s)[0]))


def resolved_network(res: Resolved, types: Sequence[str] = DEFAULT_TYPES) -> Network:
    """`to_network` of the graph kg.rdf makes of `res`, read off `res` itself: a build
    draws its page without making the graph's triples (tests compare the two)."""
    from kg.entities import slug

    wanted = set(parse_types(types))
    data = vocab.DATA_IRI
    arts = {data + a.key: {k: v for k, v in (("h", a.title or ""), ("f", a.source),
                                             ("d", a.date or "")) if v}
            for a in sorted(res.articles.values(), key=lambda a: a.key)}
    things: list[tuple[str, Any]] = [(data + e.key, e) for e in res.entities.values()
                                     if e.kind in ("person", "org", "program", "place")]
    things += [(a, None) for a in arts]
    entities: list[_Entity] = []
    for s, e in sorted(things, key=lambda t: t[0]):
        if e is None:
            entities.append((s, "article", "", [], "", None, None, ()))
            continue
        place = e.kind == "place"
        cls = vocab.PLACE_CLASS_NAMES.get(e.level) if place else None
        entities.append((s, e.kind, e.label, sorted(e.alts - {e.label}),
                         _PLACE_LEVELS.get(cls, "") if cls else "",
                         e.code if place and e.code else None,
                         e.count if e.count >= 0 else None, [data + a for a in e.articles]))
    posts: list[_Post] = []
    for m in sorted(res.memberships.values(), key=lambda m: m.key):
        role = (m.role if m.role in res.roles else "") or slug(m.role)
        first, last = (m.first, m.last) if m.first and m.last else ("", "")
        posts.append((data + m.person, data + m.org if m.org else "", role, m.evidence,
                      [data + a for a in m.articles], first, last))
    # the relations as kg.rdf writes them: predicate -> (subject, object) pairs
    links: dict[str, set[tuple[str, str]]] = defaultdict(set)
    for e in res.entities.values():
        s = data + e.key
        for attr, pred in _LINKS.get(e.kind, ()):
            links[pred].update((s, data + o) for o in getattr(e, attr))
        if "article" in wanted:
            links[_SDO_mentions].update((data + a, s) for a in e.articles)
    pairs = [(kind, links[pred]) for pred, kind in _RELATIONS]
    if "article" in wanted:
        pairs.append(("mentions", links[_SDO_mentions]))

    def label(s: str) -> str:
        e = res.entities.get(s[len(data):]) if s.startswith(data) else None
        return e.label if e is not None else s.rsplit("/", 1)[-1]

    return _network(wanted, _Read(arts, entities, posts, pairs, label))


def _entities(idx: _Index) -> Iterator[_Entity]:
    """The typed entities of an index (and its articles), in IRI order."""
    for s in sorted(idx):
        props = idx[s]
        if s.startswith("_:") or _RDF_type not in props:
            continue
        kind = _kind(props[_RDF_type])
        if kind is None:
            continue
        if kind == "article":
            yield s, kind, "", [], "", None, None, ()
            continue
        label, alts = _labels(idx, s)
        level = sorted(_LEVEL_OF[c] for c in props[_RDF_type] if c in _LEVEL_OF)
        code = _one(idx, s, _KGO_divisionCode) if props.get(_KGO_divisionCode) else None
        counts = props.get(_KGO_mentionCount, ())
        n = max(map(int, counts)) if counts and all(c.isdigit() for c in counts) else None
        yield (s, kind, label, alts, level[0] if level else "", code, n,
               props.get(_PROV_wasDerivedFrom, ()))


def _posts(idx: _Index) -> Iterator[_Post]:
    """The memberships of an index that name a person, in IRI order."""
    for m in sorted(idx):
        props = idx[m]
        if m.startswith("_:") or _ORG_Membership not in props.get(_RDF_type, ()):
            continue
        persons, orgs = sorted(props.get(_ORG_member, ())), sorted(props.get(_ORG_organization, ()))
        if not persons:
            continue
        r = min(props.get(_ORG_role, ()), default=None)
        role = (_one(idx, r, _RDFS_label) or r.rsplit("/", 1)[-1]) if r is not None else ""
        yield (persons[0], orgs[0] if orgs else "", role, _one(idx, m, _KGO_evidence),
               props.get(_PROV_wasDerivedFrom, ()), _one(idx, m, _KGO_firstSeen),
               _one(idx, m, _KGO_lastSeen))


def _network(wanted: set[str], read: _Read) -> Network:
    """The network of what was read: the entities of the `wanted` kinds, their posts and
    their relations."""
    arts = read.articles
    years_of = _article_years(arts)
    out = Network(articles=arts)
    for s, kind, label, alts, level, code, count, sources in read.entities:
        if kind not in wanted:
            continue
        if kind == "article":
            out.add_node(s, kind=kind, label=_article_label(arts.get(s, {}), s),
                         alts=[], facts={"art": s})
            continue
        facts: dict[str, Any] = {}
        if level:
            facts["lvl"] = level
        if code is not None:
            facts["code"] = code
        if count is not None:
            facts["n"] = count
        src = sorted({a for a in sources if a in arts})
        if src:
            facts["arts"] = src
            if years := _years(years_of, src):
                facts["y"] = years  # for the page's year filter
        out.add_node(s, kind=kind, label=label, alts=alts, facts=facts)

    # memberships: facts on both ends, one edge per (person, organization)
    roles: dict[tuple[str, str], list[tuple[str, str, list[str]]]] = defaultdict(list)
    spans: dict[tuple[str, str], list[int]] = {}  # (person, org) -> years of their posts
    for ps, os_, role, ev, sources, first, last in read.posts:
        src = sorted({a for a in sources if a in arts})
        org_label = read.label(os_) if os_ else ""
        if ps in out:
            out.nodes[ps]["facts"].setdefault("pos", []).append(
                [role, os_, org_label, ev, src, first, last])
        if os_ in out:
            out.nodes[os_]["facts"].setdefault("mem", []).append(
                [ps, read.label(ps), role, ev, src, first, last])
        if ps in out and os_ in out:
            roles[(ps, os_)].append((role, ev, src))
            spans.setdefault((ps, os_), []).extend(_years(years_of, src))
    for node in out.nodes.values():  # a person's posts in time order (undated ones last)
        pos = node["facts"].get("pos")
        if pos:
            pos.sort(key=lambda p: (not p[5], p[5], p[6], p[0], p[2], p[1]))
    for (ps, os_), held in sorted(roles.items()):
        names = list(dict.fromkeys(r for r, _, _ in held if r))
        facts = {"roles": names, "ev": [[r, e, s] for r, e, s in held]}
        if years := sorted(set(spans.get((ps, os_), ()))):
            facts["y"] = years
        out.add_edge(ps, os_, kind="member", label="、".join(names), facts=facts)
    for kind, pairs in read.pairs:
        for a, b in sorted(pairs):
            if a in out and b in out and a != b:
                out.add_edge(a, b, kind=kind, label=EDGE_KIND[kind].zh, facts={})
    return out


def _neighbours(nxg: Net) -> dict[str, list[str]]:
    """Undirected adjacency, without self-loops, every list sorted."""
    adj: dict[str, set[str]] = {n: set() for n in nxg.nodes}
    for a, b in nxg.edges():
        if a != b:
            adj[a].add(b)
            adj[b].add(a)
    return {n: sorted(v) for n, v in adj.items()}


def _squash(text: str) -> str:
    return "".join(text.split())


def find_nodes(nxg: Net, name: str) -> list[str]:
    """Nodes named `name` (spaces ignored, as OCR puts them inside names): an IRI, else
    every exact label, else every exact alias, else the single node whose label or
    alias contains it. Raises LookupError naming candidates when nothing or too much
    matches."""
    if name.strip() in nxg:
        return [name.strip()]
    name = _squash(name)
    if not name:
        raise LookupError("empty name")
    nodes = [(n, _squash(d["label"]), [_squash(a) for a in d["alts"]])
             for n, d in sorted(nxg.nodes(data=True), key=lambda nd: (nd[1]["label"], nd[0]))]
    for hits in ([n for n, label, _ in nodes if label == name],
                 [n for n, _, alts in nodes if name in alts]):
        if hits:
            return hits
    hits = [n for n, label, alts in nodes if name in label or any(name in a for a in alts)]
    if len(hits) == 1:
        return hits
    if not hits:
        raise LookupError(f"no entity named {name!r}")
    shown = "、".join(dict.fromkeys(nxg.nodes[n]["label"] for n in hits[:12]))
    raise LookupError(f"{len(hits)} entities contain {name!r}: {shown}; give the full name")


def ego(nxg: Net, focus: Sequence[str], depth: int) -> Net:
    """The sub-network within `depth` hops of the `focus` nodes, edges in any direction."""
    adj = _neighbours(nxg)
    seen = set(focus)
    frontier = sorted(seen)
    for _ in range(max(depth, 0)):
        nxt = sorted({m for n in frontier for m in adj[n]} - seen)
        seen.update(nxt)
        frontier = nxt
    return nxg.subgraph(seen).copy()


def trim(nxg: Net, max_nodes: int, keep: Iterable[str] = ()) -> tuple[Net, int]:
    """Keep the `max_nodes` most connected nodes (and always `keep`); return the
    smaller graph and how many nodes were dropped."""
    kept = _most_connected(nxg, max_nodes, keep)
    if kept is None:
        return nxg, 0
    return nxg.subgraph(kept).copy(), len(nxg) - len(kept)


def _most_connected(nxg: Net, max_nodes: int,
                    keep: Iterable[str]) -> list[str] | None:
    """The nodes `trim` keeps, or None when it keeps them all."""
    if max_nodes <= 0 or len(nxg) <= max_nodes:
        return None
    adj = _neighbours(nxg)
    pinned = set(keep)
    order = sorted(nxg.nodes, key=lambda n: (n not in pinned, -len(adj[n]),
                                             nxg.nodes[n]["label"], n))
    return order[:max(max_nodes, len(pinned))]


# ---------------------------------------------------------------- layout
# Positions in vis-network canvas pixels. Each connected component is drawn as a
# "balloon" tree from its best-connected node (or the focus), sized by the room its
# labels need; components are packed in rows, biggest first, and centred on (0, 0);
# unconnected entities form a grid below, by type, then name.

_FONT_PX = 14.0  # label font size at zoom 1; CJK glyphs are about one em wide
_GAP = 90.0  # between packed components
_PHYSICS_LIMIT = 1000  # with more connected nodes the browser draws our layout as it is
_PHYSICS_WORK = 20000  # node-iterations of physics to settle a page, about half a second
_ROW = 48.0  # height a node and its label need
_SPIRAL_START = 1.6  # first leaf this many cells out, clear of its parent
_PACK = 1.5  # subtree circle radius / radius of the area its labels need
_GOLDEN = math.pi * (3 - math.sqrt(5))


def _label_px(label: str) -> float:
    return sum(_FONT_PX if ord(c) > 0x2E7F else _FONT_PX * 0.6 for c in label[:24])


def _balloon(adj: Mapping[str, Sequence[str]], root: str, labels: Mapping[str, str],
             rank: Mapping[str, tuple[int, str, str]]) -> dict[str, tuple[float, float]]:
    """Positions for one connected component, `root` at (0, 0).

    Bottom-up over a BFS tree, each subtree is laid out in its own frame (its root at the
    origin, facing +x) and summed up by an enclosing circle: leaf children fill a
    sunflower (Vogel spiral) around their parent, stretched to the shape of a label;
    subtrees are set around it within 216 degrees facing away from the grandparent, as
    circles sized by the area their labels need (an enclosing circle is mostly empty;
    packing by it makes the waste of every level multiply). Top-down, frames are
    composed into positions. Linear in the size of the component."""
    parent: dict[str, str | None] = {root: None}
    order = [root]
    children: dict[str, list[str]] = defaultdict(list)
    for n in order:  # BFS; `order` grows while we walk it
        for m in sorted(adj[n], key=rank.__getitem__):
            if m not in parent:
                parent[m] = n
                children[n].append(m)
                order.append(m)
    width = {n: _label_px(labels[n]) + 28 for n in order}  # a node and its label
    spiral: dict[str, tuple[float, float]] = {}
    local: dict[str, tuple[float, float, float]] = {}  # (x, y, turn) in the parent's frame
    circle: dict[str, tuple[float, float, float]] = {}  # (cx, cy, r) in the node's frame
    content: dict[str, float] = {}  # area the labels of a subtree need
    for n in reversed(order):
        content[n] = width[n] * _ROW + sum(content[k] for k in children[n])
        leaves = [k for k in children[n] if not children[k]]
        subs = [k for k in children[n] if children[k]]
        core = max(width[n] / 2, 30.0)
        if leaves:
            widest = max(width[k] for k in leaves)
            ax = widest / math.sqrt(math.pi) * 1.15
            ay = _ROW / math.sqrt(math.pi) * 1.15
            spiral[n] = (ax, ay)
            core = max(core, ax * math.sqrt(len(leaves) - 1 + _SPIRAL_START) + widest / 2)
        items = [(0.0, 0.0, core)]
        if subs:
            room = 2 * math.pi if parent[n] is None else 1.2 * math.pi
            # an enclosing circle is mostly empty: pack by the area the labels need,
            # so that the waste of one level does not multiply into the next
            radii = [min(circle[k][2], math.sqrt(content[k] / math.pi) * _PACK) for k in subs]
            base = core + 30.0
            while True:
                angles = [2 * math.asin(min(1.0, r / (base + r))) for r in radii]
                if sum(angles) <= room or base > 1e7:
                    break
                base *= 1.12
            extra = (room - sum(angles)) / len(subs) if parent[n] is None else 0.0
            a = -(sum(angles) + extra * len(subs)) / 2
            for k, ang, r in zip(subs, angles, radii):
                theta = a + (ang + extra) / 2
                a += ang + extra
                c, s_ = math.cos(theta), math.sin(theta)
                d = base + r
                kx, ky, _ = circle[k]
                local[k] = (d * c - (kx * c - ky * s_), d * s_ - (kx * s_ + ky * c), theta)
                items.append((d * c, d * s_, r))
        x0 = min(x - r for x, _, r in items)
        x1 = max(x + r for x, _, r in items)
        y0 = min(y - r for _, y, r in items)
        y1 = max(y + r for _, y, r in items)
        cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
        circle[n] = (cx, cy, max(math.hypot(x - cx, y - cy) + r for x, y, r in items))
    frame = {root: (0.0, 0.0, 0.0)}
    for n in order:
        x, y, turn = frame[n]
        c, s_ = math.cos(turn), math.sin(turn)
        i = 0
        for k in children[n]:
            if children[k]:
                lx, ly, lt = local[k]
                frame[k] = (x + c * lx - s_ * ly, y + s_ * lx + c * ly, turn + lt)
            else:  # leaves in page axes: the spiral is stretched along x, like labels
                ax, ay = spiral[n]
                t, phi = math.sqrt(i + _SPIRAL_START), turn + math.pi + i * _GOLDEN
                frame[k] = (x + ax * t * math.cos(phi), y + ay * t * math.sin(phi), phi)
                i += 1
    return {n: (x, y) for n, (x, y, _) in frame.items()}


def _components(adj: Mapping[str, Sequence[str]]) -> list[list[str]]:
    """The connected components of an undirected adjacency, each sorted."""
    seen: set[str] = set()
    out = []
    for n in adj:
        if n in seen:
            continue
        seen.add(n)
        comp = [n]
        for m in comp:  # grows while we walk it
            for k in adj[m]:
                if k not in seen:
                    seen.add(k)
                    comp.append(k)
        out.append(sorted(comp))
    return out


def layout(nxg: Net, roots: Iterable[str] = ()) -> dict[str, tuple[float, float]]:
    """Deterministic positions for every node (pure Python, linear-ish time)."""
    adj = _neighbours(nxg)
    labels = {n: nxg.nodes[n]["label"] for n in nxg.nodes}
    rank = {n: (-len(adj[n]), labels[n], n) for n in nxg.nodes}
    preferred = set(roots)
    comps = [c for c in _components(adj) if len(c) > 1]
    comps.sort(key=lambda c: (-len(c), min(rank[n] for n in c)))
    boxes: list[tuple[dict[str, tuple[float, float]], float, float, float, float]] = []
    for comp in comps:
        root = min(comp, key=lambda n: (n not in preferred, rank[n]))
        p = _balloon(adj, root, labels, rank)
        xs = [x for x, _ in p.values()]
        ys = [y for _, y in p.values()]
        pad = max(_label_px(labels[n]) for n in comp) / 2
        boxes.append((p, min(xs) - pad, min(ys) - 40, max(xs) + pad, max(ys) + 40))
    area = sum((x1 - x0 + _GAP) * (y1 - y0 + _GAP) for _, x0, y0, x1, y1 in boxes)
    width = max([math.sqrt(area) * 1.25] + [x1 - x0 for _, x0, _, x1, _ in boxes] + [900.0])
    out: dict[str, tuple[float, float]] = {}
    cx = cy = row_h = 0.0
    for p, x0, y0, x1, y1 in boxes:
        w, h = x1 - x0, y1 - y0
        if cx > 0 and cx + w > width:
            cx, cy, row_h = 0.0, cy + row_h + _GAP, 0.0
        for n, (x, y) in p.items():
            out[n] = (x - x0 + cx, y - y0 + cy)
        cx += w + _GAP
        row_h = max(row_h, h)
    # centre the network on (0, 0), where the physics' gravity pulls
    if out:
        mx = (min(x for x, _ in out.values()) + max(x for x, _ in out.values())) / 2
        my = (min(y for _, y in out.values()) + max(y for _, y in out.values())) / 2
        out = {n: (x - mx, y - my) for n, (x, y) in out.items()}
    # unconnected entities: a grid by kind, then label, below everything else
    order = [k.key for k in KINDS]
    single = sorted((n for n in nxg.nodes if not adj[n]),
                    key=lambda n: (order.index(nxg.nodes[n]["kind"]), labels[n], n))
    if single:
        top = max(y for _, y in out.values()) + _GAP * 2 if out else 0.0
        cell = min(220.0, max(80.0, max(_label_px(labels[n]) for n in single) + 24))
        cols = max(1, int(width // cell))
        left = -cols * cell / 2
        for i, n in enumerate(single):
            out[n] = (left + (i % cols) * cell + cell / 2, top + (i // cols) * 70.0)
    return out


# ---------------------------------------------------------------- page
# The page (kg/viz/static, filled by kg.viz) carries every entity of the network, so that
# its search finds any of them, but draws first only an overview: the most connected
# entities and the ties between them. Opening an entity (a search hit, a link in the side
# panel, a double click) draws it and its neighbours; unconnected entities are listed
# beside the drawing. Data is written compactly: entities are referred to by their
# place in the node list, articles by theirs in DATA.articles, and each post is written
# once (the person's panel, the organization's and the edge's tooltip read it there).

_EXPAND = 60  # neighbours a click draws at once (most connected first; the panel has more)


def overview(nxg: Net, max_nodes: int, keep: Iterable[str] = ()) -> list[str]:
    """The entities a page draws first, sorted: `keep` (the focus), then the most
    connected, at most `max_nodes` in all, each tied to another one drawn (an entity whose
    neighbours are all left out would float alone)."""
    return _overview(nxg, _neighbours(nxg), max_nodes, keep)


def _overview(nxg: Net, adj: Mapping[str, Sequence[str]], max_nodes: int,
              keep: Iterable[str]) -> list[str]:
    """`overview` of a network whose adjacency (`_neighbours`) is known already."""
    pinned = sorted(set(keep))
    ranked = sorted((n for n in nxg.nodes if adj[n] and n not in pinned),
                    key=lambda n: (-len(adj[n]), nxg.nodes[n]["label"], n))
    room = max(0, max_nodes - len(pinned))
    top = set(pinned) | set(ranked[:room])
    chosen = {n for n in top if n in pinned or any(m in top for m in adj[n])}
    for n in ranked[room:]:  # fill the room of those dropped with the next ones tied in
        if len(chosen) >= max(max_nodes, len(pinned)):
            break
        if any(m in chosen for m in adj[n]):
            chosen.add(n)
    return sorted(chosen)


def _round(v: float) -> float:
    return round(v, 1) + 0.0  # no "-0.0"


@gc_paused()
def to_html(g: Graph | Triples | Network, *, focus: str | None = None, depth: int = 2,
            types: Sequence[str] = DEFAULT_TYPES, max_nodes: int = DEFAULT_MAX_NODES,
            title: str | None = None) -> str:
    """A self-contained HTML page of `g`, an rdflib.Graph or its triples (or of the part
    of it within `depth` hops of the entity named `focus`), restricted to `types`; or of
    a network made already (`resolved_network`: its types chosen then). Every entity is
    in the page and found by its search; the page draws first the focus and the
    `max_nodes` most connected entities, and the rest when they are opened.
    Raises LookupError when `focus` names no entity (or too many)."""
    nxg: Net = g if isinstance(g, Network) else to_network(g, types)
    total = len(nxg)
    focus_ids: list[str] = []
    if focus is not None:
        focus_ids = find_nodes(nxg, focus)
        nxg = ego(nxg, focus_ids, depth)
    if title:
        heading = title
    elif focus_ids:
        names = "、".join(nxg.nodes[f]["label"] for f in focus_ids[:3])
        heading = f"kg · {names} ({depth} 层 hops)"
    else:
        heading = "kg · knowledge graph"
    return _page(nxg, focus_ids, heading, max_nodes, total)


def _page(nxg: Net, focus_ids: Sequence[str], heading: str, max_nodes: int,
          total: int) -> str:
    """kg.viz's page filled with `nxg`: its overview laid out here, every entity, tie,
    post and article in the data blocks."""
    adj = _neighbours(nxg)
    arts: Mapping[str, Mapping[str, str]] = nxg.graph.get("articles", {})
    order = sorted(nxg.nodes)
    ix = {n: i for i, n in enumerate(order)}
    first = _overview(nxg, adj, max_nodes, focus_ids)
    pos = layout(nxg.subgraph(first), roots=focus_ids)

    used: set[str] = set()
    for n in order:
        facts = nxg.nodes[n]["facts"]
        used.update(facts.get("arts", ()))
        if "art" in facts:
            used.add(facts["art"])
        for key in ("pos", "mem"):
            for row in facts.get(key, ()):
                used.update(row[4])
    art_ids = sorted(a for a in used if a in arts)
    aix = {a: i for i, a in enumerate(art_ids)}

    def refs(ids: Iterable[str]) -> list[int]:
        return [aix[a] for a in ids if a in aix]

    nodes: list[dict[str, Any]] = []
    posts: list[list[Any]] = []  # [person, organization, role, evidence, articles, first, last]
    for n in order:
        d = nxg.nodes[n]
        facts = d["facts"]
        rec: dict[str, Any] = {"id": n, "label": d["label"], "kind": d["kind"],
                               "deg": len(adj[n])}
        if d["alts"]:
            rec["alts"] = d["alts"]
        shown = {k: facts[k] for k in ("lvl", "code", "n") if k in facts}
        if facts.get("arts"):
            shown["arts"] = refs(facts["arts"])
        if facts.get("art") in aix:
            shown["art"] = aix[facts["art"]]
        if shown:
            rec["facts"] = shown
        if n in pos:
            rec["x"], rec["y"] = _round(pos[n][0]), _round(pos[n][1])
        nodes.append(rec)
        # a person's posts: the organization by its place when it is in the page
        for role, o, o_label, ev, src, seen_first, seen_last in facts.get("pos", ()):
            posts.append([ix[n], ix.get(o, o_label), role, ev, refs(src), seen_first, seen_last])
    for n in order:  # posts of people not in the page (--types without person)
        for p, p_label, role, ev, src, seen_first, seen_last in (
                nxg.nodes[n]["facts"].get("mem", ())):
            if p not in ix:
                posts.append([p_label, ix[n], role, ev, refs(src), seen_first, seen_last])
    edges: list[list[Any]] = []
    for a, b, d in sorted(nxg.edges(data=True), key=lambda e: (e[0], e[1], e[2]["kind"])):
        edge = [ix[a], ix[b], d["kind"]]
        if d["kind"] == "member" and d["label"]:  # only roles are written on edges
            edge.append(d["label"])
        edges.append(edge)

    years = sorted({y for a in art_ids if (y := _year(arts[a].get("d", ""))) is not None})
    data = {
        "articles": [[arts[a].get("h", ""), arts[a].get("f", ""), arts[a].get("d", "")]
                     for a in art_ids],
        "focus": [ix[f] for f in focus_ids],
        "overview": [ix[n] for n in first],
        "years": [years[0], years[-1]] if years else [],
        "expand": _EXPAND,
        "physicsLimit": _PHYSICS_LIMIT,
        "kindOrder": [k.key for k in KINDS],
        "edgeOrder": [e.key for e in EDGE_KINDS],
        "kinds": {k.key: {"zh": k.zh, "en": k.en, "colour": k.colour, "shape": k.shape}
                  for k in KINDS},
        "edgeKinds": {e.key: {"zh": e.zh, "en": e.en, "colour": e.colour, "dashes": e.dashes}
                      for e in EDGE_KINDS},
    }
    moving = sum(1 for n in first if adj[n])
    stats = f"{len(nxg):,} 实体 entities · {nxg.number_of_edges():,} 关系 relations"
    if total != len(nxg):
        stats += f" · {total:,} in the graph"
    notice = ""
    connected = sum(1 for n in order if adj[n])
    if len(first) < connected:
        notice = (f"先画出连接最多的 {len(first):,} 个实体（共 {len(nxg):,} 个），"
                  "搜索可找到每一个。 "
                  f"Drawn first: the {len(first):,} most connected of {len(nxg):,} entities "
                  f"(--max-nodes {max_nodes}); search finds every one, and opening one "
                  f"draws its neighbours.")
    return fill_page(title=heading, stats=stats, notice=notice, blocks={
        "data": data, "nodes": nodes, "edges": edges, "posts": posts,
        "options": _options(moving, len(first))})


def _options(moving: int, total: int) -> dict[str, Any]:
    """vis-network options: a bounded physics run from our layout, then frozen (by the
    page's script), when `moving` nodes are few enough for it to take about a second.
    Labels grow with an entity's connections and are hidden while they would be drawn
    smaller than 7 px (hubs' names show at the overview's zoom, the rest as one zooms
    in), role labels on edges below 9 px; the page's script leaves out names that would
    cover a better connected entity's name."""
    physics = 0 < moving <= _PHYSICS_LIMIT
    big = total > _PHYSICS_LIMIT
    font = '"Noto Sans CJK SC","Source Han Sans SC","PingFang SC","Microsoft YaHei",sans-serif'
    return {
        "autoResize": True,
        "physics": {
            "enabled": physics, "solver": "forceAtlas2Based",
            "forceAtlas2Based": {"gravitationalConstant": -75, "centralGravity": 0.025,
                                 "springLength": 85, "springConstant": 0.08,
                                 "damping": 0.5, "avoidOverlap": 0.8},
            "maxVelocity": 60, "minVelocity": 1.0, "timestep": 0.5,
            "stabilization": {"enabled": True, "updateInterval": 50,
                              "iterations": max(50, min(400, _PHYSICS_WORK // max(moving, 1))),
                              "fit": False},
        },
        "layout": {"improvedLayout": False, "randomSeed": 7},
        "interaction": {"hover": True, "tooltipDelay": 200, "hideEdgesOnDrag": big,
                        "hideEdgesOnZoom": big, "multiselect": False},
        "nodes": {
            "borderWidth": 1, "borderWidthSelected": 3,
            "font": {"face": font, "size": 14, "color": "#222", "strokeWidth": 3,
                     "strokeColor": "#ffffff"},
            "scaling": {"min": 8, "max": 30,
                        "label": {"enabled": True, "min": 13, "max": 30,
                                  "drawThreshold": 8, "maxVisible": 24}},
        },
        "edges": {
            "arrows": {"to": {"enabled": True, "scaleFactor": 0.45}},
            "smooth": False, "width": 1.2, "selectionWidth": 1.5,
            "font": {"face": font, "size": 12, "color": "#8a2f33", "strokeWidth": 3,
                     "strokeColor": "#ffffff", "align": "horizontal"},
            "scaling": {"label": {"drawThreshold": 10}},
        },
    }


def dumps_json(g: Graph) -> str:
    """The entity network as node-link JSON (sorted, deterministic)."""
    import networkx as nx

    nxg = to_networkx(g)
    return json.dumps(nx.node_link_data(nxg, edges="links"), ensure_ascii=False, sort_keys=True)
