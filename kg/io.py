"""Reading inputs (with encoding detection) and writing outputs atomically."""

from __future__ import annotations

import codecs
import hashlib
import logging
import os
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from kg.clean import clean
from kg.model import Page

log = logging.getLogger(__name__)

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


class InputError(Exception):
    """An input file that cannot be read as text; the message says why."""


@dataclass(frozen=True)
class Skipped:
    path: str
    reason: str


def decode(data: bytes) -> tuple[str, str]:
    """(text, encoding) of raw bytes: a BOM decides; else UTF-8, then UTF-16 without
    BOM (many NULs), then GB18030 (a superset of GBK and GB2312). Raises InputError
    for binary data."""
    for bom, enc in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(enc), enc
            except UnicodeDecodeError as e:
                raise InputError(f"starts with a {enc} byte-order mark but does not decode: {e}") from e
    if not data:
        return "", "utf-8"
    nul = data.count(b"\x00")
    if nul:
        if nul > len(data) // 4:
            half_le = data[1::2].count(0) > len(data) // 4
            for enc in (("utf-16-le", "utf-16-be") if half_le else ("utf-16-be", "utf-16-le")):
                try:
                    text = data.decode(enc)
                except UnicodeDecodeError:
                    continue
                if _texty(text):
                    return text, enc
        raise InputError("binary data (NUL bytes), not text")
    for enc in ("utf-8", "gb18030"):
        try:
            text = data.decode(enc)
        except UnicodeDecodeError:
            continue
        if _texty(text):
            return text, enc
    raise InputError("not valid UTF-8, UTF-16 or GB18030 text")


def _texty(text: str) -> bool:
    """Mostly printable characters: decoded binary is not."""
    if not text:
        return True
    sample = text[:20000]
    bad = sum(1 for c in sample if (ord(c) < 32 and c not in "\n\r\t\f") or 0xE000 <= ord(c) <= 0xF8FF)
    return bad <= len(sample) * 0.01


def read_page(path: Path, display: str | None = None) -> Page:
    """Read, decode and clean one input file."""
    try:
        data = path.read_bytes()
    except OSError as e:
        raise InputError(e.strerror or str(e)) from e
    text, enc = decode(data)
    cleaned = clean(text)
    digest = hashlib.sha1(cleaned.encode("utf-8")).hexdigest()
    return Page(display or path.as_posix(), cleaned, digest, enc)


def find_inputs(paths: Iterable[Path]) -> tuple[list[Path], list[Skipped]]:
    """Input files: each path as given, folders searched recursively for *.txt, in a
    stable (sorted) order. Missing paths are reported, not raised."""
    files: list[Path] = []
    missing: list[Skipped] = []
    for p in paths:
        if p.is_dir():
            files.extend(sorted(x for x in p.rglob("*.txt") if x.is_file()))
        elif p.is_file():
            files.append(p)
        else:
            missing.append(Skipped(str(p), "no such file or folder"))
    return list(dict.fromkeys(files)), missing


def iter_pages(files: Iterable[Path]) -> Iterator[Page | Skipped]:
    for f in files:
        try:
            yield read_page(f)
        except InputError as e:
            log.warning("skipped %s: %s", f, e)
            yield Skipped(f.as_posix(), str(e))


def atomic_write(path: Path, data: bytes | str) -> None:
    """Write to a temporary file beside `path`, flush it to disk, then rename it over
    `path`: readers see the old file or the new one, never a part."""
    if isinstance(data, str):
        data = data.encode("utf-8")
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
