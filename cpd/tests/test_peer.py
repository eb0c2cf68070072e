"""Peer confirmation links (cpd/peer/): the email through the outbox, the public link page
(200 for a usable link, 404 for a token that is not this request's, 410 for a used, expired,
replaced or out-of-date one, 403 for the record's own person), once only, a double submit that
sends once, and the person's view of each request's state."""

import datetime
import re
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.test import Client
from django.urls import reverse

from academy.models import AuditEntry, OutboxMessage
from academy.outbox.services import outbox_sweep
from academy.testing.isolation import COLLEAGUE, SIBLING, UNRELATED, IsolationCheck
from conftest import Orgs
from cpd.models import CpdRecord, PeerAnswer, PeerConfirmationRequest
from cpd.peer.services import EMAIL_KIND, peer_confirmation_request
from cpd.services import cpd_peer_reflection_save
from cpd.tests.factories import CpdRecordFactory, PeerReflectionFactory, person_in

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
NOW = datetime.datetime(2026, 9, 1, 10, 0, tzinfo=LONDON)  # British Summer Time
DISCUSSED = datetime.date(2026, 8, 20)
TITLE = "Sentinel title: court skills day"


@pytest.fixture(autouse=True)
def clock():  # type: ignore[no-untyped-def]
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def record(social_worker: Any) -> CpdRecord:
    record = CpdRecordFactory(person=social_worker, title=TITLE, learning="Sentinel learning text")
    PeerReflectionFactory(
        record=record, peer_name="Sam Okoro", discussed_on=DISCUSSED, learning="Sentinel reflection text"
    )
    return record


def _send(client: Client, record: CpdRecord, *, key: str = "form-1", email: str = "sam@example.test") -> Any:
    return client.post(
        reverse("cpd:peer_requests", args=[record.pk]),
        {"peer_name": "Sam Okoro", "peer_email": email, "idempotency_key": key},
    )


def _link(message: Any) -> str:
    match = re.search(r"https?://[^/\s]+(/cpd/peer/[\w-]+/[\w-]+/)", str(message.body))
    assert match, message.body
    return match.group(1)


@pytest.fixture
def sent(
    client: Client, social_worker: Any, record: CpdRecord, django_capture_on_commit_callbacks: Any
) -> str:
    """The owner sends a request through the page; the email goes out; the peer's link."""
    return _send_through_the_page(client, social_worker, record, django_capture_on_commit_callbacks)


def _send_through_the_page(
    client: Client, owner: Any, record: CpdRecord, on_commit: Any, key: str = "form-1"
) -> str:
    """Sign in as the owner, send the form, let the outbox send the email, sign out: the link."""
    client.force_login(owner)
    mail.outbox.clear()
    with on_commit(execute=True):
        assert _send(client, record, key=key).status_code == 302
    assert len(mail.outbox) == 1
    client.logout()
    return _link(mail.outbox[0])


def _request(record: CpdRecord) -> PeerConfirmationRequest:
    return PeerConfirmationRequest.objects.get(record=record, replaced_at__isnull=True)


# --- The email ------------------------------------------------------------------------------------


def test_the_email_names_the_person_and_date_only_and_keeps_no_secret(
    sent: str, record: CpdRecord, social_worker: Any
) -> None:
    email = mail.outbox[0]
    assert email.to == ["sam@example.test"]
    assert email.subject == f"{social_worker.full_name} asks you to confirm a conversation"
    html = email.alternatives[0][0]  # type: ignore[attr-defined]
    for body in (str(email.body), html):
        assert social_worker.full_name in body
        assert "20 August 2026" in body
        assert sent in body
        assert "expires at 10:00 on 1 October 2026" in body  # 30 days, London time
        for secret in (TITLE, "Sentinel learning text", "Sentinel reflection text"):
            assert secret not in body
    row = OutboxMessage.objects.get(kind=EMAIL_KIND)
    token = sent.rstrip("/").rsplit("/", 1)[-1]
    assert token not in str(row.context)
    assert token not in row.dedupe_key
    assert token not in _request(record).secret_hash


