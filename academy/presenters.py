"""Turn records into the words and tag colours the pages show, so templates only loop."""

from dataclasses import dataclass

from django.urls import reverse
from django.utils import timezone

from .components import Cell, PostButton, Tag
from .models import AuditEntry, FrameworkVersion, Invitation, Membership, Notification, Organisation, Team
from .roles import Role

INVITATION_TAG = {
    Invitation.Status.PENDING: "blue",
    Invitation.Status.ACCEPTED: "green",
    Invitation.Status.REVOKED: "grey",
    Invitation.Status.EXPIRED: "orange",
}


def invitation_tag(invitation: Invitation) -> Tag:
    status = invitation.status
    return Tag(status.label, INVITATION_TAG[status])


def membership_tag(membership: Membership) -> Tag:
    if membership.ended_on is not None and membership.ended_on < timezone.localdate():
        return Tag("Ended", "grey")
    return Tag("Active", "green") if membership.is_active else Tag("Deactivated", "grey")


def notification_tag(notification: Notification) -> Tag | None:
    """Unread notifications carry a tag; read ones none."""
    return None if notification.read_at else Tag("Unread", "blue")


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
    "organisation.update_settings": "Organisation settings changed",
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
    if value is None:
        return "not set"
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


# --- Tables and summary lists: rows for {% govuk_table %} and {% summary_list %} ---------------

PEOPLE_HEAD = ["Name", "Role", "Organisation", "Status"]


def membership_table_row(membership: Membership) -> list[object]:
    user = membership.user
    return [
        Cell(user.display_name, href=reverse("academy:membership", args=[membership.pk]), hint=user.email),
        Cell(membership.get_role_display(), hint=membership.team.name if membership.team else ""),
        membership.organisation.name,
        Cell(tag=membership_tag(membership)),
    ]


def membership_summary(membership: Membership) -> list[dict[str, object]]:
    tag = membership_tag(membership)
    since = f"since {format_date(membership.deactivated_at.date())}" if membership.deactivated_at else ""
    return [
        {"key": "Email address", "value": membership.user.email},
        {"key": "Role", "value": membership.get_role_display()},
        {"key": "Team", "value": str(membership.team) if membership.team else "No team"},
        {
            "key": "Started",
            "value": format_date(membership.started_on) if membership.started_on else "Not recorded",
        },
        {"key": "Ends", "value": format_date(membership.ended_on) if membership.ended_on else "No end date"},
        {"key": "Status", "value": Cell(since, tag=tag)},
    ]


INVITATIONS_HEAD = ["Person", "Role and organisation", "Status", "Actions"]


def invitation_table_row(row: InvitationRow) -> list[object]:
    invitation = row.invitation
    buttons = []
    if row.can_resend:
        url = reverse("academy:invitation_resend", args=[invitation.pk])
        buttons.append(PostButton(url, "Resend", hidden=f"to {invitation.email}"))
    if row.can_revoke:
        url = reverse("academy:invitation_revoke", args=[invitation.pk])
        buttons.append(
            PostButton(url, "Revoke", hidden=f"invitation for {invitation.email}", style="warning")
        )
    return [
        Cell(invitation.full_name or invitation.email, hint=invitation.email),
        Cell(invitation.get_role_display(), hint=invitation.organisation.name),
        Cell(tag=row.tag, hint=row.status_note),
        Cell(buttons=buttons),
    ]


def in_scope_caption(what: str, organisation: Organisation | None) -> str:
    """ "Teams in Brackenmoor", or "… and its member organisations" for a partnership."""
    if organisation is None:
        return what
    members = " and its member organisations" if organisation.kind == Organisation.Kind.PARTNERSHIP else ""
    return f"{what} in {organisation.name}{members}"


TEAMS_HEAD = ["Team", "Service area", "Organisation", Cell("Active people", numeric=True)]


def team_table_row(team: Team) -> list[object]:
    active = getattr(team, "active_people", 0)  # annotated by selectors.teams_visible_to
    return [
        team.name,
        team.get_service_area_display(),
        team.organisation.name,
        Cell(str(active), numeric=True),
    ]


AUDIT_HEAD = ["When", "Who", "What", "Record", "Change"]


def audit_table_row(row: AuditRow) -> list[object]:
    entry = row.entry
    return [
        row.when,
        row.who,
        row.what,
        Cell(entry.object_repr, hint=row.where),
        Cell(row.change, small=True),
    ]


FRAMEWORK_VERSION_TAG = {
    FrameworkVersion.Status.CURRENT: "green",
    FrameworkVersion.Status.SUPERSEDED: "grey",
    FrameworkVersion.Status.TO_BE_CHECKED: "yellow",
}


def framework_version_tag(version: FrameworkVersion) -> Tag:
    status = FrameworkVersion.Status(version.status)
    return Tag(status.label, FRAMEWORK_VERSION_TAG[status])


def framework_version_summary(version: FrameworkVersion, *, show_notes: bool) -> list[dict[str, object]]:
    """Publisher, source, dates in force and (for those who may import versions) the notes on
    what is still to be checked."""
    in_force = " ".join(
        part
        for part in (
            f"From {format_date(version.in_force_from)}" if version.in_force_from else "",
            f"until {format_date(version.in_force_until)}" if version.in_force_until else "",
        )
        if part
    )
    rows: list[dict[str, object]] = [
        {"key": "Publisher", "value": version.framework.publisher},
        {"key": "Source", "value": Cell(version.source_title, href=version.source_url)},
        {"key": "In force", "value": (in_force[:1].upper() + in_force[1:]) or "Not recorded"},
    ]
    if show_notes and version.notes:
        rows.append({"key": "Notes", "value": version.notes})
    return rows


# The example rows on the framework import page, shown as a table.
FRAMEWORK_CSV_EXAMPLE_HEAD = ["code", "parent", "title", "title_confirmed"]
FRAMEWORK_CSV_EXAMPLE_ROWS = [
    ["1", "", "First domain", "yes"],
    ["1.1", "1", "(blank until checked)", "no"],
]
