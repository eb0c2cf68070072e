"""The isolation check: a list, count or object page shows nothing from where its viewer may not look.

A status code cannot show a leak: a list that shows everything answers 200 to the right person
too. So the check plants sentinel rows, each carrying a unique marker, where the viewer must not
see them — in an unrelated organisation, in the sibling council of the same partnership, with an
unassigned colleague in the viewer's own council — and at least one control row the viewer must
see. Then it asks the page and fails, naming the sentinel, the URL and the viewer, when a
sentinel's marker shows; and also when a control's marker is missing, because a check whose
marker the page never prints could not fail.

Each app's tests call it for their own lists; it needs only a test client and the app's own
factory (a callable that makes one row). Typical use:

    check = IsolationCheck(client, viewer=psw)
    planted = check.plant(
        lambda organisation, marker: TeamFactory(organisation=organisation, name=marker),
        hidden={UNRELATED: orgs.other, SIBLING: orgs.sibling},
        shown={"own council": orgs.home},
    )
    check.list_page(reverse("academy:teams"), planted)
    check.object_pages(lambda team: reverse("academy:team", args=[team.pk]), planted)

A place maps to an organisation (the factory makes the row there) or to a callable taking the
marker (for rows an organisation does not describe: a colleague's notification, an NQSW assigned
to someone else). Counts have their own check, `count`, which reads a number before and after.
"""

import re
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any

from django.test import Client

from academy.models import Organisation, User

# The usual places for sentinels; any label reads well in a failure.
UNRELATED = "unrelated organisation"
SIBLING = "sibling council of the same partnership"
COLLEAGUE = "unassigned colleague in the same council"

Make = Callable[[Organisation, str], Any]
Place = Organisation | Callable[[str], Any]


@dataclass(frozen=True)
class Sentinel:
    place: str
    marker: str
    obj: Any
    where: str  # the organisation's name, or "" for a place given as a callable

    def describe(self) -> str:
        where = f" ({self.where})" if self.where else ""
        return f"the row in the {self.place}{where}, marker {self.marker!r}"


@dataclass(frozen=True)
class Planted:
    hidden: list[Sentinel] = field(default_factory=list)
    shown: list[Sentinel] = field(default_factory=list)


def new_marker(place: str) -> str:
    """A string no page contains by chance; lower case letters, digits and hyphens, so it fits a
    name, an email address's local part or a slug."""
    words = "-".join(re.sub(r"[^a-z0-9]+", " ", place.lower()).split()[:2])
    return f"sentinel-{words}-{uuid.uuid4().hex[:10]}"


def _plant_one(make: Make, label: str, place: Place) -> Sentinel:
    marker = new_marker(label)
    if isinstance(place, Organisation):
        return Sentinel(label, marker, make(place, marker), place.name)
    return Sentinel(label, marker, place(marker), "")


def plant(make: Make, *, hidden: Mapping[str, Place], shown: Mapping[str, Place]) -> Planted:
    """One row per place: `hidden` ones the viewer must not see, `shown` ones (at least one:
    the control) the viewer must see."""
    if not hidden:
        raise ValueError("Plant at least one sentinel where the viewer must not look.")
    if not shown:
        raise ValueError("Plant at least one control row the viewer must see, or the check cannot fail.")
    return Planted(
        hidden=[_plant_one(make, label, place) for label, place in hidden.items()],
        shown=[_plant_one(make, label, place) for label, place in shown.items()],
    )


