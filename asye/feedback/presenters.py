"""Words, dates and tag colours of the feedback pages, so templates only loop."""

import datetime
from collections.abc import Iterable

from django.urls import reverse
from django.utils import timezone

from academy.components import Cell, PostButton, Tag
from academy.presenters import format_date

from .models import FeedbackChannel, FeedbackKind, FeedbackRequest, FeedbackRequestStatus

STATUS_TAG = {
    FeedbackRequestStatus.WAITING: "blue",
    FeedbackRequestStatus.ANSWERED: "green",
    FeedbackRequestStatus.EXPIRED: "grey",
    FeedbackRequestStatus.REVOKED: "grey",
}

REQUESTS_HEAD = ["Who it is from", "About", "How", "Status", "Answer"]


def status_tag(status: str) -> Tag:
    return Tag(FeedbackRequestStatus(status).label, STATUS_TAG[FeedbackRequestStatus(status)])


def request_rows(
    requests: Iterable[FeedbackRequest], *, now: datetime.datetime, can_revoke: bool
) -> list[list[object]]:
    rows: list[list[object]] = []
    for request in requests:
        status = request.status_at(now)
        buttons = (
            (
                PostButton(
                    reverse("asye:feedback_request_revoke", args=[request.pk]),
                    "Withdraw",
                    request.giver_description,
                ),
            )
            if can_revoke and status == FeedbackRequestStatus.WAITING
            else ()
        )
        hint = (
            f"Until {format_date(timezone.localdate(request.expires_at))}"
            if status == FeedbackRequestStatus.WAITING
            else ""
        )
        answer: object = ""
        if request.evidence is not None:
            answer = Cell(request.evidence.title, href=reverse("asye:evidence", args=[request.evidence.pk]))
        rows.append(
            [
                Cell(request.giver_description, hint=FeedbackKind(request.kind).label),
                request.setting,
                "Email" if request.channel == FeedbackChannel.EMAIL else "Code",
                Cell(tag=status_tag(status), hint=hint, buttons=buttons),
                answer,
            ]
        )
    return rows
