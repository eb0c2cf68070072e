"""The agreement and development plan pages: what they show, the forms (errors keep what was
typed, double submits, stale forms), signing, isolation (sentinels) and query counts."""

import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from academy.models import Organisation
from academy.testing.isolation import COLLEAGUE, SIBLING, UNRELATED, IsolationCheck
from asye.agreement.models import Agreement, AgreementSignature, PlanRow, SignatureCapacity
from asye.models import AsyeRecord
from asye.tests.agreement_support import AgreementFactory, PlanRowFactory, complete_answers, sign
from asye.tests.factories import AsyeRecordFactory
from conftest import Orgs

pytestmark = pytest.mark.django_db


def page(client: Client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return str(response.content.decode())


def form_data(html: str) -> dict[str, str]:
    """The values a browser would send back from the page's form (inputs and textareas)."""
    data = {name: value for name, value in re.findall(r'<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"', html)}
    for name, value in re.findall(r'<textarea[^>]*name="([^"]+)"[^>]*>(.*?)</textarea>', html, flags=re.S):
        data[name] = value.strip()
    data.pop("csrfmiddlewaretoken", None)
    return data


# --- The agreement ----------------------------------------------------------------------------


def test_the_assessor_starts_the_agreement_from_the_prefilled_form(
    client: Client, assessor: Any, record: AsyeRecord
) -> None:
    client.force_login(assessor)
    empty = page(client, reverse("asye:agreement", args=[record.pk]))
    assert "Not started" in empty
    assert "Start the agreement" in empty
    url = reverse("asye:agreement_edit", args=[record.pk])
    html = page(client, url)
    assert "Weekly in weeks 1 to 6 (at least every 7 days)" in html
    assert "10% of contracted hours" in html
    assert 'class="govuk-fieldset"' in html
    assert re.search(r"govuk-fieldset__legend[^>]*>\s*Supervision\s*</legend>", html)
    data = form_data(html)
    data.update(
        {
            "background": "Came from a hospital discharge team",
            "meeting_date_0": "8",
            "meeting_date_1": "9",
            "meeting_date_2": "2026",
        }
    )
    response: Any = client.post(url, data)
    assert response.status_code == 302
    agreement = Agreement.objects.get(record=record)
    assert agreement.answers["background"] == "Came from a hospital discharge team"
    assert agreement.answers["meeting_date"] == "2026-09-08"
    assert agreement.answers["supervision_weeks_1_6"].startswith("Weekly")
    shown = page(client, response.url)
    assert "Agreement saved." in shown
    assert "Came from a hospital discharge team" in shown
    assert "8 September 2026" in shown
    assert "What is still missing" in shown
    assert "A signature from the NQSW" in shown


def test_an_invalid_date_keeps_what_was_typed(client: Client, assessor: Any, record: AsyeRecord) -> None:
    client.force_login(assessor)
    url = reverse("asye:agreement_edit", args=[record.pk])
    data = form_data(page(client, url))
    data.update(
        {
            "background": "Words I typed",
            "meeting_date_0": "31",
            "meeting_date_1": "2",
            "meeting_date_2": "2026",
        }
    )
    response = client.post(url, data)
    html = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error: " in html
    assert "govuk-error-summary" in html
    assert "Words I typed" in html
    assert 'value="31"' in html
    assert not Agreement.objects.exists()


def test_everyone_signs_and_the_page_says_so(
    client: Client, personas: dict[str, Any], record: AsyeRecord
) -> None:
    agreement = AgreementFactory(record=record)
    for who, capacity in [
        ("nqsw", "nqsw"),
        ("assessor", "assessor"),
        ("manager", "line_manager"),
        ("psw", "asye_lead"),
    ]:
        client.force_login(personas[who])
        html = page(client, reverse("asye:agreement", args=[record.pk]))
        assert "I confirm I have read version 1 of this support and assessment agreement" in html
        response: Any = client.post(reverse("asye:agreement_sign", args=[record.pk, 1, capacity]))
        assert response.status_code == 302
        assert "You signed version 1" in page(client, response.url)
    html = page(client, reverse("asye:agreement", args=[record.pk]))
    assert "Signed by everyone" in html
    assert "no longer changes" in html
    assert "I confirm" not in html  # nothing left to sign
    assert AgreementSignature.objects.filter(agreement=agreement).count() == 4


def test_signing_in_another_capacity_is_forbidden(client: Client, nqsw: Any, record: AsyeRecord) -> None:
    AgreementFactory(record=record)
    client.force_login(nqsw)
    assert client.post(reverse("asye:agreement_sign", args=[record.pk, 1, "assessor"])).status_code == 403
    assert client.post(reverse("asye:agreement_sign", args=[record.pk, 1, "nobody"])).status_code == 404
    assert client.get(reverse("asye:agreement_sign", args=[record.pk, 1, "nqsw"])).status_code == 405
    assert not AgreementSignature.objects.exists()


def test_an_unfinished_agreement_cannot_be_signed(client: Client, nqsw: Any, record: AsyeRecord) -> None:
    AgreementFactory(record=record, answers=complete_answers(record, background=""))
    client.force_login(nqsw)
    response: Any = client.post(reverse("asye:agreement_sign", args=[record.pk, 1, "nqsw"]))
    html = page(client, response.url)
    assert "The agreement is not finished" in html
    assert "background and the context of their role" in html
    assert not AgreementSignature.objects.exists()


def test_changing_a_signed_agreement_makes_a_new_version(
    client: Client, personas: dict[str, Any], record: AsyeRecord
) -> None:
    first = AgreementFactory(record=record)
    sign(first, SignatureCapacity.NQSW, record.nqsw)
    client.force_login(personas["assessor"])
    url = reverse("asye:agreement_edit", args=[record.pk])
    html = page(client, url)
    assert "Saving your changes makes version 2" in html
    data = form_data(html)
    data["workload"] = "No more than eight cases"
    response: Any = client.post(url, data)
    assert "Saved as version 2. Everyone needs to sign this version again." in page(client, response.url)
    latest = page(client, reverse("asye:agreement", args=[record.pk]))
    assert "No more than eight cases" in latest
    assert "Version 2" in latest
    old = page(client, reverse("asye:agreement_version", args=[record.pk, 1]))
    assert "This is an earlier version" in old
    assert "No more than eight cases" not in old
    assert "I confirm" not in old  # an old version is not signed any more
    # The NQSW's signature was on version 1: version 2 still needs it.
    client.force_login(personas["nqsw"])
    assert "Sign as NQSW" in page(client, reverse("asye:agreement", args=[record.pk]))


def test_an_edit_from_a_stale_form_is_refused(
    client: Client, personas: dict[str, Any], record: AsyeRecord
) -> None:
    AgreementFactory(record=record)
    url = reverse("asye:agreement_edit", args=[record.pk])
    client.force_login(personas["assessor"])
    stale = form_data(page(client, url))
    other = Client()
    other.force_login(personas["psw"])
    fresh = form_data(page(other, url))
    fresh["background"] = "The PSW's words"
    assert other.post(url, fresh).status_code == 302
    stale["background"] = "The assessor's words"
    response = client.post(url, stale)
    assert response.status_code == 200
    assert "Someone changed the agreement after you opened it" in response.content.decode()
    assert Agreement.objects.get().answers["background"] == "The PSW's words"


def test_readers_who_may_not_write_get_403(
    client: Client, personas: dict[str, Any], record: AsyeRecord
) -> None:
    AgreementFactory(record=record)
    for who in ("nqsw", "manager"):
        client.force_login(personas[who])
        assert client.post(reverse("asye:agreement_edit", args=[record.pk]), {}).status_code == 403
        assert "Change the agreement" not in page(client, reverse("asye:agreement", args=[record.pk]))


def test_the_record_page_links_to_the_agreement_and_plans(
    client: Client, nqsw: Any, record: AsyeRecord
) -> None:
    client.force_login(nqsw)
    html = page(client, reverse("asye:record", args=[record.pk]))
    assert reverse("asye:agreement", args=[record.pk]) in html
    assert reverse("asye:plans", args=[record.pk]) in html


# --- Development plans ------------------------------------------------------------------------


def test_the_nqsw_adds_changes_and_removes_rows(client: Client, nqsw: Any, record: AsyeRecord) -> None:
    client.force_login(nqsw)
    plans = page(client, reverse("asye:plans", args=[record.pk]))
    for period in ("Initial plan (months 0 to 3)", "Months 3 to 6", "Months 6 to 12", "End of year"):
        assert period in plans
    assert "Nothing in this plan yet" in plans
    add_url = reverse("asye:plan_row_add", args=[record.pk, "initial"])
    data = form_data(page(client, add_url))
    data.update({"learning_need": "Mental capacity assessments", "action": "", "support": "Legal team"})
    invalid = client.post(add_url, data)
    assert invalid.status_code == 200
    html = invalid.content.decode()
    assert "<title>Error: " in html
    assert "Mental capacity assessments" in html  # kept
    assert "Legal team" in html
    data["action"] = "Co-work two assessments"
    first: Any = client.post(add_url, data)
    second: Any = client.post(add_url, data)  # the same form sent twice
    assert first.status_code == second.status_code == 302
    row = PlanRow.objects.get()
    shown = page(client, reverse("asye:plans", args=[record.pk]))
    assert "Co-work two assessments" in shown
    edit_url = reverse("asye:plan_row_edit", args=[record.pk, row.pk])
    edit = form_data(page(client, edit_url))
    edit["progress_evidence"] = "Two assessments signed off"
    assert client.post(edit_url, edit).status_code == 302
    assert "Two assessments signed off" in page(client, reverse("asye:plans", args=[record.pk]))
    assert client.post(reverse("asye:plan_row_remove", args=[record.pk, row.pk])).status_code == 302
    assert not PlanRow.objects.exists()


def test_an_unknown_period_is_not_found(client: Client, nqsw: Any, record: AsyeRecord) -> None:
    client.force_login(nqsw)
    assert client.get(reverse("asye:plan_row_add", args=[record.pk, "months-12-18"])).status_code == 404


def test_the_assessor_writes_a_review_note(
    client: Client, personas: dict[str, Any], record: AsyeRecord
) -> None:
    row = PlanRowFactory(record=record, learning_need="Court skills")
    client.force_login(personas["assessor"])
    plans = page(client, reverse("asye:plans", args=[record.pk]))
    assert "Add review note" in plans
    assert reverse("asye:plan_row_edit", args=[record.pk, row.pk]) + '"' not in plans
    url = reverse("asye:plan_row_review", args=[record.pk, row.pk])
    data = form_data(page(client, url))
    empty = client.post(url, {**data, "review_note": ""})
    assert "Enter the review note" in empty.content.decode()
    assert client.post(url, {**data, "review_note": "Observed in court: confident"}).status_code == 302
    client.force_login(personas["nqsw"])
    shown = page(client, reverse("asye:plans", args=[record.pk]))
    assert "Observed in court: confident" in shown
    assert "Assessor Persona" in shown
    # A reviewed row stays: the NQSW's remove is refused with a message.
    response: Any = client.post(reverse("asye:plan_row_remove", args=[record.pk, row.pk]))
    assert "stays in the plan" in page(client, response.url)
    assert PlanRow.objects.filter(pk=row.pk).exists()


def test_a_row_of_another_record_is_not_found_through_this_one(
    client: Client, nqsw: Any, orgs: Orgs, record: AsyeRecord
) -> None:
    elsewhere = PlanRowFactory(record=AsyeRecordFactory(organisation=orgs.home))
    client.force_login(nqsw)
    for name in ("asye:plan_row_edit", "asye:plan_row_review"):
        assert client.get(reverse(name, args=[record.pk, elsewhere.pk])).status_code == 404
    assert client.post(reverse("asye:plan_row_remove", args=[record.pk, elsewhere.pk])).status_code == 404
    assert PlanRow.objects.filter(pk=elsewhere.pk).exists()


# --- Isolation ----------------------------------------------------------------------------------


def row_in(organisation: Organisation, marker: str) -> PlanRow:
    return PlanRowFactory(record=AsyeRecordFactory(organisation=organisation), learning_need=marker)


def agreement_in(organisation: Organisation, marker: str) -> Agreement:
    record = AsyeRecordFactory(organisation=organisation)
    return AgreementFactory(record=record, answers=complete_answers(record, background=marker))


def colleague_record(orgs: Orgs) -> AsyeRecord:
    """A record in the viewer's council assessed and managed by other people."""
    return AsyeRecordFactory(organisation=orgs.home)


@pytest.mark.parametrize("viewer", ["nqsw", "assessor", "manager", "psw"])
def test_plans_and_agreement_isolation(
    client: Client, personas: dict[str, Any], orgs: Orgs, record: AsyeRecord, viewer: str
) -> None:
    check = IsolationCheck(client, viewer=personas[viewer])
    # The PSW reads every record of the council; the others only the record they belong to.
    hidden_rows: dict[str, Any] = {UNRELATED: orgs.other, SIBLING: orgs.sibling}
    hidden_agreements: dict[str, Any] = dict(hidden_rows)
    if viewer != "psw":
        hidden_rows[COLLEAGUE] = lambda marker: PlanRowFactory(
            record=colleague_record(orgs), learning_need=marker
        )
        hidden_agreements[COLLEAGUE] = lambda marker: AgreementFactory(
            record=(other := colleague_record(orgs)), answers=complete_answers(other, background=marker)
        )
    rows = check.plant(
        row_in,
        hidden=hidden_rows,
        shown={"the viewer's record": lambda marker: PlanRowFactory(record=record, learning_need=marker)},
    )
    # The record's plans show its own rows only, and the other records' plans are not found.
    check.list_page(reverse("asye:plans", args=[record.pk]), rows)
    check.object_pages(lambda row: reverse("asye:plans", args=[row.plan.record.pk]), rows, shown_status=200)
    agreements = check.plant(
        agreement_in,
        hidden=hidden_agreements,
        shown={
            "the viewer's record": lambda marker: AgreementFactory(
                record=record, answers=complete_answers(record, background=marker)
            )
        },
    )
    check.list_page(reverse("asye:agreement", args=[record.pk]), agreements)
    check.object_pages(lambda a: reverse("asye:agreement", args=[a.record.pk]), agreements, shown_status=200)
    check.object_pages(
        lambda a: reverse("asye:agreement_edit", args=[a.record.pk]), agreements, shown_status=(200, 403)
    )
    check.object_pages(
        lambda a: reverse("asye:agreement_version", args=[a.record.pk, 1]), agreements, shown_status=200
    )
    check.object_pages(
        lambda a: reverse("asye:agreement_sign", args=[a.record.pk, 1, "assessor"]),
        agreements,
        method="POST",
        shown_status=(302, 403),
    )


# --- Query counts ---------------------------------------------------------------------------------

BASE_MFA = 4  # session user, memberships, unread count, authenticator (tests/test_query_counts.py)


def test_agreement_page_query_count(
    client: Client, psw: Any, personas: dict[str, Any], record: AsyeRecord, django_assert_num_queries: Any
) -> None:
    for number in (1, 2, 3):
        agreement = AgreementFactory(record=record, number=number)
        sign(agreement, SignatureCapacity.NQSW, record.nqsw)
        sign(agreement, SignatureCapacity.ASSESSOR, record.assessor)
        sign(agreement, SignatureCapacity.LINE_MANAGER, record.line_manager)
    client.force_login(psw)
    # + the record with everything joined, + its pauses, + the versions with their signature
    # counts, + the latest version with its makers, + its signatures with the signers
    with django_assert_num_queries(BASE_MFA + 5):
        response = client.get(reverse("asye:agreement", args=[record.pk]))
    html = response.content.decode()
    assert "Partly signed" in html
    assert html.count("Version ") >= 3


def test_plans_page_query_count(
    client: Client, nqsw: Any, personas: dict[str, Any], record: AsyeRecord, django_assert_num_queries: Any
) -> None:
    for period in ("initial", "months-3-6", "months-6-12"):
        for n in range(3):
            PlanRowFactory(
                record=record, period=period, review_note=f"Note {n}", reviewed_by=personas["assessor"]
            )
    client.force_login(nqsw)
    # + has an ASYE record (navigation), + the record with everything joined, + its pauses,
    # + the plans, + their rows with the reviewers
    with django_assert_num_queries(BASE_MFA - 1 + 5):
        response = client.get(reverse("asye:plans", args=[record.pk]))
    assert response.content.decode().count("Note ") == 9


def test_the_agreement_form_saves_itself_and_sending_it_discards_the_draft(
    client: Client, assessor: Any, record: AsyeRecord
) -> None:
    from academy.drafts.selectors import draft_for_user
    from academy.drafts.services import draft_key, draft_save

    key = draft_key("asye", "agreement", record.pk)
    draft_save(user=assessor, key=key, data={"other_arrangements": "Half-typed words"}, version=0)
    client.force_login(assessor)
    url = reverse("asye:agreement_edit", args=[record.pk])
    html = page(client, url)
    assert "We restored what you were writing" in html
    assert "Half-typed words" in html  # the draft travels with the page for its script to put back
    response = client.post(url, form_data(html))
    assert response.status_code == 302
    draft = draft_for_user(user=assessor, key=key)
    assert draft is not None
    assert draft.is_empty
