"""Inviting many people at once (a cohort import): the rules of a single invitation, checked
set-based, and links that work as a single invitation's do."""

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from academy.models import AuditEntry, Invitation, OutboxMessage
from academy.roles import Role
from academy.services import Invitee, invitation_create, invitation_token_mint, invitations_create_many
from academy.tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_many_people_are_invited_with_one_email_each(
    psw: Any, orgs: Any, django_assert_max_num_queries: Any
) -> None:
    people = [Invitee(email=f"Person-{n}@Example.test", full_name=f"Person {n}") for n in range(50)]
    with django_assert_max_num_queries(12):
        invited = invitations_create_many(actor=psw, organisation=orgs.home, role=Role.NQSW, invitees=people)
    assert len(invited) == 50
    assert OutboxMessage.objects.filter(kind="invitation").count() == 50
    assert AuditEntry.objects.filter(verb="invitation.create").count() == 50
    invitation = invited["person-0@example.test"]
    minted = invitation_token_mint(invitation_id=str(invitation.pk), send_number=1)
    assert minted.token


def test_nothing_is_invited_when_one_already_has_the_role(psw: Any, orgs: Any) -> None:
    MembershipFactory(user=UserFactory(email="here@example.test"), organisation=orgs.home, role=Role.NQSW)
    people = [Invitee(email="new@example.test"), Invitee(email="HERE@example.test")]
    with pytest.raises(ValidationError, match=r"here@example\.test"):
        invitations_create_many(actor=psw, organisation=orgs.home, role=Role.NQSW, invitees=people)
    assert not Invitation.objects.exists()


def test_nothing_is_invited_when_an_invitation_is_waiting(psw: Any, orgs: Any) -> None:
    invitation_create(actor=psw, organisation=orgs.home, email="waiting@example.test", role=Role.NQSW)
    with pytest.raises(ValidationError, match="invitation waiting"):
        invitations_create_many(
            actor=psw,
            organisation=orgs.home,
            role=Role.NQSW,
            invitees=[Invitee(email="waiting@example.test")],
        )


def test_only_staff_of_the_organisation_may_invite(sibling_psw: Any, orgs: Any) -> None:
    with pytest.raises(PermissionDenied):
        invitations_create_many(
            actor=sibling_psw,
            organisation=orgs.home,
            role=Role.NQSW,
            invitees=[Invitee(email="x@example.test")],
        )
