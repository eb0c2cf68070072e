"""`Membership.ended_on` ends access: at once in the sign-in and access checks, and by the daily
sweep that marks the membership ended, audited as done by the system. Staff set the dates."""

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from academy import selectors, services
from academy.employment import membership_set_dates, memberships_end_past_employment
from academy.models import AuditEntry, Membership, User
from academy.roles import Role
from academy.schedules import declared
from academy.tasks import memberships_end_sweep
from academy.tests.factories import MembershipFactory, UserFactory
from academy.tests.test_accounts import login
from conftest import Orgs

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")


def _days(n: int) -> dt.date:
    return timezone.localdate() + dt.timedelta(days=n)


def test_an_end_date_in_the_past_ends_access_before_the_sweep(client: Client, nqsw: User) -> None:
    """The role gives nothing from the day after; the person still signs in, to their own
    records only (docs/adr/0012-signing-in-after-employment-ends.md)."""
    membership = Membership.objects.get(user=nqsw)
    Membership.objects.filter(pk=membership.pk).update(ended_on=_days(-1))
    assert selectors.user_has_active_membership(user=nqsw) is False
    assert selectors.active_memberships(user=nqsw) == []
    assert login(client, nqsw.email)["Location"] == reverse("academy:home")
    response = client.get(reverse("academy:home"))
    assert response.context["request"].personal_only is True
    assert response.context["request"].organisation is None


def test_the_last_day_still_counts(client: Client, nqsw: User) -> None:
    Membership.objects.filter(user=nqsw).update(ended_on=timezone.localdate())
    assert selectors.user_has_active_membership(user=nqsw) is True
    assert login(client, nqsw.email)["Location"] == reverse("academy:home")


def test_an_open_session_loses_the_organisation_when_the_date_passes(client: Client, nqsw: User) -> None:
    Membership.objects.filter(user=nqsw).update(ended_on=timezone.localdate())
    client.force_login(nqsw)
    response = client.get(reverse("academy:home"))
    assert response.context["request"].organisation is not None
    with time_machine.travel(timezone.now() + dt.timedelta(days=1)):
        client.force_login(nqsw)  # a day later the idle time-out would have signed them out
        response = client.get(reverse("academy:home"))
        assert response.status_code == 200
        assert response.context["request"].personal_only is True
        assert response.context["request"].organisation is None
        assert client.get(reverse("academy:people")).status_code == 403


def test_an_ended_role_gives_no_authority(psw: User, orgs: Orgs) -> None:
    Membership.objects.filter(user=psw).update(ended_on=_days(-3))
    assert selectors.roles_held_over(user=psw, organisation=orgs.home) == set()


def test_the_sweep_ends_each_past_membership_once(orgs: Orgs) -> None:
    past = [MembershipFactory(organisation=orgs.home, ended_on=_days(-d)) for d in (1, 30)]
    today = MembershipFactory(organisation=orgs.home, ended_on=_days(0))
    future = MembershipFactory(organisation=orgs.sibling, ended_on=_days(5))
    open_ended = MembershipFactory(organisation=orgs.sibling)
    already = MembershipFactory(organisation=orgs.home, ended_on=_days(-9), is_active=False)

    assert memberships_end_past_employment() == 2
    assert memberships_end_past_employment() == 0  # run twice: nothing more, no new entries

    for membership in past:
        membership.refresh_from_db()
        assert membership.is_active is False
        assert membership.deactivated_at is not None
    for membership in (today, future, open_ended):
        membership.refresh_from_db()
        assert membership.is_active is True
    entries = AuditEntry.objects.filter(verb="membership.end")
    assert sorted(e.object_id for e in entries) == sorted(str(m.pk) for m in past)
    assert all(e.actor is None and e.organisation == orgs.home for e in entries)
    assert not entries.filter(object_id=str(already.pk)).exists()


def test_the_sweep_goes_by_the_london_date_across_midnight_in_summer(orgs: Orgs) -> None:
    """31 August is the last day. At 00:30 on 1 September in London it is still 31 August in
    UTC: a sweep that used the UTC date would wait another hour; one that used tomorrow's date
    would end the role during its last day."""
    membership = MembershipFactory(organisation=orgs.home, ended_on=dt.date(2026, 8, 31))
    with time_machine.travel(dt.datetime(2026, 8, 31, 23, 30, tzinfo=LONDON), tick=False):
        assert selectors.user_has_active_membership(user=membership.user) is True
        assert memberships_end_past_employment() == 0
    with time_machine.travel(dt.datetime(2026, 9, 1, 0, 30, tzinfo=LONDON), tick=False):
        assert selectors.user_has_active_membership(user=membership.user) is False
        assert memberships_end_past_employment() == 1
    membership.refresh_from_db()
    assert membership.is_active is False


