"""Writes of the outbox: queue an email, send what is due, and let an operator retry.

How a message travels (docs/adr/0007-outbox.md):

1. `outbox_enqueue` writes the row inside the caller's transaction. After commit a shortcut
   (a Celery task, by default) asks for that one row to be sent now.
2. `outbox_sweep` (every minute, from beat) and the shortcut both go through `_claim`: due rows
   that nobody holds are locked with `SELECT ... FOR UPDATE SKIP LOCKED` and given a lease
   (`claimed_until`) and a claim token. A second worker, or the same sweep run twice, skips
   them.
3. Each claimed row is built by its kind's builder, sent, then marked sent in one UPDATE
   guarded by the claim token. In a batch slow enough to use half its lease, each row's lease
   is first renewed by a conditional UPDATE that succeeds only while the token is still ours.
4. A failure records the error and makes the row due again after an exponential backoff; after
   `OUTBOX_MAX_ATTEMPTS` attempts it is "failed" and waits on the operator page. So is a row
   whose lease ran out that many times: its senders keep dying without reporting back.

At least once: the one duplicate the design allows is a sender that dies after the mail server
accepted the message and before the row was marked. Its lease runs out, the next sweep sends
again, and `_claim` logs a warning naming the message."""

import contextlib
import logging
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import IntegrityError, models, transaction
from django.db.models import Case, F, Q, Value, When
from django.utils import timezone

from academy.audit import audit_log
from academy.models import Organisation, User
from academy.roles import Role
from academy.selectors import roles_held_over

from .models import OutboxMessage
from .registry import Built, DoNotSend, Email, EmailKind, email_kind, email_kind_names

logger = logging.getLogger("academy.outbox")

Status = OutboxMessage.Status


def outbox_enqueue(
    *,
    kind: str,
    to_email: str,
    dedupe_key: str,
    recipient: User | None = None,
    organisation: Organisation | None = None,
    about: models.Model | None = None,
    context: dict[str, Any] | None = None,
    due_at: datetime | None = None,
) -> OutboxMessage:
    """Queue one email, in the caller's transaction. The same `dedupe_key` never queues a
    second row: the existing one is returned. `context` holds ids and plain values, never a
    secret; the email itself is built when it is sent."""
    if kind not in email_kind_names():
        raise ValueError(f"No email kind {kind!r} is registered.")
    existing = OutboxMessage.objects.filter(dedupe_key=dedupe_key).first()
    if existing is not None:
        return existing
    now = timezone.now()
    message = OutboxMessage(
        kind=kind,
        to_email=to_email,
        recipient=recipient,
        organisation=organisation,
        content_type=ContentType.objects.get_for_model(about) if about is not None else None,
        object_id=str(about.pk) if about is not None else "",
        context=context or {},
        dedupe_key=dedupe_key,
        due_at=due_at or now,
    )
    message.full_clean(validate_unique=False)
    try:
        with transaction.atomic():
            message.save(force_insert=True)
    except IntegrityError:
        # Queued by a concurrent transaction a moment ago.
        return OutboxMessage.objects.get(dedupe_key=dedupe_key)
    if message.due_at <= now:
        _send_soon(message.pk)
    return message


def outbox_enqueue_many(*, kind: str, messages: list[dict[str, Any]]) -> int:
    """Queue many emails of one kind in one INSERT, in the caller's transaction (the reminder
    engine's delivery sweep). Each dict holds the row's fields: `to_email`, `dedupe_key` and
    optionally `recipient_id`, `organisation_id`, `content_type`, `object_id`, `context`,
    `due_at`. A dedupe key already queued is skipped (`ON CONFLICT DO NOTHING`). After commit
    one sweep is asked for, not a task per row. Returns how many rows were offered."""
    if kind not in email_kind_names():
        raise ValueError(f"No email kind {kind!r} is registered.")
    if not messages:
        return 0
    now = timezone.now()
    OutboxMessage.objects.bulk_create(
        [
            OutboxMessage(kind=kind, **{"due_at": now, "created_at": now, "updated_at": now, **fields})
            for fields in messages
        ],
        ignore_conflicts=True,
        batch_size=1000,
    )
    mode = settings.OUTBOX_SEND_AFTER_COMMIT
    if mode == "task":
        transaction.on_commit(_queue_sweep_task)
    elif mode == "inline":
        keys = [fields["dedupe_key"] for fields in messages]
        transaction.on_commit(
            lambda: outbox_deliver(
                message_ids=list(
                    OutboxMessage.objects.filter(dedupe_key__in=keys).values_list("pk", flat=True)
                )
            )
        )
    return len(messages)


