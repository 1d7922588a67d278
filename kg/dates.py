"""Dates of articles: the forms corpora write them in, where pages print them, and how
the pieces add up to one publication date.

Dates are kept as ISO text of the precision known: `YYYY-MM-DD`, `YYYY-MM` or `YYYY`
(xsd:date, xsd:gYearMonth, xsd:gYear in the graph). Where they come from, surest first:
what the corpus says (a manifest, a JSON Lines or CSV record, a saved web page's own
metadata), a header line of the text (`时间:2013-05-31`, `2020年12月14日 星期一`), a date
in the file's path or URL (`…/2023-12-20/…`). A year-less dateline (`6月18日`) takes its
year from the publication date when only the year or month of that is known.
"""

from __future__ import annotations

import re

_YEAR = r"((?:19|20)\d{2})"
# where a day ends: not before another digit, unless a time of day follows at once (cleaned
# text joins "2020-02-29 09:30" into "2020-02-2909:30"); the day is matched lazily
_DAY_END = r"(?=[0-2]?\d:[0-5]\d|\D|$)"
_TIME = r"(?:\s*[0-2]?\d:[0-5]\d)"
# a full date inside a value or a line: 2021-06-18, 2021/6/18, 2021.06.18, 2021年6月18日,
# 2010 年 11 月 8 日 (the spaces of a newspaper header)
_FULL_TEXT = (
    r"(?<!\d)" + _YEAR + r"\s*(?:([-/.])\s*(\d{1,2})\s*\2\s*(\d{1,2}?)" + _DAY_END + "|"
    r"年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*(?:日|号|" + _DAY_END + "))"
)
_FULL = re.compile(_FULL_TEXT)
# day first, as some sites print it: 17.06.2014
_DAY_FIRST = re.compile(r"(?<!\d)(\d{1,2})\.(\d{1,2})\.((?:19|20)\d{2})" + _DAY_END)
# a two-digit year after a label: 时间:18-03-23
_SHORT_YEAR = re.compile(r"(?:时间|日期)\s*[:：]+\s*(\d{2})-(\d{1,2})-(\d{1,2}?)" + _DAY_END)
# a header's date: after a label (发布时间: 日期: 更新时间:), or stamped with a time of day
# or a weekday (2012-03-14 11:27, 2018年10月31日 星期三)
_LABELLED = re.compile(r"(?:时间|日期)\s*[:：]+\s*(?=\d)")
_STAMPED = re.compile(_FULL_TEXT + r"(?=" + _TIME + r"|\s*星期|\s*周[一二三四五六日])")
_HEAD_CHARS = 400  # a header is in the opening of a text
_COMPACT = re.compile(r"^" + _YEAR + r"(\d{2})(\d{2})$")
_YEAR_MONTH = re.compile(r"^" + _YEAR + r"\s*(?:[-/.]\s*(\d{1,2})|年\s*(\d{1,2})\s*月?)$")
_YEAR_ONLY = re.compile(r"^" + _YEAR + r"\s*年?$")
# a sentence, not a header line
_SENTENCE = re.compile(r"[。，,；;！？!?]")
_DIGIT = re.compile(r"\d")  # (every date written in a line has one)
_HEADER_LINES = 8  # header lines are among the first lines of a text
_HEADER_WIDTH = 80  # and short
# dates in paths and URLs: with separators (2023-12-20, 2023/12/20, 2012/11-07), eight digits
# standing apart (20231220, news_20231220.html), or a year-month segment (201403, 2014-03)
_PATH_FULL = re.compile(
    r"(?<![\dA-Za-z])" + _YEAR + r"(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])(?![\dA-Za-z])"
)
_PATH_SPLIT = re.compile(
    r"(?<![\dA-Za-z])" + _YEAR + r"[-/_.](\d{1,2})[-/_.](\d{1,2})(?![\dA-Za-z])"
)
_PATH_MONTH = re.compile(r"(?:^|/)" + _YEAR + r"[-_]?(0[1-9]|1[0-2])(?:/|$)")
# a dateline without a year: 6月18日
_DATELINE = re.compile(r"(?<![\d年])(\d{1,2})月(\d{1,2})日")


def _iso(year: int | str, month: int | str, day: int | str) -> str | None:
    y, m, d = int(year), int(month), int(day)
    if not (1 <= m <= 12 and 1 <= d <= _days(y, m)):
        return None
    return f"{y:04d}-{m:02d}-{d:02d}"


def _days(year: int, month: int) -> int:
    if month == 2:
        return 29 if year % 4 == 0 and (year % 100 != 0 or year % 400 == 0) else 28
    return 30 if month in (4, 6, 9, 11) else 31


