"""Work units: what one task reads and extracts.

An input file is one page. A huge file (a year of a paper saved as one text) is cut
into parts of about `part_chars` characters at paragraph breaks, read as a stream, and
each part is a page of its own (source `name#k`), so no process ever holds the whole
file. The cut points depend on the file alone, so every engine and job count cuts the
same way. A JSON Lines or CSV corpus file is read as a stream too, each record a page
(source `name#id`, kg.corpus.records).
"""

from __future__ import annotations

import codecs
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from kg import corpus, webpage
from kg.clean import clean
from kg.io import (
    InputError,
    Skipped,
    decode,
    digest,
    input_root,
    read_page,
    shown_path,
    source_name,
)
from kg.model import Meta, Page

SPLIT_BYTES = 8 * 2**20  # files larger than this are read in parts
PART_CHARS = 200_000  # about this many characters a part
_SAMPLE = 2**20
_TERMINAL = tuple("。！？!?；;”\"’）)】」』…")


@dataclass(frozen=True)
class Unit:
    """One page to extract: a whole file (text None: the worker reads it) or a part
    of a huge file (its decoded text travels with the task)."""

    source: str  # Page.source: the file's name (io.source_name), `name#k` for part k
    path: str
    file_index: int  # position of the file among the inputs (for progress)
    text: str | None = None
    encoding: str = "utf-8"
    part: int = 0  # k of a part of a split file or of a record of a corpus file, else 0
    # what the corpus says of the page (manifest row, record fields)
    meta: Meta = field(default_factory=Meta)


def read_unit(unit: Unit) -> Page:
    """Decode and clean a unit into a page (raises InputError), exactly as `read_page`
    does for a whole file."""
    if unit.text is None:
        return read_page(Path(unit.path), display=unit.source, meta=unit.meta)
    cleaned = clean(unit.text)
    return Page(unit.source, cleaned, digest(cleaned, unit.meta), unit.encoding, unit.meta)


def units(
    files: Sequence[Path], split_bytes: int = SPLIT_BYTES, part_chars: int = PART_CHARS,
    root: Path | None = None, manifest: corpus.Manifest | None = None,
) -> Iterator[Unit | Skipped]:
    """The units of the input files, in order, named relative to `root` (by default the
    folder holding them all), each with its row of the `manifest`; a huge file that
    cannot be decoded is reported as Skipped, and so is a record of a corpus file
    without text."""
    root = root if root is not None else input_root(files)
    for i, f in enumerate(files):
        name = source_name(f, root)
        meta = manifest.get(f) if manifest is not None else Meta()
        try:
            size = f.stat().st_size
        except OSError:
            size = 0  # let the worker report it
        if corpus.is_records(f):
            try:
                for k, rec in enumerate(corpus.records(f, sniff_encoding(f), name), start=1):
                    if isinstance(rec, Skipped):
                        yield rec
                    else:
                        source, text, own = rec
                        yield Unit(source, str(f), i, text, part=k,
                                   meta=webpage.merge(own, meta))
            except (InputError, UnicodeDecodeError, OSError) as e:
                yield Skipped(shown_path(f), str(e))
            continue
        if size <= split_bytes or corpus.is_html(f):
            yield Unit(name, str(f), i, meta=meta)
            continue
        try:
            enc = sniff_encoding(f)
            for k, text in enumerate(split_text(f, enc, part_chars), start=1):
                yield Unit(f"{name}#{k}", str(f), i, text, enc, k, meta)
        except (InputError, UnicodeDecodeError, OSError) as e:
            yield Skipped(shown_path(f), str(e))


def estimate_units(files: Sequence[Path], split_bytes: int = SPLIT_BYTES,
                   part_chars: int = PART_CHARS) -> int:
    """About how many units `units` will give (without reading the files)."""
    n = 0
    for f in files:
        try:
            size = f.stat().st_size
        except OSError:
            size = 0
        if corpus.is_records(f):  # a record is an article of a few thousand bytes
            n += max(1, size // 4096)
        else:
            n += 1 if size <= split_bytes else max(1, size // (2 * part_chars))
    return max(1, n)


def sniff_encoding(path: Path) -> str:
    """The encoding `kg.io.decode` would pick for the whole file, found from its first
    megabyte (and, for UTF-8, a streaming check of the rest)."""
    with path.open("rb") as fh:
        head = fh.read(_SAMPLE)
    if head.count(b"\x00") > len(head) // 4 or head.startswith(
        (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE, codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)
    ):
        cut = len(head) - len(head) % 4
        try:
            _, enc = decode(head[:cut])
        except InputError:  # a surrogate pair cut in two
            _, enc = decode(head[: cut - 4])
        return enc
    nl = head.rfind(b"\n")
    _, enc = decode(head[: nl + 1] if nl > 0 else head)
    if enc == "utf-8" and not _valid_utf8(path):
        return "gb18030"
    return enc


def _valid_utf8(path: Path) -> bool:
    dec = codecs.getincrementaldecoder("utf-8")()
    with path.open("rb") as fh:
        try:
            while chunk := fh.read(_SAMPLE):
                dec.decode(chunk)
            dec.decode(b"", final=True)
        except UnicodeDecodeError:
            return False
    return True


def split_text(path: Path, encoding: str, part_chars: int = PART_CHARS) -> Iterator[str]:
    """The decoded text of a file in parts of about `part_chars` characters, cut at a
    blank line after a line that ends a sentence or is short (a headline, a byline), so
    that no wrapped sentence is cut; failing that within twice the size, at any blank
    line; within four times, at any line end."""
    buf: list[str] = []
    size = 0
    prev = ""  # last non-blank line
    with path.open(encoding=encoding, newline="") as fh:
        while line := fh.readline(1 << 16):
            bare = line.strip()
            sentence_end = prev.endswith(_TERMINAL) or len(prev) <= 12
            if size >= part_chars and (
                (not bare and (sentence_end or size >= 2 * part_chars)) or size >= 4 * part_chars
            ):
                yield "".join(buf)
                buf, size = [], 0
            buf.append(line)
            size += len(line)
            if bare:
                prev = bare
    if buf:
        yield "".join(buf)
