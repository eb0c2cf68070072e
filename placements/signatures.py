"""Who signs a placement's meetings, observations and report, and in which capacity (the same
approach as the ASYE's signatures, kept inside this app: it may import only the core).

- `parties`: the capacities a document needs, from the people the placement names: the student
  and the practice educator always; the tutor and the on-site supervisor when the placement has
  one, except on a direct observation (the student and the educator who observed).
- `capacities_of`: the capacities a person holds on a placement (their own place on it, nothing
  else: academy staff do not sign for anyone).
- `refusal`: why the person may not sign in a capacity, or "" when they may. Only a stage 2
  educator signs off the final report of a final placement (DOMAIN.md, PEPS).
"""

from typing import Any

from .models import DocumentKind, EducatorStage, PlacementKind, SignatureCapacity

STATEMENTS = {
    SignatureCapacity.STUDENT: "I have read this record and it is a fair account of my placement.",
    SignatureCapacity.EDUCATOR: "I wrote this record as the student's practice educator and it is accurate.",
    SignatureCapacity.SUPERVISOR: "I have read this record as the student's on-site supervisor.",
    SignatureCapacity.TUTOR: "I have read this record as the student's university tutor.",
}


def parties(*, placement: Any, kind: str) -> list[SignatureCapacity]:
    found = [SignatureCapacity.STUDENT, SignatureCapacity.EDUCATOR]
    if kind == DocumentKind.OBSERVATION:
        return found
    if placement.on_site_supervisor_id:
        found.append(SignatureCapacity.SUPERVISOR)
    if placement.tutor_id:
        found.append(SignatureCapacity.TUTOR)
    return found


def capacities_of(*, placement: Any, user_id: Any) -> list[SignatureCapacity]:
    held = []
    if placement.student_id == user_id:
        held.append(SignatureCapacity.STUDENT)
    if placement.educator.user_id == user_id:
        held.append(SignatureCapacity.EDUCATOR)
    if placement.on_site_supervisor_id == user_id:
        held.append(SignatureCapacity.SUPERVISOR)
    if placement.tutor_id == user_id:
        held.append(SignatureCapacity.TUTOR)
    return held


def signs_off(*, placement: Any, kind: str, capacity: str) -> bool:
    """The educator's signature on the final report of a final placement is the sign-off."""
    return (
        placement.kind == PlacementKind.FINAL
        and kind == DocumentKind.FINAL_REPORT
        and capacity == SignatureCapacity.EDUCATOR
    )


def refusal(*, placement: Any, kind: str, capacity: str, user_id: Any, signed: set[str]) -> str:
    if capacity not in {c.value for c in parties(placement=placement, kind=kind)}:
        return "This record is not signed in that capacity."
    if capacity not in {c.value for c in capacities_of(placement=placement, user_id=user_id)}:
        return f"You are not the {SignatureCapacity(capacity).label.lower()} on this placement."
    if capacity in signed:
        return "You have already signed this record."
    if signs_off(placement=placement, kind=kind, capacity=capacity) and (
        placement.educator.stage != EducatorStage.STAGE_2
    ):
        return "Only a stage 2 practice educator can sign off a final placement."
    return ""
