"""Writes to evidence. Each checks who may act and in which state, saves, writes the
append-only row the page shows (transition, comment, confirmation) and audits, in one
transaction (CONTRIBUTING.md, "Writes: services")."""

import datetime
from collections.abc import Iterable, Mapping
from typing import IO, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from academy.audit import audit_log
from academy.files.models import StoredFile
from academy.files.services import file_delete, file_store
from academy.models import FrameworkElement, Membership, User
from asye.lock import ensure_record_writable
from asye.models import AsyeRecord, EvidenceKind

from . import selectors
from .citations import snapshot as citation_snapshot
from .citations.models import CpdCitation
from .forms_data import MAX_ANSWER_CHARACTERS, RATING_LABELS, kind_form
from .guard import GuardFlag, guard_flags
from .models import (
    EDITABLE,
    WAITING,
    AnonymisationCheck,
    EvidenceComment,
    EvidenceItem,
    EvidenceMapping,
    EvidenceStatus,
    EvidenceTransition,
)

STALE_MESSAGE = (
    "This item was changed in another tab or window since you opened it. "
    "Your changes were not saved: open the item again to see the latest version."
)


class FlagsNotConfirmed(ValidationError):
    """Submitting was refused: the guard found flags the NQSW has neither edited nor confirmed."""

    def __init__(self, flags: list[GuardFlag]) -> None:
        super().__init__(
            f"Check the {len(flags)} highlighted "
            f"{'passage' if len(flags) == 1 else 'passages'} before you submit: edit each one, "
            "or confirm it does not identify anyone.",
            code="flags",
        )
        self.flags = flags


def _is_current(membership: Membership | None) -> bool:
    if membership is None:
        return False
    today = timezone.localdate()
    return membership.is_active and (membership.ended_on is None or membership.ended_on >= today)


def _require_nqsw(actor: User, record: AsyeRecord) -> None:
    if record.nqsw.user_id != actor.pk or not _is_current(record.nqsw):
        raise PermissionDenied("Only the NQSW can change their evidence.")
    ensure_record_writable(record)


def _require_assessor(actor: User, record: AsyeRecord) -> None:
    if record.assessor.user_id != actor.pk or not _is_current(record.assessor):
        raise PermissionDenied("Only the NQSW's assessor can review their evidence.")
    ensure_record_writable(record)


def _observer_of(item: EvidenceItem) -> Membership:
    return item.observer if item.observer_id is not None else item.record.assessor  # type: ignore[return-value]


def _values(item: EvidenceItem) -> dict[str, Any]:
    return {
        "kind": item.kind,
        "title": item.title,
        "date": item.date.isoformat(),
        "status": item.status,
        "version": item.version,
        "answer_keys": sorted(item.answers),
    }


def _clean_answers(record: AsyeRecord, kind: str, answers: Mapping[str, Any]) -> dict[str, Any]:
    """The NQSW's answers: only the prompts their form asks, as text; a self-assessment's
    per-statement ratings only for elements of the record's frameworks."""
    form = kind_form(record.programme_version, kind)
    cleaned: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for key in form.nqsw_prompts:
        value = answers.get(key, "")
        if not isinstance(value, str):
            value = ""
        if len(value) > MAX_ANSWER_CHARACTERS:
            errors[key] = f"Keep this to {MAX_ANSWER_CHARACTERS:,} characters or fewer."
        cleaned[key] = value
    if form.statement_prompts:
        allowed = {str(pk) for pk in selectors.record_elements(record=record).values_list("pk", flat=True)}
        statements: dict[str, dict[str, str]] = {}
        for element_id, answer in (answers.get("statements") or {}).items():
            if str(element_id) not in allowed or not isinstance(answer, Mapping):
                continue
            rating = str(answer.get("rating") or "")
            note = str(answer.get("note") or "")[:MAX_ANSWER_CHARACTERS]
            if rating and rating not in RATING_LABELS:
                errors["statements"] = "Choose a rating from the list for each statement."
            if rating or note:
                statements[str(element_id)] = {"rating": rating, "note": note}
        cleaned["statements"] = statements
    if errors:
        raise ValidationError(errors)
    return cleaned


def _check_elements(record: AsyeRecord, elements: Iterable[FrameworkElement]) -> list[FrameworkElement]:
    chosen = list(elements)
    allowed = set(record.programme_version.frameworks.values_list("pk", flat=True))
    if any(element.version_id not in allowed for element in chosen):
        raise ValidationError({"elements": "Choose elements of the frameworks this record maps to."})
    return chosen


def _check_observer(record: AsyeRecord, kind: str, observer: Membership | None) -> Membership | None:
    if observer is None:
        return None
    if kind != EvidenceKind.DIRECT_OBSERVATION:
        return None
    allowed = {record.organisation_id, record.organisation.parent_id} - {None}
    if (
        observer.organisation_id not in allowed
        or not _is_current(observer)
        or observer.user_id == record.nqsw.user_id
    ):
        raise ValidationError(
            {"observer": "Choose an observer who works in this organisation or its partnership."}
        )
    return observer


