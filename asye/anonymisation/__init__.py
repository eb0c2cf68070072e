"""The anonymisation guard (placeholder docstring, filled in with measured figures)."""

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
