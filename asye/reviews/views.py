"""The review pages of an ASYE record, and the reviews waiting for an assessor or line manager.
Data comes only through the selectors (`asye.reviews.selectors`, which start from the record's
access selector); who may write which part is decided there and again in the services."""

import datetime
from collections.abc import Callable
from dataclasses import dataclass
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
from academy.web import AcademyRequest, add_form_errors, paginate, posted
from asye.dates import ReviewDue
from asye.lock import is_frozen
from asye.models import AsyeRecord
from asye.selectors import record_schedule
from asye.signatures import SIGNATURES_HEAD, SignatureCapacity, signature_rows

from . import presenters, rules, selectors, services
from .forms import AssessmentForm, ReflectionForm, SupportForm, assessment_initial
from .models import Review
from .prefill import manager_account_initial


@require_GET
def reviews(request: AcademyRequest, pk: str) -> HttpResponse:
    record, _ = selectors.record_for_reviews(scope=request.scope, pk=pk)
    today = timezone.localdate()
    dues = record_schedule(record, today=today).reviews
    briefs = selectors.review_briefs([record])[record.pk]
    context = {
        "record": record,
        "head": presenters.REVIEWS_HEAD,
        "rows": presenters.record_review_rows(record, dues, briefs, today),
        "back_url": reverse("asye:record", args=[record.pk]),
    }
    return render(request, "asye/reviews/reviews.html", context)


@require_GET
def review(request: AcademyRequest, pk: str, key: str) -> HttpResponse:
    record, relations = selectors.record_for_reviews(scope=request.scope, pk=pk)
    today = timezone.localdate()
    due = selectors.review_due_get(record=record, key=key, today=today)
    found = selectors.review_of(record=record, key=key)
    form = rules.review_form(record.programme_version.forms, key)
    asks_self = rules.asks_self_assessment(form, record.service_area)
    domains = selectors.review_domains(record=record)
    brief = presenters.brief_of(found)
    frozen = is_frozen(record.status)  # asye/lock.py: ended, or with the panel
    editable = not frozen and (brief is None or (brief.completed_at is None and not brief.signed))

    def edit(part: str, name: str) -> str:
        writer = selectors.PART_WRITERS[part]
        return reverse(name, args=[record.pk, key]) if editable and writer in relations else ""

    values: dict[str, Any] = {
        field: getattr(found, field)
        if found
        else ("" if field not in ("judgements", "action_plan") else None)
        for field in (*rules.NQSW_FIELDS, *rules.MANAGER_FIELDS, *rules.ASSESSOR_FIELDS)
    }
    values["judgements"] = values["judgements"] or {}
    values["action_plan"] = values["action_plan"] or []
    nqsw_pairs = [(form.prompt("nqsw_reflection"), values["reflection"])]
    if asks_self:
        nqsw_pairs.append((form.prompt("self_assessment"), values["self_assessment"]))
    missing = rules.missing_parts(asks_self=asks_self, domain_ids=[d.pk for d in domains], values=values)
    since, until = selectors.change_window(record=record, key=key, review=found, today=today)
    plan_period = rules.next_plan_period(record.programme_version.forms, due.months)
    context = {
        "record": record,
        "due": due,
        "due_text": format_date(due.due_on),
        "form": form,
        "state": presenters.state_tag(presenters.review_state(brief, due.due_on, today)),
        "complete": brief is not None and brief.completed_at is not None,
        "frozen": not editable,
        "changes_head": presenters.CHANGES_HEAD,
        "changes": presenters.change_rows(
            selectors.assessor_changes_since(record=record, since=since, until=until)
        ),
        "nqsw_rows": presenters.part_rows(
            nqsw_pairs, edit_url=edit(rules.NQSW_PART, "asye:review_reflection")
        ),
        "manager_rows": presenters.part_rows(
            [(form.prompt(name), values[name]) for name in rules.MANAGER_FIELDS],
            edit_url=edit(rules.MANAGER_PART, "asye:review_support"),
        ),
        "assessment_url": edit(rules.ASSESSOR_PART, "asye:review_assessment"),
        "judgements_head": presenters.JUDGEMENTS_HEAD,
        "judgements": presenters.judgement_rows(domains, values["judgements"]),
        "summary_rows": presenters.part_rows([(form.prompt("progress_summary"), values["progress_summary"])]),
        "actions_head": presenters.ACTIONS_HEAD,
        "actions": presenters.action_rows(values["action_plan"]),
        "concerns": rules.has_concerns(values["judgements"]),
        "plan_period": plan_period,
        "plans_url": reverse("asye:plans", args=[record.pk])
        + (f"#plan-{plan_period.key}" if plan_period else ""),
        "missing": [words[:1].upper() + words[1:] for _, words in missing],
        "signatures_head": SIGNATURES_HEAD,
        "signatures": signature_rows(
            found.signatures.all() if found else [], record, selectors.REVIEW_CAPACITIES
        ),
        "sign_actions": presenters.sign_actions(record, due, brief, selectors.capacities_held(relations))
        if not missing and not frozen and (brief is None or brief.completed_at is None)
        else [],
        "back_url": reverse("asye:reviews", args=[record.pk]),
    }
    return render(request, "asye/reviews/review.html", context)


