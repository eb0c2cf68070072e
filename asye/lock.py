"""The one guard every ASYE write goes through: `ensure_record_writable(record)`.

A record whose year has ended (completed, not passed, withdrawn: `LOCKED_STATUSES`) is read-only
for good, and everything in it with it: the agreement and plans, evidence and its comments,
mappings and attachments, feedback, supervision, workload and protected time, reviews, pauses,
the assessor, citations. While a record is SUBMITTED to moderation its portfolio is frozen too,
so the panel judges what the NQSW sent; only moderation itself (`allow_submitted=True`) writes.

The status is read again from the database, not only from the object the caller holds: a page
loaded before the employer's decision cannot slip a change in after it. Every service that
writes calls this before it changes anything; `asye/tests/test_moderation_lock.py` tries each.
"""

from typing import Any

from django.core.exceptions import ValidationError

from .models import LOCKED_STATUSES, AsyeRecord, RecordStatus


class RecordLocked(ValidationError):
    """The record (or something in it) may no longer change."""


def _status_now(record: AsyeRecord) -> str:
    stored = AsyeRecord.objects.filter(pk=record.pk).values_list("status", flat=True).first()
    return stored or record.status


def is_frozen(status: str, *, allow_submitted: bool = False) -> bool:
    """Whether a record in `status` refuses changes (for flags the views hand templates)."""
    if status in LOCKED_STATUSES:
        return True
    return status == RecordStatus.SUBMITTED and not allow_submitted


def frozen_note(status: str) -> str:
    """What a page says above a record that no longer changes."""
    if status == RecordStatus.SUBMITTED:
        return "This portfolio is with the moderation panel: it is locked until the panel decides."
    return f"This ASYE record is {RecordStatus(status).label.lower()}: it is locked and can no longer change."


def ensure_record_writable(record: Any, *, allow_submitted: bool = False) -> None:
    """Refuse (RecordLocked, a ValidationError) when the record's year has ended, or while it is
    with the moderation panel unless the caller is moderation itself."""
    statuses = {record.status, _status_now(record)}
    for status in statuses:
        if status in LOCKED_STATUSES:
            label = RecordStatus(status).label.lower()
            raise RecordLocked(
                f"This ASYE record is {label}: the year has ended and it can no longer change."
            )
    if not allow_submitted and RecordStatus.SUBMITTED in statuses:
        raise RecordLocked(
            "This ASYE record has been submitted to moderation: nothing in the portfolio can change "
            "until the panel has decided."
        )
