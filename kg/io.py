"""Reading inputs (with encoding detection) and writing outputs atomically.

Real corpora come as UTF-8 (with or without a BOM), GBK/GB18030 and UTF-16 (with or
without a BOM), and hold empty, binary, truncated and NUL-padded files. `detect` turns
bytes into text or says in one phrase why they are not text; `find_inputs` reports what
it cannot read instead of dropping it; `atomic_write` never leaves a half-written output.
"""

from __future__ import annotations

import codecs
import contextlib
import errno
import hashlib
import logging
import os
import re
import secrets
import stat
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from kg import webpage
from kg.clean import clean
from kg.model import Meta, Page

log = logging.getLogger(__name__)

# (byte-order mark, codec of the rest, encoding reported: reads the whole file with open())
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le", "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32-be", "utf-32"),
    (codecs.BOM_UTF8, "utf-8", "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16-le", "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16-be", "utf-16"),
)
# file signatures of formats people save as .txt by mistake
_MAGIC = (
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"%PDF-", "a PDF document"),
    (b"PK\x03\x04", "a ZIP archive (.docx, .xlsx, ...)"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an old Office document (.doc, .xls)"),
    (b"{\\rtf", "an RTF document"),
    (b"\x1f\x8b", "gzip data"),
    (b"\x7fELF", "an executable"),
)
_TRUNCATED = frozenset(
    {"unexpected end of data", "truncated data", "incomplete multibyte sequence"}
)
_SAMPLE = 65536  # characters looked at when judging decoded text
_MAX_BAD = 8  # invalid byte sequences a page may have and still be read (replaced by U+FFFD)
# characters of Chinese news text: ASCII, Latin-1, general punctuation, symbols, CJK
# punctuation, kana, CJK ideographs, compatibility and full-width forms
_UNCOMMON = re.compile(
    "[^\t\n\r\f\x20-\x7e\u00a0-\u00ff\u2000-\u206f\u2100-\u22ff\u2460-\u27bf"
    "\u3000-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef]"
)
_CJK = "[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]"  # (compiled when first needed, by re)
# characters that are assigned and neither control, private-use nor surrogate: what most
# of a page is made of (checked code point by code point in tests/test_io.py)
_SURELY_TEXT = re.compile(
    "[\t\n\r\f\v -~\u00a0-\u024f\u2010-\u2027\u2030-\u205e\u3000-\u303f"
    "\u3400-\u4dbf\u4e00-\u9fef\uff01-\uff60\uffe0-\uffe6]+"
)


class InputError(Exception):
    """An input file that cannot be read as text; the message says why."""


class OutputError(OSError):
    """An output file that cannot be written; the message names it and says why."""


@dataclass(frozen=True)
class Skipped:
    path: str
    reason: str


@dataclass(frozen=True)
class Decoded:
    """Text decoded from bytes. `encoding` is a Python codec name that reads the whole
    file the same way with open(); `notes` say what was repaired on the way (a truncated
    last character dropped, a few invalid bytes replaced, NUL padding ignored)."""

    text: str
    encoding: str
    notes: tuple[str, ...] = ()


def decode(data: bytes) -> tuple[str, str]:
    """(text, encoding) of raw bytes; see `detect`. Raises InputError when not text."""
    d = detect(data)
    return d.text, d.encoding


def detect(data: bytes) -> Decoded:
    """Decode the bytes of a page. A byte-order mark decides; else the first of: strict
    UTF-8 that reads as Chinese-news characters; UTF-16 without BOM whose NUL bytes fix
    the byte order; GB18030 (a superset of GBK and GB2312) reading as mostly GB2312
    Chinese; UTF-16 without BOM and without ASCII; any strict UTF-8; UTF-8, then GB18030,
    with at most a few invalid bytes replaced; any GB18030 text; the guess of
    charset-normalizer. A last character cut in half by truncation is dropped, NUL
    padding at the end ignored (both noted). Raises InputError for empty files, binary
    data and undecodable text."""
    if not data:
        raise InputError("empty")
    for magic, kind in _MAGIC:
        if data.startswith(magic):
            raise InputError(f"binary data ({kind}), not text")
    notes: list[str] = []
    padded = len(data) - len(data.rstrip(b"\x00"))
    if padded >= 4:  # a file preallocated or zero-filled after a crash
        data = data[:-padded]
        if not data:
            raise InputError("binary data (only NUL bytes), not text")
        notes.append(f"{padded} NUL bytes at the end ignored (the file may be incomplete)")
        if len(data) % 2:  # keep the last byte pair of UTF-16 text whole
            data += b"\x00"
    d = _detect(data)
    text = d.text.rstrip("\x00") if padded >= 4 else d.text
    if not text.strip(" \t\r\n\f\v\u3000\ufeff\u200b"):
        raise InputError("empty (only whitespace)")
    return Decoded(text, d.encoding, (*notes, *d.notes))


