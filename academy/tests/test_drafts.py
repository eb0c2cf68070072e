"""Drafts that save themselves (academy/drafts/): the services and selectors, the save and
discard requests, the template tag, and the invitation form as their first user."""

import json
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.http import Http404
from django.template import Context, Template
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone

from academy.drafts import selectors, services
from academy.drafts.models import FormDraft
from academy.drafts.services import DraftConflict, DraftTooLarge
from academy.drafts.tasks import drafts_sweep
from academy.drafts.web import draft_initial
from academy.idle_timeout import LAST_ACTIVITY_KEY
from academy.models import User
from academy.roles import Role
from academy.schedules import declared
from academy.testing.isolation import COLLEAGUE, SIBLING, UNRELATED, IsolationCheck, plant
from academy.tests.factories import MembershipFactory, UserFactory
from conftest import Orgs

pytestmark = pytest.mark.django_db

SAVE = reverse("academy:draft_save")
DISCARD = reverse("academy:draft_discard")
INVITE = reverse("academy:invite")
KEY = "asye:evidence:new:reflection"
JSON_HEADERS: dict[str, Any] = {"HTTP_ACCEPT": "application/json"}


@pytest.fixture
def person(orgs: Orgs) -> User:
    user = UserFactory(full_name="Dee Writer")
    MembershipFactory(user=user, organisation=orgs.home, role=Role.NQSW)
    return user


@pytest.fixture
def other(orgs: Orgs) -> User:
    user = UserFactory(full_name="Olu Colleague")
    MembershipFactory(user=user, organisation=orgs.home, role=Role.NQSW)
    return user


def save(user: User, data: dict[str, Any], version: int = 0, writer: str = "", key: str = KEY) -> FormDraft:
    return services.draft_save(user=user, key=key, data=data, version=version, writer=writer)


def post_json(client: Client, body: object, **extra: Any) -> Any:
    return client.post(SAVE, data=json.dumps(body), content_type="application/json", **JSON_HEADERS, **extra)


# --- Services -----------------------------------------------------------------------------------


def test_each_save_moves_the_version_on(person: User) -> None:
    first = save(person, {"title": "Home visit"})
    second = save(person, {"title": "Home visit with Sam"}, version=first.version)

    assert (first.version, second.version) == (1, 2)
    assert FormDraft.objects.get(user=person, key=KEY).data == {"title": "Home visit with Sam"}


def test_a_save_on_a_version_another_tab_moved_past_is_refused(person: User) -> None:
    save(person, {"title": "From tab A"}, writer="tab-a")
    save(person, {"title": "From tab B"}, version=1, writer="tab-b")

    with pytest.raises(DraftConflict) as refused:
        save(person, {"title": "Tab A again"}, version=1, writer="tab-a")

    assert refused.value.draft.version == 2
    assert FormDraft.objects.get(user=person, key=KEY).data == {"title": "From tab B"}


def test_the_same_tab_may_save_over_its_own_unheard_save(person: User) -> None:
    """A save sent as the page was hidden may land without the page hearing the new version."""
    save(person, {"title": "Typed"}, writer="tab-a")
    save(person, {"title": "Typed, then hidden"}, version=1, writer="tab-a")  # answer lost

    draft = save(person, {"title": "Typed, hidden, back"}, version=1, writer="tab-a")

    assert draft.version == 3


def test_the_same_words_from_another_tab_are_no_conflict(person: User) -> None:
    """A tab closed as another opened: its last save and the new tab's copy say the same."""
    save(person, {"title": "Typed"}, writer="tab-a")
    save(person, {"title": "Typed, then closed"}, version=1, writer="tab-a")

    draft = save(person, {"title": "Typed, then closed"}, version=1, writer="tab-b")

    assert (draft.version, draft.writer) == (2, "tab-a")
    with pytest.raises(DraftConflict):
        save(person, {"title": "Something else"}, version=1, writer="tab-b")


def test_without_a_writer_only_the_version_decides(person: User) -> None:
    save(person, {"title": "One"})
    save(person, {"title": "Two"}, version=1)
    with pytest.raises(DraftConflict):
        save(person, {"title": "Three"}, version=1)


def test_a_draft_over_the_size_limit_is_refused(person: User, settings: Any) -> None:
    settings.DRAFTS_MAX_BYTES = 1000
    save(person, {"text": "x" * 900})
    with pytest.raises(DraftTooLarge):
        save(person, {"text": "x" * 1001}, version=1)
    assert FormDraft.objects.get(user=person, key=KEY).data == {"text": "x" * 900}


