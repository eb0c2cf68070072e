"""Citing a CPD record: the NQSW picks one of their completed CPD records, reads what will be
shared and with whom, maps it and confirms. Only the record's NQSW (others who may read the
portfolio get 403); someone else's CPD record, or a draft, is 404 (`cpd`'s own selectors)."""

import uuid

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from academy.web import AcademyRequest, add_form_errors, paginate, posted

from .. import selectors as evidence_selectors
from ..forms_data import kind_form
from ..views import _own_record
from . import presenters, selectors, services, snapshot
from .forms import CiteForm


@require_GET
def evidence_cite(request: AcademyRequest, pk: str) -> HttpResponse:
    record = _own_record(request, pk)
    page = paginate(request, selectors.citable_cpd_records(scope=request.scope))
    context = {
        "record": record,
        "page": page,
        "head": presenters.CHOICES_HEAD,
        "rows": presenters.choice_rows(
            page.object_list, record=record, cited=selectors.citations_in_record(record=record)
        ),
        "back_url": reverse("asye:evidence_add", args=[record.pk]),
    }
    return render(request, "asye/evidence/citations/choose.html", context)


@require_http_methods(["GET", "POST"])
def evidence_cite_record(request: AcademyRequest, pk: str, cpd_pk: str) -> HttpResponse:
    record = _own_record(request, pk)
    cpd_record = selectors.citable_cpd_record_get(scope=request.scope, pk=cpd_pk)
    cited = selectors.citations_in_record(record=record).get(cpd_record.pk)
    if cited is not None:
        messages.info(request, f"You have already cited “{cpd_record.title}” in your portfolio.")
        return redirect("asye:evidence", pk=cited)
    elements = list(evidence_selectors.record_elements(record=record))
    allowed = {element.pk for element in elements}
    suggested = [str(topic.pk) for topic in cpd_record.topics.all() if topic.pk in allowed]
    form = CiteForm(
        posted(request),
        kind_form=snapshot.uncovered_form(kind_form(record.programme_version, services.CITED_KIND)),
        elements=elements,
        initial={"idempotency_key": uuid.uuid4().hex, "elements": suggested},
    )
    if request.method == "POST" and form.is_valid():
        try:
            item = services.evidence_cite_cpd(
                actor=request.user, record=record, cpd_record=cpd_record, **form.service_values()
            )
        except ValidationError as error:
            add_form_errors(form, error)
        else:
            messages.success(request, f"“{item.title}” was added to your evidence as a draft.")
            return redirect("asye:evidence", pk=item.pk)
    context = {
        "record": record,
        "cpd_record": cpd_record,
        "form": form,
        "shared": presenters.shared_rows(snapshot.take(cpd_record)),
        "shared_names": presenters.shared_field_names(),
        "not_shared": presenters.not_shared_names(),
        "readers": presenters.readers_words(selectors.portfolio_readers(record=record)),
        "back_url": reverse("asye:evidence_cite", args=[record.pk]),
    }
    return render(request, "asye/evidence/citations/confirm.html", context)
