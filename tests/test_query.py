"""Named queries, safe parameters, SERVICE refusal, result formats and the `kg query` /
`kg stats` commands, on graphs built from our own test pages (tests/data/q_*.txt)."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.namespace import FOAF, ORG, PROV, RDF, RDFS
from rdflib.plugins.sparql import prepareQuery

import kg
import kg.query as q
from kg.cli import cli
from kg.export import serialize
from kg.namespace import KGO, KGR, SDO
from kg.pipeline import build_graph, build_text

DATA = Path(__file__).parent / "data"
PAGES = sorted(DATA.glob("q_*.txt"))
NAMES = {"people", "positions", "members", "programs", "org-tree", "places", "mentions"}


@pytest.fixture(scope="module")
def graph() -> Graph:
    return build_graph(PAGES).graph


@pytest.fixture(scope="module")
def graph_file(graph: Graph, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("q") / "graph.ttl"
    path.write_bytes(serialize(graph, "ttl"))
    return path


def _pick(rows: list[dict[str, object]], *keys: str) -> list[tuple[object, ...]]:
    return [tuple(r[k] for k in keys) for r in rows]


def _org(graph: Graph, label: str) -> URIRef:
    found = [s for s in graph.subjects(RDFS.label, Literal(label, lang="zh"))
             if (s, RDF.type, ORG.Organization) in graph]
    assert len(found) == 1, label
    assert isinstance(found[0], URIRef)
    return found[0]


# ---------------------------------------------------------------- named query files


def test_query_named_queries_are_listed_with_descriptions() -> None:
    listed = q.list_named()
    assert {n.name for n in listed} >= NAMES
    for n in listed:
        assert n.description and "\n" not in n.description
    assert q.get_named("positions").param_names == ("person",)
    assert q.get_named("members").param_names == ("org",)
    assert q.get_named("mentions").param_names == ("name",)
    assert q.get_named("people").param_names == ()


@pytest.mark.parametrize("name", sorted(NAMES))
def test_query_named_file_is_standalone_sparql(name: str) -> None:
    text = q.get_named(name).text
    assert text.startswith("# description: ")
    prepareQuery(text)  # no predeclared prefixes: the file declares its own


# ---------------------------------------------------------------- each named query


def test_query_people_lists_posts(graph: Graph) -> None:
    rows = _pick(q.people(graph), "name", "role", "organization")
    for expected in [
        ("程立华", "书记", "信阳市委"),
        ("冯振宇", "市长", "信阳市政府"),
        ("闫秀兰", "常委", "信阳市委"),
        ("闫秀兰", "部长", "信阳市委组织部"),
        ("卓凯", "副市长", "信阳市政府"),
        ("欧阳平", "副书记", "光山县委"),
        ("欧阳平", "县长", "光山县政府"),
        ("甘小舟", "记者", None),
    ]:
        assert expected in rows
    assert rows == sorted(rows, key=lambda r: tuple("" if v is None else str(v) for v in r))
    assert q.people(graph) == q.named("people", graph)


def test_query_positions_of_one_person(graph: Graph) -> None:
    rows = q.positions(graph, person="欧阳平")
    assert _pick(rows, "role", "organization") == [("副书记", "光山县委"), ("县长", "光山县政府")]
    for r in rows:
        assert "欧阳平" in r["evidence"]
        assert (URIRef(r["article"]), RDF.type, SDO.NewsArticle) in graph
        assert r["date"] == "5月9日"


def test_query_positions_lists_each_source_article(graph: Graph) -> None:
    rows = q.positions(graph, person="程立华")
    assert _pick(rows, "role", "organization", "date") == [
        ("书记", "信阳市委", "5月12日"), ("书记", "信阳市委", "5月8日")]
    files = {str(graph.value(URIRef(r["article"]), KGO.sourceFile)) for r in rows}
    assert {Path(f).name for f in files} == {"q_xinyang_economy.txt", "q_xinyang_politics.txt"}


def test_query_positions_unknown_person_gives_no_rows(graph: Graph) -> None:
    assert q.positions(graph, person="无此人") == []


def test_query_members_includes_sub_units_transitively(graph: Graph) -> None:
    g = Graph()
    for t in graph:
        g.add(t)
    # a two-level chain under 光山县委 (the extractor may or may not link 组织部 itself)
    county, dept = _org(g, "光山县委"), _org(g, "光山县委组织部")
    office = KGR["org/光山县委组织部干部科"]
    g.add((dept, ORG.subOrganizationOf, county))
    g.add((office, RDF.type, ORG.Organization))
    g.add((office, RDFS.label, Literal("光山县委组织部干部科", lang="zh")))
    g.add((office, ORG.subOrganizationOf, dept))
    m = KGR["membership/test/科长"]
    g.add((m, RDF.type, ORG.Membership))
    g.add((m, ORG.member, KGR["person/信阳/骆春林"]))
    g.add((m, ORG.role, KGR["role/科长"]))
    g.add((KGR["role/科长"], RDFS.label, Literal("科长", lang="zh")))
    g.add((m, ORG.organization, office))
    rows = _pick(q.members(g, org="光山县委"), "unit", "role", "name")
    assert rows == [
        ("光山县委", "副书记", "欧阳平"),
        ("光山县委组织部", "部长", "何春燕"),
        ("光山县委组织部干部科", "科长", "骆春林"),
    ]
    # from the middle of the chain only the units below it
    assert _pick(q.members(g, org="光山县委组织部"), "name") == [("何春燕",), ("骆春林",)]


def test_query_members_by_alias(graph: Graph) -> None:
    rows = _pick(q.members(graph, org="市委"), "unit", "role", "name")  # alias of 信阳市委
    assert ("信阳市委", "书记", "程立华") in rows
    assert ("信阳市委", "常委", "闫秀兰") in rows
    assert all(unit.startswith("信阳市委") for unit, _, _ in rows)  # type: ignore[union-attr]


def test_query_programs_counts_and_runners(graph: Graph) -> None:
    both, tea = str(KGR["program/双百行动"]), str(KGR["program/茶旅融合"])
    rows = {r["program"]: r for r in q.programs(graph)}
    assert rows[both]["articles"] == 2
    assert rows[both]["mentions"] >= 2
    assert rows[tea]["articles"] == 1
    assert "茶旅融合" in rows[tea]["programme"]
    g = Graph()
    for t in graph:
        g.add(t)
    prog = KGR["program/双百行动"]
    g.add((prog, KGO.runBy, _org(g, "信阳市委")))
    g.add((prog, KGO.runBy, _org(g, "信阳市政府")))
    rows = {r["program"]: r for r in q.programs(g)}
    assert rows[both]["runners"] == "信阳市委、信阳市政府"
    assert rows[tea]["runners"] == ""


def test_query_org_tree(graph: Graph) -> None:
    rows = _pick(q.org_tree(graph), "top", "depth", "parent", "organization")
    assert ("信阳市委", 0, None, "信阳市委") in rows
    assert ("信阳市委", 1, "信阳市委", "信阳市委宣传部") in rows
    g = Graph()
    for t in graph:
        g.add(t)
    g.add((_org(g, "光山县委组织部"), ORG.subOrganizationOf, _org(g, "光山县委")))
    rows = _pick(q.org_tree(g), "top", "depth", "parent", "organization")
    assert ("光山县委", 0, None, "光山县委") in rows
    assert ("光山县委", 1, "光山县委", "光山县委组织部") in rows


def test_query_places_hierarchy(graph: Graph) -> None:
    rows = _pick(q.places(graph), "top", "depth", "parent", "name", "kind", "code")
    assert ("信阳市", 0, None, "信阳市", "City", "411500") in rows
    assert ("信阳市", 1, "信阳市", "光山县", "County", "411522") in rows
    assert ("信阳市", 2, "光山县", "泼陂河镇", "Town", None) in rows


def test_query_mentions_by_label_and_alias(graph: Graph) -> None:
    rows = q.mentions(graph, name="双百行动")
    files = [Path(r["file"]).name for r in rows]
    assert files == ["q_xinyang_economy.txt", "q_xinyang_politics.txt"]
    assert {r["iri"] for r in rows} == {str(KGR["program/双百行动"])}
    by_alias = q.mentions(graph, name="“双百行动”")  # the quoted form is an alias
    assert _pick(by_alias, "article") == _pick(rows, "article")
    assert {r["entity"] for r in q.mentions(graph, name="市委")} == {"信阳市委"}  # an alias


def test_query_named_on_build_text() -> None:
    text = "本报讯（记者 甘小舟） 6月1日，信阳市委书记程立华主持召开专题会议。"
    g = build_text(text, "q_one.txt")
    assert ("书记", "信阳市委") in _pick(q.positions(g, person="程立华"), "role", "organization")


@pytest.mark.parametrize("name", sorted(NAMES))
def test_query_named_same_rows_on_oxigraph(graph: Graph, name: str) -> None:
    """Stores with their own SPARQL engine (oxrdflib) get the text and the parameters as
    substitutions; the rows are the same as rdflib's."""
    pytest.importorskip("oxrdflib")
    ox = Graph(store="Oxigraph")
    for t in graph:
        ox.add(t)
    params = {"positions": {"person": "欧阳平"}, "members": {"org": "市委"},
              "mentions": {"name": "市委"}}.get(name, {})
    assert q.named(name, ox, **params) == q.named(name, graph, **params)


