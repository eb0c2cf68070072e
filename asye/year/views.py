"""The "Your ASYE year" page: the year's task list for anyone who may read the record. The NQSW
gets links to where they act (add evidence of a kind, the plans, the agreement); the assessor,
line manager and staff get the same list, linked to the pages they read or act on (the
evidence to review, the agreement to sign). Data comes only through selectors."""

from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from academy.web import AcademyRequest
from asye import selectors as record_selectors

from . import presenters, selectors


@require_GET
def year(request: AcademyRequest, pk: str) -> HttpResponse:
    record = record_selectors.record_get_for_user(scope=request.scope, pk=pk)
    relations = record_selectors.record_relations(scope=request.scope, record=record)
    data = selectors.year_data(record=record)
    is_own = record_selectors.NQSW in relations
    if is_own:
        back = reverse("academy:home")
    elif relations & {record_selectors.ASSESSOR, record_selectors.LINE_MANAGER}:
        back = reverse("asye:assigned")
    else:
        back = reverse("asye:record", args=[record.pk])
    context = {
        "record": record,
        "is_own": is_own,
        "month": presenters.month_words(data.schedule),
        "sections": presenters.year_sections(data, relations),
        "back_url": back,
    }
    return render(request, "asye/year/year.html", context)
