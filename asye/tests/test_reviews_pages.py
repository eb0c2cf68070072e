"""The review pages: who sees which edit link, writing each part through its form (invalid input
kept, with "Error:" in the title), signing to completion and the read-only page after, the change
of assessor shown in the next review, due dates against the clock (part-time, summer time, a
clock change), the year and the assessor's list, and isolation."""

import datetime
import re
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from academy.roles import Role
from academy.testing.isolation import COLLEAGUE, SIBLING, UNRELATED, IsolationCheck
from asye.models import AsyeRecord
from asye.reviews import selectors
from asye.reviews.models import Rating, Review
from asye.signatures import SignatureCapacity
from asye.tests.factories import AssessorChangeFactory, AsyeRecordFactory, member
from asye.tests.review_support import sign_review, write_review
from conftest import Orgs

pytestmark = pytest.mark.django_db


def _url(name: str, record: AsyeRecord, key: str = "foundational", *extra: str) -> str:
    return reverse(name, args=[record.pk, key, *extra])


def _page(client: Client, user: Any, url: str) -> str:
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


# --- Reading, and who gets which link --------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "link"),
    [
        ("nqsw", "review_reflection"),
        ("manager", "review_support"),
        ("assessor", "review_assessment"),
        ("psw", ""),
    ],
)
def test_each_role_gets_the_link_to_its_own_part(
    client: Client, personas: dict[str, Any], record: AsyeRecord, who: str, link: str
) -> None:
    html = _page(client, personas[who], _url("asye:review", record))
    for name in ("review_reflection", "review_support", "review_assessment"):
        assert (_url(f"asye:{name}", record) in html) == (name == link), name
    assert "Foundational review (3 months)" in html
    assert "Professional Capabilities Framework" in html or "PCF" in html
    assert "Still to write before anyone signs" in html
    assert "Sign as" not in html  # nothing is written yet


def test_staff_read_every_part(client: Client, psw: Any, record: AsyeRecord) -> None:
    write_review(record, concern=Rating.SERIOUS_CONCERNS)
    html = _page(client, psw, _url("asye:review", record))
    for words in (
        "I have learnt to plan visits with the family.",
        "Twelve cases, against twenty",
        "Case recording is often late.",
        "Serious concerns",
        "Record visits within two days",
        "15 January 2027",
    ):
        assert words in html
    assert "Sign as" not in html


# --- Writing the parts ---------------------------------------------------------------------------


def test_the_nqsw_writes_their_reflection(client: Client, nqsw: Any, record: AsyeRecord) -> None:
    client.force_login(nqsw)
    response = client.post(_url("asye:review_reflection", record), {"reflection": "What I learnt."})
    assert response.status_code == 302
    assert response["Location"] == _url("asye:review", record)
    assert Review.objects.get(record=record).reflection == "What I learnt."


def test_the_manager_form_starts_from_the_agreement(client: Client, manager: Any, record: AsyeRecord) -> None:
    from asye.tests.agreement_support import AgreementFactory

    AgreementFactory(record=record, answers={"workload": "Eight cases at first"})
    html = _page(client, manager, _url("asye:review_support", record))
    assert "As agreed: Eight cases at first" in html
    assert f'data-autosave-key="asye:review-manager:{record.pk}:foundational"' in html


# The first row of the action plan as the form posts it (the date in three boxes).
ONE_ACTION = {"action_0": "Shadow a senior", "by_0_0": "15", "by_0_1": "1", "by_0_2": "2027"}


