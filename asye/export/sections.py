"""The sections of the portfolio PDF, in order: a small registry.

A section is a key, a title for the contents page, a template that draws it and a builder: a
function of the `Portfolio` (the record, what is being made, and what earlier sections found)
that returns a `SectionContent` — the template's context and the signatures the section holds,
which the closing "Signatures" section lists together — or None to leave the section out.

The portfolio's own sections register themselves (`register_portfolio_sections`, called from
`AsyeConfig.ready()`). Another part of the app adds one with a single call from the same place:

    from asye.export.sections import Section, register_section

    register_section(
        Section(
            key="final_assessment",
            title="Final assessment",
            order=70,  # after the reviews (60), before the signatures (90)
            template="asye/final/export_section.html",
            build=final_assessment_section,  # (portfolio) -> SectionContent | None
        )
    )

The template gets `section` (with `section.title` and `section.anchor`) and the builder's
`context` as `content`; it starts with `<h2 id="{{ section.anchor }}">`. Names in it need no
care: the anonymised copy replaces every name the portfolio knows after the whole document is
drawn. A builder that knows people the portfolio does not (a moderator, say) adds them to
`portfolio.people` so they are replaced too.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ImproperlyConfigured

from .pseudonyms import Person


@dataclass(frozen=True)
class SignatureLine:
    """One signature: on what, in which capacity, by whom, when."""

    document: str
    capacity: str
    name: str
    signed_at: datetime.datetime


@dataclass
class SectionContent:
    context: dict[str, Any]
    signatures: list[SignatureLine] = field(default_factory=list)


@dataclass
class Portfolio:
    """What every builder reads: the record (loaded by the record selectors, with its people
    joined), whether this is the anonymised copy, today's date, and what the sections before
    have gathered."""

    record: Any
    anonymised: bool
    today: datetime.date
    # The accepted items in PDF order as (number, item, attachments), and each item's number
    # ("E1", "E2"… by item id): the evidence section fills both; the framework map, the ZIP and
    # any later section read them.
    items: list[tuple[str, Any, list[Any]]] = field(default_factory=list)
    numbers: dict[Any, str] = field(default_factory=dict)
    people: list[Person] = field(default_factory=list)
    signatures: list[SignatureLine] = field(default_factory=list)
    # What one builder reads and a later one needs too (the framework elements, the people).
    extra: dict[str, Any] = field(default_factory=dict)


Builder = Callable[[Portfolio], SectionContent | None]


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    order: int
    template: str
    build: Builder

    @property
    def anchor(self) -> str:
        return f"section-{self.key}"


_sections: dict[str, Section] = {}


def register_section(section: Section) -> None:
    """Add a section to every portfolio PDF, at its `order` (keys are unique)."""
    existing = _sections.get(section.key)
    if existing is not None and existing != section:
        raise ImproperlyConfigured(f"The portfolio section {section.key!r} is registered twice.")
    _sections[section.key] = section


def registered_sections() -> list[Section]:
    """Every section, in order."""
    return sorted(_sections.values(), key=lambda s: (s.order, s.key))
