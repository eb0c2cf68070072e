"""Organisation settings pages, for academy admins: the organisations they look after, and one
organisation's name, colour and thresholds."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from ..roles import Role
from ..web import AcademyRequest, add_form_errors, paginate, posted, roles_required
from . import presenters, selectors, services
from .forms import OrganisationSettingsForm


@require_GET
@roles_required(Role.ACADEMY_ADMIN)
def organisations(request: AcademyRequest) -> HttpResponse:
    page = paginate(request, selectors.organisations_configurable_by(scope=request.scope))
    cards = [(o, presenters.organisation_settings_rows(o)) for o in page.object_list]
    return render(request, "academy/organisations.html", {"page": page, "cards": cards})


@require_http_methods(["GET", "POST"])
@roles_required(Role.ACADEMY_ADMIN)
def organisation_settings(request: AcademyRequest, slug: str) -> HttpResponse:
    organisation = selectors.organisation_get_for_settings(
        scope=request.scope, slug=slug, write=request.method == "POST"
    )
    initial = {
        "name": organisation.name,
        "brand_colour": organisation.brand_colour,
        "evidence_waiting_days": organisation.evidence_waiting_days,
        "case_reference_patterns": "\n".join(organisation.case_reference_patterns or []),
    }
    form = OrganisationSettingsForm(
        posted(request),
        initial=initial,
        inherited=selectors.organisation_inherited_settings(organisation),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.organisation_update_settings(
                actor=request.user, organisation=organisation, **form.cleaned_data
            )
        except ValidationError as error:
            add_form_errors(form, error)
        else:
            messages.success(request, f"Settings for {organisation.name} saved.")
            return redirect("academy:organisations")
    return render(request, "academy/organisation_settings.html", {"organisation": organisation, "form": form})
