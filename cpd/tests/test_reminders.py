"""The CPD reminders (issue 18) against the database, in London time: the steps of the run-up to
30 November (a BST date, across the October clock change, each step's window, no flood for a
late starter), a met requirement cancels, the sweep twice changes nothing, who keeps CPD, the
PSW's weekly summary (counts only, nobody from elsewhere), the producers' fixed query count, the
engine end to end to an email, and the demo."""

import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from academy.demo import DEMO_DOMAIN, load_demo
from academy.models import Notification, Organisation, Reminder, User
from academy.outbox.services import outbox_sweep
from academy.registry.reminders import ReminderProducer, registered_reminder_producers
from academy.reminders.services import CHANGED, reminders_deliver, reminders_produce
from academy.roles import Role
from academy.testing.isolation import SIBLING, UNRELATED, IsolationCheck
from academy.tests.factories import MembershipFactory, UserFactory
from conftest import Orgs, seed_totp
from cpd.reminders import schedule
from cpd.reminders.producers import psw_at_risk_summaries, renewal_reminders
from cpd.selectors import cpd_keepers, registration_year_get
from cpd.tests.factories import CpdRecordFactory, PeerReflectionFactory

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")
UTC = datetime.UTC
State = Reminder.State
LABEL = "2025\N{EN DASH}26"
SLUG = "2025-26"  # 1 December 2025 to 30 November 2026; the window opens 1 September 2026


def london(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime.datetime:
    return datetime.datetime(year, month, day, hour, minute, tzinfo=LONDON)


def cpd_producers() -> list[ReminderProducer]:
    return [p for p in registered_reminder_producers() if p.name.startswith("cpd.")]


def produce(at: datetime.datetime) -> Any:
    with time_machine.travel(at, tick=False):
        return reminders_produce(producers=cpd_producers())


def deliver(at: datetime.datetime) -> Any:
    with time_machine.travel(at, tick=False):
        delivered = reminders_deliver()
        outbox_sweep()
    return delivered


def keeper(organisation: Organisation, name: str = "Sam Keeper", role: str = Role.SOCIAL_WORKER) -> User:
    user = UserFactory(full_name=name)
    MembershipFactory(user=user, organisation=organisation, role=role)
    return user


def meet_requirement(person: User) -> None:
    first = CpdRecordFactory(person=person, occurred_on=datetime.date(2026, 3, 2))
    CpdRecordFactory(person=person, occurred_on=datetime.date(2026, 5, 4))
    PeerReflectionFactory(record=first)


def rows(person: User) -> dict[str, str]:
    """The person's CPD reminders: the step (the key's last part) and its state."""
    found = Reminder.objects.filter(recipient=person, producer__startswith="cpd.")
    return {key.rsplit(":", 1)[-1]: state for key, state in found.values_list("key", "state")}


# --- The schedule ------------------------------------------------------------------------------


def test_the_steps_fall_at_9am_london_in_summer_and_winter() -> None:
    year = registration_year_get(slug=SLUG)
    found = {m.step.code: m.at.astimezone(UTC) for m in schedule.moments(year)}
    assert found == {
        "3-months": datetime.datetime(2026, 8, 30, 8, 0, tzinfo=UTC),  # BST: 9am is 8am UTC
        "window": datetime.datetime(2026, 9, 1, 8, 0, tzinfo=UTC),
        "1-month": datetime.datetime(2026, 10, 30, 9, 0, tzinfo=UTC),  # GMT after 25 October
        "1-week": datetime.datetime(2026, 11, 23, 9, 0, tzinfo=UTC),
        "1-day": datetime.datetime(2026, 11, 29, 9, 0, tzinfo=UTC),
    }
    assert [m.step.code for m in schedule.moments(year)] == [
        "3-months",
        "window",
        "1-month",
        "1-week",
        "1-day",
    ]


def test_months_before_keeps_to_the_shorter_month() -> None:
    assert schedule.months_before(datetime.date(2026, 11, 30), 3) == datetime.date(2026, 8, 30)
    assert schedule.months_before(datetime.date(2027, 5, 31), 3) == datetime.date(2027, 2, 28)
    assert schedule.months_before(datetime.date(2027, 1, 15), 2) == datetime.date(2026, 11, 15)


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        (london(2026, 8, 27, 6, 30), []),  # nothing yet: the first step is over two days away
        (london(2026, 8, 29, 6, 30), [("3-months", State.PENDING)]),
        (london(2026, 8, 30, 9, 0), [("3-months", State.DUE), ("window", State.PENDING)]),
        (london(2026, 9, 15, 6, 30), [("window", State.DUE)]),
        (london(2026, 10, 30, 9, 0), [("1-month", State.DUE)]),
        (london(2026, 11, 22, 6, 30), [("1-month", State.DUE), ("1-week", State.PENDING)]),
        (london(2026, 11, 23, 9, 0), [("1-week", State.DUE)]),
        (london(2026, 11, 30, 23, 59), [("1-day", State.DUE)]),
        (london(2026, 12, 1, 0, 0), []),  # the year is over
    ],
)
def test_each_steps_window_for_someone_new_at_that_moment(
    orgs: Orgs, now: datetime.datetime, expected: list[tuple[str, str]]
) -> None:
    person = keeper(orgs.home)
    produce(now)
    assert sorted(rows(person).items()) == sorted(expected)


