"""New data into the graph: validated files staged into data/ttl/ (``staging``)
and spreadsheets turned into Turtle (``spreadsheet``)."""
