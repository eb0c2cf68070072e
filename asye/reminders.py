"""The ASYE's reminder producers (issue 18; the engine is `academy/reminders/`, the contract
`academy/registry/reminders.py`). Registered from `AsyeConfig.ready()`.

Each producer answers "what is true now?" from ranges of dates, with a fixed number of queries
whatever the number of records, and only for open records (active or extended: a paused,
withdrawn or completed record reminds nobody). A reminder goes only to the people named on the
record (NQSW, assessor, line manager) while that membership of theirs is current, so nobody is
reminded about another organisation's NQSW after they moved on.

- Supervision: the current interval of the record's cadence (`asye/supervision/cadence.py`)
  without a supervision is due once it has a week or less left (or from its first day when it is
  a week long); the last interval that ended without one is overdue. Keyed by record and the
  interval's first day, so each interval reminds once; recording a supervision in it meets it and
  the engine cancels what was not sent. To the NQSW and the line manager.
- Reviews (due dates from `record_schedule`): coming up from 14 days before the due date, due in
  the week from the due date, overdue after that, until the review is complete (all three
  signed). Keyed by record, review point and due date (a pause that moves the date makes a new
  fact). To the NQSW, the assessor and the line manager.
- Evidence waiting for the assessor longer than the organisation's setting
  (`Organisation.evidence_waiting_days`, else the partnership's, else EVIDENCE_WAITING_DAYS):
  keyed by the item and when it was (re)submitted. To the assessor.
- Signatures waiting: the latest version of the agreement once someone has signed it, and a
  review once someone has signed it or every part is written: to each of the NQSW, the assessor
  and the line manager who has not signed yet. The ASYE lead's signature on the agreement belongs
  to no one person, so nobody is reminded of it here.
"""

