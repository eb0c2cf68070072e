"""Feedback from people without an account: the request services (once only, expiry, withdrawal,
two answers at once), the giver's public pages (a link used twice, an expired link, a wrong
code, too many tries), what the giver sees (only the first name and the setting), the outbox
row (no token in it), isolation of the NQSW's list and its query count."""

import datetime
import re
import threading
from typing import Any

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test import Client, TestCase
from django.test.utils import override_settings
from django.urls import reverse
from django.utils import timezone

from academy.models import OutboxMessage
from academy.roles import Role
from academy.testing.isolation import COLLEAGUE, SIBLING, UNRELATED, IsolationCheck
from asye.feedback import services
from asye.feedback.codes import format_code, secret_hash
from asye.lock import RecordLocked
from asye.models import (
    AsyeRecord,
    EvidenceItem,
    EvidenceKind,
    EvidenceStatus,
    FeedbackAudience,
    FeedbackChannel,
    FeedbackKind,
    FeedbackRequest,
    RecordStatus,
)
from asye.tests.factories import AsyeRecordFactory, EvidenceItemFactory, membership_of
from conftest import Orgs

pytestmark = pytest.mark.django_db

NQSW_NAME = "Rosalind Quennell-Abara"
FIRST_NAME = "Rosalind"
SURNAME = "Quennell-Abara"
GIVE = reverse("asye:feedback_give")
CODE_PAGE = reverse("asye:feedback_code")


@pytest.fixture
def record(orgs: Orgs, personas: dict[str, Any], programme_types: None) -> AsyeRecord:
    nqsw = personas["nqsw"]
    nqsw.full_name = NQSW_NAME
    nqsw.save(update_fields=["full_name"])
    return AsyeRecordFactory(
        organisation=orgs.home,
        nqsw=membership_of(nqsw, orgs.home, Role.NQSW),
        assessor=membership_of(personas["assessor"], orgs.home, Role.ASSESSOR),
        line_manager=membership_of(personas["manager"], orgs.home, Role.LINE_MANAGER),
    )


def make_code_request(record: AsyeRecord, **overrides: Any) -> services.CreatedRequest:
    fields: dict[str, Any] = {
        "actor": record.nqsw.user,
        "record": record,
        "kind": FeedbackKind.PEOPLE,
        "audience": FeedbackAudience.ADULT,
        "giver_description": "parent at the review meeting",
        "setting": "the review meeting on 3 March",
        "channel": FeedbackChannel.CODE,
        **overrides,
    }
    return services.feedback_request_create(**fields)


ANSWERS = {"went_well": "She listened and explained the plan clearly.", "even_better": "Call back sooner."}


# --- Services -----------------------------------------------------------------------------------------


def test_code_request_keeps_only_a_hash_and_answers_once(record: AsyeRecord) -> None:
    created = make_code_request(record)
    request = created.request
    assert len(created.code) == 8
    assert created.code not in request.secret_hash
    assert request.secret_hash == secret_hash(created.code)
    assert request.expires_at - timezone.now() > datetime.timedelta(days=13)

    item = services.feedback_submit(request_id=str(request.pk), answers=ANSWERS)
    assert item.status == EvidenceStatus.DRAFT
    assert item.kind == EvidenceKind.FEEDBACK_PEOPLE
    assert item.record == record
    assert item.created_by == record.nqsw.user
    assert item.answers["went_well"] == ANSWERS["went_well"]
    assert item.answers["even_better"] == ANSWERS["even_better"]
    assert item.answers["context"] == "the review meeting on 3 March"
    assert "without an account" in item.answers["giver"]
    assert item.transitions.get().reason.startswith("Made from feedback")
    request.refresh_from_db()
    assert request.used_at is not None
    assert request.evidence == item

    with pytest.raises(services.FeedbackRefused) as refused:
        services.feedback_submit(request_id=str(request.pk), answers=ANSWERS)
    assert refused.value.status == "answered"
    assert "already been used" in refused.value.messages[0]
    assert EvidenceItem.objects.count() == 1


