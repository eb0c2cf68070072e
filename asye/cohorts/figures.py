"""Workforce figures an academy reports, per cohort year and council, read in two queries
whatever the number of records (the records with what the figures need, then the memberships
of their NQSWs in the same councils). The words in `DEFINITIONS` are shown beside the figures.

Scoping: only `staff_scope_ids`, as every staff page."""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q
from django.utils import timezone

from academy.models import Membership
from academy.scope import Scope
from academy.selectors import staff_scope_ids

from ..dates import add_months
from ..models import AsyeRecord, RecordStatus

DEFINITIONS = [
    ("Cohort year", "The calendar year the ASYE record started in."),
    ("Starters", "ASYE records that started in the cohort year, whatever happened next."),
    ("Completions", "Records whose year ended with a pass (status Completed)."),
    ("Extensions", "Records given at least one extension, whatever their status now."),
    ("Fails", "Records whose year ended without a pass (status Not passed)."),
    ("Withdrawals", "Records withdrawn before the year ended."),
    (
        "Average time to complete",
        "For completions: the mean number of days from the start date to the employer's final "
        "decision (where none is recorded, the day the last of the three signed the final "
        "assessment).",
    ),
    (
        "Retained at 12 months",
        "Of the completions decided at least 12 months ago (the date above), how many "
        "still had a membership of any role in the same council 12 months later (no end date, or "
        "an end date on or after that day).",
    ),
    ("Retained at 24 months", "The same, 24 months after the year was completed."),
]


@dataclass
class YearFigures:
    year: int
    organisation: str
    starters: int = 0
    completions: int = 0
    extensions: int = 0
    fails: int = 0
    withdrawals: int = 0
    days_to_complete: list[int] = field(default_factory=list)
    # months -> (retained, counted)
    retention: dict[int, list[int]] = field(default_factory=lambda: {12: [0, 0], 24: [0, 0]})

    @property
    def average_days(self) -> int | None:
        return (
            round(sum(self.days_to_complete) / len(self.days_to_complete)) if self.days_to_complete else None
        )


def _stayed(ends: list[datetime.date | None], until: datetime.date) -> bool:
    return any(end is None or end >= until for end in ends)


def workforce_figures(*, scope: Scope, today: datetime.date) -> list[YearFigures]:
    ids = staff_scope_ids(scope=scope)
    rows = list(
        AsyeRecord.objects.filter(organisation_id__in=ids).values_list(
            "organisation_id",
            "organisation__name",
            "nqsw__user_id",
            "start_date",
            "status",
            "extension_shifts",
            "final_assessment__completed_at",
            "final_decision__decided_on",
        )
    )
    people = {(user_id, org_id) for org_id, _, user_id, *_ in rows}
    ends: dict[tuple[Any, int], list[datetime.date | None]] = defaultdict(list)
    if people:
        memberships = Membership.objects.filter(
            organisation_id__in={org for _, org in people}, user_id__in={user for user, _ in people}
        ).filter(Q(is_active=True) | Q(ended_on__isnull=False))
        for user_id, org_id, ended_on in memberships.values_list("user_id", "organisation_id", "ended_on"):
            ends[(user_id, org_id)].append(ended_on)
    table: dict[tuple[int, str], YearFigures] = {}
    for org_id, org_name, user_id, start, status, shifts, signed_at, decided_on in rows:
        figures = table.setdefault(
            (start.year, org_name), YearFigures(year=start.year, organisation=org_name)
        )
        figures.starters += 1
        figures.extensions += int(bool(shifts))
        figures.fails += int(status == RecordStatus.FAILED)
        figures.withdrawals += int(status == RecordStatus.WITHDRAWN)
        if status != RecordStatus.COMPLETED:
            continue
        figures.completions += 1
        completed_on = decided_on or (timezone.localtime(signed_at).date() if signed_at else None)
        if completed_on is None:
            continue
        figures.days_to_complete.append((completed_on - start).days)
        for months, tally in figures.retention.items():
            until = add_months(completed_on, months)
            if until <= today:
                tally[1] += 1
                tally[0] += int(_stayed(ends[(user_id, org_id)], until))
    return sorted(table.values(), key=lambda f: (-f.year, f.organisation))
