"""The operator page of the outbox: every email the portal queued, with what became of it, and a
POST-only "send again" for failed ones. Who may use it: see academy/outbox/selectors.py."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from academy.web import AcademyRequest, paginate

from . import presenters, selectors, services
from .models import OutboxMessage
from .registry import email_kind_names

Status = OutboxMessage.Status

STATUS_FILTERS = [("", "Any status"), *Status.choices]


@require_GET
def outbox(request: AcademyRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    kind = request.GET.get("kind", "")
    to = request.GET.get("to", "").strip()
    found = selectors.outbox_messages_visible_to(scope=request.scope, status=status, kind=kind, to=to)
    page = paginate(request, found)
    counts = selectors.outbox_status_counts(scope=request.scope)
    return render(
        request,
        "academy/outbox/list.html",
        {
            "page": page,
            "head": presenters.OUTBOX_TABLE_HEAD,
            "rows": [presenters.outbox_table_row(message) for message in page.object_list],
            "counts": [(Status(value).label, value, counts[value]) for value in Status.values],
            "status": status,
            "status_filters": STATUS_FILTERS,
            "kind": kind,
            "kind_filters": [("", "Any kind")]
            + [(name, presenters.kind_label(name)) for name in email_kind_names()],
            "to": to,
            "filtered": bool(status or kind or to),
            "max_attempts": settings.OUTBOX_MAX_ATTEMPTS,
        },
    )


@require_GET
def outbox_message(request: AcademyRequest, pk: str) -> HttpResponse:
    message = selectors.outbox_message_get_for_user(scope=request.scope, pk=pk)
    return render(
        request,
        "academy/outbox/message.html",
        {
            "message": message,
            "summary": presenters.outbox_summary(message),
            "can_retry": message.status == Status.FAILED,
        },
    )


@require_POST
def outbox_retry(request: AcademyRequest, pk: str) -> HttpResponse:
    message = selectors.outbox_message_get_for_user(scope=request.scope, pk=pk)
    try:
        services.outbox_message_retry(actor=request.user, message=message)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"The email to {message.to_email} will be sent again within a minute.")
    return redirect("academy:outbox_message", pk=message.pk)
