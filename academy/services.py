"""Writes in the core: invitations, memberships and notifications. Each is typed, keyword-only,
validates before saving and writes its audit entry in the same transaction."""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Model, QuerySet
from django.db.models.functions import Lower
from django.utils import timezone

from .audit import audit_log, audit_log_each
from .models import (
    Framework,
    FrameworkVersion,
    Invitation,
    Membership,
    Notification,
    Organisation,
    OutboxMessage,
    Team,
    User,
)
from .outbox.services import outbox_enqueue, outbox_enqueue_many
from .reference_data import require_reference_data_publisher
from .roles import STAFF_ROLES, Role, grantable_roles
from .selectors import roles_held_over, unread_count_cache_key, user_holds_email, users_with_email


def _hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _require_can_grant(*, actor: User, organisation: Organisation, role: str) -> None:
    held = roles_held_over(user=actor, organisation=organisation)
    if Role(role) not in grantable_roles(held):
        raise PermissionDenied("You cannot give that role in this organisation.")


def _save_or_explain(obj: Model, message: str, *, field: str, update_fields: list[str] | None = None) -> None:
    """Save, turning a unique constraint lost to a concurrent request (a double-click, two
    staff at once) into the same message validation gives."""
    try:
        with transaction.atomic():
            obj.save(update_fields=update_fields)
    except IntegrityError:
        raise ValidationError({field: message}) from None


def _require_staff(*, actor: User, organisation: Organisation) -> None:
    if not roles_held_over(user=actor, organisation=organisation) & STAFF_ROLES:
        raise PermissionDenied("Only academy admins and principal social workers can do this here.")


@transaction.atomic
def team_create(*, actor: User, organisation: Organisation, name: str, service_area: str) -> Team:
    _require_staff(actor=actor, organisation=organisation)
    team = Team(organisation=organisation, name=name.strip(), service_area=service_area)
    team.full_clean()
    _save_or_explain(team, "This organisation already has a team with that name.", field="name")
    audit_log(
        actor=actor,
        verb="team.create",
        obj=team,
        organisation=organisation,
        after={"name": team.name, "service_area": service_area},
    )
    return team


@dataclass(frozen=True)
class IssuedInvitation:
    """An invitation and the email queued for it. The link is not here: it is minted when the
    outbox sends the email (`invitation_token_mint`), so no token waits anywhere in clear."""

    invitation: Invitation
    email: OutboxMessage


@dataclass(frozen=True)
class MintedLink:
    invitation: Invitation
    token: str


def _renew_expiry(invitation: Invitation) -> None:
    """A new expiry, and an unusable token hash until the email is sent: no link works until
    the outbox mints one, and an older link stops working now."""
    invitation.token_hash = _hash_token(secrets.token_urlsafe(32))
    invitation.expires_at = timezone.now() + timedelta(days=settings.INVITATION_EXPIRY_DAYS)


def _invitation_dedupe_key(invitation: Invitation) -> str:
    """The outbox key of the invitation's latest send."""
    return f"invitation:{invitation.pk}:{invitation.send_count}"


def _queue_invitation_email(*, invitation: Invitation) -> OutboxMessage:
    """Queue the invitation email in the outbox, in the caller's transaction; the caller saves
    the invitation. Each send has its own number, and only the latest one is sent."""
    invitation.send_count += 1
    return outbox_enqueue(
        kind="invitation",
        to_email=invitation.email,
        dedupe_key=_invitation_dedupe_key(invitation),
        organisation=invitation.organisation,
        about=invitation,
        context={"send_number": invitation.send_count},
    )


@transaction.atomic
def invitation_token_mint(*, invitation_id: str, send_number: int) -> MintedLink:
    """Issue a fresh link for a pending invitation as its email is built (called by the
    outbox). Only the token's hash is stored; any earlier link stops working. Refused when the
    invitation is no longer pending or a later send replaced this one."""
    invitation = (
        Invitation.objects.select_for_update(of=("self",))
        .select_related("organisation", "invited_by", "team")
        .filter(pk=invitation_id)
        .first()
    )
    if invitation is None:
        raise ValidationError("The invitation no longer exists.")
    if invitation.status != Invitation.Status.PENDING:
        raise ValidationError(f"The invitation is {invitation.status.label.lower()}.")
    if send_number != invitation.send_count:
        raise ValidationError("A later email for this invitation replaced this one.")
    token = secrets.token_urlsafe(32)
    invitation.token_hash = _hash_token(token)
    invitation.save(update_fields=["token_hash", "updated_at"])
    return MintedLink(invitation=invitation, token=token)


