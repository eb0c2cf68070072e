"""What a review asks, read from the record's programme version: pure functions of its data
(no queries), so the forms, the services and the pages agree.

`forms["review"]` (and `forms["review_final"]` for the final review's title and guidance)::

    {"title", "guidance",
     "prompts": {"nqsw_reflection", "self_assessment", "support_received", "supervision",
                 "workload", "protected_time", "progress", "progress_summary", "concerns",
                 "assessor_change", "next_plan"},
     "self_assessment_service_areas": ["children_families"],  # where the NQSW's
                                            # self-assessment is part of every review
     "self_assessment": true,               # a version may ask for it whatever the area
     "judged_frameworks": ["pcf", ...]}     # frameworks whose domains the assessor judges

A version's own form wins key by key (prompts too); whatever it lacks comes from the shared
file (`asye/programme_data/_forms.json`), so a version published before a prompt existed still
has a label for it.
"""

from dataclasses import dataclass
from typing import Any

from asye.agreement import rules as agreement_rules
from asye.dates import ReviewDue
from asye.models import ReviewKey
from asye.programme_loader import shared_forms

from .models import CONCERNS

# The parts of a review and who writes each.
NQSW_PART = "nqsw"
MANAGER_PART = "manager"
ASSESSOR_PART = "assessor"

NQSW_FIELDS = ("reflection", "self_assessment")
MANAGER_FIELDS = ("supervision", "workload", "protected_time")
ASSESSOR_FIELDS = ("judgements", "progress_summary", "action_plan")

FALLBACK_PROMPTS = {
    "nqsw_reflection": "Your reflection on your progress and continuing needs",
    "self_assessment": "Your self-assessment against the standards",
    "support_received": "Support received",
    "supervision": "Supervision held since the last review",
    "workload": "Workload",
    "protected_time": "Protected development time used",
    "progress": "Progress against the framework",
    "progress_summary": "Overall progress",
    "concerns": "Action plan",
    "assessor_change": "Change of assessor",
    "next_plan": "The next development plan",
}


@dataclass(frozen=True)
class ReviewForm:
    title: str
    guidance: str
    prompts: dict[str, str]
    self_assessment_areas: tuple[str, ...]
    self_assessment_always: bool
    judged_frameworks: tuple[str, ...]

    def prompt(self, key: str) -> str:
        return self.prompts.get(key) or FALLBACK_PROMPTS.get(key, key)


def _merged(forms: dict[str, Any], name: str) -> dict[str, Any]:
    shared = shared_forms().get(name) or {}
    own = (forms or {}).get(name) or {}
    merged = {**shared, **own}
    merged["prompts"] = {**(shared.get("prompts") or {}), **(own.get("prompts") or {})}
    return merged


def review_form(forms: dict[str, Any], key: str) -> ReviewForm:
    """The form a review at point `key` follows; the final review takes its title and guidance
    from `review_final` where the version has one."""
    base = _merged(forms, "review")
    title, guidance = base.get("title", "Progress review"), base.get("guidance", "")
    if key == ReviewKey.FINAL:
        final = _merged(forms, "review_final")
        title, guidance = final.get("title") or title, final.get("guidance") or guidance
    return ReviewForm(
        title=str(title),
        guidance=str(guidance),
        prompts=dict(base["prompts"]),
        self_assessment_areas=tuple(base.get("self_assessment_service_areas") or ()),
        self_assessment_always=bool(base.get("self_assessment", False)),
        judged_frameworks=tuple(base.get("judged_frameworks") or ()),
    )


def asks_self_assessment(form: ReviewForm, service_area: str) -> bool:
    """Child and family NQSWs complete a self-assessment at their reviews; elsewhere only when
    the programme version asks."""
    return form.self_assessment_always or service_area in form.self_assessment_areas


def review_point(dues: list[ReviewDue], key: str) -> ReviewDue | None:
    return next((due for due in dues if due.key == key), None)


def previous_point(dues: list[ReviewDue], key: str) -> ReviewDue | None:
    """The review point before `key` in due-date order (None for the first)."""
    before = None
    for due in dues:
        if due.key == key:
            return before
        before = due
    return None


def next_plan_period(forms: dict[str, Any], months: int) -> agreement_rules.Period | None:
    """The development plan that follows a review at `months`: the period starting there (or
    the first one starting later)."""
    later = [p for p in agreement_rules.pdp_periods(forms) if p.from_months >= months]
    return min(later, key=lambda p: p.from_months, default=None)


def missing_parts(
    *,
    asks_self: bool,
    domain_ids: list[int],
    values: dict[str, Any],
) -> list[tuple[str, str]]:
    """What must be written before anyone signs, as (part, words) pairs. `values` holds the
    review's fields (`judgements`, `action_plan` as stored)."""
    missing: list[tuple[str, str]] = []
    if not str(values.get("reflection", "")).strip():
        missing.append((NQSW_PART, "the NQSW's reflection"))
    if asks_self and not str(values.get("self_assessment", "")).strip():
        missing.append((NQSW_PART, "the NQSW's self-assessment"))
    for field, words in (
        ("supervision", "the supervision held"),
        ("workload", "the workload"),
        ("protected_time", "the protected time used"),
    ):
        if not str(values.get(field, "")).strip():
            missing.append((MANAGER_PART, f"the line manager's account of {words}"))
    judgements = values.get("judgements") or {}
    unjudged = [pk for pk in domain_ids if not (judgements.get(str(pk)) or {}).get("rating")]
    if unjudged:
        missing.append((ASSESSOR_PART, f"the assessor's judgement of {len(unjudged)} framework domain(s)"))
    if has_concerns(judgements) and not values.get("action_plan"):
        missing.append((ASSESSOR_PART, "an action plan with dates, because there are concerns"))
    return missing


def has_concerns(judgements: dict[str, Any]) -> bool:
    return any((j or {}).get("rating") in CONCERNS for j in judgements.values())
