"""Sessions end after SESSION_IDLE_MINUTES without activity; "Stay signed in" extends them, and
the page's own status question does not."""

from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from academy.idle_timeout import LAST_ACTIVITY_KEY, idle_words
from academy.models import User
from academy.roles import Role
from academy.tests.factories import MembershipFactory, UserFactory
from conftest import Orgs

pytestmark = pytest.mark.django_db

HOME = reverse("academy:home")
EXTEND = reverse("academy:session_extend")
STATUS = reverse("academy:session_status")
JSON: dict[str, Any] = {"HTTP_ACCEPT": "application/json"}


class Clock:
    def __init__(self, traveller: Any, start: datetime) -> None:
        self.traveller = traveller
        self.start = start

    def at(self, minutes: float) -> None:
        self.traveller.move_to(self.start + timedelta(minutes=minutes))


@pytest.fixture
def clock() -> Iterator[Clock]:
    start = timezone.now().replace(microsecond=0)
    with time_machine.travel(start, tick=False) as traveller:
        yield Clock(traveller, start)


@pytest.fixture
def person(orgs: Orgs) -> User:
    user = UserFactory()
    MembershipFactory(user=user, organisation=orgs.home, role=Role.NQSW)
    return user


@pytest.fixture
def signed_in(client: Client, person: User, clock: Clock) -> Client:
    client.force_login(person)
    assert client.get(HOME).status_code == 200  # activity at minute 0
    return client


def is_signed_in(client: Client) -> bool:
    return client.get(HOME).status_code == 200


def test_idle_too_long_signs_out_with_a_message(signed_in: Client, clock: Clock) -> None:
    clock.at(31)
    response = signed_in.get(reverse("academy:notifications"))

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('account_login')}?next={reverse('academy:notifications')}"
    page = signed_in.get(response["Location"])
    assert "You were signed out after 30 minutes without activity." in page.content.decode()
    assert "_auth_user_id" not in signed_in.session
    assert not is_signed_in(signed_in)


def test_just_under_the_limit_stays_signed_in(signed_in: Client, clock: Clock) -> None:
    clock.at(29.9)
    assert is_signed_in(signed_in)


def test_activity_keeps_the_session(signed_in: Client, clock: Clock) -> None:
    clock.at(20)
    assert is_signed_in(signed_in)
    clock.at(45)  # 25 minutes after the last page
    assert is_signed_in(signed_in)


def test_the_idle_time_is_configurable(signed_in: Client, clock: Clock, settings: Any) -> None:
    settings.SESSION_IDLE_MINUTES = 60
    clock.at(45)
    assert is_signed_in(signed_in)
    clock.at(106)
    assert not is_signed_in(signed_in)
    assert idle_words() == "60 minutes"


def test_status_polls_do_not_count_as_activity(signed_in: Client, clock: Clock) -> None:
    clock.at(20)
    response = signed_in.get(STATUS, **JSON)
    assert response.json() == {"remaining": 600}
    clock.at(31)
    assert not is_signed_in(signed_in)


def test_stay_signed_in_extends_the_session(signed_in: Client, clock: Clock) -> None:
    clock.at(28)
    response = signed_in.post(EXTEND, **JSON)
    assert response.status_code == 200
    assert response.json() == {"remaining": 30 * 60}
    clock.at(50)
    assert is_signed_in(signed_in)


def test_stay_signed_in_without_the_script_goes_back_to_the_page(signed_in: Client, clock: Clock) -> None:
    response = signed_in.post(EXTEND, {"next": reverse("academy:notifications")})
    assert response.status_code == 302
    assert response["Location"] == reverse("academy:notifications")
    elsewhere = signed_in.post(EXTEND, {"next": "https://evil.example/"})
    assert elsewhere["Location"] == "/"


def test_extend_and_status_answer_only_their_method(signed_in: Client) -> None:
    assert signed_in.get(EXTEND).status_code == 405
    assert signed_in.post(STATUS).status_code == 405


def test_the_page_script_is_told_when_the_session_has_ended(signed_in: Client, clock: Clock) -> None:
    clock.at(31)
    response = signed_in.get(STATUS, **JSON)
    assert response.status_code == 401
    assert response.json() == {"signed_in": False}
    assert not is_signed_in(signed_in)


def test_a_form_posted_after_the_time_out_returns_to_its_page(signed_in: Client, clock: Clock) -> None:
    clock.at(31)
    form_page = "http://testserver" + reverse("academy:notifications")
    response = signed_in.post(reverse("academy:notifications_read_all"), HTTP_REFERER=form_page)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('account_login')}?next={reverse('academy:notifications')}"


def test_a_form_posted_from_elsewhere_after_the_time_out_returns_home(
    signed_in: Client, clock: Clock
) -> None:
    clock.at(31)
    response = signed_in.post(
        reverse("academy:notifications_read_all"), HTTP_REFERER="https://evil.example/x"
    )
    assert response["Location"] == f"{reverse('account_login')}?next=/"


def test_activity_is_written_at_most_once_a_minute(signed_in: Client, clock: Clock) -> None:
    first = signed_in.session[LAST_ACTIVITY_KEY]
    clock.at(0.5)
    signed_in.get(HOME)
    assert signed_in.session[LAST_ACTIVITY_KEY] == first
    clock.at(1.5)
    signed_in.get(HOME)
    assert signed_in.session[LAST_ACTIVITY_KEY] == first + 90


def test_signed_in_pages_carry_the_warning_and_the_sign_in_page_does_not(
    signed_in: Client, client: Client
) -> None:
    page = signed_in.get(HOME).content.decode()
    assert 'id="academy-timeout"' in page
    assert 'data-idle-seconds="1800"' in page
    assert 'data-warning-seconds="120"' in page
    assert "academy/idle-timeout.js" in page
    signed_in.logout()
    assert 'id="academy-timeout"' not in signed_in.get(reverse("account_login")).content.decode()


def test_signing_in_starts_the_clock(client: Client, person: User, clock: Clock) -> None:
    client.force_login(person)
    assert client.session[LAST_ACTIVITY_KEY] == clock.start.timestamp()
