"""The year's-end pages of an ASYE record: the final assessment and its parts, the NQSW's
confirmation of anonymisation, what stands in the way of moderation and the submission, and
the employer's pause, extension and withdrawal. Data comes only through `asye.final.selectors`
(which start from the record's access selector); who may do what is decided there and again in
the services."""

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from academy.drafts.web import draft_discard, draft_initial, draft_key
from academy.presenters import format_date
from academy.web import AcademyRequest, add_form_errors, posted
from asye import services as record_services
from asye.models import AsyeRecord, RecordStatus
from asye.selectors import NQSW, record_schedule
from asye.signatures import SIGNATURES_HEAD, SignatureCapacity, signature_rows

from . import presenters, rules, selectors, services
from .forms import (
    AnonymisationForm,
    EndorsementForm,
    ExtensionForm,
    PauseEndForm,
    PauseForm,
    ReflectionForm,
    ReportForm,
    WithdrawalForm,
    report_initial,
)
from .models import FinalAssessment

# --- The final assessment ----------------------------------------------------------------------------


@require_GET
def final(request: AcademyRequest, pk: str) -> HttpResponse:
    record, relations = selectors.record_for_final(scope=request.scope, pk=pk)
    found = selectors.final_of(record=record)
    prompts = rules.prompts(record.programme_version.forms)
    domains = selectors.final_domains(record=record)
    signed = frozenset(s.capacity for s in found.signatures.all()) if found else frozenset()
    complete = found is not None and found.completed_at is not None
    editable = record.status in selectors.UNDER_WAY and not signed

    def edit(part: str, name: str) -> str:
        return (
            reverse(name, args=[record.pk]) if editable and selectors.PART_WRITERS[part] in relations else ""
        )

    values: dict[str, Any] = {
        field: getattr(found, field) if found else ""
        for field in ("reflection", "report", "recommendation", "endorsement")
    }
    judgements: dict[str, Any] = found.judgements if found else {}
    values["judgements"] = judgements
    missing = rules.missing_parts(values, [d.pk for d in domains])
    can_sign = not missing and not complete and record.status in selectors.UNDER_WAY
    context = {
        "record": record,
        "prompts": prompts,
        "due_text": format_date(record_schedule(record).planned_end),
        "state": presenters.final_tag(selectors.final_brief(record=record)),
        "complete": complete,
        "frozen": bool(signed),
        "nqsw_rows": presenters.nqsw_rows(found, prompts, edit(rules.NQSW_PART, "asye:final_reflection")),
        "assessor_rows": presenters.assessor_rows(
            found, prompts, edit(rules.ASSESSOR_PART, "asye:final_report")
        ),
        "manager_rows": presenters.manager_rows(
            found, prompts, edit(rules.MANAGER_PART, "asye:final_endorsement")
        ),
        "judgements_head": presenters.JUDGEMENTS_HEAD,
        "judgements": presenters.judgement_rows(domains, judgements),
        "missing": [words[:1].upper() + words[1:] for _, words in missing],
        "signatures_head": SIGNATURES_HEAD,
        "signatures": signature_rows(
            found.signatures.all() if found else [], record, selectors.FINAL_CAPACITIES
        ),
        "sign_actions": presenters.sign_actions(record, signed, selectors.capacities_held(relations))
        if can_sign
        else [],
        "back_url": reverse("asye:record", args=[record.pk]),
    }
    return render(request, "asye/final/final.html", context)


def _part_page(
    request: AcademyRequest,
    record: AsyeRecord,
    form: Any,
    *,
    heading: str,
    draft: str,
    save: Callable[[], object],
) -> HttpResponse:
    if request.method == "POST" and form.is_valid():
        try:
            save()
        except ValidationError as error:
            add_form_errors(form, error)
        else:
            draft_discard(user=request.user, key=draft)
            messages.success(request, "Saved.")
            return redirect("asye:final", pk=record.pk)
    context = {
        "record": record,
        "form": form,
        "heading": heading,
        "draft": draft,
        "back_url": reverse("asye:final", args=[record.pk]),
    }
    return render(request, "asye/final/part_form.html", context)


def _part(request: AcademyRequest, pk: str, part: str) -> tuple[AsyeRecord, FinalAssessment | None, str]:
    record, _ = selectors.record_for_final(scope=request.scope, pk=pk, part=part)
    return record, selectors.final_of(record=record), draft_key("asye", f"final-{part}", record.pk)


def _frozen(
    request: AcademyRequest, record: AsyeRecord, found: FinalAssessment | None
) -> HttpResponse | None:
    if record.status not in selectors.UNDER_WAY:
        messages.info(request, "This record is no longer under way, so its final assessment cannot change.")
        return redirect("asye:final", pk=record.pk)
    if found is None or not found.signatures.all():
        return None
    messages.info(request, "Someone has signed the final assessment, so its words can no longer change.")
    return redirect("asye:final", pk=record.pk)


