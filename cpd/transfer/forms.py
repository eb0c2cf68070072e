"""Forms of the import: the upload, and the confirmation that carries the checked rows.

Where the rows wait between the preview and the confirmation: in the confirmation form itself,
as signed data (`django.core.signing`, compressed, tied to the person and valid for a day).
Weighed against the alternatives:
- the session loads on every request, so a 1 MB file would ride along on every page the person
  opens until they confirm; and it is emptied by signing out or a time-out;
- the drafts store (`academy/drafts/`) keeps what a person types into a form field by field,
  and is swept; a file's rows are not typed and would need their own shape there;
- asking for the file again on confirming is error-prone (a different file, or an edited one).
Signed data keeps no state on the server, cannot be altered or used by anyone else (the
signature includes the person's id), and survives anything that goes wrong on confirming: the
preview is shown again with the same rows. Every row is checked again on confirming, so the
signature vouches only that these are the rows the person uploaded, never that they are valid.
The file's size limit (`reading.MAX_BYTES`) keeps the signed data well below Django's limit on
a form's size."""

from typing import Any

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Submit
from django import forms
from django.core import signing
from django.core.files.uploadedfile import UploadedFile

from academy.files.validation import clean_display_name
from academy.models import User

from .reading import MAX_BYTES, RawRow, ReadFile, read_csv

MAX_AGE = 24 * 60 * 60


def _salt(user: User) -> str:
    return f"cpd.transfer.import:{user.pk}"


def sign_rows(read: ReadFile, *, user: User) -> str:
    payload = {
        "name": read.name,
        "ignored": read.ignored,
        "rows": [[row.number, row.values] for row in read.rows],
    }
    return signing.dumps(payload, salt=_salt(user), compress=True)


def unsign_rows(value: str, *, user: User) -> ReadFile:
    payload = signing.loads(value, salt=_salt(user), max_age=MAX_AGE)
    return ReadFile(
        name=str(payload["name"]),
        ignored=[str(h) for h in payload["ignored"]],
        rows=[RawRow(number=int(number), values=dict(values)) for number, values in payload["rows"]],
    )


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label="Upload your CSV file",
        help_text=f"A CSV file of up to {MAX_BYTES // (1024 * 1024)} MB, "
        "with the template's headings in the first row.",
        error_messages={
            "required": "Choose the CSV file to import",
            "empty": "The file is empty. Download the template, fill it in and upload it.",
        },
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"].widget.attrs["accept"] = ".csv,text/csv"
        self.read: ReadFile | None = None
        self.helper = FormHelper()
        self.helper.attrs = {"novalidate": "", "enctype": "multipart/form-data"}
        self.helper.add_input(Submit("check", "Check the file"))

    def clean_file(self) -> UploadedFile:
        upload: UploadedFile = self.cleaned_data["file"]
        size = upload.size or 0
        upload.seek(0)
        # A file over the limit is refused by its size, without reading it.
        data = b"" if size > MAX_BYTES else upload.read()
        self.read = read_csv(data, name=clean_display_name(upload.name), size=size)
        return upload


class ImportConfirmForm(forms.Form):
    rows = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.read: ReadFile | None = None

    def clean_rows(self) -> str:
        value: str = self.cleaned_data["rows"]
        try:
            self.read = unsign_rows(value, user=self.user)
        except (signing.BadSignature, KeyError, TypeError, ValueError) as error:
            raise forms.ValidationError(
                "The checked file has expired or was changed. Upload it again to check it.", code="expired"
            ) from error
        return value
