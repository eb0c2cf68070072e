"""Sign-in, invitations, MFA enforcement, deactivation and the login rate limit, through the
real allauth forms."""

import re
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.core import mail
from django.test import Client, TestCase
from django.urls import reverse
from django.utils import timezone

from academy.adapters import INVITATION_SESSION_KEY
from academy.models import AuditEntry, Invitation, Membership, User
from academy.roles import Role
from academy.tests.factories import TEST_PASSWORD, MembershipFactory, UserFactory, token_from_email
from conftest import Orgs, totp_code

pytestmark = pytest.mark.django_db
NEW_PASSWORD = "a-long-new-password-2026"


def invite(client: Client, actor: User, organisation: Any, email: str, role: str = Role.NQSW) -> str:
    """Invite through the staff page and return the token from the email that was sent."""
    client.force_login(actor)
    mail.outbox.clear()
    with TestCase.captureOnCommitCallbacks(execute=True):  # the email goes out on commit
        response = client.post(
            reverse("academy:invite"),
            {"full_name": "Nadia Invitee", "email": email, "organisation": organisation.pk, "role": role},
        )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [email]
    match = re.search(r"/invitations/([\w-]+)/", str(mail.outbox[0].body))
    assert match, mail.outbox[0].body
    client.logout()
    return match.group(1)


CONTINUE = "/invitations/accept/"


def open_link(client: Client, token: str) -> Any:
    """Open the emailed link as a browser would: the token moves into the session and the
    browser lands on the token-free page, whose response is returned."""
    response = client.get(reverse("academy:invitation_accept", args=[token]))
    assert response.status_code == 302
    assert response["Location"] == CONTINUE == reverse("academy:invitation_continue")
    return client.get(CONTINUE)


def sign_up_with(client: Client, token: str, email: str, password: str = NEW_PASSWORD) -> Any:
    response = open_link(client, token)
    assert response.status_code == 302
    assert response["Location"] == reverse("account_signup")
    return client.post(
        reverse("account_signup"), {"email": email, "password1": password, "password2": password}
    )


