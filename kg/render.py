"""Graph -> entity network -> one self-contained, explorable HTML page.

The network is a small multigraph of our own (`Network`; `to_networkx` gives it as a
networkx graph), and the page is our own template filled with its node and edge dicts in
vis-network's format (the ones pyvis makes): vis-network's JS and CSS are inlined from the
copy pyvis ships, read as files without importing pyvis (pyvis imports IPython),
nothing is loaded from the network (pyvis' own in_line template still links bootstrap
from a CDN), and a Content-Security-Policy forbids any remote request. Node positions are computed
here, deterministically and in pure Python (numpy is not a dependency); the browser
then runs a bounded physics pass over them and freezes it, or, above
_PHYSICS_LIMIT connected nodes, draws them as they are, so that a 5,000-node page is
usable about two seconds after it starts loading. The same graph gives byte-identical
HTML.

Page text (names, evidence sentences, headlines) only ever reaches the page as JSON in
a data block with `<`, `>`, `&`, U+2028 and U+2029 escaped, and the page's script puts
it into the DOM with `textContent`, never as markup.
"""

from __future__ import annotations

import base64
import hashlib
import json
import math
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from importlib.util import find_spec
from pathlib import Path
from typing import TYPE_CHECKING, Any, Union

from markupsafe import Markup, escape

from kg import vocab
from kg.engine import gc_paused

if TYPE_CHECKING:
    import networkx as nx
    from rdflib import Graph


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
DEFAULT_MAX_NODES = 5000

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


def _years(arts: Mapping[str, Mapping[str, str]], ids: Iterable[str]) -> list[int]:
    """The distinct years of the articles `ids`, sorted."""
    return sorted({y for a in ids if (y := _year(arts.get(a, {}).get("d", ""))) is not None})


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


def to_network(g: Graph | Triples, types: Sequence[str] = DEFAULT_TYPES) -> Network:
    """Entities of `types` (of an rdflib.Graph, or of any triples) as nodes carrying
    what the page shows about them (kind, label, aliases, positions, evidence,
    sources); relations as edges with a `kind`
    from EDGE_KINDS. One edge per (person, organization) carries all the roles held.
    The graph attribute `articles` maps article IRIs to headline, file and date."""
    wanted = set(parse_types(types))
    idx = _index(g)
    arts = _articles(idx)
    out = Network(articles=arts)
    memberships = []
    for s in sorted(idx):
        props = idx[s]
        if s.startswith("_:") or _RDF_type not in props:
            continue
        if _ORG_Membership in props[_RDF_type]:
            memberships.append(s)
        kind = _kind(props[_RDF_type])
        if kind is None or kind not in wanted:
            continue
        if kind == "article":
            out.add_node(s, kind=kind, label=_article_label(arts.get(s, {}), s),
                         alts=[], facts={"art": s})
            continue
        label, alts = _labels(idx, s)
        facts: dict[str, Any] = {}
        level = sorted(_LEVEL_OF[c] for c in props[_RDF_type] if c in _LEVEL_OF)
        if level:
            facts["lvl"] = level[0]
        if props.get(_KGO_divisionCode):
            facts["code"] = _one(idx, s, _KGO_divisionCode)
        counts = props.get(_KGO_mentionCount, ())
        if counts and all(c.isdigit() for c in counts):
            facts["n"] = max(map(int, counts))
        src = sorted({a for a in props.get(_PROV_wasDerivedFrom, ()) if a in arts})
        if src:
            facts["arts"] = src
            if years := _years(arts, src):
                facts["y"] = years  # for the page's year filter
        out.add_node(s, kind=kind, label=label, alts=alts, facts=facts)

    # memberships: facts on both ends, one edge per (person, organization)
    roles: dict[tuple[str, str], list[tuple[str, str, list[str]]]] = defaultdict(list)
    spans: dict[tuple[str, str], list[int]] = {}  # (person, org) -> years of their posts
    for m in memberships:
        props = idx[m]
        persons, orgs = sorted(props.get(_ORG_member, ())), sorted(props.get(_ORG_organization, ()))
        if not persons:
            continue
        ps, os_ = persons[0], (orgs[0] if orgs else "")
        r = min(props.get(_ORG_role, ()), default=None)
        role = (_one(idx, r, _RDFS_label) or r.rsplit("/", 1)[-1]) if r is not None else ""
        ev = _one(idx, m, _KGO_evidence)
        src = sorted({a for a in props.get(_PROV_wasDerivedFrom, ()) if a in arts})
        org_label = _labels(idx, os_)[0] if os_ else ""
        first, last = _one(idx, m, _KGO_firstSeen), _one(idx, m, _KGO_lastSeen)
        if ps in out:
            out.nodes[ps]["facts"].setdefault("pos", []).append(
                [role, os_, org_label, ev, src, first, last])
        if os_ in out:
            out.nodes[os_]["facts"].setdefault("mem", []).append(
                [ps, _labels(idx, ps)[0], role, ev, src, first, last])
        if ps in out and os_ in out:
            roles[(ps, os_)].append((role, ev, src))
            spans.setdefault((ps, os_), []).extend(_years(arts, src))
    for n in out.nodes:  # a person's posts in time order (undated ones last)
        pos = out.nodes[n]["facts"].get("pos")
        if pos:
            pos.sort(key=lambda p: (not p[5], p[5], p[6], p[0], p[2], p[1]))
    for (ps, os_), held in sorted(roles.items()):
        names = list(dict.fromkeys(r for r, _, _ in held if r))
        facts = {"roles": names, "ev": [[r, e, s] for r, e, s in held]}
        if years := sorted(set(spans.get((ps, os_), ()))):
            facts["y"] = years
        out.add_edge(ps, os_, kind="member", label="、".join(names), facts=facts)
    relations = list(_RELATIONS)
    if "article" in wanted:
        relations.append((_SDO_mentions, "mentions"))
    for pred, kind in relations:
        pairs = {(s, o) for s in idx for o in idx[s].get(pred, ())}
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


