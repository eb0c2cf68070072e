"""allauth's own emails go through the outbox: a row first, built when the sweep sends it,
with the password reset and confirmation links minted then and never stored. Through the real
allauth forms; the rows wait for the sweep unless a test says otherwise."""

import json
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import allauth
import pytest
import time_machine
from allauth.account.adapter import get_adapter
from allauth.account.models import EmailAddress
from django.core import mail
from django.core.checks import run_checks
from django.test import Client, TestCase
from django.urls import reverse
from django.utils import timezone

from academy.models import Membership, OutboxMessage, User
from academy.outbox import account_emails
from academy.outbox.account_emails import DOUBLE_SUBMIT_SECONDS, AccountEmailRefused
from academy.outbox.services import outbox_sweep
from academy.roles import Role
from academy.tests.factories import TEST_PASSWORD, MembershipFactory, UserFactory
from conftest import Orgs

pytestmark = pytest.mark.django_db
Status = OutboxMessage.Status
NEW_PASSWORD = "a-fresh-passphrase-2026"
RESET_LINK = re.compile(r"https?://[^/\s]+(/accounts/password/reset/key/(\S+)/)")
# A password reset token: a base-36 time stamp, a dash, 20 or more hex digits of HMAC.
TOKEN_SHAPE = re.compile(r"[0-9a-z]{1,13}-[0-9a-f]{20,}")


@pytest.fixture(autouse=True)
def _sweep_only(settings: Any) -> None:
    """Rows wait for the sweep, so each test sees what sits in the table before the send."""
    settings.OUTBOX_SEND_AFTER_COMMIT = "off"
    mail.outbox.clear()


def ask_for_reset(client: Client, email: str) -> Any:
    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.post(reverse("account_reset_password"), {"email": email})


def stored_text(message: OutboxMessage) -> str:
    """Every value the row keeps, as one string to search."""
    row = OutboxMessage.objects.get(pk=message.pk)
    return json.dumps({f.attname: getattr(row, f.attname) for f in row._meta.concrete_fields}, default=str)


def account_rows() -> list[OutboxMessage]:
    return list(OutboxMessage.objects.filter(kind=account_emails.ACCOUNT).order_by("created_at"))