def parse(value: str | None) -> str | None:
    """A date as a corpus writes it in a field -> ISO of the precision given
    (`2021-06-18`, `2021/6/18`, `2021年6月18日`, `20210618`, `2021-06-18T09:30:00+08:00`,
    `2021-06`, `2021年6月`, `2021`); None when it is not one."""
    if not value:
        return None
    v = value.strip()
    m = _FULL.match(v)
    if m:
        return _full(m)
    m = _COMPACT.match(v)
    if m:
        return _iso(*m.groups())
    m = _YEAR_MONTH.match(v)
    if m:
        y, mo, mo2 = m.groups()
        month = int(mo or mo2)
        return f"{y}-{month:02d}" if 1 <= month <= 12 else None
    m = _YEAR_ONLY.match(v)
    return m.group(1) if m else None


def in_line(line: str) -> str | None:
    """The first full date written in a line of text (ISO), or None."""
    for m in _FULL.finditer(line):
        if (got := _full(m)) is not None:
            return got
    short = _SHORT_YEAR.search(line)
    if short:
        y, mo, d = short.groups()
        return _iso(2000 + int(y), mo, d)
    day_first = _DAY_FIRST.search(line)
    if day_first:
        d, mo, y = day_first.groups()
        return _iso(y, mo, d)
    return None


def _full(m: re.Match[str]) -> str | None:
    y, _, mo, d, mo2, d2 = m.groups()[:6]
    return _iso(y, mo or mo2, d or d2)


def header(text: str) -> str | None:
    """The date of a text's header line, in its opening: a date after a label
    (`时间:2012-11-07来源:`, `发布时间:2024年03月14日 16:24`, `时间:18-03-23`), a date
    stamped with a time of day or a weekday (`洛阳日报 2012-03-14 11:27`, `2018年10月31日
    星期三`), or, among the first lines, a short line that is not a sentence and holds
    a full date (`2021年4月14日`). Cleaning may have joined these lines to the next."""
    head = text[:_HEAD_CHARS]
    for m in _LABELLED.finditer(head):
        got = in_line(head[m.start() : m.end() + 24])
        if got is not None:
            return got
    # (a stamp needs a time of day or a weekday: without one the search is left out)
    stamps = _STAMPED.finditer(head) if ":" in head or "星期" in head or "周" in head else ()
    for m in stamps:
        if (got := _full(m)) is not None:
            return got
    seen = 0
    for line in text[:_HEADER_LINES * _HEADER_WIDTH * 4].split("\n"):
        line = line.strip()
        if not line:
            continue
        seen += 1
        if seen > _HEADER_LINES:
            break
        if len(line) > _HEADER_WIDTH or _SENTENCE.search(line) or not _DIGIT.search(line):
            continue
        got = in_line(line)
        if got is not None:
            return got
    return None


def in_path(path: str | None) -> str | None:
    """A date in a file path or URL (`…/2023-12-20/…`, `…/20231220/…`, `…/2023/12/20/…`,
    `news_20231220.html`; `…/202312/…` gives the month): ISO, or None."""
    if not path:
        return None
    path = path.replace("\\", "/")
    for pattern in (_PATH_SPLIT, _PATH_FULL):
        for m in pattern.finditer(path):
            if (got := _iso(*m.groups())) is not None:
                return got
    month = _PATH_MONTH.search(path)
    return f"{month.group(1)}-{month.group(2)}" if month else None


def dateline(text: str) -> tuple[int, int] | None:
    """The (month, day) of a year-less dateline (`6月18日`) in a text, or None."""
    m = _DATELINE.search(text)
    if not m:
        return None
    month, day = int(m.group(1)), int(m.group(2))
    return (month, day) if 1 <= month <= 12 and 1 <= day <= 31 else None


def with_year(month_day: tuple[int, int], published: str) -> str | None:
    """A year-less dateline dated by a publication date known to the year or month: the
    publication's year, or the year before when the dateline's month comes after the
    publication's month (a December dateline in a January paper)."""
    month, day = month_day
    year = int(published[:4])
    if len(published) >= 7 and month > int(published[5:7]):
        year -= 1
    return _iso(year, month, day)


def refine(sure: str | None, other: str | None) -> str | None:
    """The surer date, made more precise by the other when they agree (`2014` and
    `2014-01-27` -> `2014-01-27`)."""
    if sure is None:
        return other
    if other is not None and len(other) > len(sure) and other.startswith(sure):
        return other
    return sure


def precision(date: str) -> str:
    """`date`, `yearmonth` or `year` for an ISO date of `parse`."""
    return {10: "date", 7: "yearmonth", 4: "year"}.get(len(date), "text")
