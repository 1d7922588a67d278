"""The ontology (kg/ontology/kg.ttl) and the shapes (shapes.ttl) against the code and the
graphs the pipeline writes."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import OWL, RDF, RDFS, Graph, Literal, URIRef
from rdflib.namespace import SH, SKOS

from kg.namespace import KGO, ONTOLOGY_IRI
from kg.pipeline import build_graph
from kg.validate import ontology, shapes

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(__file__).parent / "data"
SAMPLES = ROOT / "kg" / "samples"
TERM_TYPES = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, RDF.Property, RDFS.Class)


@pytest.fixture(scope="module")
def onto() -> Graph:
    return ontology()


@pytest.fixture(scope="module")
def built() -> list[Graph]:
    return [build_graph([SAMPLES]).graph, build_graph(sorted(DATA.glob("q_*.txt"))).graph]


def _kgo_declared(onto: Graph) -> set[str]:
    return {str(s)[len(ONTOLOGY_IRI):] for t in TERM_TYPES for s in onto.subjects(RDF.type, t)
            if str(s).startswith(ONTOLOGY_IRI)}


def test_ontology_declares_exactly_the_namespace_terms(onto: Graph) -> None:
    code = set(KGO.__annotations__)
    declared = _kgo_declared(onto)
    assert declared == code, (
        f"only in kg/namespace.py: {sorted(code - declared)}; "
        f"only in kg.ttl: {sorted(declared - code)}"
    )
    # no kgo: term used in the ontology without being declared
    used = {str(t)[len(ONTOLOGY_IRI):] for triple in onto for t in triple
            if isinstance(t, URIRef) and str(t).startswith(ONTOLOGY_IRI) and str(t) != ONTOLOGY_IRI}
    assert used <= declared


def test_ontology_terms_have_labels_and_comments_in_zh_and_en(onto: Graph) -> None:
    for name in sorted(_kgo_declared(onto)):
        term = KGO[name]
        for prop in (RDFS.label, RDFS.comment):
            langs = {o.language for o in onto.objects(term, prop) if isinstance(o, Literal)}
            assert {"zh", "en"} <= langs, f"kgo:{name} lacks {prop} in zh and en"
        assert (term, RDFS.isDefinedBy, URIRef(ONTOLOGY_IRI.rstrip("#"))) in onto


def test_ontology_header(onto: Graph) -> None:
    head = URIRef(ONTOLOGY_IRI.rstrip("#"))
    assert (head, RDF.type, OWL.Ontology) in onto
    assert onto.value(head, OWL.versionInfo) is not None
    assert {o.language for o in onto.objects(head, RDFS.comment)} == {"zh", "en"}  # type: ignore[union-attr]


def test_ontology_aligns_to_standard_vocabularies(onto: Graph) -> None:
    aligned = {str(o) for p in (RDFS.subClassOf, RDFS.subPropertyOf, SKOS.closeMatch)
               for s, o in onto.subject_objects(p) if str(s).startswith(ONTOLOGY_IRI)}
    for ns in ("https://schema.org/", "http://www.w3.org/ns/prov#"):
        assert any(t.startswith(ns) for t in aligned), ns
    for cls in (KGO.City, KGO.Town, KGO.Village, KGO.Waterbody, KGO.Country):
        assert (cls, RDFS.subClassOf, None) in onto
    assert (KGO.Program, RDFS.subClassOf, URIRef("http://www.w3.org/ns/prov#Entity")) in onto


def test_ontology_covers_every_term_the_graphs_use(onto: Graph, built: list[Graph]) -> None:
    described = set(onto.subjects())
    for g in built:
        used = set(g.predicates()) | set(g.objects(None, RDF.type))
        meta = {RDF.type, RDFS.subClassOf}
        missing = sorted(str(t) for t in used - meta if t not in described)
        assert not missing, f"used in the graph but not described in kg.ttl: {missing}"


def test_ontology_states_the_class_axioms_graphs_carry(onto: Graph, built: list[Graph]) -> None:
    for g in built:
        for s, o in g.subject_objects(RDFS.subClassOf):
            assert (s, RDFS.subClassOf, o) in onto, f"{s} subClassOf {o} missing in kg.ttl"


def test_ontology_shapes_are_valid_shacl() -> None:
    from pyshacl import validate

    sg = shapes()
    conforms, _, text = validate(sg, shacl_graph=sg, meta_shacl=True, inference="none")
    assert conforms, text
    # every property shape says what it checks
    for shape in sg.subjects(SH.path, None):
        assert sg.value(shape, SH.message) is not None, shape


def test_ontology_shapes_use_only_declared_kgo_terms(onto: Graph) -> None:
    declared = {KGO[n] for n in _kgo_declared(onto)}
    sg = shapes()
    used = {t for triple in sg for t in triple
            if isinstance(t, URIRef) and str(t).startswith(ONTOLOGY_IRI)}
    assert used <= declared


def test_ontology_folder_is_the_package_folder() -> None:
    link = ROOT / "ontology"
    assert link.is_symlink()
    assert link.resolve() == (ROOT / "kg" / "ontology").resolve()
    assert (link / "kg.ttl").is_file() and (link / "shapes.ttl").is_file()


def test_ontology_text_vocabulary_matches_the_rdflib_namespaces() -> None:
    """kg.vocab and kg.rdf spell IRIs as text (writing a graph does not import rdflib):
    each is the term rdflib's namespaces give, kg's own checked by its `_fail`."""
    from rdflib.namespace import FOAF, ORG, PROV, XSD

    from kg import rdf, vocab
    from kg.namespace import DATA_IRI, KGR, PLACE_CLASS, SDO

    spaces = {"kgo": KGO, "kgr": KGR, "foaf": FOAF, "org": ORG, "prov": PROV, "skos": SKOS,
              "schema": SDO, "rdfs": RDFS, "rdf": RDF, "xsd": XSD}
    for curie, iri in rdf._TERMS.items():
        prefix, local = curie.split(":")
        assert iri == str(getattr(spaces[prefix], local)), curie
    for prefix, iri in rdf.PREFIXES.items():
        assert iri == (ONTOLOGY_IRI if prefix == "kgo" else str(spaces[prefix])), prefix
    assert vocab.DATA_IRI == DATA_IRI == str(KGR)
    places = {kind: str(cls) for kind, cls in PLACE_CLASS.items()}
    assert places == rdf._PLACE_CLASS
