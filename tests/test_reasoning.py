"""The OWL RL closure holds the consequences the ontology promises.

Expected facts are read off the sources: 附件 1's column groups put 广州 in
the Pearl River Delta and 汕头 in the east wing; table 2 gives 河源 a star
for 半导体与集成电路 and 汕头 none; 专栏 11 orders chip design before
manufacturing; 004's task brackets name the lead and co-operating departments.
"""

import pytest

from gdkg.namespaces import PREFIXES


def ask(kg, pattern: str) -> bool:
    prefixes = "".join(f"PREFIX {k}: <{v}>\n" for k, v in PREFIXES.items())
    return kg.query(prefixes + "ASK { " + pattern + " }").boolean


@pytest.mark.parametrize("pattern", [
    # transitive part-of through the zone hierarchy (inZone ⊑ partOf)
    "city:guangzhou gd:partOf place:prd-core",
    "city:guangzhou gd:partOf place:guangdong",
    "city:shantou gd:partOf place:coastal-east-wing",
    "city:shantou gd:partOf place:coastal-belt",
    "city:shantou gd:partOf place:guangdong",
    # inverse of part-of, with transitivity
    "place:guangdong gd:hasPart city:yunfu",
    "place:coastal-belt gd:hasPart city:zhanjiang",
    # a district inherits its city's places; things located in it are located in them
    "place:nanhai gd:partOf place:prd-core",
    "spec:automobiles-1--foshan gd:locatedIn city:foshan",
    "spec:automobiles-1--foshan gd:locatedIn place:guangdong",
    # inverses of the cluster/sub-field hierarchy and SKOS super-properties
    "cluster:semiconductors-ic gd:hasSubField sf:semiconductors-ic-2",
    "sf:semiconductors-ic-2 skos:broader cluster:semiconductors-ic",
    "cluster:semiconductors-ic skos:narrower sf:semiconductors-ic-2",
    # subclass typing
    "cluster:automobiles a gd:IndustryCluster , skos:Concept",
    "cluster:new-energy a gd:EmergingIndustryCluster , gd:IndustryCluster",
    # the designation chain: cluster → designation → city
    "cluster:semiconductors-ic gd:layoutCity city:heyuan",
    "desig:semiconductors-ic--heyuan gd:designatedCluster cluster:semiconductors-ic",
    "cluster:semiconductors-ic gd:clusterDesignation desig:semiconductors-ic--heyuan",
    # supply chain: chip design → chip manufacturing (专栏 11), and the inverse
    "sf:semiconductors-ic-1 gd:upstreamOf sf:semiconductors-ic-2",
    "sf:semiconductors-ic-2 gd:downstreamOf sf:semiconductors-ic-1",
    # responsibilities of 004 task 1: lead and co-operating departments
    "task:eap-task-1 gd:ledBy dept:industry-it",
    "dept:industry-it gd:leads task:eap-task-1",
    "task:eap-task-1 prov:wasAssociatedWith dept:industry-it",
    "task:eap-task-1 gd:cooperatedBy dept:science-technology",
])
def test_entailed(kg, pattern):
    assert ask(kg, pattern), pattern


@pytest.mark.parametrize("pattern", [
    "cluster:semiconductors-ic gd:layoutCity city:shantou",  # blank in 附件 1 table 2
    "city:shantou gd:partOf place:prd-core",
    "task:eap-task-1 gd:ledBy dept:science-technology",  # co-operates, does not lead
    "cluster:automobiles a gd:EmergingIndustryCluster",
])
def test_not_entailed(kg, pattern):
    assert not ask(kg, pattern), pattern


def test_every_sub_field_member_belongs_to_its_cluster(kg):
    """belongsToSubField ∘ subFieldOf ⊑ belongsToCluster, for every member."""
    prefixes = "".join(f"PREFIX {k}: <{v}>\n" for k, v in PREFIXES.items())
    rows = kg.query(prefixes + """
        SELECT ?x ?cluster WHERE {
          ?x gd:belongsToSubField/gd:subFieldOf ?cluster .
          FILTER NOT EXISTS { ?x gd:belongsToCluster ?cluster }
        }""").rows
    assert rows == []