import datetime
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.postgres.aggregates import ArrayAgg
from django.db.models import (
    DateTimeField,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone

from academy.models import Membership
from academy.presenters import format_date
from academy.registry.reminders import DueReminder, ReminderKind, register_reminder_producer
from asye.agreement.models import Agreement, AgreementSignature
from asye.evidence.models import WAITING, EvidenceItem
from asye.models import AsyeRecord, RecordStatus
from asye.reviews.models import Review, ReviewSignature
from asye.selectors import record_schedule
from asye.signatures import CAPACITY_WORDS, SignatureCapacity
from asye.supervision import cadence
from asye.supervision.selectors import record_intervals, supervision_dates

# Open records: a paused one waits (its dates move on when it resumes).
REMINDED_STATUSES = (RecordStatus.ACTIVE, RecordStatus.EXTENDED)
REVIEW_NOTICE_DAYS = 14  # "coming up" starts this many days before the due date
REVIEW_GRACE_DAYS = 7  # "due" for this many days, then "overdue"
SUPERVISION_NOTICE_DAYS = 7  # a due interval reminds when this many days or fewer are left

SUPERVISION_DUE = ReminderKind("asye.supervision_due", "ASYE supervision is due")
SUPERVISION_OVERDUE = ReminderKind("asye.supervision_overdue", "ASYE supervision was missed")
REVIEW_COMING_UP = ReminderKind("asye.review_coming_up", "An ASYE review is coming up")
REVIEW_DUE = ReminderKind("asye.review_due", "An ASYE review is due")
REVIEW_OVERDUE = ReminderKind("asye.review_overdue", "An ASYE review is overdue")
EVIDENCE_WAITING = ReminderKind("asye.evidence_waiting", "ASYE evidence is waiting for your review")
SIGNATURE_WAITING = ReminderKind("asye.signature_waiting", "An ASYE document is waiting for your signature")

SIGNERS = {
    SignatureCapacity.NQSW: "nqsw",
    SignatureCapacity.ASSESSOR: "assessor",
    SignatureCapacity.LINE_MANAGER: "line_manager",
}


def london_midnight(day: datetime.date) -> datetime.datetime:
    """The start of `day` on London's clock (aware), whatever the season."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def _current(prefix: str, today: datetime.date) -> Q:
    """The record's membership at `prefix` is current on `today`."""
    return Q(**{f"{prefix}__is_active": True}) & (
        Q(**{f"{prefix}__ended_on__isnull": True}) | Q(**{f"{prefix}__ended_on__gte": today})
    )


def _is_current(membership: Membership, today: datetime.date) -> bool:
    return membership.is_active and (membership.ended_on is None or membership.ended_on >= today)


def _open_records(today: datetime.date) -> QuerySet[AsyeRecord]:
    """Open records whose NQSW is still here, with what the dates need (two queries)."""
    return (
        AsyeRecord.objects.filter(_current("nqsw", today), status__in=REMINDED_STATUSES)
        .select_related("nqsw__user", "assessor", "line_manager", "programme_version")
        .prefetch_related("pauses")
        .order_by("pk")
    )


def _to(record: AsyeRecord, roles: Iterable[str], today: datetime.date) -> Iterator[Membership]:
    """The record's people in `roles` ("nqsw", "assessor", "line_manager") whose place on it is
    current, once each (a line manager who is also the assessor hears once)."""
    seen: set[Any] = set()
    for role in roles:
        membership: Membership = getattr(record, role)
        if membership.user_id not in seen and _is_current(membership, today):
            seen.add(membership.user_id)
            yield membership


def _remind(
    record: AsyeRecord, person: Membership, kind: ReminderKind, *, title: str, **fields: Any
) -> DueReminder:
    """A reminder about `record` to `person` (the organisation is the record's). An assessor or a
    manager has several NQSWs, so anyone but the NQSW is told whose record it is."""
    if person.user_id != record.nqsw.user_id:
        title = f"{record.nqsw.user.display_name}: {title}"
    return DueReminder(
        kind=kind.name,
        recipient_id=person.user_id,
        about=record,
        organisation_id=record.organisation_id,
        title=title,
        **fields,
    )


# --- Supervision ---------------------------------------------------------------------------------


def supervision_reminders(*, now: datetime.datetime) -> Iterator[DueReminder]:
    today = timezone.localdate(now)
    records = list(_open_records(today))
    held = supervision_dates(records)
    for record in records:
        found = record_intervals(record, held.get(record.pk, []), today=today)
        url = reverse("asye:supervisions", args=[record.pk])
        current = found[-1] if found and found[-1].state == cadence.DUE else None
        ended = [i for i in found if i.ends_on < today]
        missed = ended[-1] if ended and ended[-1].state == cadence.MISSED else None
        facts: list[tuple[ReminderKind, cadence.Interval, str, str, datetime.date]] = []
        if current is not None:
            notice = min(SUPERVISION_NOTICE_DAYS, current.every_days) - 1
            facts.append(
                (
                    SUPERVISION_DUE,
                    current,
                    f"Supervision is due by {format_date(current.ends_on)}",
                    f"An ASYE supervision should be held between {format_date(current.starts_on)} "
                    f"and {format_date(current.ends_on)} ({current.band.lower()}). Record it once held.",
                    max(current.starts_on, current.ends_on - datetime.timedelta(days=notice)),
                )
            )
        if missed is not None:
            facts.append(
                (
                    SUPERVISION_OVERDUE,
                    missed,
                    f"No supervision was recorded between {format_date(missed.starts_on)} "
                    f"and {format_date(missed.ends_on)}",
                    "Hold the supervision as soon as you can, or record it if it was held.",
                    missed.ends_on + datetime.timedelta(days=1),
                )
            )
        for kind, interval, title, body, remind_on in facts:
            for person in _to(record, ("nqsw", "line_manager"), today):
                yield _remind(
                    record,
                    person,
                    kind,
                    key=f"asye.record:{record.pk}:supervision:{interval.starts_on.isoformat()}",
                    title=title,
                    body=body,
                    url=url,
                    due_at=london_midnight(remind_on),
                )


# --- Reviews -------------------------------------------------------------------------------------


def _review_state(due_on: datetime.date, today: datetime.date) -> tuple[ReminderKind, datetime.date] | None:
    """Which reminder a review due on `due_on` calls for today, and from which day."""
    if today < due_on - datetime.timedelta(days=REVIEW_NOTICE_DAYS):
        return None
    if today < due_on:
        return REVIEW_COMING_UP, due_on - datetime.timedelta(days=REVIEW_NOTICE_DAYS)
    overdue_from = due_on + datetime.timedelta(days=REVIEW_GRACE_DAYS)
    if today < overdue_from:
        return REVIEW_DUE, due_on
    return REVIEW_OVERDUE, overdue_from


def review_reminders(*, now: datetime.datetime) -> Iterator[DueReminder]:
    today = timezone.localdate(now)
    records = list(_open_records(today))
    complete = set(
        Review.objects.filter(record__in=[r.pk for r in records], completed_at__isnull=False)
        .values_list("record_id", "key")
        .order_by()
    )
    for record in records:
        for due in record_schedule(record, today=today).reviews:
            state = _review_state(due.due_on, today)
            if state is None or (record.pk, due.key) in complete:
                continue
            kind, remind_on = state
            words = {REVIEW_COMING_UP: "is coming up", REVIEW_DUE: "is due", REVIEW_OVERDUE: "is overdue"}[
                kind
            ]
            for person in _to(record, ("nqsw", "assessor", "line_manager"), today):
                yield _remind(
                    record,
                    person,
                    kind,
                    key=f"asye.record:{record.pk}:review:{due.key}:{due.due_on.isoformat()}",
                    title=f"The {due.label.lower()} {words}",
                    body=f"It is due on {format_date(due.due_on)}. Write your part, then sign it.",
                    url=reverse("asye:review", args=[record.pk, due.key]),
                    due_at=london_midnight(remind_on),
                )


# --- Evidence waiting ----------------------------------------------------------------------------


def evidence_waiting_reminders(*, now: datetime.datetime) -> Iterator[DueReminder]:
    today = timezone.localdate(now)
    waiting_days = Coalesce(
        "record__organisation__evidence_waiting_days",
        "record__organisation__parent__evidence_waiting_days",
        Value(settings.EVIDENCE_WAITING_DAYS),
    )
    flagged_at = ExpressionWrapper(
        F("submitted_at")
        + ExpressionWrapper(Value(datetime.timedelta(days=1)) * waiting_days, output_field=DurationField()),
        output_field=DateTimeField(),
    )
    items = (
        EvidenceItem.objects.filter(
            _current("record__assessor", today),
            status__in=WAITING,
            submitted_at__isnull=False,
            record__status__in=REMINDED_STATUSES,
        )
        .annotate(flagged_at=flagged_at, waiting_days=waiting_days)
        .filter(flagged_at__lte=now)
        .select_related("record__assessor", "record__nqsw__user")
        .only(
            "pk",
            "title",
            "submitted_at",
            "record__organisation",
            "record__assessor__user",
            "record__nqsw__user__full_name",
            "record__nqsw__user__email",
        )
        .order_by("submitted_at", "pk")
    )
    for item in items:
        yield DueReminder(
            kind=EVIDENCE_WAITING.name,
            recipient_id=item.record.assessor.user_id,
            key=f"asye.evidence:{item.pk}:{item.submitted_at:%Y%m%d%H%M%S}",
            title=(
                f"{item.record.nqsw.user.display_name}: “{item.title}” has waited more than "
                f"{item.waiting_days} days for your review"
            ),
            body=f"It was sent to you on {format_date(timezone.localdate(item.submitted_at))}.",
            url=reverse("asye:evidence", args=[item.pk]),
            about=item,
            organisation_id=item.record.organisation_id,
            due_at=item.flagged_at,
        )


# --- Signatures waiting --------------------------------------------------------------------------


@dataclass(frozen=True)
class _Unsigned:
    record: AsyeRecord
    key: str
    what: str
    url: str
    since: datetime.datetime
    signed: frozenset[str]


def _signature_reminders(unsigned: Iterable[_Unsigned], today: datetime.date) -> Iterator[DueReminder]:
    for doc in unsigned:
        for capacity, role in SIGNERS.items():
            if capacity in doc.signed:
                continue
            for person in _to(doc.record, (role,), today):
                yield _remind(
                    doc.record,
                    person,
                    SIGNATURE_WAITING,
                    key=f"{doc.key}:sign:{capacity}",
                    title=f"{doc.what} is waiting for your signature",
                    body=f"Read it and sign it as the {CAPACITY_WORDS[capacity]}.",
                    url=doc.url,
                    due_at=doc.since,
                )


def _signed() -> ArrayAgg:
    return ArrayAgg("signatures__capacity", distinct=True, filter=Q(signatures__isnull=False), default=[])


def signature_reminders(*, now: datetime.datetime) -> Iterator[DueReminder]:
    today = timezone.localdate(now)
    latest = Agreement.objects.filter(record=OuterRef("record")).order_by("-number").values("number")[:1]
    agreements = (
        Agreement.objects.filter(
            _current("record__nqsw", today), record__status__in=REMINDED_STATUSES, number=Subquery(latest)
        )
        .filter(Exists(AgreementSignature.objects.filter(agreement=OuterRef("pk"))))
        .annotate(signed=_signed())
        .select_related("record__nqsw__user", "record__assessor", "record__line_manager")
        .order_by("pk")
    )
    written = (
        ~Q(reflection="") & ~Q(supervision="") & ~Q(workload="") & ~Q(protected_time="") & ~Q(judgements={})
    )
    reviews = (
        Review.objects.filter(
            _current("record__nqsw", today), record__status__in=REMINDED_STATUSES, completed_at__isnull=True
        )
        .filter(Q(Exists(ReviewSignature.objects.filter(review=OuterRef("pk")))) | written)
        .annotate(signed=_signed())
        .select_related("record__nqsw__user", "record__assessor", "record__line_manager")
        .order_by("pk")
    )
    yield from _signature_reminders(
        (
            _Unsigned(
                record=a.record,
                key=f"asye.agreement:{a.pk}",
                what=f"Version {a.number} of the support and assessment agreement",
                url=reverse("asye:agreement", args=[a.record_id]),
                since=a.updated_at,
                signed=frozenset(a.signed),
            )
            for a in agreements
        ),
        today,
    )
    yield from _signature_reminders(
        (
            _Unsigned(
                record=r.record,
                key=f"asye.review:{r.pk}",
                what="Your ASYE review",
                url=reverse("asye:review", args=[r.record_id, r.key]),
                since=r.updated_at,
                signed=frozenset(r.signed),
            )
            for r in reviews
        ),
        today,
    )


def register_asye_reminders() -> None:
    register_reminder_producer(
        name="asye.supervision",
        produce=supervision_reminders,
        kinds=[SUPERVISION_DUE, SUPERVISION_OVERDUE],
        description="Supervision due and missed, at the cadence of the NQSW's programme.",
    )
    register_reminder_producer(
        name="asye.reviews",
        produce=review_reminders,
        kinds=[REVIEW_COMING_UP, REVIEW_DUE, REVIEW_OVERDUE],
        description="Reviews coming up (two weeks before), due and overdue.",
    )
    register_reminder_producer(
        name="asye.evidence_waiting",
        produce=evidence_waiting_reminders,
        kinds=[EVIDENCE_WAITING],
        description="Evidence waiting for the assessor longer than the organisation allows.",
    )
    register_reminder_producer(
        name="asye.signatures",
        produce=signature_reminders,
        kinds=[SIGNATURE_WAITING],
        description="The agreement and reviews waiting for someone's signature.",
    )
