"""Supervision, workload and protected time pages of an ASYE record, and the manager's list of
their NQSWs' supervision. Data comes only through `asye.supervision.selectors` (which start from
the record's access selector); who may do what is decided there and again in the services."""

import uuid

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from academy.drafts.web import draft_discard, draft_initial, draft_key
from academy.web import AcademyRequest, add_form_errors, paginate, posted
from asye.lock import is_frozen
from asye.selectors import NQSW, STAFF, records_assigned_to

from . import presenters, selectors, services
from .forms import ACTION_SLOTS, CaseloadForm, ConfirmForm, ProtectedTimeForm, SupervisionForm, action_initial
from .models import SupervisionKind


def _back(relations: frozenset[str], record_pk: object) -> str:
    if NQSW in relations or STAFF in relations:
        return reverse("asye:record", args=[record_pk])
    return reverse("asye:supervision_overview")


@require_GET
def supervisions(request: AcademyRequest, pk: str) -> HttpResponse:
    record, relations = selectors.record_for_supervision(scope=request.scope, pk=pk)
    page = paginate(request, selectors.attendances_of(record=record))
    held = selectors.supervision_dates([record]).get(record.pk, [])
    found = selectors.record_intervals(record, held)
    notes = selectors.may_read_notes(relations)
    is_open = not is_frozen(record.status)  # asye/lock.py: ended, or with the panel
    context = {
        "record": record,
        "is_own": NQSW in relations,
        "page": page,
        "head": presenters.SUPERVISIONS_HEAD,
        "rows": presenters.supervision_rows(page.object_list, record),
        "cadence_summary": presenters.cadence_summary(found),
        "cadence_tag": presenters.cadence_tag(found),
        "cadence_head": presenters.CADENCE_HEAD,
        "cadence_rows": presenters.cadence_rows(found),
        "can_record": is_open and bool(relations & selectors.SUPERVISION_RECORDERS),
        "notes": notes,
        "back_url": _back(relations, record.pk),
    }
    return render(request, "asye/supervision/supervisions.html", context)


