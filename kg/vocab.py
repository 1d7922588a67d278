"""The IRIs of the graph contract as plain text: what writing a graph needs, without
rdflib (kg.namespace makes rdflib namespaces of the same IRIs; `kg build` writes its
graph through pyoxigraph and never imports rdflib)."""

from __future__ import annotations

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
XSD = "http://www.w3.org/2001/XMLSchema#"
FOAF = "http://xmlns.com/foaf/0.1/"
ORG = "http://www.w3.org/ns/org#"
PROV = "http://www.w3.org/ns/prov#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
SDO = "https://schema.org/"
ONTOLOGY_IRI = "https://w3id.org/kg-zh/ontology#"  # kgo:
DATA_IRI = "https://w3id.org/kg-zh/id/"  # kgr:

# place kind (as extracted) -> local name of its class in the ontology
PLACE_CLASS_NAMES = {
    "province": "Province",
    "city": "City",
    "county": "County",
    "zone": "Zone",
    "town": "Town",
    "village": "Village",
    "community": "Community",
    "neighbourhood": "Neighbourhood",
    "park": "Zone",
    "venue": "Venue",
    "road": "Road",
    "water": "Waterbody",
    "region": "Region",
    "river": "Waterbody",
    "lake": "Waterbody",
    "mountain": "Region",
    "country": "Country",
}
