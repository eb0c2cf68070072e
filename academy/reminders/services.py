"""Writes of the reminder engine (docs/adr/0013-reminder-engine.md).

1. `reminders_produce` runs every registered producer (academy.registry.reminders) and makes
   the database match what they say is true: missing reminders are inserted in bulk (`ON
   CONFLICT DO NOTHING` on the unique key, so two sweeps at once make each row once), open ones
   a producer no longer returns are cancelled, and cancelled ones it returns again reopen.
   Reminders to someone whose memberships have all ended are neither made nor kept open.
2. `reminders_deliver` takes due rows a batch at a time with `SELECT ... FOR UPDATE SKIP
   LOCKED`, and in the same transaction puts each in the portal inbox (a Notification), queues
   its email in the outbox (or leaves it for the person's digest) and marks it sent. Nothing
   leaves the database inside that transaction, so a worker that dies undoes the whole batch
   and a second worker skips the rows the first holds: nothing is delivered twice. The email
   itself goes out through the outbox, at least once (docs/adr/0007-outbox.md).
3. `reminders_digest_send` gathers, for each person whose digest time has come, the reminders
   sent since their last digest into one outbox email.
"""

import hashlib
import logging
import time
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from datetime import time as time_of_day
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import Case, F, Q, Value, When
from django.utils import timezone

from academy.audit import audit_log
from academy.models import Membership, Notification, Organisation, User
from academy.outbox.models import OutboxMessage
from academy.outbox.services import outbox_enqueue, outbox_enqueue_many, outbox_send_soon
from academy.registry.digest import digest_extras
from academy.registry.reminders import DueReminder, ReminderProducer, registered_reminder_producers
from academy.roles import Role
from academy.selectors import current_membership_q, roles_held_over, unread_count_cache_key

from .models import Reminder, ReminderDigest, ReminderPreference

logger = logging.getLogger("academy.reminders")

State = Reminder.State
OPEN = (State.PENDING, State.DUE)
REMINDER_EMAIL = "reminder"
DIGEST_EMAIL = "reminder_digest"
CHANGED = "No longer due: the fact changed before it was sent."
QUIET = "Not sent: the person's memberships have all ended."
CHUNK = 5000

T = TypeVar("T")


def _chunks(items: Sequence[T], size: int = CHUNK) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def reminder_key(*, kind: str, recipient_id: Any, key: str) -> str:
    """The row's unique key: kind, person and the producer's key for the fact. A long one is
    shortened to a hash, so the column's length never refuses a reminder."""
    full = f"{kind}:{recipient_id}:{key}"
    if len(full) <= 300:
        return full
    return f"{kind}:{recipient_id}:sha256:{hashlib.sha256(key.encode()).hexdigest()}"


def active_user_ids(user_ids: Iterable[Any]) -> set[Any]:
    """Those of these people who hold at least one current membership."""
    ids = list({str(pk) for pk in user_ids})
    found: set[Any] = set()
    for chunk in _chunks(ids):
        found.update(
            str(pk)
            for pk in Membership.objects.filter(current_membership_q(), user_id__in=chunk)
            .values_list("user_id", flat=True)
            .distinct()
        )
    return found


# --- 1. Producing ------------------------------------------------------------------------------


@dataclass
class Produced:
    """What one producer sweep did, by outcome."""

    created: int = 0
    cancelled: int = 0
    reopened: int = 0
    unchanged: int = 0
    skipped_quiet: int = 0
    by_producer: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "created": self.created,
            "cancelled": self.cancelled,
            "reopened": self.reopened,
            "unchanged": self.unchanged,
            "skipped_quiet": self.skipped_quiet,
        }


def reminders_produce(
    *, now: datetime | None = None, producers: list[ReminderProducer] | None = None
) -> Produced:
    """Run every producer (or those given) and make the stored reminders match. Idempotent: a
    second run with nothing changed changes nothing."""
    now = now or timezone.now()
    produced = Produced()
    for producer in producers if producers is not None else registered_reminder_producers():
        try:
            _produce_one(producer, now=now, produced=produced)
        except Exception:
            # One broken producer must not stop the others; its rows stay as they were.
            logger.exception("Reminders: the producer %r failed; its reminders are unchanged.", producer.name)
    return produced


