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

Resolution has two steps. `fragment` works out what one article adds to the graph
(keys, labels, written forms, counts, posts, links) from that article alone, so any
process can do it; `merge` folds the fragments in page order, the one thing that must be
sequential: an entity keeps the label it was first seen with and a post its first
evidence.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from kg import hierarchy, identity, lexicon
from kg.entities import ArticleInfo, Entity, Membership, slug
from kg.extract.programs import base_name
from kg.model import Extraction, Mention

_RELATIVE_CITY = re.compile(r"^市(?!场|民|区|直)")
_RELATIVE_PROVINCE = re.compile(r"^省(?!内|外|级)")
_RELATIVE_LOCAL = re.compile(r"^(?:区|县|旗|州|盟|镇|乡)(?!域|级|内|外)")
_RELATIVE_REGION = re.compile(r"^自治区(?!域|级|内|外)(?=.)")
_QUOTES_AND_SPACES = re.compile(r"[“”\"‘’「」『』\s]")  # left out of a programme's key


def iso_date(date: str | None) -> str | None:
    """`date` when it is ISO (YYYY-MM-DD, YYYY-MM or YYYY), not a dateline as written."""
    if date and date[:4].isdigit() and len(date) in (4, 7, 10):
        return date
    return None


def seen(first: str | None, last: str | None, date: str) -> tuple[str, str]:
    """The first and last dates of a post after one more article of `date`. Full dates
    count before partial ones (a post seen on 2020-03-05 and in an article dated only
    2020 was first seen on 2020-03-05); among partial dates a year starts before its
    months and ends after them."""
    if first is None or last is None:
        return date, date
    full, was_full = len(date) == 10, len(first) == 10  # first and last: both or neither
    if full != was_full:
        return (date, date) if full else (first, last)
    return min(first, date), max(last, date, key=_period_end)


def _period_end(date: str) -> str:
    """A sort key that puts a year or month after the dates inside it ("~" > "-")."""
    return date + "~"


@dataclass(frozen=True)
class Fragment:
    """One article's share of the graph (kg.resolve.fragment), as plain tuples that
    travel cheaply between processes:

    - entities: (key, kind, label, count, names, level, code), in the order the article
      first names them; names are the written forms, which become aliases;
    - memberships: (key, person, role, org, evidence, start, end, rule), first evidence;
    - links: (attribute, entity key, key added to that attribute of the entity).
    """

    article: ArticleInfo
    entities: tuple[tuple[str, str, str, int, tuple[str, ...], str, str], ...]
    memberships: tuple[tuple[str, str, str, str | None, str, int, int, str], ...]
    roles: tuple[str, ...]
    links: tuple[tuple[str, str, str], ...]


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
                        if _after_its_province(ex.article.text, m.start, d):
                            continue  # 河北省某县: a far county, named with its province
                        if m.text != d.name and _nested(m, ex.mentions):
                            continue  # 某某电商产业园区: a short form opening a park's name
                        parent = divs.get(d.parent)
                        if parent is not None and parent.level == "city":
                            votes[parent.name] += 1
                            first.setdefault(parent.name, pos)
                            pos += 1
                        elif parent is not None and d.name.endswith("市"):
                            # a city the province governs directly (济源市) is its own city
                            votes[d.name] += 1
                            first.setdefault(d.name, pos)
                            pos += 1
    if not votes:
        return None
    return sorted(votes, key=lambda c: (-votes[c], first[c]))[0]


def _nested(m: Mention, mentions: Sequence[Mention]) -> bool:
    """Another place's name holds the mention's span."""
    return any(o.label == "place" and o is not m and o.start <= m.start and m.end <= o.end
               and o.end - o.start > m.end - m.start for o in mentions)


def _after_its_province(text: str, start: int, d: lexicon.Division) -> bool:
    """The county at text[start:] is written right after its province's name (河北省某县):
    pages name their own county without it."""
    divs = lexicon.divisions()
    code = d.parent
    while code in divs and divs[code].level != "province":
        code = divs[code].parent
    province = divs.get(code)
    return province is not None and text[max(0, start - 8):start].endswith(
        (province.name, *province.aliases))


def canonical_city(name: str) -> str:
    """`漯河` or `漯河市` -> `漯河市`; unknown names are kept as given."""
    for d in lexicon.divisions_by_name().get(name, ()):
        if d.level == "city" or (d.level == "province" and d.name.endswith("市")):
            return d.name
    return name if name.endswith("市") else name + "市"


