"""What the placements templates print: table rows, summary lists and tags, with dates
formatted and each status mapped to its words and colour. Templates only loop."""

import datetime
from typing import Any

from django.urls import reverse
from django.utils import timezone

from academy.components import Cell, PostButton, Tag

from .models import (
    DocumentKind,
    Placement,
    PlacementDay,
    PlacementDocument,
    PlacementExtension,
    PlacementOffer,
    PlacementRequest,
    PlacementSignature,
    PracticeEducator,
    PracticeSetting,
    UniversityPartnership,
)
from .rules import Currency, CurrencyState, DaysSummary

CURRENCY_COLOURS = {
    Currency.IN_TRAINING: "blue",
    Currency.NOT_RECORDED: "grey",
    Currency.CURRENT: "green",
    Currency.LAPSING: "yellow",
    Currency.LAPSED: "red",
}


def day(value: datetime.date | None, empty: str = "Not recorded") -> str:
    return f"{value.day} {value:%B %Y}" if value else empty


def currency_tag(state: CurrencyState) -> Tag:
    return Tag(state.label, CURRENCY_COLOURS[state.status])


def currency_words(state: CurrencyState, *, today: datetime.date) -> str:
    if state.lapses_on is None:
        return ""
    if state.status == Currency.LAPSED:
        return f"Lapsed on {day(state.lapses_on)}"
    left = (state.lapses_on - today).days
    return f"Current until {day(state.lapses_on - datetime.timedelta(days=1))} ({left} days left)"


def settings_words(values: list[str]) -> str:
    labels = dict(PracticeSetting.choices)
    return ", ".join(str(labels.get(v, v)) for v in values) or "None recorded"


REGISTER_HEAD = [
    "Educator",
    "Stage",
    "Currency",
    Cell("Students a year", numeric=True),
    "Role",
    "Organisation",
]


def register_row(entry: PracticeEducator, *, state: CurrencyState, today: datetime.date) -> list[object]:
    return [
        Cell(
            entry.user.display_name,
            href=reverse("placements:educator", args=[entry.pk]),
            hint=entry.team.name if entry.team else "",
        ),
        entry.get_stage_display(),
        Cell(tag=currency_tag(state), hint=currency_words(state, today=today), small=False),
        Cell(str(entry.capacity_per_year), numeric=True),
        entry.get_role_display(),
        entry.organisation.name,
    ]


def educator_summary(
    entry: PracticeEducator, *, state: CurrencyState, today: datetime.date, change_url: str = ""
) -> list[dict[str, object]]:
    def row(key: str, value: object) -> dict[str, object]:
        return {"key": key, "value": value, "action_url": change_url}

    unavailable = ""
    if entry.unavailable_from or entry.unavailable_until:
        unavailable = (
            f"{day(entry.unavailable_from, 'Until')} to {day(entry.unavailable_until, 'further notice')}"
        )
        if not entry.unavailable_from:
            unavailable = f"Until {day(entry.unavailable_until)}"
    return [
        {"key": "Name", "value": Cell(entry.user.display_name, hint=entry.user.email)},
        {"key": "Organisation", "value": entry.organisation.name},
        row("Team", entry.team.name if entry.team else "Not set"),
        row("Stage", entry.get_stage_display()),
        row("Date qualified at this stage", day(entry.qualified_on, "In training")),
        row("Last student supported", day(entry.last_student_on)),
        row("Last update attended", day(entry.last_update_on)),
        {"key": "Currency", "value": Cell(tag=currency_tag(state), hint=currency_words(state, today=today))},
        row("Students a year", str(entry.capacity_per_year)),
        row("Settings they can offer", settings_words(entry.settings_offered)),
        row("Role with students", entry.get_role_display()),
        row("Not available", unavailable or "Available"),
        row("Notes", entry.notes or "None"),
    ]


def register_caption(*, total: int, filtered: bool) -> str:
    noun = "educator" if total == 1 else "educators"
    return f"{total} practice {noun}" + (" matching the filters" if filtered else " on the register")


# --- University partners and placement requests -------------------------------------------------

REQUEST_STATUS_COLOURS = {"open": "blue", "filled": "green", "withdrawn": "grey"}

PARTNERS_HEAD = ["University", "Places students with", "Status", "Since"]


def partnership_row(partnership: UniversityPartnership) -> list[object]:
    status = Tag("Active", "green") if partnership.is_active else Tag("Ended", "grey")
    return [
        partnership.university.name,
        partnership.partner.name,
        Cell(tag=status),
        day(timezone.localtime(partnership.created_at).date()),
    ]


