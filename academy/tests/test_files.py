"""Private files: type by content, size limit, safe names, the virus-scanner hook, and downloads
that go through the owning app's access check."""

import hashlib
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django import forms
from django.core.exceptions import ImproperlyConfigured
from django.core.files.storage import Storage
from django.urls import reverse
from django.utils import timezone
from django.utils.datastructures import MultiValueDict

from academy.files import checks
from academy.files.forms import PrivateFileField
from academy.files.models import StoredFile
from academy.files.responses import attachment_disposition
from academy.files.selectors import stored_files_of
from academy.files.services import file_delete
from academy.files.storage import private_storage
from academy.files.validation import FileRefused, clean_display_name, inspect_upload
from academy.models import AuditEntry, User
from academy.roles import Role
from academy.tests import files_support as fs
from academy.tests.factories import MembershipFactory, UserFactory
from conftest import Orgs

IN_MEMORY = {"BACKEND": "django.core.files.storage.InMemoryStorage"}


@pytest.fixture(autouse=True)
def _fresh_private_storage(settings: Any) -> None:
    """An empty private storage for each test (changing STORAGES resets Django's storages)."""
    settings.STORAGES = {**settings.STORAGES, "private": IN_MEMORY}
    settings.CLAMD_URL = ""
    settings.PRIVATE_FILES_MAX_MB = 10
    settings.PRIVATE_FILES_ALLOWED_TYPES = []


def stored_names(storage: Storage, folder: str = "") -> list[str]:
    folders, files = storage.listdir(folder)
    names = [f"{folder}/{name}".lstrip("/") for name in files]
    for sub in folders:
        names.extend(stored_names(storage, f"{folder}/{sub}".lstrip("/")))
    return sorted(names)


def refusal(name: str, content: bytes) -> FileRefused:
    with pytest.raises(FileRefused) as caught:
        inspect_upload(fs.upload(name, content))
    return caught.value


# --- Type by content ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content", "expected_type", "expected_name"),
    [
        ("Supervision notes.pdf", fs.PDF, "application/pdf", "Supervision notes.pdf"),
        (
            "Reflective log.docx",
            fs.office_file("docx"),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            "Reflective log.docx",
        ),
        (
            "Caseload.XLSX",
            fs.office_file("xlsx"),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "Caseload.XLSX",
        ),
        ("Direct observation.odt", fs.odt_file(), "application/vnd.oasis.opendocument.text", None),
        ("Certificate.png", fs.PNG, "image/png", None),
        ("Certificate.jpeg", fs.JPEG, "image/jpeg", None),
        ("notes.txt", "Supervision — 3 September\n".encode(), "text/plain", None),
        (
            "Training hours.csv",
            "course,hours,cost\nDoLS refresher,3,£40\n".encode("cp1252"),
            "text/csv",
            None,
        ),
        ("scan-from-the-copier", fs.PDF, "application/pdf", "scan-from-the-copier.pdf"),
    ],
)
def test_accepted_types_are_recognised_by_their_content(
    name: str, content: bytes, expected_type: str, expected_name: str | None
) -> None:
    found = inspect_upload(
        fs.upload(name, content, content_type="text/html")
    )  # the browser's claim is ignored
    assert found.file_type.content_type == expected_type
    assert found.display_name == (expected_name or name)
    assert found.size == len(content)
    assert found.sha256 == hashlib.sha256(content).hexdigest()


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("report.pdf", fs.ELF, "“report.pdf” is a Linux program, not a document"),
        ("report.pdf", fs.WINDOWS_PROGRAM, "“report.pdf” is a Windows program, not a document"),
        ("notes.txt", b"#!/bin/sh\nrm -rf ~\n", "“notes.txt” is a script, not a document"),
        ("Reflective log.docm", fs.office_file("docx", macros=True), "contains macros"),
        ("evidence.zip", fs.plain_zip(), "is a ZIP archive, not a document"),
        ("Direct observation.odt", fs.odt_file(macros="Basic/"), "contains macros"),
        ("Direct observation.odt", fs.odt_file(macros="Scripts/python/"), "contains macros"),
        ("Direct observation.odt", fs.odt_file(macros="basic/"), "contains macros"),
        ("Direct observation.odt", fs.odt_file(manifest=False), "is damaged"),
        ("Direct observation.odt", fs.mimetype_only_zip(), "is damaged"),
        ("old report.doc", fs.OLE2, "older Office format or has a password"),
        ("photo.png", bytes(range(256)) * 4, "is not a type of file the portal accepts"),
        ("broken.docx", b"PK\x03\x04" + bytes(40), "is damaged"),
    ],
)
def test_programs_and_unknown_content_are_refused_whatever_their_name(
    name: str, content: bytes, reason: str
) -> None:
    assert reason in refusal(name, content).messages[0]


