"""Documents as PDF: render a template with a context and turn the HTML into PDF bytes with
WeasyPrint. Used by the CPD year export; the ASYE portfolio export and certificates will use it too.

No network: the HTML is laid out against a base URL on a reserved name (`.invalid` never
resolves), and the URL fetcher answers only for the portal's own static files (read from disk)
and `data:` URLs. Anything else (a remote image, a `file:` path outside the static files) is
refused and left out of the document, so a PDF never waits on, or reveals itself to, another
server, and a template cannot read files it should not.

PDF templates extend `pdf/base.html`, which links the print stylesheet
(`academy/static/pdf/academy-print.css`) through `{% static %}`."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.http import HttpRequest
from django.template.loader import render_to_string

BASE_URL = "https://pdf.academy.invalid/"
_STATIC_PREFIX = BASE_URL.rstrip("/") + settings.STATIC_URL

logger = logging.getLogger(__name__)


class RemoteFetchRefused(ValueError):
    """A PDF asked for something other than the portal's static files or a data: URL."""


def static_file_path(url: str) -> Path | None:
    """The file on disk behind a static URL of the PDF's base (`<base>/static/pdf/x.css`), from
    the collected files in production or the finders in development; None for anything else."""
    if not url.startswith(_STATIC_PREFIX):
        return None
    name = unquote(urlsplit(url).path)[len(settings.STATIC_URL) :]
    if not name or ".." in Path(name).parts:
        return None
    try:
        collected = Path(staticfiles_storage.path(name))
    except NotImplementedError:  # a storage without local files
        collected = None
    if collected is not None and collected.is_file():
        return collected
    found = finders.find(name)
    return Path(found) if isinstance(found, str) else None


def _fetcher() -> Any:
    # WeasyPrint is imported when a PDF is made, not when the portal starts: most requests never
    # need it, and it loads Pango.
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class LocalOnlyFetcher(URLFetcher):  # type: ignore[misc]
        def fetch(self, url: str, headers: Any = None) -> Any:
            if url.startswith("data:"):
                return super().fetch(url, headers)
            path = static_file_path(url)
            if path is None:
                logger.warning("PDF: refused to fetch %s", url[:200])
                raise RemoteFetchRefused(f"Only the portal's static files go into a PDF, not {url[:200]}")
            return URLFetcherResponse(url, body=path.read_bytes(), headers=_content_type(path))

    return LocalOnlyFetcher(timeout=1, allowed_protocols=["https", "data"], allow_redirects=False)


_TYPES = {".css": "text/css", ".svg": "image/svg+xml", ".png": "image/png", ".jpg": "image/jpeg"}


def _content_type(path: Path) -> dict[str, str]:
    return {"Content-Type": _TYPES.get(path.suffix.lower(), "application/octet-stream")}


def html_to_pdf(html: str) -> bytes:
    """PDF bytes of an HTML document, its relative and static URLs read against `BASE_URL`."""
    from weasyprint import HTML

    document = HTML(string=html, base_url=BASE_URL, url_fetcher=_fetcher())
    return bytes(document.write_pdf())


def render_pdf(template_name: str, context: dict[str, Any], *, request: HttpRequest | None = None) -> bytes:
    """Render `template_name` with `context` (and the request's context processors, when given)
    and return the PDF."""
    return html_to_pdf(render_to_string(template_name, context, request=request))
