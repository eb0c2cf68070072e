"""Liveness answers cheaply and to anyone; readiness tells the public only a status word and
the code, and operators (a superuser, or the HEALTH_TOKEN bearer) the whole report.

No Celery worker runs in these tests, so readiness is degraded here (503); tests/test_worker.py
shows it ready with a real worker."""

from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from academy.health import record_heartbeat, run_checks
from academy.models import User
from academy.tests.factories import TEST_PASSWORD
from conftest import seed_totp

LIVE = "academy:health_live"
READY = "academy:health_ready"
TOKEN = "a-long-random-operator-token"
DETAILS = {"database", "broker", "worker", "workers_responding", "beat", "beat_last_seen"}


class TestLiveness:
    def test_answers_without_touching_the_database(
        self, client: Client, django_assert_num_queries: Any, db: None
    ) -> None:
        with django_assert_num_queries(0):
            response = client.get(reverse(LIVE))
        assert response.status_code == 200
        assert response.json() == {"status": "ok"}
        assert "no-store" in response["Cache-Control"]

    def test_a_probe_by_address_over_plain_http_gets_an_answer(self, client: Client, settings: Any) -> None:
        """Load balancers probe a container's address, not the site's name, and over HTTP."""
        settings.ALLOWED_HOSTS = ["academy.example.org"]
        settings.SECURE_SSL_REDIRECT = True
        response = client.get(reverse(LIVE), HTTP_HOST="10.1.2.3:8000")
        assert response.status_code == 200
        # Any other page still insists on the site's name.
        assert client.get(reverse("academy:accessibility"), HTTP_HOST="10.1.2.3:8000").status_code == 400

    def test_head_answers_and_other_methods_are_refused(self, client: Client) -> None:
        assert client.head(reverse(LIVE)).status_code == 200
        assert client.post(reverse(LIVE)).status_code == 405


@pytest.mark.django_db
class TestReadiness:
    def test_the_public_sees_only_the_status_word(self, client: Client) -> None:
        response = client.get(reverse(READY))
        assert response.status_code == 503
        assert response.json() == {"status": "degraded"}

    def test_health_is_the_same_readiness_summary(self, client: Client) -> None:
        response = client.get(reverse("academy:health"))
        assert response.status_code == 503
        assert response.json() == {"status": "degraded"}

    def test_the_bearer_token_shows_the_report(self, client: Client, settings: Any) -> None:
        settings.HEALTH_TOKEN = TOKEN
        response = client.get(reverse(READY), HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
        assert response.status_code == 503
        body = response.json()
        assert set(body) >= DETAILS
        assert body["database"] == "ok"
        assert body["worker"] == "unavailable"

    @pytest.mark.parametrize(
        "authorization",
        [f"Bearer {TOKEN}x", f"Bearer {TOKEN[:-1]}", "Bearer ", f"Basic {TOKEN}", TOKEN],
    )
    def test_a_wrong_token_sees_only_the_status_word(
        self, client: Client, settings: Any, authorization: str
    ) -> None:
        settings.HEALTH_TOKEN = TOKEN
        response = client.get(reverse(READY), HTTP_AUTHORIZATION=authorization)
        assert response.json() == {"status": "degraded"}

    def test_no_token_configured_means_no_token_works(self, client: Client, settings: Any) -> None:
        settings.HEALTH_TOKEN = ""
        response = client.get(reverse(READY), HTTP_AUTHORIZATION="Bearer ")
        assert response.json() == {"status": "degraded"}

    def test_a_superuser_sees_the_report(self, client: Client) -> None:
        root = User.objects.create_superuser("root@example.test", TEST_PASSWORD)
        seed_totp(root)
        client.force_login(root)
        assert set(client.get(reverse(READY)).json()) >= DETAILS

    def test_a_superuser_without_two_factor_sees_only_the_status_word(self, client: Client) -> None:
        client.force_login(User.objects.create_superuser("root@example.test", TEST_PASSWORD))
        assert client.get(reverse(READY)).json() == {"status": "degraded"}

    def test_staff_roles_see_only_the_status_word(self, client: Client, academy_admin: User) -> None:
        client.force_login(academy_admin)
        assert client.get(reverse(READY)).json() == {"status": "degraded"}

    def test_post_is_refused(self, client: Client) -> None:
        assert client.post(reverse(READY)).status_code == 405


@pytest.mark.django_db
def test_beat_is_ready_while_its_heartbeat_is_recent() -> None:
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        assert run_checks()["beat"] == "unavailable"
        record_heartbeat()
    with time_machine.travel(start + timedelta(minutes=2), tick=False):
        assert run_checks()["beat"] == "ok"
    with time_machine.travel(start + timedelta(minutes=4), tick=False):
        report = run_checks()
        assert report["beat"] == "stale"
        assert report["status"] == "degraded"


@pytest.mark.django_db
def test_readiness_with_the_cache_down_is_a_503_report_not_an_error(client: Client, settings: Any) -> None:
    """Redis (the cache) unreachable: the report says so in its usual form rather than failing."""
    settings.HEALTH_TOKEN = TOKEN
    settings.CACHES = {
        **settings.CACHES,
        # Nothing listens on port 1; a changed CACHES gives fresh connections to it.
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
        },
    }
    response = client.get(reverse(READY), HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
    assert response.status_code == 503
    report = response.json()
    assert (report["status"], report["beat"], report["database"]) == ("degraded", "unavailable", "ok")