def test_a_late_starter_hears_only_of_the_latest_step(orgs: Orgs) -> None:
    person = keeper(orgs.home)
    produce(london(2026, 11, 24, 6, 30))
    assert rows(person) == {"1-week": State.DUE}
    deliver(london(2026, 11, 24, 6, 31))
    assert Notification.objects.filter(recipient=person).count() == 1


# --- Time: BST and the October clock change -----------------------------------------------------


def test_the_window_opens_at_9am_bst_on_1_september(orgs: Orgs) -> None:
    person = keeper(orgs.home, "Priya Window")
    produce(london(2026, 8, 31, 6, 30))  # the 3-month step (30 August) and the window, waiting
    assert rows(person) == {"3-months": State.DUE, "window": State.PENDING}
    deliver(london(2026, 8, 31, 6, 31))
    deliver(datetime.datetime(2026, 9, 1, 7, 59, tzinfo=UTC))  # 8.59am BST
    assert rows(person)["window"] == State.PENDING
    deliver(datetime.datetime(2026, 9, 1, 8, 0, tzinfo=UTC))  # 9am BST
    assert rows(person)["window"] == State.SENT
    window = Notification.objects.get(recipient=person, title__startswith="Renewal is open")
    assert window.title == f"Renewal is open: finish your CPD for {LABEL} by 30 November 2026"
    assert "opened on 1 September 2026" in window.body
    assert "at least 2 different pieces of CPD, at least 1 with a peer reflection" in window.body
    assert window.url == reverse("cpd:tracker") + "?year=2025-26"
    produce(london(2026, 9, 2, 6, 30))
    assert rows(person) == {"3-months": State.SENT, "window": State.SENT}


def test_the_one_month_step_after_the_october_clock_change_is_at_9am_gmt(orgs: Orgs) -> None:
    person = keeper(orgs.home)
    produce(london(2026, 10, 24, 6, 30))  # BST: Saturday before the clocks go back on the 25th
    assert "1-month" not in rows(person)
    produce(london(2026, 10, 29, 6, 30))  # GMT
    assert rows(person)["1-month"] == State.PENDING
    deliver(datetime.datetime(2026, 10, 30, 8, 0, tzinfo=UTC))  # 9am had it still been BST
    assert rows(person)["1-month"] == State.PENDING
    deliver(datetime.datetime(2026, 10, 30, 9, 0, tzinfo=UTC))
    assert rows(person)["1-month"] == State.SENT
    assert Notification.objects.filter(
        recipient=person, title=f"One month left to finish your CPD for {LABEL}"
    ).exists()


# --- Facts changing, and idempotence ------------------------------------------------------------


def test_meeting_the_requirement_cancels_waiting_reminders(orgs: Orgs) -> None:
    person = keeper(orgs.home, "Met Later")
    other = keeper(orgs.home, "Not Yet")
    produce(london(2026, 10, 29, 6, 30))
    assert rows(person)["1-month"] == State.PENDING
    meet_requirement(person)
    outcome = produce(london(2026, 10, 29, 7, 0))
    assert outcome.cancelled == 2  # their window reminder, still due, and the month step
    assert set(rows(person).values()) == {State.CANCELLED}
    assert Reminder.objects.filter(recipient=person, cancel_reason=CHANGED).count() == 2
    assert rows(other)["1-month"] == State.PENDING
    deliver(london(2026, 10, 30, 9, 0))
    assert not Notification.objects.filter(recipient=person).exists()
    assert Notification.objects.filter(recipient=other).count() == 2


def test_half_the_requirement_is_not_met(orgs: Orgs) -> None:
    person = keeper(orgs.home)
    CpdRecordFactory(person=person, occurred_on=datetime.date(2026, 3, 2))
    CpdRecordFactory(person=person, occurred_on=datetime.date(2026, 5, 4))  # no peer reflection
    CpdRecordFactory(person=person, occurred_on=datetime.date(2025, 11, 1))  # the year before
    produce(london(2026, 9, 10, 6, 30))
    assert rows(person) == {"window": State.DUE}