def test_a_concern_without_a_reason_keeps_what_was_typed(
    client: Client, assessor: Any, record: AsyeRecord
) -> None:
    domain = selectors.review_domains(record=record)[0]
    client.force_login(assessor)
    response = client.post(
        _url("asye:review_assessment", record),
        {
            f"rating_{domain.pk}": Rating.SOME_CONCERNS,
            "progress_summary": "Typed summary that must survive",
            **ONE_ACTION,
        },
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert re.search(r"<title>\s*Error: ", html)
    assert "Give the reason for the concerns" in html
    assert "Typed summary that must survive" in html
    assert "Shadow a senior" in html
    assert not Review.objects.exists()


def test_the_assessor_saves_concerns_with_an_action_plan(
    client: Client, assessor: Any, record: AsyeRecord
) -> None:
    domain = selectors.review_domains(record=record)[0]
    client.force_login(assessor)
    response = client.post(
        _url("asye:review_assessment", record),
        {
            f"rating_{domain.pk}": Rating.SOME_CONCERNS,
            f"reason_{domain.pk}": "Recording is late.",
            **ONE_ACTION,
        },
    )
    assert response.status_code == 302
    review = Review.objects.get(record=record)
    assert review.judgements == {str(domain.pk): {"rating": "some_concerns", "reason": "Recording is late."}}
    assert review.action_plan == [{"action": "Shadow a senior", "by": "2027-01-15"}]


# --- Signing, and read-only after -------------------------------------------------------------------


def test_the_three_sign_and_the_review_is_read_only(
    client: Client, personas: dict[str, Any], record: AsyeRecord
) -> None:
    write_review(record)
    for who, capacity in (
        ("nqsw", SignatureCapacity.NQSW),
        ("assessor", SignatureCapacity.ASSESSOR),
        ("manager", SignatureCapacity.LINE_MANAGER),
    ):
        html = _page(client, personas[who], _url("asye:review", record))
        assert f"Sign as {'NQSW' if who == 'nqsw' else capacity.label.lower()}" in html
        response = client.post(_url("asye:review_sign", record, "foundational", capacity.value))
        assert response.status_code == 302
    assert Review.objects.get(record=record).completed_at is not None
    html = _page(client, personas["nqsw"], _url("asye:review", record))
    assert "Signed by the NQSW, the assessor and the line manager" in html
    assert _url("asye:review_reflection", record) not in html
    assert "Sign as" not in html
    # The forms send each writer back to the review, and a post changes nothing.
    for who, name, data in (
        ("nqsw", "review_reflection", {"reflection": "Changed"}),
        ("manager", "review_support", {"supervision": "Changed"}),
        ("assessor", "review_assessment", {"progress_summary": "Changed"}),
    ):
        client.force_login(personas[who])
        assert client.get(_url(f"asye:{name}", record))["Location"] == _url("asye:review", record)
        assert client.post(_url(f"asye:{name}", record), data).status_code == 302
    review = Review.objects.get(record=record)
    assert "Changed" not in (review.reflection, review.supervision, review.progress_summary)


def test_signing_an_unfinished_review_says_what_is_missing(
    client: Client, nqsw: Any, record: AsyeRecord
) -> None:
    write_review(record)
    Review.objects.filter(record=record).update(workload="")
    client.force_login(nqsw)
    response = client.post(_url("asye:review_sign", record, "foundational", "nqsw"), follow=True)
    assert "the line manager&#x27;s account of the workload" in response.content.decode()


# --- A change of assessor --------------------------------------------------------------------------


def test_a_change_of_assessor_is_shown_in_the_next_review_with_its_reason(
    client: Client, nqsw: Any, psw: Any, orgs: Orgs, record: AsyeRecord
) -> None:
    # The foundational review was signed before the change; the midpoint review is the next.
    with time_machine.travel(datetime.datetime(2026, 12, 10, 12, tzinfo=datetime.UTC)):
        write_review(record)
        sign_review(record)
    with time_machine.travel(datetime.datetime(2027, 1, 20, 12, tzinfo=datetime.UTC)):
        AssessorChangeFactory(
            record=record,
            from_assessor=member(orgs.home, Role.ASSESSOR, full_name="Previous Assessor"),
            to_assessor=record.assessor,
            changed_by=psw,
            reason="The first assessor left the council.",
        )
    with time_machine.travel(datetime.datetime(2027, 2, 1, 12, tzinfo=datetime.UTC)):
        midpoint = _page(client, nqsw, _url("asye:review", record, "midpoint"))
        foundational = _page(client, nqsw, _url("asye:review", record, "foundational"))
    assert "The first assessor left the council." in midpoint
    assert "Previous Assessor" in midpoint
    assert "The first assessor left the council." not in foundational
    assert "The assessor has not changed since the last review." in foundational


# --- Due dates against the clock -----------------------------------------------------------------------


def _state(html: str, label: str) -> str:
    row = html[html.index(label) :]
    return re.search(r'govuk-tag[^"]*">\s*([^<]+?)\s*<', row).group(1)  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("instant", "state"),
    [
        # 0.6 FTE from 1 September 2026: the midpoint review is due on 30 June 2027 (302 days).
        # 23:30 in London on 30 June (summer time) is still the due day.
        (datetime.datetime(2027, 6, 30, 22, 30, tzinfo=datetime.UTC), "Due soon"),
        # 00:30 in London on 1 July, while it is still 30 June in UTC: overdue.
        (datetime.datetime(2027, 6, 30, 23, 30, tzinfo=datetime.UTC), "Overdue"),
    ],
)
def test_part_time_due_dates_in_summer_time(
    client: Client, nqsw: Any, record: AsyeRecord, instant: datetime.datetime, state: str
) -> None:
    record.fte = Decimal("0.60")
    record.save()
    with time_machine.travel(instant, tick=False):
        html = _page(client, nqsw, reverse("asye:reviews", args=[record.pk]))
    assert "31 January 2027" in html  # the foundational review: 91 days at 0.6 is 152
    assert "30 June 2027" in html
    assert _state(html, "Midpoint review (6 months)") == state