def _queue_sweep_task() -> None:
    from .tasks import outbox_sweep as sweep_task

    try:
        sweep_task.delay()
    except Exception:
        logger.warning("Outbox: could not queue a sweep; the next scheduled one sends these emails.")


def outbox_send_soon(*, message_id: uuid.UUID) -> None:
    """After the caller's transaction commits, send this row without waiting for the sweep
    (for a caller that made a row due again itself)."""
    _send_soon(message_id)


def _send_soon(message_id: uuid.UUID) -> None:
    """After commit, ask for this row to be sent without waiting for the sweep. Only a
    shortcut: if it is lost (Redis restarted, the worker died), the sweep sends the row."""
    mode = settings.OUTBOX_SEND_AFTER_COMMIT
    if mode == "task":
        transaction.on_commit(lambda: _queue_send_task(message_id))
    elif mode == "inline":
        transaction.on_commit(lambda: outbox_deliver(message_ids=[message_id]))


def _queue_send_task(message_id: uuid.UUID) -> None:
    from .tasks import outbox_send

    try:
        outbox_send.delay(str(message_id))
    except Exception:
        # The broker is down: the request that queued the email must not fail for it.
        logger.warning("Outbox: could not queue the send of %s; the sweep will send it.", message_id)


# --- Sending ----------------------------------------------------------------------------------


@dataclass
class Delivery:
    """What one sweep or shortcut did, by outcome."""

    sent: int = 0
    retrying: int = 0
    failed: int = 0
    cancelled: int = 0
    released: int = 0
    lost: int = 0
    claimed: int = 0

    def as_dict(self) -> dict[str, int]:
        return {
            "sent": self.sent,
            "retrying": self.retrying,
            "failed": self.failed,
            "cancelled": self.cancelled,
            "released": self.released,
            "lost": self.lost,
            "claimed": self.claimed,
        }


@dataclass(frozen=True)
class _Claim:
    token: uuid.UUID
    ids: list[uuid.UUID]
    at: datetime
    gave_up: int = 0


def _lease() -> timedelta:
    return timedelta(seconds=settings.OUTBOX_LEASE_SECONDS)


def retry_delay(attempts: int) -> timedelta:
    """How long to wait after the `attempts`-th failed attempt: doubling from
    OUTBOX_RETRY_SECONDS, capped at OUTBOX_RETRY_MAX_SECONDS."""
    seconds = settings.OUTBOX_RETRY_SECONDS * 2 ** max(attempts - 1, 0)
    return timedelta(seconds=min(seconds, settings.OUTBOX_RETRY_MAX_SECONDS))


