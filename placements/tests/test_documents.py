"""The learning agreement meeting, the midway review, direct observations and the final report:
written by the practice educator, signed by the parties, read-only once signed; only a stage 2
educator signs off a final placement."""

import datetime
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from academy.models import AuditEntry
from academy.tests.factories import TeamFactory, UserFactory
from conftest import Orgs
from placements import services
from placements.models import (
    DocumentKind,
    EducatorStage,
    Placement,
    PlacementDocument,
    PlacementKind,
    PlacementSignature,
)
from placements.tests.factories import PlacementDocumentFactory, PlacementFactory, PracticeEducatorFactory

pytestmark = pytest.mark.django_db

START = datetime.date(2027, 1, 11)


def _placement(
    orgs: Orgs, student: Any, tutor: Any, educator_user: Any, *, kind: str, stage: str
) -> Placement:
    educator = PracticeEducatorFactory(user=educator_user, organisation=orgs.home, stage=stage)
    return PlacementFactory(
        offer__team=TeamFactory(organisation=orgs.home),
        offer__request__partnership__university=orgs.university,
        offer__request__kind=kind,
        kind=kind,
        educator=educator,
        student=student,
        tutor=tutor,
        starts_on=START,
        ends_on=datetime.date(2027, 5, 28),
    )


@pytest.fixture
def placement(orgs: Orgs, student: Any, tutor: Any, practice_educator: Any) -> Placement:
    return _placement(
        orgs, student, tutor, practice_educator, kind=PlacementKind.FIRST, stage=EducatorStage.STAGE_1
    )


def _form(day: datetime.date, **extra: str) -> dict[str, Any]:
    return {"held_on_0": day.day, "held_on_1": day.month, "held_on_2": day.year, **extra}


def test_educator_records_the_midway_review_and_the_parties_sign_it(
    client: Any, placement: Placement, practice_educator: Any, student: Any, tutor: Any
) -> None:
    client.force_login(practice_educator)
    url = reverse("placements:document_add", args=[placement.pk, "midway_review"])
    response = client.post(
        url, _form(datetime.date(2027, 3, 15), summary="On track", learning_needs="Court skills")
    )
    document = PlacementDocument.objects.get()
    assert response.status_code == 302
    assert (document.kind, document.summary, document.learning_needs, document.recommendation) == (
        "midway_review",
        "On track",
        "Court skills",
        "",
    )
    assert AuditEntry.objects.filter(verb="placements.placement_document_create").count() == 1
    # Only one midway review per placement.
    again = client.post(url, _form(datetime.date(2027, 3, 16), summary="Again"))
    assert again.status_code == 200
    assert "already has its midway review" in again.content.decode()

    page_url = reverse("placements:document", args=[placement.pk, document.pk])
    for person, capacity in ((practice_educator, "educator"), (student, "student"), (tutor, "tutor")):
        client.force_login(person)
        page = client.get(page_url)
        assert page.status_code == 200
        assert f'value="{capacity}"' in page.content.decode()
        signed = client.post(
            reverse("placements:document_sign", args=[placement.pk, document.pk]), {"capacity": capacity}
        )
        assert signed.status_code == 302
    assert set(PlacementSignature.objects.values_list("capacity", flat=True)) == {
        "educator",
        "student",
        "tutor",
    }
    client.force_login(student)
    page = client.get(reverse("placements:placement", args=[placement.pk])).content.decode()
    assert "Midway review" in page
    assert ">Signed<" in page


def test_a_signed_record_is_read_only(placement: Placement, practice_educator: Any, student: Any) -> None:
    document = PlacementDocumentFactory(placement=placement)
    services.placement_document_update(
        actor=practice_educator, document=document, summary="Changed before signing"
    )
    services.placement_document_sign(actor=student, document=document, capacity="student")
    with pytest.raises(ValidationError, match="can no longer be changed"):
        services.placement_document_update(
            actor=practice_educator, document=document, summary="Changed after"
        )
    document.refresh_from_db()
    assert document.summary == "Changed before signing"


def test_the_edit_link_goes_once_signed(
    client: Any, placement: Placement, practice_educator: Any, student: Any
) -> None:
    document = PlacementDocumentFactory(placement=placement)
    client.force_login(practice_educator)
    url = reverse("placements:document", args=[placement.pk, document.pk])
    assert "Change this record" in client.get(url).content.decode()
    services.placement_document_sign(actor=student, document=document, capacity="student")
    assert "Change this record" not in client.get(url).content.decode()
    edit = client.post(
        reverse("placements:document_edit", args=[placement.pk, document.pk]),
        _form(START, summary="New words"),
    )
    assert edit.status_code == 200
    assert "can no longer be changed" in edit.content.decode()


