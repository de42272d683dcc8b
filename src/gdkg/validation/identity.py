"""Likely duplicates among names: a new entity called like an existing one.

The shapes (core.ttl) catch two entities of a family with the very same rdfs:label.
Here a name is compared the way a reader compares it: rdfs:label, skos:altLabel and
skos:prefLabel alike, after Unicode NFKC normalisation, case folding and trimming
(so "华为 " and "ＨＵＡＷＥＩ" match "华为" and "Huawei"), across languages. A new
entity sharing such a name with another of its family (the classes the duplicate
label shapes check) is a warning that names both.
"""

from __future__ import annotations

from collections.abc import Iterable

from rdflib import Literal, URIRef
from rdflib.namespace import RDFS

from ..load import Triple
from ..names import NameIndex, normalise
from ..namespaces import SKOS
from .rules import GDC, Issue

NAME_PREDICATES = (RDFS.label, SKOS.altLabel, SKOS.prefLabel)


def duplicate_names(new: Iterable[Triple], fresh: set[str], families: set[URIRef],
                    index: NameIndex) -> list[Issue]:
    """Warnings for new entities (``fresh``) named like another entity of their family.

    A pair both sides label with the same rdfs:label literal is left to the shapes."""
    issues: list[Issue] = []
    said: set[tuple] = set()
    members = {family: index.instances([family]) for family in families}
    for s, p, o in sorted(new):
        if p not in NAME_PREDICATES or not isinstance(o, Literal) or str(s) not in fresh:
            continue
        if not normalise(str(o)):
            continue
        shared = [f for f in sorted(families) if s in members[f]]
        for other in index.lookup(str(o)):
            if other == s or (str(other) in fresh and str(other) < str(s)):
                continue
            family = next((f for f in shared if other in members[f]), None)
            if family is None:
                continue
            if p == RDFS.label and (other, RDFS.label, o) in index.graph:
                continue  # the same label literal: gds:DuplicateLabel-* reports it
            key = (s, other, normalise(str(o)))
            if key in said:
                continue
            said.add(key)
            issues.append(_issue(s, p, o, other, family, index))
    return issues


def _issue(node, predicate, name: Literal, other, family, index: NameIndex) -> Issue:
    short = index.short
    messages = {
        "en": (f"{short(predicate)} \"{name}\" is also a name of {index.show(other, 'en')}, "
               f"another {index.label(family, 'en') or short(family)}: probably one entity entered "
               "twice"),
        "zh": (f"{short(predicate)} “{name}”也是另一{index.label(family, 'zh') or short(family)}"
               f" {index.show(other, 'zh')} 的名称：可能重复录入"),
    }
    suggestion = {
        "en": (f"keep one IRI ({short(other)}) and give it the other names as skos:altLabel; if they "
               "are two entities, give the new one a distinguishing label"),
        "zh": (f"保留一个 IRI（{short(other)}），其他名称作为其 skos:altLabel；"
               "若确为两个实体，请给新实体一个可区分的标签"),
    }
    return Issue("warning", str(node), str(predicate), name.n3(), messages, "gdkg",
                 str(GDC.DuplicateName), suggestion=suggestion)
