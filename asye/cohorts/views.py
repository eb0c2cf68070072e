"""Cohort pages, for principal social workers and academy staff: the list, creating one, a
cohort's people, importing them from a file, assigning assessors and managers in bulk, and the
assessors' workload. Data comes only through `asye.cohorts.selectors` and `asye.selectors`."""

import csv
import io
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from academy.files.responses import attachment_disposition
from academy.roles import STAFF_ROLES
from academy.web import PAGE_SIZE, AcademyRequest, add_form_errors, paginate, posted, roles_required

from .. import presenters as record_presenters
from .. import selectors as record_selectors
from . import dashboard, dashboard_presenters, figures, jobs, presenters, selectors, services
from .forms import AssignForm, CohortForm, DashboardFilterForm, ImportConfirmForm, ImportUploadForm, sign_rows
from .models import Cohort, CohortImport
from .reading import COLUMNS, HEADINGS, MAX_ROWS, ReadFile


@require_GET
@roles_required(*STAFF_ROLES)
def cohorts(request: AcademyRequest) -> HttpResponse:
    page = paginate(request, selectors.cohorts_visible_to(scope=request.scope))
    context = {
        "page": page,
        "head": presenters.COHORTS_HEAD,
        "rows": [presenters.cohort_row(cohort) for cohort in page.object_list],
    }
    return render(request, "asye/cohorts/cohorts.html", context)


@require_http_methods(["GET", "POST"])
@roles_required(*STAFF_ROLES)
def cohort_create(request: AcademyRequest) -> HttpResponse:
    form = CohortForm(
        posted(request),
        organisations=selectors.organisations_for_cohorts(scope=request.scope),
        lead_psws=selectors.lead_psw_choices(scope=request.scope),
    )
    if request.method == "POST" and form.is_valid():
        try:
            cohort = services.cohort_create(actor=request.user, **form.service_data())
        except ValidationError as error:
            add_form_errors(form, error)
        else:
            messages.success(request, f"Cohort “{cohort.name}” created. Import its NQSWs next.")
            return redirect("asye:cohort", pk=cohort.pk)
    return render(request, "asye/cohorts/cohort_create.html", {"form": form})


@require_GET
@roles_required(*STAFF_ROLES)
def cohort(request: AcademyRequest, pk: str) -> HttpResponse:
    found = selectors.cohort_get_for_user(scope=request.scope, pk=pk)
    page = paginate(request, selectors.cohort_records(scope=request.scope, cohort=found))
    today = timezone.localdate()
    waiting = Paginator(selectors.cohort_entries_waiting(cohort=found), PAGE_SIZE).get_page(
        request.GET.get("waiting")
    )
    context = {
        "cohort": found,
        "summary": presenters.cohort_summary(found),
        "page": page,
        "head": record_presenters.RECORDS_HEAD,
        "rows": [
            record_presenters.record_table_row(r, record_selectors.record_schedule(r, today=today))
            for r in page.object_list
        ],
        "waiting_head": presenters.WAITING_HEAD,
        "waiting_page": waiting,
        "waiting": [presenters.waiting_row(entry) for entry in waiting.object_list],
    }
    return render(request, "asye/cohorts/cohort.html", context)


# --- Import --------------------------------------------------------------------------------------------


