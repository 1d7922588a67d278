"""What a page says of itself besides its text: a saved web page's main text and
metadata (read by trafilatura), and how two accounts of one page's metadata combine.

Below kg.io and kg.corpus, which both use it; it imports neither."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import fields
from typing import Any

from kg import dates
from kg.model import Meta


class NoMainText(ValueError):
    """A web page in which no main text was found."""


def value_text(value: Any) -> str | None:
    """A field's value as text, stripped; None when absent or blank."""
    if value is None:
        return None
    s = str(value).strip()
    return s or None


def merge(first: Meta, then: Meta) -> Meta:
    """`first`, with what it leaves unsaid taken from `then`; a date of `then` that makes
    `first`'s more precise is taken (2014 and 2014-01-27 -> 2014-01-27)."""
    out = {f.name: getattr(first, f.name) or getattr(then, f.name) for f in fields(Meta)}
    out["published"] = dates.refine(first.published, then.published)
    return Meta(**out)


def read_html(html: str) -> tuple[str, Meta]:
    """The main text of a saved web page, its title first, and what the page says of
    itself (title, date, canonical URL, site name), read by trafilatura. Raises
    NoMainText when the page has no main text."""
    import trafilatura

    doc = trafilatura.bare_extraction(html, with_metadata=True, include_comments=False,
                                      include_tables=True, as_dict=True)
    got: Mapping[str, Any] = doc if isinstance(doc, dict) else {}
    body = value_text(got.get("text"))
    if body is None:
        raise NoMainText("a web page without main text")
    title = value_text(got.get("title"))
    if title and not body.startswith(title):
        body = f"{title}\n{body}"
    published = dates.parse(got.get("date"))
    return body + "\n", Meta(published, title, value_text(got.get("url")),
                             value_text(got.get("sitename")))