def test_the_sweep_is_a_registered_daily_task_that_runs_twice_safely(orgs: Orgs) -> None:
    sweep = next(p for p in declared() if p.task == "academy.tasks.memberships_end_sweep")
    assert sweep.every_seconds == 24 * 60 * 60
    MembershipFactory(organisation=orgs.home, ended_on=_days(-1))
    assert memberships_end_sweep.apply().get() == 1
    assert memberships_end_sweep.apply().get() == 0


def test_staff_set_the_dates_and_it_is_audited(psw: User, nqsw: User) -> None:
    membership = Membership.objects.get(user=nqsw)
    membership_set_dates(
        actor=psw, membership=membership, started_on=dt.date(2025, 9, 1), ended_on=dt.date(2026, 8, 31)
    )
    membership.refresh_from_db()
    assert (membership.started_on, membership.ended_on) == (dt.date(2025, 9, 1), dt.date(2026, 8, 31))
    entry = AuditEntry.objects.get(verb="membership.set_dates")
    assert entry.actor == psw
    assert entry.after == {"started_on": "2025-09-01", "ended_on": "2026-08-31"}
    assert entry.before == {"started_on": "", "ended_on": ""}


def test_the_end_cannot_come_before_the_start(psw: User, nqsw: User) -> None:
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="same as or after the start"):
        membership_set_dates(
            actor=psw,
            membership=Membership.objects.get(user=nqsw),
            started_on=dt.date(2026, 9, 1),
            ended_on=dt.date(2026, 8, 31),
        )
    assert not AuditEntry.objects.filter(verb="membership.set_dates").exists()


def test_staff_cannot_end_their_own_access(psw: User) -> None:
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="your own access"):
        membership_set_dates(
            actor=psw, membership=Membership.objects.get(user=psw), started_on=None, ended_on=_days(-1)
        )


def test_an_ended_role_is_not_reactivated_until_the_date_changes(psw: User, nqsw: User) -> None:
    from django.core.exceptions import ValidationError

    membership = Membership.objects.get(user=nqsw)
    Membership.objects.filter(pk=membership.pk).update(ended_on=_days(-2))
    memberships_end_past_employment()
    with pytest.raises(ValidationError, match="Change or remove the end date first"):
        services.membership_set_active(actor=psw, membership=membership, active=True)


class TestDatesPage:
    def _post(self, client: Client, membership: Membership, start: str, end: str) -> Any:
        data = {}
        for name, value in (("started_on", start), ("ended_on", end)):
            day, month, year = value.split("/") if value else ("", "", "")
            data.update({f"{name}_0": day, f"{name}_1": month, f"{name}_2": year})
        return client.post(reverse("academy:membership_dates", args=[membership.pk]), data)

    def test_the_page_has_gov_uk_date_inputs(self, client: Client, psw: User, nqsw: User) -> None:
        client.force_login(psw)
        page = client.get(reverse("academy:membership", args=[Membership.objects.get(user=nqsw).pk]))
        html = page.content.decode()
        assert "govuk-date-input" in html
        assert 'name="ended_on_0"' in html
        assert reverse("academy:membership_dates", args=[Membership.objects.get(user=nqsw).pk]) in html

    def test_saving_dates(self, client: Client, psw: User, nqsw: User) -> None:
        membership = Membership.objects.get(user=nqsw)
        client.force_login(psw)
        response = self._post(client, membership, "1/9/2025", "31/8/2026")
        assert response.status_code == 302
        membership.refresh_from_db()
        assert membership.ended_on == dt.date(2026, 8, 31)
        page = client.get(response["Location"]).content.decode()
        assert "31 August 2026" in page

    def test_an_end_before_the_start_shows_the_error(self, client: Client, psw: User, nqsw: User) -> None:
        membership = Membership.objects.get(user=nqsw)
        client.force_login(psw)
        response = self._post(client, membership, "1/9/2026", "31/8/2026")
        assert response.status_code == 200
        html = response.content.decode()
        assert "<title>Error: " in html
        assert "The end date must be the same as or after the start date." in html
        assert 'href="#id_ended_on_0"' in html
        membership.refresh_from_db()
        assert membership.ended_on is None

    def test_a_date_half_filled_is_an_error(self, client: Client, psw: User, nqsw: User) -> None:
        membership = Membership.objects.get(user=nqsw)
        client.force_login(psw)
        response = client.post(
            reverse("academy:membership_dates", args=[membership.pk]),
            {"ended_on_0": "31", "ended_on_1": "", "ended_on_2": "2026"},
        )
        assert response.status_code == 200
        assert b"Enter the month" in response.content

    def test_a_role_the_staff_member_cannot_grant_is_refused(
        self, client: Client, psw: User, orgs: Orgs
    ) -> None:
        admin_membership = MembershipFactory(
            user=UserFactory(), organisation=orgs.home, role=Role.ACADEMY_ADMIN
        )
        client.force_login(psw)
        response = self._post(client, admin_membership, "", "1/1/2020")
        assert response.status_code == 403
        admin_membership.refresh_from_db()
        assert admin_membership.ended_on is None

    def test_get_is_not_allowed(self, client: Client, psw: User, nqsw: User) -> None:
        client.force_login(psw)
        url = reverse("academy:membership_dates", args=[Membership.objects.get(user=nqsw).pk])
        assert client.get(url).status_code == 405


