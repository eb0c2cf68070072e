"""Turn records into the words and tag colours the pages show, so templates only loop."""

from dataclasses import dataclass

from django.utils import timezone

from .models import Invitation, Membership

INVITATION_TAG = {
    Invitation.Status.PENDING: "blue",
    Invitation.Status.ACCEPTED: "green",
    Invitation.Status.REVOKED: "grey",
    Invitation.Status.EXPIRED: "orange",
}


@dataclass(frozen=True)
class Tag:
    text: str
    colour: str


def invitation_tag(invitation: Invitation) -> Tag:
    status = invitation.status
    return Tag(status.label, INVITATION_TAG[status])


def membership_tag(membership: Membership) -> Tag:
    return Tag("Active", "green") if membership.is_active else Tag("Deactivated", "grey")


def format_date(value: object) -> str:
    if value is None:
        return "Not set"
    if hasattr(value, "tzinfo"):
        value = timezone.localtime(value)  # type: ignore[arg-type]
        return f"{value:%-d %B %Y at %-I:%M%p}".replace("AM", "am").replace("PM", "pm")
    return f"{value:%-d %B %Y}"


@dataclass(frozen=True)
class InvitationRow:
    invitation: Invitation
    tag: Tag
    can_resend: bool
    can_revoke: bool
    status_note: str


def invitation_row(invitation: Invitation) -> InvitationRow:
    status = invitation.status
    pending = status == Invitation.Status.PENDING
    if pending:
        note = f"Expires {format_date(invitation.expires_at)}"
    elif invitation.accepted_at:
        note = f"Accepted {format_date(invitation.accepted_at)}"
    elif invitation.revoked_at:
        note = f"Revoked {format_date(invitation.revoked_at)}"
    else:
        note = f"Expired {format_date(invitation.expires_at)}"
    return InvitationRow(
        invitation=invitation,
        tag=invitation_tag(invitation),
        can_resend=status in {Invitation.Status.PENDING, Invitation.Status.EXPIRED},
        can_revoke=pending,
        status_note=note,
    )
