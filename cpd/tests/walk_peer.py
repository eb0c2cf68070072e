"""The walk's rows for peer confirmation (cpd/peer/). The requests page is the record's owner's
only (404 for everyone else). The peer's link page is public: with a valid link it answers 200
to anyone, signed in or not (a peer may have an account), and 403 to the record's own person,
who cannot confirm their own conversation. A made-up token is "not valid" (404) for everyone;
a used or expired link is 410 (cpd/tests/test_peer.py)."""

import datetime
from typing import Any

from django.urls import reverse

from academy.testing.walk import Rule, WalkRegistry, World
from cpd.peer.services import peer_confirmation_request, peer_link_mint
from cpd.tests.factories import PeerReflectionFactory


def _link(world: World) -> Any:
    record = world["cpd_record"]
    PeerReflectionFactory(record=record, peer_name="Sam Peer", discussed_on=datetime.date(2026, 6, 20))
    sent = peer_confirmation_request(
        actor=record.person, record=record, peer_name="Sam Peer", peer_email="sam.peer@example.test"
    )
    return reverse(
        "cpd:peer_confirm", args=[sent.request.pk, peer_link_mint(request_id=str(sent.request.pk)).token]
    )


def register(walk: WalkRegistry, *, owner: str) -> None:
    walk.add_object("cpd_peer_link", _link)
    walk.add_rules(
        {
            "cpd:peer_requests": Rule(
                lambda w, p: reverse("cpd:peer_requests", args=[w["cpd_record"].pk]),
                expect={owner: 200},
                default=404,
            ),
            "cpd:peer_confirm": Rule(lambda w, p: w["cpd_peer_link"], expect={owner: 403}, anonymous=200),
        }
    )
