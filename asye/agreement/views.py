"""The agreement and development plan pages of an ASYE record. Data comes only through the
selectors (`asye.agreement.selectors`, which start from the record's access selector); who may
do what is decided there and again in the services."""

import uuid
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from academy.drafts.web import draft_discard, draft_key
from academy.web import AcademyRequest, add_form_errors, posted
from asye.lock import is_frozen
from asye.selectors import STAFF, record_schedule

from . import presenters, rules, selectors, services
from .forms import AgreementForm, PlanRowForm, ReviewNoteForm
from .models import Agreement, SignatureCapacity

# --- The agreement --------------------------------------------------------------------------------


def _agreement_page(request: AcademyRequest, pk: str, number: int | None) -> HttpResponse:
    record, relations = selectors.record_for_agreement(scope=request.scope, pk=pk)
    versions = list(selectors.agreement_versions(record=record))
    latest_number = versions[0].number if versions else None
    shown: Agreement | None
    if number is None or number == latest_number:
        shown = selectors.agreement_latest(record=record)
    else:
        shown = selectors.agreement_version_get(record=record, number=number)
    is_latest = shown is not None and shown.number == latest_number
    frozen = is_frozen(record.status)  # asye/lock.py: ended, or with the panel
    may_edit = bool(relations & selectors.AGREEMENT_WRITERS) and (shown is None or is_latest) and not frozen
    context: dict[str, Any] = {
        "record": record,
        "agreement": shown,
        "is_latest": is_latest,
        "latest_number": latest_number,
        "may_edit": may_edit,
        "status": presenters.agreement_status(shown),
        "facts": presenters.record_facts(record, record_schedule(record, today=timezone.localdate())),
        "definition": rules.agreement_form(record.programme_version.forms),
    }
    if shown is not None:
        edit_url = (
            reverse("asye:agreement_edit", args=[record.pk])
            if may_edit and not shown.signatures.all()
            else ""
        )
        context |= {
            "fully_signed": services.agreement_fully_signed(shown),
            "sections": presenters.answer_sections(shown, edit_url=edit_url),
            "signatures_head": presenters.SIGNATURES_HEAD,
            "signatures": presenters.signature_rows(shown, record),
            "missing": presenters.missing_items(shown),
            "sign_actions": presenters.sign_actions(shown, record, selectors.capacities_held(relations))
            if is_latest
            else [],
            "versions_head": presenters.VERSIONS_HEAD,
            "versions": presenters.version_rows(versions, record, showing=shown.number)
            if len(versions) > 1
            else [],
        }
    return render(request, "asye/agreement/agreement.html", context)


@require_GET
def agreement(request: AcademyRequest, pk: str) -> HttpResponse:
    return _agreement_page(request, pk, None)


@require_GET
def agreement_version(request: AcademyRequest, pk: str, number: int) -> HttpResponse:
    return _agreement_page(request, pk, number)


@require_http_methods(["GET", "POST"])
def agreement_edit(request: AcademyRequest, pk: str) -> HttpResponse:
    record, _ = selectors.record_for_agreement(scope=request.scope, pk=pk, write=True)
    latest = selectors.agreement_latest(record=record)
    if latest is None:
        definition = rules.agreement_form(record.programme_version.forms)
        answers = selectors.agreement_initial_answers(record=record)
        hidden = {"number": 0, "revision": 0}
    else:
        definition, answers = latest.form, latest.answers
        hidden = {"number": latest.number, "revision": latest.revision}
    form = AgreementForm(posted(request), definition=definition, answers=answers, initial=hidden)
    # Long form: it saves itself while the assessor types; the page's script puts a draft back
    # (the date inputs included), and sending the form discards it.
    draft = draft_key("asye", "agreement", record.pk)
    if request.method == "POST" and form.is_valid():
        number, revision = form.cleaned_data["number"], form.cleaned_data["revision"]
        try:
            if latest is None:
                saved = services.agreement_start(actor=request.user, record=record, answers=form.answers())
            else:
                # A form for an older version (or for starting, sent again) is checked against
                # the latest: the same answers change nothing, different ones are refused.
                base = selectors.agreement_version_get(record=record, number=number) if number else latest
                saved = services.agreement_update(
                    actor=request.user, agreement=base, answers=form.answers(), revision=revision
                )
        except ValidationError as error:
            add_form_errors(form, error)
        else:
            draft_discard(user=request.user, key=draft)
            if latest is not None and saved.number > latest.number:
                messages.success(
                    request, f"Saved as version {saved.number}. Everyone needs to sign this version again."
                )
            else:
                messages.success(request, "Agreement saved.")
            return redirect("asye:agreement", pk=record.pk)
    context = {
        "record": record,
        "form": form,
        "latest": latest,
        "signed": bool(latest and latest.signatures.all()),
        "guidance": definition.get("guidance", ""),
        "draft": draft,
    }
    return render(request, "asye/agreement/agreement_edit.html", context)


@require_POST
def agreement_sign(request: AcademyRequest, pk: str, number: int, capacity: str) -> HttpResponse:
    if capacity not in SignatureCapacity.values:
        raise Http404("No such capacity.")
    record, relations = selectors.record_for_agreement(scope=request.scope, pk=pk)
    if SignatureCapacity(capacity) not in selectors.capacities_held(relations):
        raise PermissionDenied("You cannot sign in this capacity.")
    version = selectors.agreement_version_get(record=record, number=number)
    try:
        services.agreement_sign(actor=request.user, agreement=version, capacity=capacity)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            f"You signed version {version.number} as {services.CAPACITY_WORDS[SignatureCapacity(capacity)]}.",
        )
    return redirect("asye:agreement", pk=record.pk)


