"""CPD pages: the person's own ledger, record pages, the tracker and the copy pack; privacy
through the core's isolation check; query counts; the "used in" hook; drafts and POST-only."""

import datetime
from collections.abc import Callable
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from academy.registry.used_in import CPD_RECORD, UsedIn, UsedInRegistration, used_in_providers
from academy.roles import Role
from academy.testing.isolation import COLLEAGUE, SIBLING, UNRELATED, IsolationCheck
from conftest import Orgs
from cpd.models import ActivityType, CpdRecord, RecordStatus
from cpd.tests.factories import CpdRecordFactory, PeerReflectionFactory, person_in

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 10, 15, 12, 0, tzinfo=ZoneInfo("Europe/London"))
BASE = 3  # session's user, memberships, unread notification count (tests/test_query_counts.py)


@pytest.fixture(autouse=True)
def _today():  # type: ignore[no-untyped-def]
    with time_machine.travel(NOW, tick=False):
        yield


def _record_of(role: str) -> Any:
    """A sentinel maker: a record whose title is the marker, of someone with `role` there."""
    return lambda organisation, marker: CpdRecordFactory(
        person=person_in(organisation, role=role), title=marker
    )


def _url_of(name: str) -> Callable[[Any], str]:
    return lambda record: reverse(name, args=[record.pk])


def _planted(check: IsolationCheck, viewer: Any, orgs: Orgs) -> Any:
    return check.plant(
        _record_of(Role.SOCIAL_WORKER),
        hidden={
            UNRELATED: orgs.other,
            SIBLING: orgs.sibling,
            COLLEAGUE: lambda marker: CpdRecordFactory(person=person_in(orgs.home), title=marker),
            # The person's own PSW's ledger is theirs too: staff see no one's content here.
            "PSW of the viewer's council": lambda marker: CpdRecordFactory(
                person=person_in(orgs.home, role=Role.PSW), title=marker
            ),
        },
        shown={"the viewer's own record": lambda marker: CpdRecordFactory(person=viewer, title=marker)},
    )


@pytest.mark.parametrize("viewer_name", ["social_worker", "psw", "academy_admin", "manager"])
def test_ledger_and_record_pages_show_only_the_viewers_own(
    client: Any, orgs: Orgs, personas: dict[str, Any], viewer_name: str
) -> None:
    viewer = personas[viewer_name]
    check = IsolationCheck(client, viewer=viewer)
    planted = _planted(check, viewer, orgs)
    check.list_page(reverse("cpd:ledger"), planted)
    for name in ("cpd:record", "cpd:record_edit", "cpd:peer_reflection", "cpd:copy_pack"):
        check.object_pages(_url_of(name), planted)
    check.object_pages(
        lambda record: reverse("cpd:record_complete", args=[record.pk]), planted, method="POST"
    )


def test_tracker_counts_only_the_viewers_records(client: Any, orgs: Orgs, psw: Any) -> None:
    check = IsolationCheck(client, viewer=psw)

    def completed(html: str) -> str:
        marker = "records completed"
        return html.split(marker)[0].rsplit(">", 1)[-1].strip() if marker in html else ""

    check.count(
        reverse("academy:home"),
        read=completed,
        make=_record_of(Role.SOCIAL_WORKER),
        hidden={
            UNRELATED: orgs.other,
            SIBLING: orgs.sibling,
            COLLEAGUE: lambda marker: CpdRecordFactory(person=person_in(orgs.home), title=marker),
        },
        shown={"own": lambda marker: CpdRecordFactory(person=psw, title=marker)},
    )
    # The tracker's own count of completed records, read from its task list.
    check.count(
        reverse("cpd:tracker"),
        read=lambda html: html.split(" of 2 completed")[0].rsplit(">", 1)[-1].strip(),
        make=_record_of(Role.SOCIAL_WORKER),
        hidden={
            UNRELATED: orgs.other,
            SIBLING: orgs.sibling,
            COLLEAGUE: lambda marker: CpdRecordFactory(person=person_in(orgs.home), title=marker),
        },
        shown={"own": lambda marker: CpdRecordFactory(person=psw, title=marker)},
    )


def test_ledger_query_count(client: Any, social_worker: Any, django_assert_num_queries: Any) -> None:
    for n in range(3):
        PeerReflectionFactory(record=CpdRecordFactory(person=social_worker, title=f"Record {n}"))
    client.force_login(social_worker)
    # + registration years, + count for pagination, + the page of records with peer reflections
    with django_assert_num_queries(BASE + 3):
        response = client.get(reverse("cpd:ledger"))
    assert response.content.count(b"govuk-table__row") == 4