def _detect(data: bytes) -> Decoded:
    for bom, codec, name in _BOMS:
        if data.startswith(bom):
            got = _strict(data[len(bom):], codec)
            if got is None:
                raise InputError(f"starts with a {name} byte-order mark but is not {name} text")
            if not _texty(got.text):
                raise InputError(f"binary data ({_why_binary(got.text)}), not text")
            return Decoded(got.text, name, got.notes)
    utf8 = _strict(data, "utf-8")
    if utf8 and _texty(utf8.text) and _plausible(utf8.text) >= 0.9:
        return utf8
    if got := _utf16(data, sure=True):
        return got
    gb = _strict(data, "gb18030")
    if gb and _texty(gb.text) and _gb2312_share(gb.text) >= 0.8:
        return gb
    if got := _utf16(data, sure=False):
        return got
    if utf8 and _texty(utf8.text):  # UTF-8 text, not Chinese
        return utf8
    for codec in ("utf-8", "gb18030"):
        lenient = _lenient(data, codec)
        if lenient is None or not _texty(lenient.text, controls_only=True):
            continue
        if codec == "utf-8" or _gb2312_share(lenient.text) >= 0.8:
            return lenient
    if gb and _texty(gb.text) and _plausible(gb.text) >= 0.9:
        return gb
    if guess := _charset_normalizer(data):
        return guess
    head = data[:_SAMPLE]
    if sum(1 for b in head if b < 32 and b not in b"\t\n\r\f\v") > len(head) // 100:
        raise InputError(f"binary data ({_why_binary(head.decode('latin-1'))}), not text")
    raise InputError("not text in UTF-8, UTF-16, GB18030 or any encoding charset-normalizer knows")


def _strict(data: bytes, codec: str) -> Decoded | None:
    """Strict decoding; a multi-byte character cut short at the very end (a truncated
    file) is dropped with a note."""
    try:
        return Decoded(data.decode(codec), codec)
    except UnicodeDecodeError as e:
        if e.reason not in _TRUNCATED or e.end < len(data) or e.start < len(data) - 4:
            return None
        try:
            text = data[: e.start].decode(codec)
        except UnicodeDecodeError:
            return None
        cut = len(data) - e.start
        note = f"last {cut} byte(s) are a cut-off character (truncated file?); dropped"
        return Decoded(text, codec, (note,))