def test_secret_looking_fields_are_never_kept(person: User) -> None:
    draft = save(
        person,
        {"title": "Kept", "password1": "hunter2hunter2", "csrfmiddlewaretoken": "abc", "otp_code": "123456"},
    )
    assert draft.data == {"title": "Kept"}


@pytest.mark.parametrize(
    ("key", "data"),
    [
        ("no-colon", {}),
        ("Asye:evidence", {}),
        ("asye:evidence:" + "x" * 200, {}),
        (KEY, ["not", "a", "dict"]),
        (KEY, {"title": 3}),
        (KEY, {"choices": ["a", 2]}),
        (KEY, {"": "no name"}),
    ],
)
def test_nonsense_is_refused(person: User, key: str, data: Any) -> None:
    with pytest.raises(ValidationError):
        services.draft_save(user=person, key=key, data=data, version=0)
    assert not FormDraft.objects.exists()


def test_draft_key_builds_a_checked_key() -> None:
    assert services.draft_key("asye", "evidence", "new", "reflection") == KEY
    with pytest.raises(ValidationError):
        services.draft_key("asye evidence")


def test_discarding_empties_the_draft_and_refuses_saves_made_before(person: User) -> None:
    save(person, {"title": "Sent"}, writer="tab-a")

    services.draft_discard(user=person, key=KEY)

    draft = FormDraft.objects.get(user=person, key=KEY)
    assert (draft.data, draft.version) == ({}, 2)
    # A save still on its way from the page that sent the form does not bring the words back.
    with pytest.raises(DraftConflict) as refused:
        save(person, {"title": "Sent"}, version=1, writer="tab-a")
    assert refused.value.draft.is_empty


def test_discarding_a_form_never_saved_leaves_a_marker(person: User) -> None:
    """The page's own copy (typed on version 0 while offline) must not come back after sending."""
    services.draft_discard(user=person, key=KEY)
    services.draft_discard(user=person, key=KEY)

    draft = FormDraft.objects.get(user=person, key=KEY)
    assert draft.is_empty
    assert draft.version == 2
    with pytest.raises(DraftConflict):
        save(person, {"title": "Offline copy"}, version=0)


# --- Selectors: only the person's own drafts ----------------------------------------------------


def test_a_person_gets_only_their_own_draft(person: User, other: User) -> None:
    save(person, {"title": "Mine"})
    save(other, {"title": "Theirs"})

    assert selectors.draft_get_for_user(user=person, key=KEY).data == {"title": "Mine"}
    assert selectors.draft_for_user(user=other, key=KEY).data == {"title": "Theirs"}  # type: ignore[union-attr]


def test_someone_elses_key_is_not_found(person: User, other: User) -> None:
    save(person, {"title": "Mine"}, key="asye:evidence:only-mine")

    with pytest.raises(Http404):
        selectors.draft_get_for_user(user=other, key="asye:evidence:only-mine")
    assert selectors.draft_for_user(user=other, key="asye:evidence:only-mine") is None


def test_an_emptied_draft_is_not_found(person: User) -> None:
    save(person, {"title": "Sent"})
    services.draft_discard(user=person, key=KEY)
    with pytest.raises(Http404):
        selectors.draft_get_for_user(user=person, key=KEY)


# --- The sweep ----------------------------------------------------------------------------------


@pytest.fixture
def clock() -> Iterator[Any]:
    with time_machine.travel(
        datetime(2027, 3, 1, 9, 0, tzinfo=timezone.get_current_timezone()), tick=False
    ) as t:
        yield t


def test_the_sweep_removes_drafts_unchanged_for_the_kept_days(
    person: User, other: User, clock: Any, settings: Any
) -> None:
    settings.DRAFTS_KEEP_DAYS = 30
    save(person, {"title": "Old"})
    services.draft_discard(user=other, key=KEY)  # an emptied one goes too
    clock.shift(timedelta(days=20))
    save(person, {"title": "Still being written"}, key="asye:evidence:recent")
    clock.shift(timedelta(days=10, minutes=1))

    first = services.drafts_sweep()
    second = services.drafts_sweep()

    assert (first.removed, second.removed) == (2, 0)
    assert list(FormDraft.objects.values_list("key", flat=True)) == ["asye:evidence:recent"]


def test_the_sweep_task_runs_twice_harmlessly(person: User, clock: Any, settings: Any) -> None:
    save(person, {"title": "Old"})
    clock.shift(timedelta(days=settings.DRAFTS_KEEP_DAYS + 1))
    assert drafts_sweep.apply().get() == 1
    assert drafts_sweep.apply().get() == 0


