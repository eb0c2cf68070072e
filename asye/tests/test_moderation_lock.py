"""Every ASYE service that writes refuses a locked record (completed, not passed, withdrawn), and
every portfolio write refuses a record submitted to moderation: one guard, `asye/lock.py`. Each
write path is tried on its own, by the person who may otherwise make it, and nothing changes or
is audited. A new service that writes belongs in WRITES (the last test lists them)."""

import ast
import datetime
import io
import uuid
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any, cast

import pytest
from django.conf import settings
from django.utils import timezone

from academy.models import AuditEntry
from academy.roles import Role
from asye import services as record_services
from asye.agreement import services as agreement_services
from asye.cohorts import services as cohort_services
from asye.evidence import services as evidence_services
from asye.evidence.citations import services as citation_services
from asye.feedback import services as feedback_services
from asye.feedback.models import FeedbackAudience, FeedbackChannel, FeedbackKind
from asye.final import services as final_services
from asye.lock import RecordLocked, ensure_record_writable
from asye.models import AsyeRecord, EvidenceKind, EvidenceStatus, RecordPause, RecordStatus
from asye.reviews import services as review_services
from asye.supervision import services as supervision_services
from asye.tests.agreement_support import AgreementFactory, PlanRowFactory
from asye.tests.factories import EvidenceItemFactory, member
from asye.tests.supervision_support import protected_time, supervision_on
from cpd.tests.factories import CpdRecordFactory

pytestmark = pytest.mark.django_db

D = datetime.date


class World:
    """A record with one of everything a write can touch, made while it is still open."""

    def __init__(self, record: AsyeRecord, psw: Any) -> None:
        today = timezone.localdate()
        self.record = record
        self.psw = psw
        self.nqsw = record.nqsw.user
        self.assessor = record.assessor.user
        self.manager = record.line_manager.user
        self.agreement = AgreementFactory(record=record)
        self.row = PlanRowFactory(record=record)
        self.draft = EvidenceItemFactory(record=record, status=EvidenceStatus.DRAFT)
        self.waiting = EvidenceItemFactory(record=record, status=EvidenceStatus.SUBMITTED)
        self.observation = EvidenceItemFactory(
            record=record, status=EvidenceStatus.SUBMITTED, kind=EvidenceKind.DIRECT_OBSERVATION
        )
        self.session = supervision_on(record, today - datetime.timedelta(days=3))
        self.attendance = self.session.attendances.get()
        self.entry = protected_time(record, used_on=today - datetime.timedelta(days=2))
        self.pause = RecordPause.objects.create(
            record=record,
            starts_on=record.start_date + datetime.timedelta(days=30),
            reason="Leave",
            recorded_by=psw,
        )
        self.feedback = feedback_services.feedback_request_create(
            actor=self.nqsw,
            record=record,
            kind=FeedbackKind.PROFESSIONALS,
            audience=FeedbackAudience.ADULT,
            giver_description="A colleague from health",
            setting="A joint visit",
            channel=FeedbackChannel.CODE,
        ).request
        self.cpd = CpdRecordFactory(person=self.nqsw)
        self.other_assessor = member(record.organisation, Role.ASSESSOR)
        self.other_manager = member(record.organisation, Role.LINE_MANAGER)

    def refresh(self) -> None:
        """Objects hold the record as it is now (as a page loaded now would)."""
        self.record.refresh_from_db()
        for obj in (self.agreement, self.draft, self.waiting, self.observation, self.attendance, self.entry):
            obj.record = self.record
        self.row.plan.record = self.record
        self.pause.record = self.record
        self.feedback.record = self.record


Write = Callable[[World], Any]
TODAY = timezone.localdate