def _lenient(data: bytes, codec: str) -> Decoded | None:
    """Decoding that replaces a few invalid sequences by U+FFFD: at most _MAX_BAD, and
    one per 200 bytes but at least 4 (one corrupt byte can break up to three); None
    when there are more, or none."""
    limit = min(_MAX_BAD, max(4, len(data) // 200))
    bad, pos = 0, 0
    while True:
        try:
            data[pos:].decode(codec)
            break
        except UnicodeDecodeError as e:
            bad += 1
            if bad > limit:
                return None
            pos += e.end
    if not bad:
        return None
    text = data.decode(codec, errors="replace")
    return Decoded(text, codec, (f"{bad} invalid {codec} byte sequence(s) replaced by U+FFFD",))


def _utf16(data: bytes, sure: bool) -> Decoded | None:
    """UTF-16 without a byte-order mark. `sure`: only when NUL bytes mostly at one
    parity show the high bytes of ASCII characters (digits, line ends), which fixes the
    byte order. Otherwise (a page with hardly any ASCII) the byte order that reads as
    Chinese text, unless most characters are two printable ASCII bytes: ASCII text read
    as UTF-16 gives CJK ideographs (`xx` -> U+7878)."""
    sample = data[: 2 * _SAMPLE]
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    if sure:
        if max(even, odd) < 2 or min(even, odd) * 4 > max(even, odd):
            return None
        codecs_: tuple[str, ...] = ("utf-16-le",) if odd > even else ("utf-16-be",)
    else:
        codecs_ = ("utf-16-le", "utf-16-be")
    best: tuple[float, Decoded] | None = None
    for codec in codecs_:
        got = _strict(data, codec)
        if got is None or not _texty(got.text):
            continue
        score = _plausible(got.text)
        if not sure and _ascii_pairs(got.text) > 0.5:
            continue
        if score >= 0.9 and (best is None or score > best[0]):
            best = (score, got)
    return best[1] if best else None


def _ascii_pairs(text: str) -> float:
    """Share of characters whose two bytes are both printable ASCII."""
    sample = _sample(text)
    n = sum(1 for c in sample if 0x20 <= ord(c) >> 8 <= 0x7E and 0x20 <= ord(c) & 0xFF <= 0x7E)
    return n / len(sample) if sample else 0.0


def _charset_normalizer(data: bytes) -> Decoded | None:
    from charset_normalizer import from_bytes

    match = from_bytes(data).best()
    if match is None:
        return None
    text = str(match)
    if not _texty(text) or _plausible(text) < 0.9:
        return None
    note = f"encoding guessed by charset-normalizer: {match.encoding}"
    return Decoded(text, codecs.lookup(match.encoding).name, (note,))


def _sample(text: str) -> str:
    """The start, middle and end of a long text."""
    if len(text) <= _SAMPLE:
        return text
    third = _SAMPLE // 3
    mid = len(text) // 2
    return text[:third] + text[mid : mid + third] + text[-third:]


def _texty(text: str, controls_only: bool = False) -> bool:
    """At most 1% control (except layout), private-use, unassigned or surrogate
    characters: decoded binary has more. With `controls_only`, only control characters
    count (text decoded out of step after a corrupt byte shows private-use ones)."""
    bad_kinds = ("Cc",) if controls_only else ("Cc", "Co", "Cn", "Cs")
    sample = _sample(text)
    rest = _SURELY_TEXT.sub("", sample)  # only the others need a look-up
    bad = sum(1 for c in rest if c not in "\t\n\r\f\v" and unicodedata.category(c) in bad_kinds)
    return bad <= max(1, len(sample) // 100)


def _why_binary(text: str) -> str:
    nul = text.count("\x00")
    return f"{nul} NUL byte(s)" if nul else "control or unassigned characters"


def _plausible(text: str) -> float:
    """Share of characters that Chinese news text is made of."""
    sample = _sample(text)
    return 1.0 - len(_UNCOMMON.findall(sample)) / len(sample) if sample else 1.0


def _gb2312_share(text: str) -> float:
    """Share of the ideographs that GB2312 has: near 1 for Chinese saved as GBK, low for
    UTF-8 bytes misread as GB18030."""
    chars = re.findall(_CJK, _sample(text))
    if not chars:
        return 1.0
    ok = 0
    for c in chars:
        try:
            c.encode("gb2312")
            ok += 1
        except UnicodeEncodeError:
            pass
    return ok / len(chars)


def digest(cleaned: str, meta: Meta | None = None) -> str:
    """A page's digest: sha1 of its cleaned text, and of its metadata when it has any
    (the same text with another date is another page)."""
    h = hashlib.sha1(cleaned.encode("utf-8"))
    if meta is not None and meta != Meta():
        h.update("\0".join(["", *(v or "" for v in vars(meta).values())]).encode("utf-8"))
    return h.hexdigest()


def read_page(path: Path, display: str | None = None, meta: Meta | None = None) -> Page:
    """Read, decode and clean one input file (a saved web page: its main text, see
    kg.webpage.read_html), with `meta` from the corpus. Repairs made while decoding are
    logged as warnings naming the file."""
    name = display or path.as_posix()
    try:
        data = path.read_bytes()
    except IsADirectoryError as e:
        raise InputError("a folder, not a file") from e
    except OSError as e:
        raise InputError(os_reason(e)) from e
    d = detect(data)
    for note in d.notes:
        log.warning("%s: %s", name, note)
    text, meta = d.text, meta or Meta()
    if path.suffix.lower() in (".html", ".htm") or _saved_web_page(text):
        try:
            text, own = webpage.read_html(text)
        except webpage.NoMainText as e:
            raise InputError(str(e)) from e
        meta = webpage.merge(meta, own)
    cleaned = clean(text)
    return Page(name, cleaned, digest(cleaned, meta), d.encoding, meta)


_HTML_START = re.compile(r"\A\ufeff?\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html[\s>])",
                         re.IGNORECASE | re.DOTALL)


def _saved_web_page(text: str) -> bool:
    """A page saved from a browser under another name (.txt): it opens as HTML does."""
    return _HTML_START.match(text[:4096]) is not None


def os_reason(e: OSError) -> str:
    """Why an OS call failed, in the words of kg's messages."""
    if e.errno == errno.ELOOP:
        return "symbolic link loop"
    if e.errno == errno.ENOENT:
        return "no such file or folder"
    reason = e.strerror or str(e)
    return reason[:1].lower() + reason[1:]


def _not_a_file(p: Path) -> str:
    """Why an existing path that is not a regular file cannot be read."""
    try:
        st = p.stat()
    except OSError as e:
        if e.errno == errno.ENOENT and p.is_symlink():
            return "broken symbolic link"
        return os_reason(e)
    if stat.S_ISFIFO(st.st_mode):
        return "a named pipe, not a file"
    return "not a regular file"


# what a folder is searched for: pages, saved web pages, corpus files of records
INPUT_SUFFIXES = (".txt", ".html", ".htm", ".jsonl", ".csv")


_DRAWN_BY_KG = b'<meta name="generator" content="kg '  # graph.html, viz.html


def _is_txt(name: str) -> bool:
    return name.lower().endswith(INPUT_SUFFIXES) and not name.startswith(".")


def _drawn_by_kg(f: Path) -> bool:
    """A web page kg drew (an output folder inside the corpus), not an article."""
    if not f.name.lower().endswith((".html", ".htm")):
        return False
    try:
        with f.open("rb") as fh:
            return _DRAWN_BY_KG in fh.read(2048)
    except OSError:
        return False


def input_root(paths: Iterable[Path]) -> Path:
    """The folder the inputs are named relative to: the deepest folder holding every
    input (a folder given, or the folder of a file given), whatever their order."""
    tops = [os.path.abspath(p if p.is_dir() else p.parent) for p in paths]
    return Path(os.path.commonpath(tops)) if tops else Path(os.path.abspath("."))


def source_name(path: Path, root: Path) -> str:
    """How a page names its file in the graph: its path relative to `root` (posix), or
    its absolute path when it lies outside; bytes of a file name that are not UTF-8
    are written as \\xNN, so the name is always text."""
    absolute = os.path.abspath(path)
    rel = os.path.relpath(absolute, root)
    name = absolute if rel == ".." or rel.startswith(("../", "..\\")) else rel
    return os.fsencode(Path(name).as_posix()).decode("utf-8", "backslashreplace")


def find_inputs(
    paths: Iterable[Path], root: Path | None = None
) -> tuple[list[Path], list[Skipped]]:
    """Input files: each path as given, folders searched recursively for INPUT_SUFFIXES
    (*.txt, *.html, *.htm, *.jsonl, *.csv in any case; pages kg drew, hidden files and
    folders such as .git or .ipynb_checkpoints are left out), in the order of their
    names relative to `root` (by default `input_root(paths)`), so the same files named
    in any order give the same build. What cannot be read (a missing path, a broken
    link, a link loop, a folder that cannot be listed, a link inside a folder to a file
    outside it) is reported as Skipped, not raised."""
    paths = list(paths)
    root = root if root is not None else input_root(paths)
    files: list[Path] = []
    skipped: list[Skipped] = []
    for p in paths:
        if p.is_dir():
            found, bad = _walk(p)
            files.extend(found)
            skipped.extend(bad)
        elif p.is_file():
            files.append(p)
        elif os.path.lexists(p):
            skipped.append(Skipped(shown_path(p), _not_a_file(p)))
        else:
            skipped.append(Skipped(shown_path(p), "no such file or folder"))
    unique = {os.path.abspath(f): f for f in files}
    ordered = sorted(unique.values(), key=lambda f: (source_name(f, root), os.fsencode(f)))
    return ordered, sorted(skipped, key=lambda s: s.path)


def shown_path(p: Path | str) -> str:
    """A path as given, as text: bytes that are not UTF-8 written as \\xNN."""
    p = Path(p)
    return os.fsencode(p.as_posix()).decode("utf-8", "backslashreplace")


def _walk(root: Path) -> tuple[list[Path], list[Skipped]]:
    found: list[Path] = []
    bad: list[Skipped] = []
    inside = os.path.realpath(root)

    def unreadable(e: OSError) -> None:
        where = Path(e.filename) if e.filename else root
        bad.append(Skipped(shown_path(where), f"cannot list folder: {os_reason(e)}"))

    for top, dirs, names in os.walk(root, onerror=unreadable):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        for n in names:
            if not _is_txt(n):
                continue
            f = Path(top) / n
            if f.is_symlink() and f.exists() and not _within(os.path.realpath(f), inside):
                bad.append(Skipped(shown_path(f), "a link to a file outside the input "
                                                   "folder; not followed"))
            elif f.is_file():
                if not _drawn_by_kg(f):
                    found.append(f)
            elif not f.is_dir():
                bad.append(Skipped(shown_path(f), _not_a_file(f)))
    return found, bad


def _within(path: str, folder: str) -> bool:
    return path == folder or path.startswith(folder.rstrip(os.sep) + os.sep)


def iter_pages(files: Iterable[Path]) -> Iterator[Page | Skipped]:
    """Each file read as a page, or Skipped (logged as a warning naming the file)."""
    for f in files:
        try:
            yield read_page(f)
        except InputError as e:
            log.warning("skipped %s: %s", shown_path(f), e)
            yield Skipped(shown_path(f), str(e))


# the graph files `kg build --format` writes (kg.export makes them): name -> extension
FORMATS = {"ttl": "ttl", "nt": "nt", "jsonld": "jsonld", "trig": "trig", "graphml": "graphml"}


class ExportError(ValueError):
    """An unknown export format."""


def parse_formats(spec: str) -> list[str]:
    """'ttl,nt' -> ['ttl', 'nt'] (order kept, duplicates dropped); unknown names raise."""
    names = [s.strip().lower() for s in spec.split(",") if s.strip()]
    bad = [n for n in names if n not in FORMATS]
    if bad or not names:
        raise ExportError(f"unknown format {bad[0] if bad else spec!r}; "
                          f"choose from {','.join(FORMATS)}")
    return list(dict.fromkeys(names))


def atomic_write(path: Path, data: bytes | str) -> None:
    """Write `data` to a hidden temporary file beside `path` (`.NAME.*.tmp`), flush it
    to disk, rename it over `path` and flush the folder: readers and a build killed at
    any moment see the old file or the new one, never a part. New files get the usual
    permissions (0666 less the umask). Raises OutputError naming the file."""
    payload = data.encode("utf-8") if isinstance(data, str) else data
    atomic_write_with(path, lambda f: f.write(payload))


def atomic_write_with(path: Path, write: Callable[[BinaryIO], object]) -> None:
    """`atomic_write` of what `write(file)` writes to the open temporary file (for
    output too big to hold in memory first)."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp, fd = _temp_beside(path)
    except OSError as e:
        raise OutputError(f"cannot write {path}: {os_reason(e)}") from e
    try:
        with os.fdopen(fd, "wb") as f:
            write(f)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException as e:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        if isinstance(e, OSError):
            raise OutputError(f"cannot write {path}: {os_reason(e)}") from e
        raise
    _fsync_dir(path.parent)


class Staged:
    """Outputs that change together or not at all: each is written in full to a hidden
    temporary file beside its target and flushed to disk (`write`, `write_with`); only
    when every one is written does `commit` rename them over their targets, one after
    the other (renames need no space and do not fail half-way for lack of it). Leaving
    the `with` block without a commit removes the temporary files and leaves the
    targets as they were."""

    def __init__(self) -> None:
        self._ready: list[tuple[Path, Path]] = []

    def __enter__(self) -> Staged:
        return self

    def __exit__(self, *exc: object) -> None:
        for tmp, _ in self._ready:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
        self._ready.clear()

    def write(self, path: Path, data: bytes | str) -> None:
        payload = data.encode("utf-8") if isinstance(data, str) else data
        self.write_with(path, lambda f: f.write(payload))

    def write_with(self, path: Path, write: Callable[[BinaryIO], object]) -> None:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp, fd = _temp_beside(path)
        except OSError as e:
            raise OutputError(f"cannot write {path}: {os_reason(e)}") from e
        self._ready.append((tmp, path))
        try:
            with os.fdopen(fd, "wb") as f:
                write(f)
                f.flush()
                os.fsync(f.fileno())
        except OSError as e:
            raise OutputError(f"cannot write {path}: {os_reason(e)}") from e

    def commit(self) -> None:
        try:
            for tmp, path in self._ready:
                os.replace(tmp, path)
        except OSError as e:
            raise OutputError(f"cannot write {path}: {os_reason(e)}") from e
        for folder in dict.fromkeys(path.parent for _, path in self._ready):
            _fsync_dir(folder)
        self._ready.clear()


def _temp_beside(path: Path) -> tuple[Path, int]:
    while True:
        tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
        try:
            return tmp, os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        except FileExistsError:
            continue


def _fsync_dir(folder: Path) -> None:
    """Make a rename in `folder` durable (POSIX; a no-op where folders cannot be opened)."""
    flags = getattr(os, "O_DIRECTORY", None)
    if flags is None:
        return
    try:
        fd = os.open(folder, os.O_RDONLY | flags)
    except OSError:
        return
    try:
        with contextlib.suppress(OSError):
            os.fsync(fd)
    finally:
        os.close(fd)
