"""Career pathway pages: the pathways offered to you, one pathway with where you stand and what
comes next, and the staff's pages to add and change pathways and their steps. Data reaches these
views only through the access selectors in `selectors.py`; every change goes through a service."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from academy.web import AcademyRequest, add_form_errors, paginate, posted

from ..selectors import managed_organisation_ids
from . import presenters, selectors, services
from .forms import PathwayForm, PositionForm, StepForm


@require_GET
def pathways(request: AcademyRequest) -> HttpResponse:
    page = paginate(request, selectors.pathways_visible_to(scope=request.scope))
    context = {
        "page": page,
        "head": presenters.PATHWAYS_HEAD,
        "rows": presenters.pathway_rows(page.object_list),
        "can_manage": bool(managed_organisation_ids(request.scope)),
        "can_add_standard": request.organisation is not None
        and request.organisation.pk in managed_organisation_ids(request.scope),
    }
    return render(request, "programmes/pathways/list.html", context)


@require_http_methods(["GET", "POST"])
def pathway_create(request: AcademyRequest) -> HttpResponse:
    if not managed_organisation_ids(request.scope):
        raise PermissionDenied("Only the academy's staff add pathways.")
    form = PathwayForm(
        posted(request),
        initial={"organisation": request.organisation},
        organisations=selectors.organisation_choices(scope=request.scope),
        submit="Add the pathway",
    )
    if request.method == "POST" and form.is_valid():
        try:
            pathway = services.pathway_create(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_form_errors(form, error)
        else:
            messages.success(request, f"“{pathway.name}” was added. Now add its steps.")
            return redirect("programmes:pathway", pk=pathway.pk)
    return render(request, "programmes/pathways/form.html", {"form": form, "pathway": None})


@require_POST
def pathway_add_standard(request: AcademyRequest) -> HttpResponse:
    organisation = request.organisation
    if organisation is None or organisation.pk not in managed_organisation_ids(request.scope):
        raise PermissionDenied("Only the academy's staff add pathways.")
    pathway = services.pathway_add_standard(actor=request.user, organisation=organisation)
    messages.success(request, f"“{pathway.name}” is ready to change to fit your academy.")
    return redirect("programmes:pathway", pk=pathway.pk)


@require_GET
def pathway(request: AcademyRequest, pk: str) -> HttpResponse:
    found = selectors.pathway_get_for_user(scope=request.scope, pk=pk)
    steps = selectors.steps_of(pathway=found, scope=request.scope)
    position = selectors.position_of(pathway=found, user=request.user)
    standing = selectors.standing(steps=steps, position=position, roles=request.scope.roles)
    can_manage = found.organisation_id in managed_organisation_ids(request.scope)
    form = PositionForm(initial={"step": standing.here}, steps=selectors.step_choices(pathway=found))
    form.helper.form_action = reverse("programmes:pathway_position", args=[found.pk])
    context = {
        "pathway": found,
        "standing": standing,
        "next_items": presenters.next_step_items(standing.next_steps),
        "head": presenters.STEPS_HEAD,
        "rows": presenters.step_rows(steps, can_manage=can_manage, here=standing.here),
        "can_manage": can_manage,
        "form": form,
    }
    return render(request, "programmes/pathways/pathway.html", context)


@require_POST
def pathway_position(request: AcademyRequest, pk: str) -> HttpResponse:
    found = selectors.pathway_get_for_user(scope=request.scope, pk=pk)
    form = PositionForm(request.POST, steps=selectors.step_choices(pathway=found))
    if not form.is_valid():
        messages.error(request, "Choose the step you are on.")
    else:
        services.pathway_position_set(actor=request.user, pathway=found, step=form.cleaned_data["step"])
        messages.success(request, "Saved where you are on the pathway.")
    return redirect("programmes:pathway", pk=found.pk)


@require_http_methods(["GET", "POST"])
def pathway_edit(request: AcademyRequest, pk: str) -> HttpResponse:
    found = selectors.pathway_get_for_user(scope=request.scope, pk=pk, write=True)
    form = PathwayForm(
        posted(request),
        initial={"name": found.name, "description": found.description},
        organisations=None,
        submit="Save changes",
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.pathway_update(actor=request.user, pathway=found, **form.cleaned_data)
        except ValidationError as error:
            add_form_errors(form, error)
        else:
            messages.success(request, f"“{found.name}” was saved.")
            return redirect("programmes:pathway", pk=found.pk)
    return render(request, "programmes/pathways/form.html", {"form": form, "pathway": found})


@require_http_methods(["GET", "POST"])
def step_create(request: AcademyRequest, pk: str) -> HttpResponse:
    found = selectors.pathway_get_for_user(scope=request.scope, pk=pk, write=True)
    form = StepForm(
        posted(request),
        steps=selectors.step_choices(pathway=found),
        programmes=selectors.programme_choices(pathway=found),
        submit="Add the step",
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.pathway_step_create(actor=request.user, pathway=found, **form.cleaned_data)
        except ValidationError as error:
            add_form_errors(form, error)
        else:
            messages.success(request, f"The step “{form.cleaned_data['title']}” was added.")
            return redirect("programmes:pathway", pk=found.pk)
    return render(
        request, "programmes/pathways/step_form.html", {"form": form, "pathway": found, "step": None}
    )


@require_http_methods(["GET", "POST"])
def step_edit(request: AcademyRequest, pk: str) -> HttpResponse:
    step = selectors.step_get_for_user(scope=request.scope, pk=pk)
    found = step.pathway
    initial = {name: getattr(step, name) for name in services.STEP_FIELDS}
    initial["follows"] = list(step.follows.all())
    initial["programmes"] = list(step.programmes.all())
    form = StepForm(
        posted(request),
        initial=initial,
        steps=selectors.step_choices(pathway=found, exclude=step),
        programmes=selectors.programme_choices(pathway=found),
        submit="Save changes",
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.pathway_step_update(actor=request.user, step=step, **form.cleaned_data)
        except ValidationError as error:
            add_form_errors(form, error)
        else:
            messages.success(request, f"The step “{step.title}” was saved.")
            return redirect("programmes:pathway", pk=found.pk)
    return render(
        request, "programmes/pathways/step_form.html", {"form": form, "pathway": found, "step": step}
    )
