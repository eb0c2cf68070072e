"""The portfolio PDF's "Moderation outcome" section (registered from `AsyeConfig.ready()`): each
time the portfolio went before a panel (the panel, its date, the checklist answers with comments,
the external questions, the decision) and the employer's final decision. Moderators and the
employer's decider are added to the portfolio's people, so the anonymised copy replaces them."""

from typing import Any

from asye.export.portfolio import people_of
from asye.export.sections import Portfolio, Section, SectionContent

from .checklist import EXTERNAL_QUESTIONS, ITEMS
from .models import Answer, Outcome, PanelDecision
from .selectors import final_decision_of, moderation_history

ANSWERS_HEAD = ["Question", "Answer", "Comment"]


def _name(user: Any) -> str:
    return str(user.display_name) if user is not None else ""


def _answers(questions: tuple[tuple[str, str], ...], given: dict[str, Any]) -> list[list[str]]:
    rows = []
    for key, label in questions:
        answer = (given or {}).get(key) or {}
        value = answer.get("answer", "")
        rows.append(
            [
                label,
                Answer(value).label if value in Answer.values else "Not answered",
                answer.get("comment") or "",
            ]
        )
    return rows


def moderation_section(portfolio: Portfolio) -> SectionContent | None:
    """None when the portfolio has not been before a panel: the section is left out."""
    record = portfolio.record
    allocations = list(moderation_history(record=record))
    if not allocations:
        return None
    people = people_of(portfolio)
    panels = []
    for allocation in allocations:
        people.add_user(allocation.checked_by, "Moderator")
        people.add_user(allocation.decided_by, "Moderator")
        panel = allocation.panel
        panels.append(
            {
                "title": panel.title,
                "organisation": panel.organisation.name,
                "held_on": format_day(panel.held_on),
                "checked_by": _name(allocation.checked_by),
                "checklist": _answers(ITEMS, allocation.checklist) if allocation.checklist else [],
                "external": _answers(EXTERNAL_QUESTIONS, allocation.external) if allocation.external else [],
                "shortcomings": allocation.shortcomings,
                "decision": (
                    PanelDecision(allocation.decision).label
                    if allocation.decision in PanelDecision.values
                    else ""
                ),
                "decided_by": _name(allocation.decided_by),
                "reasons": allocation.reasons,
                "new_end_date": format_day(allocation.new_end_date) if allocation.new_end_date else "",
            }
        )
    decision = final_decision_of(record=record)
    final = None
    if decision is not None:
        people.add_user(decision.decided_by, "Employer's decision maker")
        final = {
            "outcome": Outcome(decision.outcome).label,
            "reasons": decision.reasons,
            "decided_by": _name(decision.decided_by),
            "decided_on": format_day(decision.decided_on),
        }
    return SectionContent({"panels": panels, "final": final, "answers_head": ANSWERS_HEAD})


def format_day(value: Any) -> str:
    return f"{value.day} {value:%B %Y}"


SECTION = Section(
    key="moderation_outcome",
    title="Moderation outcome",
    order=80,  # after the final assessment (70), before the signatures (90)
    template="asye/moderation/export_section.html",
    build=moderation_section,
)
