"""What a view with an autosaved form calls: the draft to put back into the form on GET, and the
discard once the form has been sent.

    key = "academy:invite"
    form = InvitationForm(posted(request), initial=draft_initial(request, key), ...)
    if request.method == "POST" and form.is_valid():
        ...  # the service that sends the form
        draft_discard(user=request.user, key=key)
        return redirect(...)

The template wraps the form in `{% autosave_form key %}…{% endautosave_form %}`, which finds the
draft this helper already read (no second query) and says that it was put back."""

from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest

from .models import FormDraft
from .selectors import draft_for_user
from .services import draft_discard, draft_key

__all__ = ["DraftState", "draft_discard", "draft_initial", "draft_key", "draft_state"]

_REQUEST_ATTRIBUTE = "_academy_drafts"


@dataclass
class DraftState:
    draft: FormDraft | None
    # The view put the draft's words into the form; otherwise the page's script does.
    applied: bool = False

    @property
    def version(self) -> int:
        return self.draft.version if self.draft else 0

    @property
    def restorable(self) -> bool:
        return self.draft is not None and not self.draft.is_empty


def draft_state(request: HttpRequest, key: str) -> DraftState:
    """The signed-in person's draft of `key`, read once per request."""
    states: dict[str, DraftState] = request.__dict__.setdefault(_REQUEST_ATTRIBUTE, {})
    if key not in states:
        states[key] = DraftState(draft_for_user(user=request.user, key=key))  # type: ignore[arg-type]
    return states[key]


def draft_initial(request: HttpRequest, key: str) -> dict[str, Any]:
    """On GET, the person's saved words for the form `key`, ready to be a form's `initial` (merge
    the object's own values underneath: `{**from_object, **draft_initial(request, key)}`).
    Empty on POST, where the form shows what was just sent."""
    state = draft_state(request, key)
    if request.method != "GET" or state.draft is None or state.draft.is_empty:
        return {}
    state.applied = True
    return dict(state.draft.data)
