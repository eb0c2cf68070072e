"""The person whose every employment has ended keeps their ledger (docs/adr/0012): they sign in
through the real form, see, copy and add to their own CPD, and see nothing of any organisation.
The organisation pages themselves are walked as `former_employee` in tests/test_url_permissions.py."""

import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from academy.models import Notification
from academy.testing.isolation import SIBLING, UNRELATED, IsolationCheck
from academy.tests.factories import TEST_PASSWORD, NotificationFactory
from conftest import Orgs
from cpd.models import CpdRecord
from cpd.tests.factories import CpdRecordFactory, PeerReflectionFactory
from cpd.tests.test_pages import _planted, _url_of

pytestmark = pytest.mark.django_db

# A date in British Summer Time: the employment ended on 2 August, London time.
NOW = datetime.datetime(2026, 9, 1, 9, 30, tzinfo=ZoneInfo("Europe/London"))


@pytest.fixture(autouse=True)
def clock():  # type: ignore[no-untyped-def]
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def _sign_in(client: Any, user: Any) -> Any:
    return client.post(reverse("account_login"), {"login": user.email, "password": TEST_PASSWORD})


def test_signs_in_through_the_form_to_a_home_of_their_own(client: Any, former_employee: Any) -> None:
    record = CpdRecordFactory(person=former_employee, title="Court skills refresher")
    response = _sign_in(client, former_employee)
    assert response.status_code == 302
    assert response["Location"] == reverse("academy:home")
    html = client.get(reverse("academy:home")).content.decode()
    assert "Your employment with the organisations that gave you access here has ended" in html
    assert "Your CPD this registration year" in html
    # The navigation offers Home and My CPD, nothing of the organisation they left.
    nav = [item["label"] for item in client.get(reverse("academy:home")).context["nav_items"]]
    assert nav == ["Home", "My CPD"]
    assert "Home Borough Council" not in html
    # A former PSW: the role's two-factor rule no longer applies to them.
    assert client.get(reverse("cpd:ledger")).status_code == 200
    assert record.title in client.get(reverse("cpd:ledger")).content.decode()


def test_reads_copies_and_adds_to_their_ledger(client: Any, former_employee: Any) -> None:
    record = CpdRecordFactory(person=former_employee, title="Mental capacity assessments")
    PeerReflectionFactory(record=record)
    client.force_login(former_employee)
    assert client.get(reverse("cpd:record", args=[record.pk])).status_code == 200
    copy = client.get(reverse("cpd:copy_pack", args=[record.pk])).content.decode()
    assert record.description in copy
    assert client.get(reverse("cpd:tracker")).status_code == 200
    response = client.post(
        reverse("cpd:record_create"),
        {
            "title": "Reading on trauma-informed practice",
            "activity_type": "reading",
            "occurred_on_0": "2",
            "occurred_on_1": "8",
            "occurred_on_2": "2026",
            "description": "An article on trauma-informed practice with adults.",
            "learning": "How to slow down a first visit.",
            "impact": "I plan first visits with the person's pace in mind.",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    added = CpdRecord.objects.get(person=former_employee, title="Reading on trauma-informed practice")
    assert response["Location"] == reverse("cpd:record", args=[added.pk])


def test_an_attachment_is_refused_with_a_message_and_nothing_is_saved(
    client: Any, former_employee: Any
) -> None:
    client.force_login(former_employee)
    response = client.post(
        reverse("cpd:record_create"),
        {
            "title": "Webinar on hoarding",
            "activity_type": "webinar",
            "occurred_on_0": "2",
            "occurred_on_1": "8",
            "occurred_on_2": "2026",
            "attachment": SimpleUploadedFile("notes.txt", b"My notes from the webinar.", "text/plain"),
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "You cannot attach files while you have no employer here" in html
    assert 'value="Webinar on hoarding"' in html  # what was typed is kept
    assert not CpdRecord.objects.filter(person=former_employee).exists()


def test_sees_only_their_own_records(client: Any, orgs: Orgs, former_employee: Any) -> None:
    """The same sentinels as every other viewer's (test_pages): records in an unrelated council,
    the sibling council, and of a colleague and a PSW of the council they left."""
    check = IsolationCheck(client, viewer=former_employee)
    planted = _planted(check, former_employee, orgs)
    check.list_page(reverse("cpd:ledger"), planted)
    for name in ("cpd:record", "cpd:copy_pack", "cpd:record_edit"):
        check.object_pages(_url_of(name), planted)


def test_home_shows_nothing_of_the_organisation_they_left(
    client: Any, orgs: Orgs, former_employee: Any
) -> None:
    """Notifications about the council they left are gone from home and the header; one about
    their own account (no organisation) stays."""
    check = IsolationCheck(client, viewer=former_employee)
    planted = check.plant(
        lambda organisation, marker: NotificationFactory(
            recipient=former_employee, organisation=organisation, title=marker
        ),
        hidden={UNRELATED: orgs.other, "the council they left": orgs.home, SIBLING: orgs.sibling},
        shown={
            "about their own account": lambda marker: NotificationFactory(
                recipient=former_employee, organisation=None, title=marker
            )
        },
    )
    check.list_page(reverse("academy:notifications"), planted)
    assert Notification.objects.filter(recipient=former_employee).count() == 4


def test_home_query_count(client: Any, former_employee: Any, django_assert_num_queries: Any) -> None:
    for n in range(3):
        CpdRecordFactory(person=former_employee, title=f"Record {n}")
    client.force_login(former_employee)
    # the session's user, current memberships (none), "an employment has ended" (EXISTS), the
    # year's records for the progress panel (registration years are cached after the first page;
    # no unread count: no notification of theirs is about an organisation they still belong to)
    client.get(reverse("academy:home"))
    with django_assert_num_queries(4):
        response = client.get(reverse("academy:home"))
    assert "3 of 2 records completed" in response.content.decode()
