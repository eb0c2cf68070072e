"""The moderation pages: panels, their members and portfolios, the checklist and decision per
portfolio, the employer's final decision and the certificate. Data comes only through the access
selectors (`asye.moderation.selectors`, `asye.selectors`); who may do what is decided there and
again in the services."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from academy.models import Organisation, Team
from academy.pdf import render_pdf
from academy.presenters import format_date
from academy.selectors import organisation_scope_ids, organisations_manageable_by, staff_scope_ids
from academy.web import AcademyRequest, add_form_errors, paginate, posted
from asye import selectors as record_selectors
from asye.models import RecordStatus

from . import presenters, selectors, services
from .checklist import EXTERNAL_QUESTIONS, ITEMS, checklist_prefill
from .forms import (
    AllocateForm,
    ChecklistForm,
    DecisionForm,
    FinalDecisionForm,
    MemberForm,
    PanelForm,
    checklist_initial,
)
from .models import PanelDecision

CERTIFICATE_READERS = frozenset({record_selectors.NQSW, record_selectors.STAFF})


@require_GET
def panels(request: AcademyRequest) -> HttpResponse:
    page = paginate(request, selectors.panels_visible_to(scope=request.scope))
    context = {
        "page": page,
        "head": presenters.PANELS_HEAD,
        "rows": presenters.panel_rows(page.object_list),
        "can_create": bool(staff_scope_ids(scope=request.scope)),
    }
    return render(request, "asye/moderation/panels.html", context)


@require_http_methods(["GET", "POST"])
def panel_create(request: AcademyRequest) -> HttpResponse:
    organisations = organisations_manageable_by(scope=request.scope).order_by("name")
    if not staff_scope_ids(scope=request.scope):
        raise PermissionDenied("Only the principal social worker or academy staff set up panels.")
    form = PanelForm(posted(request), organisations=organisations)
    if request.method == "POST" and form.is_valid():
        try:
            panel = services.panel_create(
                actor=request.user,
                organisation=form.cleaned_data["organisation"],
                title=form.cleaned_data["title"],
                held_on=form.cleaned_data["held_on"],
            )
        except ValidationError as error:
            add_form_errors(form, error)
        else:
            messages.success(request, f"{panel.title} is set up. Add its members and portfolios.")
            return redirect("asye:moderation_panel", pk=panel.pk)
    return render(
        request,
        "asye/moderation/form.html",
        {"form": form, "heading": "Set up a moderation panel", "back_url": reverse("asye:moderation_panels")},
    )


def _inside(panel: object) -> set[int]:
    organisation: Organisation = panel.organisation  # type: ignore[attr-defined]
    ids = organisation_scope_ids(organisation=organisation)
    if organisation.parent_id is not None:
        ids.add(organisation.parent_id)
    return ids


@require_GET
def panel(request: AcademyRequest, pk: str) -> HttpResponse:
    found = selectors.panel_get_for_user(scope=request.scope, pk=pk)
    can_run = selectors.runs(scope=request.scope, panel=found) and found.is_open
    context = {
        "panel": found,
        "summary": presenters.panel_summary(found),
        "members_head": presenters.MEMBERS_HEAD,
        "members": presenters.member_rows(
            selectors.members_of(panel=found), panel=found, inside=_inside(found), can_remove=can_run
        ),
        "allocations_head": presenters.ALLOCATIONS_HEAD,
        "allocations": presenters.allocation_rows(selectors.allocations_of(panel=found)),
        "can_run": can_run,
        "back_url": reverse("asye:moderation_panels"),
    }
    return render(request, "asye/moderation/panel.html", context)


@require_http_methods(["GET", "POST"])
def member_add(request: AcademyRequest, pk: str) -> HttpResponse:
    found = selectors.panel_get_for_user(scope=request.scope, pk=pk, write=True)
    form = MemberForm(posted(request), candidates=selectors.internal_candidates(panel=found))
    if request.method == "POST" and form.is_valid():
        membership = form.cleaned_data.get("member")
        if membership is None:
            membership = selectors.external_moderator_by_email(email=form.cleaned_data["email"])
        if membership is None:
            form.add_error("email", "Nobody with this email address holds a moderator role")
        else:
            try:
                services.panel_member_add(actor=request.user, panel=found, membership=membership)
            except ValidationError as error:
                add_form_errors(form, error)
            else:
                messages.success(request, f"{membership.user.display_name} is on the panel.")
                return redirect("asye:moderation_panel", pk=found.pk)
    context = {
        "form": form,
        "heading": "Add someone to the panel",
        "caption": found.title,
        "back_url": reverse("asye:moderation_panel", args=[found.pk]),
    }
    return render(request, "asye/moderation/form.html", context)


@require_POST
def member_remove(request: AcademyRequest, pk: str, member_pk: int) -> HttpResponse:
    found = selectors.panel_get_for_user(scope=request.scope, pk=pk, write=True)
    member = selectors.member_get(panel=found, pk=member_pk)
    try:
        services.panel_member_remove(actor=request.user, member=member)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "They are no longer on the panel.")
    return redirect("asye:moderation_panel", pk=found.pk)


@require_http_methods(["GET", "POST"])
def allocate(request: AcademyRequest, pk: str) -> HttpResponse:
    found = selectors.panel_get_for_user(scope=request.scope, pk=pk, write=True)
    waiting = selectors.records_awaiting_panel(scope=request.scope, panel=found)
    form = AllocateForm(posted(request), records=waiting)
    if request.method == "POST" and form.is_valid():
        try:
            services.panel_allocate(actor=request.user, panel=found, record=form.cleaned_data["record"])
        except ValidationError as error:
            add_form_errors(form, error)
        else:
            messages.success(request, "The portfolio is allocated to the panel.")
            return redirect("asye:moderation_panel", pk=found.pk)
    context = {
        "form": form,
        "heading": "Allocate a portfolio",
        "caption": found.title,
        "empty": not waiting.exists(),
        "back_url": reverse("asye:moderation_panel", args=[found.pk]),
    }
    return render(request, "asye/moderation/allocate.html", context)


@require_POST
def panel_close(request: AcademyRequest, pk: str) -> HttpResponse:
    found = selectors.panel_get_for_user(scope=request.scope, pk=pk, write=True)
    try:
        services.panel_close(actor=request.user, panel=found)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "The panel is closed. Its members no longer see its portfolios.")
    return redirect("asye:moderation_panel", pk=found.pk)


@require_http_methods(["GET", "POST"])
def allocation(request: AcademyRequest, pk: str) -> HttpResponse:
    """The checklist page: the pre-filled checklist, the moderator's answers, and the form for
    the panel's members while the panel is open and has not decided."""
    write = selectors.CHECKLIST if request.method == "POST" else ""
    found = selectors.allocation_get_for_user(scope=request.scope, pk=pk, write=write)
    record = found.record
    prefilled = checklist_prefill([record])[record.pk]
    adults = record.service_area == Team.ServiceArea.ADULTS
    may_check = (
        found.panel.is_open
        and not found.decision
        and record.status == RecordStatus.SUBMITTED
        and selectors.sits_on(user=request.user, panel=found.panel)
    )
    form = None
    if may_check:
        form = ChecklistForm(
            posted(request),
            prefilled=prefilled,
            adults=adults,
            initial=checklist_initial(prefilled, found.checklist, found.external),
        )
    elif request.method == "POST":
        raise PermissionDenied("The panel has decided or closed: the checklist can no longer change.")
    if request.method == "POST" and form is not None and form.is_valid():
        try:
            services.allocation_checklist_save(
                actor=request.user,
                allocation=found,
                checklist=form.answers(ITEMS),
                external=form.answers(EXTERNAL_QUESTIONS) if adults else None,
                shortcomings=form.cleaned_data.get("shortcomings", ""),
            )
        except ValidationError as error:
            add_form_errors(form, error)
        else:
            messages.success(request, "The checklist is saved.")
            return redirect("asye:moderation_allocation", pk=found.pk)
    staff_ids = staff_scope_ids(scope=request.scope)
    final = selectors.final_decision_of(record=record)
    context = {
        "allocation": found,
        "record": record,
        "summary": presenters.allocation_summary(found),
        "links": presenters.portfolio_links(record.pk),
        "checklist_head": presenters.CHECKLIST_HEAD,
        "checklist": presenters.checklist_rows(prefilled, found.checklist),
        "external_head": presenters.EXTERNAL_HEAD,
        "external": presenters.external_rows(found.external),
        "form": form,
        "may_decide": may_check and bool(found.checklist),
        "may_final": found.decision == PanelDecision.AGREE
        and record.status == RecordStatus.SUBMITTED
        and record.organisation_id in staff_ids,
        "final": presenters.final_summary(final) if final else None,
        "certificate_url": reverse("asye:moderation_certificate", args=[record.pk])
        if record.status == RecordStatus.COMPLETED and record.organisation_id in staff_ids
        else "",
        "back_url": reverse("asye:moderation_panel", args=[found.panel_id])
        if found.panel.is_open or found.panel.organisation_id in staff_ids
        else reverse("asye:moderation_panels"),
    }
    return render(request, "asye/moderation/allocation.html", context)


