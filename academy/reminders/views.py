"""The reminder pages: operators' list of reminders with a retry for failed ones, and each
person's preferences. Who may use the list: see academy/reminders/selectors.py."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from academy.web import AcademyRequest, paginate

from . import presenters, selectors, services
from .forms import ReminderFilterForm, ReminderPreferencesForm
from .models import Reminder

State = Reminder.State


@require_GET
def reminders(request: AcademyRequest) -> HttpResponse:
    kinds = selectors.reminder_kinds()
    form = ReminderFilterForm(request.GET or None, kinds=kinds)
    filters = form.cleaned_data if form.is_bound and form.is_valid() else {}
    found = selectors.reminders_visible_to(
        scope=request.scope,
        state=filters.get("state", ""),
        kind=filters.get("kind", ""),
        due_from=filters.get("due_from"),
        due_to=filters.get("due_to"),
    )
    page = paginate(request, found)
    counts = selectors.reminder_state_counts(scope=request.scope)
    return render(
        request,
        "academy/reminders/list.html",
        {
            "form": form,
            "page": page,
            "head": presenters.REMINDER_TABLE_HEAD,
            "rows": [presenters.reminder_table_row(reminder) for reminder in page.object_list],
            "counts": [(State(value).label, value, counts[value]) for value in State.values],
            "filtered": any(filters.values()),
        },
    )


@require_POST
def reminder_retry(request: AcademyRequest, pk: str) -> HttpResponse:
    reminder = selectors.reminder_get_for_user(scope=request.scope, pk=pk)
    try:
        services.reminder_retry(actor=request.user, reminder=reminder)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"The reminder “{reminder.title}” will be sent again within a minute.")
    return redirect("academy:reminders")


@require_http_methods(["GET", "POST"])
def reminder_preferences(request: AcademyRequest) -> HttpResponse:
    kinds = selectors.reminder_kinds()
    portal_only, digest = selectors.reminder_preferences_for(user=request.user)
    initial = {
        "by_email": [kind.name for kind in kinds if kind.name not in portal_only],
        "digest": "yes" if digest.enabled else "no",
        "digest_time": f"{digest.time_of_day:%H:%M}",
    }
    form = ReminderPreferencesForm(request.POST or None, initial=initial, kinds=kinds)
    if request.method == "POST" and form.is_valid():
        services.reminder_preferences_set(
            user=request.user,
            email_kinds=form.cleaned_data["by_email"],
            all_kinds=[kind.name for kind in kinds],
            digest=form.cleaned_data["digest"],
            digest_time=form.cleaned_data["digest_time"] or digest.time_of_day,
        )
        messages.success(request, "Your reminder preferences are saved.")
        return redirect("academy:reminder_preferences")
    return render(request, "academy/reminders/preferences.html", {"form": form, "kinds": kinds})