REQUESTS_HEAD = [
    "Request",
    "University",
    "Asked of",
    "Dates",
    Cell("Students", numeric=True),
    Cell("Places offered", numeric=True),
    "Status",
]


def request_status_tag(placement_request: PlacementRequest) -> Tag:
    return Tag(placement_request.get_status_display(), REQUEST_STATUS_COLOURS[placement_request.status])


def request_row(placement_request: PlacementRequest) -> list[object]:
    offered = getattr(placement_request, "places_offered", 0)
    return [
        Cell(
            placement_request.get_kind_display(),
            href=reverse("placements:request", args=[placement_request.pk]),
            hint=f"{placement_request.days_required} days",
        ),
        placement_request.university.name,
        placement_request.partner.name,
        f"{day(placement_request.starts_on)} to {day(placement_request.ends_on)}",
        Cell(str(placement_request.students), numeric=True),
        Cell(str(offered), numeric=True),
        Cell(tag=request_status_tag(placement_request)),
    ]


def request_summary(placement_request: PlacementRequest) -> list[dict[str, object]]:
    return [
        {"key": "University", "value": placement_request.university.name},
        {"key": "Asked of", "value": placement_request.partner.name},
        {"key": "Placement", "value": placement_request.get_kind_display()},
        {"key": "Days required", "value": str(placement_request.days_required)},
        {
            "key": "Dates",
            "value": f"{day(placement_request.starts_on)} to {day(placement_request.ends_on)}",
        },
        {"key": "Students", "value": str(placement_request.students)},
        {"key": "Settings wanted", "value": settings_words(placement_request.settings_wanted)},
        {"key": "Notes", "value": placement_request.notes or "None"},
        {"key": "Status", "value": Cell(tag=request_status_tag(placement_request))},
        {
            "key": "Requested by",
            "value": Cell(
                placement_request.requested_by.display_name,
                hint=day(timezone.localtime(placement_request.created_at).date()),
            ),
        },
    ]


OFFERS_HEAD = ["Team", "Setting", Cell("Places", numeric=True), "Offered by"]


def offer_row(offer: PlacementOffer) -> list[object]:
    return [
        Cell(offer.team.name, hint=offer.team.organisation.name),
        offer.get_setting_display(),
        Cell(str(offer.places), numeric=True),
        Cell(offer.offered_by.display_name, hint=offer.notes),
    ]


# --- Matching and placements ----------------------------------------------------------------------


def educator_about(educator: PracticeEducator) -> str:
    return f"{educator.get_stage_display()}, {educator.get_role_display().lower()}"


PROPOSALS_HEAD = ["Team", "Practice educator", "Setting", Cell("Capacity left", numeric=True), "Suitable"]


def proposal_row(proposal: Any, *, confirm_url: str) -> list[object]:
    educator = proposal.educator
    verdict = proposal.verdict
    if verdict.suitable:
        suitable = Cell(tag=Tag("Suitable", "green"), href="", hint="")
        who = Cell(
            educator.user.display_name,
            href=confirm_url,
            hint=f"{educator.get_stage_display()}, {educator.get_role_display().lower()}",
        )
    else:
        suitable = Cell(tag=Tag("Not suitable", "red"), hint="; ".join(verdict.reasons))
        who = Cell(
            educator.user.display_name,
            hint=f"{educator.get_stage_display()}, {educator.get_role_display().lower()}",
        )
    return [
        Cell(proposal.offer.team.name, hint=proposal.offer.team.organisation.name),
        who,
        proposal.offer.get_setting_display(),
        Cell(str(verdict.capacity_left), numeric=True),
        suitable,
    ]


PLACEMENT_STATUS_COLOURS = {
    "planned": "blue",
    "active": "turquoise",
    "completed": "green",
    "ended_early": "grey",
}


