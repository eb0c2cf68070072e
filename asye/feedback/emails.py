"""The email that carries a feedback link. The link is minted when the outbox builds the email
(`feedback_link_mint`): the outbox row holds only the request's id, never the token."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from academy.outbox.models import OutboxMessage
from academy.outbox.registry import DoNotSend, Email, register_email_kind, render_email

from .selectors import first_name
from .services import EMAIL_KIND, feedback_link_mint


def build_feedback_email(message: OutboxMessage) -> Email:
    try:
        minted = feedback_link_mint(request_id=message.object_id)
    except ValidationError as reason:
        raise DoNotSend(" ".join(reason.messages)) from None
    request = minted.request
    name = first_name(request.record.nqsw.user.full_name)
    return render_email(
        template="asye/feedback/email/request",
        context={
            "name": name,
            "setting": request.setting,
            "link": settings.SITE_URL.rstrip("/") + reverse("asye:feedback_link", args=[minted.token]),
            "expires_on": timezone.localtime(request.expires_at),
            "academy_name": settings.ACADEMY_NAME,
        },
        subject=f"{name} would like your feedback",
    )


def register_feedback_emails() -> None:
    register_email_kind(name=EMAIL_KIND, build=build_feedback_email)
