"""Academy news pages: the bulletins sent to you, one bulletin, and the staff's pages to write
one and see what went out. Data comes only through the selectors in `selectors.py`; publishing
goes through the service."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from academy.web import AcademyRequest, add_form_errors, paginate, posted

from ..selectors import managed_organisation_ids
from . import presenters, selectors, services
from .forms import BulletinForm


@require_GET
def news(request: AcademyRequest) -> HttpResponse:
    page = paginate(request, selectors.bulletins_for(user=request.user))
    context = {
        "page": page,
        "head": presenters.NEWS_HEAD,
        "rows": presenters.news_rows(page.object_list),
        "can_write": bool(managed_organisation_ids(request.scope)),
    }
    return render(request, "programmes/news/news.html", context)


@require_GET
def bulletin(request: AcademyRequest, pk: str) -> HttpResponse:
    found = selectors.bulletin_get_for_user(scope=request.scope, pk=pk)
    context = {"bulletin": found, "summary": presenters.bulletin_summary(found)}
    return render(request, "programmes/news/bulletin.html", context)


def _require_writer(request: AcademyRequest) -> None:
    if not managed_organisation_ids(request.scope):
        raise PermissionDenied("Only the academy's staff write bulletins.")


@require_http_methods(["GET", "POST"])
def bulletin_create(request: AcademyRequest) -> HttpResponse:
    _require_writer(request)
    choices = selectors.audience_choices(scope=request.scope)
    form = BulletinForm(
        posted(request),
        initial={"organisation": request.organisation, "audience_organisations": list(choices)},
        organisations=choices,
    )
    if request.method == "POST" and form.is_valid():
        try:
            published = services.bulletin_publish(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_form_errors(form, error)
        else:
            messages.success(request, f"“{published.title}” is published.")
            return redirect("programmes:news_sent")
    return render(request, "programmes/news/form.html", {"form": form})


@require_GET
def news_sent(request: AcademyRequest) -> HttpResponse:
    _require_writer(request)
    page = paginate(
        request, selectors.bulletins_sent(scope=request.scope).prefetch_related("audience_organisations")
    )
    context = {"page": page, "head": presenters.SENT_HEAD, "rows": presenters.sent_rows(page.object_list)}
    return render(request, "programmes/news/sent.html", context)