def test_password_reset_journey_goes_through_the_outbox(client: Client, orgs: Orgs) -> None:
    person = UserFactory(email="rowan@example.test")
    MembershipFactory(user=person, organisation=orgs.home, role=Role.NQSW)

    # Given a reset asked for through allauth's form, nothing is sent yet: there is a row.
    assert ask_for_reset(client, "Rowan@example.test").status_code == 302
    assert mail.outbox == []
    [row] = account_rows()
    assert row.status == Status.PENDING
    assert row.to_email.lower() == "rowan@example.test"
    assert row.recipient == person
    assert row.about == person
    assert row.context == {"template": "account/email/password_reset_key", "user_id": str(person.pk)}
    assert "/password/reset/key/" not in stored_text(row)
    assert not TOKEN_SHAPE.search(stored_text(row)), stored_text(row)

    # When the sweep sends it, the email carries a link minted now.
    assert outbox_sweep().sent == 1
    [email] = mail.outbox
    assert email.to == [row.to_email]
    assert email.subject == "[Social Work Academy] Password Reset Email"
    assert email.extra_headers["X-Academy-Outbox-Id"] == str(row.pk)
    assert "Hello from Social Work Academy!" in email.body
    link = RESET_LINK.search(str(email.body))
    assert link, email.body
    assert link.group(0).startswith("http://testserver/accounts/password/reset/key/")
    # The secret in the email is in no row, sent or not.
    assert link.group(2) not in stored_text(row)
    OutboxMessage.objects.get(pk=row.pk, status=Status.SENT)

    # Then following it sets a new password, and the person signs in with it.
    form_page = client.get(link.group(1), follow=True)
    assert form_page.status_code == 200
    assert "password1" in form_page.content.decode()
    done = client.post(
        form_page.redirect_chain[-1][0], {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    )
    assert done.status_code == 302
    client.logout()
    old = client.post(reverse("account_login"), {"login": person.email, "password": TEST_PASSWORD})
    assert old.status_code == 200  # the form again, with an error
    new = client.post(reverse("account_login"), {"login": person.email, "password": NEW_PASSWORD})
    assert new["Location"] == reverse("academy:home")
    # The link is spent with the old password: the token was tied to it.
    assert "Bad token" in client.get(link.group(1), follow=True).content.decode()


def test_a_link_minted_at_send_time_works_when_the_send_was_late(client: Client, orgs: Orgs) -> None:
    person = UserFactory()
    MembershipFactory(user=person, organisation=orgs.home, role=Role.NQSW)
    ask_for_reset(client, person.email)
    with time_machine.travel(timezone.now() + timedelta(hours=2)):
        assert outbox_sweep().sent == 1
        link = RESET_LINK.search(str(mail.outbox[0].body))
        assert link
        form_page = client.get(link.group(1), follow=True)
        assert "password1" in form_page.content.decode()


def test_unknown_account_mail_goes_through_the_outbox(client: Client) -> None:
    assert ask_for_reset(client, "nobody-here@example.test").status_code == 302
    assert mail.outbox == []
    [row] = account_rows()
    assert row.recipient is None
    assert row.to_email == "nobody-here@example.test"
    assert row.context == {"template": "account/email/unknown_account"}

    assert outbox_sweep().sent == 1
    [email] = mail.outbox
    assert email.to == ["nobody-here@example.test"]
    assert "we do not have any record of such an account" in email.body
    assert "http://testserver/accounts/signup/" in email.body


def test_no_row_keeps_anything_that_looks_like_a_token(client: Client, orgs: Orgs) -> None:
    people = [UserFactory() for _ in range(3)]
    for person in people:
        MembershipFactory(user=person, organisation=orgs.home, role=Role.NQSW)
    start = timezone.now()
    for minutes, person in enumerate(people):
        with time_machine.travel(start + timedelta(minutes=minutes)):
            ask_for_reset(client, person.email)
            ask_for_reset(client, f"stranger{minutes}@example.test")
    assert len(account_rows()) == 6
    with time_machine.travel(start + timedelta(minutes=3)):
        assert outbox_sweep().sent == 6
    secrets = [link.group(2) for link in map(RESET_LINK.search, (str(m.body) for m in mail.outbox)) if link]
    assert len(secrets) == 3
    for row in account_rows():
        text = stored_text(row)
        assert row.status == Status.SENT
        assert not TOKEN_SHAPE.search(text), text
        assert "/accounts/password/reset/key/" not in text
        for secret in secrets:
            assert secret not in text
            assert secret.split("-", 1)[1] not in text


def test_a_double_submit_queues_one_email_and_asking_again_later_queues_another(
    client: Client, orgs: Orgs
) -> None:
    person = UserFactory()
    MembershipFactory(user=person, organisation=orgs.home, role=Role.NQSW)
    # Just before a stretch of DOUBLE_SUBMIT_SECONDS ends, and again just after it: one email.
    boundary = (int(timezone.now().timestamp()) // DOUBLE_SUBMIT_SECONDS + 1) * DOUBLE_SUBMIT_SECONDS
    at = datetime.fromtimestamp(boundary, tz=UTC)
    with time_machine.travel(at - timedelta(seconds=1), tick=False):
        ask_for_reset(client, person.email)
        ask_for_reset(client, person.email)
    with time_machine.travel(at + timedelta(seconds=1), tick=False):
        ask_for_reset(client, person.email)
    assert len(account_rows()) == 1
    # A person who asks again once the first is well gone gets a new email, with its own link.
    with time_machine.travel(at + timedelta(seconds=DOUBLE_SUBMIT_SECONDS + 5), tick=False):
        ask_for_reset(client, person.email)
        assert len(account_rows()) == 2
        assert outbox_sweep().sent == 2
    assert len(mail.outbox) == 2


def test_a_reset_for_an_account_deactivated_before_the_send_is_not_sent(client: Client, orgs: Orgs) -> None:
    person = UserFactory()
    MembershipFactory(user=person, organisation=orgs.home, role=Role.NQSW)
    ask_for_reset(client, person.email)
    User.objects.filter(pk=person.pk).update(is_active=False)
    delivery = outbox_sweep()
    assert (delivery.sent, delivery.cancelled) == (0, 1)
    assert mail.outbox == []
    assert account_rows()[0].cancel_reason == "The account no longer exists or has been deactivated."


def test_email_confirmation_link_is_minted_at_send_time(client: Client, orgs: Orgs) -> None:
    person = UserFactory()
    MembershipFactory(user=person, organisation=orgs.home, role=Role.NQSW)
    EmailAddress.objects.filter(user=person).update(verified=False)
    # Signing in with an unconfirmed address makes allauth send a confirmation email.
    with TestCase.captureOnCommitCallbacks(execute=True):
        client.post(reverse("account_login"), {"login": person.email, "password": TEST_PASSWORD})
    [row] = account_rows()
    address = EmailAddress.objects.get(user=person)
    assert row.context == {
        "template": "account/email/email_confirmation",
        "user_id": str(person.pk),
        "email_address_id": address.pk,
    }
    assert "/accounts/confirm-email/" not in stored_text(row)

    assert outbox_sweep().sent == 1
    link = re.search(r"http://testserver(/accounts/confirm-email/(\S+)/)", str(mail.outbox[0].body))
    assert link, mail.outbox[0].body
    assert link.group(2) not in stored_text(row)
    client.post(link.group(1))
    assert EmailAddress.objects.get(pk=address.pk).verified is True


def test_a_security_notice_keeps_plain_values_and_prints_them(
    client: Client, orgs: Orgs, settings: Any
) -> None:
    settings.ACCOUNT_EMAIL_NOTIFICATIONS = True
    person = UserFactory()
    MembershipFactory(user=person, organisation=orgs.home, role=Role.NQSW)
    client.force_login(person)
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(
            reverse("account_change_password"),
            {"oldpassword": TEST_PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
            HTTP_USER_AGENT="Test browser 1.0",
        )
    assert response.status_code == 302
    [row] = account_rows()
    assert row.recipient == person
    assert set(row.context) == {"template", "user_id", "timestamp", "ip", "user_agent"}
    assert row.context["user_agent"] == "Test browser 1.0"

    assert outbox_sweep().sent == 1
    body = str(mail.outbox[0].body)
    assert "Your password has been changed." in body
    assert "Browser: Test browser 1.0" in body
    assert f"IP address: {row.context['ip']}" in body


def test_emails_whose_secret_lives_in_the_session_are_refused_not_stored(orgs: Orgs) -> None:
    person = UserFactory()
    adapter = get_adapter()
    with pytest.raises(AccountEmailRefused, match="sign-in by code"):
        adapter.send_mail("account/email/login_code", person.email, {"code": "QX7-PL2"})
    with pytest.raises(AccountEmailRefused, match="password reset by code"):
        adapter.send_mail("account/email/password_reset_code", person.email, {"code": "QX7-PL2"})
    # A template the outbox does not know, or a value it was not told about, may hold a secret.
    with pytest.raises(AccountEmailRefused, match="does not know"):
        adapter.send_mail("account/email/something_new", person.email, {})
    with pytest.raises(AccountEmailRefused, match="magic_link"):
        adapter.send_mail("account/email/unknown_account", person.email, {"magic_link": "http://x/"})
    assert account_rows() == []


def test_every_email_template_of_allauth_is_either_kept_safely_or_refused() -> None:
    """A newer allauth that adds an email fails here until account_emails.py says what to keep."""
    templates = Path(allauth.__file__).parent / "templates"
    prefixes = {
        str(subject.relative_to(templates)).removesuffix("_subject.txt")
        for app in ("account", "mfa")
        for subject in (templates / app / "email").glob("*_subject.txt")
    }
    assert len(prefixes) > 15
    known = set(account_emails._RECIPES) | set(account_emails.REFUSED)
    assert prefixes - known == set()


@pytest.mark.parametrize(
    "setting",
    [
        "ACCOUNT_LOGIN_BY_CODE_ENABLED",
        "ACCOUNT_PASSWORD_RESET_BY_CODE_ENABLED",
        "ACCOUNT_EMAIL_VERIFICATION_BY_CODE_ENABLED",
    ],
)
def test_turning_on_a_flow_that_emails_a_session_code_fails_the_checks(settings: Any, setting: str) -> None:
    assert not [error for error in run_checks() if error.id == "academy.E103"]
    setattr(settings, setting, True)
    [error] = [error for error in run_checks() if error.id == "academy.E103"]
    assert setting in error.msg


def test_with_the_test_settings_it_is_sent_inline_after_commit(
    client: Client, orgs: Orgs, settings: Any
) -> None:
    """What other tests rely on when they read `mail.outbox` after an allauth flow."""
    settings.OUTBOX_SEND_AFTER_COMMIT = "inline"
    person = UserFactory()
    Membership.objects.create(user=person, organisation=orgs.home, role=Role.NQSW)
    ask_for_reset(client, person.email)
    assert len(mail.outbox) == 1
    assert account_rows()[0].status == Status.SENT