class IsolationCheck:
    """Checks pages as one viewer. Signs `client` in as `viewer` (unless `sign_in=False`, for a
    client the caller signed in already, say through the real form)."""

    def __init__(self, client: Client, *, viewer: User, label: str = "", sign_in: bool = True) -> None:
        self.client = client
        self.viewer = viewer
        self.label = label or viewer.email
        if sign_in:
            client.force_login(viewer)

    plant = staticmethod(plant)

    def _fetch(self, url: str, *, method: str, data: Mapping[str, Any] | None) -> Any:
        if method == "POST":
            return self.client.post(url, dict(data or {}))
        return self.client.get(url)

    def _who(self, method: str, url: str) -> str:
        return f"{method} {url} as {self.label}"

    def list_page(
        self, url: str, planted: Planted, *, method: str = "GET", data: Mapping[str, Any] | None = None
    ) -> str:
        """The page answers 200, shows every control and no sentinel. Returns the page's HTML."""
        response = self._fetch(url, method=method, data=data)
        who = self._who(method, url)
        assert response.status_code == 200, f"{who}: answered {response.status_code}, expected 200"
        html = response.content.decode()
        self.markers_absent(html, planted, who=who)
        return html

    def markers_absent(self, html: str, planted: Planted, *, who: str) -> None:
        """No sentinel's marker in `html`, and every control's (the check must be able to fail)."""
        text = html.lower()
        leaks = [s for s in planted.hidden if s.marker in text]
        blind = [s for s in planted.shown if s.marker not in text]
        problems = [f"  - shows {s.describe()}" for s in leaks]
        problems += [
            f"  - does not show the control, {s.describe()}: the page does not print the "
            "marker where the factory put it, so this check could not see a leak either"
            for s in blind
        ]
        if problems:
            title = "Isolation leak" if leaks else "Isolation check cannot fail"
            raise AssertionError(f"{title}: {who}\n" + "\n".join(problems))

    def object_pages(
        self,
        url_for: Callable[[Any], str],
        planted: Planted,
        *,
        method: str = "GET",
        data: Mapping[str, Any] | None = None,
        shown_status: int | tuple[int, ...] = (200, 302),
    ) -> None:
        """Every sentinel's page answers 404 (the viewer cannot even learn it exists); every
        control's answers `shown_status`, so the URL is right and the 404s mean something."""
        allowed = (shown_status,) if isinstance(shown_status, int) else shown_status
        problems = []
        for sentinel in planted.hidden:
            url = url_for(sentinel.obj)
            status = self._fetch(url, method=method, data=data).status_code
            if status != 404:
                problems.append(
                    f"  - {method} {url} answered {status} for {sentinel.describe()}; expected 404"
                )
        for control in planted.shown:
            url = url_for(control.obj)
            status = self._fetch(url, method=method, data=data).status_code
            if status not in allowed:
                problems.append(
                    f"  - {method} {url} answered {status} for the control, {control.describe()}; "
                    f"expected {' or '.join(map(str, allowed))}"
                )
        if problems:
            raise AssertionError(f"Isolation leak on object pages as {self.label}:\n" + "\n".join(problems))

    def count(
        self,
        url: str,
        *,
        read: Callable[[str], object],
        make: Make,
        hidden: Mapping[str, Place],
        shown: Mapping[str, Place],
    ) -> None:
        """A number on a page (a dashboard count, a badge) ignores rows planted where the viewer
        must not look, and moves when a row is planted where they look. `read(html)` finds it."""

        def current() -> object:
            response = self.client.get(url)
            assert response.status_code == 200, f"GET {url} as {self.label}: answered {response.status_code}"
            return read(response.content.decode())

        before = current()
        problems = []
        for label, place in hidden.items():
            sentinel = _plant_one(make, label, place)
            after = current()
            if after != before:
                problems.append(
                    f"  - moved from {before!r} to {after!r} after planting {sentinel.describe()}"
                )
                before = after
        for label, place in shown.items():
            control = _plant_one(make, label, place)
            after = current()
            if after == before:
                problems.append(
                    f"  - stayed {before!r} after planting the control, {control.describe()}: the "
                    "count does not read what the factory makes, so this check could not see a leak"
                )
            before = after
        if problems:
            raise AssertionError(
                f"Isolation leak in a count: GET {url} as {self.label}\n" + "\n".join(problems)
            )


class _Tables(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.rows: list[list[str]] = []
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "tr":
            self.rows.append([])
        elif tag in {"td", "th"}:
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag in {"td", "th"} and self._cell is not None and self.rows:
            self.rows[-1].append(" ".join("".join(self._cell).split()))
            self._cell = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


def table_rows(html: str) -> list[list[str]]:
    """Every table row's cell texts, in page order: for `read` functions of `count`."""
    parser = _Tables()
    parser.feed(html)
    return parser.rows


def table_value(html: str, row: str, *, column: int = 1, missing: str = "0") -> str:
    """The cell in `column` of the first table row whose first cell reads `row`."""
    for cells in table_rows(html):
        if cells and cells[0] == row and len(cells) > column:
            return cells[column]
    return missing