@dataclass
class Part:
    """One part's form page: the record, the review point, its form definition, the review as
    saved (None before anyone wrote), and the draft key of this person's form."""

    record: AsyeRecord
    due: ReviewDue
    definition: rules.ReviewForm
    found: Review | None
    draft: str

    def initial(self, request: AcademyRequest, saved: dict[str, Any]) -> dict[str, Any]:
        return {**saved, **draft_initial(request, self.draft)}


def _part(request: AcademyRequest, pk: str, key: str, part: str) -> Part:
    record, _ = selectors.record_for_reviews(scope=request.scope, pk=pk, part=part)
    due = selectors.review_due_get(record=record, key=key)
    found = selectors.review_of(record=record, key=key)
    draft = draft_key("asye", f"review-{part}", record.pk, key)
    return Part(record, due, rules.review_form(record.programme_version.forms, key), found, draft)


def _frozen(request: AcademyRequest, part: Part) -> HttpResponse | None:
    """Back to the review, with the reason, when someone has signed it (nothing can change)."""
    if part.found is None or not part.found.signatures.all():
        return None
    messages.info(request, "Someone has signed this review, so its words can no longer change.")
    return redirect("asye:review", pk=part.record.pk, key=part.due.key)


def _part_page(
    request: AcademyRequest, part: Part, form: Any, *, heading: str, save: Callable[[], object]
) -> HttpResponse:
    """Bind, save through `save` (a service), and back to the review; or show the form."""
    if request.method == "POST" and form.is_valid():
        try:
            save()
        except ValidationError as error:
            add_form_errors(form, error)
        else:
            draft_discard(user=request.user, key=part.draft)
            messages.success(request, "Saved.")
            return redirect("asye:review", pk=part.record.pk, key=part.due.key)
    context = {
        "record": part.record,
        "due": part.due,
        "form": form,
        "heading": heading,
        "draft": part.draft,
        "back_url": reverse("asye:review", args=[part.record.pk, part.due.key]),
    }
    return render(request, "asye/reviews/part_form.html", context)


@require_http_methods(["GET", "POST"])
def review_reflection(request: AcademyRequest, pk: str, key: str) -> HttpResponse:
    part = _part(request, pk, key, rules.NQSW_PART)
    if (frozen := _frozen(request, part)) is not None:
        return frozen
    found = part.found
    saved = {"reflection": found.reflection, "self_assessment": found.self_assessment} if found else {}
    asks_self = rules.asks_self_assessment(part.definition, part.record.service_area)
    form = ReflectionForm(
        posted(request), form=part.definition, asks_self=asks_self, initial=part.initial(request, saved)
    )
    return _part_page(
        request,
        part,
        form,
        heading="Your reflection",
        save=lambda: services.review_reflection_update(
            actor=request.user,
            record=part.record,
            key=key,
            reflection=form.cleaned_data["reflection"],
            self_assessment=form.cleaned_data.get("self_assessment", ""),
        ),
    )