def test_a_name_that_disagrees_with_the_content_is_refused() -> None:
    message = refusal("Reflective log.docx", fs.PDF).messages[0]
    assert message == (
        "“Reflective log.docx” holds a PDF, but its name ends in .docx. "
        "Rename it to end in .pdf and upload it again."
    )
    # Text named as a web page would open as one on the reader's computer.
    assert "ends in .html" in refusal("page.html", b"<script>alert(1)</script>").messages[0]


def test_the_allow_list_comes_from_settings(settings: Any) -> None:
    settings.PRIVATE_FILES_ALLOWED_TYPES = ["application/pdf"]
    assert inspect_upload(fs.upload("a.pdf", fs.PDF)).file_type.content_type == "application/pdf"
    message = refusal("photo.png", fs.PNG).messages[0]
    assert message == "“photo.png” is a PNG image, which is not accepted here. Upload a PDF."


def test_an_empty_file_is_refused() -> None:
    assert refusal("blank.pdf", b"").messages == ["“blank.pdf” is empty."]


# --- Size limit ----------------------------------------------------------------------------------


def test_an_oversized_file_is_refused_with_its_size_and_the_limit(settings: Any) -> None:
    settings.PRIVATE_FILES_MAX_MB = 10
    big = fs.PDF + b"0" * int(12.3 * 1024 * 1024)
    assert refusal("big.pdf", big).messages == ["The file is 12.3 MB; the limit is 10 MB."]


def test_the_size_limit_is_inclusive(settings: Any) -> None:
    settings.PRIVATE_FILES_MAX_MB = 1
    limit = 1024 * 1024
    exactly = fs.PDF + b"0" * (limit - len(fs.PDF))
    assert inspect_upload(fs.upload("exact.pdf", exactly)).size == limit
    assert refusal("over.pdf", exactly + b"0").messages == ["The file is just over 1 MB; the limit is 1 MB."]


# --- Names ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("given", "shown"),
    [
        ("../../etc/passwd", "passwd"),
        ("..\\..\\Windows\\system.ini", "system.ini"),
        ("C:\\Users\\sam\\Desktop\\Week 6 log.pdf", "Week 6 log.pdf"),
        ("re\x00port\x1b.pdf", "report.pdf"),
        ("invoice\u202efdp.exe", "invoicefdp.exe"),  # a right-to-left override hides .exe
        ('my "best" work?.pdf', "my best work.pdf"),
        ("...", "file"),
        (".bashrc", "bashrc"),
        ("CON.txt", "CON-file.txt"),
        ("Évaluation   été\t2026.pdf", "Évaluation été 2026.pdf"),
        ("a" * 300 + ".pdf", "a" * 146 + ".pdf"),
    ],
)
def test_display_names_are_cleaned(given: str, shown: str) -> None:
    assert clean_display_name(given) == shown


# --- Storing ----------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_file_store_keeps_the_bytes_under_a_random_name_and_audits(orgs: Orgs, nqsw: User) -> None:
    stored = fs.store(actor=nqsw, organisation=orgs.home, name="Supervision notes.pdf")

    assert stored.original_name == "Supervision notes.pdf"
    assert stored.content_type == "application/pdf"
    assert stored.size == len(fs.PDF)
    assert stored.sha256 == hashlib.sha256(fs.PDF).hexdigest()
    assert stored.scan_status == StoredFile.ScanStatus.NOT_SCANNED
    assert stored.scanned_at is None
    assert "Supervision" not in stored.stored_name
    assert stored.stored_name.startswith(f"{orgs.home.pk}/")
    with private_storage().open(stored.stored_name, "rb") as handle:
        assert handle.read() == fs.PDF
    entry = AuditEntry.objects.get(verb="file.store", object_id=str(stored.pk))
    assert entry.actor == nqsw
    assert entry.organisation == orgs.home
    assert entry.after["sha256"] == stored.sha256
    assert list(stored_files_of(owner_kind=fs.UPLOADER_ONLY, owner_id="record-1")) == [stored]


