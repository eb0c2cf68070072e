"""The outbox's operator pages: who sees which rows, the filters, the POST-only retry, and the
list's query count. Sentinel rows sit in the sibling council, in an unrelated council and in no
organisation at all, so a selector that stopped scoping would show them."""

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from academy.models import Organisation, OutboxMessage, User
from academy.roles import Role
from academy.tests.factories import MembershipFactory, UserFactory
from conftest import Orgs, seed_totp

pytestmark = pytest.mark.django_db
Status = OutboxMessage.Status


def row(
    to: str, organisation: Organisation | None, status: str = Status.PENDING, **extra: Any
) -> OutboxMessage:
    return OutboxMessage.objects.create(
        kind=extra.pop("kind", "notification"),
        to_email=to,
        organisation=organisation,
        dedupe_key=f"page-test:{to}:{status}",
        status=status,
        sent_at=timezone.now() if status == Status.SENT else None,
        due_at=timezone.now() - timedelta(minutes=5),
        **extra,
    )


@pytest.fixture
def outbox_rows(orgs: Orgs) -> dict[str, OutboxMessage]:
    return {
        "home": row(
            "home-person@example.test", orgs.home, Status.FAILED, attempts=10, last_error="SMTP said no"
        ),
        "home_sent": row(
            "home-sent@example.test", orgs.home, Status.SENT, email_subject="Your review is due"
        ),
        "partnership": row("partnership-person@example.test", orgs.partnership, kind="invitation"),
        "sibling": row("sibling-person@example.test", orgs.sibling, Status.FAILED, attempts=10),
        "other": row("other-sentinel@example.test", orgs.other, Status.FAILED, attempts=10),
        "nowhere": row("nowhere-sentinel@example.test", None, Status.FAILED, attempts=10),
    }


@pytest.fixture
def superuser(db: None) -> User:
    user = UserFactory(email="operator@example.test", is_superuser=True, is_staff=True)
    seed_totp(user)
    return user


def listed(client: Client, user: User, query: str = "") -> str:
    client.force_login(user)
    response = client.get(reverse("academy:outbox") + query)
    assert response.status_code == 200
    return response.content.decode()


def test_an_academy_admin_sees_the_rows_of_the_partnership_and_its_councils_only(
    client: Client, academy_admin: User, outbox_rows: dict[str, OutboxMessage]
) -> None:
    page = listed(client, academy_admin)
    for name in ("home", "home_sent", "partnership", "sibling"):
        assert outbox_rows[name].to_email in page
    assert "other-sentinel@example.test" not in page
    assert "nowhere-sentinel@example.test" not in page
    assert "Failed: 2" in page  # the counts are scoped too


def test_a_superuser_sees_every_row(
    client: Client, superuser: User, outbox_rows: dict[str, OutboxMessage]
) -> None:
    page = listed(client, superuser)
    for message in outbox_rows.values():
        assert message.to_email in page
    assert "Failed: 4" in page


@pytest.mark.parametrize(
    ("query", "shown", "hidden"),
    [
        ("?status=failed", ["home", "sibling"], ["home_sent", "partnership"]),
        ("?status=sent", ["home_sent"], ["home", "partnership"]),
        ("?kind=invitation", ["partnership"], ["home", "home_sent"]),
        ("?to=sibling", ["sibling"], ["home", "partnership"]),
        ("?status=nonsense", ["home", "home_sent", "partnership", "sibling"], []),
    ],
)
def test_filters(
    client: Client,
    academy_admin: User,
    outbox_rows: dict[str, OutboxMessage],
    query: str,
    shown: list[str],
    hidden: list[str],
) -> None:
    page = listed(client, academy_admin, query)
    for name in shown:
        assert outbox_rows[name].to_email in page
    for name in hidden:
        assert outbox_rows[name].to_email not in page


def test_a_filter_that_matches_nothing_says_how_to_clear_it(
    client: Client, academy_admin: User, outbox_rows: dict[str, OutboxMessage]
) -> None:
    assert "Clear the filters" in listed(client, academy_admin, "?to=nobody-at-all")


def test_an_empty_outbox_says_what_will_appear(client: Client, academy_admin: User) -> None:
    assert "No email has been queued yet" in listed(client, academy_admin)


@pytest.mark.parametrize("persona", ["psw", "nqsw", "assessor", "moderator", "outsider"])
def test_other_roles_are_refused(client: Client, personas: dict[str, User], persona: str) -> None:
    client.force_login(personas[persona])
    assert client.get(reverse("academy:outbox")).status_code == 403


