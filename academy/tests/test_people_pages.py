from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from academy.models import Membership
from academy.roles import Role

pytestmark = pytest.mark.django_db


def test_role_form_starts_on_the_current_role(client: Client, psw: Any, social_worker: Any) -> None:
    membership = Membership.objects.get(user=social_worker)
    client.force_login(psw)
    html = client.get(reverse("academy:membership", args=[membership.pk])).content.decode()
    assert '<option value="social_worker" selected>' in html


def test_sending_the_same_role_changes_nothing_and_says_so(
    client: Client, psw: Any, social_worker: Any
) -> None:
    membership = Membership.objects.get(user=social_worker)
    client.force_login(psw)
    response = client.post(
        reverse("academy:membership_role", args=[membership.pk]), {"role": Role.SOCIAL_WORKER}, follow=True
    )
    assert b"nothing changed" in response.content
    membership.refresh_from_db()
    assert membership.role == Role.SOCIAL_WORKER


def test_a_real_change_names_both_roles(client: Client, psw: Any, social_worker: Any) -> None:
    membership = Membership.objects.get(user=social_worker)
    client.force_login(psw)
    response = client.post(
        reverse("academy:membership_role", args=[membership.pk]), {"role": Role.LINE_MANAGER}, follow=True
    )
    assert b"role changed from Social worker to Line manager" in response.content


def test_deactivation_asks_first(client: Client, psw: Any, nqsw: Any) -> None:
    membership = Membership.objects.get(user=nqsw)
    client.force_login(psw)
    page = client.get(reverse("academy:membership_deactivate", args=[membership.pk]))
    assert b"Are you sure you want to deactivate" in page.content
    membership.refresh_from_db()
    assert membership.is_active is True  # looking at the question changes nothing


def test_errors_name_the_field(client: Client, psw: Any) -> None:
    client.force_login(psw)
    html = client.post(reverse("academy:invite"), {}).content.decode()
    assert "Enter their full name" in html
    assert "Enter their email address" in html
    assert "Choose a role" in html
    assert "This field is required" not in html
