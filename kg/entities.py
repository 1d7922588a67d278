"""The records resolution builds before they become RDF: entities, memberships and
articles, and the IRI path segment made of a name. Plain data, below kg.resolve,
kg.hierarchy and kg.identity, which all use it."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from functools import lru_cache

_IRI_UNSAFE = re.compile(r"[^\w\u3400-\u9fff-]")


@lru_cache(maxsize=1 << 16)
def slug(text: str) -> str:
    """A readable IRI path segment: letters, digits and CJK kept, anything else
    replaced, plus a short hash when something was replaced (no collisions)."""
    safe = _IRI_UNSAFE.sub("_", text)
    if safe != text:
        safe += "-" + hashlib.sha1(text.encode("utf-8")).hexdigest()[:6]
    return safe or hashlib.sha1(text.encode("utf-8")).hexdigest()[:10]


@dataclass
class Entity:
    kind: str  # person | org | place | program
    key: str  # IRI path
    label: str
    alts: set[str] = field(default_factory=set)
    articles: set[str] = field(default_factory=set)
    count: int = 0
    level: str = ""  # places: kind of place
    code: str = ""  # places: division code
    parents: set[str] = field(default_factory=set)  # keys of containing places / parent orgs
    sites: set[str] = field(default_factory=set)  # orgs: place keys
    runners: set[str] = field(default_factory=set)  # programmes: org keys
    where: set[str] = field(default_factory=set)  # programmes: place keys
    notes: set[str] = field(default_factory=set)  # persons: identity rules that applied


@dataclass
class Membership:
    key: str
    person: str
    role: str
    org: str | None
    evidence: str
    start: int
    end: int
    rule: str
    article: str
    articles: set[str] = field(default_factory=set)
    first: str | None = None  # earliest date of its articles (ISO; see `seen`)
    last: str | None = None  # latest


@dataclass
class ArticleInfo:
    key: str
    source: str
    index: int
    title: str | None
    date: str | None  # ISO (YYYY-MM-DD, YYYY-MM, YYYY) or a dateline as written
    home_city: str | None
    url: str | None = None
    site: str | None = None
