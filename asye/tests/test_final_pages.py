"""The year's-end pages: each role's link to its own part of the final assessment, writing each
part through its form (invalid input kept, "Error:" in the title), signing and the frozen page
after; the NQSW's anonymisation confirmations; the submission page with every reason and its
link, and the submission; the employer's pause, extension and withdrawal shown on the record
page; isolation and query counts."""

import functools
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from academy.testing.isolation import COLLEAGUE, SIBLING, UNRELATED, IsolationCheck
from asye.evidence.models import EvidenceStatus
from asye.final.models import AnonymisationConfirmation, FinalAssessment, ModerationSubmission
from asye.final.selectors import final_domains
from asye.models import AsyeRecord, RecordStatus
from asye.tests import final_support as ready
from asye.tests.factories import AsyeRecordFactory, EvidenceItemFactory
from conftest import Orgs

pytestmark = pytest.mark.django_db

AFTER_THE_YEAR = "2027-09-10 12:00+01:00"
PARTS = ("final_reflection", "final_report", "final_endorsement")


def _url(name: str, record: AsyeRecord, *extra: str) -> str:
    return reverse(name, args=[record.pk, *extra])


def _page(client: Client, user: Any, url: str) -> str:
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize(
    ("who", "link"),
    [
        ("nqsw", "final_reflection"),
        ("assessor", "final_report"),
        ("manager", "final_endorsement"),
        ("psw", ""),
    ],
)
def test_each_role_gets_the_link_to_its_own_part(
    client: Client, personas: dict[str, Any], record: AsyeRecord, who: str, link: str
) -> None:
    html = _page(client, personas[who], _url("asye:final", record))
    for name in PARTS:
        assert (_url(f"asye:{name}", record) in html) == (name == link), name
    assert "Still to write before anyone signs" in html
    assert "Sign as" not in html


def test_writing_each_part_through_its_form(
    client: Client, personas: dict[str, Any], record: AsyeRecord
) -> None:
    client.force_login(personas["nqsw"])
    response = client.post(
        _url("asye:final_reflection", record), {"reflection": "My year.", "further_development": "More law."}
    )
    assert response.status_code == 302
    domains = final_domains(record=record)
    data: dict[str, str] = {"report": "Solid year.", "recommendation": "pass"}
    for d in domains:
        data[f"met_{d.pk}"] = "yes"
        data[f"reason_{d.pk}"] = "Seen in observations."
    data[f"met_{domains[0].pk}"] = "no"
    client.force_login(personas["assessor"])
    response = client.post(_url("asye:final_report", record), data)
    html = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error:" in html
    assert "a pass needs every domain met" in html
    assert "Solid year." in html  # what was typed is kept
    data[f"met_{domains[0].pk}"] = "yes"
    assert client.post(_url("asye:final_report", record), data).status_code == 302
    client.force_login(personas["manager"])
    response = client.post(
        _url("asye:final_endorsement", record), {"endorsement": "do_not_endorse", "manager_comments": ""}
    )
    assert response.status_code == 200
    assert "Say why you do not endorse" in response.content.decode()
    response = client.post(
        _url("asye:final_endorsement", record), {"endorsement": "endorse", "manager_comments": ""}
    )
    assert response.status_code == 302
    assessment = FinalAssessment.objects.get(record=record)
    assert (assessment.reflection, assessment.recommendation, assessment.endorsement) == (
        "My year.",
        "pass",
        "endorse",
    )


def test_signing_freezes_the_page(client: Client, personas: dict[str, Any], record: AsyeRecord) -> None:
    ready.write_final(record)
    html = _page(client, personas["nqsw"], _url("asye:final", record))
    assert "Sign as NQSW" in html
    response = client.post(_url("asye:final_sign", record, "nqsw"))
    assert response.status_code == 302
    html = _page(client, personas["nqsw"], _url("asye:final", record))
    assert "its words no longer change" in html
    assert _url("asye:final_reflection", record) not in html
    # The part's page sends the writer back with the reason; a POST changes nothing.
    client.force_login(personas["assessor"])
    response = client.post(_url("asye:final_report", record), {"report": "Changed", "recommendation": "fail"})
    assert response.status_code == 302
    assert FinalAssessment.objects.get(record=record).recommendation == "pass"
    ready.sign_final(record, who=("assessor", "line_manager"))
    html = _page(client, personas["psw"], _url("asye:final", record))
    assert "Signed by the NQSW, the assessor and the line manager" in html
    assert "Signed: recommends pass" in html