def _trim_in_place(nxg: Net, max_nodes: int, keep: Iterable[str] = ()) -> int:
    """`trim` on a graph nobody else holds: the dropped nodes are removed from it
    (a copy of the kept part costs ten times as much). Returns how many were dropped."""
    kept = _most_connected(nxg, max_nodes, keep)
    if kept is None:
        return 0
    chosen = set(kept)
    dropped = [n for n in nxg if n not in chosen]
    nxg.remove_nodes_from(dropped)
    return len(dropped)


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
_PHYSICS_WORK = 60000  # node-iterations of physics to settle a page, about a second
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


def script_json(value: Any) -> Markup:
    """JSON that is inert inside an HTML <script> element: `<`, `>`, `&`, U+2028 and
    U+2029 are written as \\u escapes, so no text can close the element or start markup."""
    text = json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    for ch, esc in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"),
                    ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        text = text.replace(ch, esc)
    return Markup(text)


def _raw(text: str, element: str) -> Markup:
    """Library code for a <script>/<style> element, with any `</script` or `</style`
    inside it written as `<\\/...` (equivalent in JS strings, regexes and CSS)."""
    return Markup(re.sub(rf"</(?={element})", r"<\\/", text, flags=re.IGNORECASE))


def _vis_assets() -> tuple[str, str]:
    """vis-network's JS and CSS, as pyvis ships them (found without importing pyvis)."""
    spec = find_spec("pyvis")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("pyvis is not installed (graph pages inline its vis-network)")
    lib = Path(next(iter(spec.submodule_search_locations))) / "templates" / "lib" / "vis-9.1.2"
    return ((lib / "vis-network.min.js").read_text(encoding="utf-8"),
            (lib / "vis-network.css").read_text(encoding="utf-8"))


def _csp_hash(script: str) -> str:
    digest = hashlib.sha256(script.encode("utf-8")).digest()
    return "'sha256-" + base64.b64encode(digest).decode() + "'"


def _round(v: float) -> float:
    return round(v, 1) + 0.0  # no "-0.0"


@gc_paused()
def to_html(g: Graph | Triples, *, focus: str | None = None, depth: int = 2,
            types: Sequence[str] = DEFAULT_TYPES, max_nodes: int = DEFAULT_MAX_NODES,
            title: str | None = None) -> str:
    """A self-contained HTML page drawing `g`, an rdflib.Graph or its triples (or the
    part of it within `depth` hops of the entity named `focus`, restricted to `types`,
    at most `max_nodes` nodes).
    Raises LookupError when `focus` names no entity (or too many)."""
    nxg: Net = to_network(g, types)
    total = len(nxg)
    focus_ids: list[str] = []
    if focus is not None:
        focus_ids = find_nodes(nxg, focus)
        nxg = ego(nxg, focus_ids, depth)
    before = len(nxg)
    shown = nxg  # made here: trimmed where it is
    dropped = _trim_in_place(shown, max_nodes, keep=focus_ids)
    if title:
        heading = title
    elif focus_ids:
        names = "、".join(shown.nodes[f]["label"] for f in focus_ids[:3])
        heading = f"kg · {names} ({depth} 层 hops)"
    else:
        heading = "kg · knowledge graph"
    notice = ""
    if dropped:
        notice = (f"只显示连接最多的 {len(shown):,} 个实体（共 {before:,} 个）。 "
                  f"Showing the {len(shown):,} most connected of {before:,} entities "
                  f"(--max-nodes {max_nodes}); use kg viz --focus NAME or --types to see the rest.")
    return _page(shown, focus_ids, heading, notice, total)


