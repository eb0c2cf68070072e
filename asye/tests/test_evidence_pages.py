"""The evidence pages: the NQSW's forms (what was typed is kept, refused files, two tabs), the
anonymisation check in place, the assessor's review, isolation (sentinels) and query counts."""

import datetime
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from academy.models import FrameworkElement
from academy.roles import Role
from academy.testing.isolation import COLLEAGUE, SIBLING, UNRELATED, IsolationCheck
from academy.web import PAGE_SIZE
from asye.evidence import selectors
from asye.models import (
    AnonymisationCheck,
    AsyeRecord,
    EvidenceComment,
    EvidenceItem,
    EvidenceKind,
    EvidenceStatus,
)
from asye.tests.factories import (
    CLEAN_REFLECTION,
    AsyeRecordFactory,
    EvidenceItemFactory,
    member,
    membership_of,
)
from conftest import Orgs

pytestmark = pytest.mark.django_db


@pytest.fixture
def record(orgs: Orgs, personas: dict[str, Any], programme_types: None) -> AsyeRecord:
    return AsyeRecordFactory(
        organisation=orgs.home,
        nqsw=membership_of(personas["nqsw"], orgs.home, Role.NQSW),
        assessor=membership_of(personas["assessor"], orgs.home, Role.ASSESSOR),
        line_manager=membership_of(personas["manager"], orgs.home, Role.LINE_MANAGER),
    )


def form_data(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "title": "Reviewing a support plan",
        "date_0": "5",
        "date_1": "10",
        "date_2": "2026",
        "idempotency_key": "k1",
        **{f"answer_{k}": v for k, v in CLEAN_REFLECTION.items()},
    }
    data.update(overrides)
    return data


def new_url(record: AsyeRecord, kind: str = EvidenceKind.CRITICAL_REFLECTION) -> str:
    return reverse("asye:evidence_new", args=[record.pk, kind])


def test_add_evidence_and_submit(client: Client, nqsw: Any, record: AsyeRecord) -> None:
    client.force_login(nqsw)
    element = selectors.record_elements(record=record)[0]
    page = client.get(new_url(record) + f"?element={element.pk}").content.decode()
    assert "What was the situation?" in page
    assert f'value="{element.pk}" checked' in page
    assert "asye:evidence:new:critical_reflection:" in page
    response: Any = client.post(new_url(record), form_data(elements=[str(element.pk)]))
    item = EvidenceItem.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("asye:evidence", args=[item.pk])
    # The same form sent again makes no second item.
    client.post(new_url(record), form_data(elements=[str(element.pk)]))
    assert EvidenceItem.objects.count() == 1
    check = client.get(reverse("asye:evidence_check", args=[item.pk])).content.decode()
    assert "We found nothing" in check
    client.post(reverse("asye:evidence_submit", args=[item.pk]), {"version": item.version})
    item.refresh_from_db()
    assert item.status == EvidenceStatus.SUBMITTED
    assert list(item.mappings.values_list("element_id", flat=True)) == [element.pk]


