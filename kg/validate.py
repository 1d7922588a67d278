"""Check a graph against the SHACL shapes of the graph contract (kg/ontology/shapes.ttl)
with pySHACL, and report each violation on one readable line."""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources

from rdflib import RDF, RDFS, Dataset, Graph, URIRef
from rdflib.namespace import FOAF, ORG, SH
from rdflib.term import Node

from kg.namespace import KGO, SDO
from kg.query import compact


def ontology_text(name: str) -> str:
    """The text of a file of kg/ontology (kg.ttl, shapes.ttl)."""
    return resources.files("kg").joinpath("ontology").joinpath(name).read_text(encoding="utf-8")


def shapes() -> Graph:
    """The SHACL shapes graph."""
    return Graph().parse(data=ontology_text("shapes.ttl"), format="turtle")


def ontology() -> Graph:
    """The kg ontology (classes, properties, alignments)."""
    return Graph().parse(data=ontology_text("kg.ttl"), format="turtle")


@dataclass(frozen=True)
class Violation:
    """One SHACL result: the focus node (IRI and readable name), the property path,
    the message and the severity (Violation, Warning, Info)."""

    node: str
    focus: str
    path: str
    message: str
    severity: str = "Violation"

    def line(self) -> str:
        sev = "" if self.severity == "Violation" else f"[{self.severity}] "
        return f"{sev}{self.focus}  {self.path or '-'}  {self.message}"


@dataclass(frozen=True)
class Report:
    conforms: bool
    violations: tuple[Violation, ...]
    checked: int  # nodes targeted by a shape

    def text(self) -> str:
        if self.conforms:
            return f"conforms: {self.checked} nodes checked against the kg shapes, no violations\n"
        lines = [v.line() for v in self.violations]
        n = len(self.violations)
        lines.append(f"does not conform: {n} violation{'s' if n != 1 else ''} "
                     f"in {self.checked} nodes checked")
        return "\n".join(lines) + "\n"


def _union(g: Graph) -> Graph:
    """A plain graph of every triple (pySHACL validates each named graph of a Dataset
    separately, but an article's graph leans on entity triples of the default graph)."""
    if not isinstance(g, Dataset):
        return g
    out = Graph()
    for t in g.triples((None, None, None)):
        out.add(t)
    return out


def describe(g: Graph, node: Node) -> str:
    """A node as a reader knows it: its label, a membership as `person role @ org`,
    with the compact IRI after it."""
    iri = compact(str(node)) if isinstance(node, URIRef) else str(node)
    label = g.value(node, RDFS.label)
    if label is not None:
        return f"{label} <{iri}>"
    if (node, RDF.type, ORG.Membership) in g:
        def name(p: URIRef) -> str:
            return "/".join(sorted(str(g.value(v, RDFS.label) or compact(str(v)))
                                   for v in g.objects(node, p))) or "?"
        org = name(ORG.organization)
        where = f" @ {org}" if org != "?" else ""
        return f"membership {name(ORG.member)} {name(ORG.role)}{where} <{iri}>"
    return f"<{iri}>"


def validate(graph: Graph) -> Report:
    """Run the shapes over `graph` (no inference beyond rdfs:subClassOf for targets)."""
    from pyshacl import validate as shacl

    data = _union(graph)
    conforms, results, _ = shacl(data, shacl_graph=shapes(), inference="none",
                                 allow_warnings=True)
    assert isinstance(results, Graph)
    out = []
    for r in results.subjects(RDF.type, SH.ValidationResult):
        focus = results.value(r, SH.focusNode)
        path = results.value(r, SH.resultPath)
        msgs = sorted(str(m) for m in results.objects(r, SH.resultMessage))
        sev = results.value(r, SH.resultSeverity)
        out.append(Violation(
            node=str(focus),
            focus=describe(data, focus) if focus is not None else "?",
            path=compact(str(path)) if isinstance(path, URIRef) else "",
            message="; ".join(msgs) or "violates a kg shape",
            severity=str(sev).rsplit("#", 1)[-1] if sev is not None else "Violation",
        ))
    violations = tuple(sorted(set(out), key=lambda v: (v.focus, v.path, v.message)))
    return Report(bool(conforms), violations, _targets(data))


def _targets(g: Graph) -> int:
    """How many nodes the shapes target (instances of the contract's classes)."""
    classes = (ORG.Membership, ORG.Role, ORG.Organization, FOAF.Person, SDO.Place,
               KGO.Program, SDO.NewsArticle)
    return len({s for c in classes for s in g.subjects(RDF.type, c)})


__all__ = ["Report", "Violation", "describe", "ontology", "shapes", "validate"]
