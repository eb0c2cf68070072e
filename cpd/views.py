"""CPD pages: the person's ledger by registration year, adding and changing a record, its page,
marking it complete, its peer reflection, its copy pack, and the registration-year tracker.
Every signed-in person may keep CPD, whatever their role. Data comes only through
`cpd.selectors`, which answer with the person's own records and nobody else's."""

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from academy.drafts.web import draft_discard, draft_initial, draft_key
from academy.registry.used_in import cpd_record_used_in
from academy.web import AcademyRequest, add_form_errors, paginate, posted

from . import presenters, selectors, services
from .forms import CpdRecordForm, PeerReflectionForm
from .models import CpdRecord, RegistrationYear
from .peer import presenters as peer_presenters
from .peer import selectors as peer_selectors


def _chosen_year(request: AcademyRequest, years: list[RegistrationYear]) -> RegistrationYear | None:
    wanted = request.GET.get("year")
    if wanted:
        for year in years:
            if year.slug == wanted:
                return year
    today = timezone.localdate()
    for year in years:
        if year.starts_on <= today <= year.ends_on:
            return year
    return years[0] if years else None


def _year_links(
    years: list[RegistrationYear], chosen: RegistrationYear | None, url_name: str
) -> list[dict[str, Any]]:
    base = reverse(url_name)
    return [{"label": y.label, "url": f"{base}?year={y.slug}", "current": y == chosen} for y in years]


@require_GET
def ledger(request: AcademyRequest) -> HttpResponse:
    years = selectors.registration_years()
    year = _chosen_year(request, years)
    page = paginate(request, selectors.cpd_records_in_year(scope=request.scope, year=year))
    context = {
        "year": year,
        "year_links": _year_links(years, year, "cpd:ledger"),
        "page": page,
        "head": presenters.LEDGER_HEAD,
        "rows": presenters.ledger_rows(page.object_list),
    }
    return render(request, "cpd/ledger.html", context)


def _record_form(request: AcademyRequest, *, key: str, initial: dict[str, Any], submit: str) -> CpdRecordForm:
    return CpdRecordForm(
        posted(request),
        request.FILES or None,
        initial={**initial, **draft_initial(request, key)},
        topics=selectors.cpd_topic_elements(),
        submit=submit,
    )


def _attach(request: AcademyRequest, form: CpdRecordForm, record: CpdRecord) -> None:
    upload = form.cleaned_data.get("attachment")
    if upload and request.organisation is None:
        # Files are kept in an employer's storage; someone whose employment has ended has none
        # (docs/adr/0012). Raised inside the save's transaction, so nothing is kept half-done.
        raise ValidationError(
            {
                "attachment": "You cannot attach files while you have no employer here. "
                "Save the record without it."
            }
        )
    if upload and request.organisation is not None:
        services.cpd_attachment_add(
            actor=request.user, record=record, upload=upload, organisation=request.organisation
        )


@require_http_methods(["GET", "POST"])
def record_create(request: AcademyRequest) -> HttpResponse:
    key = draft_key("cpd", "record", "new")
    form = _record_form(request, key=key, initial={}, submit="Save as draft")
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                record = services.cpd_record_create(
                    actor=request.user, complete="complete" in request.POST, **form.service_data()
                )
                _attach(request, form, record)
        except ValidationError as error:
            add_form_errors(form, error)
        else:
            draft_discard(user=request.user, key=key)
            messages.success(request, f"Saved “{record.title}”.")
            return redirect("cpd:record", pk=record.pk)
    return render(request, "cpd/record_form.html", {"form": form, "draft": key, "record": None})


@require_http_methods(["GET", "POST"])
def record_edit(request: AcademyRequest, pk: str) -> HttpResponse:
    record = selectors.cpd_record_get_for_user(scope=request.scope, pk=pk, write=True)
    key = draft_key("cpd", "record", record.pk)
    reflection = selectors.peer_reflection_of(record)
    initial = {
        "title": record.title,
        "activity_type": record.activity_type,
        "description": record.description,
        "occurred_on": record.occurred_on,
        "learning": record.learning,
        "impact": record.impact,
        "hours": record.hours,
        "provider": record.provider,
        "topics": list(record.topics.all()),
        "peer_learning": reflection.learning if reflection else "",
        "peer_name": reflection.peer_name if reflection else "",
        "peer_role": reflection.peer_role if reflection else "",
        "peer_discussed_on": reflection.discussed_on if reflection else None,
    }
    form = _record_form(request, key=key, initial=initial, submit="Save changes")
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                services.cpd_record_update(
                    actor=request.user,
                    record=record,
                    complete="complete" in request.POST,
                    **form.service_data(),
                )
                _attach(request, form, record)
        except ValidationError as error:
            add_form_errors(form, error)
        else:
            draft_discard(user=request.user, key=key)
            messages.success(request, f"Saved “{record.title}”.")
            return redirect("cpd:record", pk=record.pk)
    return render(request, "cpd/record_form.html", {"form": form, "draft": key, "record": record})


