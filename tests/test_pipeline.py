"""Whole-graph tests: a golden graph, determinism, provenance."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from rdflib import Graph
from rdflib.compare import graph_diff, isomorphic, to_isomorphic
from rdflib.namespace import FOAF, ORG, PROV, RDF

from kg.namespace import KGO
from kg.pipeline import build_graph

DATA = Path(__file__).parent / "data"
GOLDEN = Path(__file__).parent / "golden" / "golden_page.ttl"


def test_pipeline_matches_golden_graph(monkeypatch: pytest.MonkeyPatch) -> None:
    """Regenerate on purpose with KG_REGEN_GOLDEN=1 after reviewing the diff. Built from
    a relative path, so the recorded source file does not depend on the checkout."""
    monkeypatch.chdir(DATA)
    g = build_graph(["golden_page.txt"], city="许昌").graph
    if os.environ.get("KG_REGEN_GOLDEN"):
        GOLDEN.write_text(g.serialize(format="turtle"), encoding="utf-8")
    expected = Graph().parse(GOLDEN, format="turtle")
    if not isomorphic(g, expected):
        _, only_new, only_old = graph_diff(to_isomorphic(g), to_isomorphic(expected))
        raise AssertionError(
            "graph differs from golden\n+ "
            + "\n+ ".join(sorted(str(t) for t in only_new))[:3000]
            + "\n- "
            + "\n- ".join(sorted(str(t) for t in only_old))[:3000]
        )


def test_pipeline_contract_provenance() -> None:
    g = build_graph([DATA / "golden_page.txt"], city="许昌").graph
    memberships = list(g.subjects(RDF.type, ORG.Membership))
    assert memberships
    for m in memberships:
        assert g.value(m, ORG.member) is not None
        assert g.value(m, ORG.role) is not None
        assert g.value(m, KGO.evidence) is not None
        assert list(g.objects(m, PROV.wasDerivedFrom))
    for p in g.subjects(RDF.type, FOAF.Person):
        assert list(g.objects(p, PROV.wasDerivedFrom))


def test_pipeline_home_city_expands_relative_names() -> None:
    g = build_graph([DATA / "golden_page.txt"], city="许昌").graph
    labels = {str(o) for o in g.objects(None, None) if getattr(o, "language", None) == "zh"}
    assert "许昌市委" in labels
    assert "市委" in labels  # kept as skos:altLabel


def test_pipeline_output_identical_across_processes(tmp_path: Path) -> None:
    outs = []
    for seed in ("1", "2"):
        d = tmp_path / seed
        env = {**os.environ, "PYTHONHASHSEED": seed}
        subprocess.run(
            [sys.executable, "-m", "kg.cli", "build", str(DATA / "golden_page.txt"), "-o", str(d)],
            check=True,
            env=env,
            capture_output=True,
        )
        outs.append(((d / "graph.ttl").read_bytes(), (d / "graph.html").read_bytes()))
    assert outs[0] == outs[1]


def test_pipeline_home_city_from_its_districts() -> None:
    from kg.pipeline import build_text

    g = build_text("市委书记韩立新带队观摩了郾城区和召陵区的重点项目。")
    labels = {str(o) for o in g.objects(None, None)}
    assert "漯河市委" in labels


def test_pipeline_county_bodies_anchored_to_the_one_county_named() -> None:
    from kg.pipeline import build_text

    g = build_text("本报讯 近日，鄢陵县召开会议。县委书记甄宏远出席，县委副书记、县长薛立明主持。")
    labels = {str(o) for o in g.objects(None, None)}
    assert {"鄢陵县委", "鄢陵县政府"} <= labels


def test_pipeline_failed_write_leaves_no_drawing_process(tmp_path: Path) -> None:
    import multiprocessing

    from kg.io import OutputError
    from kg.pipeline import write_outputs

    page = tmp_path / "page.txt"
    page.write_text("本报讯 市委书记张明远出席会议。\n", encoding="utf-8")
    result = build_graph([page])
    out = tmp_path / "out"
    (out / "graph.ttl").mkdir(parents=True)  # a folder where the graph file should go
    with pytest.raises(OutputError, match=r"graph\.ttl"):
        write_outputs(result, out)
    assert multiprocessing.active_children() == []
    assert not (out / "graph.html").exists()


def test_pipeline_propagation_reads_a_name_where_pass_one_did_not() -> None:
    """A confident name recurring where pass 1 read no person becomes a person mention
    (known-name); an article whose recurring names were all read already is left as it
    was, the same object."""
    from kg.model import Page
    from kg.pipeline import _automaton, confident_names, extract_page, propagate

    text = ("本报讯 市委书记张三出席会议并讲话。\n"
            "本报讯 昨日，张三一行来到企业调研，张三指出要抓好落实。\n")
    r = extract_page(Page("p.txt", text, "0" * 40))
    first, second = r.extractions
    out = propagate(r.extractions, _automaton(confident_names([r])))
    assert out[0] is first  # 市委书记张三: read by its title already
    persons = [(m.start, m.rule) for m in out[1].mentions if m.label == "person"]
    assert persons == [(7, "known-name"), (18, "speaker")]
    assert [m for m in out[1].mentions if m.label != "person"] == [
        m for m in second.mentions if m.label != "person"]