def _produce_one(producer: ReminderProducer, *, now: datetime, produced: Produced) -> None:
    kinds = {kind.name for kind in producer.kinds}
    items = list(producer.produce(now=now))
    for item in items:
        if item.kind not in kinds:
            raise ValueError(f"The producer {producer.name!r} yielded the undeclared kind {item.kind!r}.")
    active = active_user_ids(item.recipient_id for item in items)
    wanted: dict[str, DueReminder] = {}
    for item in items:
        if str(item.recipient_id) in active:
            wanted[reminder_key(kind=item.kind, recipient_id=item.recipient_id, key=item.key)] = item
        else:
            produced.skipped_quiet += 1
    produced.by_producer[producer.name] = len(wanted)
    with transaction.atomic():
        # Open rows no longer wanted: the fact changed, or the person has gone quiet.
        open_rows = list(
            Reminder.objects.filter(producer=producer.name, state__in=OPEN).values_list(
                "pk", "key", "recipient_id"
            )
        )
        gone = [(pk, recipient) for pk, key, recipient in open_rows if key not in wanted]
        still_active = active_user_ids(recipient for _, recipient in gone) if gone else set()
        for reason, gone_pks in (
            (CHANGED, [pk for pk, recipient in gone if str(recipient) in still_active]),
            (QUIET, [pk for pk, recipient in gone if str(recipient) not in still_active]),
        ):
            for gone_chunk in _chunks(gone_pks):
                produced.cancelled += Reminder.objects.filter(pk__in=gone_chunk, state__in=OPEN).update(
                    state=State.CANCELLED, cancelled_at=now, cancel_reason=reason, updated_at=now
                )
        # Rows already stored for the wanted keys, in any state.
        keys = list(wanted)
        known: dict[str, str] = {}
        for key_chunk in _chunks(keys):
            known.update(Reminder.objects.filter(key__in=key_chunk).values_list("key", "state"))
        reopen = [key for key, state in known.items() if state == State.CANCELLED]
        for reopen_chunk in _chunks(reopen):
            produced.reopened += Reminder.objects.filter(key__in=reopen_chunk, state=State.CANCELLED).update(
                state=Case(When(due_at__lte=now, then=Value(State.DUE)), default=Value(State.PENDING)),
                cancelled_at=None,
                cancel_reason="",
                attempts=0,
                retry_at=None,
                updated_at=now,
            )
        produced.unchanged += len(known) - len(reopen)
        missing = [_new_row(producer, key, wanted[key], now=now) for key in keys if key not in known]
        for row_chunk in _chunks(missing):
            created = Reminder.objects.bulk_create(row_chunk, ignore_conflicts=True)
            produced.created += len(created)


def _content_type(obj: models.Model) -> ContentType:
    return ContentType.objects.get_for_model(obj)  # cached by Django after the first call


def _new_row(producer: ReminderProducer, key: str, item: DueReminder, *, now: datetime) -> Reminder:
    about = item.about
    return Reminder(
        key=key,
        producer=producer.name,
        kind=item.kind,
        recipient_id=item.recipient_id,
        organisation_id=item.organisation_id,
        content_type=_content_type(about) if about is not None else None,
        object_id=str(about.pk) if about is not None else "",
        about_ref=item.about_ref[:200],
        url=item.url[:500],
        title=item.title[:200],
        body=item.body,
        due_at=item.due_at,
        state=State.DUE if item.due_at <= now else State.PENDING,
        created_at=now,
        updated_at=now,
    )


# --- 2. Delivering -----------------------------------------------------------------------------


@dataclass
class Delivered:
    sent: int = 0
    emailed: int = 0
    digest: int = 0
    portal_only: int = 0
    quiet: int = 0
    retrying: int = 0
    failed: int = 0
    made_due: int = 0

    def as_dict(self) -> dict[str, int]:
        return dict(self.__dict__)


