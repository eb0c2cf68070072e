"""One row per person and form: what they last typed there, and a version that counts saves."""

from typing import ClassVar

from django.conf import settings
from django.db import models

from academy.models import TimeStampedModel


class FormDraft(TimeStampedModel):
    """What a person has typed on one form and not yet sent.

    `data` maps field names to what the fields held (a string, or a list of strings for
    checkboxes and multiple choices); passwords, files and hidden tokens are never kept. `version`
    goes up with every save and with a discard, so a browser tab that saves on top of a version
    it has not seen is refused instead of overwriting another tab's words. A discarded draft
    keeps its row, emptied, so a save still on its way from the page that sent the form cannot
    bring the old words back; the sweep removes the row later."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=200, help_text="Which form, for which object: 'asye:evidence:<uuid>'.")
    organisation = models.ForeignKey(
        "academy.Organisation",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The organisation the person was acting for when they last saved.",
    )
    data = models.JSONField(default=dict, blank=True)
    version = models.PositiveIntegerField(default=0)
    writer = models.CharField(
        max_length=40, blank=True, help_text="The browser tab that saved last (a random id per tab)."
    )

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["user", "key"], name="form_draft_one_per_user_and_key"),
        ]
        indexes: ClassVar = [models.Index(fields=["updated_at"], name="form_draft_updated_at")]

    def __str__(self) -> str:
        return f"Draft {self.key} v{self.version}"

    @property
    def is_empty(self) -> bool:
        return not self.data