def test_tracker_query_count(client: Any, social_worker: Any, django_assert_num_queries: Any) -> None:
    for n in range(3):
        PeerReflectionFactory(record=CpdRecordFactory(person=social_worker, title=f"Record {n}"))
    client.force_login(social_worker)
    # + registration years, + the person's records over every year's span with reflections
    with django_assert_num_queries(BASE + 2):
        response = client.get(reverse("cpd:tracker"))
    assert b"You have met this year" in response.content


def test_add_two_records_and_the_tracker_turns_complete(client: Any, social_worker: Any) -> None:
    client.force_login(social_worker)
    tracker = client.get(reverse("cpd:tracker")).content.decode()
    assert "Complete 2 more CPD records" in tracker
    assert "46 days left, until 11.59pm on 30 November 2026." in tracker

    def add(title: str, **extra: str) -> CpdRecord:
        data = {
            "title": title,
            "activity_type": ActivityType.READING,
            "description": f"Reading for {title}",
            "occurred_on_0": "3",
            "occurred_on_1": "9",
            "occurred_on_2": "2026",
            "learning": f"What {title} taught me.",
            "impact": f"How {title} changed my visits.",
            "complete": "Save and mark complete",
            **extra,
        }
        response = client.post(reverse("cpd:record_create"), data)
        assert response.status_code == 302, response.content.decode()
        return CpdRecord.objects.get(person=social_worker, title=title)

    first = add("Research briefing on hoarding", peer_learning="My colleague shared a case like it.")
    assert first.status == RecordStatus.COMPLETE
    assert first.peer_reflection.learning == "My colleague shared a case like it."
    add("Podcast on kinship care")
    tracker = client.get(reverse("cpd:tracker")).content.decode()
    assert "You have met this year" in tracker
    home = client.get(reverse("academy:home")).content.decode()
    assert "Requirement met" in home