WRITES: dict[str, Write] = {
    # The record itself.
    "record_change_assessor": lambda w: record_services.record_change_assessor(
        actor=w.psw, record=w.record, assessor=w.other_assessor, reason="Leaving"
    ),
    "record_pause_add": lambda w: record_services.record_pause_add(
        actor=w.psw,
        record=w.record,
        starts_on=w.record.start_date + datetime.timedelta(days=90),
        reason="Leave",
    ),
    "record_pause_end": lambda w: record_services.record_pause_end(
        actor=w.psw, pause=w.pause, ends_on=w.pause.starts_on + datetime.timedelta(days=5)
    ),
    # The agreement and plans.
    "agreement_start": lambda w: agreement_services.agreement_start(actor=w.assessor, record=w.record),
    "agreement_update": lambda w: agreement_services.agreement_update(
        actor=w.assessor, agreement=w.agreement, answers={}, revision=w.agreement.revision
    ),
    "agreement_sign": lambda w: agreement_services.agreement_sign(
        actor=w.assessor, agreement=w.agreement, capacity="assessor"
    ),
    "plan_row_add": lambda w: agreement_services.plan_row_add(
        actor=w.nqsw,
        record=w.record,
        period="initial",
        submit_token=uuid.uuid4(),
        learning_need="Court skills",
        action="Shadow",
        support="",
        target_date=None,
        progress_evidence="",
    ),
    "plan_row_update": lambda w: agreement_services.plan_row_update(
        actor=w.nqsw,
        row=w.row,
        revision=w.row.revision,
        learning_need="Changed",
        action="Shadow",
        support="",
        target_date=None,
        progress_evidence="",
    ),
    "plan_row_review": lambda w: agreement_services.plan_row_review(
        actor=w.assessor, row=w.row, revision=w.row.revision, review_note="Good"
    ),
    "plan_row_remove": lambda w: agreement_services.plan_row_remove(actor=w.nqsw, row=w.row),
    # Evidence, comments, mappings, attachments, the anonymisation check.
    "evidence_create": lambda w: evidence_services.evidence_create(
        actor=w.nqsw,
        record=w.record,
        kind=EvidenceKind.CRITICAL_REFLECTION,
        title="New",
        date=TODAY(),
        answers={},
        elements=[],
        observer=None,
        idempotency_key="",
    ),
    "evidence_update": lambda w: evidence_services.evidence_update(
        actor=w.nqsw,
        item=w.draft,
        version=w.draft.version,
        title="Changed",
        date=TODAY(),
        answers={},
        elements=[],
        observer=None,
    ),
    "evidence_attach": lambda w: evidence_services.evidence_attach(
        actor=w.nqsw, item=w.draft, upload=io.BytesIO(b"%PDF-1.4 not really")
    ),
    "evidence_detach": lambda w: evidence_services.evidence_detach(
        actor=w.nqsw,
        item=w.draft,
        stored_file=cast(Any, None),  # refused before the file is looked at
    ),
    "evidence_anonymisation_check": lambda w: evidence_services.evidence_anonymisation_check(
        actor=w.nqsw, item=w.draft
    ),
    "evidence_flag_confirm": lambda w: evidence_services.evidence_flag_confirm(
        actor=w.nqsw, item=w.draft, source="answers", kind="name", text_sha256="0" * 64
    ),
    "evidence_submit": lambda w: evidence_services.evidence_submit(
        actor=w.nqsw, item=w.draft, version=w.draft.version
    ),
    "evidence_return": lambda w: evidence_services.evidence_return(
        actor=w.assessor, item=w.waiting, reason="More"
    ),
    "evidence_accept": lambda w: evidence_services.evidence_accept(actor=w.assessor, item=w.waiting),
    "evidence_comment": lambda w: evidence_services.evidence_comment(
        actor=w.assessor, item=w.waiting, relations=frozenset({"assessor"}), body="A comment"
    ),
    "evidence_observer_record": lambda w: evidence_services.evidence_observer_record(
        actor=w.assessor, item=w.observation, version=w.observation.version, answers={}
    ),
    "evidence_cite_cpd": lambda w: citation_services.evidence_cite_cpd(
        actor=w.nqsw, record=w.record, cpd_record=w.cpd, sharing_confirmed=True
    ),
    # Feedback.
    "feedback_request_create": lambda w: feedback_services.feedback_request_create(
        actor=w.nqsw,
        record=w.record,
        kind=w.feedback.kind,
        audience=w.feedback.audience,
        giver_description="Someone",
        setting="A visit",
        channel=FeedbackChannel.CODE,
    ),
    "feedback_request_revoke": lambda w: feedback_services.feedback_request_revoke(
        actor=w.nqsw, request=w.feedback
    ),
    "feedback_submit": lambda w: feedback_services.feedback_submit(
        request_id=str(w.feedback.pk), answers={"went_well": "Clear and kind"}
    ),
    # Supervision, workload, protected time.
    "supervision_record": lambda w: supervision_services.supervision_record(
        actor=w.manager,
        records=[w.record],
        kind="one_to_one",
        held_on=TODAY(),
        duration_minutes=60,
        supervisor=w.record.line_manager,
        discussion="Talked",
        submit_token=uuid.uuid4(),
    ),
    "supervision_update": lambda w: supervision_services.supervision_update(
        actor=w.manager,
        supervision=w.session,
        revision=w.session.revision,
        held_on=w.session.held_on,
        duration_minutes=30,
        supervisor=w.record.line_manager,
        discussion="Changed",
    ),
    "supervision_confirm": lambda w: supervision_services.supervision_confirm(
        actor=w.nqsw, attendance=w.attendance
    ),
    "caseload_record": lambda w: supervision_services.caseload_record(
        actor=w.manager,
        record=w.record,
        month=TODAY().replace(day=1),
        caseload=Decimal(1),
        comparison=Decimal(2),
    ),
    "protected_time_add": lambda w: supervision_services.protected_time_add(
        actor=w.nqsw,
        record=w.record,
        used_on=TODAY(),
        hours=Decimal(1),
        activity="Reading",
        submit_token=uuid.uuid4(),
    ),
    "protected_time_remove": lambda w: supervision_services.protected_time_remove(
        actor=w.nqsw, entry=w.entry
    ),
    # Reviews.
    "review_reflection_update": lambda w: review_services.review_reflection_update(
        actor=w.nqsw, record=w.record, key="foundational", reflection="Mine", self_assessment=""
    ),
    "review_support_update": lambda w: review_services.review_support_update(
        actor=w.manager,
        record=w.record,
        key="foundational",
        supervision="Held",
        workload="Less",
        protected_time="Yes",
    ),
    "review_assessment_update": lambda w: review_services.review_assessment_update(
        actor=w.assessor,
        record=w.record,
        key="foundational",
        judgements={},
        progress_summary="Good",
        action_plan=[],
    ),
    "review_sign": lambda w: review_services.review_sign(
        actor=w.nqsw, record=w.record, key="foundational", capacity="nqsw"
    ),
    # The year's end (asye/final/).
    "final_reflection_update": lambda w: final_services.final_reflection_update(
        actor=w.nqsw, record=w.record, reflection="My year"
    ),
    "final_report_update": lambda w: final_services.final_report_update(
        actor=w.assessor, record=w.record, report="A good year", recommendation="pass", judgements={}
    ),
    "final_endorsement_update": lambda w: final_services.final_endorsement_update(
        actor=w.manager, record=w.record, endorsement="endorse", manager_comments=""
    ),
    "final_sign": lambda w: final_services.final_sign(actor=w.nqsw, record=w.record, capacity="nqsw"),
    "record_extend": lambda w: final_services.record_extend(
        actor=w.psw, record=w.record, new_end_on=TODAY() + datetime.timedelta(days=900), reason="Illness"
    ),
    "anonymisation_confirm": lambda w: final_services.anonymisation_confirm(
        actor=w.nqsw, record=w.record, item_ids=[w.draft.pk]
    ),
    # Cohorts (asye/cohorts/): new assessors and managers.
    "record_change_line_manager": lambda w: cohort_services.record_change_line_manager(
        actor=w.psw, record=w.record, line_manager=w.other_manager, reason="Team move"
    ),
    "cohort_records_assign": lambda w: cohort_services.cohort_records_assign(
        actor=w.psw, records=[w.record], reason="Team move", line_manager=w.other_manager
    ),
}

