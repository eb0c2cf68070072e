"""The cohort dashboard: permissions, its figures (status counts, reviews due this month,
overdue reviews), filters, the accessible chart, CSV exports (formula injection escaped), the
sibling council's sentinel that never counts, and a query count fixed for 3 or 300 NQSWs."""

import csv
import io
import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from academy.roles import Role
from academy.testing.isolation import SIBLING, UNRELATED, IsolationCheck
from asye.dates import add_months
from asye.models import RecordStatus
from asye.reviews.models import Review
from asye.tests.factories import AsyeRecordFactory, member
from conftest import Orgs

from .cohort_support import home_cohort

pytestmark = pytest.mark.django_db

BASE_MFA = 4  # session user, memberships, unread count, authenticator (tests/test_query_counts.py)
URL = "/asye/cohorts/dashboard/"


def started(months_ago: int, organisation: Any, *, name: str = "", **fields: Any) -> Any:
    """A full-time record that started `months_ago` months before today: at 3 its foundational
    review falls due today (this month); at 5 that review is two months overdue."""
    today = timezone.localdate()
    nqsw = member(organisation, Role.NQSW, full_name=name) if name else member(organisation, Role.NQSW)
    return AsyeRecordFactory(
        organisation=organisation, nqsw=nqsw, start_date=add_months(today, -months_ago), **fields
    )


def status_total(html: str) -> int:
    found = re.search(r"counted by its status today: (\d+) in all", html)
    assert found is not None
    return int(found.group(1))


def test_url_is_where_the_walk_expects() -> None:
    assert reverse("asye:cohort_dashboard") == URL


def test_anonymous_visitors_are_sent_to_sign_in(client: Client) -> None:
    for url in (URL, reverse("asye:cohort_dashboard_csv", args=["status"])):
        response: Any = client.get(url)
        assert response.status_code == 302
        assert "/accounts/login/" in response.url


@pytest.mark.parametrize("viewer", ["nqsw", "assessor", "manager", "social_worker"])
def test_other_roles_are_refused(client: Client, personas: dict[str, Any], viewer: str) -> None:
    client.force_login(personas[viewer])
    assert client.get(URL).status_code == 403
    assert client.get(reverse("asye:cohort_dashboard_csv", args=["due"])).status_code == 403


def test_only_get_is_allowed_and_unknown_tables_do_not_exist(client: Client, psw: Any) -> None:
    client.force_login(psw)
    assert client.post(URL).status_code == 405
    assert client.post(reverse("asye:cohort_dashboard_csv", args=["status"])).status_code == 405
    assert client.get(reverse("asye:cohort_dashboard_csv", args=["salaries"])).status_code == 404


def test_empty_dashboard(client: Client, psw: Any) -> None:
    client.force_login(psw)
    page = client.get(URL).content.decode()
    assert "No reviews are due this month." in page
    assert "Nothing is overdue." in page
    assert status_total(page) == 0


def test_figures_due_overdue_and_completed_reviews(
    client: Client, orgs: Orgs, psw: Any, programme_types: None
) -> None:
    due = started(3, orgs.home, name="Dee Due-Now")
    late = started(5, orgs.home, name="Orla Overdue")
    done = started(5, orgs.home, name="Dora Done")
    Review.objects.create(record=done, key="foundational", completed_at=timezone.now(), created_by=psw)
    started(5, orgs.home, name="Wanda Withdrawn", status=RecordStatus.WITHDRAWN)
    client.force_login(psw)
    page = client.get(URL).content.decode()
    assert status_total(page) == 4
    due_part = page.split("Reviews due in")[1].split("Overdue reviews")[0]
    overdue_part = page.split('<h2 class="govuk-heading-m">Overdue reviews</h2>')[1]
    assert "Dee Due-Now" in due_part
    assert f'href="/asye/records/{due.pk}/"' in due_part
    assert "Orla Overdue" in overdue_part
    assert f'href="/asye/records/{late.pk}/"' in overdue_part
    assert "Dora Done" not in overdue_part
    assert "Wanda Withdrawn" not in page  # a withdrawn year has nothing due


def test_the_chart_is_an_accessible_svg_with_the_table_beside_it(
    client: Client, orgs: Orgs, psw: Any, programme_types: None
) -> None:
    started(3, orgs.home)
    started(4, orgs.home, status=RecordStatus.PAUSED)
    client.force_login(psw)
    page = client.get(URL).content.decode()
    assert 'role="img"' in page
    assert 'aria-labelledby="status-chart-title status-chart-desc"' in page
    assert '<title id="status-chart-title">ASYE records by status</title>' in page
    assert "Active: 1; Paused: 1; Extended: 0" in page
    assert "<figure" in page
    assert "<figcaption" in page
    assert "<caption" in page  # the data table beside it


