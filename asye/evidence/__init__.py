"""ASYE evidence: the items an NQSW puts in their portfolio, the loop with their assessor
(draft → submitted → returned → resubmitted → accepted), the comment thread, the mapping to
framework elements, the attachments (core private files) and the anonymisation guard's record
of what the NQSW confirmed before submitting.

- `models`: `EvidenceItem` and its append-only rows (`EvidenceTransition`, `EvidenceComment`,
  `AnonymisationCheck`), and `EvidenceMapping`.
- `services`: every write, audited (`evidence_create`, `evidence_update`, `evidence_submit`,
  `evidence_return`, `evidence_accept`, `evidence_comment`, `evidence_observer_record`,
  `evidence_flag_confirm`, `evidence_attach`).
- `selectors`: every read; `evidence_get_for_user` is the one access selector.
- `guard`: runs the anonymisation guard over an item (title, answers, attachment names and text).
"""