def test_professional_answer_keeps_their_role(record: AsyeRecord) -> None:
    request = make_code_request(
        record, kind=FeedbackKind.PROFESSIONALS, giver_description="health visitor"
    ).request
    item = services.feedback_submit(
        request_id=str(request.pk), answers={**ANSWERS, "role": "health visitor, community team"}
    )
    assert item.kind == EvidenceKind.FEEDBACK_PROFESSIONALS
    assert item.answers["giver"].startswith("health visitor (health visitor, community team)")


def test_the_first_question_must_be_answered(record: AsyeRecord) -> None:
    request = make_code_request(record).request
    with pytest.raises(ValidationError) as error:
        services.feedback_submit(request_id=str(request.pk), answers={"went_well": "  "})
    assert "went_well" in error.value.message_dict
    request.refresh_from_db()
    assert request.used_at is None


def test_an_expired_request_is_refused(record: AsyeRecord) -> None:
    with time_machine.travel(datetime.datetime(2026, 10, 1, 9, tzinfo=datetime.UTC), tick=False):
        request = make_code_request(record).request
    with time_machine.travel(datetime.datetime(2026, 10, 15, 8, 59, tzinfo=datetime.UTC), tick=False):
        services.feedback_check_usable(request=request)  # a minute before it ends: still fine
    with (
        time_machine.travel(datetime.datetime(2026, 10, 15, 9, 1, tzinfo=datetime.UTC), tick=False),
        pytest.raises(services.FeedbackRefused) as refused,
    ):
        services.feedback_submit(request_id=str(request.pk), answers=ANSWERS)
    assert refused.value.status == "expired"
    assert not EvidenceItem.objects.exists()


def test_a_withdrawn_request_is_refused(record: AsyeRecord) -> None:
    request = make_code_request(record).request
    services.feedback_request_revoke(actor=record.nqsw.user, request=request)
    with pytest.raises(services.FeedbackRefused) as refused:
        services.feedback_submit(request_id=str(request.pk), answers=ANSWERS)
    assert refused.value.status == "revoked"


def test_only_the_nqsw_asks_and_withdraws(record: AsyeRecord, assessor: Any) -> None:
    with pytest.raises(PermissionDenied):
        make_code_request(record, actor=assessor)
    request = make_code_request(record).request
    with pytest.raises(PermissionDenied):
        services.feedback_request_revoke(actor=assessor, request=request)


def test_an_answered_request_cannot_be_withdrawn(record: AsyeRecord) -> None:
    request = make_code_request(record).request
    services.feedback_submit(request_id=str(request.pk), answers=ANSWERS)
    with pytest.raises(ValidationError):
        services.feedback_request_revoke(actor=record.nqsw.user, request=request)


