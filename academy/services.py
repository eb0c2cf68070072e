"""Writes in the core: invitations, memberships and notifications. Each is typed, keyword-only,
validates before saving and writes its audit entry in the same transaction."""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Model, QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from .audit import audit_log
from .models import (
    Framework,
    FrameworkVersion,
    Invitation,
    Membership,
    Notification,
    Organisation,
    Team,
    User,
)
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
    invitation: Invitation
    token: str


def _issue_token(invitation: Invitation) -> str:
    token = secrets.token_urlsafe(32)
    invitation.token_hash = _hash_token(token)
    invitation.expires_at = timezone.now() + timedelta(days=settings.INVITATION_EXPIRY_DAYS)
    return token


def _send_invitation_email(*, invitation: Invitation, token: str) -> None:
    link = settings.SITE_URL.rstrip("/") + reverse("academy:invitation_accept", args=[token])
    context = {
        "invitation": invitation,
        "link": link,
        "academy_name": settings.ACADEMY_NAME,
        "expires_on": timezone.localtime(invitation.expires_at),
    }
    subject = f"{settings.ACADEMY_NAME}: you are invited to join {invitation.organisation.name}"
    body = render_to_string("academy/email/invitation.txt", context)
    # Sent after commit: a rolled-back invitation never reaches anyone's inbox.
    transaction.on_commit(lambda: send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [invitation.email]))
    invitation.sent_at = timezone.now()
    invitation.send_count += 1


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
    invitation = Invitation(
        email=email,
        full_name=full_name,
        organisation=organisation,
        role=role,
        team=team,
        invited_by=actor,
    )
    token = _issue_token(invitation)
    _send_invitation_email(invitation=invitation, token=token)
    invitation.full_clean()
    invitation.save()
    audit_log(
        actor=actor,
        verb="invitation.create",
        obj=invitation,
        organisation=organisation,
        after={"email": email, "role": role},
    )
    return IssuedInvitation(invitation=invitation, token=token)


def _require_pending(invitation: Invitation) -> None:
    if invitation.accepted_at or invitation.revoked_at:
        raise ValidationError(f"This invitation has been {invitation.status.label.lower()}.")


def _require_resend_allowed(invitation: Invitation) -> None:
    """Limit resends, so an invitation cannot be used to flood someone's inbox. The reasons
    are written for the staff member who pressed the button."""
    most = settings.INVITATION_MAX_SENDS
    if invitation.send_count >= most:
        raise ValidationError(
            f"This invitation has already been sent {invitation.send_count} times, the most allowed. "
            "Check the email address with the person. To try again, revoke this invitation and "
            "send a new one."
        )
    wait = timedelta(minutes=settings.INVITATION_RESEND_MINUTES)
    if invitation.sent_at is not None and invitation.sent_at + wait > timezone.now():
        again = f"{timezone.localtime(invitation.sent_at + wait):%-I:%M%p}".lower()
        raise ValidationError(
            f"This invitation was sent less than {settings.INVITATION_RESEND_MINUTES} minutes ago. "
            "Emails can take a few minutes to arrive: ask them to look in their junk or spam "
            f"folder. You can send it again after {again}."
        )


@transaction.atomic
def invitation_resend(*, actor: User, invitation: Invitation) -> IssuedInvitation:
    """Send a fresh link with a new expiry. The old link stops working."""
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    _require_can_grant(actor=actor, organisation=invitation.organisation, role=invitation.role)
    _require_pending(invitation)
    _require_resend_allowed(invitation)
    token = _issue_token(invitation)
    _send_invitation_email(invitation=invitation, token=token)
    invitation.save()
    audit_log(
        actor=actor,
        verb="invitation.resend",
        obj=invitation,
        organisation=invitation.organisation,
        after={"expires_at": invitation.expires_at.isoformat()},
    )
    return IssuedInvitation(invitation=invitation, token=token)


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
        from .tasks import notification_email

        transaction.on_commit(lambda: notification_email.delay(str(notification.pk)))
    return notification


def _still_relevant(notification_id: str) -> bool:
    notification = Notification.objects.get(pk=notification_id)
    return (
        notification.organisation_id is None
        or Membership.objects.filter(
            user_id=notification.recipient_id, organisation_id=notification.organisation_id, is_active=True
        ).exists()
    )


def notification_email_deliver(*, notification_id: str) -> bool:
    """Email one notification. A conditional UPDATE claims it first, so a task delivered twice
    (a rerun, a second worker) sends it once; a failed send releases the claim for a retry.
    Returns True when this call sent the email."""
    claimed = Notification.objects.filter(
        pk=notification_id, send_email=True, emailed_at__isnull=True
    ).update(emailed_at=timezone.now())
    if claimed and not _still_relevant(notification_id):
        return False  # about an organisation the person has left: stays unsent
    if not claimed:
        return False
    notification = Notification.objects.select_related("recipient").get(pk=notification_id)
    link = settings.SITE_URL.rstrip("/") + (notification.url or reverse("academy:notifications"))
    body = render_to_string(
        "academy/email/notification.txt",
        {"notification": notification, "link": link, "academy_name": settings.ACADEMY_NAME},
    )
    try:
        send_mail(
            f"{settings.ACADEMY_NAME}: {notification.title}",
            body,
            settings.DEFAULT_FROM_EMAIL,
            [notification.recipient.email],
        )
    except Exception:
        Notification.objects.filter(pk=notification_id).update(emailed_at=None)
        raise
    return True


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