# Writes a portfolio with the moderation panel may still take, refused once the year has ended:
# withdrawing, and submitting (a second click returns the first submission).
ENDED_ONLY: dict[str, Write] = {
    "record_withdraw": lambda w: final_services.record_withdraw(
        actor=w.psw, record=w.record, withdrawn_on=TODAY(), reason="Left the council"
    ),
    "record_submit_to_moderation": lambda w: final_services.record_submit_to_moderation(
        actor=w.nqsw, record=w.record
    ),
}


@pytest.fixture
def world(record: AsyeRecord, psw: Any) -> World:
    AsyeRecord.objects.filter(pk=record.pk).update(start_date=TODAY() - datetime.timedelta(days=200))
    record.refresh_from_db()
    return World(record, psw)


def _refused(world: World, write: Write, status: str) -> None:
    AsyeRecord.objects.filter(pk=world.record.pk).update(status=status)
    world.refresh()
    audited = AuditEntry.objects.count()
    with pytest.raises(RecordLocked):
        write(world)
    assert AuditEntry.objects.count() == audited


@pytest.mark.parametrize("name", sorted(WRITES | ENDED_ONLY))
@pytest.mark.parametrize("status", [RecordStatus.COMPLETED, RecordStatus.FAILED, RecordStatus.WITHDRAWN])
def test_a_locked_record_refuses_every_write(world: World, name: str, status: str) -> None:
    _refused(world, (WRITES | ENDED_ONLY)[name], status)