def placement_summary(placement: Placement) -> list[dict[str, object]]:
    def name(user: Any, empty: str = "Not named") -> object:
        return Cell(user.display_name, hint=user.email) if user else empty

    rows: list[dict[str, object]] = [
        {"key": "Student", "value": name(placement.student)},
        {"key": "University", "value": placement.university.name},
        {"key": "Tutor", "value": name(placement.tutor)},
        {"key": "Placement", "value": placement.get_kind_display()},
        {"key": "Team", "value": Cell(placement.team.name, hint=placement.organisation.name)},
        {"key": "Setting", "value": placement.get_setting_display()},
        {
            "key": "Practice educator",
            "value": Cell(
                placement.educator.user.display_name,
                hint=educator_about(placement.educator),
            ),
        },
    ]
    if placement.on_site_supervisor_id:
        rows.append({"key": "On-site supervisor", "value": name(placement.on_site_supervisor)})
    rows += [
        {"key": "Dates", "value": f"{day(placement.starts_on)} to {day(placement.ends_on)}"},
        {"key": "Days required", "value": str(placement.days_required)},
        {
            "key": "Status",
            "value": Cell(
                tag=Tag(placement.get_status_display(), PLACEMENT_STATUS_COLOURS[placement.status])
            ),
        },
    ]
    return rows


PLACEMENTS_HEAD = ["Student", "Placement", "Team", "Practice educator", "Dates", "Status"]


def placement_row(placement: Placement) -> list[object]:
    return [
        Cell(placement.student.display_name, href=reverse("placements:placement", args=[placement.pk])),
        placement.get_kind_display(),
        Cell(placement.team.name, hint=placement.organisation.name),
        placement.educator.user.display_name,
        f"{day(placement.starts_on)} to {day(placement.ends_on)}",
        Cell(tag=Tag(placement.get_status_display(), PLACEMENT_STATUS_COLOURS[placement.status])),
    ]


def proposal_summary(
    placement_request: PlacementRequest, *, offer: PlacementOffer, educator: PracticeEducator, student: Any
) -> list[dict[str, object]]:
    return [
        {"key": "Student", "value": Cell(student.display_name, hint=placement_request.university.name)},
        {"key": "Placement", "value": placement_request.get_kind_display()},
        {"key": "Team", "value": Cell(offer.team.name, hint=offer.team.organisation.name)},
        {"key": "Setting", "value": offer.get_setting_display()},
        {
            "key": "Practice educator",
            "value": Cell(educator.user.display_name, hint=educator_about(educator)),
        },
        {
            "key": "Dates",
            "value": f"{day(placement_request.starts_on)} to {day(placement_request.ends_on)}",
        },
        {"key": "Days required", "value": str(placement_request.days_required)},
    ]


# --- Placement days ---------------------------------------------------------------------------------


