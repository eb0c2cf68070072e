"""What the line manager's account of the support given starts from, before they type.

`manager_account_initial(record, review)` is the one hook the manager's form calls for its
`initial` (the saved words win over it, and a draft over both). Today it fills what the data on
record already says: the supervision frequency, workload and protected time the support and
assessment agreement set out, and the pauses in the period the review covers. When supervision
and workload records exist (`asye.supervision`), their summary is added here, and nowhere else.
"""

import datetime

from academy.presenters import format_date
from asye.agreement.selectors import agreement_latest
from asye.dates import ReviewDue
from asye.models import AsyeRecord
from asye.selectors import record_schedule

from . import rules


def _period(record: AsyeRecord, review: ReviewDue) -> tuple[datetime.date, datetime.date]:
    previous = rules.previous_point(record_schedule(record).reviews, review.key)
    return (previous.due_on if previous else record.start_date), review.due_on


def manager_account_initial(record: AsyeRecord, review: ReviewDue) -> dict[str, str]:
    """Starting words for `supervision`, `workload` and `protected_time` (only the keys there
    is something to say for)."""
    initial: dict[str, list[str]] = {"supervision": [], "workload": [], "protected_time": []}
    agreement = agreement_latest(record=record)
    if agreement is not None:
        answers = agreement.answers
        agreed = [
            answers.get(key, "").strip()
            for key in ("supervision_weeks_1_6", "supervision_to_midpoint", "supervision_after_midpoint")
        ]
        agreed = [text for text in agreed if text]
        if agreed:
            initial["supervision"].append("Agreed frequency: " + "; ".join(agreed) + ".")
        if answers.get("workload", "").strip():
            initial["workload"].append("As agreed: " + answers["workload"].strip())
        if answers.get("protected_time", "").strip():
            initial["protected_time"].append("As agreed: " + answers["protected_time"].strip())
    first, last = _period(record, review)
    for pause in record.pauses.all():
        ends = pause.ends_on or last
        if pause.starts_on <= last and ends >= first:
            until = format_date(pause.ends_on) if pause.ends_on else "now"
            initial["supervision"].append(
                f"The programme was paused from {format_date(pause.starts_on)} to {until}: {pause.reason}"
            )
    return {key: "\n".join(lines) for key, lines in initial.items() if lines}
