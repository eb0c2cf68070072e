"""Turn records into the words and tag colours the pages show, so templates only loop."""

from dataclasses import dataclass

from django.utils import timezone

from .models import AuditEntry, Invitation, Membership
from .roles import Role

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


AUDIT_VERBS = {
    "invitation.create": "Invitation sent",
    "invitation.resend": "Invitation sent again",
    "invitation.revoke": "Invitation revoked",
    "invitation.accept": "Invitation accepted",
    "membership.change_role": "Role changed",
    "membership.deactivate": "Role deactivated",
    "membership.reactivate": "Role reactivated",
    "team.create": "Team added",
    "framework_version.import": "Framework version imported",
    "organisation.update_settings": "Organisation settings changed",
}


@dataclass(frozen=True)
class AuditRow:
    entry: AuditEntry
    when: str
    what: str
    change: str


def _audit_value(key: str, value: object) -> str:
    if key == "role" and value in Role.values:
        return Role(value).label
    if value is None:
        return "not set"
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def audit_row(entry: AuditEntry) -> AuditRow:
    """An audit entry in words: apps add their verbs to AUDIT_VERBS; unknown ones show as stored."""
    before = {k: _audit_value(k, v) for k, v in entry.before.items()}
    after = {k: _audit_value(k, v) for k, v in entry.after.items()}
    parts = [
        f"{key.replace('_', ' ')}: {before[key]} → {after.get(key, '')}"
        if key in before
        else f"{key.replace('_', ' ')}: {after[key]}"
        for key in dict.fromkeys([*before, *after])
    ]
    return AuditRow(
        entry=entry,
        when=format_date(entry.created_at),
        what=AUDIT_VERBS.get(entry.verb, entry.verb),
        change="; ".join(parts),
    )