class TestInvitations:
    def test_accept_creates_account_membership_and_signs_in(
        self, client: Client, psw: User, orgs: Orgs
    ) -> None:
        token = invite(client, psw, orgs.home, "nadia@example.test")
        response = sign_up_with(client, token, "nadia@example.test")
        assert response.status_code == 302
        user = User.objects.get(email="nadia@example.test")
        assert user.full_name == "Nadia Invitee"
        assert Membership.objects.filter(
            user=user, organisation=orgs.home, role=Role.NQSW, is_active=True
        ).exists()
        assert client.get(reverse("academy:home")).status_code == 200
        invitation = Invitation.objects.get(email="nadia@example.test")
        assert invitation.accepted_by == user
        assert AuditEntry.objects.filter(verb="invitation.accept", object_id=str(invitation.pk)).exists()

    def test_reused_link_is_refused(self, client: Client, psw: User, orgs: Orgs) -> None:
        token = invite(client, psw, orgs.home, "nadia@example.test")
        sign_up_with(client, token, "nadia@example.test")
        client.logout()
        response = open_link(client, token)
        assert response.status_code == 410
        assert b"already been used" in response.content

    def test_expired_link_is_refused_and_sign_up_stays_closed(
        self, client: Client, psw: User, orgs: Orgs
    ) -> None:
        token = invite(client, psw, orgs.home, "nadia@example.test")
        with time_machine.travel(timezone.now() + timedelta(days=15)):
            response = open_link(client, token)
            assert response.status_code == 410
            assert b"expired" in response.content
            assert INVITATION_SESSION_KEY not in client.session
            signup = client.post(
                reverse("account_signup"),
                {"email": "nadia@example.test", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
            )
        assert not User.objects.filter(email="nadia@example.test").exists()
        assert b"invitation" in signup.content.lower()

    def test_revoked_link_is_refused(self, client: Client, psw: User, orgs: Orgs) -> None:
        token = invite(client, psw, orgs.home, "nadia@example.test")
        invitation = Invitation.objects.get(email="nadia@example.test")
        client.force_login(psw)
        assert client.post(reverse("academy:invitation_revoke", args=[invitation.pk])).status_code == 302
        client.logout()
        response = open_link(client, token)
        assert response.status_code == 410
        assert b"withdrawn" in response.content
        assert INVITATION_SESSION_KEY not in client.session

    def test_resend_replaces_the_link(self, client: Client, psw: User, orgs: Orgs) -> None:
        old_token = invite(client, psw, orgs.home, "nadia@example.test")
        invitation = Invitation.objects.get(email="nadia@example.test")
        client.force_login(psw)
        with (
            time_machine.travel(timezone.now() + timedelta(minutes=11)),
            TestCase.captureOnCommitCallbacks(execute=True),
        ):
            client.post(reverse("academy:invitation_resend", args=[invitation.pk]))
        new_token = re.search(r"/invitations/([\w-]+)/", str(mail.outbox[-1].body)).group(1)  # type: ignore[union-attr]
        client.logout()
        assert client.get(reverse("academy:invitation_accept", args=[old_token])).status_code == 404
        assert sign_up_with(client, new_token, "nadia@example.test").status_code == 302
        assert Invitation.objects.get(pk=invitation.pk).send_count == 2

    def test_sign_up_with_another_address_is_refused(self, client: Client, psw: User, orgs: Orgs) -> None:
        token = invite(client, psw, orgs.home, "nadia@example.test")
        response = sign_up_with(client, token, "someone-else@example.test")
        assert response.status_code == 200
        assert b"Use the email address your invitation was sent to" in response.content
        assert not User.objects.filter(email="someone-else@example.test").exists()

    def test_sign_up_without_invitation_is_closed(self, client: Client, db: None) -> None:
        response = client.post(
            reverse("account_signup"),
            {"email": "walk-in@example.test", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
        )
        assert not User.objects.filter(email="walk-in@example.test").exists()
        assert b"invitation" in response.content.lower()

    def test_existing_person_accepts_a_second_role_while_signed_in(
        self, client: Client, psw: User, social_worker: User, orgs: Orgs
    ) -> None:
        token = invite(client, psw, orgs.home, social_worker.email, role=Role.PRACTICE_EDUCATOR)
        client.force_login(social_worker)
        assert b"Accept invitation" in open_link(client, token).content
        assert client.post(CONTINUE)["Location"] == reverse("academy:home")
        roles = set(Membership.objects.filter(user=social_worker).values_list("role", flat=True))
        assert roles == {Role.SOCIAL_WORKER, Role.PRACTICE_EDUCATOR}

    def test_person_whose_access_ended_can_rejoin_by_invitation(
        self, client: Client, psw: User, nqsw: User, orgs: Orgs
    ) -> None:
        Membership.objects.filter(user=nqsw).update(is_active=False)
        token = invite(client, psw, orgs.home, nqsw.email, role=Role.SOCIAL_WORKER)
        page = open_link(client, token)
        assert b"You already have an account" in page.content
        assert client.post(CONTINUE)["Location"] == reverse("account_login")
        assert login(client, nqsw.email)["Location"] == reverse("academy:home")

    def test_signed_in_as_someone_else_is_refused(
        self, client: Client, psw: User, nqsw: User, orgs: Orgs
    ) -> None:
        token = invite(client, psw, orgs.home, "nadia@example.test")
        client.force_login(nqsw)
        assert open_link(client, token).status_code == 403
        assert INVITATION_SESSION_KEY not in client.session  # the token is not kept for this account
        response = client.post(CONTINUE)
        assert response.status_code == 404
        assert Invitation.objects.get(email="nadia@example.test").accepted_at is None

    def test_invitation_form_keeps_what_was_typed_on_error(
        self, client: Client, psw: User, orgs: Orgs
    ) -> None:
        client.force_login(psw)
        response = client.post(
            reverse("academy:invite"),
            {
                "full_name": "Nadia Invitee",
                "email": "not-an-email",
                "organisation": orgs.home.pk,
                "role": Role.NQSW,
            },
        )
        assert response.status_code == 200
        html = response.content.decode()
        assert "<title>Error: " in html
        assert 'value="Nadia Invitee"' in html
        assert 'value="not-an-email"' in html
        assert "govuk-error-summary" in html

    def test_psw_cannot_grant_academy_admin(self, client: Client, psw: User, orgs: Orgs) -> None:
        client.force_login(psw)
        form_page = client.get(reverse("academy:invite")).content.decode()
        assert 'value="academy_admin"' not in form_page
        response = client.post(
            reverse("academy:invite"),
            {
                "full_name": "X",
                "email": "x@example.test",
                "organisation": orgs.home.pk,
                "role": Role.ACADEMY_ADMIN,
            },
        )
        assert response.status_code == 200
        assert not Invitation.objects.filter(email="x@example.test").exists()

    def test_council_psw_cannot_invite_into_a_sibling_council(
        self, client: Client, psw: User, orgs: Orgs
    ) -> None:
        client.force_login(psw)
        response = client.post(
            reverse("academy:invite"),
            {"full_name": "X", "email": "x@example.test", "organisation": orgs.sibling.pk, "role": Role.NQSW},
        )
        assert response.status_code == 200
        assert not Invitation.objects.exists()

    def test_partnership_admin_invites_into_member_council(
        self, client: Client, academy_admin: User, orgs: Orgs
    ) -> None:
        token = invite(client, academy_admin, orgs.sibling, "new-psw@example.test", role=Role.PSW)
        assert Invitation.objects.get(email="new-psw@example.test").organisation == orgs.sibling
        assert token


class TestInvitationLinkLeavesTheAddress:
    """The token is in the address bar once: the first GET moves it into the session."""

    def test_first_use_moves_the_token_into_the_session(self, client: Client, psw: User, orgs: Orgs) -> None:
        token = invite(client, psw, orgs.home, "nadia@example.test")
        response = client.get(reverse("academy:invitation_accept", args=[token]))
        assert response.status_code == 302
        assert token not in response["Location"]
        assert response["Cache-Control"].startswith("max-age=0")  # never_cache: no stored copy
        page = client.get(response["Location"])
        assert page.status_code == 302
        signup = client.get(page["Location"])
        assert signup.status_code == 200
        assert token not in signup.content.decode()
        assert client.session["academy_invitation_token"] == token

    def test_the_token_free_page_without_a_link_opened_says_so(self, client: Client, db: None) -> None:
        response = client.get(CONTINUE)
        assert response.status_code == 404
        assert b"This invitation link is not valid" in response.content

    def test_an_unknown_token_is_not_kept(self, client: Client, db: None) -> None:
        response = client.get(reverse("academy:invitation_accept", args=["made-up-token"]))
        assert response.status_code == 404
        assert "academy_invitation_token" not in client.session

    def test_the_link_itself_takes_no_post(self, client: Client, psw: User, orgs: Orgs) -> None:
        token = invite(client, psw, orgs.home, "nadia@example.test")
        assert client.post(reverse("academy:invitation_accept", args=[token])).status_code == 405

    def test_accepting_forgets_the_token(
        self, client: Client, psw: User, social_worker: User, orgs: Orgs
    ) -> None:
        token = invite(client, psw, orgs.home, social_worker.email, role=Role.PRACTICE_EDUCATOR)
        client.force_login(social_worker)
        open_link(client, token)
        client.post(CONTINUE)
        assert "academy_invitation_token" not in client.session
        assert client.get(CONTINUE).status_code == 404


def resend(client: Client, invitation: Invitation) -> Any:
    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.post(reverse("academy:invitation_resend", args=[invitation.pk]), follow=True)


class TestResendLimits:
    def test_a_resend_within_minutes_is_refused_with_a_reason(
        self, client: Client, psw: User, orgs: Orgs, settings: Any
    ) -> None:
        settings.INVITATION_RESEND_MINUTES = 10
        invite(client, psw, orgs.home, "nadia@example.test")
        invitation = Invitation.objects.get(email="nadia@example.test")
        client.force_login(psw)
        mail.outbox.clear()
        with time_machine.travel(timezone.now() + timedelta(minutes=9)):
            page = resend(client, invitation).content.decode()
        assert "sent less than 10 minutes ago" in page
        assert "junk or spam folder" in page
        assert mail.outbox == []
        assert Invitation.objects.get(pk=invitation.pk).send_count == 1
        assert not AuditEntry.objects.filter(verb="invitation.resend").exists()
        with time_machine.travel(timezone.now() + timedelta(minutes=10, seconds=1)):
            assert "A new invitation link was sent" in resend(client, invitation).content.decode()
        assert len(mail.outbox) == 1

    def test_no_more_than_the_most_sends(self, client: Client, psw: User, orgs: Orgs, settings: Any) -> None:
        settings.INVITATION_MAX_SENDS = 3
        settings.INVITATION_RESEND_MINUTES = 10
        invite(client, psw, orgs.home, "nadia@example.test")
        invitation = Invitation.objects.get(email="nadia@example.test")
        client.force_login(psw)
        mail.outbox.clear()
        start = timezone.now()
        # Hours apart, so each press signs in again (sessions end after a while idle).
        for hours in (1, 2):
            with time_machine.travel(start + timedelta(hours=hours)):
                client.force_login(psw)
                resend(client, invitation)
        assert len(mail.outbox) == 2
        with time_machine.travel(start + timedelta(hours=3)):
            client.force_login(psw)
            page = resend(client, invitation).content.decode()
        assert "already been sent 3 times, the most allowed" in page
        assert "If the address is wrong, invite them at the right one" in page
        assert len(mail.outbox) == 2
        assert Invitation.objects.get(pk=invitation.pk).send_count == 3
        # The way on that the message gives works: revoke, then invite the right address.
        client.post(reverse("academy:invitation_revoke", args=[invitation.pk]))
        invite(client, psw, orgs.home, "nadia.right@example.test")


def login(client: Client, email: str, password: str = TEST_PASSWORD) -> Any:
    return client.post(reverse("account_login"), {"login": email, "password": password})


def login_following(client: Client, email: str) -> Any:
    return client.post(reverse("account_login"), {"login": email, "password": TEST_PASSWORD}, follow=True)


class TestMfa:
    def test_assessor_without_authenticator_is_sent_to_set_one_up(self, client: Client, orgs: Orgs) -> None:
        assessor = UserFactory()
        MembershipFactory(user=assessor, organisation=orgs.home, role=Role.ASSESSOR)
        client.force_login(assessor)
        response = client.get(reverse("academy:home"))
        assert response.status_code == 302
        assert response["Location"] == reverse("mfa_activate_totp")
        # Signing in straight away lands on allauth's password check, then set-up, with a reason.
        client.logout()
        followed = login_following(client, assessor.email)
        assert followed.redirect_chain[-1][0].startswith(reverse("account_reauthenticate"))
        assert b"Your role needs two-factor authentication" in followed.content
        assert b'class="govuk-service-navigation' not in followed.content  # nothing to click yet
        # The set-up page itself and signing out stay reachable.
        assert client.get(reverse("mfa_activate_totp")).status_code in {200, 302}
        assert client.get(reverse("account_logout")).status_code == 200

    def test_assessor_signs_in_with_password_then_code(self, client: Client, assessor: User) -> None:
        response = login(client, assessor.email)
        assert response.status_code == 302
        assert response["Location"] == reverse("mfa_authenticate")
        assert client.get(reverse("academy:home")).status_code == 302  # not signed in yet
        response = client.post(reverse("mfa_authenticate"), {"code": totp_code(assessor)})
        assert response.status_code == 302
        assert client.get(reverse("academy:home")).status_code == 200

    def test_wrong_code_does_not_sign_in(self, client: Client, psw: User) -> None:
        login(client, psw.email)
        response = client.post(reverse("mfa_authenticate"), {"code": "000000"})
        assert response.status_code == 200
        assert client.get(reverse("academy:home")).status_code == 302

    def test_nqsw_needs_no_authenticator(self, client: Client, nqsw: User) -> None:
        response = login(client, nqsw.email)
        assert response.status_code == 302
        assert client.get(reverse("academy:home")).status_code == 200

    def test_demo_relaxation_lets_staff_in_and_says_so(
        self, client: Client, orgs: Orgs, settings: Any
    ) -> None:
        settings.MFA_REQUIRED_FOR_STAFF = False
        psw = UserFactory()
        MembershipFactory(user=psw, organisation=orgs.home, role=Role.PSW)
        client.force_login(psw)
        response = client.get(reverse("academy:home"))
        assert response.status_code == 200
        assert b"two-factor authentication is not enforced" in response.content.lower()


class TestDeactivation:
    def test_deactivated_person_cannot_sign_in_and_records_stay(
        self, client: Client, psw: User, nqsw: User
    ) -> None:
        membership = Membership.objects.get(user=nqsw)
        client.force_login(psw)
        client.post(reverse("academy:membership_deactivate", args=[membership.pk]))
        client.logout()
        response = login(client, nqsw.email)
        assert response.status_code == 302
        assert response["Location"] == reverse("account_inactive")
        assert client.get(reverse("academy:home")).status_code == 302
        membership.refresh_from_db()
        assert membership.is_active is False
        assert User.objects.filter(pk=nqsw.pk).exists()
        assert AuditEntry.objects.filter(verb="membership.deactivate", object_id=str(membership.pk)).exists()

    def test_open_session_ends_on_deactivation(self, client: Client, psw: User, nqsw: User) -> None:
        nqsw_client = Client()
        nqsw_client.force_login(nqsw)
        assert nqsw_client.get(reverse("academy:home")).status_code == 200
        client.force_login(psw)
        client.post(reverse("academy:membership_deactivate", args=[Membership.objects.get(user=nqsw).pk]))
        response = nqsw_client.get(reverse("academy:home"))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))

    def test_another_active_role_keeps_access(
        self, client: Client, psw: User, nqsw: User, orgs: Orgs
    ) -> None:
        MembershipFactory(user=nqsw, organisation=orgs.university, role=Role.STUDENT)
        client.force_login(psw)
        client.post(
            reverse(
                "academy:membership_deactivate", args=[Membership.objects.get(user=nqsw, role=Role.NQSW).pk]
            )
        )
        client.logout()
        assert login(client, nqsw.email)["Location"] == reverse("academy:home")

    def test_reactivation_restores_access(self, client: Client, psw: User, nqsw: User) -> None:
        membership = Membership.objects.get(user=nqsw)
        client.force_login(psw)
        client.post(reverse("academy:membership_deactivate", args=[membership.pk]))
        client.post(reverse("academy:membership_reactivate", args=[membership.pk]))
        client.logout()
        assert login(client, nqsw.email)["Location"] == reverse("academy:home")

    def test_staff_cannot_deactivate_themselves(self, client: Client, psw: User) -> None:
        own = Membership.objects.get(user=psw)
        client.force_login(psw)
        client.post(reverse("academy:membership_deactivate", args=[own.pk]))
        own.refresh_from_db()
        assert own.is_active is True