@pytest.mark.parametrize("name", sorted(WRITES))
def test_a_submitted_portfolio_is_frozen(world: World, name: str) -> None:
    _refused(world, WRITES[name], RecordStatus.SUBMITTED)


def test_a_stale_object_is_refused_too(world: World) -> None:
    """A page loaded before the decision holds the old status: the guard reads it again."""
    AsyeRecord.objects.filter(pk=world.record.pk).update(status=RecordStatus.COMPLETED)
    assert world.record.status == RecordStatus.ACTIVE
    with pytest.raises(RecordLocked, match="completed"):
        ensure_record_writable(world.record)


def test_moderation_may_write_while_submitted_but_not_once_locked(world: World) -> None:
    AsyeRecord.objects.filter(pk=world.record.pk).update(status=RecordStatus.SUBMITTED)
    world.record.refresh_from_db()
    ensure_record_writable(world.record, allow_submitted=True)  # no error
    AsyeRecord.objects.filter(pk=world.record.pk).update(status=RecordStatus.FAILED)
    with pytest.raises(RecordLocked, match="not passed"):
        ensure_record_writable(world.record, allow_submitted=True)


def test_an_open_record_still_takes_writes(world: World) -> None:
    """The guard lets an open record through: the same write succeeds before the lock."""
    WRITES["protected_time_add"](world)
    WRITES["caseload_record"](world)


def _public_writes(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    found = set()
    for node in tree.body:
        # A write service is public, takes keyword-only arguments and runs in a transaction.
        if (
            isinstance(node, ast.FunctionDef)
            and not node.name.startswith("_")
            and node.args.kwonlyargs
            and any(isinstance(d, ast.Attribute) and d.attr == "atomic" for d in node.decorator_list)
        ):
            found.add(node.name)
    return found


def test_every_write_service_is_tried() -> None:
    """Each atomic service in asye's services modules (moderation's own aside) is in WRITES, so
    a new write path cannot skip the lock test."""
    root = Path(settings.BASE_DIR) / "asye"
    services = set()
    for path in root.rglob("services.py"):
        if "moderation" in path.parts:
            continue
        services |= _public_writes(path)
    # Not writes to an existing record: publishing a programme version, starting a record, and
    # minting a feedback link for an email the outbox sends (it refuses on a frozen record, but
    # only for email requests: test_a_frozen_record_mints_no_feedback_link).
    # Nor are a cohort's import and starting records for people who joined, or asking for an
    # export (a locked portfolio is what one exports: asye/export/services.py).
    not_record_writes = {
        "programme_version_publish",
        "record_create",
        "feedback_link_mint",
        "cohort_create",
        "cohort_import",
        "cohort_records_start",
        "portfolio_export_request",
        "portfolio_export_run",
        # ASYE grant funding (asye/funding/) is the employer's claim about the record, not the
        # portfolio: the completion claim is made once the year has ended and the record is locked.
        "funding_register",
        "funding_claim_record",
        "funding_claim_paid",
    }
    missing = services - set(WRITES) - set(ENDED_ONLY) - not_record_writes
    assert not missing, f"Write services not tried on a locked record: {sorted(missing)}"
