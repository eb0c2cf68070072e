"""Words and cells of the cohort pages: the list, a cohort's summary and people, the import's
preview and the assessor workload. Templates only loop over what these return."""

from collections.abc import Iterable

from django.urls import reverse
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe

from academy.components import Cell, Tag
from academy.presenters import format_date

from ..presenters import person
from .models import Cohort, CohortEntry, CohortImport
from .reading import COLUMNS
from .selectors import AssessorLoad
from .services import ImportPlan, ImportResult, RowAction, RowPlan

COHORTS_HEAD = ["Cohort", "Council", "Starts", "Service area", "Lead PSW", "People"]


def month(cohort: Cohort) -> str:
    return f"{cohort.start_month:%B %Y}"


def cohort_row(cohort: Cohort) -> list[object]:
    people = getattr(cohort, "entry_count", 0)
    under_way = getattr(cohort, "open_count", 0)
    return [
        Cell(cohort.name, href=reverse("asye:cohort", args=[cohort.pk])),
        cohort.organisation.name,
        month(cohort),
        cohort.get_service_area_display(),
        person(cohort.lead_psw) if cohort.lead_psw else "Not chosen",
        Cell(str(people), hint=f"{under_way} with a record under way", numeric=True),
    ]


def cohort_summary(cohort: Cohort) -> list[dict[str, object]]:
    return [
        {"key": "Council", "value": cohort.organisation.name},
        {"key": "Starts", "value": month(cohort)},
        {"key": "Service area", "value": cohort.get_service_area_display()},
        {
            "key": "Lead principal social worker",
            "value": person(cohort.lead_psw) if cohort.lead_psw else "Not chosen",
        },
    ]


WAITING_HEAD = ["Name", "Starts", "Assessor", "Line manager", "Invitation"]


def waiting_row(entry: CohortEntry) -> list[object]:
    invitation = entry.invitation
    if invitation is None:
        status = Tag("No invitation", "grey")
    else:
        status = Tag(str(invitation.status.label), "blue" if invitation.status == "pending" else "grey")
    return [
        Cell(entry.full_name, hint=entry.email),
        format_date(entry.start_date),
        person(entry.assessor),
        person(entry.line_manager),
        Cell(tag=status),
    ]


def started_words(started: int) -> str:
    if not started:
        return "Nobody invited to this cohort has joined since: no record started."
    return f"Started {_n(started, 'record', 'records')} for people who have joined."


# --- The import's preview ---------------------------------------------------------------------------

PREVIEW_HEAD = ["Row", "Name", "Email", "What will happen"]
_WORDS = {
    RowAction.INVITE: (Tag("Will be invited", "green"), "Invited to join; the record starts once they have."),
    RowAction.START: (Tag("Record starts", "green"), "Already has an account here: the ASYE record starts."),
    RowAction.JOIN: (Tag("Joins the cohort", "turquoise"), "Their record under way joins this cohort."),
    RowAction.CHANGE: (Tag("Will change", "yellow"), ""),
    RowAction.SAME: (Tag("No change", "grey"), "Already in this cohort as the file says."),
}


def _outcome(row: RowPlan) -> Cell:
    if row.errors:
        problems = format_html_join(mark_safe("<br>"), "{}: {}", ((e.column, e.message) for e in row.errors))
        return Cell(tag=Tag("Put right", "red"), hint=problems)
    if row.action is None:
        return Cell(tag=Tag("Put right", "red"))
    tag, words = _WORDS[row.action]
    extra = " ".join(row.changes)
    if row.action == RowAction.INVITE and row.invitation is not None:
        extra = "An invitation is already waiting for them: no second email is sent."
    return Cell(tag=tag, hint=" ".join(part for part in (words, extra) if part))


def preview_rows(plan: ImportPlan) -> list[list[object]]:
    return [[str(row.number), row.full_name or "No name", row.email, _outcome(row)] for row in plan.rows]