def _page(nxg: Net, focus_ids: Sequence[str], heading: str, notice: str, total: int) -> str:
    """Our template filled with the nodes and edges of `nxg` as vis-network takes them
    (the dicts pyvis' Node and Edge make: id, label, shape and the options given; from,
    to, arrows "to" and the options given)."""
    adj = _neighbours(nxg)
    arts: Mapping[str, Mapping[str, str]] = nxg.graph.get("articles", {})
    pos = layout(nxg, roots=focus_ids)
    moving = sum(1 for n in nxg.nodes if adj[n])  # unconnected nodes stay in their grid
    nodes: list[dict[str, Any]] = []
    edges: list[dict[str, Any]] = []
    used_arts: set[str] = set()
    for n in sorted(nxg.nodes):
        d = nxg.nodes[n]
        kind = KIND[d["kind"]]
        x, y = pos[n]
        facts = dict(d["facts"])
        used_arts.update(facts.get("arts", []))
        for key, idx in (("pos", 4), ("mem", 4)):
            for row in facts.get(key, []):
                used_arts.update(row[idx])
        if "art" in facts:
            used_arts.add(facts["art"])
        nodes.append({"id": n, "label": d["label"], "shape": kind.shape, "color": kind.colour,
                      "x": _round(x), "y": _round(y), "value": max(1, len(adj[n])),
                      "kind": d["kind"], "alts": d["alts"], "facts": facts,
                      "deg": len(adj[n]), "physics": bool(adj[n])})
    for i, (a, b, d) in enumerate(sorted(nxg.edges(data=True),
                                         key=lambda e: (e[0], e[1], e[2]["kind"]))):
        ek = EDGE_KIND[d["kind"]]
        # springs around a hub are longer, so that its edges' role labels have room
        hub = max(len(adj[a]), len(adj[b]))
        opts: dict[str, Any] = {"id": f"e{i}", "from": a, "to": b, "arrows": "to",
                                "kind": d["kind"], "color": ek.colour, "dashes": ek.dashes,
                                "length": min(320, max(120, 20 * hub))}
        if d["kind"] == "member" and d["label"]:  # only roles are written on edges
            opts["label"] = d["label"]
        if d["facts"]:
            opts["facts"] = d["facts"]
            for _, _, src in d["facts"].get("ev", []):
                used_arts.update(src)
        edges.append(opts)

    kinds_present = sorted({d["kind"] for _, d in nxg.nodes(data=True)},
                           key=[k.key for k in KINDS].index)
    counts = {k: sum(1 for _, d in nxg.nodes(data=True) if d["kind"] == k) for k in kinds_present}
    edge_kinds = sorted({d["kind"] for _, _, d in nxg.edges(data=True)},
                        key=[e.key for e in EDGE_KINDS].index)
    data = {
        "articles": {a: dict(arts[a]) for a in sorted(used_arts) if a in arts},
        "focus": list(focus_ids),
        "kinds": {k.key: {"zh": k.zh, "en": k.en, "colour": k.colour, "shape": k.shape}
                  for k in KINDS},
        "edgeKinds": {e.key: {"zh": e.zh, "en": e.en} for e in EDGE_KINDS},
    }
    vis_js, vis_css = _vis_assets()
    js, app_js = _raw(vis_js, "script"), _raw(_APP_JS, "script")
    legend = "".join(
        _fill(_KIND_ITEM, key=k.key, zh=k.zh, en=k.en, count=counts[k.key],
              symbol=Markup(_fill(_SYMBOLS.get(k.shape, _SYMBOLS["star"]), colour=k.colour)))
        for k in (KIND[key] for key in kinds_present))
    isolated = sum(1 for n in nxg.nodes if not adj[n])
    years = _year_range(nxg)
    return _fill(
        _TEMPLATE, heading=heading, n_nodes=len(nodes), n_edges=nxg.number_of_edges(),
        in_graph=Markup(_fill(_IN_GRAPH, total=total) if total != len(nodes) else ""),
        notice=Markup(_fill(_NOTICE, notice=notice) if notice else ""),
        kinds=Markup(legend),
        isolated=Markup(_fill(_ISOLATED, count=isolated) if isolated else ""),
        years=Markup(_fill(_YEARS, lo=years[0], hi=years[1]) if years else ""),
        edge_kinds=Markup("".join(
            _fill(_EDGE_ITEM, colour=e.colour, zh=e.zh, en=e.en,
                  dashes=Markup(_DASHES if e.dashes else ""))
            for e in (EDGE_KIND[key] for key in edge_kinds))),
        data=script_json(data), nodes=script_json(nodes), edges=script_json(edges),
        options=script_json(_options(moving, len(nxg))),
        vis_js=js, vis_css=_raw(vis_css, "style"), app_js=app_js, page_css=Markup(_PAGE_CSS),
        csp_scripts=Markup(" ".join(sorted({_csp_hash(str(js)), _csp_hash(str(app_js))}))),
    )


def _year_range(nxg: Net) -> list[int]:
    """[first, last] year of the drawn entities' dated articles ([] when none is dated)."""
    years = [y for n in nxg.nodes for y in nxg.nodes[n].get("facts", {}).get("y", ())]
    return [min(years), max(years)] if years else []


def _options(moving: int, total: int) -> dict[str, Any]:
    """vis-network options: a bounded physics run from our layout, then frozen (by the
    page's script), when `moving` nodes are few enough for it to take about a second."""
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
            "scaling": {"min": 8, "max": 26,
                        "label": {"enabled": True, "min": 14, "max": 19,
                                  "drawThreshold": 5, "maxVisible": 26}},
        },
        "edges": {
            "arrows": {"to": {"enabled": True, "scaleFactor": 0.45}},
            "smooth": False, "width": 1.2, "selectionWidth": 1.5,
            "font": {"face": font, "size": 12, "color": "#8a2f33", "strokeWidth": 3,
                     "strokeColor": "#ffffff", "align": "horizontal"},
        },
    }


