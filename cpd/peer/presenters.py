"""What the peer confirmation pages print: each request's state as a tag, the requests as table
rows, and the line the record page and the copy pack show once a peer has answered."""

import datetime

from academy.components import Cell, Tag
from academy.presenters import format_date
from cpd.models import PeerReflection

from .models import PeerAnswer, PeerConfirmationRequest, PeerRequestStatus

STATUS_TAGS = {
    PeerRequestStatus.SENT: ("Sent", "blue"),
    PeerRequestStatus.CONFIRMED: ("Confirmed", "green"),
    PeerRequestStatus.DECLINED: ("Did not take place", "red"),
    PeerRequestStatus.EXPIRED: ("Expired", "grey"),
    PeerRequestStatus.REPLACED: ("Replaced", "grey"),
    PeerRequestStatus.OUT_OF_DATE: ("Out of date", "grey"),
}

REQUESTS_HEAD = ["Sent to", "Sent on", "State"]


def status_tag(status: str) -> Tag:
    text, colour = STATUS_TAGS[PeerRequestStatus(status)]
    return Tag(text, colour)


def request_rows(
    requests: list[PeerConfirmationRequest], *, now: datetime.datetime, reflection: PeerReflection | None
) -> list[list[object]]:
    rows = []
    for r in requests:
        status = r.status_at(now, reflection)
        rows.append(
            [
                Cell(r.peer_name, hint=r.peer_email),
                format_date(r.created_at),
                Cell(tag=status_tag(status), hint=_state_hint(r, status)),
            ]
        )
    return rows


def _state_hint(request: PeerConfirmationRequest, status: str) -> str:
    if request.answered_at is not None:
        return f"Answered {format_date(request.answered_at)}"
    if status == PeerRequestStatus.SENT:
        return f"The link works until {format_date(request.expires_at)}"
    if status == PeerRequestStatus.OUT_OF_DATE:
        return "You changed the peer or the date after sending it"
    return ""


def answer_words(request: PeerConfirmationRequest | None) -> str:
    """The record's confirmation in a sentence, or "" when no peer has answered."""
    if request is None or request.answered_at is None:
        return ""
    when = format_date(request.answered_at)
    on = format_date(request.discussed_on)
    if request.answer == PeerAnswer.CONFIRMED:
        return f"{request.peer_name} confirmed on {when} that you talked this through on {on}."
    return f"{request.peer_name} said on {when} that the conversation on {on} did not take place."


def record_confirmation(
    requests: list[PeerConfirmationRequest], reflection: PeerReflection | None, *, now: datetime.datetime
) -> dict[str, object]:
    """What the record page says under its peer reflection: the peer's answer that still matches
    the reflection, else the newest request's state, and the words of the link to the requests."""
    answered = next((r for r in requests if r.answer and r.matches(reflection)), None)
    latest = requests[0] if requests else None
    status = latest.status_at(now, reflection) if latest else ""
    waiting = ""
    if answered is None and latest is not None:
        waiting = f"Your request to {latest.peer_name}: {STATUS_TAGS[PeerRequestStatus(status)][0].lower()}."
    return {
        "answer": answer_words(answered),
        "confirmed": answered is not None and answered.answer == PeerAnswer.CONFIRMED,
        "waiting": waiting,
        "link_text": "See or send requests" if requests else "Ask your peer to confirm the conversation",
    }
