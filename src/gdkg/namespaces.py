"""Namespaces and the prefixes used when writing Turtle."""

from rdflib import Namespace

GD = Namespace("https://w3id.org/gdkg/ontology#")
ID = "https://w3id.org/gdkg/id/"
PROV = Namespace("http://www.w3.org/ns/prov#")
SKOS = Namespace("http://www.w3.org/2004/02/skos/core#")
SH = Namespace("http://www.w3.org/ns/shacl#")
DCTERMS = Namespace("http://purl.org/dc/terms/")

#: Prefixes for serialisation, most specific last so the longest namespace wins.
PREFIXES: dict[str, str] = {
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "skos": str(SKOS),
    "prov": str(PROV),
    "dcterms": str(DCTERMS),
    "org": "http://www.w3.org/ns/org#",
    "qb": "http://purl.org/linked-data/cube#",
    "wgs": "http://www.w3.org/2003/01/geo/wgs84_pos#",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "sh": str(SH),
    "gd": str(GD),
    "city": ID + "city/",
    "cluster": ID + "cluster/",
    "place": ID + "place/",
    "sf": ID + "subfield/",
    "spec": ID + "specialisation/",
    "dir": ID + "direction/",
    "ent": ID + "enterprise/",
    "proj": ID + "project/",
    "plat": ID + "platform/",
    "dept": ID + "department/",
    "task": ID + "task/",
    "fig": ID + "figure/",
    "link": ID + "chain-link/",
    "desig": ID + "designation/",
    "claim": ID + "city-role-claim/",
    "crit": ID + "selection-criterion/",
    "title": ID + "place-title/",
    "prod": ID + "product/",
    "total": ID + "declared-total/",
    "fut": ID + "future-industry/",
    "unit": ID + "unit/",
    "measure": ID + "measure/",
    "role": ID + "enterprise-role/",
    "tier": ID + "scale-tier/",
    "src": ID + "source/",
    "opn": ID + "source/opinion-2020-summary/",
    "fyp": ID + "source/mfg-plan-14th-fyp/",
    "faq": ID + "source/opinion-2020-faq/",
    "news": ID + "source/gd-hq-dev-2025-news/",
    "eap": ID + "source/electronics-action-plan-2021/",
}
