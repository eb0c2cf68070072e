"""Demo supervision, workload and protected time for the demo ASYE records (asye/demo.py).

Every demo NQSW has had supervision at the programme's cadence up to today, recorded by the
demo line manager; the current interval is left open (due), and Priya Calder's fourth interval
was missed. Priya and Maya Lindqvist were at a group supervision a fortnight ago, recorded once.
Sessions older than a fortnight are confirmed by the NQSW, some with a reflection. Each month
from the start has a caseload against a comparison figure (Callum Reyes's last month was not
reduced), and protected development time is logged about once a fortnight, less for Idris
Moyle, who is behind. Invented text only.

Idempotent: sessions and entries carry fixed submit tokens, caseloads are one per month, so a
second run adds nothing."""

import datetime
import uuid
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from academy.demo import DEMO_DOMAIN
from asye.models import OPEN_STATUSES, AsyeRecord
from asye.supervision.models import CaseloadMonth, ProtectedTime, Supervision, SupervisionKind

from . import cadence, services
from .selectors import record_intervals

TOKENS = uuid.UUID("0b7e2c35-51f4-4c8e-b7a1-5d2f8e9c6a41")
MISSED_ONE = f"nqsw@{DEMO_DOMAIN}"
GROUP = (f"nqsw@{DEMO_DOMAIN}", f"nqsw-adults-7@{DEMO_DOMAIN}")
NOT_REDUCED = f"nqsw-adults-11@{DEMO_DOMAIN}"
BEHIND_ON_TIME = f"nqsw-children-11@{DEMO_DOMAIN}"

DISCUSSIONS = [
    "Went through the current caseload case by case. Talked about prioritising the two urgent "
    "reviews and how to share the duty rota fairly.",
    "Reflected on a difficult home visit: what went well in building rapport, and what to plan "
    "differently when a family member speaks for the person.",
    "Discussed the direct observation planned for next month and which framework areas it could "
    "show. Wellbeing check: workload feels manageable.",
    "Looked at recording: shorter case notes that still show the reasons for decisions. Talked "
    "about using the mental capacity guidance in a current assessment.",
]
AGENDAS = [
    "Caseload; wellbeing; learning since last time",
    "Case discussion; reflection; actions review",
    "Observation planning; development plan; wellbeing",
]
ACTIONS = [
    {"action": "Read the team's guidance on proportionate assessment", "owner": "NQSW"},
    {"action": "Arrange to shadow a strategy meeting", "owner": "Line manager"},
    {"action": "Draft the critical reflection on the home visit", "owner": "NQSW"},
]
REFLECTIONS = [
    "Talking the visit through helped me see that I had been rushing the first conversation.",
    "I feel clearer about which cases come first, and more confident to say when I am at capacity.",
]
ACTIVITIES = [
    "Reading on strengths-based approaches",
    "Shadowing a senior practitioner at a case conference",
    "Online learning on the Mental Capacity Act",
    "Writing up a critical reflection",
    "Team practice forum",
]


def _token(*parts: object) -> uuid.UUID:
    return uuid.uuid5(TOKENS, ":".join(str(p) for p in parts))


def _session_day(interval: cadence.Interval, today: datetime.date) -> datetime.date:
    return min(interval.starts_on + datetime.timedelta(days=2), interval.ends_on, today)


