"""What the placements templates print: table rows, summary lists and tags, with dates
formatted and each status mapped to its words and colour. Templates only loop."""

import datetime

from django.urls import reverse

from academy.components import Cell, Tag

from .models import PracticeEducator, PracticeSetting
from .rules import Currency, CurrencyState

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
