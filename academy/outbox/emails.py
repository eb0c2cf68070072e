"""The core's own kinds of email: notifications and invitations. Registered from
`AcademyConfig.ready()` through `register_core_kinds()`; apps register theirs the same way."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from academy.models import Invitation, Membership, Notification
from academy.selectors import current_membership_q

from .models import OutboxMessage
from .registry import DoNotSend, Email, register_email_kind, render_email

NOTIFICATION = "notification"
INVITATION = "invitation"


def _site_link(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


# --- Notifications ----------------------------------------------------------------------------


def build_notification_email(message: OutboxMessage) -> Email:
    notification = (
        Notification.objects.select_related("recipient").filter(pk=message.object_id).first()
        if message.object_id
        else None
    )
    if notification is None:
        raise DoNotSend("The notification no longer exists.")
    if (
        notification.organisation_id is not None
        and not Membership.objects.filter(
            current_membership_q(),
            user_id=notification.recipient_id,
            organisation_id=notification.organisation_id,
        ).exists()
    ):
        raise DoNotSend("The person has left the organisation this notification is about.")
    return render_email(
        template="academy/email/notification",
        context={
            "notification": notification,
            "link": _site_link(notification.url or reverse("academy:notifications")),
            "academy_name": settings.ACADEMY_NAME,
        },
        subject=f"{settings.ACADEMY_NAME}: {notification.title}",
    )


def notification_emailed(message: OutboxMessage) -> None:
    Notification.objects.filter(pk=message.object_id, emailed_at__isnull=True).update(
        emailed_at=timezone.now()
    )


# --- Invitations ------------------------------------------------------------------------------


def build_invitation_email(message: OutboxMessage) -> Email:
    """The link is minted here, at send time: a fresh token whose hash replaces the one on the
    invitation. The token itself lives only in this email — never in the broker or a table."""
    from academy.services import invitation_token_mint

    try:
        minted = invitation_token_mint(
            invitation_id=message.object_id, send_number=int(message.context.get("send_number", 0))
        )
    except ValidationError as reason:
        raise DoNotSend(" ".join(reason.messages)) from None
    invitation = minted.invitation
    return render_email(
        template="academy/email/invitation",
        context={
            "invitation": invitation,
            "link": _site_link(reverse("academy:invitation_accept", args=[minted.token])),
            "academy_name": settings.ACADEMY_NAME,
            "expires_on": timezone.localtime(invitation.expires_at),
        },
        subject=f"{settings.ACADEMY_NAME}: you are invited to join {invitation.organisation.name}",
    )


def invitation_emailed(message: OutboxMessage) -> None:
    Invitation.objects.filter(pk=message.object_id).update(sent_at=timezone.now())


def register_core_kinds() -> None:
    register_email_kind(name=NOTIFICATION, build=build_notification_email, on_sent=notification_emailed)
    register_email_kind(name=INVITATION, build=build_invitation_email, on_sent=invitation_emailed)