@pytest.mark.django_db
def test_a_path_traversal_name_never_reaches_the_disk(
    orgs: Orgs, nqsw: User, settings: Any, tmp_path: Path, django_capture_on_commit_callbacks: Any
) -> None:
    root = tmp_path / "private"
    settings.STORAGES = {
        **settings.STORAGES,
        "private": {
            "BACKEND": "academy.files.storage.PrivateFileSystemStorage",
            "OPTIONS": {"location": str(root)},
        },
    }
    with django_capture_on_commit_callbacks(execute=True):  # the pending marker goes on commit
        stored = fs.store(
            actor=nqsw, organisation=orgs.home, name="../../etc/passwd\x00.txt", content=b"root:x:0:0\n"
        )

    assert stored.original_name == "passwd.txt"
    written = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert written == [root / stored.stored_name]
    assert written[0].resolve().is_relative_to(root.resolve())
    assert "passwd" not in stored.stored_name
    assert ".." not in stored.stored_name
    assert written[0].stat().st_mode & 0o077 == 0  # readable by the portal's own user only
    with pytest.raises(NotImplementedError):
        private_storage().url(stored.stored_name)


@pytest.mark.django_db
def test_a_refused_file_leaves_nothing_behind(orgs: Orgs, nqsw: User) -> None:
    with pytest.raises(FileRefused):
        fs.store(actor=nqsw, organisation=orgs.home, name="report.pdf", content=fs.ELF)
    assert StoredFile.objects.count() == 0
    assert stored_names(private_storage()) == []


@pytest.mark.django_db
def test_a_failed_write_of_the_record_removes_the_stored_bytes(orgs: Orgs, nqsw: User) -> None:
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        fs.store(actor=nqsw, organisation=orgs.home, owner_id="x" * 65)  # longer than owner_id allows
    assert StoredFile.objects.count() == 0
    assert stored_names(private_storage()) == []


@pytest.mark.django_db
def test_storing_for_an_unregistered_owner_kind_is_a_programming_error(orgs: Orgs, nqsw: User) -> None:
    with pytest.raises(ImproperlyConfigured, match=r"nobody\.registered"):
        fs.store(actor=nqsw, organisation=orgs.home, owner_kind="nobody.registered")


@pytest.mark.django_db
def test_file_delete_removes_row_and_bytes_after_commit(
    orgs: Orgs, nqsw: User, django_capture_on_commit_callbacks: Any
) -> None:
    stored = fs.store(actor=nqsw, organisation=orgs.home)
    pk, name = stored.pk, stored.stored_name
    with django_capture_on_commit_callbacks(execute=True):
        file_delete(actor=nqsw, stored_file=stored)
    assert not StoredFile.objects.filter(pk=pk).exists()
    assert not private_storage().exists(name)
    assert AuditEntry.objects.filter(verb="file.delete", object_id=str(pk)).exists()


@pytest.mark.django_db
def test_a_stored_file_whose_transaction_rolled_back_is_swept_away(orgs: Orgs, nqsw: User) -> None:
    from django.db import transaction

    from academy.files.services import files_pending_sweep

    def store_then_fail() -> None:
        with transaction.atomic():
            fs.store(actor=nqsw, organisation=orgs.home)
            raise RuntimeError("the app's own write failed after the upload")

    with pytest.raises(RuntimeError):
        store_then_fail()
    assert StoredFile.objects.count() == 0
    left = [name for name in stored_names(private_storage()) if name.startswith(f"{orgs.home.pk}/")]
    assert len(left) == 1  # the bytes, until the sweep
    assert files_pending_sweep() == 0  # too soon: the transaction might still be running
    with time_machine.travel(timezone.now() + timedelta(hours=4)):
        assert files_pending_sweep() == 1
    assert stored_names(private_storage()) == []