def _sessions(record: AsyeRecord, today: datetime.date) -> None:
    manager = record.line_manager.user
    email = record.nqsw.user.email
    found = record_intervals(record, [], today=today)
    for number, interval in enumerate(found):
        if interval.state == cadence.DUE or (email == MISSED_ONE and number == 3):
            continue
        held_on = _session_day(interval, today)
        actions = [{**ACTIONS[number % len(ACTIONS)], "due_on": held_on + datetime.timedelta(days=14)}]
        session = services.supervision_record(
            actor=manager,
            records=[record],
            kind=SupervisionKind.ONE_TO_ONE,
            held_on=held_on,
            start_time=datetime.time(10, 0),
            duration_minutes=60 if interval.every_days <= 14 else 90,
            supervisor=record.line_manager,
            agenda=AGENDAS[number % len(AGENDAS)],
            discussion=DISCUSSIONS[number % len(DISCUSSIONS)],
            actions=actions,
            submit_token=_token(record.pk, "one-to-one", number),
        )
        if held_on < today - datetime.timedelta(days=14):
            attendance = session.attendances.get(record=record)
            if attendance.confirmed_at is None:
                reflection = REFLECTIONS[number % len(REFLECTIONS)] if number % 3 == 0 else ""
                services.supervision_confirm(
                    actor=record.nqsw.user, attendance=attendance, reflection=reflection
                )


def _group(records: list[AsyeRecord], today: datetime.date) -> None:
    members = [r for r in records if r.nqsw.user.email in GROUP]
    if len(members) < 2:
        return
    services.supervision_record(
        actor=members[0].line_manager.user,
        records=members,
        kind=SupervisionKind.GROUP,
        held_on=today - datetime.timedelta(days=14),
        start_time=datetime.time(14, 0),
        duration_minutes=90,
        supervisor=members[0].line_manager,
        agenda="Group case discussion: working with families in conflict",
        discussion="Each NQSW brought a case where family members disagreed about care. We compared "
        "approaches to keeping the person's own wishes at the centre.",
        actions=[
            {"action": "Share one useful resource with the group", "owner": "Each NQSW", "due_on": None}
        ],
        submit_token=_token("group", *sorted(str(m.pk) for m in members)),
    )


def _months(start: datetime.date, today: datetime.date) -> list[datetime.date]:
    month = start.replace(day=1)
    found = []
    while month <= today:
        found.append(month)
        month = (month + datetime.timedelta(days=32)).replace(day=1)
    return found


def _workload(record: AsyeRecord, today: datetime.date) -> None:
    if CaseloadMonth.objects.filter(record=record).exists():
        return
    months = _months(record.start_date, today)
    for index, month in enumerate(months):
        comparison = Decimal(20)
        caseload = min(Decimal(6 + 3 * index), Decimal(18)) * record.fte
        if record.nqsw.user.email == NOT_REDUCED and index == len(months) - 1:
            caseload = comparison
        services.caseload_record(
            actor=record.line_manager.user,
            record=record,
            month=month,
            caseload=caseload.quantize(Decimal("0.1")),
            comparison=comparison,
            note="Includes one joint-worked case." if index == 0 else "",
        )


def _protected_time(record: AsyeRecord, today: datetime.date) -> None:
    every = 28 if record.nqsw.user.email == BEHIND_ON_TIME else 14
    day = record.start_date + datetime.timedelta(days=3)
    number = 0
    while day <= today:
        services.protected_time_add(
            actor=record.nqsw.user,
            record=record,
            used_on=day,
            hours=(Decimal("7.4") * record.fte).quantize(Decimal("0.25")),
            activity=ACTIVITIES[number % len(ACTIVITIES)],
            submit_token=_token(record.pk, "protected", number),
        )
        day += datetime.timedelta(days=every)
        number += 1


@transaction.atomic
def load_supervision_demo() -> None:
    records = list(
        AsyeRecord.objects.filter(
            nqsw__user__email__endswith=f"@{DEMO_DOMAIN}", status__in=[s.value for s in OPEN_STATUSES]
        )
        .select_related(
            "nqsw__user", "assessor__user", "line_manager__user", "organisation", "programme_version"
        )
        .prefetch_related("pauses")
    )
    if not records or Supervision.objects.filter(attendances__record__in=records).exists():
        return
    today = timezone.localdate()
    for record in records:
        _sessions(record, today)
        _workload(record, today)
        if not ProtectedTime.objects.filter(record=record).exists():
            _protected_time(record, today)
    _group(records, today)
