"""Programme pages: the catalogue, a programme and its sessions, booking, "My bookings", line
managers' approvals and calendars. Data reaches these views only through the access selectors
in `selectors.py`; every change goes through one service."""

import csv
from collections.abc import Iterator

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from academy.drafts.web import draft_discard, draft_initial, draft_key
from academy.pdf import render_pdf
from academy.web import AcademyRequest, add_form_errors, paginate, posted

from . import calendar, presenters, selectors, services
from .forms import (
    CatalogueFilterForm,
    DeclineForm,
    FeedbackForm,
    ProgrammeForm,
    RegisterForm,
    SessionCancelForm,
    SessionForm,
)
from .models import BookingStatus, Programme


@require_GET
def catalogue(request: AcademyRequest) -> HttpResponse:
    form = CatalogueFilterForm(request.GET or None)
    filters = form.filters() if request.GET else {}
    page = paginate(request, selectors.catalogue(scope=request.scope, **filters))
    context = {
        "form": form,
        "filtered": bool(filters),
        "page": page,
        "head": presenters.CATALOGUE_HEAD,
        "rows": presenters.catalogue_rows(page.object_list),
        "can_manage": selectors.may_manage_programmes(request.scope),
    }
    return render(request, "programmes/catalogue.html", context)


def _programme_form(
    request: AcademyRequest, *, key: str, initial: dict[str, object], submit: str
) -> ProgrammeForm:
    return ProgrammeForm(
        posted(request),
        initial={**initial, **draft_initial(request, key)},
        organisations=selectors.organisation_choices(scope=request.scope),
        elements=selectors.outcome_elements(),
        submit=submit,
    )


@require_http_methods(["GET", "POST"])
def programme_create(request: AcademyRequest) -> HttpResponse:
    if not selectors.may_manage_programmes(request.scope):
        raise PermissionDenied("Only the academy's staff add programmes.")
    key = draft_key("programmes", "programme", "new")
    form = _programme_form(
        request, key=key, initial={"organisation": request.organisation}, submit="Add the programme"
    )
    if request.method == "POST" and form.is_valid():
        try:
            programme = services.programme_create(actor=request.user, **form.service_data())
        except ValidationError as error:
            add_form_errors(form, error)
        else:
            draft_discard(user=request.user, key=key)
            messages.success(request, f"“{programme.title}” was added. Now add its sessions.")
            return redirect("programmes:programme", pk=programme.pk)
    return render(request, "programmes/programme_form.html", {"form": form, "programme": None, "draft": key})


def _initial(programme: Programme) -> dict[str, object]:
    initial: dict[str, object] = {name: getattr(programme, name) for name in services.PROGRAMME_FIELDS}
    initial["organisation"] = programme.organisation
    for slot, outcome in enumerate(selectors.outcomes_of(programme=programme)):
        initial[f"outcome_{slot}"] = outcome.text
        initial[f"outcome_{slot}_elements"] = list(outcome.elements.all())
    return initial


@require_http_methods(["GET", "POST"])
def programme_edit(request: AcademyRequest, pk: str) -> HttpResponse:
    programme = selectors.programme_get_for_user(scope=request.scope, pk=pk, write=True)
    key = draft_key("programmes", "programme", programme.pk)
    form = _programme_form(request, key=key, initial=_initial(programme), submit="Save changes")
    form.fields["organisation"].disabled = True
    if request.method == "POST" and form.is_valid():
        data = form.service_data()
        data.pop("organisation")
        try:
            services.programme_update(actor=request.user, programme=programme, **data)
        except ValidationError as error:
            add_form_errors(form, error)
        else:
            draft_discard(user=request.user, key=key)
            messages.success(request, f"“{programme.title}” was saved.")
            return redirect("programmes:programme", pk=programme.pk)
    context = {"form": form, "programme": programme, "draft": key}
    return render(request, "programmes/programme_form.html", context)


