"""Peer confirmation pages. The person's: the record's requests and their state, and the form
that sends one (again). The peer's, public and without the portal's navigation: the link page
(`peer/<request id>/<token>/`), which shows only the person's name and the date of the
conversation and posts "it took place" or "it did not".

The link page answers 200 with the two buttons for a usable link, to anyone signed in or not
(a peer with an account may answer signed in; their account is recorded with the answer); 404
"not valid" for a token that is not this request's; 410 "gone", saying why, for a link already
used, expired, replaced by a newer one or out of date; 403 for the record's own person."""

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from academy.models import User
from academy.web import AcademyRequest, add_form_errors, posted
from cpd import selectors as cpd_selectors

from . import presenters, selectors, services
from .forms import PeerAnswerForm, PeerRequestForm
from .models import PeerConfirmationRequest, PeerRequestStatus

# The peer's page shows the header and nothing of the portal's navigation.
PUBLIC = {"nav_items": (), "public_page": True}


@never_cache
@require_http_methods(["GET", "POST"])
def peer_requests(request: AcademyRequest, pk: str) -> HttpResponse:
    record = cpd_selectors.cpd_record_get_for_user(scope=request.scope, pk=pk, write=True)
    reflection = cpd_selectors.peer_reflection_of(record)
    requests = selectors.peer_requests_of_record(record=record)
    initial = {"peer_name": reflection.peer_name} if reflection else {}
    form = PeerRequestForm(posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            sent = services.peer_confirmation_request(actor=request.user, record=record, **form.cleaned_data)
        except ValidationError as error:
            add_form_errors(form, error)
        else:
            if sent.already_sent:
                messages.info(request, f"Your request to {sent.request.peer_name} was already sent.")
            else:
                messages.success(request, f"Your request is on its way to {sent.request.peer_name}.")
            return redirect("cpd:peer_requests", pk=record.pk)
    context = {
        "record": record,
        "reflection": reflection,
        "form": form,
        "can_send": reflection is not None and reflection.discussed_on is not None,
        "sent_before": bool(requests),
        "head": presenters.REQUESTS_HEAD,
        "rows": presenters.request_rows(requests, now=timezone.now(), reflection=reflection),
    }
    return render(request, "cpd/peer/requests.html", context)


def _viewer(request: HttpRequest) -> User | None:
    return request.user if request.user.is_authenticated else None


def _refused(request: HttpRequest, status: str | None) -> HttpResponse:
    """A plain page saying why: 404 for a link that is not valid, 410 for one that was."""
    reason = services.REFUSALS[PeerRequestStatus(status)] if status else ""
    context = {**PUBLIC, "status": status, "reason": reason}
    return render(request, "cpd/peer/refused.html", context, status=404 if status is None else 410)


def _page(
    request: HttpRequest, found: PeerConfirmationRequest, *, own: bool = False, status: int = 200
) -> HttpResponse:
    context = {
        **PUBLIC,
        "person": found.record.person.full_name,
        "discussed_on": found.discussed_on,
        "own": own,
    }
    return render(request, "cpd/peer/confirm.html", context, status=status)


@login_not_required
@never_cache
@require_http_methods(["GET", "POST"])
def peer_confirm(request: HttpRequest, pk: str, token: str) -> HttpResponse:
    found = selectors.peer_request_find(pk=pk, token=token)
    if found is None:
        return _refused(request, None)
    viewer = _viewer(request)
    try:
        services.peer_link_check(request=found, viewer=viewer)
    except PermissionDenied:
        return _page(request, found, own=True, status=403)
    except services.PeerLinkRefused as refused:
        return _refused(request, refused.status)
    if request.method == "POST":
        form = PeerAnswerForm(request.POST)
        if form.is_valid():
            try:
                answered = services.peer_confirmation_answer(
                    request=found,
                    answer=form.cleaned_data["answer"],
                    viewer=viewer,
                )
            except services.PeerLinkRefused as refused:
                return _refused(request, refused.status)
            return render(request, "cpd/peer/thanks.html", {**PUBLIC, "answer": answered.answer})
    return _page(request, found)