def test_filters_by_assessor_and_cohort(client: Client, orgs: Orgs, psw: Any, programme_types: None) -> None:
    cohort = home_cohort(orgs, psw, name="Filter intake")
    in_cohort = started(5, orgs.home, name="Cora Cohort", cohort=cohort)
    other = started(5, orgs.home, name="Olly Other")
    client.force_login(psw)
    page = client.get(URL, {"cohort": str(cohort.pk)}).content.decode()
    assert "Cora Cohort" in page
    assert "Olly Other" not in page
    page = client.get(URL, {"assessor": str(other.assessor.pk)}).content.decode()
    assert "Olly Other" in page
    assert "Cora Cohort" not in page
    assert in_cohort.assessor.pk != other.assessor.pk


def test_a_council_psw_never_counts_the_sibling_councils_nqsws(
    client: Client, orgs: Orgs, psw: Any, programme_types: None
) -> None:
    check = IsolationCheck(client, viewer=psw)
    planted = check.plant(
        lambda organisation, marker: started(5, organisation, name=marker),
        hidden={UNRELATED: orgs.other, SIBLING: orgs.sibling},
        shown={"the home council": orgs.home},
    )
    check.list_page(URL, planted)
    # Asking for the sibling council by its id is refused (not one of the choices) and shows
    # only the PSW's own council.
    check.list_page(f"{URL}?organisation={orgs.sibling.pk}", planted)
    check.count(
        URL,
        read=status_total,
        make=lambda organisation, marker: started(3, organisation, name=marker),
        hidden={SIBLING: orgs.sibling, UNRELATED: orgs.other},
        shown={"the home council": orgs.home},
    )
    body = client.get(reverse("asye:cohort_dashboard_csv", args=["overdue"])).content.decode("utf-8-sig")
    check.markers_absent(body, planted, who="overdue CSV")


def test_a_partnership_sees_its_councils_and_can_pick_one(
    client: Client, orgs: Orgs, academy_admin: Any, programme_types: None
) -> None:
    started(5, orgs.home, name="Hana Home")
    started(5, orgs.sibling, name="Sami Sibling")
    started(5, orgs.other, name="Una Unrelated")
    client.force_login(academy_admin)
    page = client.get(URL).content.decode()
    assert "Hana Home" in page
    assert "Sami Sibling" in page
    assert "Una Unrelated" not in page
    page = client.get(URL, {"organisation": orgs.sibling.pk}).content.decode()
    assert "Sami Sibling" in page
    assert "Hana Home" not in page


def test_every_table_exports_as_csv_with_formulas_escaped(
    client: Client, orgs: Orgs, psw: Any, programme_types: None
) -> None:
    started(5, orgs.home, name='=HYPERLINK("http://x")')
    started(3, orgs.home, name="+Plus Person")
    client.force_login(psw)
    tables = {}
    for table in ("status", "due", "overdue"):
        response = client.get(reverse("asye:cohort_dashboard_csv", args=[table]))
        assert response["Content-Type"].startswith("text/csv")
        tables[table] = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert tables["status"][0] == ["Status", "NQSWs"]
    assert ["Active", "2"] in tables["status"]
    assert tables["overdue"][1][0] == '\'=HYPERLINK("http://x")'
    assert tables["due"][1][0] == "'+Plus Person"


@pytest.mark.parametrize("size", [3, 300])
def test_dashboard_query_count_is_fixed(
    client: Client, orgs: Orgs, psw: Any, programme_types: None, django_assert_num_queries: Any, size: int
) -> None:
    assessor = member(orgs.home, Role.ASSESSOR)
    manager = member(orgs.home, Role.LINE_MANAGER)
    for n in range(size):
        started(3 + n % 4, orgs.home, assessor=assessor, line_manager=manager)
    client.force_login(psw)
    # + the filters' choices (councils, teams, cohorts, assessors), + records by status, + the
    # records under way, + their pauses, + their completed reviews
    with django_assert_num_queries(BASE_MFA + 8):
        response = client.get(URL)
    assert response.status_code == 200


def test_filters_by_team(client: Client, orgs: Orgs, psw: Any, programme_types: None) -> None:
    from academy.tests.factories import TeamFactory

    team = TeamFactory(organisation=orgs.home, name="Riverside adults")
    started(5, orgs.home, name="Tia Team", team=team)
    started(5, orgs.home, name="Nia No-Team")
    client.force_login(psw)
    page = client.get(URL, {"team": str(team.pk)}).content.decode()
    assert "Tia Team" in page
    assert "Nia No-Team" not in page
