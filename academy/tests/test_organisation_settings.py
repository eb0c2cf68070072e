"""Organisation settings: what applies when a setting is left empty, the audited service, and
the pages academy admins change them on (and nobody else reaches)."""

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client, override_settings
from django.urls import reverse

from academy.models import AuditEntry, Organisation
from academy.organisations.selectors import organisation_settings_for
from academy.organisations.services import organisation_update_settings
from academy.roles import Role
from academy.tests.factories import MembershipFactory, OrganisationFactory, UserFactory
from conftest import Orgs, seed_totp

pytestmark = pytest.mark.django_db


def _settings_url(organisation: Organisation) -> str:
    return reverse("academy:organisation_settings", args=[organisation.slug])


def _form(**changes: object) -> dict[str, object]:
    return {"name": "Home Borough Council", "brand_colour": "", "evidence_waiting_days": "", **changes}


# --- What applies -------------------------------------------------------------------------------


@override_settings(EVIDENCE_WAITING_DAYS=21, ACADEMY_COLOUR="#112233")
def test_a_setting_left_empty_follows_the_partnership_then_the_default(orgs: Orgs) -> None:
    home = Organisation.objects.select_related("parent").get(pk=orgs.home.pk)
    applied = organisation_settings_for(home)
    assert (applied.evidence_waiting_days, applied.brand_colour) == (21, "#112233")
    assert applied.evidence_waiting_days_inherited
    assert applied.brand_colour_inherited

    Organisation.objects.filter(pk=orgs.partnership.pk).update(
        evidence_waiting_days=10, brand_colour="#445566"
    )
    home = Organisation.objects.select_related("parent").get(pk=orgs.home.pk)
    assert organisation_settings_for(home).evidence_waiting_days == 10
    assert organisation_settings_for(home).brand_colour == "#445566"

    Organisation.objects.filter(pk=orgs.home.pk).update(evidence_waiting_days=5, brand_colour="#778899")
    home = Organisation.objects.select_related("parent").get(pk=orgs.home.pk)
    applied = organisation_settings_for(home)
    assert (applied.evidence_waiting_days, applied.brand_colour) == (5, "#778899")
    assert not applied.evidence_waiting_days_inherited
    assert not applied.brand_colour_inherited
    # An organisation outside any partnership falls back to the defaults alone.
    assert organisation_settings_for(orgs.other).evidence_waiting_days == 21


def test_reading_the_settings_of_a_loaded_organisation_costs_no_query(
    orgs: Orgs, django_assert_num_queries: Any
) -> None:
    home = Organisation.objects.select_related("parent").get(pk=orgs.home.pk)
    with django_assert_num_queries(0):
        organisation_settings_for(home)


def test_a_council_without_a_colour_shows_its_partnerships(client: Client, orgs: Orgs, psw: Any) -> None:
    Organisation.objects.filter(pk=orgs.partnership.pk).update(brand_colour="#2b5b34")
    client.force_login(psw)
    assert b"--academy-brand: #2b5b34;" in client.get(reverse("academy:home")).content


# --- The service --------------------------------------------------------------------------------


def test_the_service_changes_and_audits_only_what_changed(orgs: Orgs, academy_admin: Any) -> None:
    organisation_update_settings(
        actor=academy_admin,
        organisation=orgs.home,
        name="Home Borough Council",
        brand_colour="#1D4F6E",
        evidence_waiting_days=7,
    )
    orgs.home.refresh_from_db()
    assert (orgs.home.brand_colour, orgs.home.evidence_waiting_days) == ("#1d4f6e", 7)
    entry = AuditEntry.objects.get(verb="organisation.update_settings")
    assert entry.organisation == orgs.home
    assert entry.actor == academy_admin
    assert entry.before == {"brand_colour": "", "evidence_waiting_days": None}
    assert entry.after == {"brand_colour": "#1d4f6e", "evidence_waiting_days": 7}

    organisation_update_settings(
        actor=academy_admin,
        organisation=orgs.home,
        name="Home Borough Council",
        brand_colour="#1d4f6e",
        evidence_waiting_days=7,
    )
    assert AuditEntry.objects.filter(verb="organisation.update_settings").count() == 1


def test_the_service_refuses_a_name_another_organisation_has(orgs: Orgs, academy_admin: Any) -> None:
    with pytest.raises(ValidationError) as raised:
        organisation_update_settings(
            actor=academy_admin,
            organisation=orgs.home,
            name=orgs.sibling.name,
            brand_colour="",
            evidence_waiting_days=None,
        )
    assert raised.value.message_dict["name"] == ["Another organisation already has this name"]
    assert orgs.home.name == "Home Borough Council"  # the instance is left as it was
    assert not AuditEntry.objects.filter(verb="organisation.update_settings").exists()


