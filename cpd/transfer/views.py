"""The year's export (PDF and CSV) and the import of earlier records from a CSV file. Every
page answers with the signed-in person's own records only."""

import csv
import io
import re
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from academy.files.responses import attachment_disposition
from academy.pdf import render_pdf
from academy.web import AcademyRequest, posted

from .. import selectors as ledger
from ..models import CpdRecord, RegistrationYear
from . import presenters, selectors, services
from .columns import COLUMNS, HEADINGS
from .forms import ImportConfirmForm, ImportUploadForm, sign_rows
from .reading import MAX_ROWS, ReadFile

# A cell a spreadsheet would run as a formula gets an apostrophe in front (the import takes it off).
_FORMULA_START = re.compile(r"^[=+\-@\t\r]")


def _csv_safe(value: str) -> str:
    return f"'{value}" if _FORMULA_START.match(value) else value


def _csv_response(rows: list[list[str]], *, name: str) -> HttpResponse:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(HEADINGS)
    writer.writerows([[_csv_safe(value) for value in row] for row in rows])
    # A byte order mark, so Excel reads the file as UTF-8 (the import takes it off).
    response = HttpResponse(("\ufeff" + buffer.getvalue()).encode(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = attachment_disposition(name)
    return response


def _year_records(request: AcademyRequest, slug: str) -> tuple[RegistrationYear, list[CpdRecord]]:
    """The year (404 when there is no such year) and the person's own records dated in it."""
    year = ledger.registration_year_get(slug=slug)
    return year, list(selectors.cpd_records_for_export(scope=request.scope, year=year))


@require_GET
def year_csv(request: AcademyRequest, year: str) -> HttpResponse:
    found, records = _year_records(request, year)
    return _csv_response(
        [presenters.csv_row(record) for record in records], name=presenters.export_name(found, "csv")
    )


@require_GET
def year_pdf(request: AcademyRequest, year: str) -> HttpResponse:
    found, records = _year_records(request, year)
    progress = ledger.year_progress(scope=request.scope, year=found, now=timezone.now())
    context = presenters.export_context(person=request.user, year=found, progress=progress, records=records)
    response = HttpResponse(render_pdf("cpd/transfer/year.pdf.html", context), content_type="application/pdf")
    response["Content-Disposition"] = attachment_disposition(presenters.export_name(found, "pdf"))
    return response


@require_GET
def import_template(request: AcademyRequest) -> HttpResponse:
    return _csv_response([[column.example for column in COLUMNS]], name="cpd-import-template.csv")


def _preview(
    request: AcademyRequest,
    *,
    upload: ImportUploadForm,
    read: ReadFile | None,
    problem: str = "",
) -> HttpResponse:
    """The upload page, and once a file has been read, every row with what it will do."""
    context: dict[str, Any] = {
        "upload": upload,
        "max_rows": MAX_ROWS,
        "columns": COLUMNS,
        "types_head": presenters.ACTIVITY_TYPES_HEAD,
        "types_rows": presenters.activity_type_rows(),
        "read": read,
        "problem": problem,
        "problem_list": [{"href": "", "text": problem}] if problem else [],
    }
    if read is not None:
        plan = services.cpd_import_check(actor=request.user, rows=read.rows)
        context.update(
            plan=plan,
            errors=presenters.preview_errors(plan, href=f"#{upload['file'].auto_id}"),
            head=presenters.PREVIEW_HEAD,
            rows=presenters.preview_rows(plan),
            confirm=ImportConfirmForm(initial={"rows": sign_rows(read, user=request.user)}, user=request.user)
            if plan.is_clean and plan.to_create
            else None,
        )
    return render(request, "cpd/transfer/import.html", context)


@require_http_methods(["GET", "POST"])
def import_start(request: AcademyRequest) -> HttpResponse:
    upload = ImportUploadForm(posted(request), request.FILES or None)
    read = upload.read if request.method == "POST" and upload.is_valid() else None
    return _preview(request, upload=upload, read=read)


@require_POST
def import_confirm(request: AcademyRequest) -> HttpResponse:
    form = ImportConfirmForm(request.POST, user=request.user)
    if not form.is_valid() or form.read is None:
        for message in form.errors.get("rows", ["Upload the file again to check it."]):
            messages.error(request, str(message))
        return redirect("cpd:import")
    try:
        result = services.cpd_records_import(actor=request.user, rows=form.read.rows)
    except ValidationError as error:
        # The rows are kept: the preview shows them again with what is wrong now.
        return _preview(request, upload=ImportUploadForm(), read=form.read, problem=" ".join(error.messages))
    messages.success(request, presenters.import_outcome_words(result, name=form.read.name))
    return redirect(reverse("cpd:ledger"))
