"""Placements pages. Thin views: bind a form, call one service or selector, render or
redirect. Data comes only through the access selectors in `selectors.py`."""

import csv
import datetime
import io
from typing import Any
from urllib.parse import urlencode
from uuid import UUID

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from academy.models import Organisation
from academy.roles import STAFF_ROLES
from academy.web import AcademyRequest, add_form_errors, paginate, posted, roles_required

from . import presenters, rules, selectors, services, signatures
from .forms import (
    ConfirmPlacementForm,
    DayForm,
    DocumentForm,
    EducatorForm,
    ExtensionForm,
    FiguresForm,
    MatchStudentForm,
    OfferForm,
    PartnershipForm,
    PlacementRequestForm,
    RegisterFilterForm,
)
from .models import DocumentKind, EducatorRole
from .services import EDUCATOR_FIELDS

# --- The register of practice educators --------------------------------------------------------


@require_GET
@roles_required(*STAFF_ROLES)
def register(request: AcademyRequest) -> HttpResponse:
    scope = request.scope
    organisations = selectors.register_organisations(scope=scope)
    show_organisations = bool(
        request.organisation and request.organisation.kind == Organisation.Kind.PARTNERSHIP
    )
    form = RegisterFilterForm(
        request.GET or None, organisations=organisations, show_organisations=show_organisations
    )
    data: dict[str, Any] = form.cleaned_data if form.is_bound and form.is_valid() else {}
    filters = selectors.RegisterFilters(
        query=data.get("q", ""),
        stage=data.get("stage", ""),
        currency=data.get("currency", ""),
        role=data.get("role", ""),
        organisation=data.get("organisation"),
    )
    today = selectors.today()
    entries = selectors.educators_filtered(
        selectors.educators_visible_to(scope=scope), filters=filters, today=today
    )
    page = paginate(request, entries)
    filtered = any((filters.query, filters.stage, filters.currency, filters.role, filters.organisation))
    rows = [
        presenters.register_row(entry, state=selectors.currency_of(entry, today=today), today=today)
        for entry in page.object_list
    ]
    context = {
        "form": form,
        "filtered": filtered,
        "page": page,
        "head": presenters.REGISTER_HEAD,
        "rows": rows,
        "caption": presenters.register_caption(total=page.paginator.count, filtered=filtered),
        "clear_url": reverse("placements:register"),
    }
    return render(request, "placements/register.html", context)


