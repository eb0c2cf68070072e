"""The portfolio PDF's "Final assessment" section (registered from `AsyeConfig.ready()`): the
NQSW's final reflection, the assessor's report, recommendation and judgement per domain, the line
manager's endorsement, and the three signatures (which the closing "Signatures" section lists)."""

from asye.export.portfolio import people_of, signature_lines, when
from asye.export.sections import Portfolio, Section, SectionContent

from .models import Endorsement, Recommendation
from .rules import MET, NOT_MET
from .selectors import final_domains, final_of

JUDGEMENTS_HEAD = ["Domain", "Met", "Reasons"]
MET_WORDS = {MET: "Met", NOT_MET: "Not met"}


def final_assessment_section(portfolio: Portfolio) -> SectionContent | None:
    """None when no final assessment has been started: the section is left out."""
    record = portfolio.record
    final = final_of(record=record)
    if final is None:
        return None
    people = people_of(portfolio)
    signed = signature_lines("Final assessment", final.signatures.all(), people)
    judgements = []
    for domain in final_domains(record=record):
        judged = (final.judgements or {}).get(str(domain.pk)) or {}
        judgements.append(
            [
                f"{domain.code} {domain.title}".strip(),
                MET_WORDS.get(judged.get("met", ""), "Not judged"),
                judged.get("reason") or "",
            ]
        )
    recommendation = (
        Recommendation(final.recommendation).label if final.recommendation in Recommendation.values else ""
    )
    endorsement = Endorsement(final.endorsement).label if final.endorsement in Endorsement.values else ""
    return SectionContent(
        {
            "completed": when(final.completed_at),
            "nqsw": [
                ("Final reflection", final.reflection),
                ("Further development", final.further_development),
            ],
            "report": final.report,
            "recommendation": recommendation,
            "judgements": judgements,
            "judgements_head": JUDGEMENTS_HEAD,
            "endorsement": endorsement,
            "manager_comments": final.manager_comments,
            "signed": signed,
        },
        signed,
    )


SECTION = Section(
    key="final_assessment",
    title="Final assessment",
    order=70,  # after the reviews (60)
    template="asye/final/export_section.html",
    build=final_assessment_section,
)