def _claim(*, batch_size: int, ids: list[uuid.UUID] | None = None) -> _Claim:
    """Lock up to `batch_size` due rows nobody holds and lease them to a new claim token.
    Rows another transaction is claiming at this moment are skipped, not waited for."""
    now = timezone.now()
    token = uuid.uuid4()
    with transaction.atomic():
        due = OutboxMessage.objects.filter(status=Status.PENDING, due_at__lte=now).filter(
            Q(claimed_until__isnull=True) | Q(claimed_until__lte=now)
        )
        if ids is not None:
            due = due.filter(pk__in=ids)
        rows = list(
            due.order_by("due_at")
            .select_for_update(skip_locked=True)
            .values_list("pk", "claimed_until", "attempts")[:batch_size]
        )
        if not rows:
            return _Claim(token, [], now)
        claimed: list[uuid.UUID] = []
        given_up: list[uuid.UUID] = []
        for pk, claimed_until, attempts in rows:
            if claimed_until is None:
                claimed.append(pk)
            elif attempts >= settings.OUTBOX_MAX_ATTEMPTS:
                # A message whose sender keeps dying (it kills the worker, or outlasts every
                # time limit) is not sent for ever: it waits on the operator page instead.
                logger.error(
                    "Outbox: lease on %s ran out at %s without a result after %s attempts; giving up.",
                    pk,
                    claimed_until.isoformat(),
                    attempts,
                )
                given_up.append(pk)
            else:
                # The last sender took this row and never reported back: it died before
                # sending, or after sending and before marking. In the second case this send
                # is a duplicate — the only one the outbox allows.
                logger.warning(
                    "Outbox: lease on %s ran out at %s without a result (attempt %s); sending "
                    "again, which duplicates it if the last sender died after sending.",
                    pk,
                    claimed_until.isoformat(),
                    attempts,
                )
                claimed.append(pk)
        if given_up:
            OutboxMessage.objects.filter(pk__in=given_up).update(
                status=Status.FAILED,
                claimed_until=None,
                claim_token=None,
                last_error=(
                    f"The sender stopped without reporting back; gave up after "
                    f"{settings.OUTBOX_MAX_ATTEMPTS} attempts. It may have been sent."
                ),
                updated_at=now,
            )
            for message in OutboxMessage.objects.filter(pk__in=given_up):
                _run_on_failed(message)
        OutboxMessage.objects.filter(pk__in=claimed).update(
            claimed_until=now + _lease(), claim_token=token, attempts=F("attempts") + 1, updated_at=now
        )
    return _Claim(token, claimed, now, gave_up=len(given_up))


def outbox_sweep(*, batch_size: int = 50, time_budget: float | None = None) -> Delivery:
    """Send every due message, a batch at a time, until none is left, the time budget (in
    seconds) is spent, or the mail server looks down. Safe to run in several workers at once."""
    deadline = time.monotonic() + time_budget if time_budget is not None else None
    delivery = Delivery()
    while True:
        claim = _claim(batch_size=batch_size)
        delivery.failed += claim.gave_up
        if not claim.ids:
            if claim.gave_up:
                continue
            break
        stopped = _deliver(claim, delivery, deadline=deadline)
        if stopped or (deadline is not None and time.monotonic() > deadline):
            break
    return delivery


def outbox_deliver(*, message_ids: list[uuid.UUID]) -> Delivery:
    """Send these messages now if they are due and nobody holds them (the after-commit
    shortcut). A message that is not due, already sent or held elsewhere is left alone."""
    delivery = Delivery()
    claim = _claim(batch_size=len(message_ids), ids=message_ids)
    delivery.failed += claim.gave_up
    if claim.ids:
        _deliver(claim, delivery)
    return delivery


