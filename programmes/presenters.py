"""Words, dates and tags of the programme pages, so templates only loop."""

from collections.abc import Iterable
from typing import Any

from django.urls import reverse
from django.utils import timezone

from academy.components import Cell, PostButton, Tag
from academy.presenters import format_date
from academy.roles import Role

from .models import Booking, BookingStatus, LearningOutcome, Programme, Session, SessionMode

BOOKING_TAG = {
    BookingStatus.AWAITING_APPROVAL: "yellow",
    BookingStatus.BOOKED: "green",
    BookingStatus.WAITLISTED: "blue",
    BookingStatus.OFFERED: "purple",
    BookingStatus.CANCELLED: "grey",
    BookingStatus.DECLINED: "red",
    BookingStatus.OFFER_EXPIRED: "grey",
}


def booking_tag(booking: Booking) -> Tag:
    status = BookingStatus(booking.status)
    return Tag(status.label, BOOKING_TAG[status])


def when(session: Session) -> str:
    """ "3 March 2027, 10:00am to 12:30pm" in London time (the end's day too if it differs)."""
    start = timezone.localtime(session.starts_at)
    end = timezone.localtime(session.ends_at)

    def clock(value: Any) -> str:
        return f"{value:%-I:%M%p}".replace("AM", "am").replace("PM", "pm")

    if start.date() == end.date():
        return f"{start:%-d %B %Y}, {clock(start)} to {clock(end)}"
    return f"{format_date(start)} to {format_date(end)}"


def where(session: Session) -> str:
    return session.venue if session.mode == SessionMode.IN_PERSON else "Online"


def places(session: Session) -> str:
    taken = getattr(session, "taken", 0)
    free = max(session.capacity - taken, 0)
    if free == 0:
        waiting = getattr(session, "waiting", 0)
        return f"Full ({waiting} waiting)" if waiting else "Full"
    return f"{free} of {session.capacity} places left"


CATALOGUE_HEAD = ["Programme", "Kind", "For", "CPD hours", "Next session"]


def catalogue_rows(programmes: Iterable[Programme]) -> list[list[object]]:
    rows: list[list[object]] = []
    for programme in programmes:
        hint = programme.organisation.name
        if not programme.is_published:
            hint = f"{hint} (not published)"
        next_start = getattr(programme, "next_start", None)
        count = getattr(programme, "upcoming_count", 0)
        rows.append(
            [
                Cell(programme.title, href=reverse("programmes:programme", args=[programme.pk]), hint=hint),
                programme.get_kind_display(),
                f"{programme.get_career_stage_display()}; {programme.get_service_area_display().lower()}",
                Cell(f"{programme.cpd_hours:g}", numeric=True),
                Cell(format_date(next_start), hint=f"{count} to come") if next_start else "None planned",
            ]
        )
    return rows


def programme_summary(programme: Programme) -> list[dict[str, Any]]:
    roles = ", ".join(Role(role).label for role in programme.audience_roles) or "Anyone"
    provider = programme.get_provider_kind_display()
    if programme.provider_name:
        provider = f"{programme.provider_name} ({provider.lower()})"
    return [
        {"key": "Kind", "value": programme.get_kind_display()},
        {"key": "Run by", "value": programme.organisation.name},
        {"key": "Provider", "value": provider},
        {"key": "Career stage", "value": programme.get_career_stage_display()},
        {"key": "Service area", "value": programme.get_service_area_display()},
        {"key": "Roles", "value": roles},
        {"key": "CPD hours", "value": f"{programme.cpd_hours:g}"},
        {"key": "Prerequisites", "value": programme.prerequisites or "None"},
        {
            "key": "Manager approval",
            "value": "Your line manager must approve a booking"
            if programme.requires_manager_approval
            else "Not needed",
        },
    ]


def outcome_items(outcomes: Iterable[LearningOutcome]) -> list[dict[str, str]]:
    items = []
    for outcome in outcomes:
        elements = "; ".join(
            f"{element.version.framework.short_name} {element.code} {element.title}".strip()
            for element in outcome.elements.all()
        )
        items.append({"text": outcome.text, "elements": elements})
    return items


