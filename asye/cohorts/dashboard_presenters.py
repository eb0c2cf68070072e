"""Cells, charts and CSV rows of the cohort dashboard. Charts are drawn on the server as SVG
(role="img" with a title and a description naming every value) and the same figures stand in a
table beside each chart, so nothing depends on seeing the picture."""

import datetime
from dataclasses import dataclass

from django.urls import reverse

from academy.components import Cell
from academy.presenters import format_date

from ..presenters import person
from .dashboard import Dashboard, ReviewItem
from .figures import DEFINITIONS, YearFigures

BAR_HEIGHT = 24
GAP = 8
LABEL_WIDTH = 190
CHART_WIDTH = 480
BAR_SPACE = CHART_WIDTH - LABEL_WIDTH - 50


@dataclass(frozen=True)
class Bar:
    label: str
    value: int
    y: int
    width: int
    text_y: int
    value_x: int


@dataclass(frozen=True)
class Chart:
    ident: str
    title: str
    description: str
    bars: list[Bar]
    height: int
    width: int = CHART_WIDTH
    label_width: int = LABEL_WIDTH


def bar_chart(ident: str, title: str, values: list[tuple[str, int]]) -> Chart:
    top = max((v for _, v in values), default=0) or 1
    bars = []
    for n, (label, value) in enumerate(values):
        y = n * (BAR_HEIGHT + GAP)
        width = round(BAR_SPACE * value / top)
        bars.append(Bar(label, value, y, width, y + BAR_HEIGHT - 7, LABEL_WIDTH + width + 6))
    words = "; ".join(f"{label}: {value}" for label, value in values)
    return Chart(
        ident=ident,
        title=title,
        description=f"Bar chart. {words}." if values else "No figures.",
        bars=bars,
        height=max(len(values), 1) * (BAR_HEIGHT + GAP),
    )


def status_chart(board: Dashboard) -> Chart:
    return bar_chart(
        "status-chart", "ASYE records by status", [(label, n) for _, label, n in board.by_status]
    )


STATUS_HEAD = ["Status", "NQSWs"]


def status_rows(board: Dashboard) -> list[list[object]]:
    return [[label, Cell(str(n), numeric=True)] for _, label, n in board.by_status]


DUE_HEAD = ["NQSW", "Council", "Review", "Due on", "Assessor"]
OVERDUE_HEAD = ["NQSW", "Council", "Review", "Due on", "Days overdue", "Assessor"]


def _name(item: ReviewItem) -> Cell:
    return Cell(item.record.nqsw.user.display_name, href=reverse("asye:record", args=[item.record.pk]))


def due_row(item: ReviewItem) -> list[object]:
    record = item.record
    return [
        _name(item),
        record.organisation.name,
        item.label,
        format_date(item.due_on),
        person(record.assessor),
    ]


def overdue_row(item: ReviewItem, *, today: datetime.date) -> list[object]:
    record = item.record
    days = (today - item.due_on).days
    return [
        _name(item),
        record.organisation.name,
        item.label,
        format_date(item.due_on),
        Cell(str(days), numeric=True),
        person(record.assessor),
    ]


# --- CSV ---------------------------------------------------------------------------------------------

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_text(value: object) -> str:
    """A cell starting like a formula is written with a leading apostrophe (read as text)."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _csv_item(item: ReviewItem) -> list[object]:
    record = item.record
    return [
        record.nqsw.user.full_name,
        record.nqsw.user.email,
        record.organisation.name,
        item.label,
        item.due_on.isoformat(),
        record.assessor.user.full_name,
    ]


def csv_table(board: Dashboard, table: str) -> tuple[list[str], list[list[str]]]:
    """The heading and rows of one of the dashboard's tables, every cell escaped."""
    if table == "status":
        head, rows = ["Status", "NQSWs"], [[label, n] for _, label, n in board.by_status]
    elif table == "due":
        head = ["NQSW", "Email", "Council", "Review", "Due on", "Assessor"]
        rows = [_csv_item(item) for item in board.due_this_month]
    else:
        head = ["NQSW", "Email", "Council", "Review", "Due on", "Assessor", "Days overdue"]
        rows = [[*_csv_item(item), (board.today - item.due_on).days] for item in board.overdue]
    return head, [[csv_text(cell) for cell in row] for row in rows]


# --- Workforce figures ---------------------------------------------------------------------------------

FIGURES_HEAD = [
    "Cohort year",
    "Council",
    "Starters",
    "Completions",
    "Extensions",
    "Fails",
    "Withdrawals",
    "Average days to complete",
    "Retained at 12 months",
    "Retained at 24 months",
]


def _retention(tally: list[int]) -> str:
    retained, counted = tally
    if counted == 0:
        return "Not yet known"
    return f"{retained} of {counted} ({round(100 * retained / counted)}%)"


def figures_cells(figures: YearFigures) -> list[object]:
    return [
        str(figures.year),
        figures.organisation,
        figures.starters,
        figures.completions,
        figures.extensions,
        figures.fails,
        figures.withdrawals,
        "No completions yet" if figures.average_days is None else figures.average_days,
        _retention(figures.retention[12]),
        _retention(figures.retention[24]),
    ]


def figures_row(figures: YearFigures) -> list[object]:
    return [
        cell if isinstance(cell, str) else Cell(str(cell), numeric=True) for cell in figures_cells(figures)
    ]


def definitions_list() -> list[dict[str, object]]:
    return [{"key": term, "value": words} for term, words in DEFINITIONS]