@require_http_methods(["GET", "POST"])
def final_reflection(request: AcademyRequest, pk: str) -> HttpResponse:
    record, found, draft = _part(request, pk, rules.NQSW_PART)
    if (frozen := _frozen(request, record, found)) is not None:
        return frozen
    prompts = rules.prompts(record.programme_version.forms)
    saved = (
        {"reflection": found.reflection, "further_development": found.further_development} if found else {}
    )
    form = ReflectionForm(
        posted(request), prompts=prompts, initial={**saved, **draft_initial(request, draft)}
    )
    return _part_page(
        request,
        record,
        form,
        heading="Your final reflection",
        draft=draft,
        save=lambda: services.final_reflection_update(actor=request.user, record=record, **form.cleaned_data),
    )


@require_http_methods(["GET", "POST"])
def final_report(request: AcademyRequest, pk: str) -> HttpResponse:
    record, found, draft = _part(request, pk, rules.ASSESSOR_PART)
    if (frozen := _frozen(request, record, found)) is not None:
        return frozen
    prompts = rules.prompts(record.programme_version.forms)
    domains = selectors.final_domains(record=record)
    saved = report_initial(found) if found else {}
    form = ReportForm(
        posted(request), prompts=prompts, domains=domains, initial={**saved, **draft_initial(request, draft)}
    )
    return _part_page(
        request,
        record,
        form,
        heading="Final report and recommendation",
        draft=draft,
        save=lambda: services.final_report_update(
            actor=request.user,
            record=record,
            report=form.cleaned_data["report"],
            recommendation=form.cleaned_data["recommendation"],
            judgements=form.judgements(),
        ),
    )


@require_http_methods(["GET", "POST"])
def final_endorsement(request: AcademyRequest, pk: str) -> HttpResponse:
    record, found, draft = _part(request, pk, rules.MANAGER_PART)
    if (frozen := _frozen(request, record, found)) is not None:
        return frozen
    prompts = rules.prompts(record.programme_version.forms)
    saved = {"endorsement": found.endorsement, "manager_comments": found.manager_comments} if found else {}
    form = EndorsementForm(
        posted(request), prompts=prompts, initial={**saved, **draft_initial(request, draft)}
    )
    return _part_page(
        request,
        record,
        form,
        heading="Your endorsement",
        draft=draft,
        save=lambda: services.final_endorsement_update(
            actor=request.user, record=record, **form.cleaned_data
        ),
    )


@require_POST
def final_sign(request: AcademyRequest, pk: str, capacity: str) -> HttpResponse:
    if capacity not in {c.value for c in selectors.FINAL_CAPACITIES}:
        raise Http404("No such capacity.")
    record, relations = selectors.record_for_final(scope=request.scope, pk=pk)
    if SignatureCapacity(capacity) not in selectors.capacities_held(relations):
        raise PermissionDenied("You cannot sign in this capacity.")
    try:
        services.final_sign(actor=request.user, record=record, capacity=capacity)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "You signed the final assessment.")
    return redirect("asye:final", pk=record.pk)


# --- Anonymisation and submission ----------------------------------------------------------------


def _anonymisation_form(request: AcademyRequest, record: AsyeRecord, items: list[Any]) -> AnonymisationForm:
    choices = [(str(i.pk), i.title) for i in items if not i.confirmed]
    form = AnonymisationForm(posted(request), choices=choices)
    form.helper.form_action = reverse("asye:final_anonymisation_confirm", args=[record.pk])
    return form


def _anonymisation_page(
    request: AcademyRequest, record: AsyeRecord, relations: frozenset[str], items: list[Any], form: Any
) -> HttpResponse:
    """Not paginated, by exception: the accepted items of one portfolio (a few dozen at most)
    are one form of checkboxes, confirmed together."""
    context = {
        "record": record,
        "is_own": NQSW in relations,
        "head": presenters.ITEMS_HEAD,
        "rows": presenters.item_rows(items),
        "to_confirm": len([item for item in items if not item.confirmed]),
        "form": form,
        "back_url": reverse("asye:submission", args=[record.pk]),
    }
    return render(request, "asye/final/anonymisation.html", context)


@require_GET
def final_anonymisation(request: AcademyRequest, pk: str) -> HttpResponse:
    record, relations = selectors.record_for_final(scope=request.scope, pk=pk)
    items = list(selectors.items_to_confirm(record=record))
    form = _anonymisation_form(request, record, items) if NQSW in relations else None
    return _anonymisation_page(request, record, relations, items, form)