def test_the_nqsw_confirms_anonymisation_item_by_item(client: Client, nqsw: Any, record: AsyeRecord) -> None:
    items = EvidenceItemFactory.create_batch(2, record=record, status=EvidenceStatus.ACCEPTED)
    EvidenceItemFactory(record=record, title="A draft not listed")
    html = _page(client, nqsw, _url("asye:final_anonymisation", record))
    assert items[0].title in html
    assert "A draft not listed" not in html
    response = client.post(_url("asye:final_anonymisation_confirm", record), {})
    assert response.status_code == 200
    assert "<title>Error:" in response.content.decode()
    response = client.post(_url("asye:final_anonymisation_confirm", record), {"items": [str(items[0].pk)]})
    assert response.status_code == 302
    assert list(AnonymisationConfirmation.objects.values_list("item_id", flat=True)) == [items[0].pk]
    html = _page(client, nqsw, _url("asye:final_anonymisation", record))
    assert "Confirmed" in html
    assert "To confirm" in html


def test_the_assessor_reads_the_anonymisation_page_without_the_form(
    client: Client, assessor: Any, record: AsyeRecord
) -> None:
    EvidenceItemFactory(record=record, status=EvidenceStatus.ACCEPTED)
    html = _page(client, assessor, _url("asye:final_anonymisation", record))
    assert "Confirm these items are anonymised" not in html
    assert "the NQSW confirms" in html


@time_machine.travel(AFTER_THE_YEAR, tick=False)
def test_the_submission_page_lists_every_reason_with_its_link(
    client: Client, nqsw: Any, record: AsyeRecord
) -> None:
    html = _page(client, nqsw, _url("asye:submission", record))
    assert "cannot go to moderation yet" in html
    assert _url("asye:agreement", record) in html
    assert reverse("asye:review", args=[record.pk, "final"]) in html
    assert _url("asye:final", record) in html
    assert "Submit to moderation" not in html


@time_machine.travel(AFTER_THE_YEAR, tick=False)
def test_the_nqsw_submits_a_ready_portfolio_once(
    client: Client, nqsw: Any, psw: Any, record: AsyeRecord
) -> None:
    ready.make_ready(record, psw)
    html = _page(client, nqsw, _url("asye:submission", record))
    assert "Submit to moderation" in html
    assert client.post(_url("asye:submission_submit", record)).status_code == 302
    assert client.post(_url("asye:submission_submit", record)).status_code == 302
    assert ModerationSubmission.objects.filter(record=record).count() == 1
    assert AsyeRecord.objects.get(pk=record.pk).status == RecordStatus.SUBMITTED
    html = _page(client, psw, _url("asye:record", record))
    assert "Submissions to moderation" in html


def test_the_psw_pauses_ends_the_pause_extends_and_withdraws(
    client: Client, psw: Any, record: AsyeRecord
) -> None:
    client.force_login(psw)
    html = _page(client, psw, _url("asye:record", record))
    for name in ("record_pause", "record_extend", "record_withdraw"):
        assert _url(f"asye:{name}", record) in html
    response = client.post(
        _url("asye:record_pause", record),
        {"starts_on_0": "4", "starts_on_1": "1", "starts_on_2": "2027", "reason": "Sick leave"},
    )
    assert response.status_code == 302
    assert AsyeRecord.objects.get(pk=record.pk).status == RecordStatus.PAUSED
    html = _page(client, psw, _url("asye:record", record))
    assert "Sick leave" in html
    assert "Still paused" in html
    assert f"Recorded by {psw.display_name}" in html
    assert _url("asye:record_pause_end", record) in html
    response = client.post(
        _url("asye:record_pause_end", record), {"ends_on_0": "17", "ends_on_1": "1", "ends_on_2": "2027"}
    )
    assert response.status_code == 302
    assert AsyeRecord.objects.get(pk=record.pk).status == RecordStatus.ACTIVE
    # An end date before the planned end is refused on the form.
    response = client.post(
        _url("asye:record_extend", record),
        {"new_end_on_0": "1", "new_end_on_1": "6", "new_end_on_2": "2027", "reason": "Leave"},
    )
    assert response.status_code == 200
    assert "<title>Error:" in response.content.decode()
    response = client.post(
        _url("asye:record_extend", record),
        {
            "new_end_on_0": "1",
            "new_end_on_1": "12",
            "new_end_on_2": "2027",
            "reason": "Caring for a relative",
        },
    )
    assert response.status_code == 302
    assert AsyeRecord.objects.get(pk=record.pk).status == RecordStatus.EXTENDED
    html = _page(client, psw, _url("asye:record", record))
    assert "Caring for a relative" in html
    assert "1 December 2027" in html
    response = client.post(
        _url("asye:record_withdraw", record),
        {"withdrawn_on_0": "1", "withdrawn_on_1": "2", "withdrawn_on_2": "2027", "reason": "Moved to Wales"},
    )
    assert response.status_code == 302
    html = _page(client, psw, _url("asye:record", record))
    assert "Moved to Wales" in html
    assert "Withdrawn" in html
    assert _url("asye:record_extend", record) not in html


