"""The project vocabulary as code, matching ontology/kg.ttl term for term.

A misspelt term raises at once (`_fail = True`), as rdflib's own namespaces do.
"""

from __future__ import annotations

from rdflib import Namespace, URIRef
from rdflib.namespace import DefinedNamespace

from kg.vocab import DATA_IRI, ONTOLOGY_IRI, PLACE_CLASS_NAMES
from kg.vocab import SDO as SDO_IRI

__all__ = ["DATA_IRI", "KGO", "KGR", "ONTOLOGY_IRI", "PLACE_CLASS", "SDO"]

KGR = Namespace(DATA_IRI)
SDO = Namespace(SDO_IRI)


class KGO(DefinedNamespace):
    """kg ontology terms."""

    _NS = Namespace(ONTOLOGY_IRI)
    _fail = True

    # classes
    Program: URIRef  # a named programme, campaign, mechanism or honour scheme
    Province: URIRef
    City: URIRef
    County: URIRef
    Zone: URIRef  # development zone, demonstration zone
    Town: URIRef  # town, township, sub-district
    Village: URIRef
    Community: URIRef
    Neighbourhood: URIRef  # residential compound
    Venue: URIRef
    Road: URIRef  # road, street
    Region: URIRef
    Waterbody: URIRef
    Country: URIRef
    # properties
    evidence: URIRef  # the sentence a membership was read from
    evidenceStart: URIRef
    evidenceEnd: URIRef
    evidenceSource: URIRef  # the article the evidence sentence was read from
    rule: URIRef  # the extraction rule that produced a membership
    sourceFile: URIRef  # the input file an article came from
    articleIndex: URIRef
    dateText: URIRef  # the date as printed when the year is unknown
    homeCity: URIRef  # the city whose paper printed the article
    runBy: URIRef  # programme -> organization that carries it out
    divisionCode: URIRef  # the 6-digit administrative division code
    mentionCount: URIRef  # how many times the corpus names an entity
    identityRule: URIRef  # the rule that merged a person's mentions or kept them apart
    firstSeen: URIRef  # membership -> earliest publication date of the articles attesting it
    lastSeen: URIRef  # membership -> latest publication date of those articles
    articleCount: URIRef  # membership -> how many articles attest it


# place kind (as extracted) -> class (a misspelt class name in kg.vocab raises here)
PLACE_CLASS: dict[str, URIRef] = {
    kind: getattr(KGO, name) for kind, name in PLACE_CLASS_NAMES.items()
}