@require_POST
def final_anonymisation_confirm(request: AcademyRequest, pk: str) -> HttpResponse:
    record, relations = selectors.record_for_final(scope=request.scope, pk=pk, nqsw_only=True)
    items = list(selectors.items_to_confirm(record=record))
    form = _anonymisation_form(request, record, items)
    if form.is_valid():
        try:
            done = services.anonymisation_confirm(
                actor=request.user, record=record, item_ids=form.cleaned_data["items"]
            )
        except ValidationError as error:
            add_form_errors(form, error)
        else:
            messages.success(request, f"You confirmed {done} item{'s' if done != 1 else ''} anonymised.")
            return redirect("asye:final_anonymisation", pk=record.pk)
    return _anonymisation_page(request, record, relations, items, form)


@require_GET
def submission(request: AcademyRequest, pk: str) -> HttpResponse:
    record, relations = selectors.record_for_final(scope=request.scope, pk=pk)
    refusals = selectors.submission_refusals(record=record)
    context = {
        "record": record,
        "is_own": NQSW in relations,
        "refusals": presenters.refusal_items(refusals),
        "submitted": record.status == RecordStatus.SUBMITTED,
        "submissions_head": presenters.SUBMISSIONS_HEAD,
        "submissions": presenters.submission_rows(selectors.submissions_of(record=record)),
        "back_url": reverse("asye:record", args=[record.pk]),
    }
    return render(request, "asye/final/submission.html", context)


@require_POST
def submission_submit(request: AcademyRequest, pk: str) -> HttpResponse:
    record, _ = selectors.record_for_final(scope=request.scope, pk=pk, nqsw_only=True)
    try:
        services.record_submit_to_moderation(record=record, actor=request.user)
    except ValidationError as error:
        messages.error(request, "Your portfolio was not submitted: " + " ".join(error.messages))
    else:
        messages.success(request, "Your portfolio has been submitted to moderation.")
    return redirect("asye:submission", pk=record.pk)


# --- The employer's side: pause, extension, withdrawal ----------------------------------------------


def _employer_page(
    request: AcademyRequest,
    record: AsyeRecord,
    form: Any,
    *,
    heading: str,
    intro: str,
    save: Callable[[], object],
    done: str,
) -> HttpResponse:
    if request.method == "POST" and form.is_valid():
        try:
            save()
        except ValidationError as error:
            add_form_errors(form, error)
        else:
            messages.success(request, done)
            return redirect("asye:record", pk=record.pk)
    context = {
        "record": record,
        "form": form,
        "heading": heading,
        "intro": intro,
        "planned_end": format_date(record_schedule(record, today=timezone.localdate()).planned_end),
        "back_url": reverse("asye:record", args=[record.pk]),
    }
    return render(request, "asye/final/employer_form.html", context)


@require_http_methods(["GET", "POST"])
def record_pause(request: AcademyRequest, pk: str) -> HttpResponse:
    record = selectors.record_for_employer(scope=request.scope, pk=pk)
    form = PauseForm(posted(request))
    return _employer_page(
        request,
        record,
        form,
        heading="Record a pause",
        intro="A pause (long leave, sickness) moves the planned end and every later review by its length. "
        "While a pause is open the record shows as paused.",
        save=lambda: record_services.record_pause_add(actor=request.user, record=record, **form.cleaned_data),
        done="The pause was recorded.",
    )


@require_http_methods(["GET", "POST"])
def record_pause_end(request: AcademyRequest, pk: str) -> HttpResponse:
    record = selectors.record_for_employer(scope=request.scope, pk=pk)
    pause = presenters.open_pause(record)
    if pause is None:
        messages.info(request, "This record has no open pause.")
        return redirect("asye:record", pk=record.pk)
    form = PauseEndForm(posted(request))
    return _employer_page(
        request,
        record,
        form,
        heading="End the pause",
        intro=f"The pause began on {format_date(pause.starts_on)}: {pause.reason}",
        save=lambda: record_services.record_pause_end(actor=request.user, pause=pause, **form.cleaned_data),
        done="The pause has ended.",
    )


@require_http_methods(["GET", "POST"])
def record_extend(request: AcademyRequest, pk: str) -> HttpResponse:
    record = selectors.record_for_employer(scope=request.scope, pk=pk)
    form = ExtensionForm(posted(request))
    return _employer_page(
        request,
        record,
        form,
        heading="Extend the year",
        intro="Reviews not yet due, the final review with them, move by as many days as the end does. "
        "Dates already passed stay.",
        save=lambda: services.record_extend(actor=request.user, record=record, **form.cleaned_data),
        done="The year was extended.",
    )


@require_http_methods(["GET", "POST"])
def record_withdraw(request: AcademyRequest, pk: str) -> HttpResponse:
    record = selectors.record_for_employer(scope=request.scope, pk=pk)
    form = WithdrawalForm(posted(request))
    return _employer_page(
        request,
        record,
        form,
        heading="Record a withdrawal",
        intro="Withdrawal is not a fail. It ends the year: the record and everything in it become read-only.",
        save=lambda: services.record_withdraw(actor=request.user, record=record, **form.cleaned_data),
        done="The withdrawal was recorded.",
    )
