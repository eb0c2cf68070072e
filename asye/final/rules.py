"""What the final assessment asks and when it is finished: pure functions of its data (no
queries), so forms, services and pages agree.

Prompts come from the record's programme version (`forms["final_assessment"]["prompts"]`),
falling back to `PROMPTS`, so councils reword them as data, like the review prompts.
Per framework domain the assessor says whether the NQSW meets it at the end of the year and
why; the domains are the ones reviews judge (`asye.reviews.selectors.review_domains`).
Decided: a recommendation to pass needs every domain met; a fail may rest on one domain or on
the whole picture, so it is not forced either way.
"""

from typing import Any

from .models import Endorsement, Recommendation

NQSW_PART = "nqsw"
ASSESSOR_PART = "assessor"
MANAGER_PART = "manager"

MET = "yes"
NOT_MET = "no"
MET_CHOICES = [(MET, "Met at the level expected at the end of the year"), (NOT_MET, "Not met")]

PROMPTS = {
    "title": "Final assessment",
    "reflection": (
        "Your final critical reflection on the year: what you have learnt and how your practice has changed"
    ),
    "further_development": "Your learning needs and the CPD you plan for the year ahead",
    "report": "The assessor's final report: the evidence the recommendation rests on",
    "recommendation": "Recommendation",
    "judgements": "Judgement against each framework domain",
    "endorsement": "The line manager's endorsement",
    "manager_comments": "Comments on the recommendation and the support given during the year",
}


def prompts(forms: dict[str, Any] | None) -> dict[str, str]:
    own = ((forms or {}).get("final_assessment") or {}).get("prompts") or {}
    return {**PROMPTS, **{k: str(v) for k, v in own.items() if v}}


def missing_parts(values: dict[str, Any], domain_ids: list[int]) -> list[tuple[str, str]]:
    """What must be written before anyone signs, as (part, words) pairs."""
    missing: list[tuple[str, str]] = []
    if not str(values.get("reflection") or "").strip():
        missing.append((NQSW_PART, "the NQSW's final reflection"))
    if not str(values.get("report") or "").strip():
        missing.append((ASSESSOR_PART, "the assessor's final report"))
    if values.get("recommendation") not in Recommendation.values:
        missing.append((ASSESSOR_PART, "the assessor's recommendation (pass or fail)"))
    judgements = values.get("judgements") or {}
    unjudged = [
        pk
        for pk in domain_ids
        if (judgements.get(str(pk)) or {}).get("met") not in (MET, NOT_MET)
        or not str((judgements.get(str(pk)) or {}).get("reason") or "").strip()
    ]
    if unjudged:
        missing.append(
            (ASSESSOR_PART, f"the assessor's judgement and reasons for {len(unjudged)} framework domain(s)")
        )
    if values.get("endorsement") not in Endorsement.values:
        missing.append((MANAGER_PART, "the line manager's endorsement"))
    return missing


def judgement_errors(
    judgements: dict[int, dict[str, str]], domain_ids: set[int], recommendation: str
) -> dict[str, str]:
    """Field errors of the assessor's part: a reason with each judgement, a judgement with each
    reason, and a pass only when every domain judged is met."""
    errors: dict[str, str] = {}
    for pk, judgement in judgements.items():
        met, reason = judgement.get("met") or "", (judgement.get("reason") or "").strip()
        if pk not in domain_ids:
            errors["__all__"] = "Judge only the domains of this record's framework."
        elif reason and not met:
            errors[f"met_{pk}"] = "Say whether the NQSW meets this domain"
        elif met and not reason:
            errors[f"reason_{pk}"] = "Give the reasons for your judgement in this domain"
        elif met and met not in (MET, NOT_MET):
            errors[f"met_{pk}"] = "Choose met or not met"
    if recommendation == Recommendation.PASS and any((j.get("met") == NOT_MET) for j in judgements.values()):
        errors["recommendation"] = "You judged a domain not met: a pass needs every domain met"
    return errors