@pytest.mark.django_db
def test_the_sweep_keeps_files_whose_record_was_saved(
    orgs: Orgs, nqsw: User, django_capture_on_commit_callbacks: Any
) -> None:
    from academy.files.services import files_pending_sweep

    with django_capture_on_commit_callbacks(execute=True):
        committed = fs.store(actor=nqsw, organisation=orgs.home)
    assert stored_names(private_storage()) == [committed.stored_name]  # the marker went on commit
    # A process that died after its commit and before removing the marker: the row holds the bytes.
    died = fs.store(actor=nqsw, organisation=orgs.home)
    with time_machine.travel(timezone.now() + timedelta(hours=4)):
        assert files_pending_sweep() == 0
    assert stored_names(private_storage()) == sorted([committed.stored_name, died.stored_name])


@pytest.mark.django_db
def test_the_sweep_task_runs_from_beat(orgs: Orgs, nqsw: User) -> None:
    from academy import schedules
    from academy.tasks import files_pending_sweep

    assert "academy.tasks.files_pending_sweep" in {p.task for p in schedules.declared()}
    fs.store(actor=nqsw, organisation=orgs.home)
    StoredFile.objects.all().delete()  # as a rollback would
    with time_machine.travel(timezone.now() + timedelta(hours=4)):
        assert files_pending_sweep.apply().get() == 1
        assert files_pending_sweep.apply().get() == 0
    assert stored_names(private_storage()) == []


@pytest.mark.django_db
def test_a_delete_that_never_reached_its_commit_hook_is_finished_by_the_sweep(
    orgs: Orgs, nqsw: User, django_capture_on_commit_callbacks: Any
) -> None:
    from academy.files.services import files_pending_sweep

    with django_capture_on_commit_callbacks(execute=True):
        stored = fs.store(actor=nqsw, organisation=orgs.home)
    file_delete(actor=nqsw, stored_file=stored)  # committed, but the process died before the hook
    with time_machine.travel(timezone.now() + timedelta(hours=4)):
        assert files_pending_sweep() == 1
    assert stored_names(private_storage()) == []


# --- The upload field ---------------------------------------------------------------------------


class EvidenceForm(forms.Form):
    title = forms.CharField()
    evidence = PrivateFileField(label="Evidence file")


def test_the_field_shows_the_reason_on_the_field_and_keeps_what_was_typed() -> None:
    form = EvidenceForm(
        data={"title": "Week 6 reflective log"},
        files=MultiValueDict({"evidence": [fs.upload("report.pdf", fs.WINDOWS_PROGRAM, "application/pdf")]}),
    )
    assert not form.is_valid()
    assert form.errors["evidence"] == [
        "“report.pdf” is a Windows program, not a document, so it cannot be uploaded."
    ]
    assert "title" not in form.errors
    assert form["title"].value() == "Week 6 reflective log"
    assert 'value="Week 6 reflective log"' in str(form["title"])


def test_the_field_accepts_a_document_and_hints_what_it_takes() -> None:
    form = EvidenceForm(
        data={"title": "Log"}, files=MultiValueDict({"evidence": [fs.upload("log.pdf", fs.PDF)]})
    )
    assert form.is_valid(), form.errors
    widget = str(form["evidence"])
    assert 'accept="' in widget
    assert ".pdf" in widget
    assert ".docx" in widget
    assert "up to 10 MB" in str(form.fields["evidence"].help_text)


def test_the_field_refuses_an_oversized_file(settings: Any) -> None:
    settings.PRIVATE_FILES_MAX_MB = 1
    form = EvidenceForm(
        data={"title": "Log"},
        files=MultiValueDict({"evidence": [fs.upload("big.pdf", fs.PDF + b"0" * (2 * 1024 * 1024))]}),
    )
    assert not form.is_valid()
    assert form.errors["evidence"] == ["The file is 2 MB; the limit is 1 MB."]


# --- Downloading -----------------------------------------------------------------------------------


def download_url(stored: StoredFile) -> str:
    return reverse("academy:files:download", args=[stored.pk])


def body(response: Any) -> bytes:
    return b"".join(response.streaming_content)


@pytest.mark.django_db
def test_the_uploader_downloads_with_safe_headers(client: Any, orgs: Orgs, nqsw: User) -> None:
    stored = fs.store(actor=nqsw, organisation=orgs.home, name="Supervision notes.pdf")
    client.force_login(nqsw)

    response = client.get(download_url(stored))

    assert response.status_code == 200
    assert body(response) == fs.PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="Supervision notes.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Length"] == str(len(fs.PDF))
    assert response["Cache-Control"] == "private, no-store"
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"