def test_an_empty_pause_form_shows_its_errors(client: Client, psw: Any, record: AsyeRecord) -> None:
    client.force_login(psw)
    response = client.post(_url("asye:record_pause", record), {})
    html = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error:" in html
    assert "Enter “Reason for the pause”" in html


def test_the_year_task_list_links_the_final_assessment_and_submission(
    client: Client, nqsw: Any, record: AsyeRecord
) -> None:
    html = _page(client, nqsw, reverse("asye:year", args=[record.pk]))
    assert _url("asye:final", record) in html
    assert _url("asye:submission", record) in html


# --- Isolation and query counts ---------------------------------------------------------------------


def _planted(check: IsolationCheck, orgs: Orgs, record: AsyeRecord) -> Any:
    def make(organisation: Any, marker: str) -> AsyeRecord:
        return AsyeRecordFactory(organisation=organisation, nqsw_name=marker)

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


def test_final_pages_are_isolated(client: Client, assessor: Any, orgs: Orgs, record: AsyeRecord) -> None:
    check = IsolationCheck(client, viewer=assessor)
    planted = _planted(check, orgs, record)
    for name in ("asye:final", "asye:final_report", "asye:submission", "asye:final_anonymisation"):
        check.object_pages(functools.partial(_url, name), planted, shown_status=200)
    check.object_pages(lambda r: _url("asye:final_sign", r, "assessor"), planted, method="POST")


def test_the_sibling_council_and_an_outsider_get_404(
    client: Client, sibling_psw: Any, sibling_assessor: Any, outsider: Any, record: AsyeRecord
) -> None:
    for user in (sibling_psw, sibling_assessor, outsider):
        client.force_login(user)
        for name in ("asye:final", "asye:submission", "asye:record_extend", "asye:record_withdraw"):
            assert client.get(_url(name, record)).status_code == 404, name
        assert client.post(_url("asye:submission_submit", record)).status_code == 404
        assert client.post(_url("asye:record_withdraw", record), {"reason": "x"}).status_code == 404


@time_machine.travel(AFTER_THE_YEAR, tick=False)
def test_the_submission_page_reads_a_fixed_number_of_queries(
    client: Client, nqsw: Any, psw: Any, record: AsyeRecord, django_assert_num_queries: Any
) -> None:
    ready.make_ready(record, psw)
    EvidenceItemFactory.create_batch(3, record=record, status=EvidenceStatus.ACCEPTED)
    client.force_login(nqsw)
    client.get(_url("asye:submission", record))  # warms the navigation's cached flags
    # the session's user, + their memberships, + the record with everything joined, + its
    # pauses, + the six reads of `submission_refusals`, + the submissions with who sent them
    with django_assert_num_queries(11):
        response = client.get(_url("asye:submission", record))
    assert response.status_code == 200


@time_machine.travel(AFTER_THE_YEAR, tick=False)
def test_the_anonymisation_list_reads_a_fixed_number_of_queries(
    client: Client, nqsw: Any, record: AsyeRecord, django_assert_num_queries: Any
) -> None:
    client.force_login(nqsw)
    EvidenceItemFactory.create_batch(3, record=record, status=EvidenceStatus.ACCEPTED)
    client.get(_url("asye:final_anonymisation", record))
    # the session's user, + their memberships, + the record with everything joined, + its
    # pauses, + the accepted items each with whether it is confirmed as it stands
    with django_assert_num_queries(5):
        client.get(_url("asye:final_anonymisation", record))
    EvidenceItemFactory.create_batch(3, record=record, status=EvidenceStatus.ACCEPTED)
    with django_assert_num_queries(5):
        response = client.get(_url("asye:final_anonymisation", record))
    assert response.content.decode().count("To confirm") == 6