def _set_mappings(item: EvidenceItem, elements: list[FrameworkElement]) -> None:
    wanted = {element.pk for element in elements}
    EvidenceMapping.objects.filter(item=item).exclude(element_id__in=wanted).delete()
    have = set(EvidenceMapping.objects.filter(item=item).values_list("element_id", flat=True))
    EvidenceMapping.objects.bulk_create([EvidenceMapping(item=item, element_id=pk) for pk in wanted - have])


def _transition(item: EvidenceItem, *, actor: User, to: str, reason: str = "") -> None:
    EvidenceTransition.objects.create(
        item=item, from_status=item.status, to_status=to, actor=actor, reason=reason
    )
    before = item.status
    item.status = to
    audit_log(
        actor=actor,
        verb=f"evidence.{to}",
        obj=item,
        organisation=item.record.organisation,
        before={"status": before},
        after={"status": to, **({"reason": reason} if reason else {})},
    )


def _lock(item: EvidenceItem, version: int | None = None) -> EvidenceItem:
    """Lock the item's row and refuse when the page's `version` is out of date."""
    current = EvidenceItem.objects.select_for_update().only("id", "version", "status").get(pk=item.pk)
    if version is not None and current.version != version:
        raise ValidationError(STALE_MESSAGE, code="stale")
    item.version = current.version
    item.status = current.status
    return item


def evidence_create(
    *,
    actor: User,
    record: AsyeRecord,
    kind: str,
    title: str,
    date: datetime.date,
    answers: Mapping[str, Any],
    elements: Iterable[FrameworkElement] = (),
    observer: Membership | None = None,
    idempotency_key: str = "",
) -> EvidenceItem:
    """A new draft on the NQSW's record. A second call with the same `idempotency_key` (a
    double press, a resent form) returns the item the first one made."""
    _require_nqsw(actor, record)
    if idempotency_key:
        existing = EvidenceItem.objects.filter(record=record, idempotency_key=idempotency_key).first()
        if existing is not None:
            return existing
    item = EvidenceItem(
        record=record,
        kind=kind,
        title=title.strip(),
        date=date,
        answers=_clean_answers(record, kind, answers),
        observer=_check_observer(record, kind, observer),
        idempotency_key=idempotency_key,
        created_by=actor,
    )
    chosen = _check_elements(record, elements)
    item.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            item.save()
            _set_mappings(item, chosen)
            EvidenceTransition.objects.create(item=item, from_status="", to_status=item.status, actor=actor)
            audit_log(
                actor=actor,
                verb="evidence.create",
                obj=item,
                organisation=record.organisation,
                after=_values(item),
            )
    except IntegrityError:
        # The same form sent twice at once: the other request made the item.
        existing = EvidenceItem.objects.filter(record=record, idempotency_key=idempotency_key).first()
        if not idempotency_key or existing is None:
            raise
        return existing
    return item


@transaction.atomic
def evidence_update(
    *,
    actor: User,
    item: EvidenceItem,
    version: int,
    title: str,
    date: datetime.date,
    answers: Mapping[str, Any],
    elements: Iterable[FrameworkElement] = (),
    observer: Membership | None = None,
) -> EvidenceItem:
    """The NQSW's edit of a draft or returned item, from a page that showed `version`. The
    observer's part of a direct observation is kept as it is."""
    record = item.record
    _require_nqsw(actor, record)
    _lock(item, version)
    if item.status not in EDITABLE:
        if item.status == EvidenceStatus.ACCEPTED:
            raise ValidationError(
                "This item has been accepted, so it can no longer be changed.", code="accepted"
            )
        raise ValidationError(
            "This item is with your assessor. You can change it again if they return it.", code="submitted"
        )
    before = _values(item)
    observer_part = {
        k: v
        for k, v in (item.answers or {}).items()
        if k in kind_form(record.programme_version, item.kind).observer_prompts
    }
    item.title = title.strip()
    item.date = date
    item.answers = {**_clean_answers(record, item.kind, answers), **observer_part, **_cited_part(item)}
    item.observer = _check_observer(record, item.kind, observer)
    item.version += 1
    chosen = _check_elements(record, elements)
    item.full_clean(validate_constraints=False)
    item.save()
    _set_mappings(item, chosen)
    audit_log(
        actor=actor,
        verb="evidence.update",
        obj=item,
        organisation=record.organisation,
        before=before,
        after=_values(item),
    )
    return item


