"""Cross-article resolution: one entity per real thing, stable IRIs.

- Home city per page: forced by the user, else the prefecture-level city the page
  names most (我市 / 本市 are read as that city).
- Relative names are anchored to the home city (市委 -> 漯河市委, 省教育厅 -> 河南省教育厅),
  keeping the written form as an alias. Names relative to an unknown district (区委)
  are scoped to their page, so two pages' 区委 never merge without evidence.
- Persons merge by name within a home city; organizations by canonical name;
  places by gazetteer identity (code) or by name within a home city; programmes by
  their bare name (五星支部 = “五星”支部).
- IRIs are readable slugs of those keys, so the same corpus gives the same IRIs.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from kg import lexicon
from kg.extract.programs import base_name
from kg.model import Extraction, Mention

_RELATIVE_CITY = re.compile(r"^市(?!场|民|区|直)")
_RELATIVE_PROVINCE = re.compile(r"^省(?!内|外|级)")
_RELATIVE_LOCAL = re.compile(r"^(?:区|县|镇|乡)(?!域|级|内|外)")
_IRI_UNSAFE = re.compile(r"[^\w\u3400-\u9fff-]")


@lru_cache(maxsize=1 << 16)
def slug(text: str) -> str:
    """A readable IRI path segment: letters, digits and CJK kept, anything else
    replaced, plus a short hash when something was replaced (no collisions)."""
    safe = _IRI_UNSAFE.sub("_", text)
    if safe != text:
        safe += "-" + hashlib.sha1(text.encode("utf-8")).hexdigest()[:6]
    return safe or hashlib.sha1(text.encode("utf-8")).hexdigest()[:10]


@dataclass
class Entity:
    kind: str  # person | org | place | program
    key: str  # IRI path
    label: str
    alts: set[str] = field(default_factory=set)
    articles: set[str] = field(default_factory=set)
    count: int = 0
    level: str = ""  # places: kind of place
    code: str = ""  # places: division code
    parents: set[str] = field(default_factory=set)  # keys of containing places / parent orgs
    sites: set[str] = field(default_factory=set)  # orgs: place keys
    runners: set[str] = field(default_factory=set)  # programmes: org keys
    where: set[str] = field(default_factory=set)  # programmes: place keys


@dataclass
class Membership:
    key: str
    person: str
    role: str
    org: str | None
    evidence: str
    start: int
    end: int
    rule: str
    article: str
    articles: set[str] = field(default_factory=set)


@dataclass
class ArticleInfo:
    key: str
    source: str
    index: int
    title: str | None
    date: str | None
    home_city: str | None


@dataclass
class Resolved:
    entities: dict[str, Entity]
    memberships: dict[str, Membership]
    articles: dict[str, ArticleInfo]
    roles: set[str]


def article_key(ex: Extraction) -> str:
    a = ex.article
    stem = a.page.rsplit("/", 1)[-1].rsplit(".", 1)[0]
    return f"article/{slug(stem)}-{a.page_digest[:8]}-{a.index:03d}"


def home_city(extractions: Iterable[Extraction], forced: str | None = None) -> str | None:
    """The prefecture-level city a page is about (full name, e.g. 漯河市)."""
    if forced:
        return canonical_city(forced)
    extractions = list(extractions)
    votes: Counter[str] = Counter()
    first: dict[str, int] = {}
    pos = 0
    for ex in extractions:
        for m in ex.mentions:
            if m.label == "place" and m.kind == "city":
                votes[m.name] += 1
                first.setdefault(m.name, pos)
                pos += 1
    if not votes:
        # no city named: the city that the named counties and districts belong to
        divs = lexicon.divisions()
        for ex in extractions:
            for m in ex.mentions:
                if m.label == "place" and m.kind == "county":
                    for d in lexicon.divisions_by_name().get(m.name, ())[:1]:
                        parent = divs.get(d.parent)
                        if parent is not None and parent.level == "city":
                            votes[parent.name] += 1
                            first.setdefault(parent.name, pos)
                            pos += 1
    if not votes:
        return None
    return sorted(votes, key=lambda c: (-votes[c], first[c]))[0]


def canonical_city(name: str) -> str:
    """`漯河` or `漯河市` -> `漯河市`; unknown names are kept as given."""
    for d in lexicon.divisions_by_name().get(name, ()):
        if d.level == "city" or (d.level == "province" and d.name.endswith("市")):
            return d.name
    return name if name.endswith("市") else name + "市"


@lru_cache(maxsize=1 << 16)
def _org_label(name: str, city: str | None, county: str | None) -> tuple[str, bool]:
    """The organization's full name on a page of `city` about `county`, and whether
    it is still relative (区委 with no district to anchor it: kept to its page)."""
    province = _province_of(city)
    if county and name[:1] in "县区" and county.endswith(name[0]) and len(name) > 1:
        label = county + name[1:]
    elif city and _RELATIVE_CITY.match(name):
        label = city + name[1:]
    elif city and name.startswith("团市委"):
        label = "共青团" + city + "委"
    elif province and _RELATIVE_PROVINCE.match(name):
        label = province + name[1:]
    else:
        label = name
    return label, bool(_RELATIVE_LOCAL.match(label) or (not city and _RELATIVE_CITY.match(label)))


@lru_cache(maxsize=1 << 16)
def _province_of(city: str | None) -> str | None:
    if not city:
        return None
    divs = lexicon.divisions()
    for d in lexicon.divisions_by_name().get(city, ()):
        if d.level == "city" and d.parent in divs:
            return divs[d.parent].name
    return None


@lru_cache(maxsize=1 << 16)
def short(name: str) -> str:
    """许昌市 -> 许昌 (the form used inside organization names like 许昌职业技术学院)."""
    for d in lexicon.divisions_by_name().get(name, ()):
        if d.aliases:
            return d.aliases[0]
    return name


class _Resolver:
    def __init__(self) -> None:
        self.entities: dict[str, Entity] = {}
        self.memberships: dict[str, Membership] = {}
        self.articles: dict[str, ArticleInfo] = {}
        self.roles: set[str] = set()

    def entity(self, kind: str, key: str, label: str, surface: str, art: str) -> Entity:
        e = self.entities.get(key)
        if e is None:
            e = self.entities[key] = Entity(kind, key, label)
        if surface and surface != e.label:
            e.alts.add(surface)
        e.articles.add(art)
        e.count += 1
        return e

    # --- organizations -------------------------------------------------------
    def org_name(
        self, name: str, city: str | None, page: str, county: str | None = None
    ) -> tuple[str, str]:
        """(canonical label, key) for an organization name as written. `county` is the
        one county or district the article is about, for 县委 / 区政府."""
        label, local = _org_label(name, city, county)
        if local:
            return label, f"org/{page[:8]}/{slug(label)}"
        return label, f"org/{slug(label)}"

    def org(
        self, name: str, city: str | None, page: str, art: str, county: str | None = None
    ) -> Entity:
        label, key = self.org_name(name, city, page, county)
        return self.entity("org", key, label, name, art)

    # --- places --------------------------------------------------------------
    def place(self, m: Mention, city: str | None, art: str) -> Entity | None:
        d = _division(m.name, city)
        if d is not None:
            if m.text != d.name and d.level == "county" and city and not _within(d.code, city):
                return None  # a far county's short form in ordinary prose (南和, 九龙)
            e = self.entity("place", f"place/{d.code}", d.name, m.text, art)
            e.level, e.code = d.level, d.code
            return e
        scope = (
            f"{slug(short(city))}/"
            if city and m.kind in ("town", "village", "community", "neighbourhood", "zone", "venue")
            else ""
        )
        e = self.entity("place", f"place/{scope}{slug(m.name)}", m.name, m.text, art)
        e.alts.update(a for a in m.alts if a != e.label)
        e.level = e.level or m.kind
        return e


@lru_cache(maxsize=1 << 16)
def _within(code: str, city: str) -> bool:
    """The division of `code` lies in the home city's province."""
    divs = lexicon.divisions()
    home = [c for c in lexicon.divisions_by_name().get(city, ()) if c.level == "city"]
    provinces = {c.parent for c in home}
    while code:
        if code in provinces:
            return True
        code = divs[code].parent if code in divs else ""
    return False