@transaction.atomic
def invitation_create(
    *,
    actor: User,
    organisation: Organisation,
    email: str,
    role: str,
    full_name: str = "",
    team: Team | None = None,
) -> IssuedInvitation:
    _require_can_grant(actor=actor, organisation=organisation, role=role)
    # Invitations to one organisation are created one at a time, so two identical requests at
    # the same instant (a double-click, two staff) cannot both pass the duplicate check below.
    Organisation.objects.select_for_update().filter(pk=organisation.pk).first()
    email = User.objects.normalize_email(email).strip()
    if Membership.objects.filter(
        user__in=users_with_email(email=email), organisation=organisation, role=role
    ).exists():
        raise ValidationError(
            {
                "email": "This person already has that role in this organisation. If their access "
                "ended, reactivate it from their page in People."
            }
        )
    if Invitation.objects.filter(
        email__iexact=email,
        organisation=organisation,
        role=role,
        accepted_at__isnull=True,
        revoked_at__isnull=True,
        expires_at__gt=timezone.now(),
    ).exists():
        raise ValidationError(
            {"email": "An invitation for this person and role is already waiting. Resend it instead."}
        )
    if team is not None and team.organisation_id != organisation.pk:
        raise ValidationError({"team": "Choose a team in this organisation."})
    try:
        _require_address_not_flooded(email)
    except ValidationError as error:
        raise ValidationError({"email": error.messages}) from None
    invitation = Invitation(
        email=email,
        full_name=full_name,
        organisation=organisation,
        role=role,
        team=team,
        invited_by=actor,
    )
    _renew_expiry(invitation)
    email_message = _queue_invitation_email(invitation=invitation)
    invitation.full_clean()
    invitation.save()
    audit_log(
        actor=actor,
        verb="invitation.create",
        obj=invitation,
        organisation=organisation,
        after={"email": email, "role": role},
    )
    return IssuedInvitation(invitation=invitation, email=email_message)


@dataclass(frozen=True)
class Invitee:
    email: str
    full_name: str = ""
    team: Team | None = None


@transaction.atomic
def invitations_create_many(
    *, actor: User, organisation: Organisation, role: str, invitees: list[Invitee]
) -> dict[str, Invitation]:
    """`invitation_create` for many people at once (a cohort import), with the same rules
    checked set-based: a fixed number of queries whatever the number of people. Refuses them all
    (ValidationError naming the addresses) if any already has the role here, has an invitation
    waiting, or has had the most invitation emails allowed in 24 hours. Returns the invitations
    by lower-case email; their emails are queued in the outbox and leave after commit."""
    _require_can_grant(actor=actor, organisation=organisation, role=role)
    Organisation.objects.select_for_update().filter(pk=organisation.pk).first()
    if not invitees:
        return {}
    emails = [User.objects.normalize_email(i.email).strip() for i in invitees]
    lowered = sorted({e.lower() for e in emails})
    if len(lowered) != len(emails):
        raise ValidationError("Each person may be invited once.")
    taken = set(
        Membership.objects.annotate(email_lower=Lower("user__email"))
        .filter(email_lower__in=lowered, organisation=organisation, role=role)
        .values_list("email_lower", flat=True)
    )
    waiting = set(
        Invitation.objects.annotate(email_lower=Lower("email"))
        .filter(
            email_lower__in=lowered,
            organisation=organisation,
            role=role,
            accepted_at__isnull=True,
            revoked_at__isnull=True,
            expires_at__gt=timezone.now(),
        )
        .values_list("email_lower", flat=True)
    )
    most = settings.INVITATION_MAX_EMAILS_PER_ADDRESS_PER_DAY
    flooded = {
        row["email_lower"]
        for row in OutboxMessage.objects.annotate(email_lower=Lower("to_email"))
        .filter(
            kind="invitation", created_at__gt=timezone.now() - timedelta(hours=24), email_lower__in=lowered
        )
        .values("email_lower")
        .annotate(n=Count("id"))
        .filter(n__gte=most)
    }
    for problem, found in (
        ("already have that role in this organisation", taken),
        ("have an invitation waiting", waiting),
        ("have had the most invitation emails allowed in 24 hours", flooded),
    ):
        if found:
            raise ValidationError(f"These people {problem}: {', '.join(sorted(found))}.")
    if any(i.team is not None and i.team.organisation_id != organisation.pk for i in invitees):
        raise ValidationError({"team": "Choose a team in this organisation."})
    invitations = []
    for invitee, email in zip(invitees, emails, strict=True):
        invitation = Invitation(
            email=email,
            full_name=invitee.full_name,
            organisation=organisation,
            role=role,
            team=invitee.team,
            invited_by=actor,
            send_count=1,
        )
        _renew_expiry(invitation)
        # The constraint (never both accepted and revoked) holds for a new row: no query per row.
        invitation.full_clean(
            exclude=["organisation", "team", "invited_by"], validate_unique=False, validate_constraints=False
        )
        invitations.append(invitation)
    Invitation.objects.bulk_create(invitations)
    content_type = ContentType.objects.get_for_model(Invitation)
    outbox_enqueue_many(
        kind="invitation",
        messages=[
            {
                "to_email": invitation.email,
                "organisation_id": organisation.pk,
                "content_type": content_type,
                "object_id": str(invitation.pk),
                "context": {"send_number": invitation.send_count},
                "dedupe_key": _invitation_dedupe_key(invitation),
            }
            for invitation in invitations
        ],
    )
    audit_log_each(
        actor=actor,
        verb="invitation.create",
        changes=[(i, organisation, {}, {"email": i.email, "role": role}) for i in invitations],
    )
    return {invitation.email.lower(): invitation for invitation in invitations}