@pytest.mark.django_db
def test_a_name_outside_ascii_is_sent_in_both_forms(client: Any, orgs: Orgs, nqsw: User) -> None:
    stored = fs.store(actor=nqsw, organisation=orgs.home, name="Évaluation été.pdf")
    client.force_login(nqsw)
    response = client.get(download_url(stored))
    assert response["Content-Disposition"] == (
        "attachment; filename=\"Evaluation ete.pdf\"; filename*=UTF-8''%C3%89valuation%20%C3%A9t%C3%A9.pdf"
    )


@pytest.mark.parametrize(
    ("name", "header"),
    [
        ("plain.pdf", 'attachment; filename="plain.pdf"'),
        ("50% done.pdf", "attachment; filename=\"50_ done.pdf\"; filename*=UTF-8''50%25%20done.pdf"),
        ("報告.pdf", "attachment; filename=\"download.pdf\"; filename*=UTF-8''%E5%A0%B1%E5%91%8A.pdf"),
        ('a"b\\c.pdf', "attachment; filename=\"a_b_c.pdf\"; filename*=UTF-8''a%22b%5Cc.pdf"),
    ],
)
def test_attachment_disposition_never_breaks_out_of_the_header(name: str, header: str) -> None:
    assert attachment_disposition(name) == header


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("nqsw", 200),  # uploaded it
        ("psw", 200),  # same council
        ("academy_admin", 200),  # the partnership above the council
        ("outsider", 404),  # another organisation
        ("student", 404),  # the university: no relation
        ("sibling_social_worker", 404),  # the sibling council of the same partnership
    ],
)
def test_downloads_follow_the_owning_apps_check(
    client: Any, orgs: Orgs, personas: dict[str, User], persona: str, expected: int
) -> None:
    stored = fs.store(actor=personas["nqsw"], organisation=orgs.home, owner_kind=fs.ORGANISATION_WIDE)
    reader: User
    if persona == "sibling_social_worker":
        reader = UserFactory()
        MembershipFactory(user=reader, organisation=orgs.sibling, role=Role.SOCIAL_WORKER)
    else:
        reader = personas[persona]
    client.force_login(reader)
    response = client.get(download_url(stored))
    assert response.status_code == expected
    if expected == 404:
        assert b"%PDF" not in response.content


@pytest.mark.django_db
def test_the_owner_kind_decides_not_the_organisation(client: Any, orgs: Orgs, nqsw: User, psw: User) -> None:
    stored = fs.store(actor=nqsw, organisation=orgs.home, owner_kind=fs.UPLOADER_ONLY)
    client.force_login(psw)
    assert client.get(download_url(stored)).status_code == 404


@pytest.mark.django_db
def test_a_file_of_an_unknown_owner_kind_is_nobodys(client: Any, orgs: Orgs, nqsw: User) -> None:
    stored = fs.store(actor=nqsw, organisation=orgs.home)
    StoredFile.objects.filter(pk=stored.pk).update(owner_kind="app.removed")
    client.force_login(nqsw)
    assert client.get(download_url(stored)).status_code == 404


@pytest.mark.django_db
def test_missing_files_and_missing_bytes_are_404(client: Any, orgs: Orgs, nqsw: User) -> None:
    client.force_login(nqsw)
    assert client.get(reverse("academy:files:download", args=[StoredFile().pk])).status_code == 404
    stored = fs.store(actor=nqsw, organisation=orgs.home)
    private_storage().delete(stored.stored_name)
    assert client.get(download_url(stored)).status_code == 404


@pytest.mark.django_db
def test_download_needs_sign_in_and_is_get_only(client: Any, orgs: Orgs, nqsw: User) -> None:
    stored = fs.store(actor=nqsw, organisation=orgs.home)
    response = client.get(download_url(stored))
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))
    client.force_login(nqsw)
    assert client.post(download_url(stored)).status_code == 405


# --- The virus scanner -------------------------------------------------------------------------------


@pytest.fixture
def clamd(settings: Any) -> Iterator[fs.FakeClamd]:
    server = fs.FakeClamd()
    settings.CLAMD_URL = server.url
    settings.CLAMD_TIMEOUT = 5
    yield server
    server.close()