def test_the_same_form_twice_makes_one_request(record: AsyeRecord) -> None:
    first = make_code_request(record, idempotency_key="abc")
    second = make_code_request(record, idempotency_key="abc")
    assert second.request == first.request
    assert second.already_made
    assert second.code == ""  # the code is never shown again
    assert FeedbackRequest.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_answers_at_once_make_one_draft(record: AsyeRecord) -> None:
    """Two givers (or a double press) post at the same moment: the row lock lets one through."""
    request = make_code_request(record).request
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def answer() -> None:
        barrier.wait()
        try:
            services.feedback_submit(request_id=str(request.pk), answers=ANSWERS)
            outcomes.append("made")
        except services.FeedbackRefused as refused:
            outcomes.append(refused.status)
        finally:
            connection.close()

    threads = [threading.Thread(target=answer) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["answered", "made"]
    assert EvidenceItem.objects.filter(record=record).count() == 1


def test_the_email_row_holds_no_token_and_the_link_is_minted_when_sent(record: AsyeRecord) -> None:
    mail.outbox.clear()
    with TestCase.captureOnCommitCallbacks(execute=True):
        created = services.feedback_request_create(
            actor=record.nqsw.user,
            record=record,
            kind=FeedbackKind.PROFESSIONALS,
            audience=FeedbackAudience.ADULT,
            giver_description="team manager at the hospital",
            setting="the discharge meeting",
            channel=FeedbackChannel.EMAIL,
            email="giver@example.org",
        )
    assert created.code == ""
    message = OutboxMessage.objects.get()
    assert message.to_email == "giver@example.org"
    assert len(mail.outbox) == 1
    body = str(mail.outbox[0].body)
    token = re.search(r"/feedback/link/([\w-]+)/", body).group(1)  # type: ignore[union-attr]
    assert "Rosalind" in body
    assert SURNAME not in body
    # Nothing stored holds the token: not the outbox row, not the request.
    message.refresh_from_db()
    assert token not in str(message.context)
    assert token not in message.dedupe_key
    assert token not in message.object_id
    created.request.refresh_from_db()
    assert created.request.secret_hash == secret_hash(token)
    assert token not in created.request.secret_hash


# --- The giver's pages ---------------------------------------------------------------------------------


def open_code(client: Client, code: str) -> Any:
    return client.post(CODE_PAGE, {"code": code})


def test_giver_with_a_code_sees_only_the_first_name_and_setting(record: AsyeRecord) -> None:
    other = EvidenceItemFactory(record=record, title="Secret sentinel reflection title")
    code = make_code_request(record).code
    giver = Client()
    response = open_code(giver, format_code(code).lower())  # typed in lower case, with the dash
    assert response.status_code == 302
    assert response.url == GIVE
    page = giver.get(GIVE)
    html = page.content.decode()
    assert page.status_code == 200
    assert FIRST_NAME in html
    assert "the review meeting on 3 March" in html
    for absent in (
        SURNAME,
        record.nqsw.user.email,
        str(record.pk),
        other.title,
        "parent at the review meeting",  # the NQSW's own note about the giver
        record.organisation.name,
        record.assessor.user.full_name,
        'href="/asye/',  # no link into the portfolio
    ):
        assert absent not in html, absent
    assert "no-store" in page.headers.get("Cache-Control", "")

    done: Any = giver.post(GIVE, ANSWERS)
    assert done.status_code == 302
    assert done.url == reverse("asye:feedback_thanks")
    assert FIRST_NAME in giver.get(done.url).content.decode()
    item = EvidenceItem.objects.get(kind=EvidenceKind.FEEDBACK_PEOPLE)
    assert item.answers["went_well"] == ANSWERS["went_well"]


def test_the_child_version_uses_simpler_questions(record: AsyeRecord) -> None:
    code = make_code_request(record, audience=FeedbackAudience.YOUNG).code
    giver = Client()
    open_code(giver, code)
    html = giver.get(GIVE).content.decode()
    assert f"What was good about talking to {FIRST_NAME}?" in html
    assert "newly qualified" not in html


def test_a_programme_versions_own_wording_reaches_the_giver(record: AsyeRecord) -> None:
    version = record.programme_version
    version.forms = {
        **version.forms,
        "feedback_giver_adult": {
            "title": "A word for {name}, please",
            "guidance": "Sentinel guidance from this programme version for {name}.",
            "asks_role": False,
            "questions": [
                {
                    "key": "strengths",
                    "label": "Sentinel: what helped you most?",
                    "required": True,
                    "answer_key": "went_well",
                },
                {
                    "key": "wish",
                    "label": "Sentinel: what do you wish {name} had done?",
                    "hint": "Sentinel hint",
                    "answer_key": "even_better",
                },
                {
                    "key": "also",
                    "label": "Sentinel: anything else that went well?",
                    "answer_key": "went_well",
                },
            ],
        },
    }
    version.save(update_fields=["forms"])
    giver = Client()
    open_code(giver, make_code_request(record).code)
    html = giver.get(GIVE).content.decode()
    for wording in (
        f"A word for {FIRST_NAME}, please",
        f"Sentinel guidance from this programme version for {FIRST_NAME}.",
        "Sentinel: what helped you most?",
        f"Sentinel: what do you wish {FIRST_NAME} had done?",
        "Sentinel hint",
    ):
        assert wording in html, wording
    assert "What did" not in html  # the shared wording is not used
    done: Any = giver.post(GIVE, {"strengths": "Kind.", "wish": "Earlier calls.", "also": "On time."})
    assert done.status_code == 302
    item = EvidenceItem.objects.get(kind=EvidenceKind.FEEDBACK_PEOPLE)
    assert item.answers["went_well"] == "Kind.\n\nOn time."
    assert item.answers["even_better"] == "Earlier calls."


def test_a_version_without_the_giver_sets_uses_the_shared_wording(record: AsyeRecord) -> None:
    version = record.programme_version
    version.forms = {k: v for k, v in version.forms.items() if not k.startswith("feedback_giver_")}
    version.save(update_fields=["forms"])
    giver = Client()
    open_code(giver, make_code_request(record, kind=FeedbackKind.PROFESSIONALS).code)
    html = giver.get(GIVE).content.decode()
    assert f"What went well when you worked with {FIRST_NAME}?" in html
    assert "Your role and organisation" in html


def test_the_loader_adds_missing_giver_sets_once(record: AsyeRecord) -> None:
    from asye.models import ProgrammeTypeVersion
    from asye.programme_loader import add_missing_forms

    names = ("feedback_giver_adult", "feedback_giver_child", "feedback_giver_professional")
    own = {"title": "Own", "guidance": "", "questions": []}
    for version in ProgrammeTypeVersion.objects.all():
        forms = {k: v for k, v in version.forms.items() if k not in names}
        if version.pk == record.programme_version_id:
            forms["feedback_giver_child"] = own
        version.forms = forms
        version.save(update_fields=["forms"])
    assert add_missing_forms(names=names) == ProgrammeTypeVersion.objects.count()
    assert add_missing_forms(names=names) == 0
    record.programme_version.refresh_from_db()
    forms = record.programme_version.forms
    assert forms["feedback_giver_child"] == own  # a set the version holds is never replaced
    assert forms["feedback_giver_adult"]["questions"][0]["answer_key"] == "went_well"


def test_a_link_used_twice_is_refused_plainly(record: AsyeRecord) -> None:
    mail.outbox.clear()
    with TestCase.captureOnCommitCallbacks(execute=True):
        services.feedback_request_create(
            actor=record.nqsw.user,
            record=record,
            kind=FeedbackKind.PEOPLE,
            audience=FeedbackAudience.ADULT,
            giver_description="carer",
            setting="the visit on Tuesday",
            channel=FeedbackChannel.EMAIL,
            email="carer@example.org",
        )
    token = re.search(r"/feedback/link/([\w-]+)/", str(mail.outbox[0].body)).group(1)  # type: ignore[union-attr]
    link = reverse("asye:feedback_link", args=[token])
    first = Client()
    response: Any = first.get(link)
    assert response.status_code == 302
    assert response.url == GIVE  # the token leaves the address bar
    assert first.post(GIVE, ANSWERS).status_code == 302

    again = Client().get(link)
    assert again.status_code == 410
    assert "This link has already been used" in again.content.decode()
    # The first browser's session cannot answer a second time either.
    repeat = first.post(GIVE, ANSWERS)
    assert repeat.status_code == 404
    assert EvidenceItem.objects.count() == 1


def test_an_expired_link_says_so(record: AsyeRecord) -> None:
    code = make_code_request(record).code
    giver = Client()
    open_code(giver, code)  # opened in time, answered too late
    with time_machine.travel(timezone.now() + datetime.timedelta(days=15)):
        page = giver.get(GIVE)
        assert page.status_code == 410
        assert "This link has expired" in page.content.decode()
        late = Client()
        response = open_code(late, code)
        assert response.status_code == 410
        assert "This link has expired" in response.content.decode()


def test_a_withdrawn_code_says_so(record: AsyeRecord) -> None:
    created = make_code_request(record)
    services.feedback_request_revoke(actor=record.nqsw.user, request=created.request)
    response = open_code(Client(), created.code)
    assert response.status_code == 410
    assert "This link was withdrawn" in response.content.decode()


def test_an_unknown_link_is_not_valid(client: Client) -> None:
    response = client.get(reverse("asye:feedback_link", args=["made-up-token"]))
    assert response.status_code == 404
    assert "This link is not valid" in response.content.decode()
    assert client.get(GIVE).status_code == 404


def test_a_wrong_code_gets_one_plain_message(record: AsyeRecord) -> None:
    make_code_request(record)
    response = open_code(Client(), "ACDE-FGHJ")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Error: Enter your code" in html
    assert "That code is not right" in html


@override_settings(ASYE_FEEDBACK_LOOKUPS_PER_ADDRESS=3, ASYE_FEEDBACK_LOOKUPS_PER_CODE=100)
def test_too_many_codes_from_one_address_are_refused(record: AsyeRecord) -> None:
    code = make_code_request(record).code
    giver = Client()
    for guess in ("AAAAAAAA", "CCCCCCCC", "DDDDDDDD"):
        assert open_code(giver, guess).status_code == 200
    # Even the right code waits now: the limit is on tries, not on wrong ones.
    blocked = open_code(giver, code)
    assert blocked.status_code == 429
    assert "Too many tries" in blocked.content.decode()
    # Another address is not held up.
    assert open_code(Client(REMOTE_ADDR="10.9.8.7"), code).status_code == 302


@override_settings(ASYE_FEEDBACK_LOOKUPS_PER_ADDRESS=100, ASYE_FEEDBACK_LOOKUPS_PER_CODE=2)
def test_one_code_tried_from_many_addresses_is_limited(record: AsyeRecord) -> None:
    make_code_request(record)
    for n in range(2):
        assert open_code(Client(REMOTE_ADDR=f"10.0.0.{n}"), "ACDEFGHJ").status_code == 200
    assert open_code(Client(REMOTE_ADDR="10.0.0.9"), "ACDEFGHJ").status_code == 429


# --- The NQSW's pages ----------------------------------------------------------------------------------


def test_nqsw_makes_a_code_request_and_sees_the_code_once(client: Client, record: AsyeRecord) -> None:
    client.force_login(record.nqsw.user)
    url = reverse("asye:feedback_request_create", args=[record.pk])
    assert client.get(url).status_code == 200
    data = {
        "kind": FeedbackKind.PEOPLE,
        "audience": FeedbackAudience.YOUNG,
        "giver_description": "young person after the review",
        "setting": "our meeting at school",
        "channel": FeedbackChannel.CODE,
        "idempotency_key": "form-1",
    }
    response = client.post(url, data)
    assert response.status_code == 200
    code = re.search(r'data-testid="feedback-code">([A-Z0-9-]+)<', response.content.decode()).group(1)  # type: ignore[union-attr]
    request = FeedbackRequest.objects.get()
    assert request.secret_hash == secret_hash(code.replace("-", ""))
    # Sent again (a refresh): no second request, and the code is not shown again.
    again: Any = client.post(url, data)
    assert again.status_code == 302
    assert code not in client.get(again.url).content.decode()
    assert FeedbackRequest.objects.count() == 1
    listing = client.get(reverse("asye:feedback_requests", args=[record.pk])).content.decode()
    assert "young person after the review" in listing
    assert "Waiting" in listing


def test_email_needs_an_address(client: Client, record: AsyeRecord) -> None:
    client.force_login(record.nqsw.user)
    response = client.post(
        reverse("asye:feedback_request_create", args=[record.pk]),
        {
            "kind": FeedbackKind.PEOPLE,
            "audience": FeedbackAudience.ADULT,
            "giver_description": "carer",
            "setting": "the visit",
            "channel": FeedbackChannel.EMAIL,
        },
    )
    assert response.status_code == 200
    assert "Enter the email address to send the link to" in response.content.decode()
    assert not FeedbackRequest.objects.exists()


def test_withdraw_is_post_only_and_stops_the_code(client: Client, record: AsyeRecord) -> None:
    created = make_code_request(record)
    client.force_login(record.nqsw.user)
    url = reverse("asye:feedback_request_revoke", args=[created.request.pk])
    assert client.get(url).status_code == 405
    assert client.post(url).status_code == 302
    created.request.refresh_from_db()
    assert created.request.revoked_at is not None
    listing = client.get(reverse("asye:feedback_requests", args=[record.pk])).content.decode()
    assert "Withdrawn" in listing


def test_the_nqsw_list_shows_no_other_records_requests(
    client: Client, nqsw: Any, orgs: Orgs, record: AsyeRecord
) -> None:
    check = IsolationCheck(client, viewer=nqsw)

    def request_on(rec: AsyeRecord, marker: str) -> FeedbackRequest:
        return make_code_request(rec, giver_description=marker).request

    planted = check.plant(
        lambda organisation, marker: request_on(AsyeRecordFactory(organisation=organisation), marker),
        hidden={
            UNRELATED: orgs.other,
            SIBLING: orgs.sibling,
            COLLEAGUE: lambda marker: request_on(AsyeRecordFactory(organisation=orgs.home), marker),
        },
        shown={"on the NQSW's own record": lambda marker: request_on(record, marker)},
    )
    check.list_page(reverse("asye:feedback_requests", args=[record.pk]), planted)
    check.object_pages(lambda r: reverse("asye:feedback_request_revoke", args=[r.pk]), planted, method="POST")


@pytest.mark.parametrize("rows", [3, 6])
def test_the_list_query_count(
    client: Client, record: AsyeRecord, rows: int, django_assert_num_queries: Any
) -> None:
    """The same number of queries whatever the number of requests and answers."""
    for n in range(rows):
        made = make_code_request(record, giver_description=f"giver {n}").request
        if n % 2:
            services.feedback_submit(request_id=str(made.pk), answers=ANSWERS)
    client.force_login(record.nqsw.user)
    url = reverse("asye:feedback_requests", args=[record.pk])
    client.get(url)  # warm the navigation cache
    # 1 the user, 2 their memberships (the scope), 3 the record with its people,
    # 4 its pauses (prefetched by the record selector), 5 the page count, 6 the requests with
    # the draft each answer made.
    with django_assert_num_queries(6):
        response = client.get(url)
    html = response.content.decode()
    assert all(f"giver {n}<" in html for n in range(rows))


# --- A frozen portfolio ----------------------------------------------------------------------------------


@pytest.mark.parametrize("status", [RecordStatus.SUBMITTED, RecordStatus.COMPLETED])
def test_a_frozen_record_mints_no_feedback_link(record: AsyeRecord, status: str) -> None:
    """An email request made before the portfolio went to the panel sends no link afterwards."""
    created = services.feedback_request_create(
        actor=record.nqsw.user,
        record=record,
        kind=FeedbackKind.PROFESSIONALS,
        audience=FeedbackAudience.ADULT,
        giver_description="team manager at the hospital",
        setting="the discharge meeting",
        channel=FeedbackChannel.EMAIL,
        email="giver@example.org",
    )
    before = FeedbackRequest.objects.get(pk=created.request.pk).secret_hash
    AsyeRecord.objects.filter(pk=record.pk).update(status=status)
    with pytest.raises(RecordLocked):
        services.feedback_link_mint(request_id=str(created.request.pk))
    assert FeedbackRequest.objects.get(pk=created.request.pk).secret_hash == before


def test_the_requests_page_offers_no_new_request_on_a_frozen_record(
    client: Client, record: AsyeRecord
) -> None:
    client.force_login(record.nqsw.user)
    url = reverse("asye:feedback_requests", args=[record.pk])
    create = reverse("asye:feedback_request_create", args=[record.pk])
    assert create in client.get(url).content.decode()
    AsyeRecord.objects.filter(pk=record.pk).update(status=RecordStatus.SUBMITTED)
    response = client.get(url)
    assert response.status_code == 200
    page = response.content.decode()
    assert create not in page
    assert "Ask for feedback" not in page
