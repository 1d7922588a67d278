"""The one place the stages are wired together:

read -> clean -> split articles -> sentences -> extract -> resolve -> RDF -> outputs.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

import ahocorasick
from rdflib import Graph

from kg import resolve as resolve_mod
from kg.extract import extract_article
from kg.extract.people import _is_boundary_at
from kg.extract.text import filter_spans, name_shape
from kg.io import Skipped, find_inputs, iter_pages
from kg.model import Extraction, Mention, Page
from kg.rdf import to_graph
from kg.segment import split_articles

log = logging.getLogger(__name__)

# rules whose persons are confident enough to be looked for elsewhere in the corpus
_CONFIDENT = frozenset({"title-chain", "title-name", "name-verb-title", "name-before-national-title", "name-list"})
_BEFORE_NAME_OK = re.compile(r"[^\u3400-\u9fff]|[了的是和与及在对向把将为由据、长记员席任理]")


@dataclass
class PageResult:
    page: Page
    extractions: list[Extraction]
    home_city: str | None


@dataclass
class BuildResult:
    graph: Graph
    pages: list[PageResult]
    skipped: list[Skipped] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        from kg.query import counts

        return {"pages": len(self.pages), **counts(self.graph)}


def extract_page(page: Page, city: str | None = None) -> PageResult:
    """Split one page into articles and run the extractors over each."""
    exs = [extract_article(a) for a in split_articles(page)]
    return PageResult(page, exs, resolve_mod.home_city(exs, city))


def confident_names(results: Iterable[PageResult]) -> frozenset[str]:
    """Person names read by a strong rule somewhere in the corpus."""
    names = set()
    for r in results:
        for ex in r.extractions:
            names.update(m.text for m in ex.mentions if m.label == "person" and m.rule in _CONFIDENT)
    return frozenset(n for n in names if len(n) >= 2)


def _automaton(names: frozenset[str]) -> ahocorasick.Automaton:
    auto = ahocorasick.Automaton()
    for n in sorted(names):
        auto.add_word(n, n)
    auto.make_automaton()
    return auto


def propagate_names(result: PageResult, auto: ahocorasick.Automaton) -> PageResult:
    """Add a person mention wherever a confident name of the corpus recurs
    (`刘尚进强调` after `市委书记刘尚进`), at word boundaries only."""
    if not len(auto):
        return result
    out = []
    for ex in result.extractions:
        text = ex.article.text
        added = []
        for end, name in auto.iter(text):
            start = end + 1 - len(name)
            if start and not _BEFORE_NAME_OK.match(text[start - 1]):
                continue
            if not _is_boundary_at(text, end + 1) or not name_shape(name):
                continue
            added.append(Mention(start, end + 1, name, "person", "known-name"))
        if added:
            persons = [m for m in ex.mentions if m.label == "person"]
            others = [m for m in ex.mentions if m.label != "person"]
            merged = filter_spans(persons + added)
            ms = tuple(sorted({*merged, *others}, key=lambda m: (m.start, m.end, m.label)))
            ex = replace(ex, mentions=ms)
        out.append(ex)
    return replace(result, extractions=out)


def build_graph(
    paths: Sequence[Path | str],
    city: str | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> BuildResult:
    """Build one graph from every page under `paths`."""
    files, skipped = find_inputs([Path(p) for p in paths])
    results: list[PageResult] = []
    for i, item in enumerate(iter_pages(files)):
        if isinstance(item, Skipped):
            skipped.append(item)
        else:
            results.append(extract_page(item, city))
        if progress:
            progress(i + 1, len(files))
    auto = _automaton(confident_names(results))
    results = [propagate_names(r, auto) for r in results]
    resolved = resolve_mod.resolve([(r.extractions, r.home_city) for r in results])
    return BuildResult(to_graph(resolved), results, skipped)


def build_text(text: str, source: str = "text.txt", city: str | None = None) -> Graph:
    """Build a graph from one page given as a string (for notebooks and tests)."""
    import hashlib

    from kg.clean import clean

    cleaned = clean(text)
    page = Page(source, cleaned, hashlib.sha1(cleaned.encode("utf-8")).hexdigest())
    r = extract_page(page, city)
    r = propagate_names(r, _automaton(confident_names([r])))
    return to_graph(resolve_mod.resolve([(r.extractions, r.home_city)]))
