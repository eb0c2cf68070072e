"""Citing a CPD record as ASYE evidence. The NQSW picks one of their own completed CPD records;
a learning activity item is made from it (title, date, the words of the record, framework
mapping suggested by its standard 4 topics), and the NQSW adds only what the ASYE asks beyond
it. The link lives here (`cpd` imports no other app); the CPD record page shows it through the
core's "used in" registry (`used_in.cited_as_evidence`).

- `models`: `CpdCitation`, the link and the snapshot of what is shared.
- `services`: `evidence_cite_cpd` (make the item) and `citation_refresh` (snapshot at submit).
- `selectors`: the records the NQSW may cite, who reads the portfolio, items citing a record.
"""
