"""Evidence pages: the record's evidence by kind, adding and editing an item, the
anonymisation check before submitting, the item page with the assessor's actions and the
thread, the observer's part, the assessor's queue and the framework map. Data comes only
through selectors; who may do what is decided there and in services."""

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from academy.drafts.web import draft_discard, draft_initial, draft_key
from academy.roles import Role
from academy.web import AcademyRequest, add_form_errors, paginate, posted, roles_required
from asye import selectors as record_selectors
from asye.lock import is_frozen
from asye.models import AsyeRecord, EvidenceKind

from . import presenters, selectors, services
from .citations import presenters as citation_presenters
from .citations import snapshot as citation_snapshot
from .citations.selectors import citation_of
from .forms import (
    AcceptForm,
    CommentForm,
    ConfirmFlagForm,
    EvidenceForm,
    ObserverForm,
    ReturnForm,
    initial_from_item,
    new_initial,
)
from .forms_data import KindForm, kind_form
from .guard import guard_flags
from .models import EDITABLE, WAITING, EvidenceItem, EvidenceStatus


def _own_record(request: AcademyRequest, pk: object) -> AsyeRecord:
    """The record, for its NQSW only: others who may read it get 403."""
    record = record_selectors.record_get_for_user(scope=request.scope, pk=pk)  # type: ignore[arg-type]
    if record_selectors.NQSW not in record_selectors.record_relations(scope=request.scope, record=record):
        raise PermissionDenied("Only the NQSW adds evidence to their record.")
    return record


# --- The record's evidence -------------------------------------------------------------------------


@require_GET
def evidence_list(request: AcademyRequest, pk: str) -> HttpResponse:
    record = record_selectors.record_get_for_user(scope=request.scope, pk=pk)
    relations = record_selectors.record_relations(scope=request.scope, record=record)
    kind = request.GET.get("kind", "")
    kind = kind if kind in EvidenceKind.values else ""  # an unknown kind shows everything
    page = paginate(request, selectors.evidence_of_record(record=record, kind=kind))
    context = {
        "record": record,
        "is_own": record_selectors.NQSW in relations,
        "can_add": record_selectors.NQSW in relations and not is_frozen(record.status),
        "kind": kind,
        "kind_label": presenters.kind_label(kind) if kind else "",
        "all_url": presenters.kind_filter_url(record),
        "counts_head": presenters.COUNTS_HEAD,
        "counts": presenters.count_rows(
            selectors.evidence_counts(record=record), record=record, current=kind
        ),
        "page": page,
        "items_head": presenters.ITEMS_HEAD,
        "items": presenters.item_rows(page.object_list),
    }
    return render(request, "asye/evidence/list.html", context)


@require_GET
def evidence_add(request: AcademyRequest, pk: str) -> HttpResponse:
    record = _own_record(request, pk)
    element = request.GET.get("element", "")
    choices = presenters.kind_choices(record, element=element if element.isdigit() else "")
    cite_url = reverse("asye:evidence_cite", args=[record.pk])
    return render(
        request, "asye/evidence/add.html", {"record": record, "choices": choices, "cite_url": cite_url}
    )


def _evidence_form(
    request: AcademyRequest,
    record: AsyeRecord,
    kind: str,
    initial: dict[str, object],
    the_form: KindForm | None = None,
) -> EvidenceForm:
    elements = list(selectors.record_elements(record=record))
    observers = (
        selectors.eligible_observers(record=record) if kind == EvidenceKind.DIRECT_OBSERVATION else None
    )
    return EvidenceForm(
        posted(request),
        request.FILES or None,
        kind_form=the_form or kind_form(record.programme_version, kind),
        elements=elements,
        statements=elements if kind == EvidenceKind.SELF_ASSESSMENT else (),
        observers=observers,
        initial=initial,
    )


def _attach(request: AcademyRequest, form: EvidenceForm, item: EvidenceItem) -> bool:
    upload = form.cleaned_data.get("attachment")
    if not upload:
        return True
    try:
        services.evidence_attach(actor=request.user, item=item, upload=upload)
    except ValidationError as error:
        form.add_error("attachment", error.messages)
        return False
    return True


