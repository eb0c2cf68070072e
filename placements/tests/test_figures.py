"""The figures page for academy staff: places requested, offered and filled per year, team and
university; educator capacity used; placements short of days; the CSV; a fixed number of
queries; nothing from another council."""

import csv
import datetime
import io
from typing import Any

import pytest
import time_machine
from django.urls import reverse

from academy.models import Organisation
from academy.tests.factories import OrganisationFactory, TeamFactory
from conftest import Orgs
from placements.models import Placement, PlacementRequest
from placements.tests.factories import (
    PlacementDayFactory,
    PlacementFactory,
    PlacementOfferFactory,
    PlacementRequestFactory,
    PracticeEducatorFactory,
)

pytestmark = pytest.mark.django_db

TODAY = datetime.datetime(2027, 2, 10, 12, 0, tzinfo=datetime.UTC)
START, END = datetime.date(2027, 1, 11), datetime.date(2027, 5, 28)


def _world(orgs: Orgs, suffix: str = "") -> dict[str, Any]:
    """In 2026-27 the home council has a request for 3 places from the test university (2
    offered by Duty, 1 by Hospital), one for 2 from =Evil University (withdrawn, so left out),
    and two placements filled: one on track, one far behind. The sibling council has one
    placement of its own; another council, one the home PSW must never see."""
    evil = OrganisationFactory(name=f"=Evil University{suffix}", kind=Organisation.Kind.UNIVERSITY)
    duty = TeamFactory(organisation=orgs.home, name=f"Duty team{suffix}")
    hospital = TeamFactory(organisation=orgs.home, name=f"Hospital team{suffix}")
    university = (
        OrganisationFactory(kind=Organisation.Kind.UNIVERSITY, name=f"Second University{suffix}")
        if suffix
        else orgs.university
    )
    request = PlacementRequestFactory(
        partnership__university=university, partnership__partner=orgs.home, students=3
    )
    PlacementRequestFactory(
        partnership__university=evil,
        partnership__partner=orgs.home,
        students=2,
        status=PlacementRequest.Status.WITHDRAWN,
    )
    # Last year's request: another year's figures.
    PlacementRequestFactory(
        partnership=request.partnership,
        starts_on=datetime.date(2026, 1, 12),
        ends_on=datetime.date(2026, 5, 29),
        students=9,
    )
    duty_offer = PlacementOfferFactory(request=request, team=duty, places=2)
    PlacementOfferFactory(request=request, team=hospital, places=1)
    educator = PracticeEducatorFactory(organisation=orgs.home, capacity_per_year=2)
    PracticeEducatorFactory(organisation=orgs.home, capacity_per_year=1)
    on_track = PlacementFactory(
        offer=duty_offer, educator=educator, starts_on=START, ends_on=END, status=Placement.Status.ACTIVE
    )
    for n in range(14):
        PlacementDayFactory(
            placement=on_track,
            day=START + datetime.timedelta(days=n),
            confirmed_by=educator.user,
            confirmed_at=TODAY,
        )
    PlacementFactory(offer=duty_offer, educator=educator, starts_on=START, ends_on=END)  # no days: behind
    PlacementFactory(offer=duty_offer, educator=educator, status=Placement.Status.ENDED_EARLY)
    PlacementFactory(
        offer__team=TeamFactory(organisation=orgs.sibling, name=f"Sibling team{suffix}"),
        offer__request__partnership__university=orgs.university,
    )
    PlacementFactory(offer__team=TeamFactory(organisation=orgs.other, name=f"Elsewhere team{suffix}"))
    return {"duty": duty, "hospital": hospital}


def _rows(html: str) -> str:
    return " ".join(html.split())


@time_machine.travel(TODAY, tick=False)
def test_the_year_figures_for_the_home_council(client: Any, orgs: Orgs, psw: Any) -> None:
    _world(orgs)
    client.force_login(psw)
    html = _rows(client.get(reverse("placements:figures")).content.decode())
    assert "September 2026 to August 2027" in html
    assert "2 of 3 student places" in html  # capacity used
    assert "Sibling team" not in html
    assert "Elsewhere team" not in html
    assert "Evil" not in html
    rows = list(csv.reader(io.StringIO(client.get(reverse("placements:figures_csv")).content.decode())))
    assert rows[0][:3] == ["Group", "Name", "Organisation"]
    assert ["University", "University of Testvale", "", "3", "3", "2", "1"] in rows
    assert ["Team", "Duty team", "Home Borough Council", "", "2", "2", "1"] in rows
    assert ["Team", "Hospital team", "Home Borough Council", "", "1", "0", "0"] in rows
    assert len(rows) == 4


@time_machine.travel(TODAY, tick=False)
def test_another_year_and_the_partnership_view(client: Any, orgs: Orgs, psw: Any, academy_admin: Any) -> None:
    _world(orgs)
    client.force_login(psw)
    last_year = client.get(reverse("placements:figures_csv") + "?year=2025").content.decode()
    assert "University,University of Testvale,,9,0,0,0" in last_year
    # The partnership's admin sees its member councils: the sibling's placement too.
    client.force_login(academy_admin)
    rows = list(csv.reader(io.StringIO(client.get(reverse("placements:figures_csv")).content.decode())))
    assert any(r[1] == "Sibling team" for r in rows)
    assert not any(r[1] == "Elsewhere team" for r in rows)


@time_machine.travel(TODAY, tick=False)
def test_a_name_that_looks_like_a_formula_reaches_the_csv_as_text(client: Any, orgs: Orgs, psw: Any) -> None:
    evil = OrganisationFactory(name="=HYPERLINK(1)", kind=Organisation.Kind.UNIVERSITY)
    PlacementRequestFactory(partnership__university=evil, partnership__partner=orgs.home)
    client.force_login(psw)
    assert "'=HYPERLINK(1)" in client.get(reverse("placements:figures_csv")).content.decode()


@time_machine.travel(TODAY, tick=False)
def test_empty_states(client: Any, psw: Any) -> None:
    client.force_login(psw)
    html = client.get(reverse("placements:figures")).content.decode()
    assert "No university has requested places" in html
    assert "No team has offered places" in html


@time_machine.travel(TODAY, tick=False)
def test_figures_query_count(client: Any, orgs: Orgs, psw: Any, django_assert_num_queries: Any) -> None:
    _world(orgs)
    client.force_login(psw)
    client.get(reverse("placements:figures"))  # the first request of a session does one-off work
    # base (3: user, memberships, unread count) + requests by university + offers by team +
    # placements with their day counts + the register's capacity
    with django_assert_num_queries(7):
        response = client.get(reverse("placements:figures"))
    assert response.status_code == 200
    _world(orgs, " 2")  # twice the rows: the same number of queries
    with django_assert_num_queries(7):
        client.get(reverse("placements:figures"))
    with django_assert_num_queries(7):
        client.get(reverse("placements:figures_csv"))
