"""Feedback pages. The NQSW's: the record's requests, a new request (a code is shown once, in
the answer to the form that made it), withdrawing one. The giver's, public and without the
portal's navigation: the link (its token moves into the session at once, as invitations do),
"enter your code", the form, thank you, and plain pages for a link that cannot be used."""

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from academy.web import AcademyRequest, add_form_errors, paginate, posted
from asye import selectors as record_selectors
from asye.lock import is_frozen
from asye.models import AsyeRecord

from . import presenters, selectors, services
from .codes import format_code
from .forms import CodeForm, FeedbackRequestForm, GiverForm
from .limits import lookup_allowed
from .models import FeedbackRequest, FeedbackRequestStatus
from .questions import question_set

# The session keeps the id of the request whose link or code the giver showed, never the secret.
SESSION_KEY = "asye_feedback_request"
SESSION_DONE_KEY = "asye_feedback_done"
# The giver's pages show the header and nothing of the portal's navigation.
PUBLIC = {"nav_items": (), "public_page": True}


def _own_record(request: AcademyRequest, pk: object) -> AsyeRecord:
    record = record_selectors.record_get_for_user(scope=request.scope, pk=pk)  # type: ignore[arg-type]
    if record_selectors.NQSW not in record_selectors.record_relations(scope=request.scope, record=record):
        raise PermissionDenied("Only the NQSW asks for feedback on their record.")
    return record


# --- The NQSW's pages -------------------------------------------------------------------------------


@require_GET
def feedback_requests(request: AcademyRequest, pk: str) -> HttpResponse:
    record = record_selectors.record_get_for_user(scope=request.scope, pk=pk)
    is_own = record_selectors.NQSW in record_selectors.record_relations(scope=request.scope, record=record)
    page = paginate(request, selectors.feedback_requests_of_record(record=record))
    context = {
        "record": record,
        "is_own": is_own,
        # A frozen portfolio (with the panel, or its year ended) takes no new request.
        "can_ask": is_own and not is_frozen(record.status),
        "page": page,
        "head": presenters.REQUESTS_HEAD,
        "rows": presenters.request_rows(page.object_list, now=timezone.now(), can_revoke=is_own),
    }
    return render(request, "asye/feedback/requests.html", context)


@never_cache
@require_http_methods(["GET", "POST"])
def feedback_request_create(request: AcademyRequest, pk: str) -> HttpResponse:
    record = _own_record(request, pk)
    form = FeedbackRequestForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            created = services.feedback_request_create(actor=request.user, record=record, **form.cleaned_data)
        except ValidationError as error:
            add_form_errors(form, error)
        else:
            if created.code:
                # Shown here once: the code is not stored, so no later page can show it again.
                context = {"record": record, "feedback": created.request, "code": format_code(created.code)}
                return render(request, "asye/feedback/code.html", context)
            if created.already_made:
                messages.info(
                    request,
                    "You already made this request. Withdraw it and make a new one if you need another code.",
                )
            else:
                messages.success(request, "The link is on its way by email.")
            return redirect("asye:feedback_requests", pk=record.pk)
    return render(request, "asye/feedback/request_form.html", {"record": record, "form": form})


@require_POST
def feedback_request_revoke(request: AcademyRequest, pk: str) -> HttpResponse:
    feedback = selectors.feedback_request_get_for_user(scope=request.scope, pk=pk)
    if record_selectors.NQSW not in record_selectors.record_relations(
        scope=request.scope, record=feedback.record
    ):
        raise PermissionDenied("Only the NQSW withdraws their feedback requests.")
    try:
        services.feedback_request_revoke(actor=request.user, request=feedback)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            f"The request to {feedback.giver_description} was withdrawn: its link or code no longer works.",
        )
    return redirect("asye:feedback_requests", pk=feedback.record_id)


# --- The giver's pages ------------------------------------------------------------------------------