def _deliver(claim: _Claim, delivery: Delivery, *, deadline: float | None = None) -> bool:
    """Send each claimed row over one mail connection. Stops early, releasing the rows not yet
    tried without counting an attempt, when several sends in a row failed (the server is
    probably down) or the deadline (a `time.monotonic()` value) has passed; returns True then.

    Kinds with `build_many` are built a batch at a time before the first send; the rows sent
    are marked in one UPDATE when the batch ends (or stops early), not one by one."""
    delivery.claimed += len(claim.ids)
    messages = list(
        OutboxMessage.objects.filter(pk__in=claim.ids, claim_token=claim.token).order_by("due_at")
    )
    try:
        built = _build_many(messages)
    except SoftTimeLimitExceeded:
        delivery.released += _release(messages, claim)
        logger.warning("Outbox: the task reached its soft time limit; stopping.")
        raise
    connection = get_connection()
    sent: list[_Sent] = []
    failures_in_a_row = 0
    try:
        for index, message in enumerate(messages):
            try:
                outcome = _deliver_one(message, claim, connection, delivery, built=built, sent=sent)
            except SoftTimeLimitExceeded:
                # The task must stop now. The row being sent keeps its lease (it may have gone
                # out); the rest go back, with no attempt counted, for the next sweep.
                delivery.released += _release(messages[index + 1 :], claim)
                logger.warning("Outbox: the task reached its soft time limit; stopping.")
                raise
            failures_in_a_row = failures_in_a_row + 1 if outcome == "failed" else 0
            server_down = failures_in_a_row >= settings.OUTBOX_FAILURES_BEFORE_PAUSE
            out_of_time = deadline is not None and time.monotonic() > deadline
            if server_down or out_of_time:
                delivery.released += _release(messages[index + 1 :], claim)
                if server_down:
                    logger.warning(
                        "Outbox: %s sends failed in a row; pausing until the next sweep.", failures_in_a_row
                    )
                return True
    finally:
        try:
            _mark_sent(sent, claim)
        finally:
            _close_quietly(connection)
    return False


def _build_many(messages: list[OutboxMessage]) -> Built:
    """Emails of the kinds that build a batch at once, by row id. A kind whose `build_many`
    itself fails is left to build row by row, so each row records its own outcome."""
    by_kind: dict[str, list[OutboxMessage]] = {}
    for message in messages:
        by_kind.setdefault(message.kind, []).append(message)
    built: Built = {}
    for name, group in by_kind.items():
        try:
            kind = email_kind(name)
        except KeyError:
            continue  # fails visibly, row by row
        if kind.build_many is None:
            continue
        try:
            built.update(kind.build_many(group))
        except SoftTimeLimitExceeded:
            raise
        except Exception:
            logger.exception("Outbox: building a batch of %r emails failed; building them one by one.", name)
    return built


@dataclass(frozen=True)
class _Sent:
    """A row whose email the mail backend has taken, waiting to be marked sent."""

    message: OutboxMessage
    email: Email
    kind: EmailKind


def _mark_sent(sent: list[_Sent], claim: _Claim) -> None:
    """Mark these rows sent in one UPDATE guarded by the claim token, then run their kinds'
    after-send hooks. A row another sender took meanwhile (a lease lost during the batch) is
    not marked by us, and said so: it may arrive twice."""
    if not sent:
        return
    now = timezone.now()
    subjects = {item.message.pk: item.email.subject[:300] for item in sent}
    distinct = set(subjects.values())
    subject: Any = (
        Value(distinct.pop())
        if len(distinct) == 1
        else Case(
            *(When(pk=pk, then=Value(text)) for pk, text in subjects.items()), default=F("email_subject")
        )
    )
    marked = OutboxMessage.objects.filter(
        pk__in=subjects, claim_token=claim.token, status=Status.PENDING
    ).update(
        status=Status.SENT,
        sent_at=now,
        claimed_until=None,
        claim_token=None,
        last_error="",
        email_subject=subject,
        updated_at=now,
    )
    ours = (
        set(subjects)
        if marked == len(subjects)
        else set(
            OutboxMessage.objects.filter(pk__in=subjects, status=Status.SENT, sent_at=now).values_list(
                "pk", flat=True
            )
        )
    )
    by_kind: dict[str, list[OutboxMessage]] = {}
    for item in sent:
        if item.message.pk not in ours:
            logger.error(
                "Outbox: %s was sent after its lease had passed to another sender; it may arrive twice.",
                item.message.pk,
            )
            continue
        if item.kind.on_sent is not None:
            _run_on_sent(item.kind.on_sent, item.message)
        by_kind.setdefault(item.kind.name, []).append(item.message)
    sent.clear()
    for name, group in by_kind.items():
        after = email_kind(name).after_sent_many
        if after is not None:
            _run_after_sent_many(after, group)


