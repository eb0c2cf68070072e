"""What the moderation pages show, as rows the GOV.UK component tags draw."""

from collections.abc import Iterable
from typing import Any

from django.urls import reverse

from academy.components import Cell, PostButton, Tag
from academy.presenters import format_date

from .checklist import EXTERNAL_QUESTIONS, PrefilledItem
from .models import (
    FinalDecision,
    ModerationPanel,
    Outcome,
    PanelAllocation,
    PanelDecision,
    PanelMember,
    PanelStatus,
)

PANELS_HEAD = [
    "Panel",
    "Runs it",
    "Date",
    "Status",
    Cell("Members", numeric=True),
    Cell("Portfolios", numeric=True),
]
MEMBERS_HEAD = ["Name", "Role", "Organisation", ""]
ALLOCATIONS_HEAD = ["NQSW", "Organisation", "Panel's decision", "Employer's decision"]
CHECKLIST_HEAD = ["Question", "From the portfolio", "Moderator's answer"]
EXTERNAL_HEAD = ["Is the recommendation…", "Answer"]

STATUS_TAGS = {PanelStatus.OPEN: Tag("Open", "green"), PanelStatus.CLOSED: Tag("Closed", "grey")}
DECISION_TAGS = {
    "": Tag("Waiting", "blue"),
    PanelDecision.AGREE: Tag("Agreed", "green"),
    PanelDecision.REFER_BACK: Tag("Referred back", "orange"),
}
OUTCOME_TAGS = {Outcome.PASS: Tag("Passed", "green"), Outcome.FAIL: Tag("Not passed", "red")}


def panel_rows(panels: Iterable[Any]) -> list[list[object]]:
    return [
        [
            Cell(panel.title, href=reverse("asye:moderation_panel", args=[panel.pk])),
            panel.organisation.name,
            format_date(panel.held_on),
            Cell(tag=STATUS_TAGS[PanelStatus(panel.status)]),
            Cell(str(panel.member_count), numeric=True),
            Cell(str(panel.allocation_count), numeric=True),
        ]
        for panel in panels
    ]


def panel_summary(panel: ModerationPanel) -> list[dict[str, object]]:
    return [
        {"key": "Runs it", "value": panel.organisation.name},
        {"key": "Date", "value": format_date(panel.held_on)},
        {"key": "Status", "value": Cell(tag=STATUS_TAGS[PanelStatus(panel.status)])},
    ]


def member_rows(
    members: Iterable[PanelMember], *, panel: ModerationPanel, inside: set[int], can_remove: bool
) -> list[list[object]]:
    rows: list[list[object]] = []
    for member in members:
        membership = member.membership
        external = membership.organisation_id not in inside
        buttons = (
            [
                PostButton(
                    reverse("asye:moderation_member_remove", args=[panel.pk, member.pk]),
                    "Remove",
                    hidden=f"{membership.user.display_name} from the panel",
                )
            ]
            if can_remove
            else []
        )
        rows.append(
            [
                membership.user.display_name,
                membership.get_role_display(),
                Cell(membership.organisation.name, tag=Tag("External", "purple") if external else None),
                Cell(buttons=buttons),
            ]
        )
    return rows


def allocation_rows(allocations: Iterable[PanelAllocation]) -> list[list[object]]:
    rows: list[list[object]] = []
    for allocation in allocations:
        record = allocation.record
        final: FinalDecision | None = getattr(record, "final_decision", None)
        rows.append(
            [
                Cell(
                    record.nqsw.user.display_name,
                    href=reverse("asye:moderation_allocation", args=[allocation.pk]),
                ),
                record.organisation.name,
                Cell(tag=DECISION_TAGS[allocation.decision]),
                Cell(tag=OUTCOME_TAGS[Outcome(final.outcome)]) if final else "Not yet",
            ]
        )
    return rows


def allocation_summary(allocation: PanelAllocation) -> list[dict[str, object]]:
    record = allocation.record
    rows: list[dict[str, object]] = [
        {"key": "NQSW", "value": record.nqsw.user.display_name},
        {"key": "Assessor", "value": record.assessor.user.display_name},
        {"key": "Organisation", "value": record.organisation.name},
        {"key": "Programme", "value": record.programme_version.programme_type.name},
        {"key": "Panel", "value": f"{allocation.panel.title}, {format_date(allocation.panel.held_on)}"},
        {"key": "Panel's decision", "value": Cell(tag=DECISION_TAGS[allocation.decision])},
    ]
    if allocation.decision:
        rows.append({"key": "Reasons", "value": allocation.reasons or "None given"})
        rows.append(
            {
                "key": "Decided",
                "value": f"{format_date(allocation.decided_at)} by "
                f"{allocation.decided_by.display_name if allocation.decided_by else 'someone'}",
            }
        )
    if allocation.new_end_date:
        rows.append({"key": "New end date", "value": format_date(allocation.new_end_date)})
    return rows


def checklist_rows(prefilled: list[PrefilledItem], saved: dict[str, Any]) -> list[list[object]]:
    rows: list[list[object]] = []
    for item in prefilled:
        found = saved.get(item.key) or {}
        answer = found.get("answer", "")
        prefilled_words = "Yes" if item.met else "No"
        if not answer:
            given: object = "Not checked yet"
        else:
            corrected = (answer == "yes") != item.met
            given = Cell(
                answer.capitalize(),
                hint=found.get("comment", ""),
                tag=Tag("Corrected", "orange") if corrected else None,
            )
        rows.append([item.label, Cell(prefilled_words, hint=item.facts), given])
    return rows


def external_rows(external: dict[str, Any]) -> list[list[object]]:
    return [
        [label, Cell(external[key]["answer"].capitalize(), hint=external[key].get("comment", ""))]
        for key, label in EXTERNAL_QUESTIONS
        if key in external
    ]


def final_summary(final: FinalDecision) -> list[dict[str, object]]:
    return [
        {"key": "Employer's decision", "value": Cell(tag=OUTCOME_TAGS[Outcome(final.outcome)])},
        {"key": "Decided", "value": f"{format_date(final.decided_on)} by {final.decided_by.display_name}"},
        {"key": "Reasons", "value": final.reasons or "None given"},
    ]


def portfolio_links(record_pk: object) -> list[tuple[str, str]]:
    """The portfolio's pages a moderator reads (read-only): (words, address) for a list of links."""
    pages = [
        ("The ASYE record", "asye:record"),
        ("Evidence", "asye:evidence_list"),
        ("Framework map", "asye:framework_map"),
        ("Support and assessment agreement", "asye:agreement"),
        ("Development plans", "asye:plans"),
        ("Supervision (dates and cadence)", "asye:supervisions"),
        ("Workload and protected time", "asye:workload"),
        ("Reviews", "asye:reviews"),
    ]
    return [(label, reverse(name, args=[record_pk])) for label, name in pages]
