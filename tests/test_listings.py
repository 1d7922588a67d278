"""The answers a store keeps for its long listings (kg.listings): the same rows as the
query run on the graph, and never used for a graph they were not worked out from."""

from __future__ import annotations

import gc
import logging
from dataclasses import replace
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import Graph
from rdflib.namespace import FOAF, RDF, RDFS, SKOS

from kg.cli import cli
from kg.listings import FILE, Listings, write
from kg.pipeline import build_graph, warm
from kg.query import get_named, list_named, load, named
from kg.rdf import turtle

pyoxigraph = pytest.importorskip("pyoxigraph")

DATA = Path(__file__).parent / "data"
PAGES = [DATA / "perf_a1.txt", DATA / "perf_a2.txt", DATA / "perf_b1.txt", DATA / "perf_b2.txt"]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Graph]:
    """A store built from the test pages, and the same graph read from Turtle."""
    warm()
    root = tmp_path_factory.mktemp("store") / "s"
    r = build_graph(PAGES, store=f"oxigraph:{root}")
    return root, Graph().parse(data=turtle(r.resolved), format="turtle")


def _without_listings(g: Graph) -> Graph:
    g.store.listings = None  # type: ignore[attr-defined]
    return g


def test_listings_kept_for_the_marked_queries_only(built: tuple[Path, Graph]) -> None:
    root, _ = built
    assert (root / FILE).is_file()
    listings = load(f"oxigraph:{root}").store.listings  # type: ignore[attr-defined]
    assert isinstance(listings, Listings)
    kept = {nq.name for nq in list_named() if nq.kept}
    assert kept == {"people", "members"}
    assert listings.answer(get_named("people"), {}) is not None
    assert listings.answer(get_named("programs"), {}) is None  # not marked: runs


def test_listings_people_same_rows_as_the_query(built: tuple[Path, Graph]) -> None:
    root, from_file = built
    spec = f"oxigraph:{root}"
    kept = named("people", load(spec))
    assert kept and any(r["organization"] for r in kept)
    assert kept == named("people", _without_listings(load(spec)))
    assert kept == named("people", from_file)


def test_listings_members_same_rows_for_every_name(built: tuple[Path, Graph]) -> None:
    """Every name or alias of every organization, and a name no organization has."""
    root, from_file = built
    spec = f"oxigraph:{root}"
    g, plain = load(spec), _without_listings(load(spec))
    names = {str(o) for p in (RDFS.label, SKOS.altLabel) for o in from_file.objects(None, p)}
    answered = 0
    for org in [*sorted(names), "没有这个单位"]:
        rows = named("members", g, org=org)
        assert rows == named("members", plain, org=org) == named("members", from_file, org=org)
        answered += bool(rows)
    assert answered >= 2


@pytest.mark.parametrize("fmt", ["table", "csv", "tsv", "json"])
def test_listings_cli_prints_the_same(built: tuple[Path, Graph], tmp_path: Path,
                                      fmt: str) -> None:
    root, _ = built
    spec = f"oxigraph:{root}"
    with_kept = [CliRunner().invoke(cli, ["query", spec, "--named", "people", "--format", fmt]),
                 CliRunner().invoke(cli, ["query", spec, "--named", "members", "--param",
                                          "org=市委", "--format", fmt])]
    assert all(r.exit_code == 0 for r in with_kept)
    assert "市委" in with_kept[1].output
    moved = root / FILE
    moved.rename(tmp_path / FILE)
    try:
        ran = [CliRunner().invoke(cli, ["query", spec, "--named", "people", "--format", fmt]),
               CliRunner().invoke(cli, ["query", spec, "--named", "members", "--param",
                                        "org=市委", "--format", fmt])]
    finally:
        (tmp_path / FILE).rename(moved)
    assert [r.output for r in with_kept] == [r.output for r in ran]


