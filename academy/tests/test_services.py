from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from academy import services
from academy.models import AuditEntry, Membership, Notification, OutboxMessage
from academy.roles import Role
from academy.selectors import notifications_visible_to
from academy.tests.factories import NotificationFactory, UserFactory, token_from_email
from conftest import Orgs

pytestmark = pytest.mark.django_db


def test_mark_read_touches_only_the_users_own_notifications() -> None:
    mine, theirs = NotificationFactory(), NotificationFactory()
    changed = services.notifications_mark_read(user=mine.recipient, notifications=Notification.objects.all())
    assert changed == 1
    theirs.refresh_from_db()
    assert theirs.read_at is None
    assert notifications_visible_to(user=mine.recipient).get().read_at is not None


def test_role_change_is_audited_with_before_and_after(psw: Any, nqsw: Any) -> None:
    membership = Membership.objects.get(user=nqsw)
    services.membership_change_role(actor=psw, membership=membership, role=Role.SOCIAL_WORKER)
    entry = AuditEntry.objects.get(verb="membership.change_role")
    assert entry.actor == psw
    assert entry.before == {"role": "nqsw"}
    assert entry.after == {"role": "social_worker"}
    assert entry.organisation == membership.organisation


def test_psw_cannot_promote_someone_to_academy_admin(psw: Any, nqsw: Any) -> None:
    with pytest.raises(PermissionDenied):
        services.membership_change_role(
            actor=psw, membership=Membership.objects.get(user=nqsw), role=Role.ACADEMY_ADMIN
        )


def test_outsider_cannot_invite_into_another_organisation(outsider: Any, orgs: Orgs) -> None:
    with pytest.raises(PermissionDenied):
        services.invitation_create(
            actor=outsider, organisation=orgs.home, email="x@example.test", role=Role.NQSW
        )


def test_a_second_pending_invitation_for_the_same_role_is_refused(psw: Any, orgs: Orgs) -> None:
    services.invitation_create(actor=psw, organisation=orgs.home, email="x@example.test", role=Role.NQSW)
    with pytest.raises(ValidationError):
        services.invitation_create(actor=psw, organisation=orgs.home, email="X@example.test", role=Role.NQSW)