@require_http_methods(["GET", "POST"])
def evidence_new(request: AcademyRequest, pk: str, kind: str) -> HttpResponse:
    record = _own_record(request, pk)
    if kind not in EvidenceKind.values:
        raise Http404("No such kind of evidence.")
    key = draft_key("asye", "evidence", "new", kind, record.pk)
    element = request.GET.get("element", "")
    initial = {
        **new_initial(today=timezone.localdate(), element=element if element.isdigit() else None),
        **draft_initial(request, key),
    }
    form = _evidence_form(request, record, kind, initial)
    if request.method == "POST" and form.is_valid():
        try:
            item = services.evidence_create(
                actor=request.user,
                record=record,
                kind=kind,
                idempotency_key=form.cleaned_data["idempotency_key"] or "",
                **form.service_values(),
            )
        except ValidationError as error:
            add_form_errors(form, error)
        else:
            draft_discard(user=request.user, key=key)
            if _attach(request, form, item):
                messages.success(request, "Your evidence was saved as a draft.")
                return redirect("asye:evidence", pk=item.pk)
            return redirect(reverse("asye:evidence_edit", args=[item.pk]) + "?file=refused")
    context = {
        "record": record,
        "form": form,
        "kind_form": form.kind_form,
        "draft_key": key,
        "back_url": reverse("asye:evidence_add", args=[record.pk]),
        "heading": f"Add {form.kind_form.title.lower()}",
    }
    return render(request, "asye/evidence/form.html", context)


@require_http_methods(["GET", "POST"])
def evidence_edit(request: AcademyRequest, pk: str) -> HttpResponse:
    item = selectors.evidence_get_for_user(scope=request.scope, pk=pk, write=True)
    if item.status not in EDITABLE:
        messages.info(request, "This item cannot be changed now.")
        return redirect("asye:evidence", pk=item.pk)
    record = item.record
    key = draft_key("asye", "evidence", item.pk)
    the_form = kind_form(record.programme_version, item.kind)
    if citation_of(item) is not None:  # the cited CPD record answers some prompts
        the_form = citation_snapshot.uncovered_form(the_form)
    mapped = item.mappings.values_list("element_id", flat=True)
    initial = {**initial_from_item(item, the_form, mapped), **draft_initial(request, key)}
    form = _evidence_form(request, record, item.kind, initial, the_form)
    if request.method == "POST" and form.is_valid():
        try:
            services.evidence_update(
                actor=request.user,
                item=item,
                version=form.cleaned_data["version"] or 0,
                **form.service_values(),
            )
        except ValidationError as error:
            add_form_errors(form, error)
        else:
            draft_discard(user=request.user, key=key)
            if _attach(request, form, item):
                messages.success(request, "Your changes were saved.")
                return redirect("asye:evidence", pk=item.pk)
    context = {
        "record": record,
        "item": item,
        "form": form,
        "kind_form": the_form,
        "draft_key": key,
        "back_url": reverse("asye:evidence", args=[item.pk]),
        "heading": f"Edit: {item.title}",
        "files": presenters.file_rows(selectors.evidence_detail(item=item)),
    }
    return render(request, "asye/evidence/form.html", context)


# --- One item ----------------------------------------------------------------------------------------


def _item_context(request: AcademyRequest, item: EvidenceItem) -> dict[str, object]:
    relations = selectors.evidence_relations(scope=request.scope, item=item)
    detail = selectors.evidence_detail(item=item)
    the_form = kind_form(item.record.programme_version, item.kind)
    is_nqsw = record_selectors.NQSW in relations
    is_assessor = record_selectors.ASSESSOR in relations
    frozen = is_frozen(item.record.status)
    statements = list(selectors.record_elements(record=item.record)) if the_form.statement_prompts else []
    citation = citation_of(item)
    if citation is not None:  # the CPD record's words show once, in its own section
        the_form = citation_snapshot.uncovered_form(the_form)
    return {
        "citation": citation,
        "cited": citation_presenters.shared_rows(citation.snapshot) if citation else [],
        "cited_note": citation_presenters.citation_note(citation, is_nqsw=is_nqsw, link_cpd=is_nqsw)
        if citation
        else {},
        "item": item,
        "record": item.record,
        "summary": presenters.item_summary(item),
        "answers": presenters.answer_rows(item, the_form),
        "observer_answers": presenters.answer_rows(item, the_form, observer=True)
        if the_form.observer_prompts
        else [],
        "statements_head": presenters.STATEMENTS_HEAD,
        "statements": presenters.statement_rows(item, statements) if statements else [],
        "files": presenters.file_rows(detail),
        "mappings": presenters.mapping_rows(detail),
        "history_head": presenters.HISTORY_HEAD,
        "history": presenters.history_rows(detail.transitions),
        "comments": presenters.comment_items(detail),
        # Nothing changes once the year has ended or while the panel has it (asye/lock.py).
        "can_edit": is_nqsw and item.status in EDITABLE and not frozen,
        "can_review": is_assessor and item.status in WAITING and not frozen,
        "can_observe": selectors.OBSERVER in relations
        and item.status != EvidenceStatus.ACCEPTED
        and not frozen,
        "can_comment": bool(relations & services.COMMENTERS) and not frozen,
        "is_nqsw": is_nqsw,
        "return_form": ReturnForm(),
        "accept_form": AcceptForm(),
        "comment_form": CommentForm(),
        "back_url": reverse("asye:evidence_list", args=[item.record_id])
        if relations - {selectors.OBSERVER}
        else reverse("academy:home"),
    }