@lru_cache(maxsize=1 << 16)
def _org_label(
    name: str, city: str | None, county: str | None, province: str | None
) -> tuple[str, bool]:
    """The organization's full name on a page of `city` about `county` (in `province`),
    and whether it is still relative (区委 with no district to anchor it, 省政府 with no
    province: kept to its page)."""
    national = lexicon.national_orgs().get(name)
    if national is not None:  # 全国政协 -> 中国人民政治协商会议全国委员会
        return national[0], False
    if province and province.endswith("自治区") and _RELATIVE_REGION.match(name):
        return province + name[3:], False  # 自治区党委 on a page of an autonomous region
    if county and name[:1] in "县区旗" and county.endswith(name[0]) and len(name) > 1:
        label = county + name[1:]
    elif city and name[:1] in "州盟" and city.endswith(name[0]) and len(name) > 1:
        label = city + name[1:]  # 州委 on a page of an autonomous prefecture
    elif city and _RELATIVE_CITY.match(name):
        label = city + name[1:]
    elif city and name.startswith("团市委"):
        label = "共青团" + city + "委"
    elif province and _RELATIVE_PROVINCE.match(name):
        label = province + name[1:]
    else:
        label = name
    return label, bool(
        _RELATIVE_LOCAL.match(label)
        or _RELATIVE_REGION.match(label)
        or (not city and _RELATIVE_CITY.match(label))
        or (not province and _RELATIVE_PROVINCE.match(label))
    )


@lru_cache(maxsize=1 << 16)
def _province_of(city: str | None) -> str | None:
    if not city:
        return None
    divs = lexicon.divisions()
    for d in lexicon.divisions_by_name().get(city, ()):
        if (d.level == "city" or d.name == city) and d.parent in divs:
            return divs[d.parent].name
    return None


@lru_cache(maxsize=1 << 16)
def short(name: str) -> str:
    """许昌市 -> 许昌 (the form used inside organization names like 许昌职业技术学院)."""
    for d in lexicon.divisions_by_name().get(name, ()):
        if d.aliases:
            return d.aliases[0]
    return name


class _Article:
    """Works out one article's fragment: what each of its mentions, positions and links
    adds to the graph, keyed as the whole graph keys them."""

    def __init__(self, ex: Extraction, city: str | None) -> None:
        a = ex.article
        self.city = city
        self.page = a.page_digest
        self.art = article_key(ex)
        self.info = ArticleInfo(self.art, a.page, a.index, a.title, a.date, city, a.url, a.site)
        self.county = _article_county(ex, city)
        self.province = _province_of(city) or _article_province(ex)
        self.persons = {m.name for m in ex.mentions if m.label == "person"}
        self._cleaned: dict[str, str] = {}
        self.listed = _listed_names(ex, self.clean)
        self.owners = {m.name for m in ex.mentions if m.label == "org" and len(m.name) > 1}
        self._orgs: dict[str, tuple[str, str, str, str] | None] = {}
        # key -> [kind, label, count, names, level, code], in the order first touched
        self.parts: dict[str, list[Any]] = {}

    def touch(self, kind: str, key: str, label: str, surface: str, count: int = 1) -> list[Any]:
        part = self.parts.get(key)
        if part is None:
            part = self.parts[key] = [kind, label, 0, set(), "", ""]
        if surface:
            part[3].add(surface)
        part[2] += count
        return part

    def clean(self, name: str) -> str:
        """hierarchy.clean_name of an organization's name in this article (once per
        name)."""
        cleaned = self._cleaned.get(name)
        if cleaned is None:
            cleaned = self._cleaned[name] = hierarchy.clean_name(name, self.persons)
        return cleaned

    def org(self, name: str) -> str | None:
        if name not in self._orgs:
            self._orgs[name] = self._org(name)
        found = self._orgs[name]
        if found is None:
            return None  # words of the report around a person, no body
        key, label, written, full = found
        part = self.touch("org", key, label, written)
        if full != written:
            part[3].add(full)
        return key

    def _org(self, name: str) -> tuple[str, str, str, str] | None:
        """(key, label, name as written, full name) of an organization's name in this
        article; None when no body is left of it (worked out once per name: an article
        writes its bodies again and again)."""
        written = self.clean(name)
        if not written:
            return None
        full = self.listed.get(written, written)
        label, local = _org_label(full, self.city, self.county, self.province)
        # 财政局 with no place in its name: this page's, unless it is an owner's
        # (某某公司办公室 after 某某公司)
        local = local or (hierarchy.placeless_body(label)
                          and not any(len(o) < len(label) and label.startswith(o)
                                         for o in self.owners))
        key = (f"org/{self.page[:8]}/{slug(label)}" if local
               else hierarchy.org_identity(f"org/{slug(label)}", label))
        return key, label, written, full

    def place(self, m: Mention) -> str | None:
        city = self.city
        d = _division(m.name, city)
        if d is not None:
            if m.text != d.name and d.level == "county" and city and not _within(d.code, city):
                return None  # a far county's short form in ordinary prose (南和, 九龙)
            key = f"place/{d.code}"
            part = self.touch("place", key, d.name, m.text)
            part[4], part[5] = d.level, d.code
            return key
        scope = (
            f"{slug(short(city))}/"
            if city and m.kind in ("town", "village", "community", "neighbourhood", "zone", "venue")
            else ""
        )
        key = f"place/{scope}{slug(m.name)}"
        part = self.touch("place", key, m.name, m.text)
        part[3].update(m.alts)
        part[4] = part[4] or m.kind
        return key


