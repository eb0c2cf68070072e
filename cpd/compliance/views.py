"""The CPD compliance page and its CSV export. Both answer only PSWs, academy admins and line
managers (403 for everyone else) and reach people only through `compliance_reach`, so a list,
its counts and its CSV hold the same people: those in the viewer's organisations, or, for a line
manager, their own teams."""

import csv
import datetime
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property
from typing import Any
from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from academy.models import Organisation, Team
from academy.web import PAGE_SIZE, AcademyRequest, roles_required

from .. import selectors as cpd_selectors
from ..models import RegistrationYear
from . import presenters, selectors
from .forms import ComplianceFilterForm


@dataclass
class Filtered:
    """The page's question, as the filters ask it."""

    form: ComplianceFilterForm
    year: RegistrationYear | None
    today: datetime.date
    statuses: list[str]
    people: selectors.Practitioners  # every status
    status: str
    filtered: bool
    query: dict[str, str]  # the filters (not the page, nor the status) to carry into links

    @property
    def listed(self) -> selectors.Practitioners:
        return selectors.practitioners_in_status(self.people, status=self.status)

    @property
    def days_left(self) -> int | None:
        return selectors.days_left(year=self.year, today=self.today) if self.year else None


def _filtered(request: AcademyRequest) -> Filtered:
    reach = selectors.compliance_reach(scope=request.scope)
    today = timezone.localdate()
    years = [y for y in cpd_selectors.registration_years() if y.starts_on <= today]
    current = cpd_selectors.registration_year_current(now=timezone.now())
    organisations = selectors.compliance_organisations(reach=reach)
    wanted_year = request.GET.get("year") or (current.slug if current else "")
    year = next((y for y in years if y.slug == wanted_year), current or (years[0] if years else None))
    statuses = selectors.statuses_for(year=year, today=today)
    form = ComplianceFilterForm(
        request.GET or None,
        initial={"year": year.slug if year else ""},
        years=years,
        statuses=statuses,
        organisations=organisations,
        teams=selectors.compliance_teams(reach=reach),
        show_organisations=len(reach.organisation_ids) > 1,
    )
    # A filter with a value that is not on offer (a status of another time of year, a team
    # since removed) is shown as an error on its field; the other filters still apply.
    data: dict[str, Any] = {}
    if form.is_bound:
        form.is_valid()
        data = form.cleaned_data
    organisation: Organisation | None = data.get("organisation")
    team: Team | None = data.get("team")
    search = data.get("q", "")
    query = {
        key: value
        for key, value in {
            "year": year.slug if year and data.get("year") else "",
            "q": search,
            "organisation": organisation.slug if organisation else "",
            "team": str(team.pk) if team else "",
        }.items()
        if value
    }
    people = selectors.practitioners_with_status(
        reach=reach, year=year, today=today, organisation=organisation, team=team, query=search
    )
    status = data.get("status", "")
    return Filtered(
        form=form,
        year=year,
        today=today,
        statuses=statuses,
        people=people,
        status=status,
        filtered=bool(query.keys() - {"year"}) or bool(status),
        query=query,
    )


class _CountedPaginator(Paginator):
    """A paginator told its count, for a list whose size the page has worked out already."""

    def __init__(self, object_list: Any, per_page: int, *, count: int) -> None:
        super().__init__(object_list, per_page)
        self._known_count = count

    @cached_property
    def count(self) -> int:
        return self._known_count


@require_GET
@roles_required(*selectors.VIEWER_ROLES)
def compliance(request: AcademyRequest) -> HttpResponse:
    found = _filtered(request)
    url = reverse("cpd:compliance")
    counts = selectors.status_counts(found.people, statuses=found.statuses) if found.year else {}
    # The counts by status already say how many people the list holds: no second COUNT.
    paginator = _CountedPaginator(found.listed, PAGE_SIZE, count=counts.get(found.status or "total", 0))
    page = paginator.get_page(request.GET.get("page"))
    export_query = {**found.query, **({"status": found.status} if found.status else {})}
    context = {
        "form": found.form,
        "year": found.year,
        "filtered": found.filtered,
        "caption": presenters.list_caption(found.status, total=page.paginator.count),
        "page": page,
        "head": presenters.HEAD,
        "rows": presenters.rows(page.object_list, days=found.days_left),
        "counts_head": presenters.COUNTS_HEAD,
        "counts": presenters.count_rows(counts, statuses=found.statuses, base_query=found.query, url=url),
        "total": counts.get("total", 0),
        "days_left": found.days_left,
        "is_past": bool(found.year and found.today > found.year.ends_on),
        "export_url": reverse("cpd:compliance_csv") + (f"?{urlencode(export_query)}" if export_query else ""),
        "clear_url": url,
    }
    return render(request, "cpd/compliance/list.html", context)


class _Echo:
    """A file-like object whose write returns what it was given, for csv.writer to stream."""

    def write(self, value: str) -> str:
        return value


@require_GET
@roles_required(*selectors.VIEWER_ROLES)
def compliance_csv(request: AcademyRequest) -> StreamingHttpResponse:
    """The filtered list as CSV: names, organisations, teams, statuses and counts, nothing a
    record says. Streamed from one query (`iterator()`), so a partnership's thousands of rows
    leave as they are read rather than after the whole file is built."""
    found = _filtered(request)
    days = found.days_left
    writer = csv.writer(_Echo())

    def lines() -> Iterator[str]:
        yield writer.writerow(presenters.CSV_HEAD)
        for person in found.listed.iterator(chunk_size=2000):
            yield writer.writerow(presenters.csv_row(person, days=days))

    year = found.year.slug if found.year else "none"
    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="cpd-compliance-{year}.csv"'
    return response