def _plural(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def days_summary_rows(summary: DaysSummary) -> list[dict[str, object]]:
    if summary.met:
        total = Cell(f"{summary.counted} of {summary.required} days", tag=Tag("Requirement met", "green"))
    else:
        total = Cell(
            f"{summary.counted} of {summary.required} days",
            tag=Tag(f"{summary.short_by} short", "yellow"),
        )
    skills = _plural(summary.skills, "skills day", "skills days")
    if summary.skills_over_cap:
        skills += f" ({summary.skills_over_cap} over the cap, not counted)"
    return [
        {"key": "Days counted", "value": total},
        {"key": "Practice days confirmed", "value": str(summary.practice)},
        {"key": "Skills days confirmed", "value": skills},
        {"key": "Waiting to be confirmed", "value": _plural(summary.awaiting, "day", "days")},
        {"key": "Absences", "value": _plural(summary.absences, "day", "days")},
    ]


DAYS_HEAD = ["Day", "Kind", "Note", "Confirmed"]


def day_row(entry: PlacementDay, *, confirm_url: str) -> list[object]:
    if entry.confirmed_at:
        confirmed = Cell(
            tag=Tag("Confirmed", "green"),
            hint=f"by {entry.confirmed_by.display_name}" if entry.confirmed_by else "",
        )
    elif entry.kind == "absence":
        confirmed = Cell(tag=Tag("Not counted", "grey"))
    elif confirm_url:
        confirmed = Cell(buttons=[PostButton(confirm_url, "Confirm", hidden=f"{day(entry.day)}")])
    else:
        confirmed = Cell(tag=Tag("Waiting", "grey"))
    return [day(entry.day), entry.get_kind_display(), entry.note, confirmed]


EXTENSIONS_HEAD = ["Agreed", "From", "To", "Reason"]


def extension_row(extension: PlacementExtension) -> list[object]:
    return [
        Cell(day(timezone.localtime(extension.created_at).date()), hint=extension.agreed_by.display_name),
        day(extension.previous_ends_on),
        day(extension.ends_on),
        extension.reason,
    ]


# --- Meetings, observations and the final report ---------------------------------------------

DOCUMENTS_HEAD = ["Record", "Date", "Signatures"]


def document_status_tag(*, signed: int, needed: int) -> Tag:
    if signed == 0:
        return Tag("Not signed", "grey")
    if signed < needed:
        return Tag(f"Signed by {signed} of {needed}", "yellow")
    return Tag("Signed", "green")


def document_row(document: PlacementDocument, *, needed: int) -> list[object]:
    return [
        Cell(
            document.get_kind_display(),
            href=reverse("placements:document", args=[document.placement_id, document.pk]),
        ),
        day(document.held_on),
        Cell(tag=document_status_tag(signed=getattr(document, "signature_count", 0), needed=needed)),
    ]


def observations_words(*, recorded: int, required: int) -> str:
    return f"{recorded} of {required} direct observation{'s' if required != 1 else ''} recorded"


def document_summary(document: PlacementDocument) -> list[dict[str, object]]:
    rows: list[dict[str, object]] = [
        {"key": "Date", "value": day(document.held_on)},
        {"key": "Summary", "value": document.summary},
        {"key": "Learning needs", "value": document.learning_needs or "None recorded"},
    ]
    if document.kind == DocumentKind.FINAL_REPORT:
        rows.append({"key": "Recommendation", "value": document.get_recommendation_display()})
    rows.append({"key": "Written by", "value": document.written_by.display_name})
    return rows


SIGNATURES_HEAD = ["Signs as", "Name", "Signed"]


def signature_rows(
    *, parties: list[Any], placement: Placement, signed: list[PlacementSignature]
) -> list[list[object]]:
    """Who signs, who has, and when."""
    by_capacity = {s.capacity: s for s in signed}
    people = {
        "student": placement.student,
        "educator": placement.educator.user,
        "supervisor": placement.on_site_supervisor,
        "tutor": placement.tutor,
    }
    rows: list[list[object]] = []
    for capacity in parties:
        signature = by_capacity.get(capacity.value)
        person = people[capacity.value]
        rows.append(
            [
                capacity.label,
                person.display_name if person else "Not named",
                day(timezone.localtime(signature.signed_at).date())
                if signature
                else Cell(tag=Tag("Not signed yet", "grey")),
            ]
        )
    return rows


# --- Figures -----------------------------------------------------------------------------------

UNIVERSITY_FIGURES_HEAD = [
    "University",
    "Places requested",
    "Places offered",
    "Placements filled",
    "Days short",
]
TEAM_FIGURES_HEAD = ["Team", "Places offered", "Placements filled", "Days short"]


def _n(value: int) -> Cell:
    return Cell(str(value), numeric=True)


def university_figures_row(row: Any) -> list[object]:
    return [row.name, _n(row.requested), _n(row.offered), _n(row.filled), _n(row.days_short)]


def team_figures_row(row: Any) -> list[object]:
    return [Cell(row.name, hint=row.hint), _n(row.offered), _n(row.filled), _n(row.days_short)]


def figures_summary(figures: Any) -> list[dict[str, object]]:
    left = max(figures.capacity - figures.capacity_used, 0)
    return [
        {"key": "Places requested", "value": str(figures.requested)},
        {"key": "Places offered", "value": str(figures.offered)},
        {"key": "Placements filled", "value": str(figures.filled)},
        {
            "key": "Educator capacity used",
            "value": Cell(
                f"{figures.capacity_used} of {figures.capacity} student places",
                hint=f"{_plural(figures.educators, 'educator', 'educators')} on the register; "
                f"{_plural(left, 'place', 'places')} left",
            ),
        },
        {
            "key": "Placements short of days",
            "value": Cell(
                str(figures.days_short),
                hint="Finished below the days required, or behind the pro-rata share by more than the margin",
            ),
        },
    ]


CSV_HEAD = [
    "Group",
    "Name",
    "Organisation",
    "Places requested",
    "Places offered",
    "Placements filled",
    "Days short",
]

# Spreadsheet programs run a cell that starts with one of these as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_text(value: object) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def figures_csv_rows(figures: Any) -> list[list[str]]:
    rows = [
        [
            "University",
            csv_text(r.name),
            "",
            str(r.requested),
            str(r.offered),
            str(r.filled),
            str(r.days_short),
        ]
        for r in figures.universities
    ]
    rows += [
        ["Team", csv_text(r.name), csv_text(r.hint), "", str(r.offered), str(r.filled), str(r.days_short)]
        for r in figures.teams
    ]
    return rows
