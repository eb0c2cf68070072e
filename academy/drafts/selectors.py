"""Reading drafts. Every function takes the person and returns only their own rows: there is no
way to ask for someone else's draft, and no list of anyone's drafts."""

from django.http import Http404

from academy.models import User

from .models import FormDraft


def draft_for_user(*, user: User, key: str) -> FormDraft | None:
    """The person's row for this form, emptied or not (its version matters either way), or None."""
    if not user.is_authenticated:
        return None
    return FormDraft.objects.filter(user=user, key=key).first()


def draft_get_for_user(*, user: User, key: str) -> FormDraft:
    """The person's draft of this form: 404 when they have none (another person's draft under the
    same key is not theirs, so it is not found either)."""
    draft = draft_for_user(user=user, key=key)
    if draft is None or draft.is_empty:
        raise Http404("No draft of this form.")
    return draft