SESSIONS_HEAD = ["When", "Where", "Places"]


def session_rows(sessions: Iterable[Session]) -> list[list[object]]:
    return [
        [
            Cell(when(session), href=reverse("programmes:session", args=[session.pk])),
            where(session),
            "Cancelled" if session.cancelled_at else places(session),
        ]
        for session in sessions
    ]


def session_summary(session: Session, *, show_link: bool) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = [
        {"key": "When", "value": when(session)},
        {"key": "Where", "value": where(session)},
    ]
    if session.mode == SessionMode.ONLINE:
        rows.append(
            {
                "key": "Joining link",
                "value": Cell(session.joining_link, href=session.joining_link)
                if show_link
                else "Shown here once you have a place",
            }
        )
    rows += [
        {"key": "Places", "value": places(session)},
        {
            "key": "Facilitator",
            "value": session.facilitator.user.display_name if session.facilitator else "To be confirmed",
        },
        {
            "key": "Booking closes",
            "value": format_date(session.booking_closes_on)
            if session.booking_closes_on
            else "When it starts",
        },
    ]
    return rows


BOOKINGS_HEAD = ["Person", "Status", "Since"]


def attendee_rows(bookings: Iterable[Booking]) -> list[list[object]]:
    return [
        [
            Cell(booking.person.display_name, hint=booking.person.email),
            Cell(tag=booking_tag(booking)),
            format_date(booking.waitlisted_at or booking.created_at),
        ]
        for booking in bookings
    ]


MY_BOOKINGS_HEAD = ["Session", "When", "Status", ""]


def my_booking_rows(bookings: Iterable[Booking], *, now: Any) -> list[list[object]]:
    rows: list[list[object]] = []
    for booking in bookings:
        session = booking.session
        buttons = []
        if booking.status == BookingStatus.OFFERED:
            buttons.append(
                PostButton(
                    reverse("programmes:offer_accept", args=[booking.pk]),
                    "Accept the place",
                    hidden=f"on {session.programme.title}",
                    style="",
                )
            )
        status_hint: object = ""
        if booking.attendance == "attended":
            buttons = []
            rows.append(
                [
                    Cell(session.programme.title, href=reverse("programmes:session", args=[session.pk])),
                    when(session),
                    Cell(
                        tag=Tag("Attended", "green"),
                        text="Give feedback",
                        href=reverse("programmes:feedback", args=[booking.pk]),
                    ),
                    Cell("Certificate (PDF)", href=reverse("programmes:certificate", args=[booking.pk])),
                ]
            )
            continue
        if booking.status == BookingStatus.OFFERED and booking.offer_expires_at:
            status_hint = f"Accept by {format_date(booking.offer_expires_at)}"
        elif booking.status == BookingStatus.DECLINED and booking.decline_reason:
            status_hint = booking.decline_reason
        rows.append(
            [
                Cell(session.programme.title, href=reverse("programmes:session", args=[session.pk])),
                when(session),
                Cell(tag=booking_tag(booking), hint=status_hint),
                Cell(buttons=buttons) if buttons else "",
            ]
        )
    return rows


APPROVALS_HEAD = ["Person", "Programme", "When", ""]


def approval_rows(bookings: Iterable[Booking]) -> list[list[object]]:
    return [
        [
            Cell(booking.person.display_name, hint=f"Asked {format_date(booking.created_at)}"),
            booking.session.programme.title,
            when(booking.session),
            Cell(
                buttons=[
                    PostButton(
                        reverse("programmes:booking_approve", args=[booking.pk]),
                        "Approve",
                        hidden=f"{booking.person.display_name}'s booking",
                        style="",
                    ),
                ],
                text="Decline with a reason",
                href=reverse("programmes:booking_decline", args=[booking.pk]),
            ),
        ]
        for booking in bookings
    ]