@lru_cache(maxsize=1 << 16)
def _within(code: str, city: str) -> bool:
    """The division of `code` lies in the home city's province."""
    divs = lexicon.divisions()
    home = [c for c in lexicon.divisions_by_name().get(city, ())
            if c.level == "city" or c.name == city]  # or a city the province governs
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
    return lexicon.pick_division(divs, city) if divs else None


def resolve(pages: Iterable[tuple[Sequence[Extraction], str | None]]) -> Resolved:
    """Merge the extractions of every page (each with its home city) into entities.
    `pages` may be a stream: each page is read once, in order."""
    return merge(fragment(ex, city) for exs, city in pages for ex in exs)


def merge(fragments: Iterable[Fragment]) -> Resolved:
    """Fold article fragments, in page order, into one graph: an entity keeps the label
    it was first seen with and a membership its first evidence; everything else is a
    union or a sum. `fragments` may be a stream."""
    entities: dict[str, Entity] = {}
    memberships: dict[str, Membership] = {}
    articles: dict[str, ArticleInfo] = {}
    roles: set[str] = set()
    for f in fragments:
        art = f.article.key
        articles[art] = f.article
        date = iso_date(f.article.date)
        for key, kind, label, count, names, level, code in f.entities:
            e = entities.get(key)
            if e is None:
                e = entities[key] = Entity(kind, key, label)
            if names:
                e.alts.update(names)
                e.alts.discard(e.label)
            e.articles.add(art)
            e.count += count
            if code:
                e.level, e.code = level, code
            elif not e.level:
                e.level = level
        for key, person, role, org, evidence, start, end, rule in f.memberships:
            ms = memberships.get(key)
            if ms is None:
                ms = memberships[key] = Membership(
                    key, person, role, org, evidence, start, end, rule, art)
            ms.articles.add(art)
            if date is not None:
                ms.first, ms.last = seen(ms.first, ms.last, date)
        roles.update(f.roles)
        for attr, key, value in f.links:
            e = entities.get(key)
            if e is not None:  # a programme's links count once it has been seen
                getattr(e, attr).add(value)
    hierarchy.place_bodies(entities, articles)
    _gazetteer_parents(entities)
    identity.unify_persons(entities, memberships, articles)
    return Resolved(entities, memberships, articles, roles)


@lru_cache(maxsize=1 << 16)
def _person_key(name: str, city: str | None) -> str:
    return f"person/{slug(short(city))}/{slug(name)}" if city else f"person/{slug(name)}"


