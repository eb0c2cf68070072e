"""The reminder pages: operators' list (scope, filters, isolation, query count, POST-only retry)
and each person's preferences (saved, audited, invalid input kept)."""

import datetime
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from academy.models import Organisation, Reminder, ReminderDigest, ReminderPreference, User
from academy.roles import Role
from academy.testing.isolation import SIBLING, UNRELATED, IsolationCheck
from academy.tests.factories import MembershipFactory, UserFactory
from academy.tests.reminders_support import (
    REVIEW,
    SUPERVISION,
    test_producer_fixture,  # noqa: F401  (the `test_producer` fixture)
)
from conftest import Orgs, seed_totp

pytestmark = pytest.mark.django_db
State = Reminder.State


def reminder(
    organisation: Organisation,
    title: str,
    state: str = State.SENT,
    *,
    kind: str = SUPERVISION.name,
    due_at: datetime.datetime | None = None,
    **extra: Any,
) -> Reminder:
    person = MembershipFactory(
        user=UserFactory(full_name=f"Person for {title}"), organisation=organisation, role=Role.NQSW
    ).user
    return Reminder.objects.create(
        key=f"page:{person.pk}:{title}",
        producer="test.supervision",
        kind=kind,
        recipient=person,
        url="/notifications/",
        title=title,
        due_at=due_at or timezone.now() - timedelta(hours=1),
        state=state,
        **extra,
    )


def council_admin(organisation: Organisation) -> User:
    admin = MembershipFactory(organisation=organisation, role=Role.ACADEMY_ADMIN).user
    seed_totp(admin)
    return admin


def listed(client: Client, user: User, query: str = "") -> str:
    client.force_login(user)
    response = client.get(reverse("academy:reminders") + query)
    assert response.status_code == 200
    return response.content.decode()


def test_a_council_admin_sees_their_own_peoples_reminders_only(client: Client, orgs: Orgs) -> None:
    check = IsolationCheck(client, viewer=council_admin(orgs.home))
    planted = check.plant(
        lambda organisation, marker: reminder(organisation, marker, State.FAILED, attempts=5),
        hidden={UNRELATED: orgs.other, SIBLING: orgs.sibling},
        shown={"own council": orgs.home},
    )
    check.list_page(reverse("academy:reminders"), planted)
    check.object_pages(lambda r: reverse("academy:reminder_retry", args=[r.pk]), planted, method="POST")
    for sentinel in planted.hidden:
        assert Reminder.objects.get(pk=sentinel.obj.pk).state == State.FAILED


def test_the_partnership_admin_sees_its_councils_but_not_another_partnership(
    client: Client, orgs: Orgs, academy_admin: User
) -> None:
    check = IsolationCheck(client, viewer=academy_admin)
    planted = check.plant(
        lambda organisation, marker: reminder(organisation, marker),
        hidden={UNRELATED: orgs.other},
        shown={"member council": orgs.home, "other member council": orgs.sibling},
    )
    check.list_page(reverse("academy:reminders"), planted)


def test_a_person_who_left_is_still_shown_to_the_operator_with_why(client: Client, orgs: Orgs) -> None:
    gone = reminder(
        orgs.home, "Reminder to someone who left", State.CANCELLED, cancel_reason="memberships ended"
    )
    gone.recipient.memberships.update(is_active=False)
    page = listed(client, council_admin(orgs.home))
    assert "Reminder to someone who left" in page
    assert "memberships ended" in page


@pytest.mark.parametrize("persona", ["psw", "nqsw", "assessor", "moderator", "outsider"])
def test_other_roles_are_refused(client: Client, personas: dict[str, User], persona: str) -> None:
    client.force_login(personas[persona])
    assert client.get(reverse("academy:reminders")).status_code == 403


@pytest.fixture
def rows(orgs: Orgs, test_producer: Any) -> dict[str, Reminder]:
    now = timezone.now()
    return {
        "due": reminder(orgs.home, "Due supervision", State.DUE),
        "sent": reminder(orgs.home, "Sent supervision", State.SENT, sent_at=now, email="single"),
        "failed": reminder(
            orgs.home, "Failed review", State.FAILED, kind=REVIEW.name, attempts=5, last_error="no luck"
        ),
        "cancelled": reminder(orgs.home, "Cancelled supervision", State.CANCELLED, cancel_reason="Recorded"),
        "later": reminder(orgs.home, "Later supervision", State.PENDING, due_at=now + timedelta(days=40)),
    }


@pytest.mark.parametrize(
    ("query", "shown", "hidden"),
    [
        ("?state=failed", ["failed"], ["due", "sent", "cancelled"]),
        ("?state=cancelled", ["cancelled"], ["due", "failed"]),
        ("?state=due", ["due"], ["sent", "later"]),
        (f"?kind={REVIEW.name}", ["failed"], ["due", "sent"]),
        (
            "?due_from=" + f"{timezone.localdate() + timedelta(days=30):%Y-%m-%d}",
            ["later"],
            ["due", "failed"],
        ),
        ("?due_to=" + f"{timezone.localdate() + timedelta(days=1):%Y-%m-%d}", ["due", "failed"], ["later"]),
    ],
)
def test_filters(
    client: Client, orgs: Orgs, rows: dict[str, Reminder], query: str, shown: list[str], hidden: list[str]
) -> None:
    page = listed(client, council_admin(orgs.home), query)
    for name in shown:
        assert rows[name].title in page
    for name in hidden:
        assert rows[name].title not in page