def preview_errors(plan: ImportPlan, *, href: str) -> list[dict[str, str]]:
    return [
        {"href": href, "text": f"Row {number}, {error.column}: {error.message}"}
        for number, error in plan.errors
    ]


def _n(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"


def plan_words(plan: ImportPlan) -> list[str]:
    """What confirming will do, one line per kind of change."""
    lines = []
    for action, one, many in (
        (RowAction.INVITE, "person will be invited", "people will be invited"),
        (RowAction.START, "record will start", "records will start"),
        (RowAction.JOIN, "record will join the cohort", "records will join the cohort"),
        (RowAction.CHANGE, "person's assignment will change", "people's assignments will change"),
        (
            RowAction.SAME,
            "person is already in the cohort as the file says",
            "people are already in the cohort as the file says",
        ),
    ):
        count = plan.count(action)
        if count:
            lines.append(_n(count, one, many))
    return lines


def import_outcome_words(result: ImportResult, *, name: str) -> str:
    parts = []
    if result.invited:
        parts.append(f"invited {_n(result.invited, 'person', 'people')}")
    if result.started:
        parts.append(f"started {_n(result.started, 'record', 'records')}")
    if result.joined:
        parts.append(f"added {_n(result.joined, 'record', 'records')} to the cohort")
    if result.changed:
        parts.append(f"changed {_n(result.changed, 'assignment', 'assignments')}")
    if not parts:
        return f"Everyone in “{name}” is already in the cohort as the file says: nothing changed."
    return f"Imported “{name}”: " + ", ".join(parts) + "."


COLUMNS_HEAD = ["Column", "Example", "Needed"]


def column_rows() -> list[list[object]]:
    return [[c.heading, c.example, "Yes" if c.required else "No"] for c in COLUMNS]


# --- Assessor workload -------------------------------------------------------------------------------

WORKLOAD_HEAD = ["Assessor", "Organisation", "NQSWs", "Evidence waiting"]


def workload_rows(loads: Iterable[AssessorLoad]) -> list[list[object]]:
    return [
        [
            person(load.membership),
            load.membership.organisation.name,
            Cell(str(load.nqsws), numeric=True),
            Cell(str(load.waiting), numeric=True),
        ]
        for load in loads
    ]


# --- Large imports (Celery) ------------------------------------------------------------------------

JOB_ERRORS_HEAD = ["Row", "Column", "Problem"]
_JOB_COLOURS = {
    "checking": "blue",
    "invalid": "red",
    "ready": "green",
    "importing": "blue",
    "done": "green",
    "failed": "red",
}
_COUNT_WORDS = {
    RowAction.INVITE: "To invite",
    RowAction.START: "Records to start",
    RowAction.JOIN: "Records joining the cohort",
    RowAction.CHANGE: "Assignments to change",
    RowAction.SAME: "No change",
}


def job_summary(job: CohortImport) -> list[dict[str, object]]:
    rows: list[dict[str, object]] = [
        {"key": "File", "value": job.file_name},
        {
            "key": "Status",
            "value": Cell(tag=Tag(job.get_status_display(), _JOB_COLOURS.get(job.status, "grey"))),
        },
    ]
    if job.rows_total:
        rows.append({"key": "Rows", "value": f"{job.rows_total:,}"})
    if job.status == CohortImport.Status.IMPORTING:
        rows.append({"key": "Progress", "value": f"{job.rows_done:,} of {job.rows_total:,} rows imported"})
    counts = job.summary.get("counts", {})
    for action, words in _COUNT_WORDS.items():
        if counts.get(action.value):
            rows.append({"key": words, "value": f"{counts[action.value]:,}"})
    result = job.summary.get("result")
    if result:
        done = ", ".join(f"{key} {value}" for key, value in result.items() if key != "message" and value)
        rows.append({"key": "Result", "value": result.get("message") or done or "Nothing changed"})
    return rows


def job_error_rows(job: CohortImport) -> list[list[object]]:
    return [
        [str(e["row"]) if e.get("row") else "The file", e.get("column", ""), e.get("message", "")]
        for e in job.summary.get("errors", [])
    ]
