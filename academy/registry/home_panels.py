"""Home-page panels. `academy:home` shows, in order, every registered panel whose condition
holds for the request: the core's own (notifications, invitations waiting, people by role,
recent changes, your roles; `academy/home_panels.py`) and any an app registers from its
`AppConfig.ready()`.

A panel is a title (the `h2` the home page draws), a template (the panel's body, rendered with
the page's context plus what `context(request)` returns), an order, a column, and two callables
that take the request: `condition` (show it at all?) and `context` (the data it shows, read
through the app's own selectors with `request.scope`). The condition runs first, so a panel
that is not shown costs no query.

Someone whose every employment has ended (docs/adr/0012) sees only the panels registered with
`personal=True`: about their own records, showing nothing of any organisation."""

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Literal

from ..web import AcademyRequest
from .base import Registry

Column = Literal["main", "side"]
Condition = Callable[[AcademyRequest], bool]
PanelContext = Callable[[AcademyRequest], Mapping[str, object]]


def always(request: AcademyRequest) -> bool:
    return True


def no_context(request: AcademyRequest) -> Mapping[str, object]:
    return {}


@dataclass(frozen=True)
class HomePanel:
    name: str
    title: str
    template: str
    order: int = 100
    column: Column = "main"
    condition: Condition = always
    context: PanelContext = no_context
    personal: bool = False


@dataclass(frozen=True)
class ShownPanel:
    """A panel for one request: what the home page template loops over."""

    name: str
    title: str
    template: str
    context: Mapping[str, object] = field(default_factory=dict)

    @property
    def heading_id(self) -> str:
        return "panel-" + self.name.replace(".", "-").replace("_", "-")


home_panels = Registry[HomePanel]("home-page panel")


def register_home_panel(
    *,
    name: str,
    title: str,
    template: str,
    order: int = 100,
    column: Column = "main",
    condition: Condition = always,
    context: PanelContext = no_context,
    personal: bool = False,
) -> HomePanel:
    """Add a panel. `name` is unique across apps: prefix it with the app ("cpd.hours").
    `personal`: shown also to someone whose employment has ended (their own records only)."""
    return home_panels.register(
        name, HomePanel(name, title, template, order, column, condition, context, personal)
    )


def panels_for(request: AcademyRequest) -> dict[Column, list[ShownPanel]]:
    """The panels this request shows, by column, in order (then by name, so ties are stable)."""
    shown: dict[Column, list[ShownPanel]] = {"main": [], "side": []}
    personal_only = getattr(request, "personal_only", False)
    for panel in sorted(home_panels.entries(), key=lambda p: (p.order, p.name)):
        if personal_only and not panel.personal:
            continue
        if panel.condition(request):
            shown[panel.column].append(
                ShownPanel(panel.name, panel.title, panel.template, dict(panel.context(request)))
            )
    return shown
