"""Large cohort imports, run by Celery tasks with progress: the file kept privately, checked in
the background, confirmed, imported in chunks; each task run twice changes nothing more."""

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from academy.files.models import StoredFile
from academy.models import Invitation
from asye.cohorts import jobs, views
from asye.cohorts.models import CohortImport
from asye.cohorts.reading import read_upload
from asye.cohorts.services import cohort_import_check
from asye.cohorts.tasks import cohort_import_check_task, cohort_import_run_task

from .cohort_support import csv_bytes, home_cohort, person_row

pytestmark = pytest.mark.django_db

ASSESSOR = "assessor@example.test"
MANAGER = "manager@example.test"


@pytest.fixture
def small_limits(monkeypatch: pytest.MonkeyPatch) -> None:
    """A file of more than 3 rows goes to the background; chunks of 2 rows."""
    monkeypatch.setattr(views, "MAX_ROWS", 3)
    monkeypatch.setattr(jobs, "CHUNK", 2)


@pytest.fixture
def cohort(orgs: Any, psw: Any, programme_types: None) -> Any:
    return home_cohort(orgs, psw)


def start(client: Client, cohort: Any, people: list[dict[str, str]], captured: Any) -> CohortImport:
    with captured(execute=False) as callbacks:
        response: Any = client.post(
            reverse("asye:cohort_import", args=[cohort.pk]),
            {"file": SimpleUploadedFile("big-intake.csv", csv_bytes(people))},
        )
    job = CohortImport.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("asye:cohort_import_job", args=[job.pk])
    assert len(callbacks) >= 1  # the check is asked for once the upload is committed
    return job


def test_a_large_file_is_checked_confirmed_and_imported_in_the_background(
    client: Client,
    psw: Any,
    cohort: Any,
    small_limits: None,
    django_capture_on_commit_callbacks: Any,
) -> None:
    client.force_login(psw)
    people = [person_row(n, assessor=ASSESSOR, manager=MANAGER) for n in range(1, 6)]
    job = start(client, cohort, people, django_capture_on_commit_callbacks)
    assert StoredFile.objects.filter(owner_kind=jobs.FILE_OWNER_KIND, owner_id=str(job.pk)).exists()
    page = client.get(reverse("asye:cohort_import_job", args=[job.pk])).content.decode()
    assert "Checking the file" in page
    assert 'http-equiv="refresh"' in page

    cohort_import_check_task(str(job.pk))
    cohort_import_check_task(str(job.pk))  # a doubled task does nothing
    job.refresh_from_db()
    assert job.status == CohortImport.Status.READY
    assert (job.rows_total, job.summary["counts"]["invite"]) == (5, 5)
    page = client.get(reverse("asye:cohort_import_job", args=[job.pk])).content.decode()
    assert "Confirm the import" in page
    assert not Invitation.objects.exists()

    with django_capture_on_commit_callbacks(execute=False):
        client.post(reverse("asye:cohort_import_job_confirm", args=[job.pk]))
    job.refresh_from_db()
    assert job.status == CohortImport.Status.IMPORTING
    cohort_import_run_task(str(job.pk))
    cohort_import_run_task(str(job.pk))
    job.refresh_from_db()
    assert job.status == CohortImport.Status.DONE
    assert job.rows_done == 5
    assert job.summary["result"]["invited"] == 5
    assert Invitation.objects.count() == 5
    assert cohort.entries.count() == 5
    assert job.file is None  # the file is not kept once imported
    assert "Imported" in client.get(reverse("asye:cohort_import_job", args=[job.pk])).content.decode()


def test_a_run_stopped_part_way_is_finished_by_running_it_again(
    client: Client, psw: Any, cohort: Any, small_limits: None, django_capture_on_commit_callbacks: Any
) -> None:
    client.force_login(psw)
    people = [person_row(n, assessor=ASSESSOR, manager=MANAGER) for n in range(1, 6)]
    job = start(client, cohort, people, django_capture_on_commit_callbacks)
    cohort_import_check_task(str(job.pk))
    # The worker imported the first chunk and died: the job is still IMPORTING.
    from asye.cohorts.services import cohort_import

    rows = read_upload(csv_bytes(people), name="big-intake.csv").rows
    cohort_import(actor=psw, cohort=cohort, rows=rows[:2], file_name="big-intake.csv")
    CohortImport.objects.filter(pk=job.pk).update(status=CohortImport.Status.IMPORTING)
    cohort_import_run_task(str(job.pk))
    job.refresh_from_db()
    assert job.status == CohortImport.Status.DONE
    assert (job.summary["result"]["invited"], job.summary["result"]["same"]) == (3, 2)
    assert Invitation.objects.count() == 5


def test_a_large_file_with_problems_lists_them_and_cannot_be_confirmed(
    client: Client, psw: Any, cohort: Any, small_limits: None, django_capture_on_commit_callbacks: Any
) -> None:
    client.force_login(psw)
    people = [person_row(n, assessor=ASSESSOR, manager=MANAGER) for n in range(1, 5)]
    people.append(person_row(9, assessor="nobody@example.test", manager=MANAGER))
    job = start(client, cohort, people, django_capture_on_commit_callbacks)
    cohort_import_check_task(str(job.pk))
    job.refresh_from_db()
    assert job.status == CohortImport.Status.INVALID
    page = client.get(reverse("asye:cohort_import_job", args=[job.pk])).content.decode()
    assert "<title>Error: " in page
    assert "Assessor email" in page
    client.post(reverse("asye:cohort_import_job_confirm", args=[job.pk]))
    job.refresh_from_db()
    assert job.status == CohortImport.Status.INVALID
    assert not Invitation.objects.exists()


def test_the_sibling_councils_psw_finds_no_job(
    client: Client,
    psw: Any,
    sibling_psw: Any,
    cohort: Any,
    small_limits: None,
    django_capture_on_commit_callbacks: Any,
) -> None:
    client.force_login(psw)
    job = start(
        client,
        cohort,
        [person_row(n, assessor=ASSESSOR, manager=MANAGER) for n in range(1, 6)],
        django_capture_on_commit_callbacks,
    )
    client.force_login(sibling_psw)
    assert client.get(reverse("asye:cohort_import_job", args=[job.pk])).status_code == 404
    assert client.post(reverse("asye:cohort_import_job_confirm", args=[job.pk])).status_code == 404
    assert job.file is not None
    download = client.get(reverse("academy:files:download", args=[job.file.pk]))
    assert download.status_code == 404


def test_ten_thousand_rows_are_checked_in_a_fixed_number_of_queries(
    psw: Any, cohort: Any, django_assert_max_num_queries: Any
) -> None:
    people = [person_row(n, assessor=ASSESSOR, manager=MANAGER) for n in range(1, 10_001)]
    read = read_upload(csv_bytes(people), name="region.csv", max_rows=10_000)
    with django_assert_max_num_queries(12):
        plan = cohort_import_check(actor=psw, cohort=cohort, rows=read.rows)
    assert plan.is_clean
    assert len(plan.rows) == 10_000
