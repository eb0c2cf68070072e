"""The citing form: the evidence form without what the CPD record gives (title, date, the words
it answers, files), plus the NQSW's confirmation that they understand who will read the record."""

from typing import Any

from django import forms

from ..forms import EvidenceForm

CONFIRM_LABEL = "I understand that the people named above will be able to read these parts of my CPD record"


class CiteForm(EvidenceForm):
    confirm = forms.BooleanField(
        label=CONFIRM_LABEL,
        required=True,
        error_messages={"required": "Confirm that you understand who will be able to read this CPD record"},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("title", "date", "attachment", "version"):
            del self.fields[name]
        self.fields["elements"].help_text = (
            "We have ticked the parts of the standards your CPD record is tagged with. "
            "Change them if you need to."
        )

    def service_values(self) -> dict[str, Any]:
        return {
            "answers": self.answers(),
            "elements": self.chosen_elements(),
            "sharing_confirmed": self.cleaned_data["confirm"],
            "idempotency_key": self.cleaned_data.get("idempotency_key") or "",
        }