def _require_pending(invitation: Invitation) -> None:
    if invitation.accepted_at or invitation.revoked_at:
        raise ValidationError(f"This invitation has been {invitation.status.label.lower()}.")


def _require_address_not_flooded(email: str) -> None:
    """At most INVITATION_MAX_EMAILS_PER_ADDRESS_PER_DAY invitation emails to one address in
    any 24 hours, whichever invitations, organisations and staff caused them: revoking and
    inviting again does not start the count afresh."""
    most = settings.INVITATION_MAX_EMAILS_PER_ADDRESS_PER_DAY
    since = timezone.now() - timedelta(hours=24)
    recent = list(
        OutboxMessage.objects.filter(kind="invitation", created_at__gt=since, to_email__iexact=email)
        .order_by("created_at")
        .values_list("created_at", flat=True)[:most]
    )
    if len(recent) >= most:
        again = timezone.localtime(recent[0] + timedelta(hours=24))
        emails = "invitation email" if most == 1 else "invitation emails"
        raise ValidationError(
            f"{email} has been sent {most} {emails} in the last 24 hours, the most allowed. "
            f"Check the address with the person. Another can be sent after {again:%-I:%M%p on %-d %B}."
        )


def _require_resend_allowed(invitation: Invitation) -> None:
    """Limit resends, so an invitation cannot be used to flood someone's inbox. The reasons
    are written for the staff member who pressed the button."""
    most = settings.INVITATION_MAX_SENDS
    if invitation.send_count >= most:
        raise ValidationError(
            f"This invitation has already been sent {invitation.send_count} times, the most allowed. "
            "Check the email address with the person, and ask them to look in their junk or spam "
            "folder. If the address is wrong, invite them at the right one."
        )
    wait = timedelta(minutes=settings.INVITATION_RESEND_MINUTES)
    # The last send counts from when it was queued: a slow mail server must not let a second
    # press through before the first email has even left.
    queued = (
        OutboxMessage.objects.filter(dedupe_key=_invitation_dedupe_key(invitation))
        .values_list("created_at", flat=True)
        .first()
    )
    last = max((t for t in (invitation.sent_at, queued) if t is not None), default=None)
    if last is not None and last + wait > timezone.now():
        again = f"{timezone.localtime(last + wait):%-I:%M%p}".lower()
        raise ValidationError(
            f"This invitation was sent less than {settings.INVITATION_RESEND_MINUTES} minutes ago. "
            "Emails can take a few minutes to arrive: ask them to look in their junk or spam "
            f"folder. You can send it again after {again}."
        )
    _require_address_not_flooded(invitation.email)


@transaction.atomic
def invitation_resend(*, actor: User, invitation: Invitation) -> IssuedInvitation:
    """Send a fresh link with a new expiry. The old link stops working."""
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    _require_can_grant(actor=actor, organisation=invitation.organisation, role=invitation.role)
    _require_pending(invitation)
    _require_resend_allowed(invitation)
    _renew_expiry(invitation)
    email_message = _queue_invitation_email(invitation=invitation)
    invitation.save()
    audit_log(
        actor=actor,
        verb="invitation.resend",
        obj=invitation,
        organisation=invitation.organisation,
        after={"expires_at": invitation.expires_at.isoformat()},
    )
    return IssuedInvitation(invitation=invitation, email=email_message)


