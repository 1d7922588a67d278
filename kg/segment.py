"""Split a cleaned page into articles, and an article into sentences, keeping offsets."""

from __future__ import annotations

import re
from collections.abc import Iterator

from kg import dates
from kg.model import Article, Page, Sentence

# A line that opens a new news item: a dateline credit, a byline, a bullet brief or
# a section heading.
_OPENER = re.compile(
    r"^(?:#{1,6}\s|本报讯|■|□|●|◆|▲|【|"
    r"(?:本报)?(?:见习)?记者[^\n，。,]{1,12}(?:通讯员[^\n，。,]{1,12})?$)"
)
_HEADING = re.compile(r"^#{1,6}\s*(.+)$")
# the end of a sentence: a run of sentence-final marks and the closing quotes and brackets
# after it, or a run of line breaks (written to open with the set of characters either
# run opens with, as a pattern opening so is searched for quickly, where one opening
# with alternatives is tried at every character)
_SENT_END = re.compile(r"[。！？!?；;\n](?:(?<=\n)\n*|[。！？!?；;]*[”’\"』」）)]*)")
_DATE = re.compile(r"(?:(\d{4})年)?(\d{1,2})月(\d{1,2})日")
_MAX_ARTICLE = 20_000


# punctuation that a heading does not contain (after the body: nor an enumeration comma)
_CLAUSE_MARK = re.compile(r"[。，,；;！？]")
_LIST_MARK = re.compile(r"[。，,；;！？、]")
_NOT_TITLE = re.compile(r"^(?:本报讯|[■□●◆▲]|(?:本报)?(?:见习)?记者|通讯员|\d+\s*[^\s]{0,6}$)")


def _title_of(text: str) -> str | None:
    """The item's heading: a markdown heading, else the first short line that is not a
    credit line; when the body comes first, the first short line after it."""
    lines = text.split("\n")
    for line in lines[:6]:
        line = line.strip()
        m = _HEADING.match(line)
        if m:
            return m.group(1).strip()
        if (
            4 <= len(line) <= 40
            and not _CLAUSE_MARK.search(line)
            and not _NOT_TITLE.match(line)
        ):
            return line
    for line in lines[6:]:
        line = line.strip()
        if (
            6 <= len(line) <= 40
            and not _LIST_MARK.search(line)
            and not _NOT_TITLE.match(line)
        ):
            return line
    return None


def _opening_date(text: str) -> tuple[int | None, int, int] | None:
    """(year or None, month, day) of the first date in an article's opening."""
    m = _DATE.search(text[:400])
    if not m:
        return None
    year = int(m.group(1)) if m.group(1) else None
    month, day = int(m.group(2)), int(m.group(3))
    return (year, month, day) if 1 <= month <= 12 and 1 <= day <= 31 else None


def page_date(page: Page) -> str | None:
    """The page's publication date, surest first: what the corpus says (page.meta),
    made more precise by a header line at the top of the text, a date in its URL, a
    date in its path."""
    published = page.meta.published
    for found in (dates.header(page.text), dates.in_path(page.meta.url),
                  dates.in_path(page.source)):
        if published is not None and len(published) == 10:
            break
        published = dates.refine(published, found)
    return published


def article_date(body: str, meta_date: str | None, page: str | None) -> str | None:
    """An article's date: the corpus's date for its page when the day is known; else
    a header line of its own (a page of several web articles); else the page's date
    (`page_date`) when the day is known; else its dateline, which takes its year from a
    date known to the year or month (6月18日 -> 2021-06-18); else that year or month;
    else the dateline as written."""
    if meta_date is not None and len(meta_date) == 10:
        return meta_date
    own = dates.header(body)
    if own is not None and (meta_date is None or own.startswith(meta_date)):
        return own
    if page is not None and len(page) == 10:
        return page
    found = _opening_date(body)
    if found is None:
        return page
    year, month, day = found
    if year is not None:  # a full date in the opening lines
        iso = f"{year:04d}-{month:02d}-{day:02d}"
        return iso if page is None or iso.startswith(page) else page
    if page is None:
        return f"{month}月{day}日"
    return dates.with_year((month, day), page) or page


def _cut_points(text: str) -> list[int]:
    """Offsets where a new article starts: every opener line, and inside very long
    stretches the paragraph break nearest to every _MAX_ARTICLE characters."""
    points = [0]
    pos = 0
    for line in text.split("\n"):
        if pos and _OPENER.match(line):
            points.append(pos)
        pos += len(line) + 1
    bounded = [0]
    for a, b in zip(points, [*points[1:], len(text)]):
        start = a
        while b - start > _MAX_ARTICLE:
            cut = text.rfind("\n", start + 1, start + _MAX_ARTICLE)
            cut = cut if cut > start else start + _MAX_ARTICLE
            bounded.append(cut)
            start = cut
        if b < len(text):
            bounded.append(b)
    return sorted(set(bounded))


def split_articles(page: Page) -> list[Article]:
    """The page's news items in order; a page with no opener is one article."""
    text = page.text
    cuts = _cut_points(text)
    published = page_date(page)
    out: list[Article] = []
    for a, b in zip(cuts, [*cuts[1:], len(text)]):
        body = text[a:b]
        if not body.strip():
            continue
        out.append(
            Article(
                page=page.source,
                page_digest=page.digest,
                index=len(out),
                text=body,
                title=(page.meta.title if not out and page.meta.title else _title_of(body)),
                date=article_date(body, page.meta.published, published),
                start=a,
                url=page.meta.url,
                site=page.meta.site,
            )
        )
    return out


def sentences(text: str) -> Iterator[Sentence]:
    """Sentences of an article: split after 。！？； and at line breaks."""
    start = 0
    for m in _SENT_END.finditer(text):
        end = m.end()
        seg = text[start:end]
        if seg.strip():
            yield Sentence(start, end, seg)
        start = end
    if text[start:].strip():
        yield Sentence(start, len(text), text[start:])
