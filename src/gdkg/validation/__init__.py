"""Validation of the graph and of new data: SHACL (``shacl``), the checks SHACL
cannot express (``rules``), data files that would change the ontology
(``schema_guard``), likely duplicate names (``identity``), new files against the
graph (``check``), validating only what new triples can change (``focused``), where
each result is in its file (``locate``) and how results are shown (``report``)."""
