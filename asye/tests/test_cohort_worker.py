"""A large cohort import end to end through a real Celery worker against real Redis: the upload
asks for the check on commit, the page shows it ready, confirming imports it in chunks."""

import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from celery.contrib.testing.worker import start_worker
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from academy.celery import app
from academy.models import Invitation
from asye.cohorts import jobs, views
from asye.cohorts.models import CohortImport

from .cohort_support import csv_bytes, home_cohort, person_row


@pytest.fixture
def celery_worker(transactional_db: None) -> Iterator[Any]:
    app.control.purge()
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10) as worker:
        yield worker


def wait_for(condition: Callable[[], bool], *, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    raise AssertionError("The worker did not finish in time.")


def status_is(job: CohortImport, status: str) -> Callable[[], bool]:
    return lambda: CohortImport.objects.filter(pk=job.pk, status=status).exists()


def test_a_large_import_runs_on_the_worker(
    client: Client,
    psw: Any,
    orgs: Any,
    programme_types: None,
    celery_worker: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(views, "MAX_ROWS", 3)
    monkeypatch.setattr(jobs, "CHUNK", 2)
    cohort = home_cohort(orgs, psw)
    people = [
        person_row(n, assessor="assessor@example.test", manager="manager@example.test") for n in range(5)
    ]
    client.force_login(psw)
    client.post(
        reverse("asye:cohort_import", args=[cohort.pk]),
        {"file": SimpleUploadedFile("region.csv", csv_bytes(people))},
    )
    job = CohortImport.objects.get()
    wait_for(status_is(job, CohortImport.Status.READY))
    client.post(reverse("asye:cohort_import_job_confirm", args=[job.pk]))
    wait_for(status_is(job, CohortImport.Status.DONE))
    job.refresh_from_db()
    assert job.rows_done == 5
    assert Invitation.objects.filter(organisation=orgs.home).count() == 5
