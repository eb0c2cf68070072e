"""The CPD reminder producers (issue 18), for the core's reminder engine. Each answers "what is
true now?" from ranges (`schedule.moments_true_now`), never from an exact date, so a missed or
late run still finds everything, and the engine cancels what a producer stops returning: a
person who meets the requirement has their waiting reminders cancelled.

Who is reminded: everyone who keeps CPD (`cpd.selectors.cpd_keepers`: a current membership in a
CPD-keeping role, or one that has ended) and has not met the year's requirement. The engine
itself stays quiet for people whose memberships have all ended (ADR 0013): someone who left
their employer keeps their ledger, and hears from us while they still hold any membership here,
but not once they hold none. We follow that rule rather than make an exception for CPD.

Queries: a fixed few, whatever the number of people (tests/test_query_counts.py)."""

from collections.abc import Iterator
from datetime import datetime

from django.urls import reverse

from academy.presenters import format_date
from academy.registry.reminders import DueReminder, ReminderKind

from .. import selectors
from ..models import RegistrationYear
from . import schedule
from .selectors import PswSummary, people_not_met, psw_summaries

RENEWAL_WINDOW = ReminderKind("cpd.renewal_window_open", "The CPD renewal window has opened")
DEADLINE = ReminderKind("cpd.deadline_coming", "Your CPD is due by the end of the registration year")
PSW_SUMMARY = ReminderKind("cpd.psw_at_risk_summary", "Weekly summary of who is at risk of missing CPD")

PSW_SUMMARY_TIME = schedule.REMINDER_TIME  # Monday, 9am London
NAMES_SHOWN = 30


def tracker_url(year: RegistrationYear) -> str:
    return f"{reverse('cpd:tracker')}?year={year.slug}"


def _plural(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"


def _requirement(year: RegistrationYear) -> str:
    return (
        f"Social Work England asks for at least {_plural(year.required_records, 'piece', 'different pieces')}"
        f" of CPD, at least {year.required_peer_reflected} with a peer reflection, recorded by 11.59pm on "
        f"{format_date(year.ends_on)}."
    )


def _person_reminder(year: RegistrationYear, moment: schedule.Moment, person_id: object) -> DueReminder:
    step = moment.step
    if step.code == schedule.WINDOW:
        kind = RENEWAL_WINDOW.name
        title = f"Renewal is open: finish your CPD for {year.label} by {format_date(year.ends_on)}"
        opening = f"The renewal window opened on {format_date(year.renewal_window_opens_on)}."
    else:
        kind = DEADLINE.name
        title = f"{step.left} to finish your CPD for {year.label}"
        opening = f"The {year.label} registration year ends on {format_date(year.ends_on)}."
    body = f"{opening} {_requirement(year)} Your CPD tracker shows what is left to do."
    return DueReminder(
        kind=kind,
        recipient_id=person_id,
        key=f"{year.slug}:{step.code}",
        title=title,
        body=body,
        url=tracker_url(year),
        about_ref=f"cpd.year:{year.slug}",
        due_at=moment.at,
    )


def renewal_reminders(*, now: datetime) -> Iterator[DueReminder]:
    """To each person who keeps CPD and has not met the current year's requirement: the latest
    step of the year's run-up that has passed, and any falling in the next two days."""
    year = selectors.registration_year_current(now=now)
    if year is None:
        return
    moments = schedule.moments_true_now(year, now=now)
    if not moments:
        return  # most of the year: no query at all
    for person in people_not_met(year=year):
        for moment in moments:
            yield _person_reminder(year, moment, person["pk"])


def compliance_url(year: RegistrationYear) -> str:
    """The employer's compliance page for the year (its statuses name who is at risk; an
    "at risk" filter in the link would stop working once the year ends)."""
    return reverse("cpd:compliance") + f"?year={year.slug}"


def _summary_body(year: RegistrationYear, summary: PswSummary) -> str:
    lines = [
        f"These people have not yet met the {year.label} CPD requirement, which is due by "
        f"{format_date(year.ends_on)}. Only their counts are shown: their records are their own."
    ]
    for organisation in summary.organisations:
        lines.append("")
        lines.append(
            f"{organisation.name}: {len(organisation.at_risk)} at risk, of "
            f"{_plural(organisation.keepers, 'person', 'people')} keeping CPD"
        )
        for row in organisation.at_risk[:NAMES_SHOWN]:
            name = row["user__full_name"] or row["user__email"]
            lines.append(
                f"- {name}: {row['records']} of {year.required_records} records, "
                f"{row['peer_reflected']} of {year.required_peer_reflected} with a peer reflection"
            )
        if len(organisation.at_risk) > NAMES_SHOWN:
            lines.append(f"- and {len(organisation.at_risk) - NAMES_SHOWN} more")
    return "\n".join(lines)


def psw_at_risk_summaries(*, now: datetime) -> Iterator[DueReminder]:
    """Weekly, while the renewal window is open: to each PSW, who in their organisation (and,
    for a partnership, its councils) is at risk, due on Monday at 9am London. One reminder per
    PSW, organisation and week; none when nobody is at risk."""
    year = selectors.registration_year_current(now=now)
    if year is None:
        return
    if now.astimezone(schedule.LONDON).date() < year.renewal_window_opens_on:
        return
    monday = schedule.week_start(now)
    iso_year, week, _ = monday.isocalendar()
    due_at = schedule.london_moment(max(monday, year.renewal_window_opens_on), PSW_SUMMARY_TIME)
    for summary in psw_summaries(year=year):
        count = summary.at_risk
        yield DueReminder(
            kind=PSW_SUMMARY.name,
            recipient_id=summary.psw_id,
            key=f"{year.slug}:{summary.organisation_id}:{iso_year}-W{week:02d}",
            title=(
                f"CPD this week: {_plural(count, 'person has', 'people have')} not met the "
                f"{year.label} requirement"
            ),
            body=_summary_body(year, summary),
            url=compliance_url(year),
            about_ref=f"cpd.year:{year.slug}",
            organisation_id=summary.organisation_id,
            due_at=due_at,
        )
