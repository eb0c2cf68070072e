"""Demo data for the ASYE reminders: one piece of evidence on each open record has waited a
month for its assessor, so the "evidence waiting" reminder reaches the demo's assessors (the
other ASYE reminders follow from the demo's dates). Runs before the core's reminder demo, which
produces and delivers them. Idempotent: a record with evidence waiting that long is left alone,
and the date is a London midnight, so a reload on the same day keeps the same reminder."""

import datetime

from django.utils import timezone

from asye.evidence.models import WAITING, EvidenceItem
from asye.reminders import REMINDED_STATUSES, london_midnight

WAITED_DAYS = 30


def load_reminder_demo() -> None:
    since = london_midnight(timezone.localdate() - datetime.timedelta(days=WAITED_DAYS))
    waiting = EvidenceItem.objects.filter(status__in=WAITING, record__status__in=REMINDED_STATUSES)
    done = waiting.filter(submitted_at__lte=since).values("record_id")
    # The first waiting item of each record, picked in Python: the demo also runs on SQLite,
    # which has no DISTINCT ON, and a demo has a handful of records.
    first: dict[object, object] = {}
    rows = waiting.exclude(record_id__in=done).order_by("record_id", "submitted_at", "pk")
    for record_id, pk in rows.values_list("record_id", "pk"):
        first.setdefault(record_id, pk)
    EvidenceItem.objects.filter(pk__in=list(first.values())).update(submitted_at=since)