@require_GET
def programme(request: AcademyRequest, pk: str) -> HttpResponse:
    found = selectors.programme_get_for_user(scope=request.scope, pk=pk)
    page = paginate(request, selectors.sessions_of(programme=found))
    context = {
        "programme": found,
        "summary": presenters.programme_summary(found),
        "outcomes": presenters.outcome_items(selectors.outcomes_of(programme=found)),
        "page": page,
        "head": presenters.SESSIONS_HEAD,
        "rows": presenters.session_rows(page.object_list),
        "can_manage": found.organisation_id in selectors.managed_organisation_ids(request.scope),
    }
    return render(request, "programmes/programme.html", context)


@require_http_methods(["GET", "POST"])
def session_create(request: AcademyRequest, pk: str) -> HttpResponse:
    found = selectors.programme_get_for_user(scope=request.scope, pk=pk, write=True)
    form = SessionForm(
        posted(request), initial={"weeks": 1}, facilitators=selectors.facilitator_choices(programme=found)
    )
    if request.method == "POST" and form.is_valid():
        try:
            made = services.session_series_create(actor=request.user, programme=found, **form.service_data())
        except ValidationError as error:
            add_form_errors(form, error)
        else:
            messages.success(
                request,
                "The session was added." if len(made) == 1 else f"{len(made)} weekly sessions were added.",
            )
            return redirect("programmes:programme", pk=found.pk)
    return render(request, "programmes/session_form.html", {"form": form, "programme": found})


@require_GET
def session(request: AcademyRequest, pk: str) -> HttpResponse:
    found = selectors.session_get_for_user(scope=request.scope, pk=pk)
    booking = selectors.booking_of(session=found, user=request.user)
    holds_place = booking is not None and booking.status in {
        BookingStatus.BOOKED,
        BookingStatus.AWAITING_APPROVAL,
        BookingStatus.OFFERED,
    }
    can_manage = found.programme.organisation_id in selectors.managed_organisation_ids(request.scope)
    attendees = paginate(request, selectors.bookings_of_session(session=found)) if can_manage else None
    context = {
        "session": found,
        "programme": found.programme,
        "summary": presenters.session_summary(found, show_link=holds_place),
        "booking": booking,
        "booking_tag": presenters.booking_tag(booking) if booking else None,
        "position": selectors.waitlist_position(booking=booking)
        if booking and booking.status == BookingStatus.WAITLISTED
        else None,
        "closed": services.booking_open_problem(session=found, now=timezone.now()),
        "can_manage": can_manage,
        "can_register": can_manage
        or (found.facilitator is not None and found.facilitator.user_id == request.user.pk),
        "attendees": attendees,
        "attendee_head": presenters.BOOKINGS_HEAD,
        "attendee_rows": presenters.attendee_rows(attendees.object_list) if attendees else [],
    }
    return render(request, "programmes/session.html", context)


@require_http_methods(["GET", "POST"])
def session_cancel(request: AcademyRequest, pk: str) -> HttpResponse:
    found = selectors.session_get_for_user(scope=request.scope, pk=pk, write=True)
    if found.cancelled_at is not None:
        messages.info(request, "This session was cancelled already.")
        return redirect("programmes:session", pk=found.pk)
    form = SessionCancelForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            done = services.session_cancel(
                actor=request.user, session=found, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            add_form_errors(form, error)
        else:
            messages.success(
                request,
                f"The session is cancelled. {done.released} "
                f"{'person is' if done.released == 1 else 'people are'} being told.",
            )
            return redirect("programmes:session", pk=found.pk)
    context = {"form": form, "session": found, "when": presenters.when(found)}
    return render(request, "programmes/session_cancel.html", context)


@require_POST
def session_book(request: AcademyRequest, pk: str) -> HttpResponse:
    found = selectors.session_get_for_user(scope=request.scope, pk=pk)
    if request.organisation is None:  # a session is found only through an organisation
        raise Http404("No such session is offered to you.")
    try:
        result = services.booking_make(actor=request.user, session=found, organisation=request.organisation)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, presenters.booking_message(result.booking, created=result.created))
    return redirect("programmes:session", pk=found.pk)


@require_POST
def booking_cancel(request: AcademyRequest, pk: str) -> HttpResponse:
    booking = selectors.booking_get_for_user(user=request.user, pk=pk)
    services.booking_cancel(actor=request.user, booking=booking)
    messages.success(request, f"Your booking on “{booking.session.programme.title}” is cancelled.")
    return redirect("programmes:my_bookings")