def _cited_part(item: EvidenceItem) -> dict[str, str]:
    """The answers a cited CPD record gives (asye/evidence/citations): an edit keeps them."""
    shared = CpdCitation.objects.filter(item=item).values_list("snapshot", flat=True).first()
    if shared is None:
        return {}
    return citation_snapshot.cited_answers(shared, kind_form(item.record.programme_version, item.kind))


def evidence_attach(*, actor: User, item: EvidenceItem, upload: IO[bytes]) -> StoredFile:
    """Keep a file with a draft or returned item (refused with the reason: academy/files)."""
    _require_nqsw(actor, item.record)
    if item.status not in EDITABLE:
        raise ValidationError("Files can only be added while the item is a draft or returned to you.")
    stored = file_store(
        actor=actor,
        organisation=item.record.organisation,
        upload=upload,
        owner_kind=selectors.FILE_OWNER_KIND,
        owner_id=item.pk,
    )
    return stored


def evidence_detach(*, actor: User, item: EvidenceItem, stored_file: StoredFile) -> None:
    _require_nqsw(actor, item.record)
    if item.status not in EDITABLE:
        raise ValidationError("Files can only be removed while the item is a draft or returned to you.")
    if stored_file.owner_kind != selectors.FILE_OWNER_KIND or stored_file.owner_id != str(item.pk):
        raise PermissionDenied("That file belongs to something else.")
    file_delete(actor=actor, stored_file=stored_file)


@transaction.atomic
def evidence_anonymisation_check(*, actor: User, item: EvidenceItem) -> list[GuardFlag]:
    """Run the guard and keep its record: a row for each new flag, "edited" for earlier flags
    that are gone. Returns the flags still waiting for the NQSW's decision."""
    _require_nqsw(actor, item.record)
    flags = guard_flags(item, selectors.evidence_files_for_scan(item=item))
    rows = {
        (r.source, r.kind, r.text_sha256): r
        for r in AnonymisationCheck.objects.select_for_update().filter(item=item)
    }
    now = timezone.now()
    seen = set()
    open_identities = set()
    for flag in flags:
        identity = flag.identity
        if identity in seen:
            continue
        seen.add(identity)
        row = rows.get(identity)
        if row is None:
            row = AnonymisationCheck.objects.create(
                item=item,
                source=identity[0],
                kind=identity[1],
                text_sha256=identity[2],
                start=flag.flag.start,
                end=flag.flag.end,
            )
            rows[identity] = row
        elif row.decision == AnonymisationCheck.Decision.EDITED:
            # The words came back after an edit: ask again.
            row.decision, row.decided_by, row.decided_at = "", None, None
            row.start, row.end = flag.flag.start, flag.flag.end
            row.save(update_fields=["decision", "decided_by", "decided_at", "start", "end", "updated_at"])
        if row.decision != AnonymisationCheck.Decision.NOT_IDENTIFYING:
            open_identities.add(identity)
    gone = [row for identity, row in rows.items() if identity not in seen and row.decision == ""]
    for row in gone:
        row.decision, row.decided_by, row.decided_at = AnonymisationCheck.Decision.EDITED, actor, now
        row.save(update_fields=["decision", "decided_by", "decided_at", "updated_at"])
    return [flag for flag in flags if flag.identity in open_identities]


@transaction.atomic
def evidence_flag_confirm(
    *, actor: User, item: EvidenceItem, source: str, kind: str, text_sha256: str
) -> AnonymisationCheck:
    """The NQSW confirms one flagged passage does not identify anyone; recorded and audited."""
    _require_nqsw(actor, item.record)
    if item.status not in EDITABLE:
        raise ValidationError("This item is not waiting for you to submit it.")
    row = (
        AnonymisationCheck.objects.select_for_update()
        .filter(item=item, source=source, kind=kind, text_sha256=text_sha256)
        .first()
    )
    if row is None:
        raise ValidationError("That passage is no longer flagged. Check the item again.")
    row.decision = AnonymisationCheck.Decision.NOT_IDENTIFYING
    row.decided_by = actor
    row.decided_at = timezone.now()
    row.save(update_fields=["decision", "decided_by", "decided_at", "updated_at"])
    audit_log(
        actor=actor,
        verb="evidence.flag_confirm",
        obj=item,
        organisation=item.record.organisation,
        after={"source": source, "kind": kind, "text_sha256": text_sha256, "decision": row.decision},
    )
    return row


