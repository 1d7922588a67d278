"""Dates: the forms corpora write them in, header lines, paths, datelines."""

from __future__ import annotations

import pytest

from kg import dates
from kg.model import Meta, Page
from kg.resolve import seen
from kg.segment import split_articles


@pytest.mark.parametrize(
    ("value", "iso"),
    [
        ("2021-06-18", "2021-06-18"),
        ("2021/6/18", "2021-06-18"),
        ("2021.06.18", "2021-06-18"),
        ("2021年6月18日", "2021-06-18"),
        ("20210618", "2021-06-18"),
        ("2021-06-18T09:30:00+08:00", "2021-06-18"),
        ("2021-06-18 09:30", "2021-06-18"),
        ("2021-06", "2021-06"),
        ("2021年6月", "2021-06"),
        ("2021", "2021"),
        (" 2021 ", "2021"),
        ("2021-02-29", None),  # not a leap year
        ("2020-02-29", "2020-02-29"),
        ("2021-13", None),
        ("六月", None),
        ("", None),
    ],
)
def test_dates_parse_field_values(value: str, iso: str | None) -> None:
    assert dates.parse(value) == iso


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("县政府召开常务会议\n\n时间:2013-05-31来源:\n\n会议指出，", "2013-05-31"),
        ("县政府召开常务会议\n发布时间：2019年04月03日 13:27 来源：县政府办\n", "2019-04-03"),
        ("发布日期:2020-12-14\n", "2020-12-14"),
        ("2020年12月14日 星期一\n第三版\n", "2020-12-14"),
        ("2010 年 11 月 8 日 星期\n", "2010-11-08"),
        ("某某日报 2012-03-14 11:27\n", "2012-03-14"),
        ("来源:某某网 时间:18-03-23 13:44 编辑:某某\n", "2018-03-23"),
        ("21.09.2016  10:05\n", "2016-09-21"),
        ("第一行标题\n第二行\n2021年4月14日\n", "2021-04-14"),
        # cleaning joins the header to the next line and the time to the date
        ("镇召开会议来源:某某日报 时间:2020-02-2909:30:00\n(记者 张某)2月28日上午,", "2020-02-29"),
        ("抢抓机遇某某日报 2012-03-1411:27\n", "2012-03-14"),
        ("网站 www.example.gov.cn 2025-03-1317:34 来源:\n3月13日下午,", "2025-03-13"),
    ],
)
def test_dates_header_lines(text: str, iso: str) -> None:
    assert dates.header(text) == iso


@pytest.mark.parametrize(
    "text",
    [
        "2013年11月1日至4日,研讨会在我市举行。\n",  # a sentence, not a header
        "本报讯 6月18日,市委召开常委会议。\n",
        "\n".join(["正文一行"] * 9) + "\n2021年4月14日\n",  # too far down
    ],
)
def test_dates_header_lines_not_sentences(text: str) -> None:
    assert dates.header(text) is None


@pytest.mark.parametrize(
    ("path", "iso"),
    [
        ("corpus/2023-12-20/page3.txt", "2023-12-20"),
        ("corpus/2023/12/20/page3.txt", "2023-12-20"),
        ("corpus/20231220.txt", "2023-12-20"),
        ("corpus/news_20231220_3.html", "2023-12-20"),
        ("http://news.example.cn/2012/11-07/83316.html", "2012-11-07"),
        ("http://m.example.cn/n/201403/88883.html", "2014-03"),
        ("http://example.cn/html/91119941.html", None),  # an id, not a date
        ("http://example.cn/article-20501-1.html", None),
        ("corpus/20231320.txt", None),
        (None, None),
    ],
)
def test_dates_in_paths(path: str | None, iso: str | None) -> None:
    assert dates.in_path(path) == iso


def test_dates_dateline_takes_the_publication_year() -> None:
    assert dates.with_year((6, 18), "2021") == "2021-06-18"
    assert dates.with_year((6, 18), "2021-06") == "2021-06-18"
    assert dates.with_year((12, 30), "2022-01") == "2021-12-30"  # a December dateline


def _dates(text: str, source: str = "p.txt", meta: Meta | None = None) -> list[str | None]:
    page = Page(source, text, "0" * 40, meta=meta or Meta())
    return [a.date for a in split_articles(page)]


BODY = "（记者 方某）6月18日，市委召开常委会议。\n"


def test_dates_article_takes_the_corpus_date_first() -> None:
    assert _dates("时间:2020-05-01\n" + BODY, meta=Meta("2021-06-20")) == ["2021-06-20"]
    assert _dates(BODY, meta=Meta("2021")) == ["2021-06-18"]  # dateline + year
    assert _dates(BODY, meta=Meta("2021-06")) == ["2021-06-18"]
    assert _dates("会议召开。\n", meta=Meta("2021-06")) == ["2021-06"]
    assert _dates(BODY) == ["6月18日"]  # as before: the dateline as printed
    assert _dates("时间:2021-06-19\n" + BODY) == ["2021-06-19"]
    assert _dates(BODY, source="2021/06/19/p.txt") == ["2021-06-19"]
    # a header more precise than the corpus's year is taken; one of another year is not
    assert _dates("时间:2021-06-19\n" + BODY, meta=Meta("2021")) == ["2021-06-19"]
    assert _dates("时间:2019-06-19\n" + BODY, meta=Meta("2021")) == ["2021-06-18"]


def test_dates_each_article_keeps_its_own_header() -> None:
    text = ("第一篇标题\n时间:2021-06-19\n" + BODY
            + "本报讯 第二篇。\n发布时间:2021-07-02\n7月1日,县委召开会议。\n")
    assert _dates(text) == ["2021-06-19", "2021-07-02"]


def test_dates_first_and_last_seen() -> None:
    first = last = None
    for d in ("2014", "2014-03", "2013-12"):
        first, last = seen(first, last, d)
    assert (first, last) == ("2013-12", "2014")  # a year ends after its months
    first, last = seen(first, last, "2015-01-02")  # full dates count first
    assert (first, last) == ("2015-01-02", "2015-01-02")
    for d in ("2014", "2012-05-05", "2016-01-01"):
        first, last = seen(first, last, d)
    assert (first, last) == ("2012-05-05", "2016-01-01")