@require_POST
def offer_accept(request: AcademyRequest, pk: str) -> HttpResponse:
    booking = selectors.booking_get_for_user(user=request.user, pk=pk)
    try:
        accepted = services.booking_offer_accept(actor=request.user, booking=booking)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, presenters.booking_message(accepted, created=True))
    return redirect("programmes:session", pk=booking.session_id)


@require_GET
def my_bookings(request: AcademyRequest) -> HttpResponse:
    page = paginate(request, selectors.bookings_visible_to(user=request.user))
    context = {
        "page": page,
        "head": presenters.MY_BOOKINGS_HEAD,
        "rows": presenters.my_booking_rows(page.object_list, now=timezone.now()),
    }
    return render(request, "programmes/my_bookings.html", context)


@require_GET
def approvals(request: AcademyRequest) -> HttpResponse:
    if not selectors.is_line_manager(request.scope):
        raise PermissionDenied("Only line managers approve bookings.")
    page = paginate(request, selectors.approvals_visible_to(scope=request.scope))
    context = {
        "page": page,
        "head": presenters.APPROVALS_HEAD,
        "rows": presenters.approval_rows(page.object_list),
    }
    return render(request, "programmes/approvals.html", context)


@require_POST
def booking_approve(request: AcademyRequest, pk: str) -> HttpResponse:
    booking = selectors.approval_get_for_user(scope=request.scope, pk=pk)
    services.booking_approve(actor=request.user, booking=booking)
    messages.success(request, f"You approved {booking.person.display_name}'s booking.")
    return redirect("programmes:approvals")


