"""Importing earlier CPD records from a person's own CSV file.

Two steps, both here so the rules are the same in each: `cpd_import_check` works out, row by
row, what each row would create or what is wrong with it, and writes nothing;
`cpd_records_import` checks again (the ledger may have changed since the preview) and, only when
every row is clean, writes every new record in one transaction.

The rules are the ledger's own: a date must be today or earlier and inside a registration year
the portal knows (`cpd.services` decides, through the same function a record form uses); a row
repeats a record when `cpd.rules.repeat_keys` says so (the same title on the same date, or the
same content), exactly as the record form's repeat check. A row that repeats a record already in
the ledger is not an error: it is left out and the preview says so, because people keep one
growing spreadsheet and upload it again; importing the same file twice therefore adds nothing the
second time. A row that repeats another row of the same file is an error (which one is meant?).

Audit: one entry per new record, as the record form writes, with no organisation and no words
(ADR 0011); written in one INSERT."""

import datetime
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from academy.audit import audit_log_each
from academy.models import FrameworkElement, User

from .. import rules
from ..models import ActivityType, CpdRecord, PeerReflection, RecordStatus, RegistrationYear
from ..selectors import content_of, cpd_topic_elements, registration_years
from ..services import OBJECT_REPR, REQUIRED_TO_COMPLETE, _check_date
from .columns import COLUMNS
from .reading import RawRow
from .selectors import cpd_repeat_index

RECORD_IMPORT = "cpd_record.import"

HEADING = {column.key: column.heading for column in COLUMNS}
TEXT_LIMITS = {"title": 200, "provider": 200, "peer_name": 200, "peer_role": 200}
LONG_TEXT_LIMIT = 10_000
_DATE_FORMATS = ("%d/%m/%Y", "%d/%m/%y", "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y", "%d %B %Y", "%d %b %Y")
_TOPIC_CODE = re.compile(r"\b\d+\.\d+\b")
_SPACES = re.compile(r"\s+")
_TYPES: dict[str, ActivityType] = {}
for _type in ActivityType:
    _TYPES[_type.value] = _type
    _TYPES[_SPACES.sub(" ", str(_type.label)).casefold()] = _type
_STATUSES = {"": None, "complete": RecordStatus.COMPLETE, "draft": RecordStatus.DRAFT}


@dataclass(frozen=True)
class RowError:
    column: str
    message: str


@dataclass(frozen=True)
class NewRecord:
    """A row's values as the record they make (a value with a problem is left empty)."""

    title: str
    activity_type: str
    occurred_on: datetime.date | None
    description: str
    learning: str
    impact: str
    provider: str
    hours: Decimal | None
    topics: list[FrameworkElement]
    peer_learning: str
    peer_name: str
    peer_role: str
    peer_discussed_on: datetime.date | None
    complete: bool


@dataclass
class RowPlan:
    """What one row of the file will do: create `record`, be left out because it repeats
    `repeats` (a record already in the ledger), or nothing until its `errors` are put right."""

    number: int
    title: str
    record: NewRecord | None = None
    errors: list[RowError] = field(default_factory=list)
    repeats: CpdRecord | None = None

    @property
    def will_create(self) -> bool:
        return not self.errors and self.repeats is None


@dataclass
class ImportPlan:
    rows: list[RowPlan]

    @property
    def errors(self) -> list[tuple[int, RowError]]:
        return [(row.number, error) for row in self.rows for error in row.errors]

    @property
    def is_clean(self) -> bool:
        return not self.errors

    @property
    def to_create(self) -> list[RowPlan]:
        return [row for row in self.rows if row.will_create]

    @property
    def repeated(self) -> list[RowPlan]:
        return [row for row in self.rows if not row.errors and row.repeats is not None]


def _parse_date(text: str) -> datetime.date | None:
    cleaned = _SPACES.sub(" ", text.strip())
    for pattern in _DATE_FORMATS:
        try:
            return datetime.datetime.strptime(cleaned, pattern).date()  # noqa: DTZ007 (a date, no time or zone)
        except ValueError:
            continue
    return None