def dumps_json(g: Graph) -> str:
    """The entity network as node-link JSON (sorted, deterministic)."""
    import networkx as nx

    nxg = to_networkx(g)
    return json.dumps(nx.node_link_data(nxg, edges="links"), ensure_ascii=False, sort_keys=True)


# the page; every value is filled in as text escaped for HTML, or as a script or style
# block made safe by _raw / script_json
_TEMPLATE = """<!DOCTYPE html>
<html lang="zh">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; \
script-src {csp_scripts}; style-src 'unsafe-inline'; img-src data:; font-src data:">
<meta name="generator" content="kg (pyvis, vis-network 9.1.2)">
<title>{heading}</title>
<style>{vis_css}</style>
<style>{page_css}</style>
</head>
<body>
<div id="kg-app">
<aside id="kg-side">
<header>
<h1>{heading}</h1>
<p class="kg-stats">{n_nodes} 实体 entities · {n_edges} 关系 relations{in_graph}</p>
{notice}
</header>
<div class="kg-search">
<input id="kg-search" type="search" placeholder="搜索名称 search a name" autocomplete="off" \
aria-label="search a name">
<ol id="kg-results"></ol>
</div>
<section id="kg-legend" aria-label="legend">
<h2>图例 legend</h2>
<ul class="kg-types">
{kinds}{isolated}</ul>
<ul class="kg-edges">
{edge_kinds}</ul>{years}
<p class="kg-hint">大小 = 关系数 size = connections. 点击节点 click a node: its neighbourhood \
and facts; click empty space to reset.</p>
<button type="button" id="kg-reset">重置 reset view</button>
</section>
<section id="kg-panel" aria-live="polite"><p class="kg-hint">点击节点查看详情 \
Click a node to see its facts.</p></section>
</aside>
<main id="kg-network"></main>
</div>
<script type="application/json" id="kg-data">{data}</script>
<script type="application/json" id="kg-nodes">{nodes}</script>
<script type="application/json" id="kg-edges">{edges}</script>
<script type="application/json" id="kg-options">{options}</script>
<script>{vis_js}</script>
<script>{app_js}</script>
</body>
</html>
"""
_IN_GRAPH = " · {total} in the graph"
_NOTICE = '<p class="kg-notice" id="kg-notice">{notice}</p>'
_KIND_ITEM = (
    '<li><label><input type="checkbox" data-kind="{key}" checked>'
    '<svg width="16" height="16" viewBox="0 0 16 16" aria-hidden="true">{symbol}</svg>'
    '<span>{zh} {en}</span><span class="kg-count">{count}</span></label></li>\n'
)
_SYMBOLS = {
    "dot": '<circle cx="8" cy="8" r="6" fill="{colour}"/>',
    "square": '<rect x="2" y="2" width="12" height="12" fill="{colour}"/>',
    "triangle": '<polygon points="8,1 15,14 1,14" fill="{colour}"/>',
    "diamond": '<polygon points="8,1 15,8 8,15 1,8" fill="{colour}"/>',
    "star": '<polygon points="8,1 10,6 15,6 11,9 13,15 8,11 3,15 5,9 1,6 6,6" '
            'fill="{colour}"/>',
}
_YEARS = (
    '<div class="kg-years"><label>年份 years <input type="number" id="kg-from" min="{lo}" '
    'max="{hi}" value="{lo}" aria-label="from year"></label> – <input type="number" '
    'id="kg-to" min="{lo}" max="{hi}" value="{hi}" aria-label="to year"></div>'
)
_ISOLATED = (
    '<li><label><input type="checkbox" id="kg-isolated" checked>'
    '<span class="kg-iso">无关系 unconnected</span><span class="kg-count">{count}</span>'
    '</label></li>\n'
)
_EDGE_ITEM = (
    '<li><svg width="26" height="10" viewBox="0 0 26 10" aria-hidden="true">'
    '<line x1="1" y1="5" x2="25" y2="5" stroke="{colour}" stroke-width="2"{dashes}/></svg>'
    '<span>{zh} {en}</span></li>\n'
)
_DASHES = ' stroke-dasharray="4 3"'


def _fill(text: str, **values: object) -> str:
    """`text.format` with every value escaped for HTML (markup made safe already, such
    as script_json's, is kept as it is)."""
    return text.format(**{k: escape(v) for k, v in values.items()})