def _release(untried: list[OutboxMessage], claim: _Claim) -> int:
    """Hand back rows this claim has not tried, without counting an attempt against them."""
    return OutboxMessage.objects.filter(pk__in=[m.pk for m in untried], claim_token=claim.token).update(
        claimed_until=None, claim_token=None, attempts=F("attempts") - 1
    )


def _deliver_one(
    message: OutboxMessage,
    claim: _Claim,
    connection: Any,
    delivery: Delivery,
    *,
    built: Built | None = None,
    sent: list[_Sent] | None = None,
) -> str:
    """Build and send one claimed row. With `sent`, a row sent is added to it for `_deliver`
    to mark with the rest of its batch; without, it is marked at once."""

    def mine() -> Any:
        return OutboxMessage.objects.filter(pk=message.pk, claim_token=claim.token, status=Status.PENDING)

    # Nobody else can take a row before its lease runs out. Once half of it has gone (a slow
    # batch), renew it for this message — and make sure it is still ours: a sender slower
    # than the whole lease has lost it to another, who sends it instead. The margin of half a
    # lease also covers clocks that differ between workers.
    slow = timezone.now() - claim.at > _lease() / 2
    if slow and not mine().update(claimed_until=timezone.now() + _lease()):
        logger.warning(
            "Outbox: lost the lease on %s before sending; leaving it to its new holder.", message.pk
        )
        delivery.lost += 1
        return "lost"
    email: Email | None = None
    try:
        kind = email_kind(message.kind)
        email = _built(message, kind, built)
        _send(message, email, connection)
    except DoNotSend as reason:
        mine().update(
            status=Status.CANCELLED,
            cancel_reason=str(reason)[:300],
            claimed_until=None,
            claim_token=None,
            updated_at=timezone.now(),
        )
        logger.info("Outbox: %s not sent: %s", message.pk, reason)
        delivery.cancelled += 1
        return "cancelled"
    except SoftTimeLimitExceeded:
        raise
    except Exception as error:
        _close_quietly(connection)  # a broken connection is reopened for the next message
        return _record_failure(message, mine(), email, error, delivery)
    delivery.sent += 1
    if sent is not None:
        sent.append(_Sent(message, email, kind))
        return "sent"
    # The mark stands on its own: whatever the hook below does, a sent email is never sent again.
    _mark_sent([_Sent(message, email, kind)], claim)
    return "sent"


def _built(message: OutboxMessage, kind: EmailKind, built: Built | None) -> Email:
    """The row's email: from its batch's `build_many` when that built it, else built now."""
    if built is not None and message.pk in built:
        result = built[message.pk]
        if isinstance(result, Exception):
            raise result
        return result
    return kind.build(message)


def _run_after_sent_many(after: Callable[[list[OutboxMessage]], None], messages: list[OutboxMessage]) -> None:
    """A kind's hook for a batch marked sent, in its own savepoint: like `_run_on_sent`, a
    failing hook is logged and its writes undone; the emails stay sent."""
    try:
        with transaction.atomic():
            after(messages)
    except SoftTimeLimitExceeded:
        raise
    except Exception:
        logger.exception(
            "Outbox: %s %r emails were sent, but their after-send hook failed.",
            len(messages),
            messages[0].kind,
        )


def _run_on_sent(on_sent: Callable[[OutboxMessage], None], message: OutboxMessage) -> None:
    """Run a kind's after-send hook in its own savepoint. A hook that fails is logged and its
    writes undone; the email has gone and stays marked sent."""
    try:
        with transaction.atomic():
            on_sent(message)
    except SoftTimeLimitExceeded:
        raise
    except Exception:
        logger.exception("Outbox: %s was sent, but its %r after-send hook failed.", message.pk, message.kind)


def _message_id(message: OutboxMessage) -> str:
    # The same Message-ID on every attempt, so mail clients that see the crash-case duplicate
    # can fold the two copies into one.
    domain = urlsplit(settings.SITE_URL).hostname or "academy.invalid"
    return f"<outbox-{message.pk}@{domain}>"


