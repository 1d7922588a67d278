"""The one place the stages are wired together:

read -> clean -> split articles -> sentences -> extract -> resolve -> RDF -> outputs.

A build makes two passes over the corpus, both in parallel through an engine
(kg.engine). Pass 1 reads and extracts every page and collects the person names strong
rules read; pass 2 adds a mention wherever one of those names recurs anywhere in the
corpus and works out what each article adds to the graph (kg.resolve.fragment); this
process merges those fragments in input order into one graph. Pass-1 results go to a
page cache on disk (kg.store), not to memory, and pass 2 streams them back one page at
a time, so memory is bounded by the graph, not by the corpus. Every engine and job
count gives the same graph, byte for byte.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from kg import codec
from kg import resolve as resolve_mod
from kg.corpus import Manifest, read_manifest
from kg.engine import Beside, Engine, default_jobs, gc_paused, make_engine
from kg.extract import extract_article
from kg.extract.people import _is_boundary_at
from kg.extract.text import filter_spans, mention_order, name_shape
from kg.io import (
    FORMATS,
    InputError,
    Skipped,
    Staged,
    find_inputs,
    input_root,
    os_reason,
    shown_path,
    source_name,
)
from kg.matcher import Matcher
from kg.model import Extraction, Mention, Page
from kg.rdf import quads, to_graph, write_turtle
from kg.resolve import Resolved
from kg.segment import split_articles
from kg.store import (
    Origin,
    PageCache,
    PageRow,
    StoreError,
    check_cache,
    parse_spec,
    replace_graph,
)
from kg.units import PART_CHARS, SPLIT_BYTES, Unit, estimate_units, read_unit, units

if TYPE_CHECKING:
    from rdflib import Graph

log = logging.getLogger(__name__)

# rules whose persons are confident enough to be looked for elsewhere in the corpus
_CONFIDENT = frozenset({"title-chain", "title-name", "name-verb-title",
                        "name-before-national-title", "name-list"})
_BATCH_BYTES = 1 << 19  # pass-2 task size
# a file modified less than this before it is read may change again within the same
# modification time (file systems keep it to a clock tick): --update checks its content
_RACY_NS = 2_000_000_000
_BEFORE_NAME_OK = re.compile(r"[^\u3400-\u9fff]|[了的是和与及在对向把将为由据、长记员席任理]")


@dataclass
class PageResult:
    page: Page
    extractions: list[Extraction]
    home_city: str | None


@dataclass
class BuildResult:
    """A built graph: the resolved entities, the pages it holds (in build order) and
    the inputs that could not be read. `graph` is the rdflib.Graph, made on first use."""

    resolved: Resolved
    pages: list[PageRow]
    skipped: list[Skipped] = field(default_factory=list)
    added: int = 0  # pages extracted by this build; the others came from the store
    store: Path | None = None  # the oxigraph store the graph was written to
    # --update: files new to the store, files read again as they changed, files gone
    new_files: int = 0
    replaced: int = 0
    removed: int = 0

    @cached_property
    def graph(self) -> Graph:
        return to_graph(self.resolved)

    def counts(self) -> dict[str, int]:
        from kg.query import counts

        return {"pages": len(self.pages), **counts(self.graph)}


def extract_page(page: Page, city: str | None = None) -> PageResult:
    """Split one page into articles and run the extractors over each."""
    exs = [extract_article(a) for a in split_articles(page)]
    return PageResult(page, exs, resolve_mod.home_city(exs, city))


def confident_names(results: Iterable[PageResult]) -> frozenset[str]:
    """Person names read by a strong rule somewhere in the corpus."""
    names: set[str] = set()
    for r in results:
        for ex in r.extractions:
            names.update(m.text for m in ex.mentions
                         if m.label == "person" and m.rule in _CONFIDENT)
    return frozenset(n for n in names if len(n) >= 2)


def _automaton(names: frozenset[str]) -> Matcher[bool]:
    """The names that may be propagated (of a person name's shape)."""
    return Matcher((n, True) for n in names if name_shape(n))


def propagate(extractions: Sequence[Extraction], auto: Matcher[bool]) -> list[Extraction]:
    """Add a person mention wherever a confident name of the corpus recurs
    (`韩立新强调` after `市委书记韩立新`), at word boundaries only."""
    if not len(auto):
        return list(extractions)
    out = []
    for ex in extractions:
        text = ex.article.text
        # where pass 1 read a person already (pass 1's persons never overlap), a name
        # found again adds nothing: most articles are left as they are
        read = {(m.start, m.end) for m in ex.mentions if m.label == "person"}
        added = []
        for start, end, name, _ in auto.find(text):
            if (start, end) in read:
                continue
            if start and not _BEFORE_NAME_OK.match(text[start - 1]):
                continue
            if not _is_boundary_at(text, end):
                continue
            added.append(Mention(start, end, name, "person", "known-name"))
        if added:
            persons = [m for m in ex.mentions if m.label == "person"]
            others = [m for m in ex.mentions if m.label != "person"]
            merged = filter_spans(persons + added)
            ms = tuple(sorted({*merged, *others}, key=mention_order))
            ex = replace(ex, mentions=ms)
        out.append(ex)
    return out


def propagate_names(result: PageResult, auto: Matcher[bool]) -> PageResult:
    """`propagate` over one page."""
    return replace(result, extractions=propagate(result.extractions, auto))


def warm() -> None:
    """Load jieba, the lexicons and every compiled pattern in this process (a worker
    calls it once, before its first page)."""
    extract_page(Page("warm-up.txt", "本报讯 市委书记张三出席会议。\n", "0" * 40))


class _Clock:
    """Logs (INFO, `kg -v build`) how long each stage took."""

    def __init__(self) -> None:
        self.last = time.perf_counter()

    def lap(self, what: str, *args: object) -> None:
        now = time.perf_counter()
        log.info("%.2f s: " + what, now - self.last, *args)
        self.last = now


# --- the two passes ---------------------------------------------------------------------


@dataclass(frozen=True)
class _Context:
    city: str | None
    known: frozenset[bytes]  # files whose pages are in the store unchanged: not read again


@dataclass(frozen=True)
class _Extracted:
    """What pass 1 sends back for a unit: a page row, the confident names it holds and
    its extractions encoded (kg.codec; texts included, for pass 2), or why it was skipped."""

    unit: Unit
    row: PageRow | None = None
    names: frozenset[str] = frozenset()
    data: bytes = b""
    skipped: Skipped | None = None
    origin: Origin | None = None


def _file_key(path: str | Path) -> bytes:
    """A file as the page cache knows it: its absolute path as the OS spells it."""
    return os.fsencode(os.path.abspath(path))


def _pass1(unit: Unit, ctx: _Context) -> _Extracted:
    try:
        st = os.stat(unit.path)  # before reading: a later change shows as a change
        racy = st.st_mtime_ns > time.time_ns() - _RACY_NS
        page = read_unit(unit)
    except InputError as e:
        return _Extracted(unit, skipped=Skipped(shown_path(unit.path), str(e)))
    except OSError as e:
        return _Extracted(unit, skipped=Skipped(shown_path(unit.path), os_reason(e)))
    r = extract_page(page, ctx.city)
    row = PageRow(0, page.source, page.digest, page.encoding, r.home_city, len(r.extractions))
    data = codec.dumps(r.extractions)
    file = unit.source.rsplit("#", 1)[0] if unit.part else unit.source
    origin = Origin(file, unit.part, _file_key(unit.path), st.st_size, st.st_mtime_ns, racy)
    return _Extracted(unit, row, confident_names([r]), data, origin=origin)


class _Known:
    """The confident names of the corpus (sent to each pass-2 worker once) and their
    automaton, built in each process on first use."""

    def __init__(self, names: frozenset[str]) -> None:
        self.names = names
        self._auto: Matcher[bool] | None = None

    @property
    def automaton(self) -> Matcher[bool]:
        if self._auto is None:
            self._auto = _automaton(self.names)
        return self._auto

    def __getstate__(self) -> dict[str, object]:
        return {"names": self.names, "_auto": None}


def _pass2(
    batch: Sequence[tuple[bytes, str | None]], known: _Known
) -> list[list[resolve_mod.Fragment]]:
    """For each page of a batch, its article fragments, the corpus' names propagated
    over its articles (a page is (encoded extractions, home city))."""
    auto = known.automaton
    return [[resolve_mod.fragment(ex, city) for ex in propagate(_cached(data), auto)]
            for data, city in batch]


def _cached(data: bytes) -> tuple[Extraction, ...]:
    try:
        return codec.loads(data)
    except codec.CodecError as e:
        raise StoreError(f"the page cache is damaged ({e}); build again without --update") from None


def _batches(
    pages: Iterable[tuple[bytes, str | None]], size: int = _BATCH_BYTES
) -> Iterator[list[tuple[bytes, str | None]]]:
    """Pages in batches of about `size` bytes of encoded extractions: a task per page
    would cost about as much in messages as in work."""
    batch: list[tuple[bytes, str | None]] = []
    total = 0
    for page in pages:
        batch.append(page)
        total += len(page[0])
        if total >= size:
            yield batch
            batch, total = [], 0
    if batch:
        yield batch


def _extract_all(
    engine: Engine,
    files: Sequence[Path],
    cache: PageCache,
    city: str | None,
    skipped: list[Skipped],
    progress: Callable[[int, int], None] | None,
    split_bytes: int,
    part_chars: int,
    root: Path,
    manifest: Manifest | None = None,
) -> set[bytes]:
    """Pass 1 over every input whose pages are not in the cache already; returns the
    files whose pages it added."""
    known = cache.paths()

    def work() -> Iterator[Unit]:
        for u in units(files, split_bytes, part_chars, root, manifest):
            if isinstance(u, Skipped):
                log.warning("skipped %s: %s", u.path, u.reason)
                skipped.append(u)
            elif _file_key(u.path) not in known:
                yield u
            elif progress:
                progress(u.file_index + 1, len(files))

    added: set[bytes] = set()
    ctx = _Context(city, known)
    for res in engine.map(_pass1, work(), ctx, warm=warm):
        if res.skipped is not None:
            log.warning("skipped %s: %s", res.skipped.path, res.skipped.reason)
            skipped.append(res.skipped)
        elif res.row is not None and res.origin is not None:
            cache.add(res.row, res.names, res.data, res.origin)
            added.add(res.origin.path)
        if progress:
            progress(res.unit.file_index + 1, len(files))
    return added


@gc_paused()
def build_graph(
    paths: Sequence[Path | str],
    city: str | None = None,
    progress: Callable[[int, int], None] | None = None,
    *,
    jobs: int | None = 1,
    engine: str = "local",
    scheduler: str | None = None,
    store: str | Path | None = None,
    update: bool = False,
    split_bytes: int = SPLIT_BYTES,
    part_chars: int = PART_CHARS,
    meta: str | Path | None = None,
) -> BuildResult:
    """Build one graph from every page under `paths`.

    meta: a manifest (CSV or TSV: file, published or date, title, url, site; see
    kg.corpus.read_manifest) saying when and where the pages were published.
    jobs: worker processes for both passes (None: every core); engine "dask" runs them
    on the dask.distributed `scheduler` (an address) or on a local cluster. store
    `oxigraph:DIR` keeps the pages and the graph in DIR; with `update`, the files of
    pages already there are not read again unless they changed (by size and
    modification time), the pages of files that are gone are dropped and the new files
    are added: the graph equals a fresh build of the store's files and `paths` as they
    are now. Pages are taken in the order of their names relative to the inputs'
    folder, so the same files named in any order give the same graph.
    Files larger than `split_bytes` are read in parts of about `part_chars` characters.
    """
    clock = _Clock()
    given = [Path(p) for p in paths]
    manifest = read_manifest(Path(meta)) if meta is not None else None
    root = parse_spec(store) if store is not None else None
    if update and root is None:
        raise StoreError("--update needs --store oxigraph:DIR")
    cache = PageCache(root / "pages.sqlite" if root else None)
    try:
        if not update:
            cache.clear()
        if root is not None:  # what the cache was made with matters only when it is kept
            check_cache(cache, city, update)
        # pages are named relative to the folder of the inputs; a store keeps the
        # folder of its first build, so that its pages keep their names
        kept_root = cache.meta().get("root", "") if update else ""
        top = Path(os.fsdecode(bytes.fromhex(kept_root))) if kept_root else input_root(given)
        cache.set_meta({"root": os.fsencode(top).hex()})
        files, skipped = find_inputs(given, top)
        if manifest is not None:  # a manifest in the corpus folder is not a page
            files = [f for f in files if f.resolve() != manifest.path.resolve()]
        changes = cache.reconcile() if update else None
        if changes is not None and changes.changed:
            # a changed file is read again even when this build does not name it
            named = {_file_key(f) for f in files}
            extra = [f for f in changes.changed if _file_key(f) not in named]
            files = sorted([*files, *extra], key=lambda f: (source_name(f, top), os.fsencode(f)))
        if engine == "local" and jobs != 1:  # no more processes than pages
            jobs = min(jobs or default_jobs(), estimate_units(files, split_bytes, part_chars))
        with make_engine(engine, jobs, scheduler) as eng:
            before = len(cache)
            added_files = _extract_all(eng, files, cache, city, skipped, progress,
                                       split_bytes, part_chars, top, manifest)
            added = len(cache) - before
            clock.lap("pass 1: read and extracted %d pages (%s engine, %d jobs)",
                      added, eng.name, eng.jobs)
            # pass 2: the workers propagate the names and work out each article's
            # fragment; they are merged here in page order (first-seen labels and
            # evidence depend on it), as they come
            names = cache.names()
            pages = ((data, row.home_city) for row, data in cache.data())
            batches = eng.map(_pass2, _batches(pages), _Known(names))
            resolved = resolve_mod.merge(f for batch in batches for page in batch for f in page)
            clock.lap("pass 2: propagated %d names and resolved %d pages", len(names), len(cache))
        rows = cache.rows()
        if root is not None:
            replace_graph(root, quads(resolved))
            cache.commit()
            clock.lap("wrote the graph to the store %s", root)
    finally:
        cache.close()
    replaced = {_file_key(f) for f in changes.changed} & added_files if changes else set()
    return BuildResult(resolved, rows, skipped, added, root,
                       new_files=len(added_files - replaced), replaced=len(replaced),
                       removed=changes.removed if changes else 0)


@gc_paused()
def write_outputs(
    result: BuildResult, out_dir: Path, formats: Sequence[str] = ("ttl",)
) -> tuple[list[Path], dict[str, int]]:
    """Write OUT/graph.<format> for each format, then OUT/graph.html; returns the files
    written and the counts (pages, articles, persons, ...). Turtle is written from the
    resolved graph's triples as plain text (no rdflib or pyoxigraph terms, no copy of the
    graph) and HTML drawn from the resolved graph itself; other formats go through
    kg.export and an rdflib.Graph."""
    clock = _Clock()
    html = out_dir / "graph.html"
    # the page is drawn in a child process while this one writes the graph files; all
    # outputs are staged and renamed into place together once every one is written, so
    # a build that fails half-way (a full disk) leaves the previous outputs as they were;
    # kg.render is imported there
    drawing = Beside(lambda: _draw(result.resolved))
    written = []
    with Staged() as staged:
        try:
            for fmt in formats:
                if fmt == "ttl":  # streamed to the file as it is made
                    path = out_dir / "graph.ttl"
                    staged.write_with(path, lambda f: write_turtle(result.resolved, f))
                else:
                    from kg.export import serialize

                    path = out_dir / f"graph.{FORMATS[fmt]}"
                    staged.write(path, serialize(result.graph, fmt))
                written.append(path)
                clock.lap("wrote %s", path)
        except BaseException:
            drawing.cancel()
            raise
        staged.write(html, drawing.result())
        written.append(html)
        staged.commit()
    clock.lap("wrote %s", html)
    return written, {"pages": len(result.pages), **counts(result.resolved)}


def _draw(res: Resolved) -> bytes:
    """graph.html of a resolved graph."""
    from kg.render import resolved_network, to_html

    return to_html(resolved_network(res)).encode("utf-8")


def counts(res: Resolved) -> dict[str, int]:
    """What kg.query.counts finds in the graph (typed articles, persons, organizations,
    places, programmes, memberships), read off the resolved graph without a query."""
    kinds = Counter(e.kind for e in res.entities.values())
    return {"articles": len(res.articles), "persons": kinds["person"],
            "organizations": kinds["org"], "places": kinds["place"],
            "programmes": kinds["program"], "positions": len(res.memberships)}


def build_text(text: str, source: str = "text.txt", city: str | None = None) -> Graph:
    """Build a graph from one page given as a string (for notebooks and tests)."""
    from kg.clean import clean

    cleaned = clean(text)
    page = Page(source, cleaned, hashlib.sha1(cleaned.encode("utf-8")).hexdigest())
    r = extract_page(page, city)
    r = propagate_names(r, _automaton(confident_names([r])))
    return to_graph(resolve_mod.resolve([(r.extractions, r.home_city)]))