def test_the_sweep_runs_daily_from_beat() -> None:
    sweep = {p.name: p for p in declared()}["academy:drafts-sweep"]
    assert sweep.task == "academy.drafts.tasks.drafts_sweep"
    assert sweep.every_seconds == 24 * 60 * 60


# --- The save request ---------------------------------------------------------------------------


@pytest.fixture
def signed_in(client: Client, person: User) -> Client:
    client.force_login(person)
    return client


def test_a_save_answers_the_version_and_time(signed_in: Client, person: User) -> None:
    response = post_json(signed_in, {"key": KEY, "version": 0, "writer": "tab-a", "data": {"title": "Hi"}})

    assert response.status_code == 200
    answer = response.json()
    assert answer["version"] == 1
    assert answer["saved_at_label"] == f"{timezone.localtime():%H:%M}"
    draft = FormDraft.objects.get(user=person, key=KEY)
    assert draft.writer == "tab-a"
    assert draft.organisation is not None
    assert draft.organisation.name == person.memberships.get().organisation.name


def test_a_stale_save_is_409_with_the_stored_version(signed_in: Client, person: User) -> None:
    save(person, {"title": "Other tab"}, writer="tab-b")
    save(person, {"title": "Other tab again"}, version=1, writer="tab-b")

    response = post_json(signed_in, {"key": KEY, "version": 1, "writer": "tab-a", "data": {"title": "Mine"}})

    assert response.status_code == 409
    assert response.json()["version"] == 2
    assert response.json()["message"] == "This form was changed in another tab or window."
    assert FormDraft.objects.get(user=person, key=KEY).data == {"title": "Other tab again"}


def test_a_signed_out_save_is_401_json(client: Client) -> None:
    response = post_json(client, {"key": KEY, "version": 0, "data": {"title": "Lost?"}})
    assert response.status_code == 401
    assert response.json()["signed_in"] is False
    assert not FormDraft.objects.exists()


def test_a_session_that_timed_out_is_401_json(signed_in: Client, settings: Any) -> None:
    start = timezone.now()
    with time_machine.travel(start, tick=False) as traveller:
        assert signed_in.get(reverse("academy:home")).status_code == 200
        traveller.shift(timedelta(minutes=settings.SESSION_IDLE_MINUTES + 1))
        response = post_json(signed_in, {"key": KEY, "version": 0, "data": {"title": "Too late"}})
    assert response.status_code == 401
    assert not FormDraft.objects.exists()


def test_saving_counts_as_activity(signed_in: Client, settings: Any) -> None:
    """Typing is activity: a person writing for longer than the idle time stays signed in."""
    settings.SESSION_IDLE_MINUTES = 30
    start = timezone.now()
    with time_machine.travel(start, tick=False) as traveller:
        assert signed_in.get(reverse("academy:home")).status_code == 200
        version = 0
        for _ in range(3):  # 60 minutes of writing, saved every 20
            traveller.shift(timedelta(minutes=20))
            response = post_json(signed_in, {"key": KEY, "version": version, "data": {"t": str(version)}})
            assert response.status_code == 200
            version = response.json()["version"]
        assert signed_in.session[LAST_ACTIVITY_KEY] == pytest.approx(timezone.now().timestamp())
        assert signed_in.get(reverse("academy:home")).status_code == 200


def test_a_save_needs_the_csrf_token(person: User) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(person)
    client.get(INVITE)  # any page: sets the CSRF cookie
    body = {"key": KEY, "version": 0, "data": {"title": "Hi"}}

    assert post_json(client, body).status_code == 403
    token = client.cookies["csrftoken"].value
    assert post_json(client, body, HTTP_X_CSRFTOKEN=token).status_code == 200