# ---------------------------------------------------------------- parameters


def test_query_params_are_bound_not_pasted(graph: Graph) -> None:
    evil = '欧阳平") } UNION { ?who ?p ?o } FILTER("1'
    assert q.positions(graph, person=evil) == []
    assert q.mentions(graph, name="?iri") == []


@pytest.mark.parametrize(("name", "params", "message"), [
    ("nope", {}, "unknown named query 'nope'"),
    ("positions", {}, "needs --param person=VALUE"),
    ("people", {"person": "x"}, "has no parameter 'person'"),
    ("positions", {"person": "x", "org": "y"}, "has no parameter 'org'"),
])
def test_query_named_bad_params(graph: Graph, name: str, params: dict[str, str],
                                message: str) -> None:
    with pytest.raises(q.QueryError, match=message):
        q.named(name, graph, **params)


# ---------------------------------------------------------------- SERVICE


@pytest.mark.parametrize("sparql", [
    "SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }",
    "SELECT * WHERE { SERVICE SILENT <http://example.org/sparql> { ?s ?p ?o } }",
    "SELECT * WHERE { ?s ?p ?o FILTER EXISTS { SERVICE ?x { ?s ?p ?o } } }",
    "SELECT * WHERE { { SELECT ?s WHERE { SERVICE <http://e.org/q> { ?s ?p ?o } } } }",
    "SELECT * FROM <http://example.org/data.ttl> WHERE { ?s ?p ?o }",
    "SELECT * FROM NAMED <file:///etc/passwd> WHERE { GRAPH ?g { ?s ?p ?o } }",
])
def test_query_service_refused(graph: Graph, sparql: str) -> None:
    with pytest.raises(q.QueryError, match="allow-service"):
        q.run(graph, sparql)
    q.prepare(sparql, allow_service=True)  # allowed explicitly: no refusal


