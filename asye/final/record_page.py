"""What the record page (`asye.views.record`) shows of the year's end: the final assessment's
state, the extensions, the withdrawal, the submissions, and the employer's links. Three queries,
four for a withdrawn record."""

from typing import Any

from asye.models import AsyeRecord, RecordStatus

from . import presenters, selectors


def record_end_context(record: AsyeRecord, *, can_change: bool) -> dict[str, Any]:
    return {
        "final_state": presenters.final_tag(selectors.final_brief(record=record)),
        "employer_actions": presenters.employer_actions(record, can_change=can_change),
        "extensions_head": presenters.EXTENSIONS_HEAD,
        "extensions": presenters.extension_rows(selectors.extensions_of(record=record)),
        "withdrawal": presenters.withdrawal_rows(selectors.withdrawal_of(record=record))
        if record.status == RecordStatus.WITHDRAWN
        else [],
        "submissions_head": presenters.SUBMISSIONS_HEAD,
        "submissions": presenters.submission_rows(selectors.submissions_of(record=record)),
    }