def test_the_email_through_a_real_smtp_server(
    settings: Any, social_worker: Any, record: CpdRecord, django_capture_on_commit_callbacks: Any
) -> None:
    from tests.smtp_capture import SmtpCapture

    settings.OUTBOX_SEND_AFTER_COMMIT = "none"
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    with SmtpCapture() as capture:
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", capture.port
        with django_capture_on_commit_callbacks(execute=True):
            peer_confirmation_request(
                actor=social_worker, record=record, peer_name="Sam Okoro", peer_email="sam@example.test"
            )
        assert outbox_sweep().sent == 1
    [message] = capture.messages
    assert message["To"] == "sam@example.test"
    text = message.get_body(preferencelist=("plain",)).get_content()  # type: ignore[union-attr]
    html = message.get_body(preferencelist=("html",)).get_content()  # type: ignore[union-attr]
    for body in (text, html):
        assert social_worker.full_name in body
        assert "20 August 2026" in body
        assert "/cpd/peer/" in body
        assert TITLE not in body


# --- The link page -----------------------------------------------------------------------------


def test_the_peer_confirms_once_without_an_account(client: Client, sent: str, record: CpdRecord) -> None:
    page = client.get(sent)
    assert page.status_code == 200
    html = page.content.decode()
    assert record.person.full_name in html
    assert "20 August 2026" in html
    for secret in (TITLE, "Sentinel learning text", "Sentinel reflection text", "Sam Okoro"):
        assert secret not in html
    assert "no-cache" in page["Cache-Control"] or "max-age=0" in page["Cache-Control"]
    done = client.post(sent, {"answer": "confirmed"})
    assert done.status_code == 200
    assert "You confirmed the conversation took place" in done.content.decode()
    request = _request(record)
    assert (request.answer, request.answered_at, request.answered_by) == (
        PeerAnswer.CONFIRMED,
        NOW,
        None,
    )
    entry = AuditEntry.objects.get(verb="cpd_record.peer_confirmation_answer")
    assert entry.organisation is None
    assert entry.after == {"request": str(request.pk), "status": "confirmed"}


def test_a_used_link_says_so_and_changes_nothing(client: Client, sent: str, record: CpdRecord) -> None:
    client.post(sent, {"answer": "confirmed"})
    before = _request(record)
    for response in (client.get(sent), client.post(sent, {"answer": "declined"})):
        assert response.status_code == 410
        assert "This link has already been used" in response.content.decode()
    after = _request(record)
    assert (
        (after.answer, after.answered_at)
        == (before.answer, before.answered_at)
        == (PeerAnswer.CONFIRMED, NOW)
    )
    assert AuditEntry.objects.filter(verb="cpd_record.peer_confirmation_answer").count() == 1


def test_an_expired_link_says_so_and_changes_nothing(
    client: Client, sent: str, record: CpdRecord, clock: Any
) -> None:
    clock.shift(datetime.timedelta(days=30, seconds=1))
    for response in (client.get(sent), client.post(sent, {"answer": "confirmed"})):
        assert response.status_code == 410
        assert "This link has expired" in response.content.decode()
    assert _request(record).answer == ""


def test_the_last_day_still_works(client: Client, sent: str, record: CpdRecord, clock: Any) -> None:
    clock.shift(datetime.timedelta(days=29, hours=23))
    assert client.post(sent, {"answer": "declined"}).status_code == 200
    assert _request(record).answer == PeerAnswer.DECLINED