def test_query_service_word_in_a_literal_still_runs(graph: Graph) -> None:
    res = q.run(graph, 'SELECT ?x WHERE { BIND("SERVICE <http://example.org/>" AS ?x) }')
    assert q.rows(res) == [{"x": "SERVICE <http://example.org/>"}]
    res = q.run(graph, "# SERVICE <http://example.org/> in a comment\nASK { ?s ?p ?o }")
    assert res.askAnswer is True


def test_query_bad_sparql_is_one_line() -> None:
    with pytest.raises(q.QueryError) as e:
        q.prepare("SELEC ?x WHERE {")
    assert str(e.value).startswith("bad SPARQL") and "\n" not in str(e.value)


# ---------------------------------------------------------------- formats


def test_query_format_csv_parses(graph: Graph) -> None:
    text = q.format_result(q.run_named("people", graph), "csv")
    table = list(csv.reader(io.StringIO(text, newline="")))
    assert table[0] == ["name", "role", "organization", "person"]
    assert ["程立华", "书记", "信阳市委", str(KGR["person/信阳/程立华"])] in table
    assert ["甘小舟", "记者", "", str(KGR["person/信阳/甘小舟"])] in table
    assert text.endswith("\r\n")


def test_query_format_tsv_parses(graph: Graph) -> None:
    text = q.format_result(q.run_named("positions", graph, {"person": "欧阳平"}), "tsv")
    lines = text.rstrip("\n").split("\n")
    head = lines[0].split("\t")
    assert head == ["?person", "?role", "?organization", "?headline", "?date", "?evidence",
                    "?article"]
    first = dict(zip(head, lines[1].split("\t"), strict=True))
    assert first["?person"] == '"欧阳平"@zh'  # the parameter, bound as a Chinese name
    assert first["?role"] == '"副书记"@zh'
    assert first["?headline"] == ""
    assert first["?article"].startswith("<https://w3id.org/kg-zh/id/article/")
    res = q.run(graph, 'SELECT ?x ?n WHERE { BIND("a\\tb\\n\\"c\\"" AS ?x) BIND(3 AS ?n) }')
    row = q.format_result(res, "tsv").split("\n")[1].split("\t")
    assert row == ['"a\\tb\\n\\"c\\""', '"3"^^<http://www.w3.org/2001/XMLSchema#integer>']


