"""The ASYE demo records: both service areas at months 1, 4, 7 and 11; loading twice changes nothing."""

import pytest
from django.utils import timezone

from academy.demo import load_demo
from asye.demo import NQSWS
from asye.models import AsyeRecord, RecordPause
from asye.selectors import record_schedule

pytestmark = pytest.mark.django_db


def test_demo_records(programme_types: None) -> None:
    load_demo()
    # The year's-end demo (asye/final/demo.py) adds NQSWs of its own: asye/tests/test_final_demo.py.
    base = AsyeRecord.objects.filter(nqsw__user__email__in=[p.email for p in NQSWS])
    records = list(base.select_related("programme_version__programme_type", "assessor__user"))
    load_demo()
    assert base.count() == len(records) == 8
    assert RecordPause.objects.filter(record__in=base).count() == 1
    today = timezone.localdate()
    months = {
        (r.service_area, record_schedule(r, today=today).month)
        for r in base.prefetch_related("pauses").select_related("programme_version")
    }
    assert months == {(area, m) for area in ("adults", "children_families") for m in (1, 4, 7, 11)}
    assert {r.assessor.user.email for r in records} == {"assessor@demo.academy.test"}


def test_demo_agreements_and_plans(programme_types: None) -> None:
    from asye.agreement.models import Agreement, AgreementSignature, PlanRow
    from asye.agreement.presenters import agreement_status
    from asye.agreement.selectors import agreement_latest

    load_demo()
    counts = (Agreement.objects.count(), AgreementSignature.objects.count(), PlanRow.objects.count())
    load_demo()
    assert (Agreement.objects.count(), AgreementSignature.objects.count(), PlanRow.objects.count()) == counts
    states = {
        agreement_status(agreement_latest(record=record)).text
        for record in AsyeRecord.objects.select_related("programme_version")
    }
    assert states == {"Not started", "Being written", "Partly signed", "Signed by everyone"}
    assert Agreement.objects.filter(number=2).count() == 1  # changed after everyone signed
    assert PlanRow.objects.exclude(review_note="").exists()
    assert PlanRow.objects.filter(review_note="").exists()


def test_demo_evidence_in_every_state(programme_types: None) -> None:
    from asye.models import EvidenceComment, EvidenceItem, EvidenceMapping, EvidenceStatus

    load_demo()
    count = EvidenceItem.objects.count()
    load_demo()
    assert EvidenceItem.objects.count() == count > 0
    assert set(EvidenceItem.objects.values_list("status", flat=True)) == set(EvidenceStatus.values)
    assert EvidenceItem.objects.values("kind").distinct().count() >= 5
    assert EvidenceMapping.objects.exists()
    assert EvidenceComment.objects.exists()


def test_demo_feedback_requests_in_every_state(programme_types: None) -> None:
    from asye.models import EvidenceItem, EvidenceStatus, FeedbackRequest

    load_demo()
    rows = list(FeedbackRequest.objects.values_list("pk", "secret_hash", "used_at", "revoked_at"))
    drafts = EvidenceItem.objects.count()
    load_demo()
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


def test_demo_supervision_workload_and_protected_time(programme_types: None) -> None:
    from asye.supervision import cadence
    from asye.supervision.models import CaseloadMonth, ProtectedTime, Supervision, SupervisionKind
    from asye.supervision.selectors import record_intervals, supervision_dates

    load_demo()
    counts = (Supervision.objects.count(), CaseloadMonth.objects.count(), ProtectedTime.objects.count())
    load_demo()
    assert (
        Supervision.objects.count(),
        CaseloadMonth.objects.count(),
        ProtectedTime.objects.count(),
    ) == counts
    assert all(counts)
    group = Supervision.objects.get(kind=SupervisionKind.GROUP)
    assert group.attendances.count() == 2
    year = AsyeRecord.objects.filter(nqsw__user__email__in=[n.email for n in NQSWS])
    records = list(year.select_related("programme_version").prefetch_related("pauses"))
    held = supervision_dates(records)
    states = [
        interval.state for record in records for interval in record_intervals(record, held.get(record.pk, []))
    ]
    assert states.count(cadence.MISSED) == 1
    assert cadence.MET in states
    assert cadence.DUE in states