def test_a_token_for_another_request_cannot_answer_this_one(
    client: Client,
    sent: str,
    record: CpdRecord,
    social_worker: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    other = CpdRecordFactory(person=social_worker, title="Another record")
    PeerReflectionFactory(record=other, peer_name="Lee", discussed_on=DISCUSSED)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        peer_confirmation_request(
            actor=social_worker, record=other, peer_name="Lee", peer_email="lee@example.test"
        )
    other_token = _link(mail.outbox[0]).rstrip("/").rsplit("/", 1)[-1]
    this_pk = _request(record).pk
    crossed = reverse("cpd:peer_confirm", args=[this_pk, other_token])
    for response in (client.get(crossed), client.post(crossed, {"answer": "confirmed"})):
        assert response.status_code == 404
        assert "This link is not valid" in response.content.decode()
    assert client.get(reverse("cpd:peer_confirm", args=[this_pk, "made-up"])).status_code == 404
    assert _request(record).answer == ""
    assert _request(other).answer == ""


def test_the_owner_cannot_confirm_their_own(
    client: Client, sent: str, record: CpdRecord, social_worker: Any
) -> None:
    client.force_login(social_worker)
    page = client.get(sent)
    assert page.status_code == 403
    assert "This is your own request" in page.content.decode()
    assert client.post(sent, {"answer": "confirmed"}).status_code == 403
    assert _request(record).answer == ""


def test_a_peer_with_an_account_is_recorded(client: Client, sent: str, record: CpdRecord, orgs: Orgs) -> None:
    peer = person_in(orgs.sibling)
    client.force_login(peer)
    assert client.post(sent, {"answer": "confirmed"}).status_code == 200
    assert _request(record).answered_by == peer


@pytest.mark.parametrize(
    ("peer_name", "discussed_on"),
    [("Someone Else", DISCUSSED), ("Sam Okoro", datetime.date(2026, 8, 21))],
    ids=["new peer", "new date"],
)
def test_a_changed_reflection_invalidates_the_link(
    client: Client, sent: str, record: CpdRecord, peer_name: str, discussed_on: datetime.date
) -> None:
    cpd_peer_reflection_save(
        actor=record.person,
        record=record,
        learning="Changed learning",
        peer_name=peer_name,
        discussed_on=discussed_on,
    )
    for response in (client.get(sent), client.post(sent, {"answer": "confirmed"})):
        assert response.status_code == 410
        assert "the details of the conversation have changed" in response.content.decode()
    assert _request(record).answer == ""


def test_a_changed_reflection_after_confirmation_is_no_longer_shown_as_confirmed(
    client: Client, sent: str, record: CpdRecord, social_worker: Any
) -> None:
    client.post(sent, {"answer": "confirmed"})
    client.force_login(social_worker)
    page = client.get(reverse("cpd:record", args=[record.pk])).content.decode()
    assert "Sam Okoro confirmed on 1 September 2026" in page
    assert (
        "Sam Okoro confirmed on 1 September 2026"
        in client.get(reverse("cpd:copy_pack", args=[record.pk])).content.decode()
    )
    cpd_peer_reflection_save(
        actor=social_worker,
        record=record,
        learning="x",
        peer_name="Sam Okoro",
        discussed_on=DISCUSSED.replace(day=1),
    )
    page = client.get(reverse("cpd:record", args=[record.pk])).content.decode()
    assert "confirmed on" not in page


# --- Sending ---------------------------------------------------------------------------------------


def test_a_double_submit_sends_once(
    client: Client, social_worker: Any, record: CpdRecord, django_capture_on_commit_callbacks: Any
) -> None:
    client.force_login(social_worker)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        first = _send(client, record, key="same-form")
        second = _send(client, record, key="same-form")
    assert first.status_code == second.status_code == 302
    assert PeerConfirmationRequest.objects.filter(record=record).count() == 1
    assert OutboxMessage.objects.filter(kind=EMAIL_KIND).count() == 1
    assert len(mail.outbox) == 1
    page = client.get(reverse("cpd:peer_requests", args=[record.pk]))
    notes = [str(m.message) for m in page.context["messages"]]
    assert notes == [
        "Your request is on its way to Sam Okoro.",
        "Your request to Sam Okoro was already sent.",
    ]


def test_sending_again_replaces_the_earlier_link(
    client: Client, sent: str, social_worker: Any, record: CpdRecord, django_capture_on_commit_callbacks: Any
) -> None:
    newer = _send_through_the_page(
        client, social_worker, record, django_capture_on_commit_callbacks, key="form-2"
    )
    old = client.get(sent)
    assert old.status_code == 410
    assert "replaced by a newer one" in old.content.decode()
    assert client.post(newer, {"answer": "confirmed"}).status_code == 200


def test_sending_is_limited_per_day(
    client: Client, social_worker: Any, record: CpdRecord, settings: Any
) -> None:
    settings.CPD_PEER_REQUESTS_PER_DAY = 2
    client.force_login(social_worker)
    assert _send(client, record, key="a").status_code == 302
    assert _send(client, record, key="b").status_code == 302
    refused = _send(client, record, key="c", email="typed@example.test")
    assert refused.status_code == 200
    html = refused.content.decode()
    assert "Wait a day before sending another" in html
    assert 'value="typed@example.test"' in html
    assert PeerConfirmationRequest.objects.filter(record=record).count() == 2


def test_invalid_input_keeps_what_was_typed(client: Client, social_worker: Any, record: CpdRecord) -> None:
    client.force_login(social_worker)
    response = _send(client, record, email="not-an-address")
    html = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error: " in html
    assert "Enter an email address in the correct format" in html
    assert 'value="not-an-address"' in html


def test_a_reflection_without_a_date_cannot_be_sent(client: Client, social_worker: Any) -> None:
    record = CpdRecordFactory(person=social_worker)
    PeerReflectionFactory(record=record, discussed_on=None)
    client.force_login(social_worker)
    page = client.get(reverse("cpd:peer_requests", args=[record.pk])).content.decode()
    assert "Add the date of the conversation to your peer reflection first" in page
    assert _send(client, record).status_code == 200
    assert not PeerConfirmationRequest.objects.exists()


def test_an_email_not_yet_sent_is_dropped_once_replaced(
    social_worker: Any, record: CpdRecord, settings: Any
) -> None:
    settings.OUTBOX_SEND_AFTER_COMMIT = "none"
    peer_confirmation_request(
        actor=social_worker, record=record, peer_name="Sam", peer_email="a@example.test"
    )
    peer_confirmation_request(
        actor=social_worker, record=record, peer_name="Sam", peer_email="b@example.test"
    )
    mail.outbox.clear()
    delivery = outbox_sweep()
    assert (delivery.sent, delivery.cancelled) == (1, 1)
    assert [m.to for m in mail.outbox] == [["b@example.test"]]


def test_the_person_sees_each_requests_state(
    client: Client, social_worker: Any, record: CpdRecord, clock: Any, settings: Any
) -> None:
    settings.OUTBOX_SEND_AFTER_COMMIT = "none"
    first = peer_confirmation_request(
        actor=social_worker, record=record, peer_name="Ann", peer_email="a@example.test"
    )
    PeerConfirmationRequest.objects.filter(pk=first.request.pk).update(
        answer=PeerAnswer.DECLINED, answered_at=NOW
    )
    peer_confirmation_request(actor=social_worker, record=record, peer_name="Bo", peer_email="b@example.test")
    client.force_login(social_worker)
    html = client.get(reverse("cpd:peer_requests", args=[record.pk])).content.decode()
    assert "Did not take place" in html
    assert "Sent" in html
    record_page = client.get(reverse("cpd:record", args=[record.pk])).content.decode()
    assert (
        "Ann said on 1 September 2026 at 10:00am that the conversation on 20 August 2026 did not take place."
        in record_page
    )
    clock.shift(datetime.timedelta(days=31))
    client.force_login(social_worker)
    assert "Expired" in client.get(reverse("cpd:peer_requests", args=[record.pk])).content.decode()


def test_get_on_the_link_changes_nothing_and_post_only_answers(
    client: Client, sent: str, record: CpdRecord
) -> None:
    client.get(sent)
    assert client.post(sent, {"answer": "maybe"}).status_code == 200
    assert _request(record).answer == ""


# --- Privacy and queries ---------------------------------------------------------------------------


def test_requests_page_is_the_owners_only(client: Client, orgs: Orgs, psw: Any) -> None:
    check = IsolationCheck(client, viewer=psw)

    def with_request(person: Any, marker: str) -> CpdRecord:
        record = CpdRecordFactory(person=person, title=marker)
        PeerReflectionFactory(record=record, peer_name=marker, discussed_on=DISCUSSED)
        peer_confirmation_request(actor=person, record=record, peer_name=marker, peer_email="x@example.test")
        return record

    planted = check.plant(
        lambda organisation, marker: with_request(person_in(organisation), marker),
        hidden={
            UNRELATED: orgs.other,
            SIBLING: orgs.sibling,
            COLLEAGUE: lambda marker: with_request(person_in(orgs.home), marker),
        },
        shown={"the viewer's own": lambda marker: with_request(psw, marker)},
    )
    check.object_pages(lambda record: reverse("cpd:peer_requests", args=[record.pk]), planted)
    check.object_pages(lambda record: reverse("cpd:peer_requests", args=[record.pk]), planted, method="POST")
    [own] = planted.shown
    assert own.marker in client.get(reverse("cpd:peer_requests", args=[own.obj.pk])).content.decode()


def test_requests_page_query_count(
    client: Client, social_worker: Any, record: CpdRecord, settings: Any, django_assert_num_queries: Any
) -> None:
    settings.OUTBOX_SEND_AFTER_COMMIT = "none"
    for n in range(3):
        peer_confirmation_request(
            actor=social_worker, record=record, peer_name=f"Peer {n}", peer_email=f"p{n}@example.test"
        )
    client.force_login(social_worker)
    # session's user, memberships, unread count, the record with its reflection, its topics
    # (prefetched by the access selector), the record's requests
    with django_assert_num_queries(6):
        response = client.get(reverse("cpd:peer_requests", args=[record.pk]))
    assert response.content.decode().count("@example.test") == 3


def test_an_outsider_sees_nothing_of_anyones_requests(
    client: Client, outsider: Any, record: CpdRecord
) -> None:
    client.force_login(outsider)
    assert client.get(reverse("cpd:peer_requests", args=[record.pk])).status_code == 404
