"""Behind a proxy, sign-in limits count each real client, not the proxy.

The portal sits behind one proxy here (TRUSTED_PROXY_COUNT = 1): every request arrives from
the proxy's address, and the proxy appends the client's address to X-Forwarded-For. A client
may send its own X-Forwarded-For; the proxy appends to it, so only the last entry is trusted."""

from typing import Any

import pytest
from axes.models import AccessAttempt
from django.test import Client, RequestFactory
from django.urls import reverse

from academy.client_ip import client_ip
from academy.models import User
from academy.tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db

PROXY = "10.0.0.2"
ATTACKER = "198.51.100.7"
COLLEAGUE = "203.0.113.9"


def via_proxy(real_address: str, *, spoofed: str = "") -> dict[str, Any]:
    """What the proxy passes on for a request from `real_address` (which may have written its
    own X-Forwarded-For, `spoofed`)."""
    forwarded = f"{spoofed}, {real_address}" if spoofed else real_address
    return {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": forwarded}


def sign_in(client: Client, email: str, password: str, address: str, *, spoofed: str = "") -> Any:
    return client.post(
        reverse("account_login"),
        {"login": email, "password": password},
        **via_proxy(address, spoofed=spoofed),
    )


def signed_in(client: Client, address: str) -> bool:
    return client.get(reverse("academy:home"), **via_proxy(address)).status_code == 200


class TestClientAddress:
    def request(self, **meta: Any) -> Any:
        return RequestFactory().get("/", **meta)

    def test_without_trusted_proxies_the_header_is_ignored(self, settings: Any) -> None:
        settings.TRUSTED_PROXY_COUNT = 0
        assert client_ip(self.request(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=ATTACKER)) == PROXY

    def test_one_proxy_trusts_the_entry_it_wrote(self, settings: Any) -> None:
        settings.TRUSTED_PROXY_COUNT = 1
        request = self.request(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=f"192.0.2.1, {ATTACKER}")
        assert client_ip(request) == ATTACKER

    def test_two_proxies_skip_the_inner_one(self, settings: Any) -> None:
        settings.TRUSTED_PROXY_COUNT = 2
        request = self.request(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=f"192.0.2.1, {ATTACKER}, 10.0.0.9")
        assert client_ip(request) == ATTACKER

    def test_fewer_entries_than_proxies_uses_the_leftmost(self, settings: Any) -> None:
        settings.TRUSTED_PROXY_COUNT = 2
        assert client_ip(self.request(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=ATTACKER)) == ATTACKER

    def test_garbage_falls_back_to_the_connection_with_a_warning(self, settings: Any, caplog: Any) -> None:
        settings.TRUSTED_PROXY_COUNT = 1
        with caplog.at_level("WARNING", logger="academy.client_ip"):
            assert client_ip(self.request(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="not-an-ip")) == PROXY
        assert "'not-an-ip'" in caplog.text
        assert client_ip(self.request(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=" , ")) == PROXY

    @pytest.mark.parametrize(
        ("written", "client"),
        [
            (f"{ATTACKER}:5678", ATTACKER),
            ("[2001:db8::1]:443", "2001:db8::1"),
            ("[2001:db8::1]", "2001:db8::1"),
            ("2001:db8::1", "2001:db8::1"),
            ("2001:DB8:0::1", "2001:db8::1"),
        ],
    )
    def test_a_port_or_brackets_the_proxy_added_are_taken_off(
        self, settings: Any, written: str, client: str
    ) -> None:
        settings.TRUSTED_PROXY_COUNT = 1
        request = self.request(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=f"192.0.2.1, {written}")
        assert client_ip(request) == client


class TestAllauthLimitPerClient:
    """allauth's `10/m/ip` limit on failed sign-ins, counted per real client."""

    @pytest.fixture(autouse=True)
    def _behind_one_proxy(self, settings: Any) -> None:
        settings.TRUSTED_PROXY_COUNT = 1
        settings.AXES_ENABLED = True

    def guess_ten_times(self, client: Client) -> None:
        # Ten wrong passwords, each for a different address, so only the per-address limit bites.
        for number in range(10):
            email = f"guess-{number}@example.test"
            sign_in(client, email, "wrong-password", ATTACKER, spoofed=f"192.0.2.{number}")

    def test_ten_wrong_passwords_lock_out_that_client_only(self, nqsw: User, social_worker: User) -> None:
        attacker, colleague = Client(), Client()
        self.guess_ten_times(attacker)

        # The attacker is refused even with a right password, whatever first hop they write...
        sign_in(attacker, nqsw.email, TEST_PASSWORD, ATTACKER)
        sign_in(attacker, nqsw.email, TEST_PASSWORD, ATTACKER, spoofed=COLLEAGUE)
        assert not signed_in(attacker, ATTACKER)
        # ...while a colleague behind the same proxy signs in.
        sign_in(colleague, social_worker.email, TEST_PASSWORD, COLLEAGUE)
        assert signed_in(colleague, COLLEAGUE)

    def test_without_the_proxy_count_everyone_shares_the_lockout(
        self, settings: Any, social_worker: User
    ) -> None:
        """The failure the setting exists for: the proxy's address is all the portal sees."""
        settings.TRUSTED_PROXY_COUNT = 0
        attacker, colleague = Client(), Client()
        self.guess_ten_times(attacker)

        sign_in(colleague, social_worker.email, TEST_PASSWORD, COLLEAGUE)
        assert not signed_in(colleague, COLLEAGUE)


class TestAxesLockoutPerClient:
    """django-axes counts failures per email address and real client address."""

    @pytest.fixture(autouse=True)
    def _behind_one_proxy(self, settings: Any) -> None:
        settings.TRUSTED_PROXY_COUNT = 1
        settings.AXES_ENABLED = True
        settings.AXES_FAILURE_LIMIT = 5
        # allauth's own per-account limit would also refuse the colleague; lift it so this
        # test sees axes alone.
        settings.ACCOUNT_RATE_LIMITS = {"login_failed": "100/m/ip,100/m/key", "login": "100/m/ip"}

    def test_lockout_is_per_client_and_a_spoofed_hop_cannot_escape_it(self, nqsw: User) -> None:
        attacker, colleague = Client(), Client()
        for number in range(5):
            sign_in(attacker, nqsw.email, "wrong-password", ATTACKER, spoofed=f"192.0.2.{number}")

        assert AccessAttempt.objects.get().ip_address == ATTACKER
        locked = sign_in(attacker, nqsw.email, TEST_PASSWORD, ATTACKER)
        assert locked.status_code == 429
        spoofing = sign_in(attacker, nqsw.email, TEST_PASSWORD, ATTACKER, spoofed=COLLEAGUE)
        assert spoofing.status_code == 429
        assert not signed_in(attacker, ATTACKER)

        sign_in(colleague, nqsw.email, TEST_PASSWORD, COLLEAGUE)
        assert signed_in(colleague, COLLEAGUE)