@require_GET
def evidence(request: AcademyRequest, pk: str) -> HttpResponse:
    item = selectors.evidence_get_for_user(scope=request.scope, pk=pk)
    return render(request, "asye/evidence/item.html", _item_context(request, item))


@require_POST
def evidence_comment(request: AcademyRequest, pk: str) -> HttpResponse:
    item = selectors.evidence_get_for_user(scope=request.scope, pk=pk)
    relations = selectors.evidence_relations(scope=request.scope, item=item)
    form = CommentForm(request.POST)
    if form.is_valid():
        try:
            services.evidence_comment(actor=request.user, item=item, relations=relations, **form.cleaned_data)
        except ValidationError as error:
            add_form_errors(form, error)
        else:
            messages.success(request, "Your comment was added.")
            return redirect(reverse("asye:evidence", args=[item.pk]) + "#comments")
    if not relations & services.COMMENTERS:
        raise PermissionDenied("Only the NQSW, their assessor and their line manager can comment.")
    context = {**_item_context(request, item), "comment_form": form}
    return render(request, "asye/evidence/item.html", context, status=200)


def _assessor_decision(
    request: AcademyRequest,
    pk: str,
    *,
    form_class: type[forms.Form],
    form_name: str,
    refused: str,
    decide: Callable[[Any, Any], object],
    done: str,
) -> HttpResponse:
    """Return or accept: only the NQSW's assessor decides; an invalid form comes back on the
    item's page with what was typed."""
    item = selectors.evidence_get_for_user(scope=request.scope, pk=pk)
    if record_selectors.ASSESSOR not in selectors.evidence_relations(scope=request.scope, item=item):
        raise PermissionDenied(refused)
    form = form_class(request.POST)
    if form.is_valid():
        try:
            decide(item, form.cleaned_data)
        except ValidationError as error:
            add_form_errors(form, error)
        else:
            messages.success(request, done.format(title=item.title, nqsw=item.record.nqsw.user.display_name))
            return redirect("asye:evidence_queue")
    context = {**_item_context(request, item), form_name: form}
    return render(request, "asye/evidence/item.html", context)


@require_POST
def evidence_return(request: AcademyRequest, pk: str) -> HttpResponse:
    return _assessor_decision(
        request,
        pk,
        form_class=ReturnForm,
        form_name="return_form",
        refused="Only the NQSW's assessor can return their evidence.",
        decide=lambda item, data: services.evidence_return(
            actor=request.user, item=item, reason=data["reason"]
        ),
        done="“{title}” was returned to {nqsw}.",
    )


@require_POST
def evidence_accept(request: AcademyRequest, pk: str) -> HttpResponse:
    return _assessor_decision(
        request,
        pk,
        form_class=AcceptForm,
        form_name="accept_form",
        refused="Only the NQSW's assessor can accept their evidence.",
        decide=lambda item, data: services.evidence_accept(
            actor=request.user, item=item, comment=data["comment"]
        ),
        done="“{title}” was accepted.",
    )