def test_the_detail_page_shows_the_last_error_and_a_retry_button(
    client: Client, academy_admin: User, outbox_rows: dict[str, OutboxMessage]
) -> None:
    client.force_login(academy_admin)
    failed = client.get(reverse("academy:outbox_message", args=[outbox_rows["home"].pk])).content.decode()
    assert "SMTP said no" in failed
    assert "Send again" in failed
    sent = client.get(reverse("academy:outbox_message", args=[outbox_rows["home_sent"].pk])).content.decode()
    assert "Your review is due" in sent
    assert "Send again" not in sent


@pytest.mark.parametrize("name", ["other", "nowhere"])
def test_rows_outside_the_scope_are_not_found(
    client: Client, academy_admin: User, outbox_rows: dict[str, OutboxMessage], name: str
) -> None:
    client.force_login(academy_admin)
    pk = outbox_rows[name].pk
    assert client.get(reverse("academy:outbox_message", args=[pk])).status_code == 404
    assert client.post(reverse("academy:outbox_retry", args=[pk])).status_code == 404
    assert OutboxMessage.objects.get(pk=pk).status == Status.FAILED


def test_an_academy_admin_of_another_partnership_cannot_reach_these_rows(
    client: Client, orgs: Orgs, outbox_rows: dict[str, OutboxMessage]
) -> None:
    elsewhere = MembershipFactory(organisation=orgs.other, role=Role.ACADEMY_ADMIN).user
    seed_totp(elsewhere)
    page = listed(client, elsewhere)
    assert "other-sentinel@example.test" in page
    assert "home-person@example.test" not in page
    assert client.post(reverse("academy:outbox_retry", args=[outbox_rows["home"].pk])).status_code == 404


def test_retry_is_post_only_and_sends_again(
    client: Client, academy_admin: User, outbox_rows: dict[str, OutboxMessage]
) -> None:
    client.force_login(academy_admin)
    url = reverse("academy:outbox_retry", args=[outbox_rows["sibling"].pk])
    assert client.get(url).status_code == 405
    response = client.post(url, follow=True)
    assert response.redirect_chain[-1][0] == reverse(
        "academy:outbox_message", args=[outbox_rows["sibling"].pk]
    )
    assert "will be sent again" in response.content.decode()
    retried = OutboxMessage.objects.get(pk=outbox_rows["sibling"].pk)
    assert (retried.status, retried.attempts) == (Status.PENDING, 0)


def test_retrying_a_row_that_has_not_failed_explains_and_changes_nothing(
    client: Client, academy_admin: User, outbox_rows: dict[str, OutboxMessage]
) -> None:
    client.force_login(academy_admin)
    sent = outbox_rows["home_sent"]
    response = client.post(reverse("academy:outbox_retry", args=[sent.pk]), follow=True)
    assert "Only an email that failed can be sent again" in response.content.decode()
    assert OutboxMessage.objects.get(pk=sent.pk).status == Status.SENT


def test_the_navigation_leads_academy_admins_to_the_outbox(client: Client, academy_admin: User) -> None:
    client.force_login(academy_admin)
    assert reverse("academy:outbox") in client.get(reverse("academy:home")).content.decode()


def test_a_superuser_without_an_organisation_finds_it_from_home(client: Client, superuser: User) -> None:
    client.force_login(superuser)
    assert reverse("academy:outbox") in client.get(reverse("academy:home")).content.decode()


def test_the_list_query_count(
    client: Client, orgs: Orgs, academy_admin: User, django_assert_num_queries: Any
) -> None:
    for organisation in (orgs.home, orgs.sibling, orgs.partnership):
        for n, status in enumerate([Status.PENDING, Status.SENT, Status.FAILED]):
            row(f"person{n}@{organisation.slug}.example.test", organisation, status)
    client.force_login(academy_admin)
    # 1 session user, 2 active memberships (organisation middleware), 3 authenticator (MFA
    # middleware), 4 unread notification count (header, cold cache), 5 the partnership's member
    # councils, 6 their members (none: the tree ends), 7 the page's row count, 8 the page of
    # rows with their organisations, 9 the count of rows in each status.
    with django_assert_num_queries(9):
        response = client.get(reverse("academy:outbox"))
    assert response.status_code == 200
    assert response.content.decode().count("example.test</a>") == 9