def reminders_deliver(
    *, batch_size: int = 500, time_budget: float | None = None, now: datetime | None = None
) -> Delivered:
    """Deliver every due reminder, a batch at a time, until none is left or the time budget
    (seconds) is spent. Safe to run in several workers at once, and twice in a row."""
    deadline = time.monotonic() + time_budget if time_budget is not None else None
    now = now or timezone.now()
    delivered = Delivered()
    delivered.made_due = Reminder.objects.filter(state=State.PENDING, due_at__lte=now).update(
        state=State.DUE, updated_at=now
    )
    while True:
        try:
            taken = _deliver_batch(batch_size=batch_size, now=now, delivered=delivered)
        except Exception:
            logger.exception("Reminders: a delivery batch failed; trying its rows one at a time.")
            taken = _deliver_singly(batch_size=batch_size, now=now, delivered=delivered)
        if not taken or (deadline is not None and time.monotonic() > deadline):
            break
    return delivered


def _due(now: datetime) -> Any:
    return Reminder.objects.filter(state=State.DUE, due_at__lte=now).filter(
        Q(retry_at__isnull=True) | Q(retry_at__lte=now)
    )


def _deliver_batch(
    *, batch_size: int, now: datetime, delivered: Delivered, ids: list[Any] | None = None
) -> int:
    """Take up to `batch_size` due rows nobody else holds and deliver them, all in one
    transaction. Returns how many rows it took."""
    with transaction.atomic():
        due = _due(now)
        if ids is not None:
            due = due.filter(pk__in=ids)
        rows = list(
            due.order_by("due_at")
            .select_for_update(skip_locked=True)
            .only("id", "kind", "recipient_id", "organisation_id", "title", "body", "url", "attempts")[
                :batch_size
            ]
        )
        if not rows:
            return 0
        _deliver_rows(rows, now=now, delivered=delivered)
    return len(rows)


def _deliver_singly(*, batch_size: int, now: datetime, delivered: Delivered) -> int:
    """After a batch failed: each row of the next batch on its own, so one bad row is recorded
    as failing (and retried later, then failed) without holding back the rest."""
    ids = list(_due(now).order_by("due_at").values_list("pk", flat=True)[:batch_size])
    for pk in ids:
        try:
            _deliver_batch(batch_size=1, now=now, delivered=delivered, ids=[pk])
        except Exception as error:
            _record_failure(pk, error, now=now, delivered=delivered)
    return len(ids)


def _record_failure(pk: Any, error: Exception, *, now: datetime, delivered: Delivered) -> None:
    text = f"{type(error).__name__}: {error}"[:2000]
    row = Reminder.objects.filter(pk=pk, state=State.DUE).only("attempts").first()
    if row is None:
        return
    attempts = row.attempts + 1
    if attempts >= settings.REMINDER_MAX_ATTEMPTS:
        Reminder.objects.filter(pk=pk, state=State.DUE).update(
            state=State.FAILED, attempts=attempts, last_error=text, updated_at=now
        )
        delivered.failed += 1
        logger.error("Reminders: %s failed after %s attempts: %s", pk, attempts, text)
    else:
        delay = timedelta(seconds=settings.REMINDER_RETRY_SECONDS * 2 ** (attempts - 1))
        Reminder.objects.filter(pk=pk, state=State.DUE).update(
            attempts=attempts, last_error=text, retry_at=now + delay, updated_at=now
        )
        delivered.retrying += 1
        logger.warning("Reminders: %s attempt %s failed: %s", pk, attempts, text)