def test_query_format_json_is_w3c_results(graph: Graph) -> None:
    doc = json.loads(q.format_result(q.run_named("programs", graph), "json"))
    assert doc["head"]["vars"] == ["programme", "runners", "mentions", "articles", "program"]
    b = next(b for b in doc["results"]["bindings"] if b["programme"]["value"] == "双百行动")
    assert b["programme"] == {"type": "literal", "value": "双百行动", "xml:lang": "zh"}
    assert b["articles"] == {"type": "literal", "value": "2",
                             "datatype": "http://www.w3.org/2001/XMLSchema#integer"}
    assert b["program"] == {"type": "uri", "value": str(KGR["program/双百行动"])}
    ask = json.loads(q.format_result(q.run(graph, "ASK { ?s a foaf:Person }"), "json"))
    assert ask == {"head": {}, "boolean": True}
    empty = json.loads(q.format_result(q.run(graph, "SELECT ?x WHERE { ?x a kgo:None }"), "json"))
    assert empty == {"head": {"vars": ["x"]}, "results": {"bindings": []}}


def test_query_format_table_aligns_wide_characters(graph: Graph) -> None:
    text = q.format_result(q.run_named("people", graph), "table")
    lines = text.splitlines()
    assert lines[0].split() == ["name", "role", "organization", "person"]
    col = q.width(lines[0][: lines[0].index("role")])
    for line in lines[1:]:
        role = line.split()[1] if len(line.split()) > 1 else ""
        if role:
            assert q.width(line[: line.index(role, len(line.split()[0]))]) == col
    assert "kgr:person/信阳/程立华" in text  # IRIs shortened in tables only


def test_query_table_cuts_long_cells() -> None:
    text = q.format_table(["x"], [["长" * 100]])
    cell = text.splitlines()[1]
    assert cell.endswith("…") and q.width(cell) <= 60


