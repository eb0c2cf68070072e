"""Demo feedback requests on the demo NQSWs' records (asye/demo.py): one waiting for a giver
with a code, one answered (its draft made by `feedback_submit`, as a real answer is), one
expired and one withdrawn. Made through the services, so only hashes are stored and no code
or link is known to anyone. Invented words only. Idempotent: each request has a fixed
idempotency key, and a request that already exists is left as it is."""

import datetime
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from academy.demo import DEMO_DOMAIN
from asye.models import OPEN_STATUSES, AsyeRecord

from . import services
from .models import FeedbackAudience, FeedbackChannel, FeedbackKind, FeedbackRequest


@dataclass(frozen=True)
class DemoRequest:
    key: str
    nqsw_email: str
    kind: str
    audience: str
    giver_description: str
    setting: str
    ends: str  # waiting, answered, expired or revoked
    answers: dict[str, str] = field(default_factory=dict)


REQUESTS = [
    DemoRequest(
        "waiting",
        f"nqsw@{DEMO_DOMAIN}",
        FeedbackKind.PEOPLE,
        FeedbackAudience.ADULT,
        "daughter of the person at the day centre review",
        "the review at the day centre last week",
        "waiting",
    ),
    DemoRequest(
        "answered",
        f"nqsw@{DEMO_DOMAIN}",
        FeedbackKind.PROFESSIONALS,
        FeedbackAudience.ADULT,
        "district nurse at the discharge meeting",
        "planning a return home from hospital together",
        "answered",
        {
            "went_well": "Clear notes after the meeting and a plan everyone understood.",
            "even_better": "Share the draft plan a day earlier so the nursing team can comment.",
            "role": "district nurse, community health team",
        },
    ),
    DemoRequest(
        "expired",
        f"nqsw-children-4@{DEMO_DOMAIN}",
        FeedbackKind.PEOPLE,
        FeedbackAudience.YOUNG,
        "young person after the school visit",
        "our talk at school about moving to a new foster home",
        "expired",
    ),
    DemoRequest(
        "withdrawn",
        f"nqsw-children-4@{DEMO_DOMAIN}",
        FeedbackKind.PEOPLE,
        FeedbackAudience.ADULT,
        "foster carer (asked by mistake twice)",
        "the placement planning meeting",
        "revoked",
    ),
]


def _record(email: str) -> AsyeRecord | None:
    return (
        AsyeRecord.objects.filter(nqsw__user__email=email, status__in=[s.value for s in OPEN_STATUSES])
        .select_related("nqsw__user", "organisation", "programme_version")
        .first()
    )


def _play(plan: DemoRequest, request: FeedbackRequest) -> None:
    if plan.ends == "answered":
        services.feedback_submit(request_id=str(request.pk), answers=plan.answers)
    elif plan.ends == "expired":
        # No service ends a request early; the demo dates it as if made weeks ago.
        made = timezone.now() - datetime.timedelta(days=20)
        FeedbackRequest.objects.filter(pk=request.pk).update(
            created_at=made, expires_at=made + datetime.timedelta(days=14)
        )
    elif plan.ends == "revoked":
        services.feedback_request_revoke(actor=request.record.nqsw.user, request=request)


@transaction.atomic
def load_feedback_demo() -> None:
    for plan in REQUESTS:
        record = _record(plan.nqsw_email)
        if record is None:
            continue  # the ASYE demo records are not loaded
        created = services.feedback_request_create(
            actor=record.nqsw.user,
            record=record,
            kind=plan.kind,
            audience=plan.audience,
            giver_description=plan.giver_description,
            setting=plan.setting,
            channel=FeedbackChannel.CODE,
            idempotency_key=f"demo:{plan.key}",
        )
        if not created.already_made:
            _play(plan, created.request)