def test_an_invalid_date_keeps_what_was_typed_and_says_why(
    client: Client, orgs: Orgs, rows: dict[str, Reminder]
) -> None:
    page = listed(client, council_admin(orgs.home), "?due_from=31+02+2027&state=failed")
    assert "<title>Error: Reminders" in page
    assert "Enter the &#x27;due from&#x27; date as a real date" in page
    assert 'value="31 02 2027"' in page
    assert rows["sent"].title in page  # the list is not filtered by a form with errors


def test_an_empty_list_says_what_will_appear(client: Client, orgs: Orgs) -> None:
    assert "No reminder has been made yet" in listed(client, council_admin(orgs.home))


def test_retry_is_post_only_and_makes_the_reminder_due(
    client: Client, orgs: Orgs, rows: dict[str, Reminder]
) -> None:
    client.force_login(council_admin(orgs.home))
    page = client.get(reverse("academy:reminders")).content.decode()
    url = reverse("academy:reminder_retry", args=[rows["failed"].pk])
    assert f'action="{url}"' in page  # the failed one has its button
    assert reverse("academy:reminder_retry", args=[rows["sent"].pk]) not in page
    assert client.get(url).status_code == 405
    response = client.post(url, follow=True)
    assert "will be sent again" in response.content.decode()
    retried = Reminder.objects.get(pk=rows["failed"].pk)
    assert (retried.state, retried.attempts) == (State.DUE, 0)
    again = client.post(reverse("academy:reminder_retry", args=[rows["sent"].pk]), follow=True)
    assert "Only a reminder that failed can be sent again" in again.content.decode()


def test_the_navigation_leads_academy_admins_to_reminders(client: Client, academy_admin: User) -> None:
    client.force_login(academy_admin)
    assert reverse("academy:reminders") in client.get(reverse("academy:home")).content.decode()


def test_the_list_query_count(
    client: Client, orgs: Orgs, academy_admin: User, test_producer: Any, django_assert_num_queries: Any
) -> None:
    for organisation in (orgs.home, orgs.sibling, orgs.partnership):
        for state in (State.DUE, State.SENT, State.FAILED):
            reminder(organisation, f"{state} for {organisation.slug}", state)
    client.force_login(academy_admin)
    # 1 session user, 2 active memberships (organisation middleware), 3 authenticator (MFA
    # middleware), 4 unread notification count (header, cold cache), 5 the partnership's member
    # councils, 6 their members (none: the tree ends), 7 the page's row count, 8 the page of
    # reminders with their people, 9 the count in each state.
    with django_assert_num_queries(9):
        response = client.get(reverse("academy:reminders"))
    assert response.status_code == 200
    assert response.content.decode().count('<tr class="govuk-table__row">') == 1 + 9  # head and rows


# --- Preferences ---------------------------------------------------------------------------------


def test_everyone_reaches_their_preferences_from_the_notifications_page(client: Client, nqsw: User) -> None:
    client.force_login(nqsw)
    assert (
        reverse("academy:reminder_preferences")
        in client.get(reverse("academy:notifications")).content.decode()
    )


def test_preferences_are_saved_and_shown_again(client: Client, nqsw: User, test_producer: Any) -> None:
    client.force_login(nqsw)
    url = reverse("academy:reminder_preferences")
    page = client.get(url).content.decode()
    assert SUPERVISION.label in page
    assert REVIEW.label in page
    response = client.post(url, {"by_email": [REVIEW.name], "digest": "yes", "digest_time": "07:30"})
    assert response.status_code == 302
    # Only the test producer's kinds: the apps' own producers add theirs to the page too.
    test_kinds = [SUPERVISION.name, REVIEW.name]
    saved = ReminderPreference.objects.filter(user=nqsw, kind__in=test_kinds)
    assert set(saved.values_list("kind", "by_email")) == {
        (SUPERVISION.name, False),
        (REVIEW.name, True),
    }
    digest = ReminderDigest.objects.get(user=nqsw)
    assert (digest.enabled, digest.time_of_day) == (True, datetime.time(7, 30))
    assert digest.next_at is not None
    assert timezone.localtime(digest.next_at).strftime("%H:%M") == "07:30"
    again = client.get(url).content.decode()
    assert 'value="07:30" selected' in again
    flat = " ".join(again.split())
    assert f'value="{REVIEW.name}" checked="checked"' in flat
    assert f'value="{SUPERVISION.name}" checked' not in flat


def test_invalid_preferences_keep_what_was_chosen(client: Client, nqsw: User, test_producer: Any) -> None:
    client.force_login(nqsw)
    response = client.post(
        reverse("academy:reminder_preferences"), {"by_email": [REVIEW.name], "digest_time": "07:30"}
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error: Reminder preferences" in page
    assert "Choose how reminder emails should come" in page
    assert 'value="07:30" selected' in page
    assert not ReminderDigest.objects.filter(user=nqsw).exists()