@pytest.mark.django_db
def test_a_clean_file_is_scanned_and_marked_clean(clamd: fs.FakeClamd, orgs: Orgs, nqsw: User) -> None:
    content = fs.PDF + b"0" * 200_000  # several INSTREAM chunks
    stored = fs.store(actor=nqsw, organisation=orgs.home, content=content)

    assert clamd.commands == [b"zINSTREAM\0"]
    assert clamd.received == [content]
    assert clamd.chunk_counts[0] > 1
    assert stored.scan_status == StoredFile.ScanStatus.CLEAN
    assert stored.scanned_at is not None


@pytest.mark.django_db
def test_an_infected_file_is_refused_and_not_kept(clamd: fs.FakeClamd, orgs: Orgs, nqsw: User) -> None:
    with pytest.raises(FileRefused) as caught:
        fs.store(actor=nqsw, organisation=orgs.home, name="notes.txt", content=b"x " + fs.INFECTED_MARKER)
    assert caught.value.messages == [
        "“notes.txt” contains a virus or other harmful content (Academy.Test.Signature), "
        "so it was not uploaded."
    ]
    assert StoredFile.objects.count() == 0
    assert stored_names(private_storage()) == []


@pytest.mark.django_db
def test_a_scanner_over_a_unix_socket(settings: Any, orgs: Orgs, nqsw: User) -> None:
    import tempfile

    with tempfile.TemporaryDirectory() as folder:  # a short path: unix socket names are limited
        server = fs.FakeClamd(unix_path=f"{folder}/clamd.sock")
        settings.CLAMD_URL = server.url
        try:
            stored = fs.store(actor=nqsw, organisation=orgs.home)
        finally:
            server.close()
    assert server.received == [fs.PDF]
    assert stored.scan_status == StoredFile.ScanStatus.CLEAN


SCANNER_DOWN = (
    "The virus scanner could not check the file just now, so it was not uploaded. Try again in a few minutes."
)


@pytest.mark.django_db
def test_a_configured_scanner_that_is_down_refuses_the_upload(settings: Any, orgs: Orgs, nqsw: User) -> None:
    settings.CLAMD_URL = fs.unused_tcp_url()
    with pytest.raises(FileRefused) as caught:
        fs.store(actor=nqsw, organisation=orgs.home)
    assert caught.value.messages == [SCANNER_DOWN]
    assert StoredFile.objects.count() == 0


@pytest.mark.django_db
def test_a_scanner_answering_nonsense_refuses_the_upload(clamd: fs.FakeClamd, orgs: Orgs, nqsw: User) -> None:
    clamd.reply = lambda received: b"INSTREAM size limit exceeded. ERROR"
    with pytest.raises(FileRefused) as caught:
        fs.store(actor=nqsw, organisation=orgs.home)
    assert caught.value.messages == [SCANNER_DOWN]


@pytest.mark.django_db
def test_a_scanner_that_never_answers_refuses_the_upload(
    clamd: fs.FakeClamd, settings: Any, orgs: Orgs, nqsw: User
) -> None:
    clamd.silent = True
    settings.CLAMD_TIMEOUT = 0.5
    with pytest.raises(FileRefused) as caught:
        fs.store(actor=nqsw, organisation=orgs.home)
    assert caught.value.messages == [SCANNER_DOWN]


# --- Settings checks ------------------------------------------------------------------------------


def error_ids(settings: Any) -> list[str]:
    return [error.id for error in checks.private_files_settings(None)]


def test_the_settings_checks_pass_as_configured(settings: Any) -> None:
    assert error_ids(settings) == []


def test_private_files_may_not_live_under_a_public_folder(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.STORAGES = {
        **settings.STORAGES,
        "private": {
            "BACKEND": "academy.files.storage.PrivateFileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "media" / "private")},
        },
    }
    assert error_ids(settings) == ["academy.files.E003"]


def test_unknown_types_and_bad_scanner_addresses_are_reported(settings: Any) -> None:
    settings.PRIVATE_FILES_ALLOWED_TYPES = ["application/pdf", "application/x-msdownload"]
    settings.CLAMD_URL = "http://clamav"
    assert error_ids(settings) == ["academy.files.E004", "academy.files.E006"]