@lru_cache(maxsize=1 << 16)
def _division(name: str, city: str | None) -> lexicon.Division | None:
    """The division a place name stands for on a page of `city` (None: not one)."""
    divs = lexicon.divisions_by_name().get(name, ())
    return _pick_division(divs, city) if divs else None


def _pick_division(divs: tuple[lexicon.Division, ...], city: str | None) -> lexicon.Division:
    """Among divisions sharing a name, the one inside the home city, else its
    province, else the first by code."""
    if len(divs) == 1 or not city:
        return divs[0]
    all_divs = lexicon.divisions()
    city_codes = {d.code for d in lexicon.divisions_by_name().get(city, ())}
    for d in divs:
        if d.parent in city_codes or d.code in city_codes:
            return d
    prov = {all_divs[c].parent for c in city_codes if c in all_divs}
    for d in divs:
        if d.parent in prov or (d.parent in all_divs and all_divs[d.parent].parent in prov):
            return d
    return divs[0]


def resolve(pages: Iterable[tuple[Sequence[Extraction], str | None]]) -> Resolved:
    """Merge the extractions of every page (each with its home city) into entities.
    `pages` may be a stream: each page is read once, in order."""
    r = _Resolver()
    for exs, city in pages:
        for ex in exs:
            _resolve_article(r, ex, city)
    _gazetteer_parents(r)
    return Resolved(r.entities, r.memberships, r.articles, r.roles)


