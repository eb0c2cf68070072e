"""A whole portfolio for the export tests and the benchmark: an agreement signed by three, a
development plan, `items` accepted pieces of evidence (each mapped to two standards, with a
comment and the assessor's acceptance; the first two with attachments), supervision sessions and
a signed review. Evidence rows are bulk inserts, so a 100-item portfolio takes a moment."""

import datetime
import uuid
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from academy.files.services import file_store
from asye.agreement.models import DevelopmentPlan, PlanRow
from asye.evidence.forms_data import kind_form
from asye.evidence.models import (
    EvidenceComment,
    EvidenceItem,
    EvidenceMapping,
    EvidenceStatus,
    EvidenceTransition,
)
from asye.evidence.selectors import FILE_OWNER_KIND, record_elements
from asye.models import AsyeRecord, EvidenceKind
from asye.signatures import SignatureCapacity
from asye.tests.agreement_support import AgreementFactory, sign
from asye.tests.review_support import sign_review, write_review
from asye.tests.supervision_support import caseload_month, protected_time, supervision_on

KINDS = [
    EvidenceKind.CRITICAL_REFLECTION,
    EvidenceKind.DIRECT_OBSERVATION,
    EvidenceKind.FEEDBACK_PROFESSIONALS,
    EvidenceKind.WRITTEN_WORK,
    EvidenceKind.LEARNING_ACTIVITY,
]
ANSWER = (
    "I met the family at home with my manager and we agreed the plan together. I listened first, "
    "checked what mattered most to them and wrote down the strengths they named. Afterwards I "
    "reflected on how the Care Act duties shaped the conversation and what I would change next time."
)
PDF_BYTES = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)


def _answers(record: AsyeRecord, kind: str, extra: str) -> dict[str, str]:
    form = kind_form(record.programme_version, kind)
    prompts = {**form.nqsw_prompts, **form.observer_prompts} or {"reflection": "Reflection"}
    return {key: f"{ANSWER} {extra}".strip() for key in prompts}


def build_portfolio(
    record: AsyeRecord, *, items: int = 6, mention: str = "", attachments: bool = True
) -> list[Any]:
    """Fill `record` with a portfolio; `mention` is added to every answer and comment (names the
    anonymised copy must replace). Returns the accepted items, oldest first."""
    nqsw, assessor, manager = record.nqsw.user, record.assessor.user, record.line_manager.user
    agreement = AgreementFactory(record=record)
    sign(agreement, SignatureCapacity.NQSW, record.nqsw)
    sign(agreement, SignatureCapacity.ASSESSOR, record.assessor)
    sign(agreement, SignatureCapacity.LINE_MANAGER, record.line_manager)
    plan = DevelopmentPlan.objects.create(record=record, period="initial", created_by=nqsw)
    PlanRow.objects.create(
        plan=plan,
        learning_need=f"Confidence in court work. {mention}".strip(),
        action="Shadow a colleague at two hearings",
        target_date=datetime.date(2026, 12, 1),
        review_note="Good progress.",
        reviewed_by=assessor,
        reviewed_at=timezone.now(),
        created_by=nqsw,
        submit_token=uuid.uuid4(),
    )
    now = timezone.now()
    made = EvidenceItem.objects.bulk_create(
        EvidenceItem(
            record=record,
            kind=KINDS[n % len(KINDS)],
            title=f"Evidence {n + 1:03d}: a visit and what I learnt",
            date=record.start_date + datetime.timedelta(days=1 + n % 200),
            answers=_answers(record, KINDS[n % len(KINDS)], mention),
            status=EvidenceStatus.ACCEPTED,
            created_by=nqsw,
            submitted_at=now,
        )
        for n in range(items)
    )
    elements = list(record_elements(record=record))
    EvidenceMapping.objects.bulk_create(
        EvidenceMapping(item=item, element=elements[(n * 2 + step) % len(elements)])
        for n, item in enumerate(made)
        for step in (0, 1)
    )
    EvidenceTransition.objects.bulk_create(
        EvidenceTransition(
            item=item, from_status=EvidenceStatus.SUBMITTED, to_status=EvidenceStatus.ACCEPTED, actor=assessor
        )
        for item in made
    )
    EvidenceComment.objects.bulk_create(
        EvidenceComment(
            item=item, author=manager if n % 2 else assessor, body=f"Well evidenced. {mention}".strip()
        )
        for n, item in enumerate(made)
    )
    if attachments and made:
        file_store(
            actor=nqsw,
            organisation=record.organisation,
            upload=SimpleUploadedFile("visit notes.txt", f"Notes of the visit. {mention}".encode()),
            owner_kind=FILE_OWNER_KIND,
            owner_id=made[0].pk,
        )
        file_store(
            actor=nqsw,
            organisation=record.organisation,
            upload=SimpleUploadedFile("observation form.pdf", PDF_BYTES),
            owner_kind=FILE_OWNER_KIND,
            owner_id=made[-1].pk,
        )
    for day in (datetime.date(2026, 9, 7), datetime.date(2026, 9, 14), datetime.date(2026, 9, 21)):
        supervision_on(record, day, confirmed=True)
    caseload_month(record, datetime.date(2026, 10, 1))
    protected_time(record, datetime.date(2026, 10, 2))
    write_review(record)
    sign_review(record)
    return sorted(made, key=lambda item: (item.date, item.created_at, item.pk))
