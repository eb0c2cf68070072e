"""The export pages of an ASYE record: make a copy, watch it being built, download it. Data comes
only through the export selectors, which start from the record's access selector."""

import logging

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.text import slugify
from django.views.decorators.http import require_GET, require_POST

from academy.files.responses import attachment_disposition
from academy.files.storage import private_storage
from academy.idle_timeout.middleware import passive
from academy.web import AcademyRequest, paginate

from . import presenters, selectors, services
from .forms import ExportRequestForm
from .models import ExportKind, ExportStatus

logger = logging.getLogger(__name__)

# How often the status page reloads itself while the export is being built.
REFRESH_SECONDS = 2


@require_GET
def export(request: AcademyRequest, pk: str) -> HttpResponse:
    record, relations = selectors.record_for_export(scope=request.scope, pk=pk)
    page = paginate(request, selectors.exports_of_record(record=record, relations=relations))
    context = {
        "record": record,
        "kinds": [(kind, ExportKind(kind).label) for kind in selectors.kinds_allowed(relations)],
        "head": presenters.EXPORTS_HEAD,
        "rows": presenters.export_rows(list(page.object_list)),
        "page_obj": page,
        "back_url": reverse("asye:record", args=[record.pk]),
    }
    return render(request, "asye/export/export.html", context)


@require_POST
def export_request(request: AcademyRequest, pk: str) -> HttpResponse:
    form = ExportRequestForm(request.POST)
    kind = form.cleaned_data["kind"] if form.is_valid() else ""
    # An unknown kind is checked as the least a reader may make, then refused with a message.
    record, _ = selectors.record_for_export(
        scope=request.scope, pk=pk, write_kind=kind or ExportKind.ANONYMISED
    )
    if not kind:
        messages.error(request, "Choose which copy to make.")
        return redirect("asye:export", pk=record.pk)
    try:
        made = services.portfolio_export_request(
            record=record, actor=request.user, kind=form.cleaned_data["kind"]
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("asye:export", pk=record.pk)
    return redirect("asye:export_status", pk=record.pk, export_pk=made.pk)


@passive
@require_GET
def export_status(request: AcademyRequest, pk: str, export_pk: str) -> HttpResponse:
    """The export's progress. The page reloads itself every few seconds until the export is
    ready or has failed (a meta refresh: no script needed), so it is marked passive."""
    made = selectors.export_get_for_user(scope=request.scope, pk=pk, export_pk=export_pk)
    context = {
        "record": made.record,
        "export": made,
        "pending": made.is_pending,
        "ready": made.status == ExportStatus.READY,
        "failed": made.status == ExportStatus.FAILED,
        "refresh_seconds": REFRESH_SECONDS,
        "summary": presenters.export_summary(made),
        "downloads": presenters.downloads(made),
        "back_url": reverse("asye:export", args=[made.record.pk]),
    }
    return render(request, "asye/export/status.html", context)


CONTENT_TYPES = {"pdf": "application/pdf", "zip": "application/zip"}


@require_GET
def export_download(request: AcademyRequest, pk: str, export_pk: str, part: str) -> FileResponse:
    made = selectors.export_get_for_user(scope=request.scope, pk=pk, export_pk=export_pk)
    stored_name = {"pdf": made.pdf_name, "zip": made.zip_name}.get(part, "")
    if made.status != ExportStatus.READY or not stored_name:
        raise Http404("No such file.")
    try:
        handle = private_storage().open(stored_name, "rb")
    except FileNotFoundError:
        logger.error(
            "Portfolio export %s is ready but its %s is missing from the private storage", made.pk, part
        )
        raise Http404("No such file.") from None
    record = made.record
    who = "anonymised" if made.kind == ExportKind.ANONYMISED else slugify(record.nqsw.user.display_name)[:60]
    day = made.finished_at.date().isoformat() if made.finished_at else ""
    response = FileResponse(handle, content_type=CONTENT_TYPES[part])
    response["Content-Disposition"] = attachment_disposition(f"asye-portfolio-{who}-{day}.{part}")
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response
