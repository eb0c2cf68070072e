"""The year's-end demo: a portfolio submitted to moderation with a signed final assessment
recommending a pass, a paused record, a withdrawn one and an extended one; loading twice changes
nothing."""

import pytest

from academy.demo import load_demo
from asye.final import demo
from asye.final.models import FinalAssessment, ModerationSubmission, RecordExtension, RecordWithdrawal
from asye.final.selectors import submission_refusals
from asye.models import AsyeRecord, RecordStatus

pytestmark = pytest.mark.django_db


def test_the_years_end_demo(programme_types: None) -> None:
    load_demo()
    counts = (
        AsyeRecord.objects.count(),
        FinalAssessment.objects.count(),
        ModerationSubmission.objects.count(),
        RecordExtension.objects.count(),
        RecordWithdrawal.objects.count(),
    )
    load_demo()
    assert counts == (
        AsyeRecord.objects.count(),
        FinalAssessment.objects.count(),
        ModerationSubmission.objects.count(),
        RecordExtension.objects.count(),
        RecordWithdrawal.objects.count(),
    )
    status = dict(AsyeRecord.objects.values_list("nqsw__user__email", "status"))
    assert status[demo.MODERATION] == RecordStatus.SUBMITTED
    assert status[demo.PAUSED] == RecordStatus.PAUSED
    assert status[demo.WITHDRAWN] == RecordStatus.WITHDRAWN
    assert status[demo.EXTENDED] == RecordStatus.EXTENDED
    final = FinalAssessment.objects.get(record__nqsw__user__email=demo.MODERATION)
    assert final.recommendation == "pass"
    assert final.completed_at is not None
    submitted = (
        AsyeRecord.objects.select_related("programme_version", "organisation")
        .prefetch_related("pauses")
        .get(nqsw__user__email=demo.MODERATION)
    )
    # Nothing stands in the way but the status itself: it is with moderation.
    assert [r.code for r in submission_refusals(record=submitted)] == ["status"]