def test_listings_not_used_once_the_graph_changes(tmp_path: Path) -> None:
    """A write to the graph by another tool: the kept answer no longer holds."""
    root = tmp_path / "s"
    build_graph(PAGES[:2], store=f"oxigraph:{root}")
    spec = f"oxigraph:{root}"
    before = named("people", load(spec))
    gc.collect()
    store = pyoxigraph.Store(str(root / "graph"))
    person = pyoxigraph.NamedNode("http://example.org/p/1")
    store.extend([
        pyoxigraph.Quad(person, pyoxigraph.NamedNode(str(RDFS.label)),
                        pyoxigraph.Literal("钱某某", language="zh")),
        pyoxigraph.Quad(person, pyoxigraph.NamedNode(str(RDF.type)),
                        pyoxigraph.NamedNode(str(FOAF.Person))),
    ])
    store.flush()
    del store
    gc.collect()
    g = load(spec)
    assert g.store.listings.answer(get_named("people"), {}) is None  # type: ignore[attr-defined]
    after = named("people", g)
    assert len(after) == len(before) + 1
    assert any(r["name"] == "钱某某" for r in after)


def test_listings_other_query_text_or_damaged_file_not_used(
        built: tuple[Path, Graph], tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    root, _ = built
    listings = load(f"oxigraph:{root}").store.listings  # type: ignore[attr-defined]
    people = get_named("people")
    changed = replace(people, text=people.text.replace("ORDER BY ?name", "ORDER BY DESC(?name)"))
    assert listings.answer(changed, {}) is None
    damaged = tmp_path / FILE
    damaged.write_bytes(b"not a database at all" * 100)
    with caplog.at_level(logging.WARNING):
        assert Listings(damaged, listings.graph_fingerprint).answer(people, {}) is None
    assert "ignoring the kept answers" in caplog.text
    assert Listings(tmp_path / "absent.sqlite", "x").answer(people, {}) is None


def test_listings_query_without_its_parameter_in_the_answer_is_not_kept(
        built: tuple[Path, Graph], tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    root, _ = built
    members = get_named("members")
    hidden = replace(members, text=members.text.replace("SELECT DISTINCT ?org ?unit",
                                                        "SELECT DISTINCT ?unit"))
    store = pyoxigraph.Store.read_only(str(root / "graph"))
    with caplog.at_level(logging.WARNING):
        write(tmp_path / FILE, store, "fp", [hidden])
    assert "does not project ?org" in caplog.text
    assert Listings(tmp_path / FILE, "fp").answer(hidden, {"org": "市委"}) is None


def test_listings_values_marshal_cannot_keep_come_from_the_terms(tmp_path: Path) -> None:
    """A date (kept as a term, given as datetime.date) next to strings and numbers."""
    import datetime

    from kg.query import parse_named

    ox = pyoxigraph
    store = ox.Store()
    xsd = "http://www.w3.org/2001/XMLSchema#"
    day_p, n_p = ox.NamedNode("http://example.org/day"), ox.NamedNode("http://example.org/n")
    for i, (day, n) in enumerate([("2024-05-23", "3"), ("2023-01-02", "12")]):
        s = ox.NamedNode(f"http://example.org/a/{i}")
        store.add(ox.Quad(s, day_p, ox.Literal(day, datatype=ox.NamedNode(xsd + "date"))))
        store.add(ox.Quad(s, n_p, ox.Literal(n, datatype=ox.NamedNode(xsd + "integer"))))
    nq = parse_named("days", "# description: days\n# kept: yes\n"
                     "SELECT ?a ?day ?n ?none WHERE { ?a <http://example.org/day> ?day ; "
                     "<http://example.org/n> ?n } ORDER BY ?day")
    assert nq.kept
    write(tmp_path / FILE, store, "fp", [nq])
    rows = Listings(tmp_path / FILE, "fp").rows(nq, {})
    assert rows == [
        {"a": "http://example.org/a/1", "day": datetime.date(2023, 1, 2), "n": 12, "none": None},
        {"a": "http://example.org/a/0", "day": datetime.date(2024, 5, 23), "n": 3, "none": None},
    ]
    assert Listings(tmp_path / FILE, "other graph").rows(nq, {}) is None