def test_a_repeated_record_is_refused_on_the_form_and_keeps_what_was_typed(
    client: Any, social_worker: Any
) -> None:
    CpdRecordFactory(person=social_worker, title="Court skills day", occurred_on=datetime.date(2026, 9, 3))
    client.force_login(social_worker)
    response = client.post(
        reverse("cpd:record_create"),
        {
            "title": "Court skills day",
            "activity_type": ActivityType.COURSE,
            "occurred_on_0": "3",
            "occurred_on_1": "9",
            "occurred_on_2": "2026",
            "learning": "Something typed that must not be lost",
            "save": "Save as draft",
        },
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error: " in html
    assert "This repeats your record" in html
    assert "Something typed that must not be lost" in html


def test_a_date_outside_every_year_is_refused_on_the_form(client: Any, social_worker: Any) -> None:
    client.force_login(social_worker)
    response = client.post(
        reverse("cpd:record_create"),
        {
            "title": "Old course",
            "activity_type": ActivityType.COURSE,
            "occurred_on_0": "1",
            "occurred_on_1": "5",
            "occurred_on_2": "2021",
            "save": "Save as draft",
        },
    )
    assert "1 May 2021 is not in any registration year the portal knows." in response.content.decode()
    assert not CpdRecord.objects.filter(person=social_worker).exists()


def test_mark_complete_is_post_only_and_refuses_an_unfinished_draft(client: Any, social_worker: Any) -> None:
    draft = CpdRecordFactory(person=social_worker, status=RecordStatus.DRAFT, impact="")
    client.force_login(social_worker)
    url = reverse("cpd:record_complete", args=[draft.pk])
    assert client.get(url).status_code == 405
    response = client.post(url, follow=True)
    assert "Say what impact it has had" in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == RecordStatus.DRAFT
    draft.impact = "Now written."
    draft.save()
    client.post(url)
    draft.refresh_from_db()
    assert draft.status == RecordStatus.COMPLETE


def test_peer_reflection_added_to_a_completed_record(client: Any, social_worker: Any) -> None:
    record = CpdRecordFactory(person=social_worker)
    client.force_login(social_worker)
    page = client.get(reverse("cpd:peer_reflection", args=[record.pk])).content.decode()
    assert "add the reflection there too" in page
    response = client.post(
        reverse("cpd:peer_reflection", args=[record.pk]),
        {"learning": "We talked it through in group supervision.", "peer_role": "Practice educator"},
    )
    assert response.status_code == 302
    record.refresh_from_db()
    assert record.peer_reflection.peer_role == "Practice educator"
    assert record.status == RecordStatus.COMPLETE


def test_copy_pack_shows_every_field_in_the_regulators_order(client: Any, social_worker: Any) -> None:
    record = CpdRecordFactory(person=social_worker, activity_type=ActivityType.PODCAST)
    PeerReflectionFactory(record=record)
    client.force_login(social_worker)
    html = client.get(reverse("cpd:copy_pack", args=[record.pk])).content.decode()
    expected = [
        "Podcast, video or broadcast",
        record.description,
        "15/06/2026",
        record.learning,
        record.impact.replace("'", "&#x27;"),
        record.peer_reflection.learning,
    ]
    positions = [html.index(text) for text in expected]
    assert positions == sorted(positions)
    assert html.count("data-copy-target=") == 6
    assert "academy/copy-pack.js" in html
    assert "<script>" not in html  # no inline script under the strict CSP


def test_used_in_shows_only_when_a_provider_reports_something(client: Any, social_worker: Any) -> None:
    record = CpdRecordFactory(person=social_worker)
    client.force_login(social_worker)
    url = reverse("cpd:record", args=[record.pk])
    assert "Used in" not in client.get(url).content.decode()

    def provider(*, record_id: Any, scope: Any) -> list[UsedIn]:
        assert scope.user == social_worker
        return (
            [UsedIn(label="ASYE evidence: capacity", url="/asye/somewhere/")]
            if record_id == record.pk
            else []
        )

    with used_in_providers.registered("test.cpd", UsedInRegistration(CPD_RECORD, provider)):
        html = client.get(url).content.decode()
    assert "Used in" in html
    assert "ASYE evidence: capacity" in html


def test_record_form_autosaves_under_its_key(client: Any, social_worker: Any) -> None:
    record = CpdRecordFactory(person=social_worker)
    client.force_login(social_worker)
    assert "cpd:record:new" in client.get(reverse("cpd:record_create")).content.decode()
    assert (
        f"cpd:record:{record.pk}" in client.get(reverse("cpd:record_edit", args=[record.pk])).content.decode()
    )


def test_past_years_stay_readable(client: Any, social_worker: Any) -> None:
    CpdRecordFactory(person=social_worker, title="From last year", occurred_on=datetime.date(2025, 3, 1))
    client.force_login(social_worker)
    assert "From last year" not in client.get(reverse("cpd:ledger")).content.decode()
    assert "From last year" in client.get(reverse("cpd:ledger") + "?year=2024-25").content.decode()
    past = client.get(reverse("cpd:tracker") + "?year=2024-25").content.decode()
    assert "The year ended on 30 November 2025." in past
    assert "Not met" in past


def test_everyone_sees_my_cpd_in_the_navigation(client: Any, student: Any) -> None:
    client.force_login(student)
    html = client.get(reverse("academy:home")).content.decode()
    assert f'href="{reverse("cpd:ledger")}"' in html
    assert "My CPD" in html


def test_an_attachment_is_kept_privately_for_the_owner(client: Any, social_worker: Any, psw: Any) -> None:
    from academy.files.models import StoredFile
    from academy.tests.files_support import PDF, upload

    record = CpdRecordFactory(person=social_worker)
    client.force_login(social_worker)
    data = {
        "title": record.title,
        "activity_type": record.activity_type,
        "description": record.description,
        "occurred_on_0": "15",
        "occurred_on_1": "6",
        "occurred_on_2": "2026",
        "learning": record.learning,
        "impact": record.impact,
        "attachment": upload("Certificate.pdf", PDF, "application/pdf"),
        "save": "Save changes",
    }
    response = client.post(reverse("cpd:record_edit", args=[record.pk]), data)
    assert response.status_code == 302, response.content.decode()
    stored = StoredFile.objects.get(owner_kind="cpd.record", owner_id=str(record.pk))
    download = reverse("academy:files:download", args=[stored.pk])
    assert download in client.get(reverse("cpd:record", args=[record.pk])).content.decode()
    assert client.get(download).status_code == 200
    client.force_login(psw)  # the person's own PSW: no access to the ledger's files
    assert client.get(download).status_code == 404
