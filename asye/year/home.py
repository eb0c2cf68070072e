"""The NQSW's home-page panel: their year in one short task list, with a link to the whole
year. Registered with the core's home panels from `AsyeConfig.ready()`.

Queries: the condition is the cached "has a record" flag the navigation already reads (none
on a warm cache); the context reads the person's records (the records with everything joined,
and their pauses), then the year's four (`year_data`)."""

from collections.abc import Mapping

from django.urls import reverse

from academy.roles import Role
from academy.web import AcademyRequest
from asye import selectors as record_selectors

from . import presenters, selectors


def shows_year(request: AcademyRequest) -> bool:
    return request.scope.holds(Role.NQSW) and record_selectors.user_has_record(user=request.user)


def year_context(request: AcademyRequest) -> Mapping[str, object]:
    record = selectors.open_record_of(record_selectors.records_of_nqsw(user=request.user))
    if record is None:
        return {"year_record": None}
    data = selectors.year_data(record=record)
    return {
        "year_record": record,
        "year_month": presenters.month_words(data.schedule),
        "year_items": presenters.home_items(data, frozenset({record_selectors.NQSW})),
        "year_url": reverse("asye:year", args=[record.pk]),
    }