@lru_cache(maxsize=1 << 16)
def _person_key(name: str, city: str | None) -> str:
    return f"person/{slug(short(city))}/{slug(name)}" if city else f"person/{slug(name)}"


def _resolve_article(r: _Resolver, ex: Extraction, city: str | None) -> None:
    a = ex.article
    art = article_key(ex)
    page = a.page_digest
    r.articles[art] = ArticleInfo(art, a.page, a.index, a.title, a.date, city)
    place_by_name: dict[str, str] = {}
    org_by_name: dict[str, str] = {}
    county = _article_county(ex)
    for m in ex.mentions:
        if m.label == "person":
            r.entity("person", _person_key(m.name, city), m.name, m.name, art)
        elif m.label == "org":
            org_by_name[m.name] = r.org(m.name, city, page, art, county).key
        elif m.label == "place":
            pl = r.place(m, city, art)
            if pl is not None:
                place_by_name[m.name] = place_by_name[m.text] = pl.key
        elif m.label == "program":
            e = r.entity("program", f"program/{slug(_bare(base_name(m)))}", m.name, m.text, art)
            e.alts.update(x for x in (m.name, *m.alts) if x != e.label)
    for p in ex.positions:
        person = r.entity("person", _person_key(p.person, city), p.person, p.person, art)
        person.count -= 1  # counted with its mention
        org_key = None
        if p.org:
            org = r.org(p.org, city, page, art, county)
            org_key = org.key
            org_by_name.setdefault(p.org, org_key)
        r.roles.add(p.role)
        who = person.key.split("/", 1)[1]
        where = (org_key or "org/-").split("/", 1)[1]
        key = f"membership/{who}/{slug(p.role)}/{where}"
        ms = r.memberships.get(key)
        if ms is None:
            ms = r.memberships[key] = Membership(
                key, person.key, p.role, org_key, p.evidence, p.start, p.end, p.rule, art
            )
        ms.articles.add(art)
    for link in ex.links:
        if link.kind == "place_parent":
            child, parent = place_by_name.get(link.source), place_by_name.get(link.target)
            if child and parent and child != parent:
                r.entities[child].parents.add(parent)
        elif link.kind == "sub_org":
            child, parent = org_by_name.get(link.source), org_by_name.get(link.target)
            if child and parent and child != parent:
                r.entities[child].parents.add(parent)
        elif link.kind == "org_place":
            org_k, place_k = org_by_name.get(link.source), place_by_name.get(link.target)
            if org_k and place_k:
                r.entities[org_k].sites.add(place_k)
        elif link.kind == "program_org":
            prog_k, org_k = f"program/{slug(_bare(link.source))}", org_by_name.get(link.target)
            if org_k and prog_k in r.entities:
                r.entities[prog_k].runners.add(org_k)
        elif link.kind == "program_place":
            prog_k, place_k = f"program/{slug(_bare(link.source))}", place_by_name.get(link.target)
            if place_k and prog_k in r.entities:
                r.entities[prog_k].where.add(place_k)


def _article_county(ex: Extraction) -> str | None:
    """The county or district an article is about: the only one it names."""
    names = {
        m.name
        for m in ex.mentions
        if m.label == "place" and m.kind == "county" and m.name.endswith(("县", "区"))
    }
    return names.pop() if len(names) == 1 else None


def _bare(name: str) -> str:
    return re.sub(r"[“”\"‘’「」『』\s]", "", name)


def _gazetteer_parents(r: _Resolver) -> None:
    """Link divisions to their gazetteer parents when the parent is in the graph."""
    divs = lexicon.divisions()
    by_code = {e.code: e for e in r.entities.values() if e.kind == "place" and e.code}
    for e in by_code.values():
        parent = divs[e.code].parent
        while parent:
            if parent in by_code:
                e.parents.add(by_code[parent].key)
                break
            parent = divs[parent].parent if parent in divs else ""
