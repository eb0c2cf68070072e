"""Demo peer confirmations: the former social worker's capacity refresher was confirmed by a
colleague through the link; the social worker's is waiting for an answer. The peer's name and
the date of the conversation are added to the reflection first (the demo's reflections have
neither). Loading twice changes nothing: a record that has a request is left alone."""

import datetime

from django.db import transaction

from academy.demo import DEMO_DOMAIN
from cpd import selectors as cpd_selectors
from cpd.models import CpdRecord
from cpd.services import cpd_peer_reflection_save

from .models import PeerAnswer, PeerConfirmationRequest
from .services import peer_confirmation_answer, peer_confirmation_request

TITLE = "Mental capacity in practice: a refresher"
PLANS = [
    # person, peer, peer's address, answered
    (f"former-social-worker@{DEMO_DOMAIN}", "Dana Whitlock", "dana.whitlock@example.test", True),
    (f"social-worker@{DEMO_DOMAIN}", "Grace Okafor-Lind", "grace.okafor-lind@example.test", False),
]


@transaction.atomic
def load_peer_demo() -> None:
    for email, peer, address, answered in PLANS:
        record = (
            CpdRecord.objects.filter(person__email=email, title=TITLE)
            .select_related("person", "peer_reflection")
            .order_by("occurred_on")
            .first()
        )
        reflection = cpd_selectors.peer_reflection_of(record) if record else None
        if (
            record is None
            or reflection is None
            or PeerConfirmationRequest.objects.filter(record=record).exists()
        ):
            continue
        cpd_peer_reflection_save(
            actor=record.person,
            record=record,
            learning=reflection.learning,
            peer_name=peer,
            peer_role=reflection.peer_role,
            discussed_on=reflection.discussed_on or record.occurred_on + datetime.timedelta(days=7),
        )
        sent = peer_confirmation_request(
            actor=record.person, record=record, peer_name=peer, peer_email=address
        )
        if answered:
            peer_confirmation_answer(request=sent.request, answer=PeerAnswer.CONFIRMED, viewer=None)