@require_http_methods(["GET", "POST"])
def evidence_observer(request: AcademyRequest, pk: str) -> HttpResponse:
    item = selectors.evidence_get_for_user(scope=request.scope, pk=pk)
    if selectors.OBSERVER not in selectors.evidence_relations(scope=request.scope, item=item):
        raise PermissionDenied("Only the observer writes the observer's part.")
    the_form = kind_form(item.record.programme_version, item.kind)
    key = draft_key("asye", "observation", item.pk)
    initial = {
        "version": item.version,
        **{f"answer_{k}": (item.answers or {}).get(k, "") for k in the_form.observer_prompts},
        **draft_initial(request, key),
    }
    form = ObserverForm(posted(request), kind_form=the_form, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.evidence_observer_record(
                actor=request.user, item=item, version=form.cleaned_data["version"], answers=form.answers()
            )
        except ValidationError as error:
            add_form_errors(form, error)
        else:
            draft_discard(user=request.user, key=key)
            messages.success(request, "The observer's part was saved.")
            return redirect("asye:evidence", pk=item.pk)
    context = {
        "item": item,
        "form": form,
        "draft_key": key,
        "back_url": reverse("asye:evidence", args=[item.pk]),
    }
    return render(request, "asye/evidence/observer.html", context)


# --- The anonymisation check and submitting ---------------------------------------------------------


def _check_context(item: EvidenceItem) -> dict[str, object]:
    flags = guard_flags(item, selectors.evidence_files_for_scan(item=item))
    passages, open_count = presenters.check_passages(flags, selectors.anonymisation_checks(item=item))
    return {
        "item": item,
        "passages": passages,
        "open_count": open_count,
        "back_url": reverse("asye:evidence", args=[item.pk]),
    }


@require_GET
def evidence_check(request: AcademyRequest, pk: str) -> HttpResponse:
    item = selectors.evidence_get_for_user(scope=request.scope, pk=pk, write=True)
    if item.status not in EDITABLE:
        return redirect("asye:evidence", pk=item.pk)
    return render(request, "asye/evidence/check.html", _check_context(item))


@require_POST
def evidence_flag_confirm(request: AcademyRequest, pk: str) -> HttpResponse:
    item = selectors.evidence_get_for_user(scope=request.scope, pk=pk, write=True)
    form = ConfirmFlagForm(request.POST)
    if form.is_valid():
        try:
            services.evidence_anonymisation_check(actor=request.user, item=item)
            services.evidence_flag_confirm(actor=request.user, item=item, **form.cleaned_data)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
    return redirect("asye:evidence_check", pk=item.pk)


@require_POST
def evidence_submit(request: AcademyRequest, pk: str) -> HttpResponse:
    item = selectors.evidence_get_for_user(scope=request.scope, pk=pk, write=True)
    try:
        version = int(request.POST.get("version", "0"))
    except ValueError:
        version = 0
    try:
        services.evidence_submit(actor=request.user, item=item, version=version)
    except services.FlagsNotConfirmed as refused:
        messages.error(request, refused.messages[0])
        return redirect("asye:evidence_check", pk=item.pk)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("asye:evidence", pk=item.pk)
    draft_discard(user=request.user, key=draft_key("asye", "evidence", item.pk))
    messages.success(request, "Your evidence was sent to your assessor.")
    return redirect("asye:evidence", pk=item.pk)


# --- The assessor's queue and the framework map ---------------------------------------------------


@require_GET
@roles_required(Role.ASSESSOR)
def evidence_queue(request: AcademyRequest) -> HttpResponse:
    page = paginate(request, selectors.evidence_queue(user=request.user))
    context = {
        "page": page,
        "head": presenters.QUEUE_HEAD,
        "rows": presenters.queue_rows(page.object_list, timezone.now()),
    }
    return render(request, "asye/evidence/queue.html", context)


@require_GET
def framework_map(request: AcademyRequest, pk: str) -> HttpResponse:
    record = record_selectors.record_get_for_user(scope=request.scope, pk=pk)
    relations = record_selectors.record_relations(scope=request.scope, record=record)
    may_add = record_selectors.NQSW in relations and not is_frozen(record.status)
    add_url = reverse("asye:evidence_add", args=[record.pk]) if may_add else None
    sections = presenters.map_sections(selectors.framework_map(record=record), add_url=add_url)
    context = {
        "record": record,
        "sections": sections,
        "head": presenters.MAP_HEAD,
        "is_own": record_selectors.NQSW in relations,
    }
    return render(request, "asye/evidence/map.html", context)
