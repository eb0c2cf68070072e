"""Writing drafts: save (refusing a version another tab has moved past), discard, and the sweep.

Drafts are not audited: they are the person's own unsent words, saved every few seconds, and
they change no record anyone else relies on. The form, once sent, goes through its own audited
service (docs/adr/0010-form-drafts.md)."""

import json
import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from academy.models import Organisation, User

from .models import FormDraft

KEY_PATTERN = re.compile(r"^[a-z][a-z0-9_-]*(:[A-Za-z0-9_.-]+)+$")
KEY_MAX_LENGTH = 200
WRITER_PATTERN = re.compile(r"^[A-Za-z0-9_-]{0,40}$")
FIELD_NAME_MAX_LENGTH = 200
# Field names never kept, whatever the page sent: the browser script leaves these out already
# (by input type), and the server does not trust it to.
SECRET_NAME = re.compile(r"password|passwd|secret|token|csrf|otp", re.IGNORECASE)


class DraftConflict(Exception):
    """Another tab or window saved this form since the version the page knows."""

    def __init__(self, draft: FormDraft) -> None:
        super().__init__(f"Draft {draft.key} is at version {draft.version}.")
        self.draft = draft


class DraftTooLarge(ValidationError):
    pass


def draft_key(*parts: object) -> str:
    """A checked form key from its parts: `draft_key("asye", "evidence", evidence.pk)`."""
    key = ":".join(str(part) for part in parts)
    validate_key(key)
    return key


def validate_key(key: str) -> None:
    if not isinstance(key, str) or len(key) > KEY_MAX_LENGTH or not KEY_PATTERN.match(key):
        raise ValidationError(
            "A draft key is an app name and one or more parts, like 'asye:evidence:<id>'.", code="key"
        )


def _clean_value(value: object) -> str | list[str]:
    if isinstance(value, str):
        return value
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        return value
    raise ValidationError("Each field holds text, or a list of texts.", code="data")


def clean_data(data: object) -> dict[str, str | list[str]]:
    """Field name → text or list of texts, without secret-looking fields, within the size limit."""
    if not isinstance(data, dict):
        raise ValidationError("A draft is a set of field names and values.", code="data")
    cleaned: dict[str, str | list[str]] = {}
    for name, value in data.items():
        if not isinstance(name, str) or not name or len(name) > FIELD_NAME_MAX_LENGTH:
            raise ValidationError("A field name is missing or too long.", code="data")
        if SECRET_NAME.search(name):
            continue
        cleaned[name] = _clean_value(value)
    size = len(json.dumps(cleaned, ensure_ascii=False).encode())
    if size > settings.DRAFTS_MAX_BYTES:
        raise DraftTooLarge(
            f"This draft is too large to save ({size // 1000} KB; the limit is "
            f"{settings.DRAFTS_MAX_BYTES // 1000} KB).",
            code="too_large",
        )
    return cleaned


def draft_save(
    *,
    user: User,
    key: str,
    data: object,
    version: int,
    writer: str = "",
    organisation: Organisation | None = None,
) -> FormDraft:
    """Keep what the person typed on the form `key`.

    `version` is the version the page last saw (0 for none). The save is refused with
    DraftConflict when the stored draft has moved on since — another tab or window saved it, or
    the form was sent or discarded there — unless it was this same page (`writer`) that moved it
    (a save the page sent as it was hidden may have landed without the page hearing back), or the
    stored words are the very words sent."""
    validate_key(key)
    if not WRITER_PATTERN.match(writer or ""):
        raise ValidationError("The writer is a short random id.", code="writer")
    if version < 0:
        raise ValidationError("A version is not negative.", code="version")
    cleaned = clean_data(data)
    now = timezone.now()
    mine = FormDraft.objects.filter(user=user, key=key)
    unchanged = Q(version=version) | Q(writer=writer) if writer else Q(version=version)
    with transaction.atomic():
        moved = mine.filter(unchanged).update(
            data=cleaned, version=F("version") + 1, writer=writer, organisation=organisation, updated_at=now
        )
        if moved:
            return mine.get()
        current = mine.first()
        if current is not None and current.data == cleaned:
            # The same words arrived another way (the last save of a tab that was closed as
            # this one opened): nothing to refuse, and nothing to write.
            return current
        if current is not None:
            raise DraftConflict(current)
        draft = FormDraft(
            user=user, key=key, data=cleaned, version=1, writer=writer, organisation=organisation
        )
        draft.full_clean(validate_unique=False, validate_constraints=False)
        try:
            with transaction.atomic():
                draft.save()
        except IntegrityError:
            # Another request made the row a moment ago: its save is the newer one.
            raise DraftConflict(mine.get()) from None
    return draft


def draft_discard(*, user: User, key: str) -> None:
    """Forget the person's draft of `key` (the form was sent, or they chose to start again).

    The row stays, emptied and one version on (or is made at version 1 when the page never got
    to save), until the sweep: a save still on its way from the page that sent the form, or the
    copy a browser kept while it was offline, is then older than the server's and is refused."""
    validate_key(key)
    mine = FormDraft.objects.filter(user=user, key=key)
    emptied = mine.update(data={}, version=F("version") + 1, writer="", updated_at=timezone.now())
    if not emptied:
        FormDraft.objects.get_or_create(user=user, key=key, defaults={"version": 1})


@dataclass(frozen=True)
class SweepResult:
    removed: int
    older_than: datetime


def drafts_sweep(*, now: datetime | None = None) -> SweepResult:
    """Remove drafts unchanged for DRAFTS_KEEP_DAYS. Idempotent: a second run finds nothing."""
    older_than = (now or timezone.now()) - timedelta(days=settings.DRAFTS_KEEP_DAYS)
    removed, _ = FormDraft.objects.filter(updated_at__lt=older_than).delete()
    return SweepResult(removed=removed, older_than=older_than)