def test_query_construct_gives_turtle(graph: Graph) -> None:
    res = q.run(graph, "CONSTRUCT { ?p a foaf:Person } WHERE { ?p a foaf:Person }")
    out = Graph().parse(data=q.format_result(res, "table"), format="turtle")
    assert set(out.subjects()) == set(graph.subjects(RDF.type, FOAF.Person))
    with pytest.raises(q.QueryError):
        q.format_result(res, "csv")


# ---------------------------------------------------------------- loading, API


def test_query_load_reads_every_export(graph: Graph, tmp_path: Path) -> None:
    for fmt, ext in [("ttl", "ttl"), ("nt", "nt"), ("jsonld", "jsonld"), ("trig", "trig")]:
        path = tmp_path / f"graph.{ext}"
        path.write_bytes(serialize(graph, fmt))
        g = kg.load(path)
        assert q.people(g) == q.people(graph), fmt
    trig = kg.load(tmp_path / "graph.trig")
    assert isinstance(trig, Dataset)
    per_article = q.rows(q.run(trig, "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"))
    articles = {str(a) for a in graph.subjects(RDF.type, SDO.NewsArticle)}
    assert {r["g"] for r in per_article} == articles


def test_query_load_errors(tmp_path: Path) -> None:
    with pytest.raises(q.QueryError, match="no such graph file"):
        kg.load(tmp_path / "missing.ttl")
    bad = tmp_path / "bad.ttl"
    bad.write_text("this is not turtle", encoding="utf-8")
    with pytest.raises(q.QueryError, match="cannot read"):
        kg.load(bad)


def test_query_wrappers_match_named(graph: Graph) -> None:
    assert q.places(graph) == q.named("places", graph)
    assert q.org_tree(graph) == q.named("org-tree", graph)
    assert q.programs(graph) == q.named("programs", graph)
    assert q.members(graph, "光山县委") == q.named("members", graph, org="光山县委")
    assert q.mentions(graph, "市委") == q.named("mentions", graph, name="市委")


def test_query_stats(graph: Graph) -> None:
    s = q.stats(graph, top=5)
    types = dict(s.types)
    assert types["foaf:Person"] == len(set(graph.subjects(RDF.type, FOAF.Person)))
    assert types["org:Membership"] >= 10
    assert len(s.connected) <= 5
    assert s.connected == sorted(s.connected, key=lambda t: (-t[2], t[0], t[3]))
    reach = {iri: (arts, orgs) for _, arts, orgs, _, iri in s.programmes}
    assert reach[str(KGR["program/双百行动"])] == (2, 0)
    text = q.format_stats(s)
    assert "Entities by type" in text and "Programmes by reach" in text
    assert q.counts(graph)["persons"] == types["foaf:Person"]


def test_query_derivation_links_point_to_articles(graph: Graph) -> None:
    # what positions/mentions rely on
    for _, a in graph.subject_objects(PROV.wasDerivedFrom):
        assert (a, RDF.type, SDO.NewsArticle) in graph


# ---------------------------------------------------------------- CLI


def test_cli_every_command_has_help() -> None:
    runner = CliRunner()
    assert runner.invoke(cli, ["--help"]).exit_code == 0
    for name in cli.commands:  # type: ignore[attr-defined]
        res = runner.invoke(cli, [name, "--help"])
        assert res.exit_code == 0, name
        assert "Usage:" in res.output


def test_cli_query_list() -> None:
    res = CliRunner().invoke(cli, ["query", "--list"])
    assert res.exit_code == 0
    names = [line.split()[0] for line in res.output.splitlines()]
    assert set(names) == {n.name for n in q.list_named()}
    line = next(line for line in res.output.splitlines() if line.startswith("positions"))
    assert "person=…" in line


