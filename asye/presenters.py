"""Words, dates and tag colours of the ASYE pages, so templates only loop."""

from collections.abc import Iterable
from typing import Any

from django.urls import reverse

from academy.components import Cell, Tag
from academy.presenters import format_date

from .models import (
    AssessorChange,
    AsyeRecord,
    EvidenceKind,
    ProgrammeType,
    ProgrammeTypeVersion,
    RecordStatus,
)
from .selectors import RecordSchedule

STATUS_TAG = {
    RecordStatus.ACTIVE: "green",
    RecordStatus.PAUSED: "yellow",
    RecordStatus.EXTENDED: "orange",
    RecordStatus.WITHDRAWN: "grey",
    RecordStatus.COMPLETED: "blue",
}


def status_tag(record: AsyeRecord) -> Tag:
    status = RecordStatus(record.status)
    return Tag(status.label, STATUS_TAG.get(status, ""))


def person(membership: Any) -> str:
    return str(membership.user.display_name)


def month_words(schedule: RecordSchedule) -> str:
    if schedule.month == 0:
        return "Not started"
    return f"Month {schedule.month} of {schedule.length_months}"


def next_review_cell(schedule: RecordSchedule) -> Cell:
    review = schedule.next_review
    if review is None:
        return Cell("No review due")
    return Cell(format_date(review.due_on), hint=review.label)


RECORDS_HEAD = ["NQSW", "Status", "Month", "Next review due", "Assessor", "Line manager"]


def record_table_row(record: AsyeRecord, schedule: RecordSchedule) -> list[object]:
    where = record.team.name if record.team else record.organisation.name
    return [
        Cell(person(record.nqsw), href=reverse("asye:record", args=[record.pk]), hint=where),
        Cell(tag=status_tag(record)),
        month_words(schedule),
        next_review_cell(schedule),
        person(record.assessor),
        person(record.line_manager),
    ]


def fte_words(record: AsyeRecord) -> str:
    return "Full time (1)" if record.fte == 1 else f"Part time ({record.fte.normalize()})"


def record_summary(record: AsyeRecord, schedule: RecordSchedule, *, can_change: bool) -> list[dict[str, Any]]:
    version = record.programme_version
    version_url = reverse("asye:programme_version", args=[version.programme_type.slug, version.slug])
    rows: list[dict[str, Any]] = [
        {"key": "Status", "value": Cell(tag=status_tag(record))},
        {"key": "Organisation", "value": record.organisation.name},
        {"key": "Team", "value": record.team.name if record.team else "Not set"},
        {"key": "Service area", "value": record.get_service_area_display()},
        {
            "key": "Programme",
            "value": Cell(version.programme_type.name, href=version_url, hint=version.label),
        },
        {"key": "Start date", "value": format_date(record.start_date)},
        {"key": "Contracted hours", "value": fte_words(record)},
        {"key": "Month", "value": month_words(schedule)},
        {"key": "Planned end", "value": format_date(schedule.planned_end)},
        {"key": "Date qualified", "value": format_date(record.date_qualified)},
        {"key": "University", "value": record.university or "Not recorded"},
        {"key": "Social Work England registration", "value": record.swe_number},
        {
            "key": "Assessor",
            "value": person(record.assessor),
            "action_url": reverse("asye:record_assessor", args=[record.pk]) if can_change else "",
            "action_hidden": "assessor",
        },
        {"key": "Line manager", "value": person(record.line_manager)},
    ]
    return rows


HISTORY_HEAD = ["Date", "Assessor", "Changed by", "Reason"]


def history_rows(changes: Iterable[AssessorChange]) -> list[list[object]]:
    rows: list[list[object]] = []
    for change in changes:
        before = f"from {person(change.from_assessor)}" if change.from_assessor else "first assessor"
        rows.append(
            [
                format_date(change.created_at.date()),
                Cell(person(change.to_assessor), hint=before),
                change.changed_by.display_name,
                change.reason,
            ]
        )
    return rows


PAUSES_HEAD = ["From", "To", "Reason"]


def pause_rows(record: AsyeRecord) -> list[list[object]]:
    return [
        [
            format_date(p.starts_on),
            format_date(p.ends_on) if p.ends_on else "Still paused",
            Cell(p.reason, hint=f"Recorded by {p.recorded_by.display_name}"),
        ]
        for p in record.pauses.all()
    ]


# --- Programme types ---------------------------------------------------------------------------------

VERSIONS_HEAD = ["Version", "In force from", "Length"]


def version_rows(programme_type: ProgrammeType) -> list[list[object]]:
    return [
        [
            Cell(v.label, href=reverse("asye:programme_version", args=[programme_type.slug, v.slug])),
            format_date(v.in_force_from) if v.in_force_from else "Always",
            f"{v.length_months} months",
        ]
        for v in programme_type.versions.all()
    ]


def version_summary(version: ProgrammeTypeVersion) -> list[dict[str, Any]]:
    return [
        {"key": "Programme", "value": version.programme_type.name},
        {"key": "Service area", "value": version.programme_type.get_service_area_display()},
        {
            "key": "In force from",
            "value": format_date(version.in_force_from) if version.in_force_from else "Always",
        },
        {"key": "Length at full time", "value": f"{version.length_months} months"},
        {
            "key": "Frameworks",
            "value": Cell(
                ", ".join(f"{v.framework.short_name} ({v.label})" for v in version.frameworks.all()) or "None"
            ),
        },
        {
            "key": "Source",
            "value": Cell(version.source_title or "Published in the portal", hint=version.source_url),
        },
        {"key": "Notes", "value": version.notes or "None"},
    ]


REVIEW_POINTS_HEAD = ["Review", "Month", "Held"]


def review_point_rows(version: ProgrammeTypeVersion) -> list[list[object]]:
    rows: list[list[object]] = []
    for point in sorted(version.review_points, key=lambda p: p["months"]):
        held = "Yes" if point.get("enabled", True) else "Switched off"
        if point.get("optional") and point.get("enabled", True):
            held = "Yes (optional)"
        rows.append([point.get("label") or point["key"], str(point["months"]), held])
    return rows


MINIMUMS_HEAD = ["Kind of evidence", "Accepted items needed"]


def minimum_rows(version: ProgrammeTypeVersion) -> list[list[object]]:
    return [
        [kind.label, Cell(str(version.evidence_minimums.get(kind.value, 0)), numeric=True)]
        for kind in EvidenceKind
    ]


CADENCE_HEAD = ["Period", "Supervision at least every"]


def cadence_rows(version: ProgrammeTypeVersion) -> list[list[object]]:
    rows: list[list[object]] = []
    for band in version.supervision_cadence:
        if "until_weeks" in band:
            period = f"Until week {band['until_weeks']}"
        elif "until_months" in band:
            period = f"Until month {band['until_months']}"
        else:
            period = "To the end"
        rows.append([Cell(period, hint=band.get("label", "")), f"{band['every_days']} days"])
    return rows
