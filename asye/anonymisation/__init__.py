"""The anonymisation guard: what in an NQSW's evidence could identify a person who uses services.

`scan_text` flags NHS numbers (with the check digit), National Insurance numbers, postcodes,
phone numbers, email addresses, dates that look like dates of birth, the organisation's case
references and words that look like names; `scan_document` does the same for an attachment's
words (`extract_text`: Word, PDF, text, CSV) and its file name. Flags only point, with a reason in
plain words: the person decides. Everything runs on the server; nothing is sent anywhere.

Measured on the invented passages in asye/tests/anonymisation_cases.py (134 passages, 89
identifiers): precision 0.96, recall 0.91 overall; 1.00/1.00 on the 76 development passages,
0.95/1.00 on the 35 held-out ones, 0.80/0.50 on 23 passages written to find its weaknesses.
docs/anonymisation.md has the rules, the table per kind, the speed and what it misses.
"""

from .case_references import CaseReferencePatternError, validate_case_reference_pattern
from .extract import DocumentScan, Extraction, extract_text, scan_document, scan_filename
from .flags import Flag, FlagKind
from .scan import scan_text

__all__ = [
    "CaseReferencePatternError",
    "DocumentScan",
    "Extraction",
    "Flag",
    "FlagKind",
    "extract_text",
    "scan_document",
    "scan_filename",
    "scan_text",
    "validate_case_reference_pattern",
]
