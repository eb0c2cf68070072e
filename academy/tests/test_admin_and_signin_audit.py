"""What operators change in the Django admin is audited, and so are sign-ins, failed sign-ins
and two-factor set-up and removal. Each entry lands in the audit log of the organisations it
concerns, and only theirs."""

import time
from typing import Any

import pytest
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.db import transaction
from django.test import Client, TestCase
from django.urls import reverse

from academy.models import AuditEntry, Organisation, Team, User
from academy.presenters import audit_row
from academy.roles import Role
from academy.tests.factories import (
    TEST_PASSWORD,
    MembershipFactory,
    OrganisationFactory,
    TeamFactory,
    UserFactory,
)
from academy.tests.test_accounts import login
from conftest import Orgs, seed_totp, totp_code

pytestmark = pytest.mark.django_db


@pytest.fixture
def operator(db: Any) -> User:
    root = User.objects.create_superuser("operator@example.test", "a-long-operator-password-2026")
    seed_totp(root)
    return root


def _admin_of(organisation: Organisation) -> User:
    admin = UserFactory()
    MembershipFactory(user=admin, organisation=organisation, role=Role.ACADEMY_ADMIN)
    seed_totp(admin)
    return admin


def _audit_page(client: Client, user: User) -> str:
    client.force_login(user)
    return client.get(reverse("academy:audit_log")).content.decode()


class TestDjangoAdmin:
    def test_moving_a_council_is_audited_for_both_partnerships(
        self, client: Client, operator: User, academy_admin: User, orgs: Orgs
    ) -> None:
        other_partnership = OrganisationFactory(
            name="Northfold Partnership", slug="northfold", kind=Organisation.Kind.PARTNERSHIP
        )
        client.force_login(operator)
        response = client.post(
            reverse("admin:academy_organisation_change", args=[orgs.sibling.pk]),
            {
                "name": orgs.sibling.name,
                "slug": orgs.sibling.slug,
                "kind": "council",
                "parent": other_partnership.pk,
                "brand_colour": "",
            },
        )
        assert response.status_code == 302, response.content.decode()[:3000]
        entries = AuditEntry.objects.filter(verb="admin.organisation.change")
        assert {e.organisation for e in entries} == {orgs.sibling, orgs.partnership, other_partnership}
        entry = entries.first()
        assert entry is not None
        assert entry.actor == operator
        assert entry.before == {"parent": str(orgs.partnership.pk)}
        assert entry.after == {"parent": str(other_partnership.pk)}
        assert audit_row(entry).what == "Organisation changed in the Django admin"
        # The partnership the council left reads the move in its own audit log...
        assert "Organisation changed in the Django admin" in _audit_page(client, academy_admin)
        # ...and an unrelated organisation's admin does not.
        assert "Organisation changed in the Django admin" not in _audit_page(client, _admin_of(orgs.other))

    def test_the_delete_selected_action_audits_each_row(
        self, client: Client, operator: User, orgs: Orgs
    ) -> None:
        teams = [TeamFactory(organisation=orgs.home, name=f"Disbanded {n}") for n in range(3)]
        client.force_login(operator)
        response = client.post(
            reverse("admin:academy_team_changelist"),
            {"action": "delete_selected", "_selected_action": [t.pk for t in teams], "post": "yes"},
        )
        assert response.status_code == 302
        assert not Team.objects.filter(name__startswith="Disbanded").exists()
        entries = AuditEntry.objects.filter(verb="admin.team.delete")
        assert sorted(e.object_id for e in entries) == sorted(str(t.pk) for t in teams)
        assert all(e.organisation == orgs.home for e in entries)

    def test_making_someone_a_publisher_is_audited(self, client: Client, operator: User, nqsw: User) -> None:
        from django.contrib.auth.models import Permission

        permission = Permission.objects.get(codename="publish_reference_data")
        client.force_login(operator)
        response = client.post(
            reverse("admin:academy_user_change", args=[nqsw.pk]),
            {
                "email": nqsw.email,
                "full_name": nqsw.full_name,
                "is_active": "on",
                "user_permissions": [permission.pk],
                "memberships-TOTAL_FORMS": "1",
                "memberships-INITIAL_FORMS": "1",
                "memberships-MIN_NUM_FORMS": "0",
                "memberships-MAX_NUM_FORMS": "1000",
                "memberships-0-id": str(nqsw.memberships.get().pk),
                "memberships-0-user": str(nqsw.pk),
            },
        )
        assert response.status_code == 302, response.content.decode()[:3000]
        entry = AuditEntry.objects.get(verb="admin.user.change")
        assert entry.after == {"user_permissions": [str(permission.pk)]}
        assert entry.before == {"user_permissions": []}
        assert entry.organisation == nqsw.memberships.get().organisation

    def test_an_entry_rolls_back_with_the_change(self, operator: User, orgs: Orgs) -> None:
        from django.contrib.admin.sites import site
        from django.test import RequestFactory

        team = TeamFactory(organisation=orgs.home, name="Kept")
        pk = team.pk
        request = RequestFactory().post("/")
        request.user = operator
        model_admin = site._registry[Team]

        def delete_then_fail() -> None:
            with transaction.atomic():
                model_admin.delete_model(request, team)
                raise RuntimeError("the admin's request failed after the delete")

        with pytest.raises(RuntimeError):
            delete_then_fail()
        assert Team.objects.filter(pk=pk).exists()
        assert not AuditEntry.objects.filter(verb="admin.team.delete").exists()