class TestRateLimit:
    @pytest.fixture(autouse=True)
    def _axes_on(self, settings: Any) -> None:
        settings.AXES_ENABLED = True
        settings.AXES_FAILURE_LIMIT = 3

    def test_repeated_failures_lock_the_sign_in(self, client: Client, nqsw: User) -> None:
        for _ in range(3):
            assert login(client, nqsw.email, "wrong-password").status_code in {200, 429}
        locked = login(client, nqsw.email)  # even the right password is refused while locked
        assert locked.status_code == 429
        assert client.get(reverse("academy:home")).status_code == 302

    def test_django_admin_signs_in_through_the_rate_limited_form(self, client: Client, db: None) -> None:
        response = client.get(reverse("admin:login"))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))

    def test_authenticator_code_guessing_is_limited(self, client: Client, assessor: User) -> None:
        login(client, assessor.email)
        for _ in range(5):
            client.post(reverse("mfa_authenticate"), {"code": "000000"})
        # Past the limit even the right code is refused, with a reason.
        response = client.post(reverse("mfa_authenticate"), {"code": totp_code(assessor)})
        assert b"Too many failed" in response.content
        assert client.get(reverse("academy:home")).status_code == 302


class TestDjangoAdmin:
    def test_staff_flag_alone_does_not_open_the_admin(self, client: Client, academy_admin: User) -> None:
        academy_admin.is_staff = True
        academy_admin.save()
        client.force_login(academy_admin)
        assert client.get(reverse("admin:index")).status_code == 302

    def test_superuser_needs_an_authenticator_too(self, client: Client, db: None) -> None:
        root = User.objects.create_superuser("root@example.test", TEST_PASSWORD)
        client.force_login(root)
        response = client.get(reverse("admin:index"))
        assert response.status_code == 302
        assert response["Location"] == reverse("mfa_activate_totp")


