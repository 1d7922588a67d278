"""Run every extractor over one article and gather the results."""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import replace
from functools import lru_cache

from kg.extract.orgs import extract_orgs, position_org, without_persons
from kg.extract.people import extract_people
from kg.extract.places import extract_places
from kg.extract.programs import base_name, extract_programs
from kg.extract.text import filter_spans, mention_order
from kg.model import Article, Extraction, Link, Mention, Sentence
from kg.segment import sentences


def _floors(text: str, sents: list[Sentence]) -> list[int]:
    floor_of = [0] * (len(text) + 1)
    for s in sents:
        floor_of[s.start : s.end] = [s.start] * (s.end - s.start)
    return floor_of


def _org_links(orgs: list[Mention], places: list[Mention]) -> list[Link]:
    """Sub-organizations written inside their parent's name (市委宣传部 -> 市委) and
    organizations named after a place (魏都区委 -> 魏都区)."""
    links = []
    by_start: dict[int, list[Mention]] = {}
    for o in orgs:
        by_start.setdefault(o.start, []).append(o)
    for o in orgs:
        shorter = [p for p in by_start.get(o.start, []) if p.end < o.end]
        if shorter:
            parent = max(shorter, key=lambda p: p.end)
            links.append(Link("sub_org", o.name, parent.name, "name-prefix"))
    place_at = {p.start: p for p in places}
    for o in orgs:
        p = place_at.get(o.start)
        if p and p.end < o.end:
            links.append(Link("org_place", o.name, p.name, "name-prefix"))
    return links


def _program_links(mentions: list[Mention], sents: list[Sentence]) -> list[Link]:
    """A programme is run by the organization, and held in the place, named last
    before it in its sentence (`市总工会开展“X”活动`), else by the sentence's subject
    organization when the sentence opens with one. `mentions` are sorted by start."""
    links = []
    starts = [m.start for m in mentions]  # sorted: the mentions are in text order
    sent_starts = [s.start for s in sents]
    for p in (m for m in mentions if m.label == "program"):
        k = bisect_right(sent_starts, p.start) - 1
        if k < 0 or p.start >= sents[k].end:
            continue
        s = sents[k]  # the programme's sentence
        inside = mentions[bisect_left(starts, s.start) : bisect_left(starts, s.end)]
        orgs = [m for m in inside if m.label == "org" and m.end <= p.start]
        places = [m for m in inside if m.label == "place" and m.end <= p.start]
        key = base_name(p)  # what the programme is resolved by
        if orgs:
            links.append(Link("program_org", key, orgs[-1].name, "same-sentence"))
        if places:
            links.append(Link("program_place", key, places[-1].name, "same-sentence"))
    return links


# the same (title, organization text) pairs recur across a corpus
_position_org = lru_cache(maxsize=16384)(position_org)


_LIST_MARKS = frozenset("、，,和与及")


def _listed_places_win(text: str, persons: list[Mention], places: list[Mention]) -> list[Mention]:
    """A person's name that is exactly a province, city or country, listed beside another
    place (赴信阳、南阳、许昌), is that place: the persons without such names."""
    big = {(p.start, p.end) for p in places if p.kind in ("province", "city", "country")}
    starts = {p.start for p in places}
    ends = {p.end for p in places}

    def listed(m: Mention) -> bool:
        before = m.start > 1 and text[m.start - 1] in _LIST_MARKS and m.start - 1 in ends
        after = text[m.end : m.end + 1] in _LIST_MARKS and m.end + 1 in starts
        return before or after

    return [m for m in persons if (m.start, m.end) not in big or not listed(m)]


def extract_article(article: Article, known: frozenset[str] = frozenset()) -> Extraction:
    """All mentions, positions and links of one article. `known` are person names
    confirmed elsewhere in the corpus."""
    text = article.text
    sents = list(sentences(text))
    floor_of = _floors(text, sents)
    people = extract_people(text, sents, known)
    orgs = extract_orgs(text, floor_of)
    places, place_links = extract_places(text, floor_of)
    programs = filter_spans(extract_programs(text, floor_of))
    persons = _listed_places_win(text, filter_spans(people.persons), places)
    orgs = without_persons(orgs, persons, text)
    # a person's name wins over a place short form inside it (新华 in 李新华)
    taken = {i for m in persons for i in range(m.start, m.end)}
    places = [p for p in places if p.rule != "gazetteer" or taken.isdisjoint(range(p.start, p.end))]
    mentions = tuple(
        sorted({*persons, *orgs, *places, *programs}, key=mention_order)
    )
    program_links = _program_links(list(mentions), sents)
    links = tuple(dict.fromkeys([*place_links, *_org_links(orgs, places), *program_links]))
    positions = (p if (org := _position_org(p.role, p.org)) == p.org else replace(p, org=org)
                 for p in people.positions)
    return Extraction(article, mentions, tuple(dict.fromkeys(positions)), links)
