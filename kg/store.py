"""Where a build keeps its state: the page cache and the persistent graph store.

`kg build --store oxigraph:DIR` keeps, in DIR:

- `pages.sqlite`: one row per page (content digest, source, the file it was read from
  with its size and modification time, home city, the confident names it contributes,
  and its pass-1 extractions with their article texts as data: kg.codec's JSON, never a
  format whose reading runs code). Pages are read back in the order of their names, the
  order a fresh build reads them in.
  A build streams pass-1 results here instead of holding them in memory; a temporary
  cache does the same for builds without a store. `--update` reads it to extract only the
  files that are new or changed and to drop the pages of files that are gone.
- `graph/`: a pyoxigraph (RocksDB) store holding the graph in its default graph,
  replaced as a whole after each build (written beside and swapped in). `kg query
  oxigraph:DIR` reads it with native SPARQL through oxrdflib's rdflib store.
- `listings.sqlite`: the answers of the long named listings, worked out once per build
  (kg.listings) and used only while `graph/` is the graph they were worked out from.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
import tempfile
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pyoxigraph
    from rdflib import Graph

    from kg.listings import Listings

SCHEME = "oxigraph:"
_FORMAT = "2"  # layout of pages.sqlite (2: extractions as kg.codec JSON, no pickle)


class StoreError(Exception):
    """A store that cannot be used as asked; the message says why."""


def parse_spec(spec: str | Path) -> Path:
    """`oxigraph:DIR` -> DIR."""
    s = str(spec)
    if not s.startswith(SCHEME) or not s[len(SCHEME):]:
        raise StoreError(f"unknown store {s!r}: expected {SCHEME}DIR")
    return Path(s[len(SCHEME):])


def is_spec(spec: str | Path) -> bool:
    return str(spec).startswith(SCHEME)


def extraction_fingerprint() -> str:
    """A digest of everything pass-1 results depend on (reading, cleaning, segmenting,
    extracting, lexicons, jieba's version): cached extractions are reused only while it
    is unchanged."""
    from kg.tokenize import jieba_version

    root = resources.files("kg")
    h = hashlib.sha1(jieba_version().encode())
    names = ["io.py", "corpus.py", "dates.py", "clean.py", "segment.py", "tokenize.py",
             "lexicon.py", "model.py", "units.py", "codec.py"]
    entries = [root.joinpath(n) for n in names]
    entries += sorted((e for e in root.joinpath("extract").iterdir() if e.name.endswith(".py")),
                      key=lambda e: e.name)
    entries += sorted((e for e in root.joinpath("lexicons").iterdir() if e.name.endswith(".tsv")),
                      key=lambda e: e.name)
    for e in entries:
        h.update(e.name.encode())
        h.update(e.read_bytes())
    return h.hexdigest()


@dataclass(frozen=True)
class Origin:
    """The file a page was read from: its name in the graph (io.source_name), the part
    of a split file (0: whole), its path as the OS spells it, size and modification
    time (what `--update` compares to see that a file changed)."""

    file: str
    part: int
    path: bytes
    size: int
    mtime_ns: int
    racy: bool = False  # modified so shortly before it was read that a later change
    # could keep the same time: `reconcile` compares its content too


@dataclass(frozen=True)
class Reconciled:
    """What `PageCache.reconcile` found: the files whose pages were dropped because the
    file changed (to be read again) and how many files are gone."""

    changed: list[Path]
    removed: int


@dataclass(frozen=True)
class PageRow:
    """What the cache knows about a page without decoding its extractions."""

    seq: int
    source: str
    digest: str
    encoding: str
    home_city: str | None
    articles: int


class PageCache:
    """Pass-1 results, one row per page, in build order (sqlite). Changes become
    visible to other processes at `commit`; an unfinished build leaves the cache as
    it was."""

    def __init__(self, path: Path | None = None) -> None:
        self._tmp: tempfile.TemporaryDirectory[str] | None = None
        if path is None:
            self._tmp = tempfile.TemporaryDirectory(prefix="kg-pages-")
            path = Path(self._tmp.name) / "pages.sqlite"
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self.db = sqlite3.connect(path, isolation_level="DEFERRED")
        try:
            self._open()
        except sqlite3.DatabaseError as e:
            self.db.close()
            raise StoreError(f"{path} is not a kg page cache ({e}); "
                             "remove it or build into another store") from None

    def _open(self) -> None:
        if self._tmp is not None:
            self.db.execute("PRAGMA journal_mode=OFF")
            self.db.execute("PRAGMA synchronous=OFF")
        self.db.executescript(
            """
            CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
            CREATE TABLE IF NOT EXISTS pages (
                seq INTEGER PRIMARY KEY, source TEXT NOT NULL, digest TEXT NOT NULL,
                encoding TEXT NOT NULL, home_city TEXT, articles INTEGER NOT NULL,
                names TEXT NOT NULL, data BLOB NOT NULL, file TEXT NOT NULL,
                part INTEGER NOT NULL, path BLOB NOT NULL, size INTEGER NOT NULL,
                mtime_ns INTEGER NOT NULL, racy INTEGER NOT NULL);
            CREATE INDEX IF NOT EXISTS pages_path ON pages (path);
            """
        )
        columns = [r[1] for r in self.db.execute("PRAGMA table_info(pages)")]
        if columns != ["seq", "source", "digest", "encoding", "home_city", "articles",
                       "names", "data", "file", "part", "path", "size", "mtime_ns", "racy"]:
            raise sqlite3.DatabaseError("its pages table has other columns")

    # metadata ------------------------------------------------------------------
    def meta(self) -> dict[str, str]:
        return dict(self.db.execute("SELECT key, value FROM meta").fetchall())

    def set_meta(self, values: Mapping[str, str]) -> None:
        self.db.executemany("INSERT OR REPLACE INTO meta VALUES (?, ?)", values.items())

    # pages ---------------------------------------------------------------------
    def __len__(self) -> int:
        return int(self.db.execute("SELECT COUNT(*) FROM pages").fetchone()[0])

    def paths(self) -> frozenset[bytes]:
        """The files (as the OS spells them) whose pages are in the cache."""
        return frozenset(p for (p,) in self.db.execute("SELECT DISTINCT path FROM pages"))

    def add(self, row: PageRow, names: Iterable[str], data: bytes, origin: Origin) -> None:
        """Add a page (its seq is assigned here)."""
        self.db.execute(
            "INSERT INTO pages (source, digest, encoding, home_city, articles, names, data, "
            "file, part, path, size, mtime_ns, racy) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (row.source, row.digest, row.encoding, row.home_city, row.articles,
             "\n".join(sorted(names)), data, origin.file, origin.part, origin.path,
             origin.size, origin.mtime_ns, int(origin.racy)),
        )

    def reconcile(self) -> Reconciled:
        """Drop the pages of files that are gone or changed since they were read (by
        size and modification time, and by content where the time cannot tell): what
        stays is what a fresh build would read."""
        from kg.io import InputError, read_page

        changed: list[Path] = []
        removed = 0
        files = self.db.execute(
            "SELECT path, size, mtime_ns, MAX(racy), MAX(part), MIN(digest) FROM pages "
            "GROUP BY path ORDER BY file").fetchall()
        for path, size, mtime_ns, racy, parts, digest in files:
            try:
                st = os.stat(path)
            except OSError:
                st = None
            if st is not None and (st.st_size, st.st_mtime_ns) == (size, mtime_ns):
                if not racy:
                    continue
                try:
                    if not parts and read_page(Path(os.fsdecode(path))).digest == digest:
                        continue
                except InputError:
                    pass
            self.db.execute("DELETE FROM pages WHERE path = ?", (path,))
            if st is None:
                removed += 1
            else:
                changed.append(Path(os.fsdecode(path)))
        return Reconciled(changed, removed)

    def names(self) -> frozenset[str]:
        """Every confident name any page contributed."""
        out: set[str] = set()
        for (names,) in self.db.execute("SELECT names FROM pages"):
            if names:
                out.update(names.split("\n"))
        return frozenset(out)

    def rows(self) -> list[PageRow]:
        return [PageRow(*r) for r in self.db.execute(
            "SELECT seq, source, digest, encoding, home_city, articles FROM pages "
            "ORDER BY file, path, part")]

    def data(self) -> Iterator[tuple[PageRow, bytes]]:
        """Every page with its encoded extractions (kg.codec), in the order of their
        names (a fresh build's order, whatever order the pages were added in), streamed."""
        cur = self.db.execute(
            "SELECT seq, source, digest, encoding, home_city, articles, data "
            "FROM pages ORDER BY file, path, part")
        for *row, data in cur:
            yield PageRow(*row), data

    def clear(self) -> None:
        self.db.execute("DELETE FROM pages")
        self.db.execute("DELETE FROM meta")

    def commit(self) -> None:
        self.db.commit()

    def close(self) -> None:
        self.db.close()
        if self._tmp is not None:
            self._tmp.cleanup()


# --- the graph ------------------------------------------------------------------------


@cache
def _kg_store_class() -> type:
    import pyoxigraph as ox
    from oxrdflib import OxigraphStore
    from oxrdflib._converter import from_ox, from_ox_graph_name, to_ox_quad_pattern
    from rdflib import XSD, Literal
    from rdflib.plugins.sparql.sparql import Query

    def plain(term: Any) -> Any:
        # pyoxigraph types plain literals xsd:string; rdflib keeps them untyped
        if isinstance(term, Literal) and term.datatype == XSD.string:
            return Literal(str(term))
        return term

    class KgOxigraphStore(OxigraphStore):
        """oxrdflib's store, giving back plain literals as rdflib makes them (so the
        graph compares equal to one parsed from Turtle), converting each IRI once
        (a graph scan builds far fewer rdflib terms), and answering queries that
        rdflib prepared (kg.query prepares every query to check it) natively, from
        the text they were prepared from: pyoxigraph evaluates SPARQL, not rdflib's
        Python engine. SELECT rows are read as the caller iterates."""

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._iris: dict[Any, Any] = {}
            self._default: Any = None
            self.listings: Any = None  # kg.listings.Listings of the graph, if valid

        @property
        def oxigraph(self) -> ox.Store:
            """The pyoxigraph store underneath (kg.query runs named queries on it)."""
            return self._inner

        def _term(self, t: Any) -> Any:
            if type(t) is ox.NamedNode:
                r = self._iris.get(t)
                if r is None:
                    r = self._iris[t] = from_ox(t)
                return r
            return plain(from_ox(t))

        def _context(self, graph_name: Any) -> Iterator[Any]:
            if type(graph_name) is ox.DefaultGraph:
                if self._default is None:
                    self._default = from_ox_graph_name(graph_name, self)
                yield self._default
            else:
                yield from_ox_graph_name(graph_name, self)

        def triples(self, triple_pattern: Any, context: Any = None) -> Iterator[Any]:
            try:
                found = self._inner.quads_for_pattern(*to_ox_quad_pattern(triple_pattern, context))
            except (TypeError, ValueError):
                return  # a pattern no triple can match (a literal subject, ...)
            term = self._term
            for q in found:
                triple = term(q.subject), term(q.predicate), term(q.object)
                yield triple, self._context(q.graph_name)

        def query(self, query: Any, initNs: Mapping[str, Any],
                  initBindings: Mapping[str, Any], queryGraph: str, **kwargs: object) -> Any:
            if isinstance(query, Query):
                original = getattr(query, "_original_args", None)
                if not original:
                    raise NotImplementedError  # rdflib evaluates it itself
                text, ns, _base = original
                initNs = {**dict(ns or {}), **dict(initNs or {})}
                query = text
            res = super().query(query, initNs, initBindings, queryGraph, **kwargs)
            if res.type == "SELECT":
                # rows as they are read (oxrdflib's generator), so the first rows of a
                # long answer show at once; an error of the query shows while reading
                found = getattr(res, "_genbindings", None)
                if found is None:
                    found = iter(res.bindings)
                res._genbindings, res._bindings = None, []
                res.bindings = ({k: plain(v) for k, v in row.items()} for row in found)
            return res

    return KgOxigraphStore


def rdflib_graph(store: pyoxigraph.Store, listings: Listings | None = None,
                 dataset: bool = False) -> Graph:
    """An rdflib.Graph over the default graph of a pyoxigraph store: rdflib's API,
    pyoxigraph's storage and SPARQL (and the store's kept answers: kg.listings). With
    `dataset`, an rdflib Dataset over the store (its named graphs for GRAPH ?g)."""
    from rdflib import Dataset, Graph
    from rdflib.graph import DATASET_DEFAULT_GRAPH_ID

    from kg.sparql import bind_prefixes as bind

    kg_store = _kg_store_class()(store=store)
    kg_store.listings = listings
    if dataset:
        return bind(Dataset(store=kg_store))
    return bind(Graph(store=kg_store, identifier=DATASET_DEFAULT_GRAPH_ID))


def graph_dir(root: Path) -> Path:
    """The pyoxigraph directory of a store: ROOT/graph, or ROOT itself when ROOT is a
    plain pyoxigraph store made by other tools."""
    g = root / "graph"
    return g if g.is_dir() or not (root / "CURRENT").exists() else root


def open_graph(spec: str | Path) -> Graph:
    """The graph of `oxigraph:DIR`, read-only, as an rdflib.Graph (kg.query.load's
    answer for a store). Raises StoreError when there is none."""
    import pyoxigraph as ox

    from kg.listings import FILE, Listings, fingerprint

    root = parse_spec(spec)
    path = graph_dir(root)
    if not path.is_dir():
        raise StoreError(f"no graph store in {root} (kg build --store {SCHEME}{root} makes one)")
    try:
        before = fingerprint(path)
        store = ox.Store.read_only(str(path))
    except OSError as e:
        raise StoreError(f"cannot open the graph store {path}: {e}") from e
    # the kept answers hold for the graph opened only if it did not change meanwhile
    listings = None
    if path != root and before == fingerprint(path):
        listings = Listings(root / FILE, before)
    return rdflib_graph(store, listings)


def replace_graph(root: Path, quads: Iterable[pyoxigraph.Quad]) -> None:
    """Write `quads` as the store's graph: loaded into a fresh directory beside the
    current one, then swapped in, so readers see the old graph or the new one."""
    import gc

    import pyoxigraph as ox

    root.mkdir(parents=True, exist_ok=True)
    new, cur, old = root / "graph.new", root / "graph", root / "graph.old"
    for d in (new, old):
        if d.exists():
            shutil.rmtree(d)
    store = ox.Store(str(new))
    store.bulk_extend(quads)
    store.optimize()
    store.flush()
    del store
    gc.collect()  # pyoxigraph closes the database when the object goes
    keep_listings(root, new)
    if cur.exists():
        cur.rename(old)
    new.rename(cur)
    if old.exists():
        shutil.rmtree(old)


def keep_listings(root: Path, folder: Path) -> None:
    """Work out the kept answers (kg.listings) of the graph in `folder`, which becomes
    ROOT/graph. Written first: until the graph is swapped in they match no graph."""
    import gc

    import pyoxigraph as ox

    from kg.listings import FILE, fingerprint, write

    before = fingerprint(folder)
    store = ox.Store.read_only(str(folder))
    try:
        write(root / FILE, store, before)
    finally:
        del store
        gc.collect()


def clear(root: Path) -> None:
    """Remove a store's graph, cache and kept answers (a fresh `kg build --store`)."""
    for name in ("graph", "graph.new", "graph.old"):
        if (root / name).exists():
            shutil.rmtree(root / name)
    for name in ("pages.sqlite", "listings.sqlite"):
        (root / name).unlink(missing_ok=True)


def check_cache(cache: PageCache, city: str | None, update: bool) -> None:
    """An --update must extend a cache made by the same extraction code and options."""
    meta = cache.meta()
    want = {"format": _FORMAT, "extraction": extraction_fingerprint(), "city": city or ""}
    if update and len(cache):
        for key, value in want.items():
            if meta.get(key, "") != value:
                what = {"format": "store layout", "extraction": "extraction code or lexicons",
                        "city": "--city option"}[key]
                raise StoreError(
                    f"the store was built with another {what} "
                    f"({meta.get(key, '') or 'none'!r} vs {value or 'none'!r}); "
                    "rebuild it without --update")
    cache.set_meta(want)