@pytest.mark.parametrize(
    ("instant", "state"),
    [
        # The clocks go forward at 01:00 UTC on 28 March 2027, the due day.
        (datetime.datetime(2027, 3, 28, 0, 30, tzinfo=datetime.UTC), "Due soon"),
        (datetime.datetime(2027, 3, 28, 22, 30, tzinfo=datetime.UTC), "Due soon"),
        (datetime.datetime(2027, 3, 28, 23, 30, tzinfo=datetime.UTC), "Overdue"),
    ],
)
def test_a_review_due_on_the_day_the_clocks_change(
    client: Client, nqsw: Any, record: AsyeRecord, instant: datetime.datetime, state: str
) -> None:
    record.start_date = datetime.date(2026, 12, 28)
    record.save()
    with time_machine.travel(instant, tick=False):
        html = _page(client, nqsw, _url("asye:review", record))
    assert "Due 28 March 2027" in html
    assert re.search(r'govuk-tag[^"]*">\s*' + state, html)


# --- On the year, the record and the assessor's list ------------------------------------------------


def test_the_year_and_the_record_show_each_reviews_state(
    client: Client, nqsw: Any, psw: Any, record: AsyeRecord
) -> None:
    write_review(record)
    sign_review(record)
    write_review(record, "midpoint")
    sign_review(record, "midpoint", who=(SignatureCapacity.ASSESSOR,))
    with time_machine.travel(datetime.datetime(2027, 2, 1, 12, tzinfo=datetime.UTC)):
        year = _page(client, nqsw, reverse("asye:year", args=[record.pk]))
        home = _page(client, nqsw, reverse("academy:home"))
        page = _page(client, psw, reverse("asye:record", args=[record.pk]))
    assert _state(page, "Foundational review (3 months)") == "Signed"
    assert _state(page, "Midpoint review (6 months)") == "Waiting for signatures"
    assert _url("asye:review", record, "midpoint") in year
    assert "Waiting for your signature." in year
    assert "Next: Midpoint review (6 months)" in home


def test_the_assessors_list_shows_reviews_due_and_awaiting_their_signature(
    client: Client, assessor: Any, orgs: Orgs, record: AsyeRecord
) -> None:
    other = AsyeRecordFactory(organisation=orgs.home, assessor=record.assessor, nqsw_name="Second Nqsw")
    write_review(other)
    sign_review(other, who=(SignatureCapacity.NQSW,))
    write_review(record)
    sign_review(record)  # complete: not listed
    with time_machine.travel(datetime.datetime(2026, 11, 20, 12, tzinfo=datetime.UTC)):
        html = _page(client, assessor, reverse("asye:reviews_assigned"))
    assert "Second Nqsw" in html
    assert "Waiting for your signature" in html
    assert html.count(_url("asye:review", other)) == 1
    assert _url("asye:review", record) not in html
    assert _url("asye:review", record, "midpoint") not in html  # not due for months


# --- Isolation -----------------------------------------------------------------------------------------


def _planted(check: IsolationCheck, orgs: Orgs, record: AsyeRecord) -> Any:
    def make(organisation: Any, marker: str) -> AsyeRecord:
        return AsyeRecordFactory(
            organisation=organisation, nqsw_name=marker, start_date=datetime.date(2026, 9, 1)
        )

    return check.plant(
        make,
        hidden={
            UNRELATED: orgs.other,
            SIBLING: orgs.sibling,
            COLLEAGUE: lambda marker: make(orgs.home, marker),
        },
        shown={
            "assigned to the viewer": lambda marker: AsyeRecordFactory(
                organisation=orgs.home, nqsw_name=marker, assessor=record.assessor
            )
        },
    )


def test_the_assessors_review_list_is_isolated(
    client: Client, assessor: Any, orgs: Orgs, record: AsyeRecord
) -> None:
    check = IsolationCheck(client, viewer=assessor)
    planted = _planted(check, orgs, record)
    with time_machine.travel(datetime.datetime(2026, 11, 20, 12, tzinfo=datetime.UTC)):
        check.list_page(reverse("asye:reviews_assigned"), planted)


def test_review_pages_are_isolated(client: Client, assessor: Any, orgs: Orgs, record: AsyeRecord) -> None:
    check = IsolationCheck(client, viewer=assessor)
    planted = _planted(check, orgs, record)
    check.object_pages(lambda r: reverse("asye:reviews", args=[r.pk]), planted, shown_status=200)
    check.object_pages(lambda r: _url("asye:review", r), planted, shown_status=200)
    check.object_pages(lambda r: _url("asye:review_assessment", r), planted, shown_status=200)
    check.object_pages(
        lambda r: _url("asye:review_sign", r, "foundational", "assessor"), planted, method="POST"
    )


def test_the_sibling_council_and_an_outsider_get_404(
    client: Client, sibling_psw: Any, sibling_assessor: Any, outsider: Any, record: AsyeRecord
) -> None:
    # An unassigned assessor of the same council: the walk and the isolation checks above.
    for user in (sibling_psw, sibling_assessor, outsider):
        client.force_login(user)
        assert client.get(_url("asye:review", record)).status_code == 404
        assert client.post(_url("asye:review_reflection", record), {"reflection": "x"}).status_code == 404