@require_http_methods(["GET", "POST"])
@roles_required(*STAFF_ROLES)
def educator_add(request: AcademyRequest) -> HttpResponse:
    scope = request.scope
    form = EducatorForm(
        posted(request),
        candidates=selectors.educator_candidates(scope=scope),
        teams=selectors.teams_for_register(scope=scope),
        submit="Add to the register",
    )
    if request.method == "POST" and form.is_valid():
        try:
            entry = services.educator_register(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_form_errors(form, error)
        else:
            messages.success(request, f"{entry.user.display_name} is on the register.")
            return redirect("placements:educator", entry.pk)
    return render(request, "placements/educator_form.html", {"form": form, "entry": None})


@require_GET
def educator(request: AcademyRequest, pk: str) -> HttpResponse:
    entry = selectors.educator_get_for_user(scope=request.scope, pk=pk)
    today = selectors.today()
    can_change = selectors.is_register_staff(request.scope)
    change_url = reverse("placements:educator_edit", args=[entry.pk]) if can_change else ""
    state = selectors.currency_of(entry, today=today)
    context = {
        "entry": entry,
        "is_own": entry.user_id == request.user.pk,
        "summary": presenters.educator_summary(entry, state=state, today=today, change_url=change_url),
        "can_change": can_change,
        "back_url": reverse("placements:register") if can_change else reverse("academy:home"),
    }
    return render(request, "placements/educator.html", context)


@require_http_methods(["GET", "POST"])
def educator_edit(request: AcademyRequest, pk: str) -> HttpResponse:
    entry = selectors.educator_get_for_user(scope=request.scope, pk=pk, write=True)
    initial = {name: getattr(entry, name) for name in (*EDUCATOR_FIELDS, "team")}
    form = EducatorForm(
        posted(request),
        initial=initial,
        candidates=None,
        teams=selectors.teams_for_register(scope=request.scope).filter(organisation=entry.organisation),
        submit="Save changes",
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.educator_update(actor=request.user, entry=entry, **form.cleaned_data)
        except ValidationError as error:
            add_form_errors(form, error)
        else:
            messages.success(request, f"Register entry for {entry.user.display_name} saved.")
            return redirect("placements:educator", entry.pk)
    return render(request, "placements/educator_form.html", {"form": form, "entry": entry})


@require_GET
def my_entry(request: AcademyRequest) -> HttpResponse:
    """The person's own register entry in their current organisation, or what to do next."""
    entry = selectors.own_educator_entry(scope=request.scope)
    if entry is not None:
        return redirect("placements:educator", entry.pk)
    return render(request, "placements/my_entry_empty.html")


# --- University partners and placement requests -------------------------------------------------


@require_http_methods(["GET", "POST"])
@roles_required(*STAFF_ROLES)
def partners(request: AcademyRequest) -> HttpResponse:
    scope = request.scope
    if not selectors.is_register_staff(scope):
        raise PermissionDenied("Universities see their partners on their placement requests.")
    form = PartnershipForm(
        posted(request),
        universities=selectors.universities(),
        partners=selectors.register_organisations(scope=scope),
    )
    if request.method == "POST" and form.is_valid():
        try:
            found = services.partnership_add(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_form_errors(form, error)
        else:
            messages.success(
                request, f"{found.university.name} now places students with {found.partner.name}."
            )
            return redirect("placements:partners")
    page = paginate(request, selectors.partnerships_visible_to(scope=scope))
    context = {
        "form": form,
        "page": page,
        "head": presenters.PARTNERS_HEAD,
        "rows": [presenters.partnership_row(p) for p in page.object_list],
    }
    return render(request, "placements/partners.html", context)


@require_GET
@roles_required(*selectors.UNIVERSITY_ROLES)
def requests(request: AcademyRequest) -> HttpResponse:
    scope = request.scope
    page = paginate(request, selectors.requests_visible_to(scope=scope))
    context = {
        "page": page,
        "head": presenters.REQUESTS_HEAD,
        "rows": [presenters.request_row(r) for r in page.object_list],
        "is_university": selectors.is_university_member(scope),
    }
    return render(request, "placements/requests.html", context)


@require_http_methods(["GET", "POST"])
@roles_required(*selectors.UNIVERSITY_ROLES)
def request_add(request: AcademyRequest) -> HttpResponse:
    scope = request.scope
    if not selectors.is_university_member(scope):
        raise PermissionDenied("Universities ask for places; the academy offers them.")
    partnerships = selectors.partnerships_for_requests(scope=scope)
    form = PlacementRequestForm(posted(request), partnerships=partnerships)
    if request.method == "POST" and form.is_valid():
        try:
            created = services.placement_request_create(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_form_errors(form, error)
        else:
            messages.success(request, f"Request sent to {created.partner.name}.")
            return redirect("placements:request", created.pk)
    return render(
        request, "placements/request_form.html", {"form": form, "has_partners": partnerships.exists()}
    )


def _request_page(
    request: AcademyRequest, placement_request: Any, offer_form: OfferForm | None
) -> HttpResponse:
    offers = list(selectors.offers_of(placement_request=placement_request))
    placed = selectors.placements_visible_to(scope=request.scope).filter(request=placement_request)
    context = {
        "placed_head": presenters.PLACEMENTS_HEAD,
        "placed": [presenters.placement_row(p) for p in placed],
        "can_match": offer_form is not None and bool(offers),
        "placement_request": placement_request,
        "summary": presenters.request_summary(placement_request),
        "offers_head": presenters.OFFERS_HEAD,
        "offers": [presenters.offer_row(o) for o in offers],
        "offer_form": offer_form,
    }
    return render(request, "placements/request.html", context)


@require_GET
def placement_request(request: AcademyRequest, pk: str) -> HttpResponse:
    found = selectors.request_get_for_user(scope=request.scope, pk=pk)
    offer_form = None
    if selectors.is_register_staff(request.scope) and found.status == found.Status.OPEN:
        teams = selectors.teams_for_offer(scope=request.scope, placement_request=found)
        offer_form = OfferForm(teams=teams, action=reverse("placements:offer_add", args=[found.pk]))
    return _request_page(request, found, offer_form)


@require_POST
def offer_add(request: AcademyRequest, pk: str) -> HttpResponse:
    found = selectors.request_get_for_user(scope=request.scope, pk=pk, write=True)
    teams = selectors.teams_for_offer(scope=request.scope, placement_request=found)
    form = OfferForm(request.POST, teams=teams, action=reverse("placements:offer_add", args=[found.pk]))
    if form.is_valid():
        try:
            services.placement_offer_create(actor=request.user, placement_request=found, **form.cleaned_data)
        except ValidationError as error:
            add_form_errors(form, error)
        else:
            messages.success(request, "Places offered.")
            return redirect("placements:request", found.pk)
    return _request_page(request, found, form)


# --- Matching and placements ----------------------------------------------------------------------


# How many waiting students the matching screen's select lists before asking for a search.
STUDENTS_LISTED = 50


def _confirm_url(placement_request: Any, proposal: Any, *, student: Any, first_setting: str) -> str:
    query = {"offer": proposal.offer.pk, "educator": proposal.educator.pk, "student": student.pk}
    if first_setting:
        query["first_setting"] = first_setting
    return reverse("placements:match_confirm", args=[placement_request.pk]) + "?" + urlencode(query)


@require_GET
def match(request: AcademyRequest, pk: str) -> HttpResponse:
    """Proposals for one student: each team's offer paired with the educators of its
    organisation, judged by the matching rules, suitable first."""
    scope = request.scope
    found = selectors.request_get_for_user(scope=scope, pk=pk, write=True)
    waiting = selectors.students_waiting(university=found.university, kind=found.kind)
    query = request.GET.get("q", "").strip()
    if query:
        waiting = waiting.filter(Q(full_name__icontains=query) | Q(email__icontains=query))
    listed = list(waiting[: STUDENTS_LISTED + 1])
    form = MatchStudentForm(
        request.GET if request.GET.get("student") else None,
        initial={"q": query},
        students=waiting,
        listed=listed[:STUDENTS_LISTED],
    )
    student = form.cleaned_data["student"] if form.is_bound and form.is_valid() else None
    first_setting = form.cleaned_data.get("first_setting", "") if student else ""
    recorded_first = selectors.first_placement_setting(student=student) if student else None
    proposals = (
        selectors.match_proposals(
            scope=scope,
            placement_request=found,
            first_setting=recorded_first or first_setting or None,
            today=selectors.today(),
        )
        if student
        else []
    )
    rows = [
        presenters.proposal_row(
            p, confirm_url=_confirm_url(found, p, student=student, first_setting=first_setting)
        )
        for p in proposals
    ]
    context = {
        "placement_request": found,
        "form": form,
        "student": student,
        "recorded_first": recorded_first,
        "head": presenters.PROPOSALS_HEAD,
        "rows": rows,
        "suitable": sum(1 for p in proposals if p.verdict.suitable),
        "more_students": len(listed) > STUDENTS_LISTED,
        "query": query,
    }
    return render(request, "placements/match.html", context)


@require_http_methods(["GET", "POST"])
def match_confirm(request: AcademyRequest, pk: str) -> HttpResponse:
    scope = request.scope
    found = selectors.request_get_for_user(scope=scope, pk=pk, write=True)
    wanted = [_uuid_or_none(request.GET.get(name)) for name in ("offer", "educator", "student")]
    if None in wanted:
        raise Http404("That proposal is no longer on offer.")
    offer_pk, educator_pk, student_pk = (str(pk) for pk in wanted)
    offer = selectors.offers_of(placement_request=found).filter(pk=offer_pk).first()
    educator = (
        selectors.educators_for_request(scope=scope, placement_request=found).filter(pk=educator_pk).first()
    )
    student = selectors.students_of(university=found.university).filter(pk=student_pk).first()
    if offer is None or educator is None or student is None:
        raise Http404("That proposal is no longer on offer.")
    off_site = educator.role == EducatorRole.OFF_SITE
    form = ConfirmPlacementForm(
        posted(request),
        initial={"tutor": found.requested_by if found.requested_by_id else None},
        tutors=selectors.tutors_of(university=found.university),
        supervisors=selectors.supervisors_for(organisation=offer.team.organisation) if off_site else None,
    )
    if request.method == "POST" and form.is_valid():
        try:
            placement = services.placement_confirm(
                actor=request.user,
                placement_request=found,
                offer=offer,
                educator=educator,
                student=student,
                first_setting=request.GET.get("first_setting") or None,
                today=selectors.today(),
                **form.cleaned_data,
            )
        except ValidationError as error:
            add_form_errors(form, error)
        else:
            messages.success(request, f"{student.display_name} is placed with {offer.team.name}.")
            return redirect("placements:placement", placement.pk)
    context = {
        "placement_request": found,
        "form": form,
        "summary": presenters.proposal_summary(found, offer=offer, educator=educator, student=student),
        "back_url": reverse("placements:match", args=[found.pk]) + "?" + urlencode({"student": student.pk}),
    }
    return render(request, "placements/match_confirm.html", context)


def _uuid_or_none(value: str | None) -> str | None:
    try:
        return str(UUID(value or ""))
    except ValueError:
        return None


@require_GET
def placement(request: AcademyRequest, pk: str) -> HttpResponse:
    found, relations = selectors.placement_get_for_user(scope=request.scope, pk=pk)
    reads_log = bool(relations & selectors.LOG_READERS)
    confirms = bool(relations & selectors.DAY_CONFIRMERS)
    page = paginate(request, selectors.days_of(placement=found)) if reads_log else None
    day_rows = [
        presenters.day_row(
            entry,
            confirm_url=reverse("placements:day_confirm", args=[found.pk, entry.pk]) if confirms else "",
        )
        for entry in (page.object_list if page else [])
    ]
    summary = selectors.placement_days_summary(placement=found)
    context = {
        "placement": found,
        "summary": presenters.placement_summary(found),
        "days_summary": presenters.days_summary_rows(summary),
        "awaiting": summary.awaiting,
        "reads_log": reads_log,
        "page": page,
        "days_head": presenters.DAYS_HEAD,
        "day_rows": day_rows,
        "extensions_head": presenters.EXTENSIONS_HEAD,
        "extensions": [presenters.extension_row(e) for e in selectors.extensions_of(placement=found)]
        if reads_log
        else [],
        "can_record": bool(relations & selectors.DAY_RECORDERS),
        "can_confirm": confirms,
        "can_extend": bool(relations & selectors.EXTENDERS),
        **_documents_context(found, relations),
    }
    return render(request, "placements/placement.html", context)


@require_http_methods(["GET", "POST"])
def day_add(request: AcademyRequest, pk: str) -> HttpResponse:
    found, _ = selectors.placement_get_for_user(scope=request.scope, pk=pk, write="days")
    form = DayForm(posted(request), initial={"kind": "practice"})
    if request.method == "POST" and form.is_valid():
        try:
            entry = services.placement_day_record(
                actor=request.user, placement=found, today=selectors.today(), **form.cleaned_data
            )
        except ValidationError as error:
            add_form_errors(form, error)
        else:
            messages.success(request, f"{entry.get_kind_display()} recorded for {presenters.day(entry.day)}.")
            return redirect("placements:placement", found.pk)
    return render(request, "placements/day_form.html", {"form": form, "placement": found})


@require_POST
def day_confirm(request: AcademyRequest, pk: str, day_pk: str) -> HttpResponse:
    entry = selectors.day_get_for_user(scope=request.scope, pk=pk, day_pk=day_pk)
    try:
        services.placement_day_confirm(actor=request.user, entry=entry)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"{presenters.day(entry.day)} confirmed.")
    return redirect("placements:placement", pk)


@require_POST
def days_confirm_all(request: AcademyRequest, pk: str) -> HttpResponse:
    found, _ = selectors.placement_get_for_user(scope=request.scope, pk=pk, write="confirm")
    count = services.placement_days_confirm_all(actor=request.user, placement=found)
    messages.success(request, f"{count} day{'s' if count != 1 else ''} confirmed.")
    return redirect("placements:placement", found.pk)


@require_http_methods(["GET", "POST"])
def extension_add(request: AcademyRequest, pk: str) -> HttpResponse:
    found, _ = selectors.placement_get_for_user(scope=request.scope, pk=pk, write="extend")
    form = ExtensionForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.placement_extend(actor=request.user, placement=found, **form.cleaned_data)
        except ValidationError as error:
            add_form_errors(form, error)
        else:
            messages.success(request, f"Placement extended to {presenters.day(found.ends_on)}.")
            return redirect("placements:placement", found.pk)
    return render(request, "placements/extension_form.html", {"form": form, "placement": found})


@require_GET
def placements(request: AcademyRequest) -> HttpResponse:
    page = paginate(request, selectors.placements_visible_to(scope=request.scope))
    context = {
        "page": page,
        "head": presenters.PLACEMENTS_HEAD,
        "rows": [presenters.placement_row(p) for p in page.object_list],
        "is_staff": selectors.is_register_staff(request.scope),
    }
    return render(request, "placements/placements.html", context)


# --- Meetings, observations and the final report ---------------------------------------------


def _documents_context(found: Any, relations: frozenset[str]) -> dict[str, Any]:
    documents = list(selectors.documents_of(placement=found))
    held = {d.kind for d in documents}
    observations = sum(1 for d in documents if d.kind == DocumentKind.OBSERVATION)
    writes = bool(relations & selectors.DOCUMENT_WRITERS)
    to_add = [
        (kind, label)
        for kind, label in (
            (DocumentKind.LEARNING_AGREEMENT, "Record the learning agreement meeting"),
            (DocumentKind.MIDWAY_REVIEW, "Record the midway review"),
            (DocumentKind.OBSERVATION, "Record a direct observation"),
            (DocumentKind.FINAL_REPORT, "Write the final report"),
        )
        if kind == DocumentKind.OBSERVATION or kind not in held
    ]
    return {
        "documents_head": presenters.DOCUMENTS_HEAD,
        "documents": [
            presenters.document_row(d, needed=len(signatures.parties(placement=found, kind=d.kind)))
            for d in documents
        ],
        "observations": presenters.observations_words(
            recorded=observations, required=rules.observations_required(found.kind)
        ),
        "documents_to_add": [
            (reverse("placements:document_add", args=[found.pk, kind]), label) for kind, label in to_add
        ]
        if writes
        else [],
    }


@require_http_methods(["GET", "POST"])
def document_add(request: AcademyRequest, pk: str, kind: str) -> HttpResponse:
    found, _ = selectors.placement_get_for_user(scope=request.scope, pk=pk, write="documents")
    if kind not in DocumentKind.values:
        raise Http404("No such kind of record.")
    form = DocumentForm(posted(request), kind=kind)
    if request.method == "POST" and form.is_valid():
        try:
            document = services.placement_document_create(
                actor=request.user, placement=found, kind=kind, **form.cleaned_data
            )
        except ValidationError as error:
            add_form_errors(form, error)
        else:
            messages.success(request, f"{document.get_kind_display()} saved. Ask the parties to sign it.")
            return redirect("placements:document", found.pk, document.pk)
    context = {"form": form, "placement": found, "heading": DocumentKind(kind).label}
    return render(request, "placements/document_form.html", context)


@require_GET
def document(request: AcademyRequest, pk: str, doc_pk: str) -> HttpResponse:
    found, relations = selectors.document_get_for_user(scope=request.scope, pk=pk, doc_pk=doc_pk)
    placement = found.placement
    signed = list(selectors.signatures_of(document=found))
    parties = signatures.parties(placement=placement, kind=found.kind)
    done = {s.capacity for s in signed}
    mine = [
        c
        for c in signatures.capacities_of(placement=placement, user_id=request.user.pk)
        if c in parties and c.value not in done
    ]
    context = {
        "document": found,
        "placement": placement,
        "summary": presenters.document_summary(found),
        "signatures_head": presenters.SIGNATURES_HEAD,
        "signatures": presenters.signature_rows(parties=parties, placement=placement, signed=signed),
        "can_edit": bool(relations & selectors.DOCUMENT_WRITERS) and not signed,
        "sign_as": [(c.value, c.label, signatures.STATEMENTS[c]) for c in mine],
    }
    return render(request, "placements/document.html", context)


@require_http_methods(["GET", "POST"])
def document_edit(request: AcademyRequest, pk: str, doc_pk: str) -> HttpResponse:
    found, _ = selectors.document_get_for_user(scope=request.scope, pk=pk, doc_pk=doc_pk, write="edit")
    initial = {name: getattr(found, name) for name in services.DOCUMENT_FIELDS}
    form = DocumentForm(posted(request), kind=found.kind, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.placement_document_update(actor=request.user, document=found, **form.cleaned_data)
        except ValidationError as error:
            add_form_errors(form, error)
        else:
            messages.success(request, f"{found.get_kind_display()} updated.")
            return redirect("placements:document", pk, found.pk)
    context = {"form": form, "placement": found.placement, "heading": found.get_kind_display()}
    return render(request, "placements/document_form.html", context)


@require_POST
def document_sign(request: AcademyRequest, pk: str, doc_pk: str) -> HttpResponse:
    found, _ = selectors.document_get_for_user(scope=request.scope, pk=pk, doc_pk=doc_pk, write="sign")
    capacity = request.POST.get("capacity", "")
    try:
        services.placement_document_sign(actor=request.user, document=found, capacity=capacity)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"You signed the {found.get_kind_display().lower()}.")
    return redirect("placements:document", pk, found.pk)


# --- Figures -----------------------------------------------------------------------------------


def _figures(request: AcademyRequest) -> tuple[FiguresForm, Any]:
    today = selectors.today()
    this_year = rules.academic_year(today)[0].year
    form = FiguresForm(request.GET or None, this_year=this_year)
    year = (form.cleaned_data.get("year") if form.is_bound and form.is_valid() else None) or this_year
    figures = selectors.placement_figures(
        scope=request.scope, year_starts_on=rules.academic_year(datetime.date(year, 9, 1))[0], today=today
    )
    return form, figures


@require_GET
@roles_required(*STAFF_ROLES)
def figures(request: AcademyRequest) -> HttpResponse:
    form, found = _figures(request)
    context = {
        "form": form,
        "figures": found,
        "summary": presenters.figures_summary(found),
        "universities_head": presenters.UNIVERSITY_FIGURES_HEAD,
        "universities": [presenters.university_figures_row(r) for r in found.universities],
        "teams_head": presenters.TEAM_FIGURES_HEAD,
        "teams": [presenters.team_figures_row(r) for r in found.teams],
        "csv_url": reverse("placements:figures_csv") + f"?year={found.starts_on.year}",
    }
    return render(request, "placements/figures.html", context)


@require_GET
@roles_required(*STAFF_ROLES)
def figures_csv(request: AcademyRequest) -> HttpResponse:
    """The same figures as CSV: one row a university, one a team (names and counts only)."""
    _, found = _figures(request)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(presenters.CSV_HEAD)
    writer.writerows(presenters.figures_csv_rows(found))
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    name = f"placements-{found.starts_on.year}-{found.ends_on.year}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
