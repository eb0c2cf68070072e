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
    if membership.ended_on is not None and membership.ended_on < timezone.localdate():
        return Tag("Ended", "grey")
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
    "membership.set_dates": "Employment dates changed",
    "membership.end": "Role ended: employment end date passed",
    "team.create": "Team added",
    "framework_version.import": "Framework version imported (all organisations)",
    "email_address.release": "Unverified email address released for an invitation",
    "signin.success": "Signed in",
    "signin.failed": "Failed sign-in: wrong email address or password",
    "signin.code_failed": "Failed sign-in: wrong authentication code",
    "mfa.add": "Two-factor authentication set up",
    "mfa.remove": "Two-factor authentication removed",
    "mfa.reset": "Two-factor recovery codes replaced",
}
ADMIN_ACTIONS = {"add": "added", "change": "changed", "delete": "deleted"}
NO_ACTOR = {"signin.failed": "Not signed in", "signin.code_failed": "Not signed in"}


@dataclass(frozen=True)
class AuditRow:
    entry: AuditEntry
    when: str
    who: str
    what: str
    where: str
    change: str


def _audit_what(entry: AuditEntry) -> str:
    if entry.verb in AUDIT_VERBS:
        return AUDIT_VERBS[entry.verb]
    parts = entry.verb.split(".")
    if len(parts) == 3 and parts[0] == "admin" and parts[2] in ADMIN_ACTIONS:
        model = entry.content_type.model_class()
        name = str(model._meta.verbose_name) if model else parts[1]
        return f"{name[:1].upper()}{name[1:]} {ADMIN_ACTIONS[parts[2]]} in the Django admin"
    return entry.verb


def _audit_value(key: str, value: object) -> str:
    if key == "role" and value in Role.values:
        return Role(value).label
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def audit_row(entry: AuditEntry) -> AuditRow:
    """An audit entry in words: apps add their verbs to AUDIT_VERBS; changes made in the Django
    admin are named from their model; unknown verbs show as stored."""
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
        who=entry.actor.display_name if entry.actor else NO_ACTOR.get(entry.verb, "System"),
        what=_audit_what(entry),
        where=entry.organisation.name if entry.organisation else "All organisations",
        change="; ".join(parts),
    )