@transaction.atomic
def invitation_revoke(*, actor: User, invitation: Invitation) -> Invitation:
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    _require_can_grant(actor=actor, organisation=invitation.organisation, role=invitation.role)
    _require_pending(invitation)
    invitation.revoked_at = timezone.now()
    invitation.revoked_by = actor
    invitation.save(update_fields=["revoked_at", "revoked_by", "updated_at"])
    audit_log(actor=actor, verb="invitation.revoke", obj=invitation, organisation=invitation.organisation)
    return invitation


def invitation_find_by_token(*, token: str) -> Invitation | None:
    """Any invitation with this token, whatever its state: the page explains expired,
    revoked and used links."""
    return (
        Invitation.objects.select_related("organisation", "team")
        .filter(token_hash=_hash_token(token))
        .first()
    )


def invitation_check_usable(*, invitation: Invitation, user: User | None = None) -> None:
    """Raise ValidationError unless the invitation can still be accepted (by `user`, when
    they already have an account). Checked when the link opens and again on accepting."""
    if invitation.status != Invitation.Status.PENDING:
        raise ValidationError(f"This invitation has {invitation.status.label.lower()}.")
    no_longer = "This invitation is no longer valid. Ask for a new one."
    # The inviter's authority is checked again: an invitation from someone who has since lost
    # the role (or left) grants nothing.
    try:
        if invitation.invited_by is None:
            raise PermissionDenied
        _require_can_grant(
            actor=invitation.invited_by, organisation=invitation.organisation, role=invitation.role
        )
    except PermissionDenied:
        raise ValidationError(no_longer) from None
    if user is None:
        return
    if not user_holds_email(user=user, email=invitation.email):
        raise ValidationError("This invitation was sent to a different email address.")
    existing = Membership.objects.filter(
        user=user, organisation=invitation.organisation, role=invitation.role
    ).first()
    if existing and existing.deactivated_at and existing.deactivated_at > invitation.created_at:
        # Access ended after this invitation was sent: only a newer invitation restores it.
        raise ValidationError(no_longer)


@transaction.atomic
def invitation_accept(*, token: str, user: User) -> Membership:
    """Turn a pending invitation into a membership for `user`, whose email must match."""
    found = invitation_find_by_token(token=token)
    if found is None:
        raise ValidationError("This invitation link is not valid.")
    invitation = Invitation.objects.select_for_update().get(pk=found.pk)
    invitation_check_usable(invitation=invitation, user=user)
    membership, created = Membership.objects.get_or_create(
        user=user,
        organisation=invitation.organisation,
        role=invitation.role,
        defaults={"team": invitation.team, "started_on": timezone.localdate()},
    )
    ended = membership.ended_on is not None and membership.ended_on < timezone.localdate()
    if not created and (not membership.is_active or ended):
        # A new invitation starts the role again: an end date that has passed no longer applies.
        membership.is_active = True
        membership.deactivated_at = None
        membership.ended_on = None if ended else membership.ended_on
        membership.save(update_fields=["is_active", "deactivated_at", "ended_on", "updated_at"])
    if not user.full_name and invitation.full_name:
        user.full_name = invitation.full_name
        user.save(update_fields=["full_name", "updated_at"])
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by", "updated_at"])
    # Any other link for the same person, organisation and role is spent too.
    Invitation.objects.filter(
        email__iexact=invitation.email,
        organisation=invitation.organisation,
        role=invitation.role,
        accepted_at__isnull=True,
        revoked_at__isnull=True,
    ).exclude(pk=invitation.pk).update(revoked_at=invitation.accepted_at, updated_at=invitation.accepted_at)
    audit_log(
        actor=user,
        verb="invitation.accept",
        obj=invitation,
        organisation=invitation.organisation,
        after={"membership": str(membership.pk), "role": invitation.role},
    )
    return membership


@transaction.atomic
def email_release_unverified_claims(*, invitation: Invitation) -> int:
    """Drop unverified claims on the invited address held by other accounts. The invitation
    link proves who owns the address; a claim nobody verified (made before people could no
    longer add addresses) must not stop them signing up. Returns how many were dropped."""
    from allauth.account.models import EmailAddress

    claims = list(
        EmailAddress.objects.select_for_update()
        .filter(email__iexact=invitation.email, verified=False)
        .exclude(user__email__iexact=invitation.email)
        .select_related("user")
    )
    for claim in claims:
        audit_log(
            actor=None,
            verb="email_address.release",
            obj=claim.user,
            organisation=invitation.organisation,
            before={"email": claim.email, "verified": False},
        )
    EmailAddress.objects.filter(pk__in=[c.pk for c in claims]).delete()
    return len(claims)