class TestSignIns:
    def test_a_sign_in_is_audited_in_the_persons_organisation(
        self, client: Client, nqsw: User, orgs: Orgs
    ) -> None:
        assert login(client, nqsw.email)["Location"] == reverse("academy:home")
        entry = AuditEntry.objects.get(verb="signin.success")
        assert (entry.actor, entry.organisation) == (nqsw, orgs.home)

    def test_a_sign_in_with_the_code_is_audited_once_complete(self, client: Client, assessor: User) -> None:
        login(client, assessor.email)
        assert not AuditEntry.objects.filter(verb="signin.success").exists()
        client.post(reverse("mfa_authenticate"), {"code": "000000"})
        assert AuditEntry.objects.filter(verb="signin.code_failed", object_id=str(assessor.pk)).exists()
        client.post(reverse("mfa_authenticate"), {"code": totp_code(assessor)})
        assert AuditEntry.objects.filter(verb="signin.success", actor=assessor).count() == 1

    def test_a_failed_sign_in_for_a_known_person_is_read_by_their_admins_only(
        self, client: Client, nqsw: User, academy_admin: User, orgs: Orgs
    ) -> None:
        login(client, nqsw.email.upper(), "wrong-password")
        entry = AuditEntry.objects.get(verb="signin.failed")
        assert entry.actor is None
        assert entry.organisation == orgs.home
        assert entry.after == {"email": nqsw.email}  # allauth lowers the address it is given
        row = audit_row(entry)
        assert (row.who, row.what) == ("Not signed in", "Failed sign-in: wrong email address or password")
        assert "Failed sign-in" in _audit_page(client, academy_admin)
        assert "Failed sign-in" not in _audit_page(client, _admin_of(orgs.other))

    def test_a_failed_sign_in_for_an_unknown_address_is_for_operators_only(
        self, client: Client, academy_admin: User, orgs: Orgs
    ) -> None:
        login(client, "nobody-here@example.test", "a-guess")
        entry = AuditEntry.objects.get(verb="signin.failed")
        assert (entry.actor, entry.organisation) == (None, None)
        assert entry.object_repr == "nobody-here@example.test"
        assert entry.after == {"email": "nobody-here@example.test"}
        assert "nobody-here@example.test" not in _audit_page(client, academy_admin)
        assert "nobody-here@example.test" not in _audit_page(client, _admin_of(orgs.other))

    def test_setting_up_and_removing_two_factor_is_audited(
        self, client: Client, nqsw: User, orgs: Orgs
    ) -> None:
        login(client, nqsw.email)
        client.post(reverse("account_reauthenticate"), {"password": TEST_PASSWORD})  # allauth asks again
        page = client.get(reverse("mfa_activate_totp"))
        secret = page.context["form"].secret
        code = format_hotp_value(hotp_value(secret, int(time.time()) // 30))
        with TestCase.captureOnCommitCallbacks(execute=True):  # allauth signals it on commit
            assert client.post(reverse("mfa_activate_totp"), {"code": code}).status_code == 302
        added = AuditEntry.objects.filter(verb="mfa.add")
        assert {e.after["type"] for e in added} == {"totp", "recovery_codes"}
        assert {(e.actor, e.organisation) for e in added} == {(nqsw, orgs.home)}
        assert client.post(reverse("mfa_deactivate_totp")).status_code == 302
        removed = AuditEntry.objects.filter(verb="mfa.remove")
        assert {e.after["type"] for e in removed} == {"totp", "recovery_codes"}
        assert {(e.actor, e.organisation) for e in removed} == {(nqsw, orgs.home)}
        assert audit_row(removed[0]).what == "Two-factor authentication removed"
