"""The download view: the only way a private file leaves the portal."""

import logging
from uuid import UUID

from django.http import FileResponse, Http404
from django.views.decorators.http import require_GET

from academy.web import AcademyRequest

from .responses import attachment_disposition
from .selectors import stored_file_get_for_user
from .storage import private_storage

logger = logging.getLogger(__name__)


@require_GET
def download(request: AcademyRequest, pk: UUID) -> FileResponse:
    stored_file = stored_file_get_for_user(scope=request.scope, pk=pk)
    try:
        handle = private_storage().open(stored_file.stored_name, "rb")
    except FileNotFoundError:
        logger.error("Stored file %s has a record but no content in the private storage", stored_file.pk)
        raise Http404("No such file.") from None
    response = FileResponse(handle, content_type=stored_file.content_type)
    # Always a download, never shown in the portal's origin, never guessed at, never cached.
    response["Content-Disposition"] = attachment_disposition(stored_file.original_name)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response
