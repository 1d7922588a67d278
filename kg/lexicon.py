"""Lexicons: plain UTF-8 TSV files in kg/lexicons, loaded once per process.

Each file is a table with one entry a line; `#` starts a comment line and the
first non-comment line of the gazetteer is a header. Loading is lazy (nothing
happens at import) and cached.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from importlib import resources


def _rows(name: str) -> Iterator[list[str]]:
    text = resources.files("kg").joinpath("lexicons").joinpath(name).read_text(encoding="utf-8")
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        yield line.rstrip("\n").split("\t")


def _table(name: str) -> list[dict[str, str]]:
    rows = _rows(name)
    header = next(rows)
    return [dict(zip(header, r + [""] * (len(header) - len(r)))) for r in rows]


@cache
def words(name: str) -> frozenset[str]:
    """First column of a one-column-or-more lexicon."""
    return frozenset(r[0].strip() for r in _rows(name) if r[0].strip())


@cache
def pairs(name: str) -> dict[str, str]:
    """First column -> second column."""
    return {r[0].strip(): (r[1].strip() if len(r) > 1 else "") for r in _rows(name)}


@cache
def titles() -> dict[str, str]:
    """Title -> kind (gov, party, post, press, national, rep, cppcc)."""
    return pairs("titles.tsv")


@cache
def org_suffixes() -> dict[str, str]:
    return pairs("org_suffixes.tsv")


@cache
def program_suffixes() -> dict[str, str]:
    return pairs("program_suffixes.tsv")


@cache
def program_heads() -> dict[str, tuple[str, int, str]]:
    """Head that ends an unquoted programme name -> (kind, least length of the name
    before it, what else it needs)."""
    rows = _rows("program_heads.tsv")
    return {r[0].strip(): (r[1].strip(), int(r[2]), r[3].strip()) for r in rows}


@cache
def boundaries() -> frozenset[str]:
    return words("boundaries.tsv")


@cache
def not_names() -> frozenset[str]:
    return words("not_names.tsv")


@cache
def ocr_fixes() -> dict[str, str]:
    return pairs("ocr_fixes.tsv")


@cache
def surnames() -> tuple[frozenset[str], frozenset[str]]:
    """(single-character surnames, compound surnames)."""
    single: set[str] = set()
    compound: set[str] = set()
    for row in _table("surnames.tsv"):
        s = row["surname"].strip()
        (compound if len(s) > 1 else single).add(s)
    return frozenset(single), frozenset(compound)


@cache
def given_chars() -> dict[str, tuple[int, int]]:
    """Character -> (times it is the middle, times it is the final character) of a
    three-character personal name (derived from jieba's dictionary, see README)."""
    return {r["char"]: (int(r["middle"]), int(r["final"])) for r in _table("given_chars.tsv")}


@dataclass(frozen=True)
class Division:
    code: str
    name: str
    level: str  # province | city | county
    parent: str  # parent code, "" for provinces
    aliases: tuple[str, ...]


@cache
def divisions() -> dict[str, Division]:
    """Administrative divisions by code (see lexicons/README.md for provenance)."""
    out = {}
    for name in ("divisions.tsv", "divisions_updates.tsv"):  # (a few thousand rows: read
        rows = _rows(name)  # by column number, not as a dict per row)
        col = {h: i for i, h in enumerate(next(rows))}
        code, dname, level, parent, aliases = (
            col[k] for k in ("code", "name", "level", "parent", "aliases")
        )
        width = len(col)
        for r in rows:
            if len(r) < width:
                r += [""] * (width - len(r))
            out[r[code]] = Division(
                r[code], r[dname], r[level], r[parent], tuple(filter(None, r[aliases].split(",")))
            )
    return out


@cache
def divisions_by_name() -> dict[str, tuple[Division, ...]]:
    """Every full name and alias -> the divisions it may denote (full names first)."""
    out: dict[str, list[Division]] = {}
    for d in divisions().values():
        out.setdefault(d.name, []).append(d)
    for d in divisions().values():
        for a in d.aliases:
            if d not in out.setdefault(a, []):
                out[a].append(d)
    return {k: tuple(v) for k, v in out.items()}


def pick_division(divs: tuple[Division, ...], city: str | None) -> Division:
    """Among divisions sharing a name, the one inside the home city, else its
    province, else the first by code."""
    if len(divs) == 1 or not city:
        return divs[0]
    all_divs = divisions()
    city_codes = {d.code for d in divisions_by_name().get(city, ())}
    for d in divs:
        if d.parent in city_codes or d.code in city_codes:
            return d
    prov = {all_divs[c].parent for c in city_codes if c in all_divs}
    for d in divs:
        if d.parent in prov or (d.parent in all_divs and all_divs[d.parent].parent in prov):
            return d
    return divs[0]



@cache
def regions() -> dict[str, tuple[str, tuple[str, ...]]]:
    """Named regions, rivers, lakes: name or alias -> (canonical name, kind)."""
    out: dict[str, tuple[str, tuple[str, ...]]] = {}
    for row in _table("regions.tsv"):
        aliases = tuple(a for a in row.get("aliases", "").split(",") if a)
        out[row["name"]] = (row["kind"], aliases)
    return out


@cache
def place_suffixes() -> dict[str, tuple[str, str]]:
    """Endings of place names below the county: suffix -> (kind, the characters that,
    written right after it, make it part of another word)."""
    return {row["suffix"]: (row["kind"], row["not_before"]) for row in _table("place_suffixes.tsv")}


@cache
def national_orgs() -> dict[str, tuple[str, str]]:
    """National bodies: name or alias -> (canonical name, kind)."""
    out: dict[str, tuple[str, str]] = {}
    for row in _table("national_orgs.tsv"):
        out[row["name"]] = (row["name"], row["kind"])
        for a in row.get("aliases", "").split(","):
            if a:
                out.setdefault(a, (row["name"], row["kind"]))
    return out


@cache
def province_abbr() -> dict[str, str]:
    return {row["abbr"]: row["province"] for row in _table("province_abbr.tsv")}


@cache
def countries() -> dict[str, str]:
    """Country name or alias -> canonical name."""
    out = {}
    for row in _table("countries.tsv"):
        out[row["name"]] = row["name"]
        for a in row.get("aliases", "").split(","):
            if a:
                out[a] = row["name"]
    return out


@cache
def programs() -> dict[str, str]:
    """Known programme name or alias -> canonical name."""
    out = {}
    for r in _rows("programs.tsv"):
        name = r[0].strip()
        out[name] = name
        if len(r) > 2:
            for a in r[2].split(","):
                if a.strip():
                    out[a.strip()] = name
    return out