# --- The pages ----------------------------------------------------------------------------------


def test_an_academy_admin_sees_the_partnership_and_its_members_only(
    client: Client, orgs: Orgs, academy_admin: Any
) -> None:
    client.force_login(academy_admin)
    html = client.get(reverse("academy:organisations")).content.decode()
    for organisation in (orgs.partnership, orgs.home, orgs.sibling):
        assert organisation.name in html
        assert _settings_url(organisation) in html
    for organisation in (orgs.other, orgs.university):
        assert organisation.name not in html
    assert "14 days (not set here)" in html


def test_an_academy_admin_saves_a_members_settings(client: Client, orgs: Orgs, academy_admin: Any) -> None:
    client.force_login(academy_admin)
    response = client.post(
        _settings_url(orgs.home), _form(brand_colour="#0b3d2e", evidence_waiting_days="9"), follow=True
    )
    assert response.redirect_chain == [(reverse("academy:organisations"), 302)]
    assert b"Settings for Home Borough Council saved." in response.content
    orgs.home.refresh_from_db()
    assert (orgs.home.brand_colour, orgs.home.evidence_waiting_days) == ("#0b3d2e", 9)
    assert AuditEntry.objects.filter(verb="organisation.update_settings", organisation=orgs.home).exists()


def test_an_invalid_form_shows_the_error_summary(client: Client, orgs: Orgs, academy_admin: Any) -> None:
    client.force_login(academy_admin)
    response = client.post(_settings_url(orgs.home), _form(brand_colour="green", evidence_waiting_days="0"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error: Settings for Home Borough Council" in html
    assert 'class="govuk-error-summary"' in html
    assert 'href="#id_brand_colour"' in html
    assert "Enter a colour like #1d4f6e" in html
    assert "The number of days must be 1 or more" in html
    orgs.home.refresh_from_db()
    assert orgs.home.brand_colour == ""


def test_a_duplicate_name_from_the_service_shows_on_the_form(
    client: Client, orgs: Orgs, academy_admin: Any
) -> None:
    client.force_login(academy_admin)
    response = client.post(_settings_url(orgs.home), _form(name=orgs.sibling.name))
    assert response.status_code == 200
    assert b"Another organisation already has this name" in response.content


def test_the_form_says_what_applies_when_left_empty(client: Client, orgs: Orgs, academy_admin: Any) -> None:
    Organisation.objects.filter(pk=orgs.partnership.pk).update(evidence_waiting_days=12)
    client.force_login(academy_admin)
    html = client.get(_settings_url(orgs.home)).content.decode()
    assert "Leave it empty to use Testvale Academy (12 days)." in html
    assert "Leave it empty to use the academy&#x27;s default (#1d4f6e)." in html


def test_the_partnerships_name_in_the_help_text_is_escaped(
    client: Client, orgs: Orgs, academy_admin: Any
) -> None:
    Organisation.objects.filter(pk=orgs.partnership.pk).update(
        name="<b>Bold</b> Academy", evidence_waiting_days=12
    )
    client.force_login(academy_admin)
    html = client.get(_settings_url(orgs.home)).content.decode()
    assert "Leave it empty to use &lt;b&gt;Bold&lt;/b&gt; Academy (12 days)." in html
    assert "<b>Bold</b>" not in html


@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize("persona", ["psw", "nqsw", "assessor", "moderator", "outsider"])
def test_other_roles_are_refused(
    client: Client, orgs: Orgs, personas: Any, persona: str, method: str
) -> None:
    client.force_login(personas[persona])
    response = getattr(client, method)(_settings_url(orgs.home), _form(evidence_waiting_days="3"))
    assert response.status_code == 403
    orgs.home.refresh_from_db()
    assert orgs.home.evidence_waiting_days is None


@pytest.mark.parametrize("method", ["get", "post"])
def test_another_partnerships_academy_admin_gets_404(client: Client, orgs: Orgs, method: str) -> None:
    elsewhere = OrganisationFactory(name="Far Academy", slug="far", kind=Organisation.Kind.PARTNERSHIP)
    admin = UserFactory()
    MembershipFactory(user=admin, organisation=elsewhere, role=Role.ACADEMY_ADMIN)
    seed_totp(admin)
    client.force_login(admin)
    response = getattr(client, method)(_settings_url(orgs.home), _form(evidence_waiting_days="3"))
    assert response.status_code == 404
    assert client.get(_settings_url(elsewhere)).status_code == 200


def test_a_university_outside_the_partnership_is_404(client: Client, orgs: Orgs, academy_admin: Any) -> None:
    client.force_login(academy_admin)
    assert client.get(_settings_url(orgs.university)).status_code == 404


def test_anonymous_is_sent_to_sign_in(client: Client, orgs: Orgs) -> None:
    response: Any = client.post(_settings_url(orgs.home), _form())
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_organisations_list_query_count(
    client: Client, orgs: Orgs, academy_admin: Any, django_assert_num_queries: Any
) -> None:
    for n in range(3):
        OrganisationFactory(parent=orgs.partnership, evidence_waiting_days=n + 1)
    client.force_login(academy_admin)
    # user, memberships, authenticator (MFA role), unread count (header), + scope (two levels),
    # + count for pagination, + the page of organisations with their parents
    with django_assert_num_queries(4 + 4):
        response = client.get(reverse("academy:organisations"))
    assert response.content.count(b'<h2 class="govuk-summary-card__title">') == 6


# --- Header colour contrast ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("colour", "ratio"),
    [("#ffffff", 1.0), ("#000000", 21.0), ("#767676", 4.54), ("#777777", 4.48), ("#1d4f6e", 8.77)],
)
def test_contrast_with_white_follows_wcag(colour: str, ratio: float) -> None:
    from academy.colours import contrast_with_white

    assert contrast_with_white(colour) == pytest.approx(ratio, abs=0.01)


def test_a_header_colour_too_light_for_white_text_is_refused_on_the_form(
    client: Client, orgs: Orgs, academy_admin: Any
) -> None:
    client.force_login(academy_admin)
    response = client.post(_settings_url(orgs.home), _form(brand_colour="#777777"))
    html = response.content.decode()
    assert response.status_code == 200
    assert 'href="#id_brand_colour"' in html
    assert "White text on #777777 is too hard to read (contrast 4.4:1)" in html
    orgs.home.refresh_from_db()
    assert orgs.home.brand_colour == ""
    assert client.post(_settings_url(orgs.home), _form(brand_colour="#767676")).status_code == 302


def test_the_model_refuses_a_light_header_colour(orgs: Orgs, academy_admin: Any) -> None:
    with pytest.raises(ValidationError, match="too hard to read"):
        organisation_update_settings(
            actor=academy_admin,
            organisation=orgs.home,
            name=orgs.home.name,
            brand_colour="#ffdd00",
            evidence_waiting_days=None,
        )
    orgs.partnership.brand_colour = "#00ffff"
    with pytest.raises(ValidationError) as caught:
        orgs.partnership.full_clean()
    assert "brand_colour" in caught.value.message_dict


@pytest.mark.parametrize(("colour", "errors"), [("#1d4f6e", []), ("#f3f2f1", ["academy.E002"]), ("blue", [])])
def test_a_light_academy_colour_stops_the_start(settings: Any, colour: str, errors: list[str]) -> None:
    from academy.checks import academy_colour_is_readable

    settings.ACADEMY_COLOUR = colour
    assert [error.id for error in academy_colour_is_readable(None)] == errors


def test_case_reference_formats_are_checked_and_saved(client: Client, orgs: Orgs, academy_admin: Any) -> None:
    client.force_login(academy_admin)
    refused = client.post(_settings_url(orgs.home), _form(case_reference_patterns="HB-\\d{6}\n(\\d+)+"))
    page = refused.content.decode()
    assert refused.status_code == 200
    assert "Format 2 ((\\d+)+): Patterns cannot repeat a group" in page
    assert "HB-\\d{6}" in page  # what was typed stays
    orgs.home.refresh_from_db()
    assert orgs.home.case_reference_patterns == []
    saved = client.post(_settings_url(orgs.home), _form(case_reference_patterns=" HB-\\d{6} \n\n"))
    assert saved.status_code == 302
    orgs.home.refresh_from_db()
    assert orgs.home.case_reference_patterns == ["HB-\\d{6}"]
    entry = AuditEntry.objects.filter(verb="organisation.update_settings").latest("created_at")
    assert entry.after == {"case_reference_patterns": ["HB-\\d{6}"]}


def test_a_format_that_matches_ordinary_words_is_refused(orgs: Orgs) -> None:
    orgs.home.case_reference_patterns = ["\\w+"]
    with pytest.raises(ValidationError, match="would flag ordinary text"):
        orgs.home.full_clean()
