"""Validation of the graph and of new data: SHACL (``shacl``), the checks SHACL
cannot express (``rules``), new files against the graph (``check``), where each
result is in its file (``locate``) and how results are shown (``report``)."""
