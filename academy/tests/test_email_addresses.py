"""Nobody can add an email address, so nobody can claim someone else's address and block their
invitation; lookups by email consider every verified address allauth holds, in any case."""

from typing import Any

import pytest
from allauth.account.models import EmailAddress
from django.test import Client
from django.urls import reverse

from academy import selectors, services
from academy.models import AuditEntry, Membership, User
from academy.roles import Role
from academy.tests.factories import UserFactory
from academy.tests.test_accounts import CONTINUE, NEW_PASSWORD, invite, login, open_link, sign_up_with
from conftest import Orgs

pytestmark = pytest.mark.django_db
VICTIM = "victim@example.test"


def test_a_signed_in_person_cannot_add_someone_elses_address(client: Client, nqsw: User) -> None:
    client.force_login(nqsw)
    page = client.get(reverse("account_email")).content.decode()
    assert "Add email address" not in page
    assert "ask your principal social worker or academy admin" in page
    response = client.post(reverse("account_email"), {"action_add": "", "email": VICTIM})
    assert response.status_code == 200
    assert "You cannot add an email address" in response.content.decode()
    assert not EmailAddress.objects.filter(email__iexact=VICTIM).exists()


def test_the_attack_no_longer_blocks_the_invitation(
    client: Client, nqsw: User, psw: User, orgs: Orgs
) -> None:
    """The attack as it was: someone signed in adds the invitee's address, unverified, before
    the invitee signs up. They now cannot; and a claim left from before the fix neither
    blocks the invitee nor hands the attacker the invitation."""
    client.force_login(nqsw)
    client.post(reverse("account_email"), {"action_add": "", "email": VICTIM})
    client.logout()
    # A claim made before people could no longer add addresses.
    EmailAddress.objects.create(user=nqsw, email=VICTIM.upper(), verified=False, primary=False)

    token = invite(client, psw, orgs.home, VICTIM, role=Role.SOCIAL_WORKER)
    response = sign_up_with(client, token, VICTIM)
    assert response.status_code == 302
    victim = User.objects.get(email=VICTIM)
    assert Membership.objects.filter(user=victim, role=Role.SOCIAL_WORKER, is_active=True).exists()
    assert not Membership.objects.filter(user=nqsw, role=Role.SOCIAL_WORKER).exists()
    assert not EmailAddress.objects.filter(user=nqsw, email__iexact=VICTIM).exists()
    released = AuditEntry.objects.get(verb="email_address.release")
    assert released.object_id == str(nqsw.pk)
    assert released.organisation == orgs.home


def test_only_posting_the_sign_up_releases_a_claim(client: Client, nqsw: User, psw: User, orgs: Orgs) -> None:
    """Opening the link and the sign-up page are GETs and change nothing; the claim goes when
    the invitee posts the sign-up form with the invited address, and not for another one."""
    EmailAddress.objects.create(user=nqsw, email=VICTIM, verified=False, primary=False)
    token = invite(client, psw, orgs.home, VICTIM, role=Role.SOCIAL_WORKER)
    assert open_link(client, token)["Location"] == reverse("account_signup")
    assert client.get(reverse("account_signup")).status_code == 200
    assert client.get(CONTINUE).status_code == 302  # opened again
    assert EmailAddress.objects.filter(user=nqsw, email=VICTIM).exists()

    refused = client.post(
        reverse("account_signup"),
        {"email": "someone.else@example.test", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert "Use the email address your invitation was sent to" in refused.content.decode()
    assert EmailAddress.objects.filter(user=nqsw, email=VICTIM).exists()
    assert not AuditEntry.objects.filter(verb="email_address.release").exists()

    signed_up = client.post(
        reverse("account_signup"), {"email": VICTIM, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    )
    assert signed_up.status_code == 302
    assert not EmailAddress.objects.filter(user=nqsw, email=VICTIM).exists()
    assert AuditEntry.objects.filter(verb="email_address.release").count() == 1


def test_an_unverified_claim_is_not_an_account(nqsw: User) -> None:
    EmailAddress.objects.create(user=nqsw, email=VICTIM, verified=False, primary=False)
    assert selectors.user_get_by_email(email=VICTIM) is None


def test_a_verified_second_address_finds_its_account_in_any_case(
    client: Client, psw: User, social_worker: User, orgs: Orgs
) -> None:
    """An address held before the limit (a verified second one) still identifies its person:
    the invitation goes to their account, and the duplicate check sees their role."""
    EmailAddress.objects.create(user=social_worker, email="Sam.Second@Example.test", verified=True)
    assert selectors.user_get_by_email(email="sam.second@example.test") == social_worker
    with pytest.raises(Exception, match="already has that role"):
        services.invitation_create(
            actor=psw, organisation=orgs.home, email="SAM.SECOND@example.test", role=Role.SOCIAL_WORKER
        )
    token = invite(client, psw, orgs.home, "sam.second@example.test", role=Role.PRACTICE_EDUCATOR)
    page = open_link(client, token)
    assert b"You already have an account" in page.content
    assert client.post(CONTINUE)["Location"] == reverse("account_login")
    assert Membership.objects.filter(user=social_worker, role=Role.PRACTICE_EDUCATOR).exists()
    assert not User.objects.filter(email__iexact="sam.second@example.test").exists()


def test_sign_in_with_a_verified_second_address_in_another_case(client: Client, nqsw: User) -> None:
    EmailAddress.objects.create(user=nqsw, email="nq.other@example.test", verified=True)
    assert login(client, "NQ.Other@Example.test")["Location"] == reverse("academy:home")


def test_sign_up_without_the_invitation_cannot_take_a_held_address(client: Client, db: Any) -> None:
    UserFactory(email="held@example.test")
    client.post(
        reverse("account_signup"),
        {"email": "HELD@example.test", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert User.objects.filter(email__iexact="held@example.test").count() == 1
