"""Corpora with dates: a manifest, JSON Lines and CSV records, saved web pages; the dates
in the graph (articles, first and last seen of posts)."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import XSD, Graph, Literal, URIRef
from rdflib.namespace import FOAF, ORG, PROV, RDF, RDFS

from kg.cli import cli
from kg.corpus import read_manifest, records
from kg.io import InputError
from kg.model import Meta
from kg.namespace import KGO, SDO
from kg.pipeline import build_graph
from kg.webpage import merge, read_html

# three articles of one city's paper, written for these tests
ARTICLES = {
    "a.txt": "本报讯（记者 林某）3月5日，市委书记宋明远主持召开常委会会议。副市长韦子涵出席。\n",
    "b.txt": "本报讯 6月10日，市委书记宋明远到平桥区调研防汛工作。\n",
    "c.txt": "本报讯 9月1日，市委书记宋明远，市委副书记、市长周启航出席项目开工仪式。\n",
}
PUBLISHED = {"a.txt": "2021-03-06", "b.txt": "2021-06-11", "c.txt": "2022-09-02"}


def _write_corpus(root: Path) -> Path:
    pages = root / "pages"
    pages.mkdir()
    for name, text in ARTICLES.items():
        (pages / name).write_text(text, encoding="utf-8")
    manifest = root / "sources.tsv"
    rows = ["file\tpublished\ttitle\turl\tsite\tnote"]
    for name, date in PUBLISHED.items():
        rows.append(f"pages/{name}\t{date}\t标题{name[0]}\thttp://paper.example.cn/{name}\t某市日报\tx")
    manifest.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return manifest


def _dates(g: Graph) -> dict[str, Literal]:
    out = {}
    for a in g.subjects(RDF.type, SDO.NewsArticle):
        d = g.value(a, SDO.datePublished)
        if d is not None:
            out[str(g.value(a, KGO.sourceFile)).rsplit("/", 1)[-1]] = d
    return out


def _post(g: Graph, person: str, role: str) -> URIRef:
    for m in g.subjects(RDF.type, ORG.Membership):
        who = g.value(m, ORG.member)
        if (str(g.value(who, RDFS.label)) == person
                and str(g.value(g.value(m, ORG.role), RDFS.label)) == role):
            return URIRef(m)
    raise AssertionError(f"no post {role} of {person}")


def _persons(g: Graph) -> set[str]:
    return {str(g.value(p, RDFS.label)) for p in g.subjects(RDF.type, FOAF.Person)}


def test_corpus_manifest_dates_articles_and_posts(tmp_path: Path) -> None:
    manifest = _write_corpus(tmp_path)
    g = build_graph([tmp_path / "pages"], city="信阳", meta=manifest).graph
    got = _dates(g)
    assert got == {k: Literal(v, datatype=XSD.date) for k, v in PUBLISHED.items()}
    art = next(a for a in g.subjects(RDF.type, SDO.NewsArticle)
               if str(g.value(a, KGO.sourceFile)).endswith("a.txt"))
    assert str(g.value(art, SDO.headline)) == "标题a"
    assert g.value(art, SDO.url) == Literal("http://paper.example.cn/a.txt",
                                            datatype=XSD.anyURI)
    site = g.value(art, SDO.isPartOf)
    assert (site, RDF.type, SDO.CreativeWork) in g
    assert str(g.value(site, RDFS.label)) == "某市日报"
    # a post's first and last seen dates are its articles' earliest and latest
    post = _post(g, "宋明远", "书记")
    assert g.value(post, KGO.firstSeen) == Literal("2021-03-06", datatype=XSD.date)
    assert g.value(post, KGO.lastSeen) == Literal("2022-09-02", datatype=XSD.date)
    assert g.value(post, KGO.articleCount) == Literal(3)
    assert len(set(g.objects(post, PROV.wasDerivedFrom))) == 3
    once = _post(g, "韦子涵", "副市长")
    assert g.value(once, KGO.firstSeen) == g.value(once, KGO.lastSeen)
    assert g.value(once, KGO.articleCount) == Literal(1)


def test_corpus_manifest_by_base_name_and_partial_dates(tmp_path: Path) -> None:
    _write_corpus(tmp_path)
    manifest = tmp_path / "other.csv"
    manifest.write_text("File,Date,Site\na.txt,2021-03,某市日报\nb.txt,2021,\n"
                        "c.txt,not a date,\n", encoding="utf-8")
    g = build_graph([tmp_path / "pages"], city="信阳", meta=manifest).graph
    assert _dates(g) == {"a.txt": Literal("2021-03-05", datatype=XSD.date),  # dateline
                         "b.txt": Literal("2021-06-10", datatype=XSD.date)}
    m = read_manifest(manifest)
    assert m.get(tmp_path / "pages" / "b.txt") == Meta("2021")
    assert m.get(tmp_path / "pages" / "c.txt") == Meta()  # the bad date left out
    assert m.get(tmp_path / "elsewhere.txt") == Meta()


def test_corpus_manifest_needs_a_file_column(tmp_path: Path) -> None:
    bad = tmp_path / "m.csv"
    bad.write_text("name,date\na.txt,2021-01-01\n", encoding="utf-8")
    with pytest.raises(InputError, match="'file' column"):
        read_manifest(bad)


def test_corpus_json_lines_give_what_pages_and_manifest_give(tmp_path: Path) -> None:
    manifest = _write_corpus(tmp_path)
    from_pages = build_graph([tmp_path / "pages"], city="信阳", meta=manifest).graph
    corpus = tmp_path / "records"
    corpus.mkdir()
    with (corpus / "paper.jsonl").open("w", encoding="utf-8") as f:
        for name, text in ARTICLES.items():
            rec = {"id": name, "text": text, "published": PUBLISHED[name], "site": "某市日报"}
            f.write(json.dumps(rec, ensure_ascii=False) + "\n")
        f.write("\n")  # blank lines are fine
    g = build_graph([corpus], city="信阳").graph
    assert _persons(g) == _persons(from_pages)
    assert {"宋明远", "韦子涵", "周启航"} <= _persons(g)
    assert sorted(_dates(g).values()) == sorted(_dates(from_pages).values())
    sources = {str(g.value(a, KGO.sourceFile)) for a in g.subjects(RDF.type, SDO.NewsArticle)}
    assert sources == {f"paper.jsonl#{n}" for n in ARTICLES}
    post = _post(g, "宋明远", "书记")
    assert (g.value(post, KGO.firstSeen), g.value(post, KGO.lastSeen)) == (
        Literal("2021-03-06", datatype=XSD.date), Literal("2022-09-02", datatype=XSD.date))


def test_corpus_csv_records_and_bad_records(tmp_path: Path) -> None:
    f = tmp_path / "paper.csv"
    with f.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["id", "date", "title", "text"])
        w.writerow(["x1", "2021/6/11", "调研", ARTICLES["b.txt"]])
        w.writerow(["x2", "2021", "", ""])  # no text
        w.writerow(["x1", "", "", ARTICLES["a.txt"]])  # an id seen before: the row number
    got = list(records(f, "utf-8", "paper.csv"))
    assert [r[0] if isinstance(r, tuple) else r.path for r in got] == [
        "paper.csv#x1", "paper.csv#x2", "paper.csv#3"]
    assert got[0][2] == Meta("2021-06-11", "调研")  # type: ignore[index]
    j = tmp_path / "bad.jsonl"
    j.write_text('{"text": "正文。"}\nnot json\n[1, 2]\n', encoding="utf-8")
    kinds = [type(r).__name__ for r in records(j, "utf-8")]
    assert kinds == ["tuple", "Skipped", "Skipped"]
    res = CliRunner().invoke(cli, ["build", str(f), "-o", str(tmp_path / "out"), "-j", "1"])
    assert res.exit_code == 3  # built, with the record without text reported
    assert "skipped paper.csv#x2: a record without text" in res.stderr


PAGE_HTML = """<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8">
<title>县政府召开常务会议_某县新闻网</title>
<meta property="og:site_name" content="某县新闻网">
<meta property="article:published_time" content="2021-06-18">
<link rel="canonical" href="http://news.example.cn/2021/0618/123.html">
</head><body><nav><a href="/">首页</a> | <a href="/news">新闻</a> | <a href="/gov">政务</a></nav>
<article><h1>县政府召开常务会议</h1>
<p>6月17日，县委副书记、县长宋明远主持召开县政府常务会议，研究部署近期重点工作。
副县长韦子涵出席会议。</p>
<p>会议指出，要持续优化营商环境，推动重点项目建设，各乡镇、县直各部门要抓好落实。</p>
</article><footer>版权所有 某县新闻网</footer></body></html>
"""


def test_corpus_html_main_text_title_date_site(tmp_path: Path) -> None:
    text, meta = read_html(PAGE_HTML)
    assert text.startswith("县政府召开常务会议\n")  # the title first, as on a page
    assert "首页" not in text and "版权所有" not in text
    assert meta == Meta("2021-06-18", "县政府召开常务会议",
                        "http://news.example.cn/2021/0618/123.html", "某县新闻网")
    (tmp_path / "page.html").write_text(PAGE_HTML, encoding="utf-8")
    manifest = tmp_path / "m.tsv"
    manifest.write_text("file\tsite\npage.html\t某县融媒体中心\n", encoding="utf-8")
    g = build_graph([tmp_path], meta=manifest).graph
    assert list(_dates(g).values()) == [Literal("2021-06-18", datatype=XSD.date)]
    assert {str(g.value(s, RDFS.label)) for s in g.subjects(RDF.type, SDO.CreativeWork)} == {
        "某县融媒体中心"}  # the manifest says it first
    assert {"宋明远", "韦子涵"} <= _persons(g)


def test_corpus_html_drawn_by_kg_is_not_read(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(ARTICLES["a.txt"], encoding="utf-8")
    out = tmp_path / "out"
    runner = CliRunner()
    assert runner.invoke(cli, ["build", str(tmp_path), "-o", str(out), "-j", "1"]).exit_code == 0
    res = runner.invoke(cli, ["build", str(tmp_path), "-o", str(out), "-j", "1"])
    assert res.exit_code == 0 and "pages: 1 " in res.output


def test_corpus_meta_merge_prefers_the_first() -> None:
    assert merge(Meta("2021", "a"), Meta("2021-06-18", "b", "u", "s")) == Meta(
        "2021-06-18", "a", "u", "s")
    assert merge(Meta("2020"), Meta("2021-06-18")) == Meta("2020")


# --- questions of time: careers, holders, timelines, the page ---------------------------

# a city's mayors over three years, written for these tests
MAYORS = {
    "m1.txt": ("2019-04-02", "本报讯 4月1日，市委副书记、市长周启航主持召开市政府常务会议。\n"),
    "m2.txt": ("2020-03-10", "本报讯 3月9日，市委副书记、市长周启航到平桥区调研。\n"),
    "m3.txt": ("2021-05-20", "本报讯 5月19日，市委副书记、市长宋明远主持召开市政府常务会议。\n"),
    "m4.txt": ("2022-01-05", "本报讯 1月4日，市委副书记、市长宋明远出席项目签约仪式。\n"),
}


@pytest.fixture
def mayors(tmp_path: Path) -> Graph:
    rows = ["file,date"]
    for name, (date, text) in MAYORS.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
        rows.append(f"{name},{date}")
    (tmp_path / "meta.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    return build_graph([tmp_path], city="信阳", meta=tmp_path / "meta.csv").graph


def test_corpus_career_in_time_order(mayors: Graph) -> None:
    from kg.query import named

    rows = named("career", mayors, person="周启航")
    assert [(r["role"], r["organization"], str(r["first"]), str(r["last"]), r["articles"])
            for r in rows] == [("副书记", "信阳市委", "2019-04-02", "2020-03-10", 2),
                               ("市长", "信阳市政府", "2019-04-02", "2020-03-10", 2)]
    everyone = named("career", mayors)
    assert {r["person"] for r in everyone} == {"周启航", "宋明远"}


def test_corpus_holders_of_a_post_then(mayors: Graph) -> None:
    from kg.query import named

    def holders(**when: str) -> list[tuple[str, str]]:
        rows = named("holders", mayors, role="市长", org="市政府", **when)
        return [(r["name"], r["fit"]) for r in rows]

    assert holders(year="2020") == [("周启航", "held then")]
    assert holders(year="2021") == [("宋明远", "held then")]
    # not seen on that date: the nearest evidence (the same year) only
    assert holders(date="2020-12-01") == [("周启航", "seen 0 year(s) before")]
    assert holders(date="2020-03-10") == [("周启航", "held then")]
    assert holders(year="2024") == [("宋明远", "seen 2 year(s) before")]
    assert holders() == [("周启航", ""), ("宋明远", "")]  # every holder, in time order


def test_corpus_org_timeline_by_year(mayors: Graph) -> None:
    from kg.query import named

    rows = named("org-timeline", mayors, org="信阳市政府")
    assert [(r["year"], r["role"], r["name"]) for r in rows] == [
        (2019, "市长", "周启航"), (2020, "市长", "周启航"),
        (2021, "市长", "宋明远"), (2022, "市长", "宋明远")]


def test_corpus_career_csv_from_the_command_line(tmp_path: Path, mayors: Graph) -> None:
    ttl = tmp_path / "g.ttl"
    mayors.serialize(ttl, format="turtle")
    res = CliRunner().invoke(cli, ["query", str(ttl), "--named", "career", "--format", "csv"])
    assert res.exit_code == 0, res.output
    lines = res.output.splitlines()
    assert lines[0].startswith("person,first,last,role,organization,place,articles")
    assert any(line.startswith("宋明远,2021-05-20,2022-01-05,市长,信阳市政府,") for line in lines)
    res = CliRunner().invoke(cli, ["query", str(ttl), "--named", "holders", "-p", "role=市长"])
    assert res.exit_code == 2 and "needs --param org=VALUE" in res.stderr


def test_corpus_page_lists_posts_by_date_and_filters_years(mayors: Graph) -> None:
    from kg.render import to_html, to_networkx

    nxg = to_networkx(mayors)
    person = next(n for n, d in nxg.nodes(data=True) if d["label"] == "宋明远")
    facts = nxg.nodes[person]["facts"]
    assert facts["y"] == [2021, 2022]
    assert [(p[0], p[5], p[6]) for p in facts["pos"]] == [
        ("副书记", "2021-05-20", "2022-01-05"), ("市长", "2021-05-20", "2022-01-05")]
    edge = next(d for a, b, d in nxg.edges(data=True) if a == person and d["kind"] == "member")
    assert edge["facts"]["y"] == [2021, 2022]
    page = to_html(mayors)
    data = page.split('<script type="application/json" id="kg-data">')[1].split("</script>")[0]
    assert json.loads(data)["years"] == [2019, 2022]  # the page's year fields span these