def _refused(request: HttpRequest, status: str | None) -> HttpResponse:
    """A plain page saying why: used, expired, withdrawn or not valid (404 for the last)."""
    request.session.pop(SESSION_KEY, None)
    return render(
        request,
        "asye/feedback/refused.html",
        {**PUBLIC, "status": status},
        status=404 if status is None else 410,
    )


def _too_many(request: HttpRequest) -> HttpResponse:
    return render(request, "asye/feedback/too_many.html", PUBLIC, status=429)


@login_not_required
@never_cache
@require_GET
def feedback_link(request: HttpRequest, token: str) -> HttpResponse:
    """The link in the email. The token leaves the address bar at once: the session keeps the
    request's id and the browser goes on to a page without it."""
    if not lookup_allowed(request):
        return _too_many(request)
    found = selectors.feedback_find_by_token(token=token)
    if found is None:
        return _refused(request, None)
    status = found.status_at(timezone.now())
    if status != FeedbackRequestStatus.WAITING:
        return _refused(request, status)
    request.session[SESSION_KEY] = str(found.pk)
    return redirect("asye:feedback_give")


@login_not_required
@never_cache
@require_http_methods(["GET", "POST"])
def feedback_code(request: HttpRequest) -> HttpResponse:
    """Enter the code shown on the social worker's phone. A wrong code gets one message,
    whatever the reason; lookups are limited per address and per code."""
    form = CodeForm(posted(request))
    if request.method == "POST" and form.is_valid():
        code = form.cleaned_data["code"]
        if not lookup_allowed(request, code=code):
            return _too_many(request)
        found = selectors.feedback_find_by_code(code=code)
        if found is None:
            form.add_error("code", "That code is not right. Check it with the social worker and try again")
        else:
            status = found.status_at(timezone.now())
            if status != FeedbackRequestStatus.WAITING:
                return _refused(request, status)
            request.session[SESSION_KEY] = str(found.pk)
            return redirect("asye:feedback_give")
    return render(request, "asye/feedback/enter_code.html", {**PUBLIC, "form": form})


def _session_request(request: HttpRequest) -> FeedbackRequest | None:
    pk = request.session.get(SESSION_KEY, "")
    return selectors.feedback_request_public(pk=pk) if pk else None


@login_not_required
@never_cache
@require_http_methods(["GET", "POST"])
def feedback_give(request: HttpRequest) -> HttpResponse:
    """The form: the NQSW's first name, the setting and a few plain questions. Nothing else."""
    feedback = _session_request(request)
    if feedback is None:
        return _refused(request, None)
    status = feedback.status_at(timezone.now())
    if status != FeedbackRequestStatus.WAITING:
        return _refused(request, status)
    name = selectors.first_name(feedback.record.nqsw.user.full_name)
    questions = question_set(
        forms=feedback.record.programme_version.forms, kind=feedback.kind, audience=feedback.audience
    ).named(name)
    form = GiverForm(posted(request), questions=questions)
    if request.method == "POST" and form.is_valid():
        try:
            services.feedback_submit(request_id=str(feedback.pk), answers=form.cleaned_data)
        except services.FeedbackRefused as refused:
            return _refused(request, refused.status)
        except ValidationError as error:
            add_form_errors(form, error)
        else:
            request.session.pop(SESSION_KEY, None)
            request.session[SESSION_DONE_KEY] = name
            return redirect("asye:feedback_thanks")
    context = {
        **PUBLIC,
        "form": form,
        "name": name,
        "setting": feedback.setting,
        "heading": questions.heading,
        "intro": questions.intro,
        "young": feedback.audience == "young",
    }
    return render(request, "asye/feedback/give.html", context)


@login_not_required
@never_cache
@require_GET
def feedback_thanks(request: HttpRequest) -> HttpResponse:
    name = request.session.get(SESSION_DONE_KEY)
    if not name:
        return _refused(request, None)
    return render(request, "asye/feedback/thanks.html", {**PUBLIC, "name": name})