def _deliver_rows(rows: list[Reminder], *, now: datetime, delivered: Delivered) -> None:
    recipient_ids = {str(row.recipient_id) for row in rows}
    active = active_user_ids(recipient_ids)
    quiet = [row.pk for row in rows if str(row.recipient_id) not in active]
    if quiet:
        delivered.quiet += Reminder.objects.filter(pk__in=quiet).update(
            state=State.CANCELLED, cancelled_at=now, cancel_reason=QUIET, updated_at=now
        )
    rows = [row for row in rows if str(row.recipient_id) in active]
    if not rows:
        return
    emails = dict(User.objects.filter(pk__in=recipient_ids & active).values_list("pk", "email"))
    portal_only = set(
        ReminderPreference.objects.filter(user_id__in=recipient_ids & active, by_email=False).values_list(
            "user_id", "kind"
        )
    )
    digest_users = {
        str(pk)
        for pk in ReminderDigest.objects.filter(user_id__in=recipient_ids & active, enabled=True).values_list(
            "user_id", flat=True
        )
    }
    # A reminder's notification takes the reminder's own id: a reminder is delivered once, so
    # the id is free, and the rows can then be marked in a few set-based UPDATEs.
    Notification.objects.bulk_create(
        [
            Notification(
                id=row.pk,
                recipient_id=row.recipient_id,
                organisation_id=row.organisation_id,
                title=row.title,
                body=row.body,
                url=row.url,
                send_email=False,
                created_at=now,
            )
            for row in rows
        ],
        batch_size=1000,
    )
    by_mode: dict[str, list[Reminder]] = defaultdict(list)
    for row in rows:
        if (row.recipient_id, row.kind) in portal_only:
            by_mode[Reminder.Email.NONE].append(row)
        elif str(row.recipient_id) in digest_users:
            by_mode[Reminder.Email.DIGEST].append(row)
        else:
            by_mode[Reminder.Email.SINGLE].append(row)
    singles = by_mode[Reminder.Email.SINGLE]
    if singles:
        content_type = ContentType.objects.get_for_model(Reminder)
        outbox_enqueue_many(
            kind=REMINDER_EMAIL,
            messages=[
                {
                    "to_email": emails[row.recipient_id],
                    "recipient_id": row.recipient_id,
                    "organisation_id": row.organisation_id,
                    "content_type": content_type,
                    "object_id": str(row.pk),
                    "dedupe_key": f"reminder:{row.pk}",
                }
                for row in singles
            ],
        )
    for mode, group in by_mode.items():
        Reminder.objects.filter(pk__in=[row.pk for row in group]).update(
            state=State.SENT,
            sent_at=now,
            email=mode,
            notification_id=F("id"),
            last_error="",
            retry_at=None,
            updated_at=now,
        )
    delivered.emailed += len(singles)
    delivered.digest += len(by_mode[Reminder.Email.DIGEST])
    delivered.portal_only += len(by_mode[Reminder.Email.NONE])
    delivered.sent += len(rows)
    keys = [unread_count_cache_key(pk) for pk in {row.recipient_id for row in rows}]
    transaction.on_commit(lambda: cache.delete_many(keys))


# --- 3. The daily digest -----------------------------------------------------------------------


def digest_next_at(*, time_of_day_: time_of_day, after: datetime) -> datetime:
    """The first moment after `after` at which London's clock shows `time_of_day_` (or, on the
    spring morning that skips it, the moment the clocks jump past it)."""
    london = ZoneInfo(settings.TIME_ZONE)
    local = after.astimezone(london)
    day = local.date()
    for offset in range(3):
        candidate_day = day + timedelta(days=offset)
        naive = datetime.combine(candidate_day, time_of_day_)
        # fold=0: in the autumn hour that happens twice, the first of the two.
        candidate = naive.replace(tzinfo=london)
        # A time that does not exist (skipped in spring) round-trips to a different wall time.
        if candidate.astimezone(ZoneInfo("UTC")).astimezone(london).replace(tzinfo=None) != naive:
            candidate = (naive + timedelta(hours=1)).replace(tzinfo=london)
        if candidate > after:
            # In UTC: Python never finds an ambiguous London time equal to any other zone's.
            return candidate.astimezone(ZoneInfo("UTC"))
    raise ValueError("unreachable: a time of day comes round within two days")


@dataclass
class Digested:
    emails: int = 0
    reminders: int = 0
    empty: int = 0

    def as_dict(self) -> dict[str, int]:
        return dict(self.__dict__)


