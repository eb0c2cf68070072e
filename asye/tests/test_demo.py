"""The ASYE demo records: both service areas at months 1, 4, 7 and 11; loading twice changes nothing.

Loading the demo takes seconds, so this module loads it once (twice, to show the second load
changes nothing) for all its tests; each test reads it in a savepoint of its own."""

from collections.abc import Iterator
from typing import Any

import pytest
from django.db import transaction
from django.utils import timezone

from academy.demo import load_demo
from academy.frameworks import load_frameworks
from academy.models import Framework
from asye.demo import NQSWS
from asye.models import AsyeRecord, EvidenceItem, FeedbackRequest, RecordPause
from asye.programme_loader import load_programme_types
from asye.selectors import record_schedule

pytestmark = pytest.mark.django_db


def _year_records() -> Any:
    """The year demo's own records: other parts of the demo (the year's end, moderation) add
    NQSWs and records of their own, tested with them."""
    return AsyeRecord.objects.filter(nqsw__user__email__in=[n.email for n in NQSWS])


def _counts() -> dict[str, Any]:
    """What the tests below compare between the first load and the second."""
    from asye.agreement.models import Agreement, AgreementSignature, PlanRow
    from asye.supervision.models import CaseloadMonth, ProtectedTime, Supervision

    return {
        "records": list(
            _year_records().select_related("programme_version__programme_type", "assessor__user")
        ),
        "agreements": (
            Agreement.objects.count(),
            AgreementSignature.objects.count(),
            PlanRow.objects.count(),
        ),
        "evidence": EvidenceItem.objects.count(),
        "feedback": list(FeedbackRequest.objects.values_list("pk", "secret_hash", "used_at", "revoked_at")),
        "supervision": (
            Supervision.objects.count(),
            CaseloadMonth.objects.count(),
            ProtectedTime.objects.count(),
        ),
    }


@pytest.fixture(scope="module")
def first_load(django_db_setup: None, django_db_blocker: Any) -> Iterator[dict[str, Any]]:
    """The demo loaded once, what it made then, and the demo loaded again; all in a transaction
    rolled back when this module's tests are done."""
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            if not Framework.objects.exists():  # a transactional test may have emptied them
                load_frameworks()
            load_programme_types()
            load_demo()
            counts = _counts()
            load_demo()
            yield counts
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


def test_demo_records(first_load: dict[str, Any]) -> None:
    records = first_load["records"]
    assert _year_records().count() == len(records) == 8
    assert RecordPause.objects.filter(record__in=_year_records()).count() == 1
    today = timezone.localdate()
    months = {
        (r.service_area, record_schedule(r, today=today).month)
        for r in _year_records().prefetch_related("pauses").select_related("programme_version")
    }
    assert months == {(area, m) for area in ("adults", "children_families") for m in (1, 4, 7, 11)}
    assert {r.assessor.user.email for r in records} == {"assessor@demo.academy.test"}


def test_demo_agreements_and_plans(first_load: dict[str, Any]) -> None:
    from asye.agreement.models import Agreement, AgreementSignature, PlanRow
    from asye.agreement.presenters import agreement_status
    from asye.agreement.selectors import agreement_latest

    counts = first_load["agreements"]
    assert (Agreement.objects.count(), AgreementSignature.objects.count(), PlanRow.objects.count()) == counts
    states = {
        agreement_status(agreement_latest(record=record)).text
        for record in _year_records().select_related("programme_version")
    }
    assert states == {"Not started", "Being written", "Partly signed", "Signed by everyone"}
    assert Agreement.objects.filter(number=2).count() == 1  # changed after everyone signed
    assert PlanRow.objects.exclude(review_note="").exists()
    assert PlanRow.objects.filter(review_note="").exists()


def test_demo_evidence_in_every_state(first_load: dict[str, Any]) -> None:
    from asye.models import EvidenceComment, EvidenceMapping, EvidenceStatus

    count = first_load["evidence"]
    assert EvidenceItem.objects.count() == count > 0
    assert set(EvidenceItem.objects.values_list("status", flat=True)) == set(EvidenceStatus.values)
    assert EvidenceItem.objects.values("kind").distinct().count() >= 5
    assert EvidenceMapping.objects.exists()
    assert EvidenceComment.objects.exists()


def test_demo_feedback_requests_in_every_state(first_load: dict[str, Any]) -> None:
    from asye.models import EvidenceStatus

    rows = first_load["feedback"]
    drafts = first_load["evidence"]
    assert list(FeedbackRequest.objects.values_list("pk", "secret_hash", "used_at", "revoked_at")) == rows
    assert EvidenceItem.objects.count() == drafts
    now = timezone.now()
    requests = list(FeedbackRequest.objects.select_related("evidence"))
    assert sorted(r.status_at(now) for r in requests) == ["answered", "expired", "revoked", "waiting"]
    answered = next(r for r in requests if r.status_at(now) == "answered")
    assert answered.evidence is not None
    assert answered.evidence.status == EvidenceStatus.DRAFT
    assert "district nurse, community health team" in answered.evidence.answers["giver"]
    assert all(len(r.secret_hash) == 64 for r in requests)  # a hash, never a code


def test_demo_supervision_workload_and_protected_time(first_load: dict[str, Any]) -> None:
    from asye.supervision import cadence
    from asye.supervision.models import CaseloadMonth, ProtectedTime, Supervision, SupervisionKind
    from asye.supervision.selectors import record_intervals, supervision_dates

    counts = first_load["supervision"]
    assert (
        Supervision.objects.count(),
        CaseloadMonth.objects.count(),
        ProtectedTime.objects.count(),
    ) == counts
    assert all(counts)
    group = Supervision.objects.get(kind=SupervisionKind.GROUP)
    assert group.attendances.count() == 2
    records = list(_year_records().select_related("programme_version").prefetch_related("pauses"))
    held = supervision_dates(records)
    states = [
        interval.state for record in records for interval in record_intervals(record, held.get(record.pk, []))
    ]
    assert states.count(cadence.MISSED) == 1
    assert cadence.MET in states
    assert cadence.DUE in states