def _template_csv() -> HttpResponse:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(HEADINGS)
    writer.writerow([column.example for column in COLUMNS])
    response = HttpResponse(("\ufeff" + buffer.getvalue()).encode(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = attachment_disposition("cohort-import-template.csv")
    return response


@require_GET
@roles_required(*STAFF_ROLES)
def import_template(request: AcademyRequest) -> HttpResponse:
    return _template_csv()


def _preview(
    request: AcademyRequest,
    *,
    cohort: Cohort,
    upload: ImportUploadForm,
    read: ReadFile | None,
    problem: str = "",
) -> HttpResponse:
    context: dict[str, Any] = {
        "cohort": cohort,
        "upload": upload,
        "max_rows": MAX_ROWS,
        "columns_head": presenters.COLUMNS_HEAD,
        "columns_rows": presenters.column_rows(),
        "read": read,
        "problem": problem,
        "problem_list": [{"href": "", "text": problem}] if problem else [],
    }
    if read is not None:
        plan = services.cohort_import_check(actor=request.user, cohort=cohort, rows=read.rows)
        context.update(
            plan=plan,
            plan_words=presenters.plan_words(plan),
            errors=presenters.preview_errors(plan, href=f"#{upload['file'].auto_id}"),
            head=presenters.PREVIEW_HEAD,
            rows=presenters.preview_rows(plan),
            confirm=ImportConfirmForm(
                initial={"rows": sign_rows(read, user=request.user, cohort=cohort)},
                user=request.user,
                cohort=cohort,
            )
            if plan.is_clean and plan.changes_anything
            else None,
        )
    return render(request, "asye/cohorts/import.html", context)


@require_http_methods(["GET", "POST"])
@roles_required(*STAFF_ROLES)
def cohort_import(request: AcademyRequest, pk: str) -> HttpResponse:
    found = selectors.cohort_get_for_user(scope=request.scope, pk=pk, write=True)
    upload = ImportUploadForm(posted(request), request.FILES or None)
    read = upload.read if request.method == "POST" and upload.is_valid() else None
    if read is not None and len(read.rows) > MAX_ROWS:
        # Too many to check and import while the browser waits: a background job with progress.
        try:
            job = jobs.cohort_import_queue(
                actor=request.user, cohort=found, upload=upload.cleaned_data["file"], file_name=read.name
            )
        except ValidationError as error:
            add_form_errors(upload, error)
            return _preview(request, cohort=found, upload=upload, read=None)
        return redirect("asye:cohort_import_job", pk=job.pk)
    return _preview(request, cohort=found, upload=upload, read=read)


@require_GET
@roles_required(*STAFF_ROLES)
def cohort_import_job(request: AcademyRequest, pk: str) -> HttpResponse:
    job = selectors.cohort_import_get_for_user(scope=request.scope, pk=pk)
    context = {
        "job": job,
        "cohort": job.cohort,
        "running": job.status in (CohortImport.Status.CHECKING, CohortImport.Status.IMPORTING),
        "summary": presenters.job_summary(job),
        "errors_head": presenters.JOB_ERRORS_HEAD,
        "errors": presenters.job_error_rows(job),
        "can_confirm": job.status == CohortImport.Status.READY,
    }
    return render(request, "asye/cohorts/import_job.html", context)


@require_POST
@roles_required(*STAFF_ROLES)
def cohort_import_job_confirm(request: AcademyRequest, pk: str) -> HttpResponse:
    job = selectors.cohort_import_get_for_user(scope=request.scope, pk=pk, write=True)
    try:
        jobs.cohort_import_job_confirm(actor=request.user, job=job)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("asye:cohort_import_job", pk=job.pk)


@require_POST
@roles_required(*STAFF_ROLES)
def cohort_import_confirm(request: AcademyRequest, pk: str) -> HttpResponse:
    found = selectors.cohort_get_for_user(scope=request.scope, pk=pk, write=True)
    form = ImportConfirmForm(request.POST, user=request.user, cohort=found)
    if not form.is_valid() or form.read is None:
        for message in form.errors.get("rows", ["Upload the file again to check it."]):
            messages.error(request, str(message))
        return redirect("asye:cohort_import", pk=found.pk)
    try:
        result = services.cohort_import(
            actor=request.user, cohort=found, rows=form.read.rows, file_name=form.read.name
        )
    except ValidationError as error:
        return _preview(
            request, cohort=found, upload=ImportUploadForm(), read=form.read, problem=" ".join(error.messages)
        )
    messages.success(request, presenters.import_outcome_words(result, name=form.read.name))
    return redirect("asye:cohort", pk=found.pk)


@require_POST
@roles_required(*STAFF_ROLES)
def cohort_start_records(request: AcademyRequest, pk: str) -> HttpResponse:
    found = selectors.cohort_get_for_user(scope=request.scope, pk=pk, write=True)
    try:
        started = services.cohort_records_start(actor=request.user, cohort=found)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, presenters.started_words(started))
    return redirect("asye:cohort", pk=found.pk)


# --- Assignments ------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@roles_required(*STAFF_ROLES)
def cohort_assign(request: AcademyRequest, pk: str) -> HttpResponse:
    found = selectors.cohort_get_for_user(scope=request.scope, pk=pk, write=True)
    organisations = [found.organisation]
    form = AssignForm(
        posted(request),
        records=selectors.cohort_records(scope=request.scope, cohort=found),
        assessors=record_selectors.eligible_assessors(organisations=organisations),
        line_managers=record_selectors.eligible_line_managers(organisations=organisations),
    )
    if request.method == "POST" and form.is_valid():
        try:
            result = services.cohort_records_assign(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_form_errors(form, error)
        else:
            messages.success(
                request,
                f"Changed {result.assessors_changed} assessor{'s' if result.assessors_changed != 1 else ''} "
                f"and {result.managers_changed} line manager{'s' if result.managers_changed != 1 else ''}.",
            )
            return redirect("asye:cohort", pk=found.pk)
    return render(request, "asye/cohorts/assign.html", {"cohort": found, "form": form})


@require_GET
@roles_required(*STAFF_ROLES)
def workload(request: AcademyRequest) -> HttpResponse:
    loads = selectors.assessor_workload(scope=request.scope)
    page = paginate(request, loads)
    context = {
        "page": page,
        "head": presenters.WORKLOAD_HEAD,
        "rows": presenters.workload_rows(page.object_list),
    }
    return render(request, "asye/cohorts/workload.html", context)


# --- Dashboard -------------------------------------------------------------------------------------

DASHBOARD_TABLES = {"status": "by-status", "due": "reviews-due-this-month", "overdue": "overdue-reviews"}


def _board(request: AcademyRequest) -> tuple[DashboardFilterForm, Any]:
    form = DashboardFilterForm(request.GET or None, choices=dashboard.filter_choices(scope=request.scope))
    board = dashboard.cohort_dashboard(
        scope=request.scope, filters=dashboard.Filters(**form.chosen()), today=timezone.localdate()
    )
    return form, board


@require_GET
@roles_required(*STAFF_ROLES)
def cohort_dashboard(request: AcademyRequest) -> HttpResponse:
    form, board = _board(request)
    query = request.GET.urlencode()
    due = Paginator(board.due_this_month, PAGE_SIZE).get_page(request.GET.get("due_page"))
    overdue = Paginator(board.overdue, PAGE_SIZE).get_page(request.GET.get("overdue_page"))
    context = {
        "form": form,
        "board": board,
        "month": f"{board.today:%B %Y}",
        "chart": dashboard_presenters.status_chart(board),
        "status_head": dashboard_presenters.STATUS_HEAD,
        "status_rows": dashboard_presenters.status_rows(board),
        "due_head": dashboard_presenters.DUE_HEAD,
        "due_page": due,
        "due_rows": [dashboard_presenters.due_row(item) for item in due.object_list],
        "overdue_head": dashboard_presenters.OVERDUE_HEAD,
        "overdue_page": overdue,
        "overdue_rows": [dashboard_presenters.overdue_row(i, today=board.today) for i in overdue.object_list],
        "csv": {
            table: reverse("asye:cohort_dashboard_csv", args=[table]) + (f"?{query}" if query else "")
            for table in DASHBOARD_TABLES
        },
    }
    return render(request, "asye/cohorts/dashboard.html", context)


@require_GET
@roles_required(*STAFF_ROLES)
def cohort_dashboard_csv(request: AcademyRequest, table: str) -> HttpResponse:
    if table not in DASHBOARD_TABLES:
        raise Http404("No such table.")
    _form, board = _board(request)
    head, rows = dashboard_presenters.csv_table(board, table)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(head)
    writer.writerows(rows)
    response = HttpResponse(("\ufeff" + buffer.getvalue()).encode(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = attachment_disposition(
        f"asye-{DASHBOARD_TABLES[table]}-{board.today:%Y-%m-%d}.csv"
    )
    return response


@require_GET
@roles_required(*STAFF_ROLES)
def workforce_figures(request: AcademyRequest) -> HttpResponse:
    rows = figures.workforce_figures(scope=request.scope, today=timezone.localdate())
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "head": dashboard_presenters.FIGURES_HEAD,
        "rows": [dashboard_presenters.figures_row(f) for f in page.object_list],
        "definitions": dashboard_presenters.definitions_list(),
    }
    return render(request, "asye/cohorts/figures.html", context)


@require_GET
@roles_required(*STAFF_ROLES)
def workforce_figures_csv(request: AcademyRequest) -> HttpResponse:
    today = timezone.localdate()
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(dashboard_presenters.FIGURES_HEAD)
    for row in figures.workforce_figures(scope=request.scope, today=today):
        writer.writerow([dashboard_presenters.csv_text(c) for c in dashboard_presenters.figures_cells(row)])
    response = HttpResponse(("\ufeff" + buffer.getvalue()).encode(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = attachment_disposition(f"asye-workforce-figures-{today:%Y-%m-%d}.csv")
    return response