_PAGE_CSS = """
html, body { margin: 0; height: 100%; }
body { font: 14px/1.45 "Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC",
  "Microsoft YaHei", system-ui, sans-serif; color: #222; background: #fff; }
#kg-app { display: flex; height: 100vh; }
#kg-side { flex: 0 0 300px; width: 300px; box-sizing: border-box; overflow-y: auto;
  border-right: 1px solid #ddd; background: #fafafa; padding: 10px 12px; }
#kg-network { flex: 1 1 auto; position: relative; min-width: 0; height: 100vh; }
h1 { font-size: 17px; margin: 0 0 2px; word-break: break-all; }
h2 { font-size: 13px; margin: 10px 0 4px; color: #555; font-weight: 600; }
.kg-stats { margin: 0; color: #666; font-size: 12px; }
.kg-notice { margin: 6px 0; padding: 6px 8px; background: #fff4d6; border: 1px solid #e8c66a;
  border-radius: 4px; font-size: 12px; }
.kg-search { position: relative; margin-top: 10px; }
#kg-search { width: 100%; box-sizing: border-box; padding: 6px 8px; font: inherit;
  border: 1px solid #bbb; border-radius: 4px; }
#kg-results { list-style: none; margin: 2px 0 0; padding: 0; }
#kg-results button { display: block; width: 100%; text-align: left; border: 0;
  background: #fff; padding: 4px 8px; font: inherit; cursor: pointer;
  border-bottom: 1px solid #eee; }
#kg-results button:hover, #kg-results button:focus { background: #e8f0fb; }
.kg-hint { color: #777; font-size: 11px; }
.kg-sw { display: inline-block; width: 9px; height: 9px; margin-right: 6px; border-radius: 2px; }
ul.kg-types, ul.kg-edges { list-style: none; margin: 0; padding: 0; }
ul.kg-types label, ul.kg-edges li { display: flex; align-items: center; gap: 6px;
  padding: 1px 0; cursor: pointer; }
ul.kg-edges li { cursor: default; font-size: 12px; color: #444; }
.kg-count { margin-left: auto; color: #777; font-size: 12px; }
.kg-iso { color: #555; }
.kg-hint { color: #777; font-size: 12px; margin: 6px 0; }
#kg-reset { font: inherit; font-size: 12px; padding: 3px 10px; border: 1px solid #bbb;
  border-radius: 4px; background: #fff; cursor: pointer; }
#kg-panel { margin-top: 12px; border-top: 1px solid #ddd; padding-top: 6px; }
#kg-panel h2.kg-title { font-size: 17px; color: #111; margin: 4px 0; }
#kg-panel .kg-kind { color: #555; font-size: 12px; }
#kg-panel ul { margin: 2px 0 6px; padding-left: 16px; }
#kg-panel li { margin: 2px 0; }
#kg-panel blockquote { margin: 2px 0 4px; padding: 2px 6px; border-left: 3px solid #ddd;
  color: #444; font-size: 12px; background: #fff; }
#kg-panel .kg-src, #kg-panel .kg-iri { color: #777; font-size: 11px; word-break: break-all; }
.kg-link { border: 0; background: none; padding: 0; color: #1f5fa8; cursor: pointer;
  font: inherit; text-decoration: underline dotted; }
.vis-tooltip { max-width: 360px; white-space: normal !important; font: 12px/1.4
  "Noto Sans CJK SC", "Source Han Sans SC", sans-serif !important; background: #fff !important;
  border: 1px solid #bbb !important; padding: 6px 8px !important; }
.kg-tip b { font-size: 13px; }
.kg-tip .kg-muted { color: #666; }
.kg-when { color: #555; font-size: 12px; font-variant-numeric: tabular-nums; }
.kg-years { margin: 6px 0; font-size: 13px; }
.kg-years input { width: 5em; }
"""

