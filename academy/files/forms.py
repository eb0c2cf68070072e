"""The upload field apps put on their forms: it runs the same checks as `file_store`, so a
refused file shows its reason on the field and the rest of the form keeps what was typed."""

from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile

from .validation import accept_attribute, allowed_types_sentence, inspect_upload, max_upload_bytes


def validate_private_upload(upload: UploadedFile) -> None:
    """A form validator: raises the reason `file_store` would give for refusing `upload`."""
    inspect_upload(upload)


class PrivateFileField(forms.FileField):
    default_validators = [validate_private_upload]  # noqa: RUF012  (Django's own attribute)

    def __init__(self, **kwargs: Any) -> None:
        limit = f"{max_upload_bytes() / (1024 * 1024):g} MB"
        kwargs.setdefault("help_text", f"Upload {allowed_types_sentence()}, up to {limit}.")
        super().__init__(**kwargs)
        self.widget.attrs.setdefault("accept", accept_attribute())
