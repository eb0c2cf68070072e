"""What the line manager's account of the support given starts from, before they type.

`manager_account_initial(record, review)` is the one hook the manager's form calls for its
`initial` (the saved words win over it, and a draft over both). It fills what the data on
record already says: the supervision frequency, workload and protected time the support and
assessment agreement set out, what the supervision, caseload and protected-time records show
for the period the review covers (`asye.supervision.selectors.support_summary`, the same
figures as the supervision pages), and the pauses in that period. The manager edits from there.
"""

import datetime

from academy.presenters import format_date
from asye.agreement.selectors import agreement_latest
from asye.dates import ReviewDue
from asye.models import AsyeRecord
from asye.selectors import record_schedule
from asye.supervision.selectors import support_summary

from . import rules


def _period(record: AsyeRecord, review: ReviewDue) -> tuple[datetime.date, datetime.date]:
    previous = rules.previous_point(record_schedule(record).reviews, review.key)
    return (previous.due_on if previous else record.start_date), review.due_on


def manager_account_initial(record: AsyeRecord, review: ReviewDue) -> dict[str, str]:
    """Starting words for `supervision`, `workload` and `protected_time`."""
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
    summary = support_summary(record=record, starts_on=first, ends_on=last)
    initial["supervision"].append("From the supervision records: " + summary.supervision_text())
    initial["workload"].append("From the caseload records: " + summary.workload_text())
    initial["protected_time"].append("From the protected time records: " + summary.protected_time_text())
    for pause in record.pauses.all():
        ends = pause.ends_on or last
        if pause.starts_on <= last and ends >= first:
            until = format_date(pause.ends_on) if pause.ends_on else "now"
            initial["supervision"].append(
                f"The programme was paused from {format_date(pause.starts_on)} to {until}: {pause.reason}"
            )
    return {key: "\n".join(lines) for key, lines in initial.items() if lines}
