"""A reference data publisher adds a framework version from a CSV file, with no code change.
Versions are shared by every organisation, so publishing is a deployment-wide permission, not an
organisation's role (docs/adr/0006-reference-data-publishers.md)."""

from typing import Any

import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from academy import services
from academy.framework_import import parse_elements_csv
from academy.models import AuditEntry, Framework, FrameworkElement, FrameworkVersion, User
from academy.roles import Role
from academy.tests.factories import MembershipFactory, UserFactory
from conftest import Orgs, seed_totp

pytestmark = pytest.mark.django_db


@pytest.fixture
def publisher(academy_admin: User) -> User:
    """The partnership's academy admin, whom the operators also made a publisher."""
    academy_admin.user_permissions.add(Permission.objects.get(codename="publish_reference_data"))
    return User.objects.get(pk=academy_admin.pk)  # a fresh instance: no cached permissions


GOOD_CSV = """code,parent,title,description,title_confirmed
1,,Practice with children and families,Direct work and relationships.,yes
1.1,1,,,no
1.2,1,Assessment,,yes
2,,Using supervision,,yes
"""


def _post(
    client: Client, csv_text: str, *, slug: str = "ecs-2027-checked", name: str = "elements.csv"
) -> Any:
    return client.post(
        reverse("academy:framework_import"),
        {
            "framework": _framework_pk("dfe-child-family-pqs"),
            "label": "Early career standards (checked)",
            "slug": slug,
            "status": "current",
            "in_force_from": "2027-04-01",
            "source_title": "Child and family social worker early career standards",
            "source_url": "",
            "elements": SimpleUploadedFile(name, csv_text.encode(), content_type="text/csv"),
        },
    )


def _framework_pk(slug: str) -> int:
    from academy.models import Framework

    return Framework.objects.get(slug=slug).pk


def test_publisher_imports_a_new_version(client: Client, publisher: Any, orgs: Orgs) -> None:
    client.force_login(publisher)
    before = FrameworkVersion.objects.filter(framework__slug="dfe-child-family-pqs").count()
    response = _post(client, GOOD_CSV)
    assert response.status_code == 302
    version = FrameworkVersion.objects.get(framework__slug="dfe-child-family-pqs", slug="ecs-2027-checked")
    assert FrameworkVersion.objects.filter(framework__slug="dfe-child-family-pqs").count() == before + 1
    assert version.status == "current"
    assert str(version.in_force_from) == "2027-04-01"
    sub = FrameworkElement.objects.get(version=version, code="1.1")
    assert sub.parent is not None
    assert sub.parent.code == "1"
    assert sub.title_confirmed is False
    assert version.elements.count() == 4
    entry = AuditEntry.objects.get(verb="framework_version.import", actor=publisher)
    assert entry.organisation is None  # deployment-wide: it belongs to every organisation
    page = client.get(response["Location"])
    assert b"Practice with children and families" in page.content


def test_a_file_with_problems_imports_nothing_and_names_each_row(
    client: Client, publisher: Any, orgs: Orgs
) -> None:
    client.force_login(publisher)
    bad = "code,parent,title\n1,,One\n1,,Again\n2,9,Orphan\n,,No code\n"
    response = _post(client, bad)
    assert response.status_code == 200
    html = response.content.decode()
    assert "<title>Error: " in html
    assert "Row 3: code 1 is already used on row 2." in html
    assert "Row 4: parent 9 is not a code in this file." in html
    assert "Row 5: enter a code." in html
    assert 'value="Early career standards (checked)"' in html  # what was typed stays
    assert not FrameworkVersion.objects.filter(slug="ecs-2027-checked").exists()


def test_wrong_file_type_and_existing_version_are_refused(client: Client, publisher: Any, orgs: Orgs) -> None:
    client.force_login(publisher)
    assert b"must be a CSV file" in _post(client, GOOD_CSV, name="elements.xlsx").content
    assert b"already has a version" in _post(client, GOOD_CSV, slug="kss-2018").content


def test_oversized_file_is_refused(client: Client, publisher: Any, orgs: Orgs) -> None:
    client.force_login(publisher)
    big = "code,title\n" + "".join(f"{n},{'x' * 200}\n" for n in range(6000))
    response = _post(client, big)
    assert b"smaller than 1 MB" in response.content


def test_parent_cycles_are_caught() -> None:
    parsed = parse_elements_csv("code,parent,title\nA,B,a\nB,A,b\n")
    assert parsed.errors
    assert parsed.tree == []


def test_only_publishers_see_the_import_button(client: Client, psw: Any, academy_admin: Any) -> None:
    client.force_login(psw)
    assert b"Import a new version" not in client.get(reverse("academy:frameworks")).content
    client.force_login(academy_admin)
    assert b"Import a new version" not in client.get(reverse("academy:frameworks")).content
    academy_admin.user_permissions.add(Permission.objects.get(codename="publish_reference_data"))
    assert b"Import a new version" in client.get(reverse("academy:frameworks")).content


def test_an_academy_admin_who_is_not_a_publisher_cannot_import(
    client: Client, academy_admin: Any, orgs: Orgs
) -> None:
    """An organisation's admin cannot change what every other organisation sees."""
    client.force_login(academy_admin)
    assert client.get(reverse("academy:framework_import")).status_code == 403
    response = _post(client, GOOD_CSV)
    assert response.status_code == 403
    assert b"reference data publisher" in response.content
    assert not FrameworkVersion.objects.filter(slug="ecs-2027-checked").exists()
    with pytest.raises(PermissionDenied):
        services.framework_version_import(
            actor=academy_admin,
            framework=Framework.objects.get(slug="dfe-child-family-pqs"),
            version={"slug": "x", "label": "X", "source_title": "X"},
            elements=[{"code": "1", "title": "One"}],
        )
    assert not FrameworkVersion.objects.filter(slug="x").exists()


def test_a_superuser_publishes_without_being_granted_anything(client: Client, orgs: Orgs) -> None:
    root = User.objects.create_superuser("root@example.test", "a-long-root-password-2026")
    seed_totp(root)
    client.force_login(root)
    assert client.get(reverse("academy:framework_import")).status_code == 200
    assert _post(client, GOOD_CSV).status_code == 302


def test_every_academy_admin_reads_the_import_in_their_audit_log(
    client: Client, publisher: Any, orgs: Orgs
) -> None:
    """The entry has no organisation: the admin of an unrelated council reads it too (what it
    changed reaches them), while entries of the importer's own organisations stay private."""
    client.force_login(publisher)
    assert _post(client, GOOD_CSV).status_code == 302
    elsewhere_admin = UserFactory(full_name="Elsewhere Admin")
    MembershipFactory(user=elsewhere_admin, organisation=orgs.other, role=Role.ACADEMY_ADMIN)
    seed_totp(elsewhere_admin)
    private = AuditEntry.objects.create(
        verb="team.create",
        content_type=AuditEntry.objects.get(verb="framework_version.import").content_type,
        object_id="1",
        object_repr="Sentinel team of the partnership",
        organisation=orgs.partnership,
    )
    client.force_login(elsewhere_admin)
    page = client.get(reverse("academy:audit_log")).content.decode()
    assert "Framework version imported (all organisations)" in page
    assert "All organisations" in page
    assert private.object_repr not in page
