"""Answers a store keeps for its long listings (named queries marked `# kept: yes`).

Listing every person of a million-triple store with their posts takes pyoxigraph over a
second, however the query is written: each row costs it a handful of index lookups.
So when kg build writes a store's graph, it runs each kept query once, unbound, and
keeps the rows in `listings.sqlite` beside the graph, grouped by the values of the
query's parameters (which a kept query must project). `kg query` answers a kept query
from there, in a few milliseconds, with the rows SPARQL would give.

A listing is trusted only for the graph it was made from: it records a fingerprint of
the graph's database files (names, sizes, times, inodes), which any write to the graph
changes and opening it read-only does not, and the digest of each query's text. On any
mismatch, or a missing or damaged file, the query runs on the graph as usual.
"""

from __future__ import annotations

import hashlib
import logging
import marshal
import os
import sqlite3
import time
from collections.abc import Iterable, Mapping, MutableSequence, Sequence
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from rdflib import BNode, Literal, URIRef
from rdflib.term import Identifier, Variable

from kg.named import NamedQuery, list_named
from kg.sparql import native_query, ox_plain, plain

if TYPE_CHECKING:
    import pyoxigraph

log = logging.getLogger(__name__)

FILE = "listings.sqlite"
_FORMAT = "1"
_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
_SEP = "\x1f"  # between the values of several parameters in a key
_TERMS_ONLY: Any = object()  # no plain form kept for an answer

# A term as kept: an IRI as its str, a literal as (lexical, language, datatype) with
# datatype "" for language-tagged and xsd:string literals, a blank node as (id,).
Kept = str | tuple[str, str, str] | tuple[str] | None


def fingerprint(folder: Path) -> str:
    """The state of a pyoxigraph (RocksDB) folder: every file but the info logs, by
    name, size, modification time and inode. A write adds or changes a file."""
    h = hashlib.sha1()
    for e in sorted(os.scandir(folder), key=lambda e: e.name):
        if e.name.startswith("LOG") or not e.is_file():
            continue
        st = e.stat()
        h.update(f"{e.name}\0{st.st_size}\0{st.st_mtime_ns}\0{st.st_ino}\n".encode())
    return h.hexdigest()


def _digest(nq: NamedQuery) -> str:
    return hashlib.sha1(nq.text.encode("utf-8")).hexdigest()


def _keep(term: Any) -> Kept:
    """A pyoxigraph term as kept."""
    if term is None:
        return None
    kind = type(term).__name__
    if kind == "NamedNode":
        return str(term.value)
    if kind == "Literal":
        dt = term.datatype.value
        return (term.value, term.language or "", "" if term.language or dt == _XSD_STRING else dt)
    return (str(term.value),)


def _key(values: Iterable[Kept]) -> str | None:
    """The key of a row for its parameter values; None when one is not a Chinese-tagged
    literal (a bound parameter is one: kg.query.bind_params), so no call can reach it."""
    parts = []
    for v in values:
        if not (isinstance(v, tuple) and len(v) == 3 and v[1] == "zh"):
            return None
        parts.append(v[0])
    return _SEP.join(parts)


def write(path: Path, store: pyoxigraph.Store, graph_fingerprint: str,
          queries: Sequence[NamedQuery] | None = None) -> None:
    """Run every kept named query on `store` and keep the answers in `path` (replaced
    as a whole), for the graph whose fingerprint is given."""
    tmp = path.with_name(path.name + ".new")
    tmp.unlink(missing_ok=True)
    with closing(sqlite3.connect(tmp)) as db:
        db.executescript(
            """
            PRAGMA journal_mode=OFF;
            CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
            CREATE TABLE queries (name TEXT PRIMARY KEY, digest TEXT NOT NULL,
                                  vars TEXT NOT NULL);
            CREATE TABLE answers (name TEXT NOT NULL, key TEXT NOT NULL, rows BLOB NOT NULL,
                                  plain BLOB, PRIMARY KEY (name, key));
            """
        )
        for nq in queries if queries is not None else list_named():
            if nq.kept:
                _write_query(db, store, nq)
        db.executemany("INSERT INTO meta VALUES (?, ?)",
                       [("format", _FORMAT), ("graph", graph_fingerprint)])
        db.commit()
    os.replace(tmp, path)


