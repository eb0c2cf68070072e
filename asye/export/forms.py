from django import forms

from .models import ExportKind


class ExportRequestForm(forms.Form):
    kind = forms.ChoiceField(
        choices=ExportKind.choices, error_messages={"required": "Choose which copy to make."}
    )