@require_http_methods(["GET", "POST"])
def booking_decline(request: AcademyRequest, pk: str) -> HttpResponse:
    booking = selectors.approval_get_for_user(scope=request.scope, pk=pk)
    form = DeclineForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.booking_decline(actor=request.user, booking=booking, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            add_form_errors(form, error)
        else:
            messages.success(request, f"You declined {booking.person.display_name}'s booking.")
            return redirect("programmes:approvals")
    context = {"form": form, "booking": booking, "when": presenters.when(booking.session)}
    return render(request, "programmes/decline.html", context)


@require_http_methods(["GET", "POST"])
def register(request: AcademyRequest, pk: str) -> HttpResponse:
    found = selectors.register_get_for_user(scope=request.scope, pk=pk)
    bookings = list(selectors.register_rows(session=found))
    form = RegisterForm(posted(request), bookings=bookings)
    opens = services.register_open_problem(session=found, now=timezone.now())
    if request.method == "POST" and form.is_valid():
        try:
            marked = services.attendance_mark(actor=request.user, session=found, marks=form.marks())
        except ValidationError as error:
            add_form_errors(form, error)
        else:
            messages.success(request, presenters.register_message(marked))
            return redirect("programmes:register", pk=found.pk)
    context = {
        "session": found,
        "programme": found.programme,
        "when": presenters.when(found),
        "form": form,
        "bookings": bookings,
        "opens": opens,
        "can_see_session": selectors.session_visible(scope=request.scope, session=found),
    }
    return render(request, "programmes/register.html", context)


@require_GET
def facilitating(request: AcademyRequest) -> HttpResponse:
    page = paginate(request, selectors.sessions_facilitated_by(user=request.user))
    context = {
        "page": page,
        "head": presenters.FACILITATING_HEAD,
        "rows": presenters.facilitating_rows(page.object_list),
    }
    return render(request, "programmes/facilitating.html", context)


@require_http_methods(["GET", "POST"])
def feedback(request: AcademyRequest, pk: str) -> HttpResponse:
    booking = selectors.feedback_get_for_user(user=request.user, pk=pk)
    given = selectors.feedback_exists(booking=booking)
    form = FeedbackForm(posted(request))
    if request.method == "POST" and not given and form.is_valid():
        try:
            services.feedback_give(actor=request.user, booking=booking, **form.cleaned_data)
        except ValidationError as error:
            add_form_errors(form, error)
        else:
            messages.success(request, "Thank you: your feedback was sent.")
            return redirect("programmes:my_bookings")
    context = {"form": form, "booking": booking, "given": given, "when": presenters.when(booking.session)}
    return render(request, "programmes/feedback.html", context)


@require_GET
def certificate(request: AcademyRequest, pk: str) -> HttpResponse:
    booking = selectors.certificate_get_for_user(user=request.user, pk=pk)
    context = presenters.certificate_context(
        booking, outcomes=selectors.outcomes_of(programme=booking.session.programme)
    )
    pdf = render_pdf("programmes/certificate.pdf.html", context, request=request)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="certificate-{booking.pk}.pdf"'
    return response


def _require_manager(request: AcademyRequest) -> None:
    if not selectors.may_manage_programmes(request.scope):
        raise PermissionDenied("Only the academy's staff see the programmes' reports.")


@require_GET
def report(request: AcademyRequest) -> HttpResponse:
    _require_manager(request)
    page = paginate(request, selectors.report_by_programme(scope=request.scope))
    organisations = list(selectors.report_by_organisation(scope=request.scope))
    context = {
        "page": page,
        "head": presenters.REPORT_HEAD,
        "rows": presenters.report_rows(page.object_list),
        "organisation_head": presenters.ORGANISATION_HEAD,
        "organisation_rows": presenters.organisation_rows(organisations),
    }
    return render(request, "programmes/report.html", context)


class _Echo:
    """A file-like object whose write returns what it was given, for csv.writer to stream."""

    def write(self, value: str) -> str:
        return value


@require_GET
def report_csv(request: AcademyRequest) -> StreamingHttpResponse:
    """The report by programme as CSV, streamed from one query."""
    _require_manager(request)
    writer = csv.writer(_Echo())
    programmes = selectors.report_by_programme(scope=request.scope)

    def lines() -> Iterator[str]:
        yield writer.writerow(presenters.CSV_HEAD)
        for programme in programmes.iterator(chunk_size=2000):
            yield writer.writerow(presenters.report_csv_row(programme))

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="programmes-report.csv"'
    return response


# Calendars -------------------------------------------------------------------------------------


def _ics(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_GET
def session_ics(request: AcademyRequest, pk: str) -> HttpResponse:
    found = selectors.session_get_for_user(scope=request.scope, pk=pk)
    booking = selectors.booking_of(session=found, user=request.user)
    show_link = booking is not None and booking.status != BookingStatus.WAITLISTED
    url = request.build_absolute_uri(reverse("programmes:session", args=[found.pk]))
    return _ics(calendar.session_ics(found, show_link=show_link, url=url), f"session-{found.pk}.ics")


@never_cache
@require_GET
def calendar_page(request: AcademyRequest) -> HttpResponse:
    feed = selectors.calendar_feed_of(user=request.user)
    return render(request, "programmes/calendar.html", {"feed": feed, "feed_url": ""})


@never_cache
@require_POST
def calendar_mint(request: AcademyRequest) -> HttpResponse:
    minted = services.calendar_feed_mint(actor=request.user)
    url = request.build_absolute_uri(reverse("programmes:calendar_feed", args=[minted.token]))
    return render(request, "programmes/calendar.html", {"feed": minted.feed, "feed_url": url})


@require_POST
def calendar_revoke(request: AcademyRequest) -> HttpResponse:
    if services.calendar_feed_revoke(actor=request.user):
        messages.success(request, "Your calendar address no longer works. Remove it from your calendar app.")
    return redirect("programmes:calendar")


@login_not_required
@never_cache
@require_GET
def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    """The private feed a calendar app subscribes to: the token is the only key, so a revoked or
    unknown one answers 404 and says nothing more."""
    feed = selectors.calendar_feed_find(token=token)
    if feed is None:
        raise Http404("No such calendar.")
    sessions = [
        (
            booking.session,
            request.build_absolute_uri(reverse("programmes:session", args=[booking.session_id])),
        )
        for booking in selectors.feed_bookings(user=feed.person)
    ]
    return HttpResponse(
        calendar.feed_ics(sessions, name="My academy bookings"), content_type="text/calendar; charset=utf-8"
    )