def _write_query(db: sqlite3.Connection, store: pyoxigraph.Store, nq: NamedQuery) -> None:
    started = time.perf_counter()
    names, solutions = native_query(store, nq.text)
    missing = [p for p in nq.param_names if p not in names]
    if missing:  # its answers could not be told apart by parameter
        log.warning("named query %s is marked kept but does not project ?%s; not kept",
                    nq.name, missing[0])
        return
    where = [names.index(p) for p in sorted(nq.param_names)]
    groups: dict[str, list[tuple[Kept, ...]]] = {}
    plains: dict[str, list[tuple[Any, ...]]] = {}
    for sol in solutions:
        row = tuple(_keep(t) for t in sol)
        key = _key(row[i] for i in where)
        if key is not None:
            groups.setdefault(key, []).append(row)
            plains.setdefault(key, []).append(tuple(ox_plain(t) for t in sol))
    db.execute("INSERT INTO queries VALUES (?, ?, ?)", (nq.name, _digest(nq), "\n".join(names)))
    db.executemany("INSERT INTO answers VALUES (?, ?, ?, ?)",
                   ((nq.name, k, marshal.dumps(rows), _plain_blob(plains[k]))
                    for k, rows in groups.items()))
    log.info("%.2f s: kept the answer of %s (%d rows)", time.perf_counter() - started,
             nq.name, sum(map(len, groups.values())))


def _plain_blob(rows: list[tuple[Any, ...]]) -> bytes | None:
    """The rows as kg.query.named gives them (plain values), ready to load: half the
    time of converting the terms on each call. None when a value is not one marshal
    keeps (a date); then the terms are converted."""
    try:
        return marshal.dumps(rows)
    except ValueError:
        return None


@dataclass(frozen=True)
class Listings:
    """The kept answers of a store, for the graph with the given fingerprint."""

    path: Path
    graph_fingerprint: str

    def answer(
        self, nq: NamedQuery, params: Mapping[str, str]
    ) -> tuple[list[str], list[tuple[Kept, ...]]] | None:
        """The query's variables and rows (terms as kept), or None when this store
        keeps no valid answer for it (then the query must run)."""
        return self._answer(nq, params, "rows")

    def rows(self, nq: NamedQuery, params: Mapping[str, str]) -> list[dict[str, Any]] | None:
        """The answer as kg.query.named gives it, or None (as `answer`)."""
        found = self._answer(nq, params, "plain")
        if found is None:
            return None
        names, rows = found
        if rows is _TERMS_ONLY:
            kept = self._answer(nq, params, "rows")
            if kept is None:
                return None
            names, rows = kept
            return [{n: None if t is None else plain(term(t))
                     for n, t in zip(names, r, strict=True)} for r in rows]
        return [dict(zip(names, r, strict=True)) for r in rows]

    def _answer(self, nq: NamedQuery, params: Mapping[str, str],
                column: str) -> tuple[list[str], Any] | None:
        assert column in ("rows", "plain")
        if not nq.kept or not self.path.is_file():
            return None
        key = _SEP.join(str(params[p]) for p in sorted(nq.param_names))
        try:
            with closing(sqlite3.connect(self.path.resolve().as_uri() + "?mode=ro",
                                         uri=True)) as db:
                meta = dict(db.execute("SELECT key, value FROM meta").fetchall())
                if meta.get("format") != _FORMAT or meta.get("graph") != self.graph_fingerprint:
                    return None
                q = db.execute("SELECT digest, vars FROM queries WHERE name = ?",
                               (nq.name,)).fetchone()
                if q is None or q[0] != _digest(nq):
                    return None
                found = db.execute(f"SELECT {column} FROM answers WHERE name = ? AND key = ?",
                                   (nq.name, key)).fetchone()
        except sqlite3.Error as e:
            log.warning("ignoring the kept answers in %s: %s", self.path, e)
            return None
        if found is None:
            return q[1].split("\n"), []
        return q[1].split("\n"), _TERMS_ONLY if found[0] is None else marshal.loads(found[0])


def bindings(names: Sequence[str], rows: Iterable[tuple[Kept, ...]]
             ) -> MutableSequence[Mapping[Variable, Identifier]]:
    """Kept rows as the bindings of an rdflib query result (unbound variables left out)."""
    variables = [Variable(n) for n in names]
    return [{v: term(t) for v, t in zip(variables, r, strict=True) if t is not None}
            for r in rows]


def term(t: Kept) -> Identifier:
    """A kept term (not None) as the rdflib term a query on the store gives."""
    assert t is not None
    if isinstance(t, str):
        return URIRef(t)
    if len(t) == 1:
        return BNode(t[0])
    value, lang, dt = cast(tuple[str, str, str], t)
    if lang:
        return Literal(value, lang=lang)
    return Literal(value, datatype=URIRef(dt)) if dt else Literal(value)