_APP_JS = r"""
(function () {
  "use strict";
  function json(id) { return JSON.parse(document.getElementById(id).textContent); }
  var DATA = json("kg-data"), NODES = json("kg-nodes"), EDGES = json("kg-edges");
  var OPTIONS = json("kg-options");
  var FADED = { background: "#eeeeee", border: "#dddddd",
                highlight: { background: "#eeeeee", border: "#999999" } };
  var EDGE_FONT = "#8a2f33", NODE_FONT = "#222222";
  var byId = {}, edgeById = {}, adj = {};
  NODES.forEach(function (n) {
    byId[n.id] = n; adj[n.id] = [];
    n.baseColor = { background: n.color, border: shade(n.color),
                    highlight: { background: n.color, border: "#111111" },
                    hover: { background: n.color, border: "#111111" } };
  });
  EDGES.forEach(function (e) {
    edgeById[e.id] = e;
    e.baseColor = { color: e.color, highlight: "#333333", hover: "#555555", opacity: 0.9 };
    if (adj[e.from] && adj[e.to]) { adj[e.from].push(e.id); adj[e.to].push(e.id); }
  });

  function shade(hex) {
    var v = parseInt(hex.slice(1), 16), r = (v >> 16) & 255, g = (v >> 8) & 255, b = v & 255;
    function f(c) { return ("0" + Math.round(c * 0.72).toString(16)).slice(-2); }
    return "#" + f(r) + f(g) + f(b);
  }
  // every piece of page text goes through textContent: it can never become markup
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) { e.className = cls; }
    if (text !== undefined && text !== null) { e.textContent = String(text); }
    return e;
  }
  function kindName(k) { var d = DATA.kinds[k]; return d ? d.zh + " " + d.en : k; }
  function cut(s, n) { s = String(s || ""); return s.length > n ? s.slice(0, n - 1) + "…" : s; }
  function base(path) { return String(path || "").split("/").pop(); }
  function artText(id) {
    var a = DATA.articles[id] || {}, file = base(a.f);
    var text = a.h ? a.h + (file ? " (" + file + ")" : "") : (file || id);
    return text + (a.d ? " " + a.d : "");
  }

  function nodeTip(n) {
    var t = el("div", "kg-tip"), f = n.facts || {};
    t.appendChild(el("b", null, n.label));
    t.appendChild(el("div", "kg-muted", kindName(n.kind) + (f.lvl ? " · " + f.lvl : "") +
                     " · " + n.deg + " 关系 connections"));
    if (n.alts && n.alts.length) {
      t.appendChild(el("div", null, "别名 aliases: " + cut(n.alts.join("、"), 120)));
    }
    (f.pos || []).slice(0, 4).forEach(function (p) {
      t.appendChild(el("div", null, "职务 " + p[0] + (p[2] ? " · " + p[2] : "")));
    });
    (f.mem || []).slice(0, 4).forEach(function (m) {
      t.appendChild(el("div", null, "成员 " + m[1] + " · " + m[2]));
    });
    var first = (f.pos && f.pos[0]) || (f.mem && f.mem[0]);
    if (first && first[3]) { t.appendChild(el("div", "kg-muted", "“" + cut(first[3], 140) + "”")); }
    var src = (first && first[4][0]) || (f.arts && f.arts[0]) || f.art;
    if (src) { t.appendChild(el("div", "kg-muted", "来源 source: " + cut(artText(src), 90))); }
    return t;
  }
  function edgeTip(e) {
    var t = el("div", "kg-tip"), k = DATA.edgeKinds[e.kind];
    t.appendChild(el("b", null, byId[e.from].label + " → " + (e.label || k.zh) + " → " +
                     byId[e.to].label));
    t.appendChild(el("div", "kg-muted", k.zh + " " + k.en));
    ((e.facts && e.facts.ev) || []).slice(0, 3).forEach(function (r) {
      t.appendChild(el("div", null, r[0] + ": “" + cut(r[1], 140) + "”"));
      if (r[2][0]) {
        t.appendChild(el("div", "kg-muted", "来源 source: " + cut(artText(r[2][0]), 90)));
      }
    });
    return t;
  }

  // vis-network gets the drawing fields only: it copies every field of every item
  var nodes = new vis.DataSet(NODES.map(function (n) {
    return { id: n.id, label: n.label, shape: n.shape, color: n.baseColor, x: n.x, y: n.y,
             value: n.value, physics: n.physics };
  }));
  var edges = new vis.DataSet(EDGES.map(function (e) {
    return { id: e.id, from: e.from, to: e.to, label: e.label, arrows: e.arrows,
             color: e.baseColor, dashes: e.dashes, length: e.length };
  }));
  var container = document.getElementById("kg-network");
  var network = new vis.Network(container, {}, OPTIONS);
  var faded = false;

  // tooltips are built when first hovered, which keeps start-up fast on big graphs
  network.on("hoverNode", function (p) {
    var n = byId[p.node];
    if (n && !n.tipDone) { n.tipDone = true; nodes.update({ id: n.id, title: nodeTip(n) }); }
  });
  network.on("hoverEdge", function (p) {
    var e = edgeById[p.edge];
    if (e && !e.tipDone) { e.tipDone = true; edges.update({ id: e.id, title: edgeTip(e) }); }
  });

  function highlight(id) {
    var keep = {}, ekeep = {};
    keep[id] = true;
    adj[id].forEach(function (eid) {
      var e = edgeById[eid];
      ekeep[eid] = keep[e.from] = keep[e.to] = true;
    });
    nodes.update(NODES.map(function (n) {
      return keep[n.id] ? { id: n.id, color: n.baseColor, font: { color: NODE_FONT } }
        : { id: n.id, color: FADED, font: { color: "rgba(0,0,0,0.18)" } };
    }));
    edges.update(EDGES.map(function (e) {
      return ekeep[e.id] ? { id: e.id, color: e.baseColor, font: { color: EDGE_FONT } }
        : { id: e.id, color: { color: "#e3e3e3", opacity: 0.5 }, font: { color: "rgba(0,0,0,0)" } };
    }));
    faded = true;
  }
  function unhighlight() {
    if (!faded) { return; }
    nodes.update(NODES.map(function (n) {
      return { id: n.id, color: n.baseColor, font: { color: NODE_FONT } };
    }));
    edges.update(EDGES.map(function (e) {
      return { id: e.id, color: e.baseColor, font: { color: EDGE_FONT } };
    }));
    faded = false;
  }

  // the side panel: the selected entity's facts
  var panel = document.getElementById("kg-panel");
  function link(id, text) {
    var b = el("button", "kg-link", text);
    b.type = "button";
    b.addEventListener("click", function () { select(id, true, true); });
    return b;
  }
  function sources(parent, ids) {
    (ids || []).forEach(function (a) {
      parent.appendChild(el("div", "kg-src", "来源 " + artText(a)));
    });
  }
  function showPanel(id) {
    var n = byId[id], f = n.facts || {};
    panel.textContent = "";
    panel.appendChild(el("h2", "kg-title", n.label));
    panel.appendChild(el("div", "kg-kind", kindName(n.kind) + (f.lvl ? " · " + f.lvl : "") +
      (f.code ? " · " + f.code : "") + (f.n ? " · 提及 " + f.n + " 次 mentions" : "")));
    if (n.alts && n.alts.length) {
      panel.appendChild(el("h2", null, "别名 aliases"));
      panel.appendChild(el("div", "kg-alts", n.alts.join("、")));
    }
    function facts(title, rows, render) {
      if (!rows || !rows.length) { return; }
      panel.appendChild(el("h2", null, title));
      var ul = el("ul");
      rows.forEach(function (r) { var li = el("li"); render(li, r); ul.appendChild(li); });
      panel.appendChild(ul);
    }
    function when(first, last) {
      return first ? first + (last && last !== first ? " – " + last : "") : "";
    }
    facts("职务 positions", f.pos, function (li, p) {
      if (p[5]) { li.appendChild(el("div", "kg-when", when(p[5], p[6]))); }
      li.appendChild(el("b", null, p[0]));
      if (p[2]) {
        li.appendChild(document.createTextNode(" · "));
        li.appendChild(byId[p[1]] ? link(p[1], p[2]) : el("span", null, p[2]));
      }
      if (p[3]) { li.appendChild(el("blockquote", null, p[3])); }
      sources(li, p[4]);
    });
    facts("成员 members", f.mem, function (li, m) {
      li.appendChild(byId[m[0]] ? link(m[0], m[1]) : el("span", null, m[1]));
      li.appendChild(document.createTextNode(" · "));
      li.appendChild(el("b", null, m[2]));
      if (m[5]) { li.appendChild(el("span", "kg-when", " " + when(m[5], m[6]))); }
      if (m[3]) { li.appendChild(el("blockquote", null, m[3])); }
      sources(li, m[4]);
    });
    var rel = adj[id].map(function (eid) { return edgeById[eid]; })
      .filter(function (e) { return e.kind !== "member"; });
    facts("关系 relations", rel, function (li, e) {
      var out = e.from === id, other = out ? e.to : e.from, k = DATA.edgeKinds[e.kind];
      li.appendChild(el("span", "kg-kind", (out ? "" : "← ") + k.zh + (out ? " → " : " ")));
      li.appendChild(link(other, byId[other].label));
    });
    facts("来源 sources", f.arts, function (li, a) { li.textContent = artText(a); });
    if (f.art) { panel.appendChild(el("div", "kg-src", artText(f.art))); }
    panel.appendChild(el("div", "kg-iri", n.id));
  }

  // type filters and the unconnected-entities switch
  var boxes = Array.prototype.slice.call(document.querySelectorAll("input[data-kind]"));
  var iso = document.getElementById("kg-isolated");
  // the year range: entities and posts seen in articles of those years
  var from = document.getElementById("kg-from"), to = document.getElementById("kg-to");
  function inYears(ys, lo, hi) {
    if (!ys) { return false; }
    for (var i = 0; i < ys.length; i++) { if (ys[i] >= lo && ys[i] <= hi) { return true; } }
    return false;
  }
  function yearRange() {
    if (!from || !to) { return null; }
    var lo = parseInt(from.value, 10), hi = parseInt(to.value, 10);
    var min = parseInt(from.min, 10), max = parseInt(to.max, 10);
    if (isNaN(lo)) { lo = min; }
    if (isNaN(hi)) { hi = max; }
    return lo <= min && hi >= max ? null : [lo, hi];
  }
  function applyFilters() {
    var on = {}, showIso = !iso || iso.checked, range = yearRange();
    boxes.forEach(function (b) { on[b.getAttribute("data-kind")] = b.checked; });
    nodes.update(NODES.map(function (n) {
      var out = range && !inYears((n.facts || {}).y, range[0], range[1]);
      return { id: n.id, hidden: !on[n.kind] || (!showIso && n.deg === 0) || !!out };
    }));
    edges.update(EDGES.filter(function (e) { return e.kind === "member"; }).map(function (e) {
      var ys = e.facts && e.facts.y;
      return { id: e.id, hidden: !!(range && ys && !inYears(ys, range[0], range[1])) };
    }));
  }
  boxes.forEach(function (b) { b.addEventListener("change", applyFilters); });
  if (iso) { iso.addEventListener("change", applyFilters); }
  [from, to].forEach(function (i) { if (i) { i.addEventListener("change", applyFilters); } });

  function select(id, fade, move) {
    var n = byId[id];
    if (!n) { return; }
    var box = boxes.filter(function (b) { return b.getAttribute("data-kind") === n.kind; })[0];
    if ((box && !box.checked) || (iso && !iso.checked && n.deg === 0)) {
      if (box) { box.checked = true; }
      if (iso && n.deg === 0) { iso.checked = true; }
      applyFilters();
    }
    network.selectNodes([id]);
    if (fade) { highlight(id); } else { unhighlight(); }
    showPanel(id);
    if (move) {
      network.focus(id, { scale: Math.max(network.getScale(), 1), animation: { duration: 400 } });
    }
  }
  network.on("click", function (p) {
    if (p.nodes.length) { select(p.nodes[0], true, false); }
    else if (!p.edges.length) { unhighlight(); }
  });

  // search: exact name, exact alias, name prefix, then any part of a name or an alias
  var input = document.getElementById("kg-search");
  var results = document.getElementById("kg-results");
  var SEP = "\u0001";
  function squash(s) { return String(s).replace(/\s+/g, "").toLowerCase(); }
  var index = NODES.map(function (n) {  // spaces ignored, as OCR puts them inside names
    return { id: n.id, label: squash(n.label),
             alts: SEP + (n.alts || []).map(squash).join(SEP) + SEP };
  });
  function rank(r, q) {
    if (r.label === q) { return 0; }
    if (r.alts.indexOf(SEP + q + SEP) >= 0) { return 1; }
    var at = r.label.indexOf(q);
    return at === 0 ? 2 : at > 0 ? 3 : r.alts.indexOf(q) >= 0 ? 4 : -1;
  }
  function search(q) {
    q = squash(q);
    if (!q) { return []; }
    var hits = [];
    index.forEach(function (r) {
      var s = rank(r, q);
      if (s >= 0) { hits.push([s, r.label.length, r.label, r.id]); }
    });
    hits.sort(function (a, b) {
      return a[0] - b[0] || a[1] - b[1] || (a[2] < b[2] ? -1 : a[2] > b[2] ? 1 : 0);
    });
    return hits.slice(0, 12).map(function (h) { return h[3]; });
  }
  // what tells namesakes apart in a list of hits: a person's post attested most often
  function mainPost(n) {
    var pos = (n.facts && n.facts.pos) || [], best = null;
    pos.forEach(function (p) {
      if (!best || p[4].length > best[4].length) { best = p; }
    });
    return best ? (best[2] || "") + best[0] : "";
  }
  function showResults() {
    results.textContent = "";
    search(input.value).forEach(function (id) {
      var n = byId[id], li = el("li"), b = el("button"), sw = el("span", "kg-sw");
      b.type = "button";
      sw.style.background = DATA.kinds[n.kind].colour;
      b.appendChild(sw);
      b.appendChild(document.createTextNode(n.label));
      var post = mainPost(n);
      if (post) { b.appendChild(el("span", "kg-hint", " · " + post)); }
      b.addEventListener("click", function () { select(id, true, true); });
      li.appendChild(b);
      results.appendChild(li);
    });
  }
  input.addEventListener("input", showResults);
  input.addEventListener("keydown", function (ev) {
    if (ev.key === "Enter") {
      var hit = search(input.value)[0];
      if (hit) { select(hit, true, true); }
    }
    if (ev.key === "Escape") { input.value = ""; results.textContent = ""; }
  });

  function ids(list) { return list.map(function (n) { return n.id; }); }
  var connected = ids(NODES.filter(function (n) { return n.deg > 0; }));
  var isolated = ids(NODES.filter(function (n) { return n.deg === 0; }));
  function fitStart() {
    network.fit({ nodes: connected.length ? connected : isolated, animation: false });
    if (network.getScale() > 1.2) {
      network.moveTo({ position: network.getViewPosition(), scale: 1.2, animation: false });
    }
  }
  // after the physics settled, put the grid of unconnected entities below the network
  function placeIsolated() {
    if (!connected.length || !isolated.length) { return; }
    var a = box(network.getPositions(connected)), b = box(network.getPositions(isolated));
    var dx = (a.x0 + a.x1) / 2 - (b.x0 + b.x1) / 2, dy = a.y1 + 160 - b.y0;
    isolated.forEach(function (id) { network.moveNode(id, b.at[id].x + dx, b.at[id].y + dy); });
  }
  function box(at) {
    var r = { x0: Infinity, x1: -Infinity, y0: Infinity, y1: -Infinity, at: at };
    Object.keys(at).forEach(function (id) {
      var p = at[id];
      r.x0 = Math.min(r.x0, p.x); r.x1 = Math.max(r.x1, p.x);
      r.y0 = Math.min(r.y0, p.y); r.y1 = Math.max(r.y1, p.y);
    });
    return r;
  }
  document.getElementById("kg-reset").addEventListener("click", function () {
    network.unselectAll(); unhighlight(); input.value = ""; results.textContent = "";
    boxes.forEach(function (b) { b.checked = true; });
    if (iso) { iso.checked = true; }
    applyFilters();
    fitStart();
  });

  // the entity named after # in the page's address; a malformed one is ignored
  function fromLink() {
    try { return decodeURIComponent((location.hash || "").slice(1)); } catch (e) { return ""; }
  }

  function ready() {
    fitStart();
    var start = fromLink();
    var hit = start ? search(start)[0] : null;
    if (hit) { select(hit, true, false); }
    else if (DATA.focus.length) { select(DATA.focus[0], false, false); }
    network.once("afterDrawing", function () {
      document.body.setAttribute("data-kg-drawn", String(Math.round(performance.now())));
    });
    network.redraw();
  }
  // stabilise with physics once, then freeze it: the drawing no longer moves
  network.once("stabilizationIterationsDone", function () {
    network.setOptions({ physics: { enabled: false } });
    placeIsolated();
    ready();
  });
  window.kg = { network: network, select: select, search: search };  // for the console
  network.setData({ nodes: nodes, edges: edges });
  if (!OPTIONS.physics.enabled) { ready(); }
}());
"""
