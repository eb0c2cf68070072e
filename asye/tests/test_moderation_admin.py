"""The Django admin keeps the lock: an operator can look at a record whose year has ended, but
neither change nor delete it (nor its final decision), and there is no bulk delete that would
pass over the lock. While a record is open, what an operator changes is audited in its
organisation."""

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from academy.models import AuditEntry, User
from asye.models import AsyeRecord, RecordStatus
from conftest import seed_totp

pytestmark = pytest.mark.django_db


@pytest.fixture
def operator(db: Any) -> User:
    root = User.objects.create_superuser("asye-operator@example.test", "a-long-operator-password-2026")
    seed_totp(root)
    return root


def _change_form(record: AsyeRecord, operator_id: Any, **changes: Any) -> dict[str, Any]:
    data = {
        "organisation": record.organisation_id,
        "nqsw": record.nqsw_id,
        "assessor": record.assessor_id,
        "line_manager": record.line_manager_id,
        "team": record.team_id or "",
        "programme_version": record.programme_version_id,
        "service_area": record.service_area,
        "start_date": record.start_date.isoformat(),
        "fte": str(record.fte),
        "swe_number": record.swe_number,
        "status": record.status,
        "extension_shifts": "[]",
        "university": record.university,
        "date_qualified": record.date_qualified.isoformat() if record.date_qualified else "",
        "created_by": record.created_by_id or operator_id,
    }
    return {**data, **changes}


@pytest.mark.parametrize("status", [RecordStatus.COMPLETED, RecordStatus.FAILED, RecordStatus.WITHDRAWN])
def test_a_locked_record_is_read_only_in_the_admin(
    client: Client, operator: User, record: AsyeRecord, status: str
) -> None:
    AsyeRecord.objects.filter(pk=record.pk).update(status=status)
    record.refresh_from_db()
    client.force_login(operator)
    change_url = reverse("admin:asye_asyerecord_change", args=[record.pk])

    page = client.get(change_url)
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()  # view only: no save button

    assert client.post(change_url, _change_form(record, operator.pk, swe_number="SW999")).status_code == 403
    delete_url = reverse("admin:asye_asyerecord_delete", args=[record.pk])
    assert client.post(delete_url, {"post": "yes"}).status_code == 403
    record.refresh_from_db()
    assert record.swe_number != "SW999"
    assert AsyeRecord.objects.filter(pk=record.pk).exists()


def test_there_is_no_bulk_delete_of_records(client: Client, operator: User, record: AsyeRecord) -> None:
    client.force_login(operator)
    changelist = client.get(reverse("admin:asye_asyerecord_changelist")).content.decode()
    assert "delete_selected" not in changelist


def test_an_open_record_changed_in_the_admin_is_audited_in_its_organisation(
    client: Client, operator: User, record: AsyeRecord
) -> None:
    client.force_login(operator)
    response = client.post(
        reverse("admin:asye_asyerecord_change", args=[record.pk]),
        _change_form(record, operator.pk, swe_number="SW424242"),
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    record.refresh_from_db()
    assert record.swe_number == "SW424242"
    entry = AuditEntry.objects.get(object_id=str(record.pk), verb__endswith="change")
    assert entry.organisation_id == record.organisation_id
    assert entry.after["swe_number"] == "SW424242"
