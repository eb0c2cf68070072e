"""Reads of agreements and development plans. Every page starts from the record's access
selector (`asye.selectors.record_get_for_user`: 404 for people with no relation to the record);
these add who may write what (403 for readers who may not).

Who may do what (decided):

- Read the agreement and the plans: everyone who may read the record.
- Write the agreement: the assessor (FORMS.md: the assessor completes it after the meeting) and
  the ASYE lead (a PSW or academy admin over the record's organisation), who owns the
  employer's standard parts. The NQSW and line manager read and sign it.
- Sign it: each person in their own capacity only — the record's NQSW as NQSW, its assessor as
  assessor, its line manager as line manager, a PSW or academy admin over it as ASYE lead.
- Write a plan's rows (learning need, action, support, target date, evidence of progress): the
  NQSW, whose plan it is. The review note column: the assessor and the line manager, who review
  progress with the NQSW in supervision and at reviews. Staff read.
"""

from uuid import UUID

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Prefetch, QuerySet
from django.http import Http404

from academy.scope import Scope
from asye.models import AsyeRecord
from asye.selectors import ASSESSOR, LINE_MANAGER, NQSW, STAFF, record_get_for_user, record_relations

from . import rules
from .models import Agreement, AgreementSignature, DevelopmentPlan, PlanRow, SignatureCapacity

# The relation to the record that gives each signing capacity.
CAPACITY_RELATION = {
    SignatureCapacity.NQSW: NQSW,
    SignatureCapacity.ASSESSOR: ASSESSOR,
    SignatureCapacity.LINE_MANAGER: LINE_MANAGER,
    SignatureCapacity.ASYE_LEAD: STAFF,
}
AGREEMENT_WRITERS = frozenset({ASSESSOR, STAFF})
PLAN_WRITERS = frozenset({NQSW})
PLAN_REVIEWERS = frozenset({ASSESSOR, LINE_MANAGER})


def capacities_held(relations: frozenset[str]) -> list[SignatureCapacity]:
    """The capacities a person with these relations to a record may sign in."""
    return [capacity for capacity, relation in CAPACITY_RELATION.items() if relation in relations]


def _signatures() -> Prefetch:
    return Prefetch(
        "signatures",
        queryset=AgreementSignature.objects.select_related("user").order_by("signed_at", "id"),
    )


def agreement_latest(*, record: AsyeRecord) -> Agreement | None:
    """The record's newest agreement version with its signatures (and signers), or None."""
    return (
        Agreement.objects.filter(record=record)
        .select_related("created_by", "updated_by")
        .prefetch_related(_signatures())
        .order_by("-number")
        .first()
    )


def agreement_versions(*, record: AsyeRecord) -> QuerySet[Agreement]:
    """Every version of the record's agreement, newest first, with how many signed each."""
    return (
        Agreement.objects.filter(record=record)
        .select_related("created_by")
        .annotate(signature_count=Count("signatures"))
        .order_by("-number")
    )


def agreement_version_get(*, record: AsyeRecord, number: int) -> Agreement:
    found = (
        Agreement.objects.filter(record=record, number=number)
        .select_related("created_by", "updated_by")
        .prefetch_related(_signatures())
        .first()
    )
    if found is None:
        raise Http404("No such version of the agreement.")
    return found


def record_for_agreement(
    *, scope: Scope, pk: UUID | str, write: bool = False
) -> tuple[AsyeRecord, frozenset[str]]:
    """The record and the person's relations to it: 404 without one, 403 on `write` unless they
    are its assessor or staff over it."""
    record = record_get_for_user(scope=scope, pk=pk)
    relations = record_relations(scope=scope, record=record)
    if write and not relations & AGREEMENT_WRITERS:
        raise PermissionDenied("Only the assessor or the ASYE lead can change the agreement.")
    return record, relations


def record_for_plans(
    *, scope: Scope, pk: UUID | str, write: bool = False
) -> tuple[AsyeRecord, frozenset[str]]:
    """The record and the person's relations to it: 404 without one, 403 on `write` unless it is
    their own record (the NQSW writes the plans)."""
    record = record_get_for_user(scope=scope, pk=pk)
    relations = record_relations(scope=scope, record=record)
    if write and not relations & PLAN_WRITERS:
        raise PermissionDenied("Only the NQSW writes their development plans.")
    return record, relations


def plans_of(*, record: AsyeRecord) -> dict[str, DevelopmentPlan]:
    """The record's plans by period, each with its rows (and who reviewed them)."""
    rows = PlanRow.objects.select_related("reviewed_by").order_by("created_at", "id")
    plans = DevelopmentPlan.objects.filter(record=record).prefetch_related(Prefetch("rows", queryset=rows))
    return {plan.period: plan for plan in plans}


def plan_row_get_for_user(
    *, scope: Scope, pk: UUID | str, row_pk: UUID | str, write: str = ""
) -> tuple[PlanRow, frozenset[str]]:
    """One row of one of the record's plans: 404 when the person cannot read the record or the
    row is not the record's; 403 when `write` is "plan" and they are not the NQSW, or "review"
    and they are neither the assessor nor the line manager."""
    record, relations = record_for_plans(scope=scope, pk=pk)
    row = PlanRow.objects.select_related("plan", "reviewed_by").filter(pk=row_pk, plan__record=record).first()
    if row is None:
        raise Http404("No such row in this development plan.")
    row.plan.record = record
    if write == "plan" and not relations & PLAN_WRITERS:
        raise PermissionDenied("Only the NQSW writes their development plans.")
    if write == "review" and not relations & PLAN_REVIEWERS:
        raise PermissionDenied("Only the assessor or the line manager writes review notes.")
    return row, relations


def agreement_initial_answers(*, record: AsyeRecord) -> dict[str, str]:
    """What version 1 holds before anyone types: the employer's standard parts from the
    programme version (supervision frequencies, workload, protected time, responsibilities)."""
    version = record.programme_version
    return rules.agreement_prefill(
        definition=rules.agreement_form(version.forms),
        cadence=version.supervision_cadence,
        review_points=version.enabled_review_points(),
        team=record.team.name if record.team else "",
    )
