"""The review pages' rows in the URL walk (called from asye/tests/walk.py). The walk's record is
the home NQSW's, assessed by `assessor` and managed by `manager`; its foundational review is
asked for by key."""

from typing import Any

from django.urls import reverse

from academy.testing.walk import Rule, WalkRegistry, World
from asye.signatures import SignatureCapacity

READERS = {"nqsw": 200, "assessor": 200, "manager": 200, "psw": 200, "academy_admin": 200}
# Each part is written by its own role; the others who read the review get 403.
NQSW_WRITES = {"nqsw": 200, "assessor": 403, "manager": 403, "psw": 403, "academy_admin": 403}
MANAGER_WRITES = {"nqsw": 403, "assessor": 403, "manager": 200, "psw": 403, "academy_admin": 403}
ASSESSOR_WRITES = {"nqsw": 403, "assessor": 200, "manager": 403, "psw": 403, "academy_admin": 403}
# The three sign in their own capacity (refused with a message while the review is empty, so a
# redirect back to it); staff do not sign reviews and try the assessor's place.
CAPACITY_OF = {
    "nqsw": SignatureCapacity.NQSW,
    "assessor": SignatureCapacity.ASSESSOR,
    "manager": SignatureCapacity.LINE_MANAGER,
}
SIGNERS = {"nqsw": 302, "assessor": 302, "manager": 302, "psw": 403, "academy_admin": 403}
KEY = "foundational"


def _review_url(name: str) -> Any:
    return lambda world, persona: reverse(name, args=[world["record"].pk, KEY])


def _sign_url(world: World, persona: str) -> str:
    capacity = CAPACITY_OF.get(persona, SignatureCapacity.ASSESSOR)
    return reverse("asye:review_sign", args=[world["record"].pk, KEY, capacity.value])


def register(walk: WalkRegistry) -> None:
    walk.add_rules(
        {
            "asye:reviews_assigned": Rule(lambda world, persona: reverse("asye:reviews_assigned")),
            "asye:reviews": Rule(
                lambda world, persona: reverse("asye:reviews", args=[world["record"].pk]),
                expect=READERS,
                default=404,
            ),
            "asye:review": Rule(_review_url("asye:review"), expect=READERS, default=404),
            "asye:review_reflection": Rule(
                _review_url("asye:review_reflection"), expect=NQSW_WRITES, default=404
            ),
            "asye:review_support": Rule(
                _review_url("asye:review_support"), expect=MANAGER_WRITES, default=404
            ),
            "asye:review_assessment": Rule(
                _review_url("asye:review_assessment"), expect=ASSESSOR_WRITES, default=404
            ),
            "asye:review_sign": Rule(_sign_url, method="POST", expect=SIGNERS, default=404),
        }
    )
