"""ASYE pages: the staff list of records, creating a record, a record's overview, changing its
assessor, the NQSW's own record, the assessor's and manager's NQSWs, and the programme types.
Data comes only through `asye.selectors`; who may do what is decided there and in services."""

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from academy.reference_data import can_publish_reference_data, require_reference_data_publisher
from academy.roles import STAFF_ROLES
from academy.web import AcademyRequest, add_form_errors, paginate, posted, roles_required

from . import presenters, selectors, services
from .final.record_page import record_end_context
from .forms import ChangeAssessorForm, ProgrammeVersionForm, RecordFilterForm, RecordForm
from .lock import frozen_note, is_frozen
from .models import AsyeRecord, RecordStatus
from .moderation.selectors import moderated_panel_id
from .reviews import presenters as review_presenters
from .reviews import selectors as review_selectors
from .year import presenters as year_presenters
from .year import selectors as year_selectors


def _table(records: object) -> list[list[object]]:
    today = timezone.localdate()
    return [
        presenters.record_table_row(record, selectors.record_schedule(record, today=today))
        for record in records  # type: ignore[attr-defined]
    ]


def _progress_table(records: object, row: Any, *, with_agreements: bool = False) -> list[list[object]]:
    """Rows with each record's evidence progress: one grouped query for the whole page (and two
    for the newest agreements with their signatures), never one per row."""
    found = list(records)  # type: ignore[call-overload]
    progress = year_selectors.progress_of(found, with_agreements=with_agreements)
    today = timezone.localdate()
    return [row(r, selectors.record_schedule(r, today=today), progress[r.pk]) for r in found]


# --- Records ----------------------------------------------------------------------------------------


@require_GET
@roles_required(*STAFF_ROLES)
def records(request: AcademyRequest) -> HttpResponse:
    scope = request.scope
    form = RecordFilterForm(
        request.GET or None,
        teams=selectors.teams_in_scope(scope=scope),
        assessors=selectors.assessors_in_scope(scope=scope),
    )
    found = selectors.records_in_staff_scope(scope=scope)
    filtered = False
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        if data["q"]:
            found = found.filter(
                Q(nqsw__user__full_name__icontains=data["q"]) | Q(nqsw__user__email__icontains=data["q"])
            )
        if data["status"]:
            found = found.filter(status=data["status"])
        if data["team"]:
            found = found.filter(team=data["team"])
        if data["assessor"]:
            found = found.filter(assessor=data["assessor"])
        filtered = any(data.values())
    page = paginate(request, found)
    context = {
        "page": page,
        "form": form,
        "filtered": filtered,
        "head": year_presenters.STAFF_HEAD,
        "rows": _progress_table(page.object_list, year_presenters.staff_row),
    }
    return render(request, "asye/records.html", context)