# --- Counts of people leave out those whose employment ended ---------------------------------------


def test_people_whose_employment_ended_are_not_counted_before_the_sweep(
    client: Client, psw: User, nqsw: User, orgs: Orgs
) -> None:
    from academy.scope import Scope
    from academy.tests.factories import TeamFactory

    team = TeamFactory(organisation=orgs.home, name="Duty and assessment")
    left = MembershipFactory(organisation=orgs.home, role=Role.NQSW, team=team)
    stays = MembershipFactory(
        organisation=orgs.home, role=Role.NQSW, team=team, ended_on=timezone.localdate()
    )
    Membership.objects.filter(pk=left.pk).update(ended_on=_days(-1))  # still is_active until the sweep
    scope = Scope.of(psw, orgs.home, [Role.PSW])

    counted = selectors.teams_visible_to(scope=scope).get(pk=team.pk)
    assert counted.active_people == 1  # type: ignore[attr-defined]  # `stays`, whose last day is today
    assert stays.is_active

    client.force_login(psw)
    panels = client.get(reverse("academy:home")).context["panels"]
    panel_rows = [
        row
        for column in panels.values()
        for panel in column
        for row in panel.context.get("people_table_rows", [])
    ]
    nqsws_in_scope = Membership.objects.filter(
        selectors.current_membership_q(), role=Role.NQSW, organisation=orgs.home
    ).count()
    assert [Role.NQSW.label, str(nqsws_in_scope)] in panel_rows
    assert nqsws_in_scope == Membership.objects.filter(role=Role.NQSW, organisation=orgs.home).count() - 1


def test_notifications_about_an_organisation_whose_employment_ended_are_hidden(
    nqsw: User, orgs: Orgs
) -> None:
    from academy.tests.factories import NotificationFactory

    about_home = NotificationFactory(recipient=nqsw, organisation=orgs.home)
    assert list(selectors.notifications_visible_to(user=nqsw)) == [about_home]
    Membership.objects.filter(user=nqsw).update(ended_on=_days(-1))
    assert list(selectors.notifications_visible_to(user=nqsw)) == []


class TestAfterEmploymentEnds:
    """docs/adr/0012: an ended employment leaves a personal-only sign-in; nothing else does."""

    def _ended(self, orgs: Orgs, **user: Any) -> User:
        person = UserFactory(**user)
        MembershipFactory(
            user=person, organisation=orgs.home, role=Role.PSW, ended_on=_days(-10), is_active=False
        )
        return person

    def test_an_ended_employment_signs_in_without_organisation_roles_or_mfa(
        self, client: Client, orgs: Orgs
    ) -> None:
        person = self._ended(orgs)  # a former PSW, with no authenticator
        assert login(client, person.email)["Location"] == reverse("academy:home")
        response = client.get(reverse("academy:home"))
        assert response.status_code == 200
        request = response.context["request"]
        assert (request.personal_only, request.organisation, request.roles) == (True, None, frozenset())
        labels = [item["label"] for item in response.context["nav_items"]]
        assert "Home" in labels
        assert not {"People", "Teams", "Frameworks", "Audit log", "Email outbox"} & set(labels)
        assert client.get(reverse("academy:people")).status_code == 403
        assert client.get(reverse("academy:audit_log")).status_code == 403

    def test_an_inactive_account_is_refused_whatever_its_past(self, client: Client, orgs: Orgs) -> None:
        person = self._ended(orgs, is_active=False)
        response = login(client, person.email)
        assert response.status_code == 302
        assert response["Location"] != reverse("academy:home")
        assert client.get(reverse("academy:home")).status_code == 302

    def test_someone_who_never_had_a_role_is_refused(self, client: Client) -> None:
        person = UserFactory()
        assert login(client, person.email)["Location"] == reverse("account_inactive")

    def test_access_withdrawn_without_an_end_date_is_refused(self, client: Client, orgs: Orgs) -> None:
        person = UserFactory()
        MembershipFactory(user=person, organisation=orgs.home, role=Role.NQSW, is_active=False)
        assert login(client, person.email)["Location"] == reverse("account_inactive")

    def test_an_open_session_of_an_account_switched_off_ends(self, client: Client, orgs: Orgs) -> None:
        person = self._ended(orgs)
        client.force_login(person)
        assert client.get(reverse("academy:home")).status_code == 200
        User.objects.filter(pk=person.pk).update(is_active=False)
        response = client.get(reverse("academy:home"))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))

    def test_a_new_role_brings_the_organisation_back(self, client: Client, orgs: Orgs) -> None:
        person = self._ended(orgs)
        MembershipFactory(user=person, organisation=orgs.sibling, role=Role.SOCIAL_WORKER)
        client.force_login(person)
        request = client.get(reverse("academy:home")).context["request"]
        assert (request.personal_only, request.organisation) == (False, orgs.sibling)
