"""The end of the ASYE year: the final assessment (three parts, three signatures), extensions
and withdrawal (pauses live in `asye/services.py`), the NQSW's confirmation that each accepted
item is anonymised, and submission to moderation with the reasons it is refused.
Decisions: docs/adr/0017-asye-year-end-states.md."""
