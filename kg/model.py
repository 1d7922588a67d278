"""Plain data passed between the pipeline stages. Frozen dataclasses, no logic.

Offsets (`start`, `end`) are character offsets into the cleaned text of the
article that carries the object, `end` exclusive, so `article.text[start:end]`
is always the surface form.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Meta:
    """What a corpus says about a page besides its text: a manifest row (--meta), a JSON
    Lines or CSV record, a saved web page's own metadata."""

    published: str | None = None  # ISO: YYYY-MM-DD, YYYY-MM or YYYY (kg.dates.parse)
    title: str | None = None
    url: str | None = None
    site: str | None = None  # the paper or site


@dataclass(frozen=True)
class Page:
    """One input file (or one record of a corpus file) after decoding and cleaning."""

    source: str  # the path as given by the user (posix form); path#id for a record
    text: str  # cleaned text
    digest: str  # sha1 of the cleaned text (and of the metadata, when there is any), hex
    encoding: str = "utf-8"
    meta: Meta = Meta()


@dataclass(frozen=True)
class Article:
    """One news item of a page."""

    page: str  # Page.source
    page_digest: str
    index: int  # 0-based position on the page
    text: str
    title: str | None = None
    # ISO (YYYY-MM-DD, YYYY-MM or YYYY: kg.dates), else a dateline as written ("5月23日")
    date: str | None = None
    start: int = 0  # offset of the article in the page text
    url: str | None = None
    site: str | None = None  # the paper or site that published it


@dataclass(frozen=True)
class Sentence:
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Mention:
    """A span of article text recognised as something, and the rule that said so."""

    start: int
    end: int
    text: str  # surface form with layout noise removed
    label: str  # person | org | place | program | title
    rule: str
    norm: str = ""  # canonical form where it differs from `text` (e.g. 五星支部 for “五星”支部)
    kind: str = ""  # finer type: place level, org kind, ...
    alts: tuple[str, ...] = ()  # other written forms worth keeping (the bare quoted name)

    @property
    def name(self) -> str:
        return self.norm or self.text


@dataclass(frozen=True)
class Position:
    """A person holds a role (a bare title) in an organization (or none)."""

    person: str
    role: str
    org: str | None
    start: int  # evidence sentence span in the article
    end: int
    evidence: str
    rule: str


@dataclass(frozen=True)
class Link:
    """A directed link between two named things found in one article.

    kind: place_parent (child place, parent place), sub_org (child org, parent org),
    org_place (org, place), program_org (programme, org), program_place (programme, place).
    """

    kind: str
    source: str
    target: str
    rule: str


@dataclass(frozen=True)
class Extraction:
    """Everything found in one article."""

    article: Article
    mentions: tuple[Mention, ...] = ()
    positions: tuple[Position, ...] = ()
    links: tuple[Link, ...] = ()