@require_GET
def record(request: AcademyRequest, pk: str) -> HttpResponse:
    found = selectors.cpd_record_get_for_user(scope=request.scope, pk=pk)
    years = selectors.registration_years()
    year = selectors.registration_year_for(day=found.occurred_on, years=years)
    reflection = selectors.peer_reflection_of(found)
    edit_url = reverse("cpd:record_edit", args=[found.pk])
    reflection_url = reverse("cpd:peer_reflection", args=[found.pk])
    context = {
        "record": found,
        "year": year,
        "summary": presenters.record_summary(
            found,
            year_label=year.label if year else "None",
            topics=list(found.topics.all()),
            edit_url=edit_url,
        ),
        "reflection": reflection,
        "reflection_summary": presenters.reflection_summary(reflection, edit_url=reflection_url)
        if reflection
        else [],
        "reflection_url": reflection_url,
        "peer_confirmation": peer_presenters.record_confirmation(
            peer_selectors.peer_requests_of_record(record=found), reflection, now=timezone.now()
        )
        if reflection
        else None,
        "attachments_head": presenters.ATTACHMENTS_HEAD,
        "attachments": presenters.attachment_rows(selectors.cpd_record_attachments(record=found)),
        "used_in": cpd_record_used_in(record_id=found.pk, scope=request.scope),
        "missing": [
            message
            for name, message in services.REQUIRED_TO_COMPLETE.items()
            if not getattr(found, name).strip()
        ],
    }
    return render(request, "cpd/record.html", context)


@require_POST
def record_complete(request: AcademyRequest, pk: str) -> HttpResponse:
    found = selectors.cpd_record_get_for_user(scope=request.scope, pk=pk, write=True)
    try:
        services.cpd_record_complete(actor=request.user, record=found)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, f"“{found.title}” is complete.")
    return redirect("cpd:record", pk=found.pk)


@require_http_methods(["GET", "POST"])
def peer_reflection(request: AcademyRequest, pk: str) -> HttpResponse:
    found = selectors.cpd_record_get_for_user(scope=request.scope, pk=pk, write=True)
    existing = selectors.peer_reflection_of(found)
    key = draft_key("cpd", "peer", found.pk)
    initial: dict[str, Any] = {}
    if existing is not None:
        initial = {
            "learning": existing.learning,
            "peer_name": existing.peer_name,
            "peer_role": existing.peer_role,
            "discussed_on": existing.discussed_on,
        }
    form = PeerReflectionForm(posted(request), initial={**initial, **draft_initial(request, key)})
    if request.method == "POST" and form.is_valid():
        try:
            services.cpd_peer_reflection_save(actor=request.user, record=found, **form.cleaned_data)
        except ValidationError as error:
            add_form_errors(form, error)
        else:
            draft_discard(user=request.user, key=key)
            note = (
                " If you already submitted it to Social Work England, add the reflection there too."
                if found.is_complete
                else ""
            )
            messages.success(request, f"Peer reflection saved.{note}")
            return redirect("cpd:record", pk=found.pk)
    return render(request, "cpd/peer_reflection.html", {"form": form, "record": found, "draft": key})


@require_GET
def copy_pack(request: AcademyRequest, pk: str) -> HttpResponse:
    found = selectors.cpd_record_get_for_user(scope=request.scope, pk=pk)
    reflection = selectors.peer_reflection_of(found)
    confirmation = (
        peer_presenters.record_confirmation(
            peer_selectors.peer_requests_of_record(record=found), reflection, now=timezone.now()
        )
        if reflection
        else {}
    )
    context = {
        "record": found,
        "fields": presenters.copy_pack(found),
        "peer_answer": confirmation.get("answer"),
    }
    return render(request, "cpd/copy_pack.html", context)


@require_GET
def tracker(request: AcademyRequest) -> HttpResponse:
    now = timezone.now()
    years = selectors.registration_years()
    summaries = selectors.years_progress(scope=request.scope, years=years, now=now)
    year = _chosen_year(request, years)
    chosen = next((s for s in summaries if s.year == year), None)
    context = {
        "year": year,
        "progress": chosen.progress if chosen else None,
        "summary": presenters.year_summary(chosen.progress) if chosen else [],
        "tasks": presenters.progress_tasks(
            chosen.progress, ledger_url=reverse("cpd:ledger") + f"?year={year.slug}"
        )
        if chosen and year
        else [],
        "years_head": presenters.YEARS_HEAD,
        "years_rows": presenters.years_rows(s for s in summaries if not s.progress.is_future),
    }
    return render(request, "cpd/tracker.html", context)
