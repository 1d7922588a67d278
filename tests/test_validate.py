"""`kg validate`: graphs `kg build` writes conform; broken ones fail with readable lines."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import RDF, RDFS, Graph, Literal
from rdflib.namespace import ORG, PROV

from kg.cli import cli
from kg.export import FORMATS, serialize
from kg.namespace import KGO, KGR, SDO
from kg.pipeline import build_graph, build_text
from kg.query import load
from kg.validate import validate

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(__file__).parent / "data"
SAMPLES = ROOT / "kg" / "samples"
CLEAR = "本报讯（记者 甘小舟） 6月2日，信阳市委书记程立华主持召开座谈会，市长冯振宇出席。"


@pytest.fixture(scope="module")
def ours() -> Graph:
    return build_graph(sorted(DATA.glob("q_*.txt"))).graph


def _copy(g: Graph) -> Graph:
    out = Graph()
    for t in g:
        out.add(t)
    return out


def _membership(g: Graph, person: str, role: str) -> object:
    for m in g.subjects(RDF.type, ORG.Membership):
        p, r = g.value(m, ORG.member), g.value(m, ORG.role)
        if str(g.value(p, RDFS.label)) == person and str(g.value(r, RDFS.label)) == role:
            return m
    raise AssertionError(f"no membership {person} {role}")


def test_validate_samples_conform() -> None:
    report = validate(build_graph([SAMPLES]).graph)
    assert report.conforms, report.text()
    assert report.checked > 100


def test_validate_our_pages_conform(ours: Graph) -> None:
    report = validate(ours)
    assert report.conforms, report.text()
    assert report.text().startswith("conforms:")


def test_validate_build_text_conforms() -> None:
    assert validate(build_text(CLEAR, "q_clear.txt")).conforms


@pytest.mark.parametrize("fmt", [f for f in FORMATS if f != "graphml"])
def test_validate_every_written_format_conforms(ours: Graph, fmt: str, tmp_path: Path) -> None:
    path = tmp_path / f"graph.{FORMATS[fmt]}"
    path.write_bytes(serialize(ours, fmt))
    report = validate(load(path))
    assert report.conforms, report.text()


@pytest.mark.parametrize("pages", [[SAMPLES], sorted(DATA.glob("q_*.txt"))],
                         ids=["samples", "q_pages"])
def test_cli_validate_passes_on_what_build_writes(pages: list[Path], tmp_path: Path) -> None:
    runner = CliRunner()
    res = runner.invoke(cli, ["build", *map(str, pages), "-o", str(tmp_path),
                              "--format", ",".join(FORMATS)])
    assert res.exit_code == 0, res.output
    for fmt, ext in FORMATS.items():
        if fmt == "graphml":  # not RDF
            continue
        res = runner.invoke(cli, ["validate", str(tmp_path / f"graph.{ext}")])
        assert res.exit_code == 0, (fmt, res.output)
        assert res.output.startswith("conforms:")


def test_validate_broken_membership(ours: Graph) -> None:
    g = _copy(ours)
    m = _membership(g, "欧阳平", "县长")
    g.remove((m, ORG.member, None))                     # no member
    g.add((m, ORG.role, KGR["role/副书记"]))             # and two roles
    report = validate(g)
    assert not report.conforms
    lines = report.text().splitlines()
    assert lines[-1].startswith("does not conform: 2 violations")
    by_path = {v.path: v for v in report.violations}
    assert set(by_path) == {"org:member", "org:role"}
    assert "exactly one org:member" in by_path["org:member"].message
    assert "exactly one org:role" in by_path["org:role"].message
    # the focus is named the way a reader knows it, not only by IRI
    assert by_path["org:role"].focus.startswith("membership ? ")
    assert "光山县政府" in by_path["org:role"].focus
    assert all(line.count("\n") == 0 for line in lines)


def test_validate_membership_without_source_or_evidence(ours: Graph) -> None:
    g = _copy(ours)
    m = _membership(g, "程立华", "书记")
    g.remove((m, PROV.wasDerivedFrom, None))
    g.remove((m, KGO.evidence, None))
    report = validate(g)
    paths = sorted(v.path for v in report.violations)
    assert paths == ["kgo:evidence", "prov:wasDerivedFrom"]
    assert all("程立华 书记 @ 信阳市委" in v.focus for v in report.violations)


def test_validate_entity_without_label(ours: Graph) -> None:
    g = _copy(ours)
    person = KGR["person/信阳/卓凯"]
    g.remove((person, RDFS.label, None))
    g.add((person, RDFS.label, Literal("卓凯", lang="zh")))
    g.add((person, RDFS.label, Literal("卓 凯", lang="zh")))  # two zh labels
    org = KGR["org/无名"]
    g.add((org, RDF.type, ORG.Organization))              # no label, no source
    report = validate(g)
    messages = {(v.node, v.path): v.message for v in report.violations}
    assert (str(person), "rdfs:label") in messages
    assert (str(org), "rdfs:label") in messages
    assert (str(org), "prov:wasDerivedFrom") in messages


def test_validate_place_and_org_cycles(ours: Graph) -> None:
    g = _copy(ours)
    county, town = KGR["place/411522"], KGR["place/信阳/泼陂河镇"]
    assert (town, SDO.containedInPlace, county) in g
    g.add((county, SDO.containedInPlace, town))
    a, b = KGR["org/信阳市委"], KGR["org/信阳市委宣传部"]
    g.add((a, ORG.subOrganizationOf, b))
    g.add((b, ORG.subOrganizationOf, a))
    report = validate(g)
    cyc = {v.node: v.message for v in report.violations}
    assert "containedInPlace has a cycle" in cyc[str(county)]
    assert "containedInPlace has a cycle" in cyc[str(town)]
    assert "subOrganizationOf has a cycle" in cyc[str(a)]
    assert any(v.focus.startswith("光山县 <kgr:place/411522>") for v in report.violations)


def test_cli_validate_exit_codes(ours: Graph, tmp_path: Path) -> None:
    good = tmp_path / "good.ttl"
    good.write_bytes(serialize(ours, "ttl"))
    runner = CliRunner()
    res = runner.invoke(cli, ["validate", str(good)])
    assert res.exit_code == 0, res.output
    assert res.output.startswith("conforms:")

    g = _copy(ours)
    m = _membership(g, "欧阳平", "县长")
    g.remove((m, ORG.member, None))
    g.add((m, ORG.role, KGR["role/副书记"]))
    bad = tmp_path / "bad.ttl"
    bad.write_bytes(serialize(g, "ttl"))
    res = runner.invoke(cli, ["validate", str(bad)])
    assert res.exit_code == 1
    lines = res.output.splitlines()
    assert len(lines) == 3
    assert "org:member  a membership has exactly one org:member" in res.output
    assert lines[-1].startswith("does not conform: 2 violations")

    res = runner.invoke(cli, ["validate", str(tmp_path / "missing.ttl")])
    assert res.exit_code == 2
    assert "no such graph file" in res.output