@require_http_methods(["GET", "POST"])
def decide(request: AcademyRequest, pk: str) -> HttpResponse:
    found = selectors.allocation_get_for_user(scope=request.scope, pk=pk, write=selectors.CHECKLIST)
    form = DecisionForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.allocation_decide(
                actor=request.user,
                allocation=found,
                decision=form.cleaned_data["decision"],
                reasons=form.cleaned_data["reasons"],
                new_end_date=form.cleaned_data["new_end_date"],
            )
        except ValidationError as error:
            add_form_errors(form, error)
        else:
            messages.success(request, "The panel's decision is recorded.")
            return redirect("asye:moderation_allocation", pk=found.pk)
    context = {
        "form": form,
        "heading": "The panel's decision",
        "caption": found.record.nqsw.user.display_name,
        "back_url": reverse("asye:moderation_allocation", args=[found.pk]),
    }
    return render(request, "asye/moderation/form.html", context)


@require_http_methods(["GET", "POST"])
def final_decision(request: AcademyRequest, pk: str) -> HttpResponse:
    found = selectors.allocation_get_for_user(scope=request.scope, pk=pk, write=selectors.FINAL)
    form = FinalDecisionForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.record_final_decide(
                actor=request.user,
                allocation=found,
                outcome=form.cleaned_data["outcome"],
                reasons=form.cleaned_data["reasons"],
            )
        except ValidationError as error:
            add_form_errors(form, error)
        else:
            messages.success(request, "The employer's decision is recorded. The ASYE record is now locked.")
            return redirect("asye:moderation_allocation", pk=found.pk)
    context = {
        "form": form,
        "heading": "The employer's final decision",
        "caption": found.record.nqsw.user.display_name,
        "back_url": reverse("asye:moderation_allocation", args=[found.pk]),
    }
    return render(request, "asye/moderation/form.html", context)


@require_GET
def certificate(request: AcademyRequest, pk: str) -> HttpResponse:
    """The certificate of completion, for the NQSW and the staff over the record, once the
    year is completed."""
    record = record_selectors.record_get_for_user(scope=request.scope, pk=pk)
    if not record_selectors.record_relations(scope=request.scope, record=record) & CERTIFICATE_READERS:
        raise PermissionDenied("The certificate is for the NQSW and the ASYE lead.")
    final = selectors.final_decision_of(record=record)
    if record.status != RecordStatus.COMPLETED or final is None:
        raise Http404("This ASYE year has not been completed.")
    context = {
        "record": record,
        "name": record.nqsw.user.display_name,
        "programme": record.programme_version.programme_type.name,
        "organisation": record.organisation.name,
        "started": format_date(record.start_date),
        "completed": format_date(final.decided_on),
        "decided_by": final.decided_by.display_name,
    }
    response = HttpResponse(
        render_pdf("asye/moderation/certificate.pdf.html", context), content_type="application/pdf"
    )
    response["Content-Disposition"] = 'attachment; filename="asye-certificate.pdf"'
    return response