def test_cli_query_named_with_param(graph_file: Path) -> None:
    res = CliRunner().invoke(cli, ["query", str(graph_file), "--named", "positions",
                                   "--param", "person=欧阳平", "--format", "csv"])
    assert res.exit_code == 0, res.output
    table = list(csv.reader(io.StringIO(res.output, newline="")))
    assert table[0][:3] == ["person", "role", "organization"]
    assert [r[:3] for r in table[1:]] == [["欧阳平", "副书记", "光山县委"],
                                          ["欧阳平", "县长", "光山县政府"]]


@pytest.mark.parametrize(("args", "message"), [
    (["--named", "nope"], "unknown named query 'nope'"),
    (["--named", "positions"], "needs --param person=VALUE"),
    (["--named", "positions", "-p", "person=x", "-p", "who=y"], "has no parameter 'who'"),
    (["--named", "positions", "-p", "person"], "--param wants KEY=VALUE"),
    (["SELECT * WHERE { SERVICE <http://example.org/s> { ?s ?p ?o } }"], "--allow-service"),
    (["SELECT ?x WHERE {"], "bad SPARQL"),
    (["missing.rq"], "no such query file"),
])
def test_cli_query_errors_are_one_line(graph_file: Path, args: list[str], message: str) -> None:
    res = CliRunner().invoke(cli, ["query", str(graph_file), *args])
    assert res.exit_code != 0
    lines = [line for line in res.output.splitlines() if line.strip()]
    assert len(lines) == 1 and message in lines[0], res.output


def test_cli_query_from_rq_file_and_stdin(graph_file: Path, tmp_path: Path) -> None:
    rq = tmp_path / "q.rq"
    rq.write_text("SELECT (COUNT(?p) AS ?n) WHERE { ?p a foaf:Person }", encoding="utf-8")
    runner = CliRunner()
    res = runner.invoke(cli, ["query", str(graph_file), str(rq), "--format", "json"])
    assert res.exit_code == 0, res.output
    n = json.loads(res.output)["results"]["bindings"][0]["n"]["value"]
    res = runner.invoke(cli, ["query", str(graph_file), "-", "--format", "tsv"],
                        input="SELECT (COUNT(?p) AS ?n) WHERE { ?p a foaf:Person }")
    assert res.output.split("\n")[1].startswith(f'"{n}"^^')


def test_cli_query_default_table(graph_file: Path) -> None:
    sparql = "SELECT ?n WHERE { ?p a foaf:Person ; rdfs:label ?n } ORDER BY ?n"
    res = CliRunner().invoke(cli, ["query", str(graph_file), sparql])
    assert res.exit_code == 0
    assert res.output.splitlines()[0] == "n"
    assert "程立华" in res.output.splitlines()


def test_cli_query_usage_errors(graph_file: Path) -> None:
    runner = CliRunner()
    assert runner.invoke(cli, ["query"]).exit_code == 2
    assert runner.invoke(cli, ["query", str(graph_file)]).exit_code == 2
    for extra in (["--named", "people"], ["--format", "xml"]):
        assert runner.invoke(cli, ["query", str(graph_file), "ASK {}", *extra]).exit_code == 2


def test_cli_query_formats_match_library() -> None:
    from kg.cli import _QUERY_FORMATS

    assert tuple(_QUERY_FORMATS) == q.FORMATS


def test_cli_stats(graph_file: Path) -> None:
    res = CliRunner().invoke(cli, ["stats", str(graph_file), "--top", "3"])
    assert res.exit_code == 0, res.output
    assert "foaf:Person" in res.output and "双百行动" in res.output
    assert CliRunner().invoke(cli, ["stats", "missing.ttl"]).exit_code == 2


def test_query_named_parameter_is_a_term_not_text(graph: Graph) -> None:
    hostile = '欧阳平" } } SELECT * WHERE { ?s ?p ?o'
    rows = q.named("positions", graph, person=hostile)
    assert rows == []
    assert q.named("positions", graph, person="欧阳平")