class _Row:
    """Checks one row's cells, gathering every problem rather than stopping at the first."""

    def __init__(
        self, raw: RawRow, topics: dict[str, FrameworkElement], years: Sequence[RegistrationYear]
    ) -> None:
        self.values = raw.values
        self.topics = topics
        self.years = years
        self.plan = RowPlan(number=raw.number, title=raw.values["title"])

    def error(self, key: str, message: str) -> None:
        self.plan.errors.append(RowError(HEADING[key], message))

    def text(self, key: str) -> str:
        value = self.values[key]
        limit = TEXT_LIMITS.get(key, LONG_TEXT_LIMIT)
        if len(value) > limit:
            self.error(key, f"Shorten this to {limit} characters or fewer (it has {len(value)}).")
        return value

    def date(self, key: str, *, required: bool) -> datetime.date | None:
        value = self.values[key]
        if not value:
            if required:
                self.error(key, "Enter the date, for example 27/03/2026.")
            return None
        parsed = _parse_date(value)
        if parsed is None:
            self.error(key, f"“{value}” is not a date. Write it as day/month/year, for example 27/03/2026.")
        return parsed

    def activity_type(self) -> str:
        value = self.values["activity_type"]
        if not value:
            self.error("activity_type", "Enter the type of CPD activity.")
            return ""
        found = _TYPES.get(_SPACES.sub(" ", value).casefold())
        if found is None:
            self.error(
                "activity_type",
                f"“{value}” is not one of the types. Use one of the types listed on the import page, "
                "for example “Training course or workshop” or “Other”.",
            )
            return ""
        return found.value

    def hours(self) -> Decimal | None:
        value = self.values["hours"]
        if not value:
            return None
        try:
            hours = Decimal(value)
        except InvalidOperation:
            hours = Decimal("NaN")
        exponent = hours.as_tuple().exponent
        if not hours.is_finite() or not 0 < hours < 1000 or (isinstance(exponent, int) and exponent < -2):
            self.error(
                "hours", f"“{value}” is not a number of hours. Write it like 1.5 (more than 0, below 1000)."
            )
            return None
        return hours

    def chosen_topics(self) -> list[FrameworkElement]:
        value = self.values["topics"]
        if not value:
            return []
        codes = _TOPIC_CODE.findall(value)
        unknown = [code for code in codes if code not in self.topics]
        if not codes or unknown:
            known = ", ".join(self.topics)
            self.error(
                "topics",
                f"“{value}” does not name parts of standard 4. Write their numbers, such as {known}.",
            )
            return []
        return [self.topics[code] for code in dict.fromkeys(codes)]

    def check(self) -> RowPlan:
        title = self.text("title")
        if not title:
            self.error("title", "Enter a title.")
        activity_type = self.activity_type()
        occurred_on = self.date("occurred_on", required=True)
        if occurred_on is not None:
            try:
                _check_date(occurred_on=occurred_on, years=self.years)
            except ValidationError as problem:
                for message in problem.message_dict.get("occurred_on", problem.messages):
                    self.error("occurred_on", message)
                occurred_on = None
        texts = {key: self.text(key) for key in ("description", "learning", "impact", "provider")}
        peer = {key: self.text(key) for key in ("peer_learning", "peer_name", "peer_role")}
        discussed_on = self.date("peer_discussed_on", required=False)
        if discussed_on is not None and discussed_on > timezone.localdate():
            self.error("peer_discussed_on", "The date of the conversation must be today or in the past.")
        if not peer["peer_learning"] and (peer["peer_name"] or peer["peer_role"] or discussed_on):
            self.error(
                "peer_learning",
                "Write what you learnt from the peer, or leave the peer's name, role and date blank.",
            )
        status_text = self.values["status"].strip().casefold()
        if status_text not in _STATUSES:
            self.error(
                "status",
                f"“{self.values['status']}” is not a status. Write Complete, Draft, or leave it blank.",
            )
        all_written = all(texts[key].strip() for key in REQUIRED_TO_COMPLETE)
        complete = _STATUSES.get(status_text) == RecordStatus.COMPLETE or (status_text == "" and all_written)
        if complete:
            for key, message in REQUIRED_TO_COMPLETE.items():
                if not texts[key].strip():
                    self.error(key, f"{message} A complete record needs it (or write Draft in “Status”).")
        self.plan.record = NewRecord(
            title=title.strip(),
            activity_type=activity_type,
            occurred_on=occurred_on,
            description=texts["description"],
            learning=texts["learning"],
            impact=texts["impact"],
            provider=texts["provider"],
            hours=self.hours(),
            topics=self.chosen_topics(),
            peer_learning=peer["peer_learning"],
            peer_name=peer["peer_name"],
            peer_role=peer["peer_role"],
            peer_discussed_on=discussed_on,
            complete=complete,
        )
        return self.plan


def _facts(new: NewRecord, occurred_on: datetime.date) -> rules.RecordFacts:
    return rules.RecordFacts(
        complete=False,
        peer_reflected=False,
        title=new.title,
        occurred_on=occurred_on,
        content=content_of(new.description, new.learning, new.impact),
    )


