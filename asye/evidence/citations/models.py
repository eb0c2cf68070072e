"""The link from an evidence item to the CPD record it cites. Imported at the bottom of
`asye/models.py`, so it belongs to the `asye` app and its migrations."""

from django.db import models

from academy.models import TimeStampedModel
from cpd.models import CpdRecord

from ..models import EvidenceItem


class CpdCitation(TimeStampedModel):
    """An evidence item made from one of the NQSW's CPD records.

    The assessor reads a snapshot, not the live CPD record. The snapshot is taken when the
    NQSW confirms the citation (what they agreed to share) and taken again each time the item
    is submitted or resubmitted, so the assessor reviews the record as it stood when it was sent.
    Once the item is accepted it is never taken again: an accepted item is locked, and an
    assessor's judgement must not change under them because the NQSW later edited their own
    CPD record. Reading the live record would also open the CPD ledger (private to its person,
    ADR 0011) to everyone who can read the portfolio, at any time; a snapshot shares only what
    was sent, when it was sent. If the CPD record is ever removed, the item keeps its snapshot.
    """

    item = models.OneToOneField(EvidenceItem, on_delete=models.CASCADE, related_name="cpd_citation")
    cpd_record = models.ForeignKey(
        CpdRecord, null=True, blank=True, on_delete=models.SET_NULL, related_name="asye_citations"
    )
    snapshot = models.JSONField(default=dict, help_text="The shared fields, as last sent.")
    snapshot_at = models.DateTimeField(help_text="When the snapshot was taken.")
    sharing_confirmed_at = models.DateTimeField(help_text="When the NQSW confirmed sharing the record.")

    def __str__(self) -> str:
        return f"{self.item_id} cites {self.cpd_record_id}"