def reminders_digest_send(*, now: datetime | None = None, batch_size: int = 200) -> Digested:
    """Queue one digest email for each person whose digest time has come and who has reminders
    waiting for it, then set their next time. Safe to run twice and in several workers."""
    now = now or timezone.now()
    digested = Digested()
    while True:
        with transaction.atomic():
            people = list(
                ReminderDigest.objects.filter(enabled=True, next_at__lte=now)
                .select_for_update(skip_locked=True)
                .select_related("user")
                .order_by("next_at")[:batch_size]
            )
            if not people:
                break
            for digest in people:
                _digest_one(digest, now=now, digested=digested)
    return digested


def _digest_one(digest: ReminderDigest, *, now: datetime, digested: Digested) -> None:
    waiting = list(
        Reminder.objects.filter(
            recipient_id=digest.user_id,
            state=State.SENT,
            email=Reminder.Email.DIGEST,
            digested_at__isnull=True,
        )
        .order_by("due_at")
        .values_list("pk", flat=True)
    )
    active = digest.user.is_active and bool(active_user_ids([digest.user_id]))
    extras = digest_extras(user=digest.user, since=digest.last_sent_at, now=now) if active else []
    if (waiting or extras) and active:
        local_day = timezone.localtime(digest.next_at or now).date()
        outbox_enqueue(
            kind=DIGEST_EMAIL,
            to_email=digest.user.email,
            dedupe_key=f"reminder-digest:{digest.user_id}:{local_day.isoformat()}",
            recipient=digest.user,
            about=digest.user,
            context={
                "reminder_ids": [str(pk) for pk in waiting],
                "day": local_day.isoformat(),
                "extras": extras,
            },
        )
        Reminder.objects.filter(pk__in=waiting).update(digested_at=now, updated_at=now)
        digest.last_sent_at = now
        digested.emails += 1
        digested.reminders += len(waiting)
    else:
        digested.empty += 1
    digest.next_at = digest_next_at(time_of_day_=digest.time_of_day, after=now)
    digest.save(update_fields=["next_at", "last_sent_at", "updated_at"])


# --- Preferences -------------------------------------------------------------------------------


@transaction.atomic
def reminder_preferences_set(
    *,
    user: User,
    email_kinds: Iterable[str],
    all_kinds: Iterable[str],
    digest: bool,
    digest_time: time_of_day,
) -> None:
    """Save one person's choices: the kinds they want by email (the rest portal only), and
    whether those emails come as one daily digest at `digest_time` (London)."""
    chosen = set(email_kinds)
    kinds = sorted(set(all_kinds))
    before: dict[str, Any] = {
        "portal_only": sorted(
            ReminderPreference.objects.filter(user=user, by_email=False).values_list("kind", flat=True)
        )
    }
    for kind in kinds:
        ReminderPreference.objects.update_or_create(
            user=user, kind=kind, defaults={"by_email": kind in chosen}
        )
    setting, _ = ReminderDigest.objects.select_for_update().get_or_create(user=user)
    before["digest"] = f"{setting.time_of_day:%H:%M}" if setting.enabled else "off"
    changed = setting.enabled != digest or setting.time_of_day != digest_time
    setting.enabled = digest
    setting.time_of_day = digest_time
    if changed or setting.next_at is None:
        setting.next_at = digest_next_at(time_of_day_=digest_time, after=timezone.now()) if digest else None
    setting.full_clean()
    setting.save()
    if not digest:
        # Reminders waiting for a digest that is now off are not lost: they stay in the portal
        # and go in no email (the person chose fewer emails).
        Reminder.objects.filter(
            recipient=user, state=State.SENT, email=Reminder.Email.DIGEST, digested_at__isnull=True
        ).update(email=Reminder.Email.NONE)
    audit_log(
        actor=user,
        verb="reminders.preferences",
        obj=user,
        organisation=None,
        before=before,
        after={
            "portal_only": [kind for kind in kinds if kind not in chosen],
            "digest": f"{digest_time:%H:%M}" if digest else "off",
        },
    )


# --- When its email fails for good --------------------------------------------------------------

EMAIL_FAILED = "Its email failed: "


