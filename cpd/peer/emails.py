"""The email that asks a peer to confirm a conversation. The link is minted when the outbox
builds the email (`peer_link_mint`): the outbox row holds only the request's id, never the
token. The email names the person and the date of the conversation, nothing of the record."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from academy.outbox.models import OutboxMessage
from academy.outbox.registry import DoNotSend, Email, register_email_kind, render_email

from .services import EMAIL_KIND, peer_link_mint


def build_peer_confirmation_email(message: OutboxMessage) -> Email:
    try:
        minted = peer_link_mint(request_id=message.object_id)
    except ValidationError as reason:
        raise DoNotSend(" ".join(reason.messages)) from None
    request = minted.request
    person = request.record.person.full_name or "A social worker"
    path = reverse("cpd:peer_confirm", args=[request.pk, minted.token])
    return render_email(
        template="cpd/peer/email/request",
        context={
            "peer_name": request.peer_name,
            "person": person,
            "discussed_on": request.discussed_on,
            "link": settings.SITE_URL.rstrip("/") + path,
            "expires_on": timezone.localtime(request.expires_at),
            "academy_name": settings.ACADEMY_NAME,
        },
        subject=f"{person} asks you to confirm a conversation",
    )


def register_peer_emails() -> None:
    register_email_kind(name=EMAIL_KIND, build=build_peer_confirmation_email)