# --- Development plans -----------------------------------------------------------------------------


@require_GET
def plans(request: AcademyRequest, pk: str) -> HttpResponse:
    record, relations = selectors.record_for_plans(scope=request.scope, pk=pk)
    forms = record.programme_version.forms
    frozen = is_frozen(record.status)  # asye/lock.py: ended, or with the panel
    can_write = bool(relations & selectors.PLAN_WRITERS) and not frozen
    can_review = bool(relations & selectors.PLAN_REVIEWERS) and not frozen
    schedule = record_schedule(record, today=timezone.localdate())
    context = {
        "record": record,
        "guidance": rules.pdp_form(forms).get("guidance", ""),
        "head": presenters.plan_head(can_write=can_write, can_review=can_review),
        "sections": presenters.plan_sections(
            record=record,
            periods=rules.pdp_periods(forms),
            plans=selectors.plans_of(record=record),
            month=schedule.month,
            can_write=can_write,
            can_review=can_review,
        ),
        "can_write": can_write,
        "is_staff": STAFF in relations,
    }
    return render(request, "asye/agreement/plans.html", context)


def _plans_url(record_pk: object, period: str) -> str:
    return reverse("asye:plans", args=[record_pk]) + f"#plan-{period}"


@require_http_methods(["GET", "POST"])
def plan_row_add(request: AcademyRequest, pk: str, period: str) -> HttpResponse:
    record, _ = selectors.record_for_plans(scope=request.scope, pk=pk, write=True)
    forms = record.programme_version.forms
    found = rules.pdp_period(forms, period)
    if found is None:
        raise Http404("No such development plan period.")
    form = PlanRowForm(
        posted(request),
        prompts=rules.pdp_form(forms).get("prompts", {}),
        adding=True,
        initial={"submit_token": uuid.uuid4()},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.plan_row_add(actor=request.user, record=record, period=period, **form.cleaned_data)
        except ValidationError as error:
            add_form_errors(form, error)
        else:
            messages.success(request, f"Added to your plan for {found.label.lower()}.")
            return redirect(_plans_url(record.pk, period))
    context = {"record": record, "period": found, "form": form, "back_url": _plans_url(record.pk, period)}
    return render(request, "asye/agreement/plan_row_form.html", context)


@require_http_methods(["GET", "POST"])
def plan_row_edit(request: AcademyRequest, pk: str, row: str) -> HttpResponse:
    found, _ = selectors.plan_row_get_for_user(scope=request.scope, pk=pk, row_pk=row, write="plan")
    record = found.plan.record
    forms = record.programme_version.forms
    initial = {
        "learning_need": found.learning_need,
        "action": found.action,
        "support": found.support,
        "target_date": found.target_date,
        "progress_evidence": found.progress_evidence,
        "revision": found.revision,
    }
    form = PlanRowForm(
        posted(request), prompts=rules.pdp_form(forms).get("prompts", {}), adding=False, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.plan_row_update(actor=request.user, row=found, **form.cleaned_data)
        except ValidationError as error:
            add_form_errors(form, error)
        else:
            messages.success(request, "Your plan was saved.")
            return redirect(_plans_url(record.pk, found.plan.period))
    context = {
        "record": record,
        "period": rules.pdp_period(forms, found.plan.period),
        "form": form,
        "row": found,
        "back_url": _plans_url(record.pk, found.plan.period),
    }
    return render(request, "asye/agreement/plan_row_form.html", context)


@require_http_methods(["GET", "POST"])
def plan_row_review(request: AcademyRequest, pk: str, row: str) -> HttpResponse:
    found, _ = selectors.plan_row_get_for_user(scope=request.scope, pk=pk, row_pk=row, write="review")
    record = found.plan.record
    forms = record.programme_version.forms
    label = rules.pdp_form(forms).get("prompts", {}).get("review_note") or "Review note"
    form = ReviewNoteForm(
        posted(request), label=label, initial={"revision": found.revision, "review_note": found.review_note}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.plan_row_review(actor=request.user, row=found, **form.cleaned_data)
        except ValidationError as error:
            add_form_errors(form, error)
        else:
            messages.success(request, "Review note saved.")
            return redirect(_plans_url(record.pk, found.plan.period))
    context = {
        "record": record,
        "row": found,
        "summary": presenters.row_summary(found),
        "form": form,
        "back_url": _plans_url(record.pk, found.plan.period),
    }
    return render(request, "asye/agreement/plan_row_review.html", context)


@require_POST
def plan_row_remove(request: AcademyRequest, pk: str, row: str) -> HttpResponse:
    found, _ = selectors.plan_row_get_for_user(scope=request.scope, pk=pk, row_pk=row, write="plan")
    try:
        services.plan_row_remove(actor=request.user, row=found)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("asye:plan_row_edit", pk=found.plan.record.pk, row=found.pk)
    messages.success(request, "The row was removed from your plan.")
    return redirect(_plans_url(found.plan.record.pk, found.plan.period))