def test_an_invalid_form_keeps_what_was_typed(client: Client, nqsw: Any, record: AsyeRecord) -> None:
    client.force_login(nqsw)
    response = client.post(new_url(record), form_data(title="", answer_theory="Kept words"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error: " in html
    assert "Enter a title" in html
    assert "Kept words" in html
    assert not EvidenceItem.objects.exists()


def test_a_refused_file_keeps_the_text(client: Client, nqsw: Any, record: AsyeRecord) -> None:
    client.force_login(nqsw)
    hostile = SimpleUploadedFile("report.pdf", b"MZ\x90\x00 not a pdf at all", content_type="application/pdf")
    response = client.post(new_url(record), {**form_data(answer_theory="Still here"), "attachment": hostile})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Still here" in html
    assert "govuk-error-message" in html
    assert not EvidenceItem.objects.exists()


def test_two_tabs(client: Client, nqsw: Any, record: AsyeRecord) -> None:
    item = EvidenceItemFactory(record=record)
    client.force_login(nqsw)
    url = reverse("asye:evidence_edit", args=[item.pk])
    first = client.post(url, form_data(title="From the first tab", version=item.version))
    assert first.status_code == 302
    second = client.post(url, form_data(title="From the second tab", version=item.version))
    assert "changed in another tab or window" in second.content.decode()
    assert "From the second tab" in second.content.decode()  # what was typed stays on the form
    item.refresh_from_db()
    assert item.title == "From the first tab"


def test_the_check_marks_flags_in_place_and_records_the_confirmation(
    client: Client, nqsw: Any, record: AsyeRecord
) -> None:
    item = EvidenceItemFactory(
        record=record, answers={**CLEAN_REFLECTION, "context": "I visited Mrs Okafor at home."}
    )
    client.force_login(nqsw)
    refused: Any = client.post(reverse("asye:evidence_submit", args=[item.pk]), {"version": item.version})
    assert refused.url == reverse("asye:evidence_check", args=[item.pk])
    html = client.get(refused.url).content.decode()
    assert (
        '<mark class="academy-flag">Mrs Okafor<span class="govuk-visually-hidden"> '
        "(A title (Mrs) followed by a name.)" in html
    )
    assert "This is not identifying" in html
    assert "Submit to your assessor" not in html
    row = AnonymisationCheck.objects.get(item=item)
    client.post(
        reverse("asye:evidence_flag_confirm", args=[item.pk]),
        {"source": row.source, "kind": row.kind, "text_sha256": row.text_sha256},
    )
    html = client.get(refused.url).content.decode()
    assert "Confirmed not identifying" in html
    assert "Submit to your assessor" in html
    client.post(reverse("asye:evidence_submit", args=[item.pk]), {"version": item.version})
    item.refresh_from_db()
    assert item.status == EvidenceStatus.SUBMITTED


def test_the_assessor_returns_and_accepts(client: Client, assessor: Any, record: AsyeRecord) -> None:
    item = EvidenceItemFactory(
        record=record,
        status=EvidenceStatus.SUBMITTED,
        submitted_at=datetime.datetime(2026, 10, 1, tzinfo=datetime.UTC),
    )
    client.force_login(assessor)
    queue = client.get(reverse("asye:evidence_queue")).content.decode()
    assert item.title in queue
    page = client.get(reverse("asye:evidence", args=[item.pk])).content.decode()
    assert "Return to the NQSW" in page
    empty = client.post(reverse("asye:evidence_return", args=[item.pk]), {"reason": ""})
    assert "Say what the NQSW needs to change" in empty.content.decode()
    client.post(reverse("asye:evidence_return", args=[item.pk]), {"reason": "Add the theory."})
    item.refresh_from_db()
    assert item.status == EvidenceStatus.RETURNED
    assert EvidenceComment.objects.get(item=item).body == "Add the theory."
    item.status = EvidenceStatus.RESUBMITTED
    item.save()
    client.post(reverse("asye:evidence_accept", args=[item.pk]), {"comment": ""})
    item.refresh_from_db()
    assert item.status == EvidenceStatus.ACCEPTED


def test_accepted_is_read_only_to_the_nqsw(client: Client, nqsw: Any, record: AsyeRecord) -> None:
    item = EvidenceItemFactory(record=record, status=EvidenceStatus.ACCEPTED)
    client.force_login(nqsw)
    page = client.get(reverse("asye:evidence", args=[item.pk])).content.decode()
    assert "It can no longer be changed" in page
    assert "Check and submit" not in page
    response = client.post(reverse("asye:evidence_edit", args=[item.pk]), form_data(version=item.version))
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.title != "Reviewing a support plan"


def test_the_observer_records_their_part(client: Client, assessor: Any, record: AsyeRecord) -> None:
    item = EvidenceItemFactory(record=record, kind=EvidenceKind.DIRECT_OBSERVATION, answers={})
    client.force_login(assessor)
    url = reverse("asye:evidence_observer", args=[item.pk])
    assert "overall judgement" in client.get(url).content.decode()
    client.post(url, {"version": item.version, "answer_observer_judgement": "Safe and thoughtful."})
    item.refresh_from_db()
    assert item.answers["observer_judgement"] == "Safe and thoughtful."


def test_self_assessment_asks_every_statement(client: Client, nqsw: Any, record: AsyeRecord) -> None:
    client.force_login(nqsw)
    elements = list(selectors.record_elements(record=record))
    html = client.get(new_url(record, EvidenceKind.SELF_ASSESSMENT)).content.decode()
    for element in elements:
        assert f'name="rating_{element.pk}"' in html
    first = elements[0]
    client.post(
        new_url(record, EvidenceKind.SELF_ASSESSMENT),
        {**form_data(), f"rating_{first.pk}": "developing", f"note_{first.pk}": "Supervision notes"},
    )
    item = EvidenceItem.objects.get()
    assert item.answers["statements"] == {
        str(first.pk): {"rating": "developing", "note": "Supervision notes"}
    }


def test_the_framework_map_shows_gaps_with_a_link(client: Client, nqsw: Any, record: AsyeRecord) -> None:
    elements = list(selectors.record_elements(record=record)[:2])
    item = EvidenceItemFactory(record=record, status=EvidenceStatus.ACCEPTED, title="Covered by this")
    item.mappings.create(element=elements[0])
    client.force_login(nqsw)
    html = client.get(reverse("asye:framework_map", args=[record.pk])).content.decode()
    assert "Covered by this" in html
    assert "Covered" in html
    assert "Gap" in html
    assert f"{reverse('asye:evidence_add', args=[record.pk])}?element={elements[1].pk}" in html


# --- Isolation ------------------------------------------------------------------------------------


def item_in(organisation: Any, marker: str) -> EvidenceItem:
    return EvidenceItemFactory(
        record=AsyeRecordFactory(organisation=organisation),
        title=marker,
        status=EvidenceStatus.SUBMITTED,
        submitted_at=datetime.datetime(2026, 10, 1, tzinfo=datetime.UTC),
    )


def colleague_item(orgs: Orgs) -> Any:
    # The same council, assessed by someone else.
    return lambda marker: item_in(orgs.home, marker)


def test_queue_and_item_pages_isolation(
    client: Client, assessor: Any, orgs: Orgs, programme_types: None
) -> None:
    mine = membership_of(assessor, orgs.home, Role.ASSESSOR)
    check = IsolationCheck(client, viewer=assessor)
    planted = check.plant(
        item_in,
        hidden={UNRELATED: orgs.other, SIBLING: orgs.sibling, COLLEAGUE: colleague_item(orgs)},
        shown={
            "assigned to the viewer": lambda marker: EvidenceItemFactory(
                record=AsyeRecordFactory(organisation=orgs.home, assessor=mine),
                title=marker,
                status=EvidenceStatus.SUBMITTED,
                submitted_at=datetime.datetime(2026, 10, 2, tzinfo=datetime.UTC),
            )
        },
    )
    check.list_page(reverse("asye:evidence_queue"), planted)
    check.object_pages(lambda i: reverse("asye:evidence", args=[i.pk]), planted, shown_status=200)
    check.object_pages(lambda i: reverse("asye:evidence_list", args=[i.record_id]), planted, shown_status=200)
    check.object_pages(lambda i: reverse("asye:framework_map", args=[i.record_id]), planted, shown_status=200)


def test_unassigned_assessor_and_sibling_psw_find_nothing(
    client: Client, orgs: Orgs, personas: dict[str, Any], record: AsyeRecord
) -> None:
    from conftest import seed_totp

    item = EvidenceItemFactory(record=record)
    other = member(orgs.home, Role.ASSESSOR).user
    seed_totp(other)
    for viewer in (other, personas["sibling_psw"]):
        client.force_login(viewer)
        for url in (
            reverse("asye:evidence", args=[item.pk]),
            reverse("asye:evidence_list", args=[record.pk]),
            reverse("asye:framework_map", args=[record.pk]),
        ):
            assert client.get(url).status_code == 404, (viewer, url)


def test_the_evidence_list_shows_the_records_items_only(
    client: Client, psw: Any, orgs: Orgs, record: AsyeRecord
) -> None:
    check = IsolationCheck(client, viewer=psw)
    planted = check.plant(
        lambda organisation, marker: EvidenceItemFactory(
            record=AsyeRecordFactory(organisation=organisation), title=marker
        ),
        hidden={
            UNRELATED: orgs.other,
            SIBLING: orgs.sibling,
            "another NQSW of the same council": lambda marker: EvidenceItemFactory(
                record=AsyeRecordFactory(organisation=orgs.home), title=marker
            ),
        },
        shown={"this record": lambda marker: EvidenceItemFactory(record=record, title=marker)},
    )
    check.list_page(reverse("asye:evidence_list", args=[record.pk]), planted)
    # Filtered by kind (the factory's items are critical reflections): the same rows only.
    check.list_page(reverse("asye:evidence_list", args=[record.pk]) + "?kind=critical_reflection", planted)


def test_the_evidence_list_filters_by_kind(client: Client, assessor: Any, record: AsyeRecord) -> None:
    observations = [
        EvidenceItemFactory(record=record, kind=EvidenceKind.DIRECT_OBSERVATION, title=f"Observed visit {n}")
        for n in range(PAGE_SIZE + 1)
    ]
    EvidenceItemFactory(record=record, kind=EvidenceKind.WRITTEN_WORK, title="Court report")
    client.force_login(assessor)
    listing = reverse("asye:evidence_list", args=[record.pk])
    everything = client.get(listing).content.decode()
    # Each kind in the counts table links to the list showing only that kind.
    assert f'href="{listing}?kind=direct_observation"' in everything
    assert f'href="{listing}?kind=written_work"' in everything
    page = client.get(f"{listing}?kind=direct_observation").content.decode()
    assert "<title>Direct observation of practice: Evidence" in page
    assert "Showing only direct observation of practice." in page
    assert f'href="{listing}"' in page  # show all again
    assert "Court report" not in page
    assert page.count("Observed visit") == PAGE_SIZE
    # The filter is kept in the pagination links.
    assert "kind=direct_observation&amp;page=2" in page or "page=2&amp;kind=direct_observation" in page
    second = client.get(f"{listing}?kind=direct_observation&page=2").content.decode()
    assert second.count("Observed visit") == 1
    assert "Court report" not in second
    shown = {o.title for o in observations}
    assert all((title in page) or (title in second) for title in shown)
    # A kind with nothing says so; an unknown kind shows everything.
    empty = client.get(f"{listing}?kind=learning_activity").content.decode()
    assert "No learning activity yet" in empty
    unknown = client.get(f"{listing}?kind=nonsense").content.decode()
    assert "All evidence" in unknown
    assert "Showing only" not in unknown


# --- Query counts -----------------------------------------------------------------------------------

BASE_MFA = 4  # session user, memberships, unread count, authenticator (tests/test_query_counts.py)
BASE = 3  # without an authenticator (the NQSW's role needs none)


def busy_record(record: AsyeRecord, *, rows: int = 3) -> None:
    elements = list(selectors.record_elements(record=record)[:rows])
    for kind in (
        EvidenceKind.CRITICAL_REFLECTION,
        EvidenceKind.DIRECT_OBSERVATION,
        EvidenceKind.WRITTEN_WORK,
    ):
        for status in (EvidenceStatus.DRAFT, EvidenceStatus.SUBMITTED, EvidenceStatus.ACCEPTED):
            item = EvidenceItemFactory(
                record=record,
                kind=kind,
                status=status,
                submitted_at=datetime.datetime(2026, 10, 1, tzinfo=datetime.UTC),
            )
            for element in elements:
                item.mappings.create(element=element)
            for n in range(rows):
                EvidenceComment.objects.create(item=item, author=record.assessor.user, body=f"Comment {n}")


@pytest.mark.parametrize("rows", [1, 3])
def test_evidence_list_query_count(
    client: Client, psw: Any, record: AsyeRecord, rows: int, django_assert_max_num_queries: Any
) -> None:
    busy_record(record, rows=rows)
    client.force_login(psw)
    # + the record with everything joined, + its pauses, + scope for relations, + counts by kind
    # and status, + the page count, + the page of items
    with django_assert_max_num_queries(12):
        response = client.get(reverse("asye:evidence_list", args=[record.pk]))
    assert response.status_code == 200
    # Filtered by kind: the same queries, the page of items only narrower.
    with django_assert_max_num_queries(12):
        response = client.get(reverse("asye:evidence_list", args=[record.pk]) + "?kind=direct_observation")
    assert response.status_code == 200
    assert "Showing only direct observation of practice." in response.content.decode()


def test_queue_query_count(
    client: Client, assessor: Any, record: AsyeRecord, django_assert_max_num_queries: Any
) -> None:
    busy_record(record)
    for _ in range(3):
        busy_record(AsyeRecordFactory(organisation=record.organisation, assessor=record.assessor))
    client.force_login(assessor)
    # + the badge count, + the page count, + the page of items with their NQSWs
    with django_assert_max_num_queries(12):
        response = client.get(reverse("asye:evidence_queue"))
    assert response.content.decode().count('href="/asye/evidence/') >= 12


def test_item_page_query_count(
    client: Client, assessor: Any, record: AsyeRecord, django_assert_max_num_queries: Any
) -> None:
    busy_record(record)
    item = EvidenceItem.objects.filter(record=record, status=EvidenceStatus.SUBMITTED)[0]
    client.force_login(assessor)
    # + the item with its record and people, + pauses, + transitions, + comments, + mappings,
    # + files, + the badge count
    with django_assert_max_num_queries(12):
        response = client.get(reverse("asye:evidence", args=[item.pk]))
    assert response.status_code == 200


def test_framework_map_query_count(
    client: Client, nqsw: Any, record: AsyeRecord, django_assert_max_num_queries: Any
) -> None:
    busy_record(record)
    client.force_login(nqsw)
    # + the record, + pauses, + the elements, + the mappings with their items
    with django_assert_max_num_queries(12):
        response = client.get(reverse("asye:framework_map", args=[record.pk]))
    assert response.status_code == 200
    assert FrameworkElement.objects.exists()
