"""Extractions as bytes that only hold data: what the page cache keeps between builds.

A page's pass-1 results are kept in `pages.sqlite` (kg.store) and read back by pass 2
and by later `--update` builds. They are written as compact JSON, each dataclass as the
list of its field values in declaration order, so reading a damaged or crafted cache can
at worst raise `CodecError`: nothing in it is ever run (pickle would run code).
"""

from __future__ import annotations

import json
from dataclasses import fields
from operator import attrgetter
from typing import Any

from kg.model import Article, Extraction, Link, Mention, Position


class CodecError(ValueError):
    """Bytes that are not extractions written by `dumps`."""


_FIELDS: dict[type, tuple[str, ...]] = {
    cls: tuple(f.name for f in fields(cls)) for cls in (Article, Mention, Position, Link)
}


def _names(cls: type) -> tuple[str, ...]:
    return _FIELDS[cls]


# a dataclass's field values in declaration order, as a tuple (JSON writes it as a list)
_VALUES: dict[type, attrgetter[Any]] = {cls: attrgetter(*names) for cls, names in _FIELDS.items()}


def dumps(extractions: tuple[Extraction, ...] | list[Extraction]) -> bytes:
    """The extractions of one page as JSON bytes (same input, same bytes)."""
    article, mention, position, link = (_VALUES[c] for c in (Article, Mention, Position, Link))
    doc = [
        [
            article(ex.article),
            list(map(mention, ex.mentions)),
            list(map(position, ex.positions)),
            list(map(link, ex.links)),
        ]
        for ex in extractions
    ]
    return json.dumps(doc, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


# what a field may hold besides a list of strings (JSON gives no other scalar than float)
_SCALARS = frozenset({str, int, bool, type(None)})


def _make(cls: type, values: Any) -> Any:
    names = _names(cls)
    if not isinstance(values, list) or len(values) != len(names):
        raise CodecError(f"a {cls.__name__} needs {len(names)} fields")
    args = []
    for v in values:  # (a type check per value: pass 2 decodes every mention of a corpus)
        t = type(v)
        if t in _SCALARS:
            args.append(v)
        elif t is list and all(type(x) is str for x in v):
            args.append(tuple(v))
        else:
            raise CodecError(f"a {cls.__name__} field of an unexpected type")
    return cls(*args)


def loads(data: bytes) -> tuple[Extraction, ...]:
    """What `dumps` wrote; `CodecError` for anything else."""
    try:
        doc = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        raise CodecError(f"not kg extraction data: {e}") from None
    if not isinstance(doc, list):
        raise CodecError("not kg extraction data: a list of articles expected")
    out = []
    for item in doc:
        if not isinstance(item, list) or len(item) != 4 or not all(
            isinstance(part, list) for part in item[1:]
        ):
            raise CodecError("not kg extraction data: an article record is malformed")
        art, ms, ps, ls = item
        try:
            out.append(
                Extraction(
                    _make(Article, art),
                    tuple(_make(Mention, m) for m in ms),
                    tuple(_make(Position, p) for p in ps),
                    tuple(_make(Link, li) for li in ls),
                )
            )
        except TypeError as e:
            raise CodecError(f"not kg extraction data: {e}") from None
    return tuple(out)
