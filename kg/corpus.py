"""Corpora that come with more than text: a manifest of dates and sources (`kg build
--meta FILE`), JSON Lines and CSV files holding one article per record, saved web pages.

All of them say the same few things about an article, gathered in a kg.model.Meta: its
publication date (kg.dates.parse: `YYYY-MM-DD`, `YYYY-MM` or `YYYY`), title, URL and the
paper or site. Unknown columns and fields are ignored.
"""

from __future__ import annotations

import csv
import json
import logging
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kg import dates
from kg.io import InputError, Skipped, detect
from kg.model import Meta
from kg.webpage import value_text

log = logging.getLogger(__name__)

RECORD_SUFFIXES = (".jsonl", ".csv")  # one article per record
HTML_SUFFIXES = (".html", ".htm")
_DATE_FIELDS = ("published", "date")  # the first one given is the publication date
_ID_FIELDS = ("id", "file")


def is_records(path: Path | str) -> bool:
    return str(path).lower().endswith(RECORD_SUFFIXES)


def is_html(path: Path | str) -> bool:
    return str(path).lower().endswith(HTML_SUFFIXES)


def meta_of(row: Mapping[str, Any], where: str = "") -> Meta:
    """The Meta of a manifest row or a record (keys in lower case). A date that cannot
    be read is left out, with a warning naming `where`."""
    published = None
    for k in _DATE_FIELDS:
        raw = value_text(row.get(k))
        if raw is None:
            continue
        published = dates.parse(raw)
        if published is None:
            log.warning("%s: %s %r is not a date (YYYY-MM-DD, YYYY-MM or YYYY); ignored",
                        where, k, raw)
        break
    return Meta(published, value_text(row.get("title")), value_text(row.get("url")),
                value_text(row.get("site")))


@dataclass
class Manifest:
    """Rows of a manifest by the file they describe: by path (resolved against the
    manifest's folder) and by base name (when no two rows share it)."""

    path: Path
    by_path: dict[Path, Meta] = field(default_factory=dict)
    by_name: dict[str, Meta | None] = field(default_factory=dict)

    def get(self, file: Path) -> Meta:
        """The row of `file` (Meta() when it has none)."""
        got = self.by_path.get(_resolved(file))
        if got is None:
            got = self.by_name.get(file.name)
        return got or Meta()

    def __len__(self) -> int:
        return len(self.by_path)


def _resolved(p: Path) -> Path:
    try:
        return p.resolve()
    except OSError:
        return p.absolute()


def read_manifest(path: Path) -> Manifest:
    """Read a CSV or TSV manifest with a header row: `file` (a path relative to the
    manifest, or a base name) and any of `published` or `date`, `title`, `url`, `site`.
    Raises InputError when it cannot be read or has no `file` column."""
    try:
        data = path.read_bytes()
    except OSError as e:
        raise InputError(f"{path}: {e.strerror or e}") from e
    try:
        text = detect(data).text.lstrip("\ufeff")
    except InputError as e:
        raise InputError(f"{path}: {e}") from e
    head = text.split("\n", 1)[0]
    delimiter = "\t" if "\t" in head or path.suffix.lower() == ".tsv" else ","
    reader = csv.DictReader(text.splitlines(), delimiter=delimiter)
    columns = [c.strip().lower() for c in reader.fieldnames or ()]
    if "file" not in columns:
        raise InputError(f"{path}: a manifest needs a 'file' column (found: "
                         f"{', '.join(columns) or 'none'})")
    out = Manifest(path)
    base = _resolved(path.parent)
    for n, raw in enumerate(reader, start=2):
        row = {(k or "").strip().lower(): v for k, v in raw.items()}
        name = value_text(row.get("file"))
        if name is None:
            continue
        meta = meta_of(row, f"{path}:{n}")
        out.by_path[_resolved(base / name)] = meta
        key = Path(name).name
        out.by_name[key] = None if key in out.by_name else meta
    return out


def records(path: Path, encoding: str, name: str | None = None
            ) -> Iterator[tuple[str, str, Meta] | Skipped]:
    """The articles of a JSON Lines or CSV corpus file as (source, text, meta); source
    is `name#id` (name: the file's name in the build, by default its path; id: the
    record's `id`, else its line or row number). Records without text and lines that
    are not JSON objects are reported as Skipped."""
    where = name or path.as_posix()
    with path.open(encoding=encoding, newline="") as fh:
        if path.suffix.lower() == ".jsonl":
            rows: Iterator[tuple[int, Mapping[str, Any] | str]] = _json_lines(fh)
        else:
            rows = _csv_rows(fh)
        seen: set[str] = set()
        for n, row in rows:
            if isinstance(row, str):
                yield Skipped(f"{where}#{n}", row)
                continue
            ident = next((s for k in _ID_FIELDS if (s := value_text(row.get(k)))), None)
            source = f"{where}#{ident}" if ident and ident not in seen else f"{where}#{n}"
            seen.add(source.rsplit("#", 1)[1])
            text = row.get("text")
            if not isinstance(text, str) or not text.strip():
                yield Skipped(source, "a record without text")
                continue
            yield source, text, meta_of(row, source)


def _json_lines(fh: Any) -> Iterator[tuple[int, Mapping[str, Any] | str]]:
    for n, line in enumerate(fh, start=1):
        line = line.strip().lstrip("\ufeff")
        if not line:
            continue
        try:
            rec = json.loads(line)
        except ValueError as e:
            yield n, f"not JSON ({e.args[0] if e.args else e})"
            continue
        if not isinstance(rec, dict):
            yield n, "not a JSON object"
            continue
        yield n, {str(k).lower(): v for k, v in rec.items()}


def _csv_rows(fh: Any) -> Iterator[tuple[int, Mapping[str, Any] | str]]:
    csv.field_size_limit(1 << 30)  # an article is longer than csv's default 128 KB cell
    reader = csv.DictReader(fh)
    if "text" not in [(c or "").strip().lower().lstrip("\ufeff") for c in reader.fieldnames or ()]:
        yield 1, "a CSV file without a 'text' column"
        return
    for n, raw in enumerate(reader, start=1):
        yield n, {(k or "").strip().lower().lstrip("\ufeff"): v for k, v in raw.items()}