def fragment(ex: Extraction, city: str | None) -> Fragment:
    """What one article (on a page of home city `city`) adds to the graph. Depends on
    that article alone, so fragments can be made anywhere (kg.pipeline makes them in
    its workers) and merged in order here."""
    f = _Article(ex, city)
    place_by_name: dict[str, str] = {}
    org_by_name: dict[str, str] = {}
    for m in ex.mentions:
        name = m.name
        if m.label == "person":
            f.touch("person", _person_key(name, city), name, name)
        elif m.label == "org":
            org_k = f.org(name)
            if org_k is not None:
                org_by_name[name] = org_k
        elif m.label == "place":
            key = f.place(m)
            if key is not None:
                place_by_name[m.name] = place_by_name[m.text] = key
        elif m.label == "program":
            part = f.touch("program", f"program/{slug(_bare(base_name(m)))}", m.name, m.text)
            part[3].update((m.name, *m.alts))
    roles: dict[str, None] = {}
    memberships: dict[str, tuple[str, str, str, str | None, str, int, int, str]] = {}
    for p in ex.positions:
        person = _person_key(p.person, city)
        f.touch("person", person, p.person, p.person, count=0)  # counted with its mention
        org_key = None
        if p.org:
            org_key = f.org(p.org)
            if org_key is not None:
                org_by_name.setdefault(p.org, org_key)
        roles[p.role] = None
        who = person.split("/", 1)[1]
        where = (org_key or "org/-").split("/", 1)[1]
        key = f"membership/{who}/{slug(p.role)}/{where}"
        if key not in memberships:
            memberships[key] = (key, person, p.role, org_key, p.evidence, p.start, p.end, p.rule)
    links: list[tuple[str, str, str]] = []
    for link in ex.links:
        if link.kind == "place_parent":
            child, parent = place_by_name.get(link.source), place_by_name.get(link.target)
            if child and parent and child != parent:
                links.append(("parents", child, parent))
        elif link.kind == "sub_org":
            child, parent = org_by_name.get(link.source), org_by_name.get(link.target)
            if child and parent and child != parent:
                links.append(("parents", child, parent))
        elif link.kind == "org_place":
            org_k, place_k = org_by_name.get(link.source), place_by_name.get(link.target)
            if org_k and place_k:
                links.append(("sites", org_k, place_k))
        elif link.kind == "program_org":
            org_k = org_by_name.get(link.target)
            if org_k:
                links.append(("runners", f"program/{slug(_bare(link.source))}", org_k))
        elif link.kind == "program_place":
            place_k = place_by_name.get(link.target)
            if place_k:
                links.append(("where", f"program/{slug(_bare(link.source))}", place_k))
    entities = tuple((key, kind, label, count, tuple(names), level, code)
                     for key, (kind, label, count, names, level, code) in f.parts.items())
    return Fragment(f.info, entities, tuple(memberships.values()), tuple(roles), tuple(links))


def _article_county(ex: Extraction, city: str | None) -> str | None:
    """The county or district an article is about: the only one it names in the home
    city's province (a far county's name is most often read inside other words: a
    housing estate's, a person's, 和 before 县妇联)."""
    names = set()
    for m in ex.mentions:
        if m.label == "place" and m.kind == "county" and m.name.endswith(("县", "区", "旗")):
            d = _division(m.name, city)
            if d is None or not city or _within(d.code, city):
                names.add(m.name)
    return names.pop() if len(names) == 1 else None


def _listed_names(ex: Extraction, clean: Callable[[str], str]) -> dict[str, str]:
    """Departments an article writes bare in a list after a body of a place, with the
    full names they share its place by (区发改委、财政局、商务局: 财政局 -> 区财政局);
    names as `clean` (hierarchy.clean_name) gives them."""
    text = ex.article.text
    orgs = sorted((m for m in ex.mentions if m.label == "org"), key=lambda m: m.start)
    out: dict[str, str] = {}
    before: str | None = None
    end = -1
    for m in orgs:
        name = clean(m.name)
        if before is not None and text[end:m.start] == "、" and name:
            full = hierarchy.listed_name(before, name)
            if full is not None:
                out.setdefault(name, full)
                name = full
        before, end = (name or None), m.end
    return out


def _article_province(ex: Extraction) -> str | None:
    """The only province an article names, for a page whose city is unknown (河南省委、
    省政府: the 省政府 is that province's)."""
    names = set()
    for m in ex.mentions:
        if m.label == "place" and m.kind == "province":
            d = _division(m.name, None)
            if d is not None and d.level == "province":
                names.add(d.name)
    return names.pop() if len(names) == 1 else None


def _bare(name: str) -> str:
    return _QUOTES_AND_SPACES.sub("", name)


def _gazetteer_parents(entities: dict[str, Entity]) -> None:
    """Link divisions to their gazetteer parents when the parent is in the graph."""
    divs = lexicon.divisions()
    by_code = {e.code: e for e in entities.values() if e.kind == "place" and e.code}
    for e in by_code.values():
        parent = divs[e.code].parent
        while parent:
            if parent in by_code:
                e.parents.add(by_code[parent].key)
                break
            parent = divs[parent].parent if parent in divs else ""