@require_http_methods(["GET", "POST"])
def review_support(request: AcademyRequest, pk: str, key: str) -> HttpResponse:
    part = _part(request, pk, key, rules.MANAGER_PART)
    if (frozen := _frozen(request, part)) is not None:
        return frozen
    saved: dict[str, Any] = manager_account_initial(part.record, part.due)
    if part.found is not None:
        saved |= {
            name: getattr(part.found, name) for name in rules.MANAGER_FIELDS if getattr(part.found, name)
        }
    form = SupportForm(posted(request), form=part.definition, initial=part.initial(request, saved))
    return _part_page(
        request,
        part,
        form,
        heading=part.definition.prompt("support_received"),
        save=lambda: services.review_support_update(
            actor=request.user, record=part.record, key=key, **form.cleaned_data
        ),
    )


@require_http_methods(["GET", "POST"])
def review_assessment(request: AcademyRequest, pk: str, key: str) -> HttpResponse:
    part = _part(request, pk, key, rules.ASSESSOR_PART)
    if (frozen := _frozen(request, part)) is not None:
        return frozen
    domains = selectors.review_domains(record=part.record)
    saved = assessment_initial(part.found) if part.found else {}
    form = AssessmentForm(
        posted(request), form=part.definition, domains=domains, initial=part.initial(request, saved)
    )
    return _part_page(
        request,
        part,
        form,
        heading=part.definition.prompt("progress"),
        save=lambda: services.review_assessment_update(
            actor=request.user,
            record=part.record,
            key=key,
            judgements=form.judgements(),
            progress_summary=form.cleaned_data["progress_summary"],
            action_plan=form.action_plan(),
        ),
    )


@require_POST
def review_sign(request: AcademyRequest, pk: str, key: str, capacity: str) -> HttpResponse:
    if capacity not in {c.value for c in selectors.REVIEW_CAPACITIES}:
        raise Http404("No such capacity.")
    record, relations = selectors.record_for_reviews(scope=request.scope, pk=pk)
    if SignatureCapacity(capacity) not in selectors.capacities_held(relations):
        raise PermissionDenied("You cannot sign in this capacity.")
    due = selectors.review_due_get(record=record, key=key)
    try:
        services.review_sign(actor=request.user, record=record, key=key, capacity=capacity)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"You signed the {due.label.lower()}.")
    return redirect("asye:review", pk=record.pk, key=key)


@require_GET
def reviews_assigned(request: AcademyRequest) -> HttpResponse:
    """The reviews of the NQSWs whose assessor or line manager the person is: due soon, overdue,
    under way or waiting for their signature."""
    page = paginate(request, selectors.assigned_records(user=request.user))
    records = list(page.object_list)
    briefs = selectors.review_briefs(records)
    today = timezone.localdate()
    horizon = today + datetime.timedelta(days=presenters.DUE_SOON_DAYS)
    items = []
    for record in records:
        mine = selectors.assigned_capacities(record=record, user=request.user)
        for due in record_schedule(record, today=today).reviews:
            brief = briefs[record.pk].get(due.key)
            if brief is not None and brief.completed_at is not None:
                continue
            if brief is not None or due.due_on <= horizon:
                items.append((record, due, brief, mine))
    items.sort(key=lambda item: item[1].due_on)
    context = {"page": page, "head": presenters.TO_DO_HEAD, "rows": presenters.to_do_rows(items, today)}
    return render(request, "asye/reviews/assigned.html", context)
