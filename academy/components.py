"""The values presenters hand to the GOV.UK component tags (`academy/templatetags/govuk.py`)
when a table cell or a summary list value is more than plain text: a link, a second line, a
tag, or buttons that post. Templates never build these; presenters do, so a template only
passes them on.

    Cell("Sam Patel", href="/people/…/", hint="sam@example.org")
    Cell(tag=Tag("Active", "green"))
    Cell("2", numeric=True)
    Cell(buttons=[PostButton("/…/resend/", "Resend", hidden="to sam@example.org")])
"""

from collections.abc import Sequence
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Tag:
    """A GOV.UK tag: its words and colour (empty colour: the default blue-on-light)."""

    text: str
    colour: str


@dataclass(frozen=True)
class PostButton:
    """A button in its own small POST form, with the page's CSRF token. `hidden` ends the
    button's text for screen readers ("Resend" + " to sam@example.org"). `style` is a GOV.UK
    button modifier: "secondary", "warning" or "" for the primary green."""

    url: str
    label: str
    hidden: str = ""
    style: str = "secondary"


@dataclass(frozen=True)
class Cell:
    """Rich content for a table cell or a summary list value, drawn in this order: the tag,
    the text (a link when `href` is set), a second line in small print (`hint`), the buttons.
    Text and hint are escaped unless marked safe. `numeric` right-aligns a table cell; `small`
    sets the whole cell in small print."""

    text: object = ""
    href: str = ""
    hint: object = ""
    tag: Tag | None = None
    buttons: Sequence[PostButton] = field(default_factory=tuple)
    numeric: bool = False
    small: bool = False


def as_cell(value: object) -> Cell:
    """A `Cell` as it is, anything else (text, numbers, safe HTML) as a plain cell."""
    return value if isinstance(value, Cell) else Cell(text=value)
