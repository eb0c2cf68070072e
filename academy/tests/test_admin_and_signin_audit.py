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


class TestEveryAdminIsAudited:
    def test_every_admin_that_can_change_data_is_audited(self, operator: User) -> None:
        from django.contrib.admin.sites import site
        from django.test import RequestFactory

        from academy.admin_audit import AuditedAdmin

        request = RequestFactory().get("/")
        request.user = operator
        unaudited = [
            model._meta.label
            for model, model_admin in site._registry.items()
            if (
                model_admin.has_add_permission(request)
                or model_admin.has_change_permission(request)
                or model_admin.has_delete_permission(request)
            )
            and not isinstance(model_admin, AuditedAdmin)
        ]
        assert unaudited == []

    def test_the_libraries_admins_are_still_registered(self) -> None:
        from django.contrib.admin.sites import site

        labels = {model._meta.label for model in site._registry}
        assert {
            "auth.Group",
            "account.EmailAddress",
            "mfa.Authenticator",
            "axes.AccessAttempt",
            "django_celery_beat.PeriodicTask",
            "django_celery_beat.CrontabSchedule",
        } <= labels

    def test_removing_someones_authenticator_is_audited_for_their_organisation(
        self, client: Client, operator: User, assessor: User, orgs: Orgs
    ) -> None:
        from allauth.mfa.models import Authenticator

        authenticator = Authenticator.objects.get(user=assessor, type=Authenticator.Type.TOTP)
        client.force_login(operator)
        url = reverse("admin:mfa_authenticator_change", args=[authenticator.pk])
        page = client.get(url).content.decode()
        assert authenticator.data["secret"] not in page  # the secret is not shown to operators
        response = client.post(
            reverse("admin:mfa_authenticator_delete", args=[authenticator.pk]), {"post": "yes"}
        )
        assert response.status_code == 302
        entry = AuditEntry.objects.get(verb="admin.authenticator.delete")
        assert (entry.actor, entry.organisation, entry.object_id) == (
            operator,
            orgs.home,
            str(authenticator.pk),
        )

    def test_adding_a_verified_address_is_audited(
        self, client: Client, operator: User, nqsw: User, orgs: Orgs
    ) -> None:
        client.force_login(operator)
        response = client.post(
            reverse("admin:account_emailaddress_add"),
            {"user": nqsw.pk, "email": "second@example.test", "verified": "on"},
        )
        assert response.status_code == 302, response.content.decode()[:3000]
        entry = AuditEntry.objects.get(verb="admin.emailaddress.add")
        assert entry.organisation == orgs.home
        assert entry.after["email"] == "second@example.test"
        assert entry.after["verified"] is True

    def test_marking_addresses_verified_in_bulk_audits_each(
        self, client: Client, operator: User, nqsw: User, orgs: Orgs
    ) -> None:
        from allauth.account.models import EmailAddress

        address = EmailAddress.objects.create(user=nqsw, email="unverified@example.test", verified=False)
        client.force_login(operator)
        response = client.post(
            reverse("admin:account_emailaddress_changelist"),
            {"action": "make_verified", "_selected_action": [address.pk]},
        )
        assert response.status_code == 302
        address.refresh_from_db()
        assert address.verified
        entry = AuditEntry.objects.get(verb="admin.emailaddress.make_verified")
        assert (entry.object_id, entry.organisation) == (str(address.pk), orgs.home)

    def test_a_group_and_a_schedule_change_are_audited_for_operators(
        self, client: Client, operator: User
    ) -> None:
        from django.contrib.auth.models import Group
        from django_celery_beat.models import IntervalSchedule, PeriodicTask

        client.force_login(operator)
        response = client.post(reverse("admin:auth_group_add"), {"name": "Helpers"})
        assert response.status_code == 302, response.content.decode()[:3000]
        group = Group.objects.get(name="Helpers")
        every = IntervalSchedule.objects.create(every=1, period=IntervalSchedule.MINUTES)
        task = PeriodicTask.objects.create(
            name="test sweep", task="academy.outbox.tasks.outbox_sweep", interval=every
        )
        response = client.post(
            reverse("admin:django_celery_beat_periodictask_changelist"),
            {"action": "disable_tasks", "_selected_action": [task.pk]},
        )
        assert response.status_code == 302
        assert not PeriodicTask.objects.get(pk=task.pk).enabled
        added = AuditEntry.objects.get(verb="admin.group.add")
        assert (added.object_id, added.organisation) == (str(group.pk), None)
        disabled = AuditEntry.objects.get(verb="admin.periodictask.disable_tasks")
        assert (disabled.object_id, disabled.organisation, disabled.actor) == (str(task.pk), None, operator)


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
