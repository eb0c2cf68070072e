"""Drawing the portfolio: the sections in order, one HTML document, then the PDF (academy/pdf.py)
and the ZIP of the PDF with the accepted items' attachments.

`build_portfolio` reports its progress through `progress(per_cent, words)`, so the export's
page can show how far it has gone."""

import datetime
import io
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import PurePosixPath

from django.template.loader import render_to_string
from django.utils import timezone

from academy.files.storage import private_storage
from academy.pdf import html_to_pdf
from asye.models import AsyeRecord
from asye.selectors import record_schedule

from .portfolio import people_of
from .pseudonyms import Pseudonyms
from .sections import Portfolio, registered_sections

Progress = Callable[[int, str], None]
PDF_NAME = "portfolio.pdf"
# Text attachments are rewritten in the anonymised copy; other types go in as uploaded.
TEXT_TYPES = ("text/plain", "text/csv")
# Already compressed: stored as they are rather than squeezed again.
COMPRESSED_TYPES = ("application/pdf", "image/png", "image/jpeg")


@dataclass
class Built:
    pdf: bytes
    zip: bytes
    items: int


def _quiet(per_cent: int, words: str) -> None:
    return None


def render_portfolio_html(
    record: AsyeRecord, *, anonymised: bool, today: datetime.date | None = None, progress: Progress = _quiet
) -> tuple[str, Portfolio]:
    """The whole portfolio as one HTML document (names replaced when `anonymised`)."""
    portfolio = Portfolio(record=record, anonymised=anonymised, today=today or timezone.localdate())
    people_of(portfolio)
    sections = registered_sections()
    drawn = []
    for position, section in enumerate(sections):
        progress(10 + 40 * position // max(len(sections), 1), f"Gathering {section.title.lower()}")
        content = section.build(portfolio)
        if content is None:
            continue
        portfolio.signatures.extend(content.signatures)
        drawn.append({"section": section, "content": content.context})
    schedule = record_schedule(record, today=portfolio.today)
    html: str = render_to_string(
        "asye/export/portfolio.pdf.html",
        {
            "record": record,
            "anonymised": anonymised,
            "generated": timezone.localtime(),
            "planned_end": schedule.planned_end,
            "sections": drawn,
            "item_count": len(portfolio.items),
        },
    )
    if anonymised:
        html = Pseudonyms(portfolio.people).markup(html)
    return html, portfolio


def _attachment_name(number: str, index: int, original: str, anonymised: bool) -> str:
    suffix = PurePosixPath(original).suffix.lower()
    if anonymised:
        return f"attachments/{number}-{index}{suffix}"
    stem = re.sub(r"[^\w .()-]+", "_", PurePosixPath(original).stem).strip() or "attachment"
    return f"attachments/{number}-{index} {stem[:80]}{suffix}"


def build_zip(pdf: bytes, portfolio: Portfolio, pseudonyms: Pseudonyms | None) -> bytes:
    """The PDF and every accepted item's attachments, named by the item's number (E3-1 …)."""
    buffer = io.BytesIO()
    storage = private_storage()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(PDF_NAME, pdf, compress_type=zipfile.ZIP_STORED)
        for number, _item, files in portfolio.items:
            for index, stored in enumerate(files, start=1):
                name = _attachment_name(number, index, stored.original_name, pseudonyms is not None)
                with storage.open(stored.stored_name, "rb") as handle:
                    data = handle.read()
                if pseudonyms is not None and stored.content_type in TEXT_TYPES:
                    data = _rewrite_text(data, pseudonyms)
                kind = zipfile.ZIP_STORED if stored.content_type in COMPRESSED_TYPES else zipfile.ZIP_DEFLATED
                archive.writestr(name, data, compress_type=kind)
    return buffer.getvalue()


def _rewrite_text(data: bytes, pseudonyms: Pseudonyms) -> bytes:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
    return pseudonyms.text(text).encode("utf-8")


def build_portfolio(record: AsyeRecord, *, anonymised: bool, progress: Progress = _quiet) -> Built:
    html, portfolio = render_portfolio_html(record, anonymised=anonymised, progress=progress)
    progress(55, "Laying out the pages")
    pdf = html_to_pdf(html)
    progress(85, "Adding the attachments")
    archive = build_zip(pdf, portfolio, Pseudonyms(portfolio.people) if anonymised else None)
    return Built(pdf=pdf, zip=archive, items=len(portfolio.items))