@require_http_methods(["GET", "POST"])
def supervision_new(request: AcademyRequest, pk: str) -> HttpResponse:
    record, _ = selectors.record_for_supervision(scope=request.scope, pk=pk, write="supervision")
    key = draft_key("asye", "supervision", "new", record.pk)
    supervisors = selectors.supervisor_choices(record=record)
    own = record.line_manager if record.line_manager.user_id == request.user.pk else record.assessor
    initial = {
        "submit_token": uuid.uuid4(),
        "kind": SupervisionKind.ONE_TO_ONE,
        "supervisor": own.pk,
        **draft_initial(request, key),
    }
    form = SupervisionForm(
        posted(request),
        supervisors=supervisors,
        candidates=selectors.group_candidates(record=record, user=request.user),
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        records = [record]
        if data["kind"] == SupervisionKind.GROUP:
            records += list(data.get("attendees") or [])
        try:
            services.supervision_record(
                actor=request.user,
                records=records,
                kind=data["kind"],
                submit_token=data["submit_token"],
                **form.session_values(),
            )
        except ValidationError as error:
            add_form_errors(form, error)
        else:
            draft_discard(user=request.user, key=key)
            messages.success(request, "Supervision recorded. The NQSW can now confirm it.")
            return redirect("asye:supervisions", pk=record.pk)
    context = {"record": record, "form": form, "draft": key, "adding": True}
    return render(request, "asye/supervision/form.html", context)


@require_GET
def supervision(request: AcademyRequest, pk: str, sid: str) -> HttpResponse:
    attendance, relations = selectors.attendance_get_for_user(scope=request.scope, pk=pk, supervision_pk=sid)
    record = attendance.record
    notes = selectors.may_read_notes(relations)
    attendees = list(selectors.attendees_of(supervision=attendance.supervision)) if notes else None
    is_open = not is_frozen(record.status)  # asye/lock.py: ended, or with the panel
    confirmed = bool(attendees and any(a.confirmed_at for a in attendees))
    context = {
        "record": record,
        "attendance": attendance,
        "notes": notes,
        "summary": presenters.supervision_summary(attendance, attendees),
        "notes_summary": presenters.notes_summary(attendance) if notes else [],
        "actions_head": presenters.ACTIONS_HEAD,
        "actions": presenters.action_rows(attendance.supervision.actions) if notes else [],
        "reflection": attendance.reflection if notes else "",
        "can_edit": is_open and not confirmed and bool(relations & selectors.SUPERVISION_RECORDERS),
        "can_confirm": is_open and NQSW in relations,
        "is_own": NQSW in relations,
    }
    return render(request, "asye/supervision/supervision.html", context)


@require_http_methods(["GET", "POST"])
def supervision_edit(request: AcademyRequest, pk: str, sid: str) -> HttpResponse:
    attendance, _ = selectors.attendance_get_for_user(
        scope=request.scope, pk=pk, supervision_pk=sid, write="supervision"
    )
    record, session = attendance.record, attendance.supervision
    key = draft_key("asye", "supervision", session.pk)
    initial = {
        "revision": session.revision,
        "held_on": session.held_on,
        "start_time": session.start_time,
        "duration_minutes": session.duration_minutes,
        "supervisor": session.supervisor_id,
        "agenda": session.agenda,
        "discussion": session.discussion,
        **action_initial(session.actions),
        **draft_initial(request, key),
    }
    form = SupervisionForm(
        posted(request),
        supervisors=selectors.supervisor_choices(record=record),
        candidates=None,
        action_slots=max(ACTION_SLOTS, len(session.actions) + 1),
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.supervision_update(
                actor=request.user,
                supervision=session,
                revision=form.cleaned_data["revision"],
                **form.session_values(),
            )
        except ValidationError as error:
            add_form_errors(form, error)
        else:
            draft_discard(user=request.user, key=key)
            messages.success(request, "Supervision record saved.")
            return redirect("asye:supervision", pk=record.pk, sid=session.pk)
    context = {"record": record, "form": form, "draft": key, "adding": False, "session": session}
    return render(request, "asye/supervision/form.html", context)


@require_http_methods(["GET", "POST"])
def supervision_confirm(request: AcademyRequest, pk: str, sid: str) -> HttpResponse:
    attendance, _ = selectors.attendance_get_for_user(
        scope=request.scope, pk=pk, supervision_pk=sid, write="confirm"
    )
    record = attendance.record
    key = draft_key("asye", "supervision_reflection", attendance.supervision_id)
    confirmed = attendance.confirmed_at is not None
    form = ConfirmForm(
        posted(request),
        confirmed=confirmed,
        initial={"reflection": attendance.reflection, **draft_initial(request, key)},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.supervision_confirm(
                actor=request.user, attendance=attendance, reflection=form.cleaned_data["reflection"]
            )
        except ValidationError as error:
            add_form_errors(form, error)
        else:
            draft_discard(user=request.user, key=key)
            messages.success(
                request, "Your reflection was saved." if confirmed else "You confirmed the record."
            )
            return redirect("asye:supervision", pk=record.pk, sid=attendance.supervision_id)
    context = {
        "record": record,
        "attendance": attendance,
        "confirmed": confirmed,
        "summary": presenters.supervision_summary(attendance, None),
        "notes_summary": presenters.notes_summary(attendance),
        "actions_head": presenters.ACTIONS_HEAD,
        "actions": presenters.action_rows(attendance.supervision.actions),
        "form": form,
        "draft": key,
    }
    return render(request, "asye/supervision/confirm.html", context)


# --- Workload and protected time ------------------------------------------------------------------


@require_GET
def workload(request: AcademyRequest, pk: str) -> HttpResponse:
    record, relations = selectors.record_for_supervision(scope=request.scope, pk=pk)
    today = timezone.localdate()
    is_open = not is_frozen(record.status)  # asye/lock.py: ended, or with the panel
    can_remove = is_open and bool(relations & selectors.PROTECTED_TIME_WRITERS)
    page = paginate(request, selectors.protected_time_of(record=record))
    used = selectors.protected_hours_used(record=record, until=today)
    expected = selectors.protected_hours_expected(
        record, starts_on=record.start_date, ends_on=today, today=today
    )
    context = {
        "record": record,
        "is_own": NQSW in relations,
        "caseload_head": presenters.CASELOAD_HEAD,
        "caseload_rows": presenters.caseload_rows(selectors.caseload_months_of(record=record)),
        "protected_summary": presenters.protected_summary(
            record=record, used=used, expected=expected, today=today
        ),
        "page": page,
        "protected_head": presenters.protected_head(can_remove=can_remove),
        "protected_rows": presenters.protected_rows(page.object_list, can_remove=can_remove),
        "can_record_workload": is_open and bool(relations & selectors.WORKLOAD_WRITERS),
        "can_add_time": is_open and bool(relations & selectors.PROTECTED_TIME_WRITERS),
        "back_url": _back(relations, record.pk),
    }
    return render(request, "asye/supervision/workload.html", context)


@require_http_methods(["GET", "POST"])
def caseload_record(request: AcademyRequest, pk: str) -> HttpResponse:
    record, _ = selectors.record_for_supervision(scope=request.scope, pk=pk, write="workload")
    form = CaseloadForm(posted(request), initial={"month": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            entry = services.caseload_record(actor=request.user, record=record, **form.cleaned_data)
        except ValidationError as error:
            add_form_errors(form, error)
        else:
            messages.success(request, f"Workload for {entry.month:%B %Y} saved.")
            return redirect("asye:workload", pk=record.pk)
    return render(request, "asye/supervision/caseload_form.html", {"record": record, "form": form})


@require_http_methods(["GET", "POST"])
def protected_time_add(request: AcademyRequest, pk: str) -> HttpResponse:
    record, _ = selectors.record_for_supervision(scope=request.scope, pk=pk, write="protected_time")
    form = ProtectedTimeForm(posted(request), initial={"submit_token": uuid.uuid4()})
    if request.method == "POST" and form.is_valid():
        try:
            services.protected_time_add(actor=request.user, record=record, **form.cleaned_data)
        except ValidationError as error:
            add_form_errors(form, error)
        else:
            messages.success(request, "Protected time added.")
            return redirect("asye:workload", pk=record.pk)
    return render(request, "asye/supervision/protected_form.html", {"record": record, "form": form})


@require_POST
def protected_time_remove(request: AcademyRequest, pk: str, entry: str) -> HttpResponse:
    found = selectors.protected_time_get_for_user(scope=request.scope, pk=pk, entry_pk=entry)
    try:
        services.protected_time_remove(actor=request.user, entry=found)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "The entry was removed.")
    return redirect("asye:workload", pk=found.record.pk)


# --- The manager's list --------------------------------------------------------------------------


@require_GET
def supervision_overview(request: AcademyRequest) -> HttpResponse:
    """Supervision of the NQSWs whose line manager or assessor the person is."""
    page = paginate(request, records_assigned_to(user=request.user))
    records = list(page.object_list)
    held = selectors.supervision_dates(records)
    today = timezone.localdate()
    rows = [
        presenters.overview_row(
            record,
            selectors.record_intervals(record, held.get(record.pk, []), today=today),
            held.get(record.pk, []),
        )
        for record in records
    ]
    context = {"page": page, "head": presenters.OVERVIEW_HEAD, "rows": rows}
    return render(request, "asye/supervision/overview.html", context)
