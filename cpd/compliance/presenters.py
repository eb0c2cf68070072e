"""Words, tags and table rows of the compliance view and its CSV, so templates only loop. A row
holds a person's name, organisation, team, status and counts: never anything a record says."""

from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import urlencode

from academy.components import Cell, Tag

from .selectors import ComplianceStatus

STATUS_COLOUR = {
    ComplianceStatus.MET: "green",
    ComplianceStatus.ON_TRACK: "blue",
    ComplianceStatus.AT_RISK: "orange",
    ComplianceStatus.NOT_STARTED: "grey",
    ComplianceStatus.NOT_MET: "red",
}

HEAD = [
    "Name",
    "Organisation and team",
    "Status",
    Cell("Completed records", numeric=True),
    Cell("Peer-reflected", numeric=True),
    Cell("Days left", numeric=True),
]
CSV_HEAD = [
    "Name",
    "Email",
    "Organisation",
    "Team",
    "Status",
    "Completed records",
    "Peer-reflected",
    "Days left",
]
COUNTS_HEAD = ["Status", Cell("People", numeric=True)]


def status_tag(status: str) -> Tag:
    return Tag(ComplianceStatus.LABELS[status], STATUS_COLOUR[status])


def days_left_text(days: int | None) -> str:
    return "Ended" if days is None else str(days)


def list_caption(status: str, *, total: int) -> str:
    people = f"{total} {'person' if total == 1 else 'people'}"
    if status:
        return f"{ComplianceStatus.LABELS[status]}: {people}"
    return f"Everyone who keeps CPD: {people}"


def row(person: Mapping[str, Any], *, days: int | None) -> list[object]:
    return [
        Cell(person["full_name"] or person["email"], hint=person["email"] if person["full_name"] else ""),
        Cell(person["organisation_name"], hint=person["team_name"] or "No team"),
        Cell(tag=status_tag(person["status"])),
        Cell(str(person["records"]), numeric=True),
        Cell(str(person["peer_reflected"]), numeric=True),
        Cell(days_left_text(days), numeric=True),
    ]


def rows(people: Iterable[Mapping[str, Any]], *, days: int | None) -> list[list[object]]:
    return [row(person, days=days) for person in people]


def count_rows(
    counts: Mapping[str, int], *, statuses: Iterable[str], base_query: Mapping[str, str], url: str
) -> list[list[object]]:
    """One row per status: its name linking to the list filtered by it, and how many people."""
    found: list[list[object]] = []
    for status in statuses:
        query = urlencode({**base_query, "status": status})
        found.append(
            [
                Cell(ComplianceStatus.LABELS[status], href=f"{url}?{query}"),
                Cell(str(counts.get(status, 0)), numeric=True),
            ]
        )
    found.append(["Everyone", Cell(str(counts.get("total", 0)), numeric=True)])
    return found


# Spreadsheet programs run a cell that starts with one of these as a formula: a name typed as
# "=HYPERLINK(...)" must reach the CSV as text.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_text(value: object) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def csv_row(person: Mapping[str, Any], *, days: int | None) -> list[str]:
    return [
        csv_text(value)
        for value in (
            person["full_name"],
            person["email"],
            person["organisation_name"],
            person["team_name"] or "",
            ComplianceStatus.LABELS[person["status"]],
            person["records"],
            person["peer_reflected"],
            days_left_text(days),
        )
    ]