def booking_message(booking: Booking, *, created: bool) -> str:
    if not created:
        return "You had already booked this session: nothing has changed."
    return {
        BookingStatus.BOOKED: "You are booked on this session.",
        BookingStatus.AWAITING_APPROVAL: "Your place is held while your line manager decides.",
        BookingStatus.WAITLISTED: "The session is full: you are on the waiting list. "
        "If a place frees up, we will offer it to you.",
    }.get(BookingStatus(booking.status), "Your booking is saved.")


def register_message(marked: Any) -> str:
    message = f"Register saved: {marked.attended} attended, {marked.no_show} did not."
    if marked.drafted:
        people = "person has" if marked.drafted == 1 else "people have"
        message += f" {marked.drafted} {people} a draft CPD record to complete."
    return message


FACILITATING_HEAD = ["Session", "When", "Places", ""]


def facilitating_rows(sessions: Iterable[Session]) -> list[list[object]]:
    return [
        [
            session.programme.title,
            when(session),
            places(session),
            Cell("Register", href=reverse("programmes:register", args=[session.pk])),
        ]
        for session in sessions
    ]


def certificate_context(booking: Booking, *, outcomes: Iterable[LearningOutcome]) -> dict[str, Any]:
    from .services import session_hours

    session = booking.session
    programme = session.programme
    hours = session_hours(session, programme)
    return {
        "person_name": booking.person.display_name,
        "title": programme.title,
        "organisation": programme.organisation.name,
        "when": when(session),
        "where": where(session),
        "hours": f"{hours:g}" if hours else "Not set",
        "provider": programme.provider_name or programme.organisation.name,
        "facilitator": session.facilitator.user.display_name if session.facilitator else "",
        "marked_on": format_date(booking.attendance_marked_at),
        "reference": str(booking.pk),
        "outcomes": [outcome.text for outcome in outcomes],
    }


def _rate(part: int, whole: int | None) -> str:
    return f"{round(100 * part / whole)}%" if whole else "\N{EN DASH}"


REPORT_HEAD = [
    "Programme",
    Cell("Sessions held", numeric=True),
    Cell("Places", numeric=True),
    Cell("Booked", numeric=True),
    Cell("Fill rate", numeric=True),
    Cell("Attended", numeric=True),
    Cell("Did not attend", numeric=True),
]
CSV_HEAD = [
    "Programme",
    "Run by",
    "Sessions held",
    "Places",
    "Booked",
    "Fill rate",
    "Attended",
    "Did not attend",
]


def _report_values(programme: Any) -> list[Any]:
    places = programme.places or 0
    return [
        programme.held,
        places,
        programme.booked,
        _rate(programme.booked, places),
        programme.attended,
        programme.no_shows,
    ]


def _feedback(programme: Any) -> tuple[int, str]:
    answers = programme.answers or 0
    return answers, f"{programme.rating:.1f}" if programme.rating is not None else ""


def report_rows(programmes: Iterable[Any]) -> list[list[object]]:
    return [
        [
            Cell(
                programme.title,
                href=reverse("programmes:programme", args=[programme.pk]),
                hint=programme.organisation.name,
            ),
            *(Cell(str(value), numeric=True) for value in _report_values(programme)),
            Cell(
                f"{_feedback(programme)[1]} of 5" if _feedback(programme)[0] else "None yet",
                hint=f"{_feedback(programme)[0]} answers" if _feedback(programme)[0] else "",
                numeric=True,
            ),
        ]
        for programme in programmes
    ]


def report_csv_row(programme: Any) -> list[object]:
    return [programme.title, programme.organisation.name, *_report_values(programme), *_feedback(programme)]


ORGANISATION_HEAD = [
    "Booked from",
    Cell("Booked", numeric=True),
    Cell("Attended", numeric=True),
    Cell("Did not attend", numeric=True),
    Cell("Attendance", numeric=True),
]


def organisation_rows(rows: Iterable[dict[str, Any]]) -> list[list[object]]:
    return [
        [
            row["organisation__name"],
            Cell(str(row["booked"]), numeric=True),
            Cell(str(row["attended"]), numeric=True),
            Cell(str(row["no_shows"]), numeric=True),
            Cell(_rate(row["attended"], row["attended"] + row["no_shows"]), numeric=True),
        ]
        for row in rows
    ]
