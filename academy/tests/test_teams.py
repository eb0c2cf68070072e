from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from academy.models import AuditEntry, Team
from conftest import Orgs

pytestmark = pytest.mark.django_db


def test_psw_adds_a_team_and_it_is_audited(client: Client, psw: Any, orgs: Orgs) -> None:
    client.force_login(psw)
    response = client.post(
        reverse("academy:teams"),
        {"organisation": orgs.home.pk, "name": "Hospital Social Work", "service_area": "adults"},
    )
    assert response.status_code == 302
    team = Team.objects.get(name="Hospital Social Work")
    assert team.organisation == orgs.home
    assert AuditEntry.objects.filter(verb="team.create", object_id=str(team.pk), actor=psw).exists()
    assert b"Hospital Social Work" in client.get(reverse("academy:teams")).content


def test_duplicate_team_name_is_refused_and_input_kept(client: Client, psw: Any, orgs: Orgs) -> None:
    Team.objects.create(organisation=orgs.home, name="Duty Team", service_area="adults")
    client.force_login(psw)
    response = client.post(
        reverse("academy:teams"),
        {"organisation": orgs.home.pk, "name": "Duty Team", "service_area": "adults"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "<title>Error: " in html
    assert 'value="Duty Team"' in html
    assert Team.objects.filter(name="Duty Team").count() == 1


def test_outsider_cannot_add_a_team_to_another_organisation(
    client: Client, outsider: Any, orgs: Orgs
) -> None:
    client.force_login(outsider)
    response = client.post(
        reverse("academy:teams"), {"organisation": orgs.home.pk, "name": "Sneaky", "service_area": "adults"}
    )
    assert response.status_code == 200
    assert not Team.objects.filter(name="Sneaky").exists()


def test_outsider_does_not_see_other_organisations_teams(client: Client, outsider: Any, orgs: Orgs) -> None:
    Team.objects.create(organisation=orgs.home, name="Home Only Team", service_area="adults")
    client.force_login(outsider)
    assert b"Home Only Team" not in client.get(reverse("academy:teams")).content


def test_a_concurrent_duplicate_team_gets_the_validation_message(
    psw: Any, orgs: Orgs, monkeypatch: pytest.MonkeyPatch
) -> None:
    from django.core.exceptions import ValidationError

    from academy import services

    # Validation passes (no duplicate yet); then the row appears before the insert, as it would
    # from a second request. The database constraint decides, and the person gets a message.
    original_clean = Team.full_clean

    def clean_then_race(self: Team, *args: Any, **kwargs: Any) -> None:
        original_clean(self, *args, **kwargs)
        Team.objects.create(organisation=orgs.home, name="Raced", service_area="adults")

    monkeypatch.setattr(Team, "full_clean", clean_then_race)
    with pytest.raises(ValidationError) as raised:
        services.team_create(actor=psw, organisation=orgs.home, name="Raced", service_area="adults")
    assert "already has a team" in str(raised.value)