def test_nobody_signs_in_someone_elses_capacity_or_twice(
    placement: Placement, practice_educator: Any, student: Any, tutor: Any
) -> None:
    document = PlacementDocumentFactory(placement=placement)
    with pytest.raises(ValidationError, match="not the practice educator"):
        services.placement_document_sign(actor=student, document=document, capacity="educator")
    with pytest.raises(ValidationError, match="not signed in that capacity"):
        services.placement_document_sign(actor=student, document=document, capacity="supervisor")
    services.placement_document_sign(actor=tutor, document=document, capacity="tutor")
    with pytest.raises(ValidationError, match="already signed"):
        services.placement_document_sign(actor=tutor, document=document, capacity="tutor")


def test_an_observation_is_signed_by_the_student_and_the_educator_only(
    client: Any, placement: Placement, tutor: Any
) -> None:
    document = PlacementDocumentFactory(placement=placement, kind=DocumentKind.OBSERVATION)
    client.force_login(tutor)
    response = client.post(
        reverse("placements:document_sign", args=[placement.pk, document.pk]), {"capacity": "tutor"}
    )
    assert response.status_code == 403
    assert not PlacementSignature.objects.exists()


def test_observations_are_counted_against_the_required_number(
    client: Any, placement: Placement, practice_educator: Any, settings: Any
) -> None:
    settings.PLACEMENTS_OBSERVATIONS_REQUIRED = {"first": 2, "final": 3}
    client.force_login(practice_educator)
    url = reverse("placements:document_add", args=[placement.pk, "observation"])
    for day in (datetime.date(2027, 2, 1), datetime.date(2027, 2, 8)):
        assert client.post(url, _form(day, summary="Home visit observed")).status_code == 302
    page = client.get(reverse("placements:placement", args=[placement.pk])).content.decode()
    assert "2 of 2 direct observations recorded" in page
    # Observations may be more than the required number; other records once only.
    assert "Record a direct observation" in page


def test_a_record_dates_within_the_placement(placement: Placement, practice_educator: Any) -> None:
    with pytest.raises(ValidationError, match="within the placement"):
        services.placement_document_create(
            actor=practice_educator,
            placement=placement,
            kind=DocumentKind.LEARNING_AGREEMENT,
            held_on=START - datetime.timedelta(days=1),
            summary="Agreed",
        )


def test_the_final_report_needs_a_recommendation(
    client: Any, placement: Placement, practice_educator: Any
) -> None:
    client.force_login(practice_educator)
    url = reverse("placements:document_add", args=[placement.pk, "final_report"])
    response = client.post(url, _form(datetime.date(2027, 5, 20), summary="Capable practitioner"))
    assert response.status_code == 200
    assert "Choose your recommendation" in response.content.decode()
    response = client.post(url, _form(datetime.date(2027, 5, 20), summary="Capable", recommendation="pass"))
    assert response.status_code == 302
    assert PlacementDocument.objects.get().recommendation == "pass"


@pytest.mark.parametrize(
    ("kind", "stage", "allowed"),
    [
        (PlacementKind.FINAL, EducatorStage.STAGE_1, False),
        (PlacementKind.FINAL, EducatorStage.TRAINEE, False),
        (PlacementKind.FINAL, EducatorStage.STAGE_2, True),
        (PlacementKind.FIRST, EducatorStage.STAGE_1, True),
    ],
)
def test_only_a_stage_2_educator_signs_off_a_final_placement(
    orgs: Orgs, student: Any, tutor: Any, kind: str, stage: str, allowed: bool
) -> None:
    educator_user = UserFactory()
    placement = _placement(orgs, student, tutor, educator_user, kind=kind, stage=stage)
    report = PlacementDocumentFactory(
        placement=placement,
        kind=DocumentKind.FINAL_REPORT,
        recommendation="pass",
        held_on=datetime.date(2027, 5, 20),
    )
    if allowed:
        services.placement_document_sign(actor=educator_user, document=report, capacity="educator")
        assert PlacementSignature.objects.filter(document=report, capacity="educator").exists()
    else:
        with pytest.raises(ValidationError, match="Only a stage 2 practice educator"):
            services.placement_document_sign(actor=educator_user, document=report, capacity="educator")
        assert not PlacementSignature.objects.exists()
    # The other records of a final placement are signed by any stage of educator.
    review = PlacementDocumentFactory(placement=placement, kind=DocumentKind.MIDWAY_REVIEW)
    services.placement_document_sign(actor=educator_user, document=review, capacity="educator")