def test_a_beacon_carries_the_token_in_its_body(person: User) -> None:
    """A form body (navigator.sendBeacon, or a page without fetch) with the token as a field."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(person)
    client.get(INVITE)
    fields = {"key": KEY, "version": "0", "writer": "tab-a", "data": json.dumps({"title": "Beacon"})}

    assert client.post(SAVE, fields).status_code == 403
    response = client.post(SAVE, {**fields, "csrfmiddlewaretoken": client.cookies["csrftoken"].value})
    assert response.status_code == 200
    assert FormDraft.objects.get(user=person, key=KEY).data == {"title": "Beacon"}


def test_a_save_from_another_site_is_refused(signed_in: Client) -> None:
    body = {"key": KEY, "version": 0, "data": {"title": "Hi"}}
    assert post_json(signed_in, body, HTTP_SEC_FETCH_SITE="cross-site").status_code == 403
    assert post_json(signed_in, body, HTTP_SEC_FETCH_SITE="same-site").status_code == 403
    assert not FormDraft.objects.exists()
    assert post_json(signed_in, body, HTTP_SEC_FETCH_SITE="same-origin").status_code == 200


def test_a_save_too_large_is_413(signed_in: Client, settings: Any) -> None:
    settings.DRAFTS_MAX_BYTES = 200_000
    huge = {"key": KEY, "version": 0, "data": {"text": "x" * 210_000}}
    assert post_json(signed_in, huge).status_code == 413
    # Under the request's limit (which leaves room for the key and version), over the draft's.
    just = {"key": KEY, "version": 0, "data": {"text": "x" * 201_000}}
    response = post_json(signed_in, just)
    assert response.status_code == 413
    assert response.json()["message"] == "This draft is too large to save (201 KB; the limit is 200 KB)."
    assert not FormDraft.objects.exists()


@pytest.mark.parametrize(
    "body",
    [
        b"not json",
        b"[1, 2]",
        b'{"key": "asye:evidence:x", "version": "three", "data": {}}',
        b'{"key": "bad key", "version": 0, "data": {}}',
        b'{"key": "asye:evidence:x", "version": 0, "data": "text"}',
    ],
)
def test_nonsense_is_400(signed_in: Client, body: bytes) -> None:
    response = signed_in.post(SAVE, data=body, content_type="application/json", **JSON_HEADERS)
    assert response.status_code == 400
    assert not FormDraft.objects.exists()


def test_saving_too_often_is_429(signed_in: Client, settings: Any) -> None:
    settings.DRAFTS_SAVES_PER_MINUTE = 3
    with time_machine.travel(timezone.now().replace(second=5), tick=False):
        codes = []
        version = 0
        for n in range(4):
            response = post_json(signed_in, {"key": KEY, "version": version, "data": {"t": str(n)}})
            codes.append(response.status_code)
            version = response.json().get("version", version)
    assert codes == [200, 200, 200, 429]
    assert response["Retry-After"] == "60"


def test_get_on_save_and_discard_is_405(signed_in: Client) -> None:
    assert signed_in.get(SAVE).status_code == 405
    assert signed_in.get(DISCARD).status_code == 405


# --- Discard ------------------------------------------------------------------------------------


def test_discard_forgets_the_draft_and_goes_back(signed_in: Client, person: User) -> None:
    save(person, {"full_name": "Half typed"}, key="academy:invite")

    response = signed_in.post(DISCARD, {"key": "academy:invite", "next": INVITE})

    assert response.status_code == 302
    assert response["Location"] == INVITE
    assert FormDraft.objects.get(user=person, key="academy:invite").is_empty


def test_discard_goes_nowhere_else(signed_in: Client, person: User) -> None:
    save(person, {"full_name": "Half typed"})
    response = signed_in.post(DISCARD, {"key": KEY, "next": "https://elsewhere.example/"})
    assert response["Location"] == "/"


def test_discarding_someone_elses_key_is_404_and_keeps_their_draft(
    client: Client, person: User, other: User
) -> None:
    save(person, {"title": "Mine"})
    client.force_login(other)

    assert client.post(DISCARD, {"key": KEY, "next": "/"}).status_code == 404
    assert FormDraft.objects.get(user=person, key=KEY).data == {"title": "Mine"}


# --- The invitation form, the first form that saves itself --------------------------------------


@pytest.fixture
def psw_client(client: Client, psw: User) -> Client:
    client.force_login(psw)
    return client


def initial_json(html: str, key: str = "academy:invite") -> dict[str, Any]:
    element_id = "autosave-" + "".join(c if c.isalnum() else "-" for c in key) + "-initial"
    start = html.index(f'<script id="{element_id}" type="application/json">')
    start = html.index(">", start) + 1
    return json.loads(html[start : html.index("</script>", start)])


def test_the_invitation_form_comes_back_from_its_draft(psw_client: Client, psw: User) -> None:
    services.draft_save(user=psw, key="academy:invite", data={"full_name": "Nadia Drafted"}, version=0)

    html = psw_client.get(INVITE).content.decode()

    assert 'value="Nadia Drafted"' in html
    assert "We restored what you were writing on" in html
    assert 'action="' + DISCARD + '"' in html
    initial = initial_json(html)
    assert initial["version"] == 1
    assert initial["fill"] is False
    assert 'src="/static/academy/autosave.js"' in html
    assert 'data-keep-typed="off"' in html  # the idle time-out script leaves it to autosave


def test_a_form_without_a_draft_has_no_banner(psw_client: Client) -> None:
    html = psw_client.get(INVITE).content.decode()
    assert "We restored what you were writing" not in html
    assert initial_json(html) == {
        "key": "academy:invite",
        "version": 0,
        "data": None,
        "fill": False,
        "posted": False,
    }


def test_sending_the_invitation_discards_the_draft(psw_client: Client, psw: User, orgs: Orgs) -> None:
    services.draft_save(user=psw, key="academy:invite", data={"full_name": "Nadia Drafted"}, version=0)

    response = psw_client.post(
        INVITE,
        {
            "full_name": "Nadia Sent",
            "email": "nadia@example.test",
            "organisation": orgs.home.pk,
            "role": Role.NQSW,
        },
    )

    assert response.status_code == 302
    draft = FormDraft.objects.get(user=psw, key="academy:invite")
    assert draft.is_empty
    assert draft.version == 2


def test_an_invalid_invitation_keeps_the_draft_and_shows_no_banner(psw_client: Client, psw: User) -> None:
    services.draft_save(user=psw, key="academy:invite", data={"full_name": "Nadia Drafted"}, version=0)

    html = psw_client.post(INVITE, {"full_name": "Nadia Posted"}).content.decode()

    assert 'value="Nadia Posted"' in html
    assert "We restored what you were writing" not in html
    initial = initial_json(html)
    assert initial["posted"] is True
    assert initial["data"] == {"full_name": "Nadia Drafted"}
    assert not FormDraft.objects.get(user=psw, key="academy:invite").is_empty


def test_nobody_else_sees_a_persons_invitation_draft(client: Client, psw: User, orgs: Orgs) -> None:
    """Drafts are per person: a colleague with the same role, a PSW of the sibling council and one
    elsewhere each have their own draft of the same form, and the viewer sees only theirs."""

    def draft_of(user: User, marker: str) -> FormDraft:
        return services.draft_save(user=user, key="academy:invite", data={"full_name": marker}, version=0)

    def psw_in(organisation: Any) -> User:
        user = UserFactory()
        MembershipFactory(user=user, organisation=organisation, role=Role.PSW)
        return user

    check = IsolationCheck(client, viewer=psw)
    planted = plant(
        lambda organisation, marker: draft_of(psw_in(organisation), marker),
        hidden={
            UNRELATED: orgs.other,
            SIBLING: orgs.sibling,
            COLLEAGUE: lambda marker: draft_of(psw_in(orgs.home), marker),
        },
        shown={"the viewer's own": lambda marker: draft_of(psw, marker)},
    )
    check.list_page(INVITE, planted)


# --- The tag on its own -------------------------------------------------------------------------


def render_tag(request: Any, source: str) -> str:
    return Template("{% load drafts %}" + source).render(Context({"request": request}))


def test_the_page_fills_the_form_when_the_view_did_not(rf: RequestFactory, person: User) -> None:
    services.draft_save(user=person, key=KEY, data={"title": "By script"}, version=0)
    request = rf.get("/somewhere/")
    request.user = person
    request.csp_nonce = "n"  # type: ignore[attr-defined]

    form = '<form><input name="title"></form>'
    html = render_tag(
        request,
        f'{{% autosave_form "{KEY}" %}}{form}{{% endautosave_form %}}'
        f'{{% autosave_form "asye:evidence:other" %}}{form}{{% endautosave_form %}}',
    )

    initial = initial_json(html, KEY)
    assert initial["fill"] is True
    assert initial["data"] == {"title": "By script"}
    assert html.count("autosave.js") == 1  # one script for the page


def test_draft_initial_applies_only_on_get(rf: RequestFactory, person: User) -> None:
    services.draft_save(user=person, key=KEY, data={"title": "Saved"}, version=0)
    get, post = rf.get("/"), rf.post("/")
    get.user = post.user = person
    assert draft_initial(get, KEY) == {"title": "Saved"}
    assert draft_initial(post, KEY) == {}


def test_signed_out_the_tag_draws_only_the_form(rf: RequestFactory) -> None:
    from django.contrib.auth.models import AnonymousUser

    request = rf.get("/")
    request.user = AnonymousUser()
    html = render_tag(request, '{% autosave_form "a:b" %}<form></form>{% endautosave_form %}')
    assert html == "<form></form>"