@transaction.atomic
def membership_change_role(*, actor: User, membership: Membership, role: str) -> Membership:
    membership = (
        Membership.objects.select_for_update().select_related("organisation", "user").get(pk=membership.pk)
    )
    organisation = membership.organisation
    if membership.user_id == actor.pk:
        raise ValidationError({"role": "You cannot change your own role."})
    _require_can_grant(actor=actor, organisation=organisation, role=membership.role)
    _require_can_grant(actor=actor, organisation=organisation, role=role)
    if role == membership.role:
        return membership
    if Membership.objects.filter(user=membership.user, organisation=organisation, role=role).exists():
        raise ValidationError({"role": "This person already has that role in this organisation."})
    before = {"role": membership.role}
    membership.role = role
    membership.full_clean()
    _save_or_explain(
        membership,
        "This person already has that role in this organisation.",
        field="role",
        update_fields=["role", "updated_at"],
    )
    audit_log(
        actor=actor,
        verb="membership.change_role",
        obj=membership,
        organisation=organisation,
        before=before,
        after={"role": role},
    )
    return membership


@transaction.atomic
def membership_set_active(*, actor: User, membership: Membership, active: bool) -> Membership:
    """Deactivate or reactivate one membership. Records stay; a person left with no active
    membership can no longer sign in."""
    membership = (
        Membership.objects.select_for_update().select_related("organisation", "user").get(pk=membership.pk)
    )
    _require_can_grant(actor=actor, organisation=membership.organisation, role=membership.role)
    if membership.user_id == actor.pk and not active:
        raise ValidationError("You cannot deactivate your own access.")
    if membership.is_active == active:
        return membership
    if active and membership.ended_on and membership.ended_on < timezone.localdate():
        raise ValidationError(
            f"Their employment in this role ended on {membership.ended_on:%-d %B %Y}. "
            "Change or remove the end date first."
        )
    membership.is_active = active
    membership.deactivated_at = None if active else timezone.now()
    membership.save(update_fields=["is_active", "deactivated_at", "updated_at"])
    audit_log(
        actor=actor,
        verb="membership.reactivate" if active else "membership.deactivate",
        obj=membership,
        organisation=membership.organisation,
        before={"is_active": not active},
        after={"is_active": active},
    )
    return membership


def notification_send(
    *,
    recipient: User,
    title: str,
    body: str = "",
    url: str = "",
    organisation: Organisation | None = None,
    email: bool = False,
) -> Notification:
    """Put a message in someone's portal inbox and, with `email`, queue it for their email
    once the surrounding transaction commits. The reminder engine calls this. `url` is a path
    inside the portal."""
    if url and (not url.startswith("/") or url.startswith("//")):
        raise ValidationError(
            {"url": "A notification links to a page of the portal: a path such as /notifications/."}
        )
    notification = Notification(
        recipient=recipient, organisation=organisation, title=title, body=body, url=url, send_email=email
    )
    notification.full_clean()
    notification.save()
    key = unread_count_cache_key(recipient.pk)
    transaction.on_commit(lambda: cache.delete(key))
    if email:
        outbox_enqueue(
            kind="notification",
            to_email=recipient.email,
            dedupe_key=f"notification:{notification.pk}",
            recipient=recipient,
            organisation=organisation,
            about=notification,
        )
    return notification


def notifications_mark_read(*, user: User, notifications: QuerySet[Notification]) -> int:
    """Mark the given notifications read, only ever the user's own. Returns how many changed."""
    changed = notifications.filter(recipient=user, read_at__isnull=True).update(read_at=timezone.now())
    cache.delete(unread_count_cache_key(user.pk))
    return changed


@transaction.atomic
def framework_version_import(
    *,
    actor: User,
    framework: Framework,
    version: dict[str, Any],
    elements: list[dict[str, Any]],
) -> FrameworkVersion:
    """Add a new version of a framework, as data, through the same loader the shipped files
    use. Refuses to touch an existing version: a correction is published as a new one.
    Versions are shared by every organisation: only a reference data publisher may add one,
    and the audit entry belongs to no organisation, so every academy admin reads it."""
    from .frameworks import FrameworkDataError, load_framework_data

    require_reference_data_publisher(actor)

    if framework.versions.filter(slug=version["slug"]).exists():
        raise ValidationError({"slug": "This framework already has a version with that short name."})
    try:
        load_framework_data({"slug": framework.slug, "versions": [{**version, "elements": elements}]})
    except FrameworkDataError as error:
        raise ValidationError(str(error)) from None
    created = framework.versions.get(slug=version["slug"])
    audit_log(
        actor=actor,
        verb="framework_version.import",
        obj=created,
        organisation=None,
        after={"framework": framework.slug, "version": created.slug, "elements": created.elements.count()},
    )
    return created