def _send(message: OutboxMessage, email: Email, connection: Any) -> None:
    outgoing = EmailMultiAlternatives(
        subject=email.subject,
        body=email.text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[message.to_email],
        connection=connection,
        headers={"Message-ID": _message_id(message), "X-Academy-Outbox-Id": str(message.pk)},
    )
    if email.html:
        outgoing.attach_alternative(email.html, "text/html")
    connection.open()  # keeps the connection open across the batch; a no-op once open
    outgoing.send()


def _record_failure(
    message: OutboxMessage, mine: Any, email: Email | None, error: Exception, delivery: Delivery
) -> str:
    now = timezone.now()
    text = f"{type(error).__name__}: {error}"[:2000]
    changes: dict[str, Any] = {
        "claimed_until": None,
        "claim_token": None,
        "last_error": text,
        "updated_at": now,
    }
    if email is not None:
        changes["email_subject"] = email.subject[:300]
    if message.attempts >= settings.OUTBOX_MAX_ATTEMPTS:
        changes["status"] = Status.FAILED
        outcome = "failed"
        delivery.failed += 1
        logger.error("Outbox: %s failed after %s attempts: %s", message.pk, message.attempts, text)
    else:
        changes["due_at"] = now + retry_delay(message.attempts)
        outcome = "failed"
        delivery.retrying += 1
        logger.warning(
            "Outbox: %s attempt %s failed (%s); next try at %s",
            message.pk,
            message.attempts,
            text,
            changes["due_at"].isoformat(),
        )
    if mine.update(**changes) and changes.get("status") == Status.FAILED:
        message.status = Status.FAILED
        message.last_error = text
        _run_on_failed(message)
    return outcome


def _run_on_failed(message: OutboxMessage) -> None:
    """Tell the row's kind it has failed for good (a reminder then shows as failed), in a
    savepoint: a hook that fails is logged, and the row stays failed on the operator page."""
    try:
        on_failed = email_kind(message.kind).on_failed
    except KeyError:
        return
    if on_failed is None:
        return
    try:
        with transaction.atomic():
            on_failed(message)
    except SoftTimeLimitExceeded:
        raise
    except Exception:
        logger.exception("Outbox: %s failed, and its %r failure hook failed too.", message.pk, message.kind)


def _close_quietly(connection: Any) -> None:
    # A connection that cannot even say goodbye is closed anyway.
    with contextlib.suppress(Exception):
        connection.close()


# --- The operator's action -------------------------------------------------------------------


def _require_operator(*, actor: User, message: OutboxMessage) -> None:
    if actor.is_superuser:
        return
    if message.organisation is None or Role.ACADEMY_ADMIN not in roles_held_over(
        user=actor, organisation=message.organisation
    ):
        raise PermissionDenied("Only academy admins can send an email again.")


@transaction.atomic
def outbox_message_retry(*, actor: User, message: OutboxMessage) -> OutboxMessage:
    """Give a failed email a fresh set of attempts, due now."""
    message = (
        OutboxMessage.objects.select_for_update(of=("self",))
        .select_related("organisation")
        .get(pk=message.pk)
    )
    _require_operator(actor=actor, message=message)
    if message.status != Status.FAILED:
        raise ValidationError("Only an email that failed can be sent again.")
    before = {"status": message.status, "attempts": message.attempts, "last_error": message.last_error[:300]}
    message.status = Status.PENDING
    message.attempts = 0
    message.due_at = timezone.now()
    message.claimed_until = None
    message.claim_token = None
    message.save(update_fields=["status", "attempts", "due_at", "claimed_until", "claim_token", "updated_at"])
    audit_log(
        actor=actor,
        verb="outbox.retry",
        obj=message,
        organisation=message.organisation,
        before=before,
        after={"status": message.status},
    )
    _send_soon(message.pk)
    return message
