"""The home-page panel: this registration year's progress (registered in `CpdConfig.ready`)."""

from collections.abc import Mapping

from django.utils import timezone

from academy.web import AcademyRequest

from . import presenters, selectors


def progress_context(request: AcademyRequest) -> Mapping[str, object]:
    now = timezone.now()
    year = selectors.registration_year_current(now=now)
    if year is None:
        return {"cpd_progress": None}
    progress = selectors.year_progress(scope=request.scope, year=year, now=now)
    return {
        "cpd_progress": progress,
        "cpd_tag": presenters.progress_tag(progress),
        "cpd_days_left": presenters.days_left_words(progress),
    }