def cpd_import_check(*, actor: User, rows: Sequence[RawRow]) -> ImportPlan:
    """What importing `rows` into `actor`'s ledger would do, row by row. Writes nothing. Three
    queries whatever the number of rows: the registration years (cached), the topics and the
    person's records."""
    topics = {element.code: element for element in cpd_topic_elements()}
    years = registration_years()
    existing = cpd_repeat_index(person=actor)
    in_file: dict[tuple[str, ...], int] = {}
    plans = []
    for raw in rows:
        plan = _Row(raw, topics, years).check()
        plans.append(plan)
        new = plan.record
        if new is None or not new.title or new.occurred_on is None:
            continue
        keys = rules.repeat_keys(_facts(new, new.occurred_on))
        plan.repeats = next((existing[key] for key in keys if key in existing), None)
        if plan.repeats is not None:
            continue
        earlier = next((in_file[key] for key in keys if key in in_file), None)
        if earlier is not None:
            plan.errors.append(
                RowError(
                    HEADING["title"],
                    f"This repeats row {earlier} of the file (the same title on the same date, or the "
                    "same description, learning and impact). Each record must be a different piece of "
                    "learning: change one of them or remove it.",
                )
            )
        for key in keys:
            in_file.setdefault(key, plan.number)
    return ImportPlan(rows=plans)


@dataclass(frozen=True)
class ImportResult:
    created: int
    repeated: int


@transaction.atomic
def cpd_records_import(*, actor: User, rows: Sequence[RawRow]) -> ImportResult:
    """Create a record of `actor`'s for every row that is new; nothing at all unless every row is
    clean (raises ValidationError with the number of rows to put right). Records, their topics,
    peer reflections and audit entries are each written in one INSERT."""
    plan = cpd_import_check(actor=actor, rows=rows)
    if not plan.is_clean:
        count = len({number for number, _ in plan.errors})
        raise ValidationError(
            f"{count} {'row has' if count == 1 else 'rows have'} a problem to put right; "
            "nothing was imported.",
            code="rows_invalid",
        )
    now = timezone.now()
    records: list[CpdRecord] = []
    reflections: list[PeerReflection] = []
    links: list[Any] = []
    for row in plan.to_create:
        new = row.record
        if new is None or new.occurred_on is None:  # never so for a clean row
            continue
        record = CpdRecord(
            person=actor,
            title=new.title,
            activity_type=new.activity_type,
            occurred_on=new.occurred_on,
            description=new.description,
            learning=new.learning,
            impact=new.impact,
            hours=new.hours,
            provider=new.provider,
            status=RecordStatus.COMPLETE if new.complete else RecordStatus.DRAFT,
            completed_at=now if new.complete else None,
        )
        # No query per row: the person is the signed-in actor, and the repeat check above stands
        # in for the unique constraint's query (the database still enforces it).
        record.full_clean(exclude=["person"], validate_unique=False, validate_constraints=False)
        records.append(record)
        if new.peer_learning:
            reflection = PeerReflection(
                record=record,
                learning=new.peer_learning,
                peer_name=new.peer_name,
                peer_role=new.peer_role,
                discussed_on=new.peer_discussed_on,
            )
            reflection.full_clean(exclude=["record"], validate_unique=False, validate_constraints=False)
            reflections.append(reflection)
        links.extend(
            CpdRecord.topics.through(cpdrecord_id=record.pk, frameworkelement_id=topic.pk)
            for topic in new.topics
        )
    if records:
        try:
            with transaction.atomic():
                CpdRecord.objects.bulk_create(records)
        except IntegrityError as error:  # a record saved elsewhere since the check
            raise ValidationError(
                "A record in this file was added to your CPD while you were importing it. "
                "Check the file again: that row now shows as already in your CPD.",
                code="raced",
            ) from error
        PeerReflection.objects.bulk_create(reflections)
        CpdRecord.topics.through.objects.bulk_create(links)
        with_reflection = {reflection.record_id for reflection in reflections}
        audit_log_each(
            actor=actor,
            verb=RECORD_IMPORT,
            changes=[
                (
                    record,
                    None,
                    {},
                    {
                        "status": record.status,
                        "occurred_on": record.occurred_on.isoformat(),
                        "peer_reflection": record.pk in with_reflection,
                    },
                )
                for record in records
            ],
            object_repr=OBJECT_REPR,
        )
    return ImportResult(created=len(records), repeated=len(plan.repeated))
