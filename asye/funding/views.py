"""Funding pages, for principal social workers and academy staff: every record's registration
and claims, the claims export, one record's funding, registering it, recording a claim and its
payment. Data comes only through `asye.funding.selectors`."""

import csv
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from academy.files.responses import attachment_disposition
from academy.roles import STAFF_ROLES
from academy.web import AcademyRequest, add_form_errors, paginate, posted, roles_required

from . import presenters, selectors, services
from .forms import ClaimForm, FilterForm, PaidForm, RegisterForm
from .presenters import registration_of


@require_GET
@roles_required(*STAFF_ROLES)
def funding(request: AcademyRequest) -> HttpResponse:
    filters = FilterForm(request.GET or None)
    scheme = filters.chosen_scheme()
    page = paginate(request, selectors.funding_records(scope=request.scope, scheme=scheme))
    query = urlencode({"scheme": scheme}) if scheme else ""
    context = {
        "filters": filters,
        "page": page,
        "head": presenters.FUNDING_HEAD,
        "rows": [presenters.funding_row(record) for record in page.object_list],
        "rates_head": presenters.RATES_HEAD,
        "rates": [presenters.rate_row(rate) for rate in selectors.funding_rates()],
        "export_url": reverse("asye:funding_csv") + (f"?{query}" if query else ""),
    }
    return render(request, "asye/funding/funding.html", context)


class _Echo:
    """A file-like object whose write returns what it was given, for csv.writer to stream."""

    def write(self, value: str) -> str:
        return value


@require_GET
@roles_required(*STAFF_ROLES)
def funding_csv(request: AcademyRequest) -> StreamingHttpResponse:
    filters = FilterForm(request.GET or None)
    records = selectors.funding_claim_rows(scope=request.scope, scheme=filters.chosen_scheme())
    writer = csv.writer(_Echo())

    def lines() -> Iterator[str]:
        yield "\ufeff" + writer.writerow(presenters.CSV_HEAD)
        for record in records.iterator(chunk_size=500):
            yield writer.writerow(presenters.csv_row(record))

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = attachment_disposition(
        f"asye-funding-claims-{timezone.localdate():%Y-%m-%d}.csv"
    )
    return response


@require_GET
@roles_required(*STAFF_ROLES)
def funding_record(request: AcademyRequest, pk: str) -> HttpResponse:
    record = selectors.funding_record_get_for_user(scope=request.scope, pk=pk)
    registration = registration_of(record)
    context = {
        "record": record,
        "registration": registration,
        "summary": presenters.registration_summary(record),
        "claims_head": presenters.CLAIMS_HEAD,
        "claims": [presenters.claim_row(c) for c in registration.claims.all()] if registration else [],
    }
    return render(request, "asye/funding/record.html", context)


def _form_page(request: AcademyRequest, *, title: str, form: Any, record: Any, intro: str) -> HttpResponse:
    context = {"title": title, "form": form, "record": record, "intro": intro}
    return render(request, "asye/funding/form.html", context)


@require_http_methods(["GET", "POST"])
@roles_required(*STAFF_ROLES)
def funding_register(request: AcademyRequest, pk: str) -> HttpResponse:
    record = selectors.funding_record_get_for_user(scope=request.scope, pk=pk, write=True)
    existing = registration_of(record)
    initial = (
        {"scheme": existing.scheme, "registered_on": existing.registered_on, "reference": existing.reference}
        if existing
        else {}
    )
    form = RegisterForm(posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.funding_register(actor=request.user, record=record, **form.cleaned_data)
        except ValidationError as error:
            add_form_errors(form, error)
        else:
            messages.success(request, "Funding registration saved.")
            return redirect("asye:funding_record", pk=record.pk)
    return _form_page(
        request,
        title="Register for funding",
        form=form,
        record=record,
        intro="The scheme funds the NQSW's service area: adult ASYE through Skills for Care; child "
        "and family ASYE through DfE for registrations from 1 April 2026.",
    )


@require_http_methods(["GET", "POST"])
@roles_required(*STAFF_ROLES)
def funding_claim(request: AcademyRequest, pk: str) -> HttpResponse:
    record = selectors.funding_record_get_for_user(scope=request.scope, pk=pk, write=True)
    registration = registration_of(record)
    if registration is None:
        messages.info(request, "Register the NQSW for funding before recording a claim.")
        return redirect("asye:funding_register", pk=record.pk)
    form = ClaimForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.funding_claim_record(actor=request.user, registration=registration, **form.cleaned_data)
        except ValidationError as error:
            add_form_errors(form, error)
        else:
            messages.success(request, "Claim saved.")
            return redirect("asye:funding_record", pk=record.pk)
    return _form_page(
        request,
        title="Record a claim",
        form=form,
        record=record,
        intro=f"{registration.get_scheme_display()}, {registration.rate.year_label}: "
        f"{presenters.money(registration.rate.registration_amount)} at registration, "
        f"{presenters.money(registration.rate.completion_amount)} at completion.",
    )


@require_http_methods(["GET", "POST"])
@roles_required(*STAFF_ROLES)
def funding_claim_paid(request: AcademyRequest, pk: str) -> HttpResponse:
    claim = selectors.funding_claim_get_for_user(scope=request.scope, pk=pk, write=True)
    record = claim.registration.record
    form = PaidForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.funding_claim_paid(actor=request.user, claim=claim, **form.cleaned_data)
        except ValidationError as error:
            add_form_errors(form, error)
        else:
            messages.success(request, "Payment saved.")
            return redirect("asye:funding_record", pk=record.pk)
    return _form_page(
        request,
        title="Record the payment",
        form=form,
        record=record,
        intro=f"{claim.get_kind_display()} claim of {presenters.money(claim.amount)}, "
        f"claimed {claim.claimed_on:%-d %B %Y}.",
    )
