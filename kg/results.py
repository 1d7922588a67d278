"""SELECT and ASK answers as text, one writer for `kg query` and `kg serve`'s endpoint:
the W3C SPARQL 1.1 results formats (JSON, XML, CSV, TSV) and kg's aligned table.

Rows are sequences of terms, None where a variable is unbound; a term is rdflib's
(URIRef, BNode, Literal: what an rdflib Result gives) or pyoxigraph's (what the
endpoint reads from the store), both seen through `parts`. The text formats stream:
each row is written as soon as it is read.
"""

from __future__ import annotations

import csv
import io
import json
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from typing import Any
from xml.sax.saxutils import escape, quoteattr

from rdflib import BNode, Literal, URIRef

from kg.sparql import XSD_STRING, QueryError, compact

FORMATS = ("table", "csv", "tsv", "json", "xml")
TABLE_CELL = 60  # display columns a table cell may take before it is cut with …

# kind, lexical value, language tag, datatype ("" for xsd:string and tagged literals)
Parts = tuple[str, str, str, str]


def parts(t: Any) -> Parts:
    """An rdflib or pyoxigraph term as (kind, value, language, datatype), kind one of
    uri, bnode, literal (and triple, for an RDF-star term of pyoxigraph)."""
    if isinstance(t, URIRef):
        return ("uri", str(t), "", "")
    if isinstance(t, BNode):
        return ("bnode", str(t), "", "")
    if isinstance(t, Literal):
        dt = "" if t.language or t.datatype is None else str(t.datatype)
        return ("literal", str(t), t.language or "", "" if dt == XSD_STRING else dt)
    kind = type(t).__name__  # pyoxigraph's terms
    if kind == "NamedNode":
        return ("uri", t.value, "", "")
    if kind == "BlankNode":
        return ("bnode", t.value, "", "")
    if kind == "Literal":
        dt = "" if t.language else t.datatype.value
        return ("literal", t.value, t.language or "", "" if dt == XSD_STRING else dt)
    return ("triple", str(t), "", "")


def json_term(p: Parts) -> dict[str, str]:
    kind, value, lang, dt = p
    out = {"type": kind, "value": value}
    if lang:
        out["xml:lang"] = lang
    elif dt:
        out["datatype"] = dt
    return out


def xml_term(p: Parts) -> str:
    kind, value, lang, dt = p
    if kind in ("uri", "bnode"):
        return f"<{kind}>{escape(value)}</{kind}>"
    if lang:
        return f"<literal xml:lang={quoteattr(lang)}>{escape(value)}</literal>"
    if dt:
        return f"<literal datatype={quoteattr(dt)}>{escape(value)}</literal>"
    return f"<literal>{escape(value)}</literal>"


def csv_cell(p: Parts) -> str:
    """The value as the SPARQL CSV format writes it (a blank node as _:id)."""
    return f"_:{p[1]}" if p[0] == "bnode" else p[1]


_TSV_ESCAPES = str.maketrans({"\\": "\\\\", '"': '\\"', "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def tsv_term(p: Parts) -> str:
    """A term in the Turtle syntax the SPARQL TSV format asks for."""
    kind, value, lang, dt = p
    if kind == "uri":
        return f"<{value}>"
    if kind == "bnode":
        return f"_:{value}"
    if kind == "triple":
        return value
    s = f'"{value.translate(_TSV_ESCAPES)}"'
    if lang:
        return f"{s}@{lang}"
    return f"{s}^^<{dt}>" if dt else s


def short(p: Parts) -> str:
    """A cell of the table: IRIs as prefix:local."""
    return compact(p[1]) if p[0] == "uri" else csv_cell(p)


def iter_select(names: Sequence[str], found: Iterable[Sequence[Any]],
                fmt: str = "table") -> Iterator[str]:
    """SELECT rows in `fmt` (one of FORMATS), in pieces: csv, tsv, json and xml row by
    row (a long answer starts at once); a table waits for every row, since its columns
    are as wide as their widest cell."""
    if fmt not in FORMATS:
        raise QueryError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")
    rows: Iterator[list[Parts | None]] = (
        [None if t is None else parts(t) for t in r] for r in found)
    if fmt == "table":
        yield format_table(names, [["" if p is None else short(p) for p in r] for r in rows])
    elif fmt == "tsv":
        yield "\t".join(f"?{n}" for n in names) + "\n"
        for r in rows:
            yield "\t".join("" if p is None else tsv_term(p) for p in r) + "\n"
    elif fmt == "csv":
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\r\n")
        w.writerow(names)
        for r in rows:
            w.writerow(["" if p is None else csv_cell(p) for p in r])
            yield buf.getvalue()
            buf.seek(0)
            buf.truncate()
        yield buf.getvalue()
    elif fmt == "xml":
        yield ('<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#">'
               "\n<head>" + "".join(f"<variable name={quoteattr(n)}/>" for n in names)
               + "</head>\n<results>\n")
        for r in rows:
            yield "<result>" + "".join(
                f"<binding name={quoteattr(n)}>{xml_term(p)}</binding>"
                for n, p in zip(names, r, strict=True) if p is not None) + "</result>\n"
        yield "</results>\n</sparql>\n"
    else:
        # one binding a line: valid JSON that still reads (and diffs) line by line; a
        # line is written once the next one is known (the last has no comma)
        head = json.dumps({"vars": list(names)}, ensure_ascii=False)
        yield f'{{"head": {head},\n "results": {{"bindings": [\n'
        before = None
        for r in rows:
            line = json.dumps(
                {n: json_term(p) for n, p in zip(names, r, strict=True) if p is not None},
                ensure_ascii=False)
            if before is not None:
                yield f"  {before},\n"
            before = line
        if before is not None:
            yield f"  {before}\n"
        yield " ]}}\n"


def boolean(value: bool, fmt: str = "table") -> str:
    """An ASK answer: yes/no in a table, else SPARQL results JSON or XML."""
    if fmt == "json":
        return json.dumps({"head": {}, "boolean": value}) + "\n"
    if fmt == "xml":
        return ('<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#">'
                f"<head/><boolean>{'true' if value else 'false'}</boolean></sparql>\n")
    if fmt == "table":
        return ("yes" if value else "no") + "\n"
    raise QueryError("ASK gives a yes/no answer: use --format table or json")


def width(s: str) -> int:
    """Display width in a terminal: wide and full-width characters count two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in s)


def _cut(s: str, limit: int) -> str:
    s = " ".join(s.split())
    if width(s) <= limit:
        return s
    out, w = [], 0
    for c in s:
        cw = width(c)
        if w + cw > limit - 1:
            break
        out.append(c)
        w += cw
    return "".join(out) + "…"


def format_table(
    names: Sequence[str], table: Iterable[Sequence[str]], limit: int = TABLE_CELL
) -> str:
    """Columns aligned by display width (CJK counts double); long cells cut with …."""
    cells = [[_cut(c, limit) for c in r] for r in table]
    widths = [max([width(n)] + [width(r[i]) for r in cells]) for i, n in enumerate(names)]

    def line(r: Sequence[str]) -> str:
        return "  ".join(c + " " * (w - width(c)) for c, w in zip(r, widths, strict=True)).rstrip()

    return "".join(line(r) + "\n" for r in [list(names), *cells])