def reminders_email_failed(*, reminder_ids: list[str], error: str) -> int:
    """The outbox gave up on the email for these reminders (it is on the outbox page as failed):
    they show as failed on the operators' page too, with the mail server's answer. They stay
    in the person's portal inbox."""
    now = timezone.now()
    failed = Reminder.objects.filter(pk__in=reminder_ids, state=State.SENT).update(
        state=State.FAILED, last_error=(EMAIL_FAILED + error)[:2000], updated_at=now
    )
    if failed:
        logger.error("Reminders: the email for %s reminder(s) failed for good: %s", failed, error[:300])
    return failed


def reminders_email_sent(*, reminder_ids: list[str]) -> int:
    """An email that had failed went out after all (an operator sent it again): its reminders
    are sent."""
    if not reminder_ids:
        return 0
    return Reminder.objects.filter(
        pk__in=reminder_ids, state=State.FAILED, notification__isnull=False
    ).update(state=State.SENT, last_error="", updated_at=timezone.now())


# --- The operator's action ---------------------------------------------------------------------


def _require_operator(*, actor: User, reminder: Reminder) -> None:
    if actor.is_superuser:
        return
    organisations = Organisation.objects.filter(memberships__user_id=reminder.recipient_id).distinct()
    if not any(Role.ACADEMY_ADMIN in roles_held_over(user=actor, organisation=org) for org in organisations):
        raise PermissionDenied("Only academy admins can send a reminder again.")


@transaction.atomic
def reminder_retry(*, actor: User, reminder: Reminder) -> Reminder:
    """Give a failed reminder a fresh set of attempts, due now."""
    reminder = Reminder.objects.select_for_update().get(pk=reminder.pk)
    _require_operator(actor=actor, reminder=reminder)
    if reminder.state != State.FAILED:
        raise ValidationError("Only a reminder that failed can be sent again.")
    before = {"state": reminder.state, "attempts": reminder.attempts, "last_error": reminder.last_error[:300]}
    if reminder.notification_id is not None:
        # In the portal already; its email failed. Send the email again, not the reminder.
        _retry_failed_emails(reminder)
    else:
        Reminder.objects.filter(pk=reminder.pk).update(
            state=State.DUE, attempts=0, retry_at=None, updated_at=timezone.now()
        )
    reminder.refresh_from_db()
    audit_log(
        actor=actor,
        verb="reminders.retry",
        obj=reminder,
        organisation=reminder.organisation,
        before=before,
        after={"state": reminder.state},
    )
    if settings.OUTBOX_SEND_AFTER_COMMIT == "task":
        transaction.on_commit(_queue_delivery)
    return reminder


def _retry_failed_emails(reminder: Reminder) -> None:
    """Give the reminder's failed email (or the digest it was in) fresh attempts, due now; the
    reminder is sent again once the email is (academy/reminders/emails.py)."""
    failed = OutboxMessage.objects.filter(
        Q(kind=REMINDER_EMAIL, object_id=str(reminder.pk))
        | Q(kind=DIGEST_EMAIL, recipient_id=reminder.recipient_id),
        status=OutboxMessage.Status.FAILED,
    ).values_list("pk", "kind", "context")
    ids = [
        pk
        for pk, kind, context in failed
        if kind == REMINDER_EMAIL or str(reminder.pk) in (context or {}).get("reminder_ids", [])
    ]
    now = timezone.now()
    OutboxMessage.objects.filter(pk__in=ids).update(
        status=OutboxMessage.Status.PENDING,
        attempts=0,
        due_at=now,
        claimed_until=None,
        claim_token=None,
        updated_at=now,
    )
    Reminder.objects.filter(pk=reminder.pk).update(state=State.SENT, last_error="", updated_at=now)
    for pk in ids:
        outbox_send_soon(message_id=pk)


def _queue_delivery() -> None:
    from .tasks import reminders_deliver as deliver_task

    try:
        deliver_task.delay()
    except Exception:
        logger.warning("Reminders: could not queue a delivery; the next sweep delivers it.")