def evidence_submit(*, actor: User, item: EvidenceItem, version: int) -> EvidenceItem:
    """Send a draft (submitted) or a returned item (resubmitted) to the assessor, from a page
    that showed `version`. Refused (FlagsNotConfirmed) while the guard finds passages the NQSW
    has neither edited nor confirmed; the check's record is kept either way."""
    _require_nqsw(actor, item.record)
    # A cited CPD record goes as it is now, and the guard reads it (citations/models.py says why).
    citation_snapshot.citation_refresh(item=item, form=kind_form(item.record.programme_version, item.kind))
    open_flags = evidence_anonymisation_check(actor=actor, item=item)
    with transaction.atomic():
        _lock(item, version)
        if item.status not in EDITABLE:
            raise ValidationError("This item has already been sent to your assessor.", code="submitted")
        if open_flags:
            raise FlagsNotConfirmed(open_flags)
        to = EvidenceStatus.SUBMITTED if item.status == EvidenceStatus.DRAFT else EvidenceStatus.RESUBMITTED
        _transition(item, actor=actor, to=to)
        item.submitted_at = timezone.now()
        item.version += 1
        item.save(update_fields=["status", "submitted_at", "version", "updated_at"])
    return item


@transaction.atomic
def evidence_return(*, actor: User, item: EvidenceItem, reason: str) -> EvidenceItem:
    """The assessor sends a submitted item back, saying why; the reason joins the thread."""
    _require_assessor(actor, item.record)
    _lock(item)
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "Say what the NQSW needs to change."})
    if item.status not in WAITING:
        raise ValidationError("Only an item waiting for review can be returned.", code="state")
    _transition(item, actor=actor, to=EvidenceStatus.RETURNED, reason=reason)
    EvidenceComment.objects.create(item=item, author=actor, body=reason)
    item.version += 1
    item.save(update_fields=["status", "version", "updated_at"])
    return item


@transaction.atomic
def evidence_accept(*, actor: User, item: EvidenceItem, comment: str = "") -> EvidenceItem:
    """The assessor accepts a submitted item: it counts toward the minimums and is read-only to
    the NQSW from now on."""
    _require_assessor(actor, item.record)
    _lock(item)
    if item.status not in WAITING:
        raise ValidationError("Only an item waiting for review can be accepted.", code="state")
    _transition(item, actor=actor, to=EvidenceStatus.ACCEPTED, reason=comment.strip())
    if comment.strip():
        EvidenceComment.objects.create(item=item, author=actor, body=comment.strip())
    item.version += 1
    item.save(update_fields=["status", "version", "updated_at"])
    return item


COMMENTERS = frozenset({"nqsw", "assessor", "line_manager", selectors.OBSERVER})


@transaction.atomic
def evidence_comment(
    *, actor: User, item: EvidenceItem, relations: frozenset[str], body: str
) -> EvidenceComment:
    """A comment on the thread by the NQSW, the assessor, the line manager or the observer
    (`relations` from `selectors.evidence_relations`)."""
    if not relations & COMMENTERS:
        raise PermissionDenied("Only the NQSW, their assessor and their line manager can comment.")
    ensure_record_writable(item.record)
    body = body.strip()
    if not body:
        raise ValidationError({"body": "Enter a comment."})
    if len(body) > MAX_ANSWER_CHARACTERS:
        raise ValidationError({"body": f"Keep a comment to {MAX_ANSWER_CHARACTERS:,} characters or fewer."})
    comment = EvidenceComment.objects.create(item=item, author=actor, body=body)
    audit_log(
        actor=actor,
        verb="evidence.comment",
        obj=item,
        organisation=item.record.organisation,
        after={"comment": comment.pk},
    )
    return comment


@transaction.atomic
def evidence_observer_record(
    *, actor: User, item: EvidenceItem, version: int, answers: Mapping[str, Any]
) -> EvidenceItem:
    """The observer's part of a direct observation, by the observer (the named one, or the
    assessor when none is named). Not once the item is accepted."""
    if item.kind != EvidenceKind.DIRECT_OBSERVATION:
        raise ValidationError("Only a direct observation has an observer's part.")
    observer = _observer_of(item)
    if observer.user_id != actor.pk or not _is_current(observer):
        raise PermissionDenied("Only the observer can write the observer's part.")
    ensure_record_writable(item.record)
    _lock(item, version)
    if item.status == EvidenceStatus.ACCEPTED:
        raise ValidationError(
            "This observation has been accepted, so it can no longer be changed.", code="accepted"
        )
    prompts = kind_form(item.record.programme_version, item.kind).observer_prompts
    part = {}
    for key in prompts:
        value = answers.get(key, "")
        value = value if isinstance(value, str) else ""
        if len(value) > MAX_ANSWER_CHARACTERS:
            raise ValidationError({key: f"Keep this to {MAX_ANSWER_CHARACTERS:,} characters or fewer."})
        part[key] = value
    before = {k: bool((item.answers or {}).get(k)) for k in prompts}
    item.answers = {**(item.answers or {}), **part}
    item.version += 1
    item.save(update_fields=["answers", "version", "updated_at"])
    audit_log(
        actor=actor,
        verb="evidence.observer_record",
        obj=item,
        organisation=item.record.organisation,
        before=before,
        after={k: bool(v) for k, v in part.items()},
    )
    return item
