"""The agreement's and development plans' rows in the URL walk (called from asye/tests/walk.py).
The walk's record (asye/tests/walk.py) gets a finished, unsigned agreement and one plan row."""

from typing import Any

from django.urls import reverse

from academy.testing.walk import Rule, WalkRegistry, World
from asye.agreement.models import SignatureCapacity

from .agreement_support import AgreementFactory, PlanRowFactory

READERS = {"nqsw": 200, "assessor": 200, "manager": 200, "psw": 200, "academy_admin": 200}
# The assessor and the ASYE lead (PSW, academy admin) write the agreement; the NQSW and the line
# manager read and sign it.
AGREEMENT_WRITERS = {"nqsw": 403, "assessor": 200, "manager": 403, "psw": 200, "academy_admin": 200}
# The NQSW writes the plan; the others who read it may not (403).
PLAN_WRITER = {"nqsw": 200, "assessor": 403, "manager": 403, "psw": 403, "academy_admin": 403}
PLAN_REMOVER = {**PLAN_WRITER, "nqsw": 302}
# The assessor and line manager write review notes.
PLAN_REVIEWERS = {"nqsw": 403, "assessor": 200, "manager": 200, "psw": 403, "academy_admin": 403}
# Each reader signs in their own capacity; people without a relation try the assessor's place.
CAPACITY_OF = {
    "nqsw": SignatureCapacity.NQSW,
    "assessor": SignatureCapacity.ASSESSOR,
    "manager": SignatureCapacity.LINE_MANAGER,
    "psw": SignatureCapacity.ASYE_LEAD,
    "academy_admin": SignatureCapacity.ASYE_LEAD,
}
SIGNERS = dict.fromkeys(CAPACITY_OF, 302)


def _record_url(name: str, *extra: Any) -> Any:
    return lambda world, persona: reverse(name, args=[world["record"].pk, *extra])


def _version_url(world: World, persona: str) -> str:
    agreement = world["agreement"]
    return reverse("asye:agreement_version", args=[agreement.record.pk, agreement.number])


def _sign_url(world: World, persona: str) -> str:
    agreement = world["agreement"]
    capacity = CAPACITY_OF.get(persona, SignatureCapacity.ASSESSOR)
    return reverse("asye:agreement_sign", args=[agreement.record.pk, agreement.number, capacity.value])


def _row_url(name: str) -> Any:
    def url(world: World, persona: str) -> str:
        row = world["plan_row"]
        return reverse(name, args=[row.plan.record.pk, row.pk])

    return url


def register(walk: WalkRegistry) -> None:
    walk.add_object("agreement", lambda world: AgreementFactory(record=world["record"]))
    walk.add_object("plan_row", lambda world: PlanRowFactory(record=world["record"]))
    walk.add_rules(
        {
            "asye:agreement": Rule(_record_url("asye:agreement"), expect=READERS, default=404),
            "asye:agreement_edit": Rule(
                _record_url("asye:agreement_edit"), expect=AGREEMENT_WRITERS, default=404
            ),
            "asye:agreement_version": Rule(_version_url, expect=READERS, default=404),
            "asye:agreement_sign": Rule(_sign_url, method="POST", expect=SIGNERS, default=404),
            "asye:plans": Rule(_record_url("asye:plans"), expect=READERS, default=404),
            "asye:plan_row_add": Rule(
                _record_url("asye:plan_row_add", "initial"), expect=PLAN_WRITER, default=404
            ),
            "asye:plan_row_edit": Rule(_row_url("asye:plan_row_edit"), expect=PLAN_WRITER, default=404),
            "asye:plan_row_review": Rule(
                _row_url("asye:plan_row_review"), expect=PLAN_REVIEWERS, default=404
            ),
            "asye:plan_row_remove": Rule(
                _row_url("asye:plan_row_remove"), method="POST", expect=PLAN_REMOVER, default=404
            ),
        }
    )
