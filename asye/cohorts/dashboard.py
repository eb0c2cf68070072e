"""The cohort dashboard's figures, read in a fixed number of queries whatever the number of
NQSWs: the filters' choices (4), the records counted by status (1), the records under way with
their programme version and pauses (2) and their completed reviews (1).

Definitions (shown beside each figure on the page):
- By status: every record in the organisations the person manages, after the filters.
- Reviews due this month: a review of a record under way whose due date (the record's schedule,
  counting part-time hours, pauses and extensions) falls in the current calendar month and which
  has not been completed (signed by all three).
- Overdue reviews: a required review of a record under way whose due date is before today and
  which has not been completed.

Scoping: only `staff_scope_ids` — a council's PSW sees that council, a partnership's academy
admin its councils; a sibling council's NQSW never counts."""

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Prefetch, QuerySet

from academy.models import Membership, Organisation, Team
from academy.roles import Role
from academy.scope import Scope
from academy.selectors import current_membership_q, staff_scope_ids

from ..dates import add_months
from ..models import OPEN_STATUSES, AsyeRecord, RecordPause, RecordStatus
from ..reviews.models import Review
from ..selectors import record_schedule
from .models import Cohort


@dataclass(frozen=True)
class Filters:
    organisation: Organisation | None = None
    team: Team | None = None
    cohort: Cohort | None = None
    assessor: Membership | None = None


@dataclass(frozen=True)
class ReviewItem:
    record: AsyeRecord
    label: str
    due_on: datetime.date


@dataclass
class Dashboard:
    today: datetime.date
    by_status: list[tuple[str, str, int]] = field(default_factory=list)  # (value, label, count)
    due_this_month: list[ReviewItem] = field(default_factory=list)
    overdue: list[ReviewItem] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(count for _, _, count in self.by_status)


def filter_choices(*, scope: Scope) -> dict[str, QuerySet[Any]]:
    """What the filters offer: only what the person manages."""
    ids = staff_scope_ids(scope=scope)
    return {
        "organisation": Organisation.objects.filter(pk__in=ids, kind=Organisation.Kind.COUNCIL).order_by(
            "name"
        ),
        "team": Team.objects.filter(organisation_id__in=ids).select_related("organisation").order_by("name"),
        "cohort": Cohort.objects.filter(organisation_id__in=ids).order_by("-start_month", "name"),
        "assessor": Membership.objects.filter(
            current_membership_q(), role=Role.ASSESSOR, organisation_id__in=ids | _parents(scope)
        )
        .select_related("user", "organisation")
        .order_by("user__full_name"),
    }


def _parents(scope: Scope) -> set[int]:
    organisation = scope.organisation
    return {organisation.parent_id} if organisation is not None and organisation.parent_id else set()


def dashboard_records(*, scope: Scope, filters: Filters) -> QuerySet[AsyeRecord]:
    records = AsyeRecord.objects.filter(organisation_id__in=staff_scope_ids(scope=scope))
    if filters.organisation is not None:
        records = records.filter(organisation=filters.organisation)
    if filters.team is not None:
        records = records.filter(team=filters.team)
    if filters.cohort is not None:
        records = records.filter(cohort=filters.cohort)
    if filters.assessor is not None:
        records = records.filter(assessor=filters.assessor)
    return records


def cohort_dashboard(*, scope: Scope, filters: Filters, today: datetime.date) -> Dashboard:
    records = dashboard_records(scope=scope, filters=filters)
    counts = dict(records.values_list("status").annotate(n=Count("id")).order_by())
    board = Dashboard(
        today=today, by_status=[(s.value, str(s.label), counts.get(s.value, 0)) for s in RecordStatus]
    )
    open_records = list(
        records.filter(status__in=[s.value for s in OPEN_STATUSES])
        .select_related("nqsw__user", "organisation", "programme_version", "assessor__user")
        .prefetch_related(Prefetch("pauses", queryset=RecordPause.objects.order_by("starts_on")))
        .order_by("nqsw__user__full_name", "pk")
    )
    done = set(
        Review.objects.filter(
            record__in=[r.pk for r in open_records], completed_at__isnull=False
        ).values_list("record_id", "key")
    )
    month_start = today.replace(day=1)
    next_month = add_months(month_start, 1)
    for record in open_records:
        for due in record_schedule(record, today=today).reviews:
            if (record.pk, due.key) in done:
                continue
            item = ReviewItem(record=record, label=due.label, due_on=due.due_on)
            if month_start <= due.due_on < next_month:
                board.due_this_month.append(item)
            if due.due_on < today and not due.optional:
                board.overdue.append(item)
    board.due_this_month.sort(key=lambda i: (i.due_on, i.record.nqsw.user.full_name))
    board.overdue.sort(key=lambda i: (i.due_on, i.record.nqsw.user.full_name))
    return board


__all__ = ["Dashboard", "Filters", "ReviewItem", "cohort_dashboard", "filter_choices"]