def test_invitation_email_waits_for_commit(
    psw: Any, orgs: Orgs, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.invitation_create(actor=psw, organisation=orgs.home, email="x@example.test", role=Role.NQSW)
    assert mail.outbox == []
    assert len(callbacks) == 1


def test_header_unread_count_follows_the_persons_own_actions(
    django_capture_on_commit_callbacks: Any,
) -> None:
    from academy.selectors import unread_notification_count

    user = UserFactory()
    assert unread_notification_count(user=user) == 0
    with django_capture_on_commit_callbacks(execute=True):
        services.notification_send(recipient=user, title="Review due")
    assert unread_notification_count(user=user) == 1
    services.notifications_mark_read(user=user, notifications=Notification.objects.all())
    assert unread_notification_count(user=user) == 0


def test_invitation_email_says_who_where_and_until_when(
    psw: Any, orgs: Orgs, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        issued = services.invitation_create(
            actor=psw, organisation=orgs.home, email="x@example.test", role=Role.NQSW, full_name="Ola Test"
        )
    (message,) = mail.outbox
    assert message.to == ["x@example.test"]
    assert orgs.home.name in message.subject
    token = token_from_email(message)
    assert f"http://testserver/invitations/{token}/" in message.body
    assert services.invitation_find_by_token(token=token) == issued.invitation
    assert "Hello Ola Test" in message.body
    assert "newly qualified social worker" in message.body
    assert "expires at " in message.body
    assert ".." not in message.body


def test_notifications_about_an_organisation_left_behind_are_hidden(nqsw: Any, orgs: Orgs) -> None:
    kept = NotificationFactory(recipient=nqsw, organisation=None)
    about_home = NotificationFactory(recipient=nqsw, organisation=orgs.home, send_email=True)
    assert set(notifications_visible_to(user=nqsw)) == {kept, about_home}
    Membership.objects.filter(user=nqsw).update(is_active=False)
    assert list(notifications_visible_to(user=nqsw)) == [kept]


@pytest.mark.parametrize("url", ["https://elsewhere.example/x", "//elsewhere.example/x", ".evil.example/x"])
def test_notification_links_stay_inside_the_portal(url: str) -> None:
    with pytest.raises(ValidationError):
        services.notification_send(recipient=UserFactory(), title="Hello", url=url)


def test_a_council_cannot_hold_members(orgs: Orgs) -> None:
    from academy.models import Organisation
    from academy.selectors import organisation_scope_ids

    child = Organisation(name="Council Child", slug="council-child", parent=orgs.home)
    with pytest.raises(ValidationError):
        child.full_clean()
    # Even if one were written past validation, a council's roles would not reach it.
    child.save()
    assert organisation_scope_ids(organisation=orgs.home) == {orgs.home.pk}
    assert organisation_scope_ids(organisation=orgs.partnership) >= {orgs.home.pk, orgs.sibling.pk}


def test_a_resend_waits_from_when_the_last_email_was_queued_not_sent(psw: Any, orgs: Orgs) -> None:
    """A slow mail server must not let a second press through: the wait counts from the queue."""
    from datetime import timedelta

    import time_machine
    from django.utils import timezone

    issued = services.invitation_create(
        actor=psw, organisation=orgs.home, email="slow@example.test", role=Role.NQSW
    )
    issued.invitation.refresh_from_db()
    assert issued.invitation.sent_at is None  # nothing swept yet
    with pytest.raises(ValidationError, match="less than 10 minutes ago"):
        services.invitation_resend(actor=psw, invitation=issued.invitation)
    with time_machine.travel(timezone.now() + timedelta(minutes=11), tick=False):
        assert services.invitation_resend(actor=psw, invitation=issued.invitation).invitation.send_count == 2


def test_revoking_and_inviting_again_cannot_flood_an_address(psw: Any, orgs: Orgs, settings: Any) -> None:
    """However the emails are caused (resends, or revoking and inviting again, by anyone), one
    address gets at most INVITATION_MAX_EMAILS_PER_ADDRESS_PER_DAY invitation emails a day."""
    from datetime import timedelta

    import time_machine
    from django.utils import timezone

    settings.INVITATION_MAX_SENDS = 2
    settings.INVITATION_MAX_EMAILS_PER_ADDRESS_PER_DAY = 3
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        first = services.invitation_create(
            actor=psw, organisation=orgs.home, email="flood@example.test", role=Role.NQSW
        ).invitation
        clock.shift(timedelta(minutes=11))
        services.invitation_resend(actor=psw, invitation=first)
        clock.shift(timedelta(minutes=11))
        with pytest.raises(ValidationError, match="the most allowed") as caught:
            services.invitation_resend(actor=psw, invitation=first)
        assert "revoke" not in str(caught.value).lower()  # the refusal does not suggest a way round
        services.invitation_revoke(actor=psw, invitation=first)
        second = services.invitation_create(
            actor=psw, organisation=orgs.home, email="flood@example.test", role=Role.NQSW
        ).invitation
        services.invitation_revoke(actor=psw, invitation=second)
        with pytest.raises(ValidationError, match="3 invitation emails in the last 24 hours"):
            services.invitation_create(
                actor=psw, organisation=orgs.home, email="FLOOD@example.test", role=Role.NQSW
            )
        clock.shift(timedelta(hours=24))
        services.invitation_create(
            actor=psw, organisation=orgs.home, email="flood@example.test", role=Role.NQSW
        )
    assert OutboxMessage.objects.filter(kind="invitation", to_email__iexact="flood@example.test").count() == 4


def test_the_daily_limit_stops_a_resend_too(psw: Any, orgs: Orgs, settings: Any) -> None:
    from datetime import timedelta

    import time_machine
    from django.utils import timezone

    settings.INVITATION_MAX_EMAILS_PER_ADDRESS_PER_DAY = 1
    with time_machine.travel(timezone.now(), tick=False) as clock:
        issued = services.invitation_create(
            actor=psw, organisation=orgs.home, email="daily@example.test", role=Role.NQSW
        )
        clock.shift(timedelta(minutes=11))
        with pytest.raises(ValidationError, match="1 invitation email in the last 24 hours"):
            services.invitation_resend(actor=psw, invitation=issued.invitation)
