"""The project vocabulary as code, matching ontology/kg.ttl term for term.

A misspelt term raises at once (`_fail = True`), as rdflib's own namespaces do.
"""

from __future__ import annotations

from rdflib import Namespace, URIRef
from rdflib.namespace import DefinedNamespace

ONTOLOGY_IRI = "https://w3id.org/kg-zh/ontology#"
DATA_IRI = "https://w3id.org/kg-zh/id/"
KGR = Namespace(DATA_IRI)
SDO = Namespace("https://schema.org/")


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


# place kind (as extracted) -> class
PLACE_CLASS = {
    "province": KGO.Province,
    "city": KGO.City,
    "county": KGO.County,
    "zone": KGO.Zone,
    "town": KGO.Town,
    "village": KGO.Village,
    "community": KGO.Community,
    "neighbourhood": KGO.Neighbourhood,
    "venue": KGO.Venue,
    "region": KGO.Region,
    "river": KGO.Waterbody,
    "lake": KGO.Waterbody,
    "mountain": KGO.Region,
    "country": KGO.Country,
}
