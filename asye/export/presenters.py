"""How exports look on the pages: words and tag colour per status, table rows, the summary."""

from django.template.defaultfilters import filesizeformat
from django.urls import reverse

from academy.components import Cell, Tag
from academy.presenters import format_date

from .models import ExportStatus, PortfolioExport

STATUS_COLOURS = {
    ExportStatus.QUEUED: "grey",
    ExportStatus.RUNNING: "blue",
    ExportStatus.READY: "green",
    ExportStatus.FAILED: "red",
    ExportStatus.REPLACED: "grey",
}

EXPORTS_HEAD = ["Copy", "Asked for", "Status", ""]


def status_tag(export: PortfolioExport) -> Tag:
    status = ExportStatus(export.status)
    return Tag(status.label, STATUS_COLOURS[status])


def status_url(export: PortfolioExport) -> str:
    return reverse("asye:export_status", args=[export.record_id, export.pk])


def download_url(export: PortfolioExport, part: str) -> str:
    return reverse("asye:export_download", args=[export.record_id, export.pk, part])


def export_rows(exports: list[PortfolioExport]) -> list[list[object]]:
    return [
        [
            export.get_kind_display(),
            Cell(format_date(export.created_at), hint=f"by {export.requested_by.display_name}"),
            Cell(tag=status_tag(export)),
            Cell(
                "View",
                href=status_url(export),
                hint="" if export.status != ExportStatus.READY else "and download",
            ),
        ]
        for export in exports
    ]


def progress_words(export: PortfolioExport) -> str:
    if export.status == ExportStatus.QUEUED:
        return "Waiting for a free worker to start it."
    if export.status == ExportStatus.RUNNING:
        return f"{export.progress}% done: {export.step or 'working'}."
    return ""


def export_summary(export: PortfolioExport) -> list[dict[str, object]]:
    rows: list[dict[str, object]] = [
        {"key": "Copy", "value": export.get_kind_display()},
        {
            "key": "Asked for",
            "value": Cell(format_date(export.created_at), hint=f"by {export.requested_by.display_name}"),
        },
        {"key": "Status", "value": Cell(tag=status_tag(export), text=progress_words(export))},
    ]
    if export.status == ExportStatus.READY:
        rows.append({"key": "Finished", "value": format_date(export.finished_at)})
        rows.append({"key": "Accepted evidence in it", "value": str(export.items or 0)})
    return rows


def downloads(export: PortfolioExport) -> list[dict[str, str]]:
    """The two files of a ready export, as links with their sizes."""
    if export.status != ExportStatus.READY:
        return []
    return [
        {
            "url": download_url(export, "pdf"),
            "label": "Download the PDF",
            "size": filesizeformat(export.pdf_size or 0),
        },
        {
            "url": download_url(export, "zip"),
            "label": "Download the ZIP (the PDF and every attachment)",
            "size": filesizeformat(export.zip_size or 0),
        },
    ]