def test_running_the_sweep_twice_changes_nothing(orgs: Orgs) -> None:
    person = keeper(orgs.home)
    psw = keeper(orgs.home, "Pat Psw", role=Role.PSW)
    at = london(2026, 11, 23, 9, 30)
    first = produce(at)
    assert first.created == 3  # the person's week step, the PSW's own, and the PSW's summary
    second = produce(at)
    assert (second.created, second.cancelled, second.reopened, second.unchanged) == (0, 0, 0, 3)
    assert deliver(at).sent == 3
    assert deliver(at).sent == 0
    assert produce(at).created == 0
    assert Notification.objects.filter(recipient=person).count() == 1
    assert Notification.objects.filter(recipient=psw).count() == 2


# --- Who keeps CPD ------------------------------------------------------------------------------


def test_who_keeps_cpd_and_who_the_engine_keeps_quiet(orgs: Orgs) -> None:
    today = datetime.date(2026, 9, 10)
    working = keeper(orgs.home, "Still Working")
    student = keeper(orgs.university, "A Student", role=Role.STUDENT)
    tutor_now = keeper(orgs.home, "Now Tutoring", role=Role.SOCIAL_WORKER)
    tutor_now.memberships.update(ended_on=today - datetime.timedelta(days=30))
    MembershipFactory(user=tutor_now, organisation=orgs.university, role=Role.TUTOR)
    gone = keeper(orgs.home, "Left Altogether", role=Role.NQSW)
    gone.memberships.update(ended_on=today - datetime.timedelta(days=1), is_active=False)
    with time_machine.travel(london(2026, 9, 10, 6, 30), tick=False):
        assert set(cpd_keepers()) == {working, tutor_now, gone}
    outcome = produce(london(2026, 9, 10, 6, 30))
    assert rows(working) == {"window": State.DUE}
    assert rows(tutor_now) == {"window": State.DUE}  # left their council; still a member here
    assert rows(student) == {}
    assert rows(gone) == {}  # the engine's rule: no current membership, no reminders
    assert outcome.skipped_quiet == 1


# --- The PSW's weekly summary -------------------------------------------------------------------


def at_risk(organisation: Organisation, marker: str) -> User:
    person = keeper(organisation, marker)
    CpdRecordFactory(person=person, occurred_on=datetime.date(2026, 2, 2), title=f"{marker} content title")
    return person


def test_the_weekly_summary_has_counts_and_nobody_from_elsewhere(client: Any, orgs: Orgs) -> None:
    psw = keeper(orgs.home, "Pat Principal", role=Role.PSW)
    seed_totp(psw)
    meet_requirement(psw)
    done = keeper(orgs.home, "Dana Done")
    meet_requirement(done)
    check = IsolationCheck(client, viewer=psw)
    planted = check.plant(
        at_risk, hidden={UNRELATED: orgs.other, SIBLING: orgs.sibling}, shown={"own council": orgs.home}
    )
    monday = london(2026, 10, 5, 6, 30)
    produce(monday)
    deliver(london(2026, 10, 5, 9, 0))
    summary = Notification.objects.get(recipient=psw)
    assert summary.title == f"CPD this week: 1 person has not met the {LABEL} requirement"
    assert "Home Borough Council: 1 at risk, of 3 people keeping CPD" in summary.body
    assert f"- {planted.shown[0].marker}: 1 of 2 records, 0 of 1 with a peer reflection" in summary.body
    assert "content title" not in summary.body  # counts only: never a record's content
    assert "Dana Done" not in summary.body
    html = check.list_page(reverse("academy:notifications"), planted)
    assert "content title" not in html
    email = next(m for m in mail.outbox if m.to == [psw.email])
    for sentinel in planted.hidden:
        assert sentinel.marker not in email.body
    assert "content title" not in email.body


def test_a_partnership_psw_hears_of_each_council_and_no_other(orgs: Orgs) -> None:
    psw = keeper(orgs.partnership, "Pam Partnership", role=Role.PSW)
    meet_requirement(psw)
    at_risk(orgs.home, "Home Person")
    at_risk(orgs.sibling, "Sibling Person")
    at_risk(orgs.other, "Elsewhere Person")
    produce(london(2026, 10, 5, 6, 30))
    summary = Reminder.objects.get(recipient=psw, producer="cpd.psw_at_risk")
    body = summary.body
    assert "Home Borough Council: 1 at risk, of 1 person keeping CPD" in body
    assert "Sibling County Council: 1 at risk, of 1 person keeping CPD" in body
    assert summary.url == reverse("cpd:compliance") + "?year=2025-26"
    assert "Elsewhere" not in body