@require_http_methods(["GET", "POST"])
@roles_required(*STAFF_ROLES)
def record_create(request: AcademyRequest) -> HttpResponse:
    scope = request.scope
    organisations = list(selectors.organisations_for_records(scope=scope))
    form = RecordForm(
        posted(request),
        nqsws=selectors.nqsws_without_record(scope=scope),
        programme_types=selectors.programme_types_visible_to(user=request.user),
        teams=selectors.teams_in_scope(scope=scope),
        assessors=selectors.eligible_assessors(organisations=organisations),
        line_managers=selectors.eligible_line_managers(organisations=organisations),
    )
    if request.method == "POST" and form.is_valid():
        try:
            record = services.record_create(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_form_errors(form, error)
        else:
            messages.success(request, f"ASYE record created for {record.nqsw.user.display_name}.")
            return redirect("asye:record", pk=record.pk)
    return render(request, "asye/record_create.html", {"form": form})


@require_GET
def record(request: AcademyRequest, pk: str) -> HttpResponse:
    found = selectors.record_get_for_user(scope=request.scope, pk=pk)
    today = timezone.localdate()
    schedule = selectors.record_schedule(found, today=today)
    relations = selectors.record_relations(scope=request.scope, record=found)
    frozen = is_frozen(found.status)  # the year has ended, or the panel has it (asye/lock.py)
    can_change = selectors.STAFF in relations and not frozen
    context = {
        "record": found,
        "frozen_note": frozen_note(found.status) if frozen else "",
        "certificate_url": reverse("asye:moderation_certificate", args=[found.pk])
        if found.status == RecordStatus.COMPLETED and relations & {selectors.NQSW, selectors.STAFF}
        else "",
        "is_own": selectors.NQSW in relations,
        "can_change": can_change,
        "summary": presenters.record_summary(found, schedule, can_change=can_change),
        "reviews_head": review_presenters.REVIEWS_HEAD,
        "reviews": review_presenters.record_review_rows(
            found, schedule.reviews, review_selectors.review_briefs([found])[found.pk], today
        ),
        "history_head": presenters.HISTORY_HEAD,
        "history": presenters.history_rows(selectors.assessor_history(record=found)),
        "pauses_head": presenters.PAUSES_HEAD,
        "pauses": presenters.pause_rows(found),
        "back_url": _back_from_record(relations, user=request.user, record=found),
        # The year's end (asye/final/): final assessment, extensions, withdrawal, submissions.
        **record_end_context(found, can_change=can_change),
    }
    return render(request, "asye/record.html", context)


def _back_from_record(relations: frozenset[str], *, user: Any, record: AsyeRecord) -> str:
    if selectors.STAFF in relations:
        return reverse("asye:records")
    if relations & {selectors.ASSESSOR, selectors.LINE_MANAGER}:
        return reverse("asye:assigned")
    if selectors.MODERATOR in relations:  # back to the panel they read it for (asye/moderation/)
        panel_id = moderated_panel_id(user=user, record=record)
        if panel_id is not None:
            return reverse("asye:moderation_panel", args=[panel_id])
    return reverse("academy:home")


@require_http_methods(["GET", "POST"])
def record_assessor(request: AcademyRequest, pk: str) -> HttpResponse:
    found = selectors.record_get_for_user(scope=request.scope, pk=pk, write=True)
    assessors = selectors.eligible_assessors(organisations=[found.organisation]).exclude(pk=found.assessor_id)
    form = ChangeAssessorForm(posted(request), assessors=assessors)
    if request.method == "POST" and form.is_valid():
        try:
            services.record_change_assessor(actor=request.user, record=found, **form.cleaned_data)
        except ValidationError as error:
            add_form_errors(form, error)
        else:
            messages.success(request, f"{found.nqsw.user.display_name}'s assessor was changed.")
            return redirect("asye:record", pk=found.pk)
    context = {"record": found, "form": form, "current": presenters.person(found.assessor)}
    return render(request, "asye/record_assessor.html", context)


@require_GET
def my_record(request: AcademyRequest) -> HttpResponse:
    """The NQSW's own record: straight to it when there is one."""
    own = list(selectors.records_of_nqsw(user=request.user)[:2])
    if len(own) == 1:
        return redirect("asye:record", pk=own[0].pk)
    context = {"head": presenters.RECORDS_HEAD, "rows": _table(own)}
    return render(request, "asye/my_record.html", context)


@require_GET
def assigned(request: AcademyRequest) -> HttpResponse:
    """The NQSWs whose assessor or line manager the person is."""
    page = paginate(request, selectors.records_assigned_to(user=request.user))
    rows = _progress_table(page.object_list, year_presenters.assigned_row, with_agreements=True)
    context = {"page": page, "head": year_presenters.ASSIGNED_HEAD, "rows": rows}
    return render(request, "asye/assigned.html", context)


# --- Programme types ------------------------------------------------------------------------------


@require_GET
def programmes(request: AcademyRequest) -> HttpResponse:
    types = selectors.programme_types_visible_to(user=request.user)
    can_publish = can_publish_reference_data(request.user)
    sections = [
        {
            "type": programme_type,
            "rows": presenters.version_rows(programme_type),
            "publish_url": reverse("asye:programme_publish", args=[programme_type.slug])
            if can_publish
            else "",
        }
        for programme_type in types
    ]
    return render(request, "asye/programmes.html", {"sections": sections, "head": presenters.VERSIONS_HEAD})


@require_GET
def programme_version(request: AcademyRequest, type_slug: str, version_slug: str) -> HttpResponse:
    version = selectors.programme_version_get(
        user=request.user, type_slug=type_slug, version_slug=version_slug
    )
    context = {
        "version": version,
        "summary": presenters.version_summary(version),
        "reviews_head": presenters.REVIEW_POINTS_HEAD,
        "reviews": presenters.review_point_rows(version),
        "minimums_head": presenters.MINIMUMS_HEAD,
        "minimums": presenters.minimum_rows(version),
        "cadence_head": presenters.CADENCE_HEAD,
        "cadence": presenters.cadence_rows(version),
    }
    return render(request, "asye/programme_version.html", context)


@require_http_methods(["GET", "POST"])
def programme_publish(request: AcademyRequest, type_slug: str) -> HttpResponse:
    require_reference_data_publisher(request.user)
    programme_type = selectors.programme_type_get(user=request.user, slug=type_slug)
    base = selectors.programme_version_latest(programme_type=programme_type)
    if base is None:
        return redirect("asye:programmes")
    framework_versions = selectors.framework_versions_for_programmes(user=request.user)
    form = ProgrammeVersionForm(posted(request), base=base, framework_versions=framework_versions)
    if request.method == "POST" and form.is_valid():
        try:
            version = services.programme_version_publish(
                actor=request.user, programme_type=programme_type, **form.version_data()
            )
        except ValidationError as error:
            add_form_errors(form, error)
        else:
            messages.success(request, f"Published {version.label}. Records starting from its date follow it.")
            return redirect("asye:programme_version", programme_type.slug, version.slug)
    context = {"programme_type": programme_type, "base": base, "form": form}
    return render(request, "asye/programme_publish.html", context)