class TestPasswordResetAndEmail:
    def test_password_reset_by_email_link(self, client: Client, nqsw: User) -> None:
        mail.outbox.clear()
        with TestCase.captureOnCommitCallbacks(execute=True):  # the outbox sends after commit
            response = client.post(reverse("account_reset_password"), {"email": nqsw.email})
        assert response.status_code == 302
        assert len(mail.outbox) == 1
        link = re.search(r"https?://[^/]+(/accounts/password/reset/key/\S+)", str(mail.outbox[0].body))
        assert link, mail.outbox[0].body
        form_page = client.get(link.group(1), follow=True)
        assert form_page.status_code == 200
        response = client.post(
            form_page.redirect_chain[-1][0] if form_page.redirect_chain else link.group(1),
            {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
        )
        assert response.status_code == 302
        client.logout()
        assert login(client, nqsw.email, NEW_PASSWORD)["Location"] == reverse("academy:home")

    def test_invited_address_counts_as_verified(self, client: Client, psw: User, orgs: Orgs) -> None:
        from allauth.account.models import EmailAddress

        token = invite(client, psw, orgs.home, "nadia@example.test")
        mail.outbox.clear()
        sign_up_with(client, token, "nadia@example.test")
        address = EmailAddress.objects.get(email="nadia@example.test")
        assert address.verified is True
        # No second "confirm your email" message: the invitation link already proved it.
        assert mail.outbox == []


class TestOrganisationSwitcher:
    def test_person_in_two_organisations_switches(self, client: Client, psw: User, orgs: Orgs) -> None:
        MembershipFactory(user=psw, organisation=orgs.university, role=Role.TUTOR)
        client.force_login(psw)
        home = client.get(reverse("academy:home")).content.decode()
        assert 'name="organisation"' in home
        assert "University of Testvale (University tutor)" in home  # the switcher names the role
        response = client.post(reverse("academy:organisation_switch"), {"organisation": orgs.university.pk})
        assert response.status_code == 302
        page = client.get(reverse("academy:home")).content.decode()
        assert "University of Testvale" in page
        # A tutor at the university is not staff there: the people pages are closed.
        assert client.get(reverse("academy:people")).status_code == 403

    def test_cannot_switch_into_an_organisation_without_membership(
        self, client: Client, psw: User, orgs: Orgs
    ) -> None:
        client.force_login(psw)
        response = client.post(reverse("academy:organisation_switch"), {"organisation": orgs.other.pk})
        assert response.status_code == 403


def test_forbidden_page_says_why(client: Client, nqsw: User) -> None:
    client.force_login(nqsw)
    response = client.get(reverse("academy:people"))
    assert response.status_code == 403
    assert b"Your role does not give access to this page." in response.content


class TestInvitationAuthority:
    def test_invitation_from_someone_who_lost_their_role_grants_nothing(
        self, client: Client, psw: User, academy_admin: User, orgs: Orgs
    ) -> None:
        token = invite(client, psw, orgs.home, "second-self@example.test", role=Role.PSW)
        client.force_login(academy_admin)
        client.post(reverse("academy:membership_deactivate", args=[Membership.objects.get(user=psw).pk]))
        client.logout()
        response = open_link(client, token)
        assert response.status_code == 410
        assert b"no longer valid" in response.content
        signup = client.post(
            reverse("account_signup"),
            {"email": "second-self@example.test", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
        )
        assert b"invitation" in signup.content.lower()
        assert not Membership.objects.filter(user__email="second-self@example.test", is_active=True).exists()

    def test_an_old_invitation_cannot_undo_a_deactivation(
        self, client: Client, psw: User, nqsw: User, orgs: Orgs
    ) -> None:
        token = invite(client, psw, orgs.home, nqsw.email, role=Role.LINE_MANAGER)
        membership = MembershipFactory(user=nqsw, organisation=orgs.home, role=Role.LINE_MANAGER)
        client.force_login(psw)
        client.post(reverse("academy:membership_deactivate", args=[membership.pk]))
        client.logout()
        assert open_link(client, token).status_code == 410
        assert INVITATION_SESSION_KEY not in client.session
        response = client.post(CONTINUE)
        assert response.status_code == 404  # the refused token left the session
        membership.refresh_from_db()
        assert membership.is_active is False

    def test_accepting_spends_other_links_for_the_same_role(self, psw: User, orgs: Orgs) -> None:
        from academy import services

        first = services.invitation_create(
            actor=psw, organisation=orgs.home, email="y@example.test", role=Role.NQSW
        )
        Invitation.objects.filter(pk=first.invitation.pk).update(expires_at=timezone.now())
        mail.outbox.clear()
        with TestCase.captureOnCommitCallbacks(execute=True):  # the outbox sends after commit
            services.invitation_create(
                actor=psw, organisation=orgs.home, email="y@example.test", role=Role.NQSW
            )
        user = UserFactory(email="y@example.test")
        services.invitation_accept(token=token_from_email(mail.outbox[-1]), user=user)
        assert Invitation.objects.get(pk=first.invitation.pk).revoked_at is not None

    def test_staff_cannot_change_their_own_role(self, client: Client, psw: User) -> None:
        own = Membership.objects.get(user=psw)
        client.force_login(psw)
        client.post(reverse("academy:membership_role", args=[own.pk]), {"role": Role.NQSW})
        own.refresh_from_db()
        assert own.role == Role.PSW