def test_the_summary_is_weekly_and_only_while_the_window_is_open(orgs: Orgs) -> None:
    psw = keeper(orgs.home, "Pat Principal", role=Role.PSW)
    meet_requirement(psw)
    at_risk(orgs.home, "Chris Risk")
    produce(london(2026, 8, 31, 6, 30))  # before the window
    assert not Reminder.objects.filter(recipient=psw).exists()
    produce(london(2026, 9, 1, 6, 30))  # Tuesday: the first week's, due straight away
    produce(london(2026, 9, 4, 6, 30))
    produce(london(2026, 9, 7, 6, 30))  # Monday: next week's, due at 9am
    summaries = Reminder.objects.filter(recipient=psw).order_by("due_at")
    assert [(r.key.rsplit(":", 1)[-1], r.due_at) for r in summaries] == [
        ("2026-W36", london(2026, 9, 1, 9, 0)),
        ("2026-W37", london(2026, 9, 7, 9, 0)),
    ]


# --- Query counts -------------------------------------------------------------------------------


def queries(produce_one: Any, now: datetime.datetime) -> int:
    cache.clear()  # the registration years are cached: count their query every time
    with time_machine.travel(now, tick=False), CaptureQueriesContext(connection) as captured:
        list(produce_one(now=now))
    return len(captured)


def test_the_producers_cost_a_fixed_number_of_queries(orgs: Orgs) -> None:
    now = london(2026, 10, 5, 6, 30)
    keeper(orgs.home, "Pat Principal", role=Role.PSW)
    keeper(orgs.sibling, "Sol Principal", role=Role.PSW)
    at_risk(orgs.home, "One Risk")
    small = (queries(renewal_reminders, now), queries(psw_at_risk_summaries, now))
    for n in range(12):
        at_risk(orgs.home if n % 2 else orgs.sibling, f"More Risk {n}")
        meet_requirement(keeper(orgs.home, f"Done {n}"))
    keeper(orgs.partnership, "Pam Partnership", role=Role.PSW)
    large = (queries(renewal_reminders, now), queries(psw_at_risk_summaries, now))
    assert small == large
    assert large == (2, 5)  # years + people; years + PSWs + organisations + totals + at risk


# --- End to end ---------------------------------------------------------------------------------


def test_the_engine_sweeps_and_emails_a_cpd_reminder(orgs: Orgs) -> None:
    person = keeper(orgs.home, "Robin Reminded")
    at = london(2026, 11, 29, 9, 0)
    with time_machine.travel(at, tick=False):
        reminders_produce()  # every producer, as the daily task runs them
        reminders_deliver()
        outbox_sweep()
        reminders_deliver()
        outbox_sweep()
    (email,) = [m for m in mail.outbox if m.to == [person.email]]
    assert email.subject.endswith(f"One day left to finish your CPD for {LABEL}")
    assert "recorded by 11.59pm on 30 November 2026" in email.body
    assert "http://testserver/cpd/tracker/?year=2025-26" in email.body
    assert "http://testserver" + reverse("academy:reminder_preferences") in email.body
    html = email.alternatives[0][0]  # type: ignore[attr-defined]  # an EmailMultiAlternatives
    assert "/cpd/tracker/?year=2025-26" in html
    assert Notification.objects.filter(recipient=person).count() == 1


# --- Demo ---------------------------------------------------------------------------------------


def test_the_demo_shows_a_cpd_reminder_on_1_december(frameworks: None) -> None:
    with time_machine.travel(london(2026, 12, 1, 9, 0), tick=False):
        load_demo()
        count = Reminder.objects.filter(producer__startswith="cpd.").count()
        load_demo()
    assert Reminder.objects.filter(producer__startswith="cpd.").count() == count
    martin = User.objects.get(email=f"assessor@{DEMO_DOMAIN}")
    (notification,) = Notification.objects.filter(recipient=martin, title__contains="CPD")
    assert notification.title == f"One day left to finish your CPD for {LABEL}"
    helen = User.objects.get(email=f"psw@{DEMO_DOMAIN}")
    assert Notification.objects.filter(recipient=helen, title__startswith="CPD this week").exists()
    jordan = User.objects.get(email=f"social-worker@{DEMO_DOMAIN}")
    assert not Notification.objects.filter(recipient=jordan, title__contains="CPD").exists()
