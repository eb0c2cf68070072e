"""The year's-end pages' rows in the URL walk (called from asye/tests/walk.py). The walk's record
is the home NQSW's, assessed by `assessor` and managed by `manager`."""

from typing import Any

from django.urls import reverse

from academy.testing.walk import Rule, WalkRegistry, World
from asye.signatures import SignatureCapacity

READERS = {"nqsw": 200, "assessor": 200, "manager": 200, "psw": 200, "academy_admin": 200}
NQSW_WRITES = {"nqsw": 200, "assessor": 403, "manager": 403, "psw": 403, "academy_admin": 403}
ASSESSOR_WRITES = {"nqsw": 403, "assessor": 200, "manager": 403, "psw": 403, "academy_admin": 403}
MANAGER_WRITES = {"nqsw": 403, "assessor": 403, "manager": 200, "psw": 403, "academy_admin": 403}
# The three sign in their own capacity (refused with a message while nothing is written, so a
# redirect back); staff do not sign and try the assessor's place.
SIGNERS = {"nqsw": 302, "assessor": 302, "manager": 302, "psw": 403, "academy_admin": 403}
CAPACITY_OF = {
    "nqsw": SignatureCapacity.NQSW,
    "assessor": SignatureCapacity.ASSESSOR,
    "manager": SignatureCapacity.LINE_MANAGER,
}
# The NQSW posts (an empty confirmation shows the form again with its error; a refused
# submission goes back to the list of reasons); the others read only.
NQSW_CONFIRMS = {"nqsw": 200, "assessor": 403, "manager": 403, "psw": 403, "academy_admin": 403}
NQSW_SUBMITS = {"nqsw": 302, "assessor": 403, "manager": 403, "psw": 403, "academy_admin": 403}
# The employer's side: PSWs and academy admins over the record; the others read it (403).
EMPLOYER = {"nqsw": 403, "assessor": 403, "manager": 403, "psw": 200, "academy_admin": 200}
# With no open pause, "end the pause" sends staff back to the record.
EMPLOYER_REDIRECTED = {"nqsw": 403, "assessor": 403, "manager": 403, "psw": 302, "academy_admin": 302}


def _of_record(name: str) -> Any:
    return lambda world, persona: reverse(name, args=[world["record"].pk])


def _sign_url(world: World, persona: str) -> str:
    capacity = CAPACITY_OF.get(persona, SignatureCapacity.ASSESSOR)
    return reverse("asye:final_sign", args=[world["record"].pk, capacity.value])


def register(walk: WalkRegistry) -> None:
    walk.add_rules(
        {
            "asye:final": Rule(_of_record("asye:final"), expect=READERS, default=404),
            "asye:final_reflection": Rule(
                _of_record("asye:final_reflection"), expect=NQSW_WRITES, default=404
            ),
            "asye:final_report": Rule(_of_record("asye:final_report"), expect=ASSESSOR_WRITES, default=404),
            "asye:final_endorsement": Rule(
                _of_record("asye:final_endorsement"), expect=MANAGER_WRITES, default=404
            ),
            "asye:final_sign": Rule(_sign_url, method="POST", expect=SIGNERS, default=404),
            "asye:final_anonymisation": Rule(
                _of_record("asye:final_anonymisation"), expect=READERS, default=404
            ),
            "asye:final_anonymisation_confirm": Rule(
                _of_record("asye:final_anonymisation_confirm"),
                method="POST",
                expect=NQSW_CONFIRMS,
                default=404,
            ),
            "asye:submission": Rule(_of_record("asye:submission"), expect=READERS, default=404),
            "asye:submission_submit": Rule(
                _of_record("asye:submission_submit"), method="POST", expect=NQSW_SUBMITS, default=404
            ),
            "asye:record_pause": Rule(_of_record("asye:record_pause"), expect=EMPLOYER, default=404),
            "asye:record_pause_end": Rule(
                _of_record("asye:record_pause_end"), expect=EMPLOYER_REDIRECTED, default=404
            ),
            "asye:record_extend": Rule(_of_record("asye:record_extend"), expect=EMPLOYER, default=404),
            "asye:record_withdraw": Rule(_of_record("asye:record_withdraw"), expect=EMPLOYER, default=404),
        }
    )
