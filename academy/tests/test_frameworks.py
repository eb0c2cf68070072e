"""The framework loader: shipped data, idempotency, new versions as data, and respect for admins'
corrections. Every test calls the loader itself, so it also holds after a `transactional_db`
truncation has removed the rows the data migration inserted."""

import json
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps as global_apps
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from academy.frameworks import FrameworkDataError, default_data_paths, load_framework_file, load_frameworks
from academy.models import Framework, FrameworkElement, FrameworkVersion

pytestmark = pytest.mark.django_db

PCF_DOMAINS = [
    "Professionalism",
    "Values and Ethics",
    "Diversity and Equality",
    "Rights, Justice and Economic Wellbeing",
    "Knowledge",
    "Critical Reflection and Analysis",
    "Skills and Interventions",
    "Contexts and Organisations",
    "Professional Leadership",
]


@pytest.fixture
def loaded() -> dict[str, int]:
    return load_frameworks()


def top_level(framework_slug: str, version_slug: str) -> list[FrameworkElement]:
    return list(
        FrameworkElement.objects.filter(
            version__framework__slug=framework_slug, version__slug=version_slug, parent__isnull=True
        ).order_by("position")
    )


def test_every_shipped_file_is_loaded(loaded: dict[str, int]) -> None:
    slugs = {json.loads(path.read_text())["slug"] for path in default_data_paths()}
    assert slugs == {"pcf", "kss-adults", "dfe-child-family-pqs", "swe-professional-standards", "peps"}
    assert set(Framework.objects.values_list("slug", flat=True)) >= slugs


def test_pcf_has_the_nine_2018_domains_in_order(loaded: dict[str, int]) -> None:
    domains = top_level("pcf", "2018")
    assert [d.title for d in domains] == PCF_DOMAINS
    assert [d.code for d in domains] == [str(n) for n in range(1, 10)]
    assert all(d.title_confirmed for d in domains)
    assert FrameworkVersion.objects.get(framework__slug="pcf", slug="2018").status == "current"


def test_swe_has_six_standards_each_with_numbered_sub_standards(loaded: dict[str, int]) -> None:
    standards = top_level("swe-professional-standards", "2019")
    assert [s.code for s in standards] == ["1", "2", "3", "4", "5", "6"]
    assert standards[0].title == (
        "Promote the rights, strengths and wellbeing of people, families and communities"
    )
    for standard in standards:
        subs = list(standard.children.order_by("position"))
        assert subs, f"standard {standard.code} has no sub-standards"
        assert all(sub.code.startswith(f"{standard.code}.") for sub in subs)
    assert [s.code for s in standards[0].children.order_by("position")] == [f"1.{n}" for n in range(1, 8)]
    version = FrameworkVersion.objects.get(framework__slug="swe-professional-standards", slug="2019")
    assert str(version.in_force_from) == "2019-12-02"


def test_sub_standard_parent_is_its_standard(loaded: dict[str, int]) -> None:
    sub = FrameworkElement.objects.get(version__framework__slug="swe-professional-standards", code="3.1")
    assert sub.parent is not None
    assert sub.parent.code == "3"
    assert sub.parent.parent is None
    assert sub.version_id == sub.parent.version_id


def test_positions_follow_the_file_depth_first(loaded: dict[str, int]) -> None:
    codes = list(
        FrameworkElement.objects.filter(version__framework__slug="swe-professional-standards")
        .order_by("position")
        .values_list("code", flat=True)
    )
    assert codes[:9] == ["1", "1.1", "1.2", "1.3", "1.4", "1.5", "1.6", "1.7", "2"]


def test_kss_statement_counts(loaded: dict[str, int]) -> None:
    adults = top_level("kss-adults", "2015")
    child_family = top_level("dfe-child-family-pqs", "kss-2018")
    assert [e.code for e in adults] == [str(n) for n in range(1, 12)]
    assert [e.code for e in child_family] == [str(n) for n in range(1, 11)]
    assert {e.code: e.title for e in adults if e.title_confirmed} == {
        "5": "Mental capacity",
        "8": "Supervision, critical reflection and analysis",
        "10": "Professional ethics and leadership",
        "11": (
            "Level of capability: social worker working in an adult setting"
            " at the end of their first year in employment"
        ),
    }
    kss = FrameworkVersion.objects.get(framework__slug="dfe-child-family-pqs", slug="kss-2018")
    assert str(kss.in_force_until) == "2027-03-31"


def test_early_career_standards_are_a_second_version_in_force_from_april_2027(loaded: dict[str, int]) -> None:
    ecs = FrameworkVersion.objects.get(framework__slug="dfe-child-family-pqs", slug="ecs-2027")
    assert str(ecs.published_on) == "2026-02-18"
    assert str(ecs.in_force_from) == "2027-04-01"
    assert ecs.status == "to_be_checked"
    assert "TO BE CHECKED" in ecs.notes


def test_peps_has_domains_a_to_d(loaded: dict[str, int]) -> None:
    assert [e.code for e in top_level("peps", "2022")] == ["A", "B", "C", "D"]


def test_every_version_records_its_source(loaded: dict[str, int]) -> None:
    versions = FrameworkVersion.objects.filter(framework__slug__in=_shipped_slugs())
    assert versions.count() == 6
    for version in versions:
        assert version.source_title, version
        assert version.source_url.startswith("https://"), version
        assert str(version.source_checked_on) == "2026-11-24", version
        assert version.notes, version


def test_unconfirmed_titles_are_marked_and_their_versions_are_to_be_checked(loaded: dict[str, int]) -> None:
    elements = FrameworkElement.objects.filter(version__framework__slug__in=_shipped_slugs())
    unconfirmed = elements.filter(title_confirmed=False)
    assert unconfirmed.exists()
    # An element seeded by number only is never marked confirmed.
    assert not elements.filter(title="", title_confirmed=True).exists()
    for version in FrameworkVersion.objects.filter(elements__in=unconfirmed).distinct():
        assert version.status == "to_be_checked", version
        assert "TO BE CHECKED" in version.notes, version
    # Titles the sources confirmed are marked so.
    assert FrameworkElement.objects.get(version__slug="kss-2018", code="3").title_confirmed
    assert not FrameworkElement.objects.get(version__slug="kss-2018", code="2").title_confirmed


def test_loading_twice_changes_nothing(loaded: dict[str, int]) -> None:
    before = _snapshot()
    again = load_frameworks()
    assert _snapshot() == before
    assert again["frameworks_created"] == again["versions_created"] == again["elements_created"] == 0
    assert again["frameworks_updated"] == again["versions_updated"] == again["elements_updated"] == 0
    assert (
        again["elements_unchanged"]
        == FrameworkElement.objects.filter(version__framework__slug__in=_shipped_slugs()).count()
    )


def test_first_load_into_empty_tables_creates_everything() -> None:
    FrameworkElement.objects.all().delete()
    FrameworkVersion.objects.all().delete()
    Framework.objects.all().delete()
    counts = load_frameworks()
    assert counts["frameworks_created"] == 5
    assert counts["versions_created"] == 6
    assert counts["elements_created"] == FrameworkElement.objects.count() > 60
    assert counts["elements_updated"] == counts["elements_unchanged"] == 0


def test_a_new_version_from_an_extra_file_coexists_with_the_old_one(
    loaded: dict[str, int], tmp_path: Path
) -> None:
    old_codes = _codes("swe-professional-standards", "2019")
    extra = tmp_path / "swe-2027.json"
    extra.write_text(
        json.dumps(
            {
                "slug": "swe-professional-standards",
                "versions": [
                    {
                        "slug": "2027",
                        "label": "Hypothetical 2027 revision",
                        "status": "to_be_checked",
                        "in_force_from": "2027-12-01",
                        "source_title": "A test file, not a real publication",
                        "notes": "Test data.",
                        "elements": [
                            {
                                "code": "1",
                                "title": "First standard",
                                "title_confirmed": True,
                                "children": [{"code": "1.1", "title": "", "title_confirmed": False}],
                            },
                            {"code": "2", "title": "Second standard", "title_confirmed": True},
                        ],
                    }
                ],
            }
        )
    )
    counts = load_framework_file(extra)
    assert counts["versions_created"] == 1
    assert counts["elements_created"] == 3
    assert counts["frameworks_unchanged"] == 1  # only the slug was given: nothing about it is erased

    framework = Framework.objects.get(slug="swe-professional-standards")
    assert framework.name == "Social Work England professional standards"
    assert set(framework.versions.values_list("slug", flat=True)) == {"2019", "2027"}
    assert _codes("swe-professional-standards", "2019") == old_codes
    assert _codes("swe-professional-standards", "2027") == ["1", "1.1", "2"]
    new_sub = FrameworkElement.objects.get(version__slug="2027", version__framework=framework, code="1.1")
    assert new_sub.parent is not None
    assert new_sub.parent.code == "1"
    assert new_sub.parent.version.slug == "2027"

    # The shipped data does not know the 2027 version, and reloading it leaves that version alone.
    load_frameworks()
    assert _codes("swe-professional-standards", "2027") == ["1", "1.1", "2"]
    assert framework.versions.count() == 2


def test_the_command_loads_extra_files_and_prints_counts(loaded: dict[str, int], tmp_path: Path) -> None:
    extra = tmp_path / "peps-2030.json"
    extra.write_text(
        json.dumps(
            {
                "slug": "peps",
                "versions": [
                    {
                        "slug": "2030",
                        "label": "Test",
                        "source_title": "Test file",
                        "elements": [{"code": "A", "title": "", "title_confirmed": False}],
                    }
                ],
            }
        )
    )
    out = StringIO()
    call_command("load_frameworks", str(extra), stdout=out)
    assert "Versions: 1 created, 0 updated" in out.getvalue()
    assert "Elements: 1 created, 0 updated" in out.getvalue()
    assert FrameworkVersion.objects.get(framework__slug="peps", slug="2030").status == "to_be_checked"


def test_admin_corrections_survive_a_reload(loaded: dict[str, int]) -> None:
    statement = FrameworkElement.objects.get(version__slug="kss-2018", code="2")
    statement.title = "Communication (checked against the DfE document)"
    statement.title_confirmed = True
    statement.save()
    version = statement.version
    version.status = "superseded"
    version.notes = "Superseded by the early career standards."
    version.save()
    added = FrameworkElement.objects.create(version=version, code="X", title="Admin's own", position=99)

    load_frameworks()

    statement.refresh_from_db()
    version.refresh_from_db()
    assert statement.title == "Communication (checked against the DfE document)"
    assert statement.title_confirmed
    assert version.status == "superseded"
    assert version.notes == "Superseded by the early career standards."
    assert FrameworkElement.objects.filter(pk=added.pk).exists()


def test_seeded_values_are_restored_where_the_portal_holds_nothing(loaded: dict[str, int]) -> None:
    domain = FrameworkElement.objects.get(version__framework__slug="pcf", code="5")
    domain.title = ""
    domain.save()
    counts = load_frameworks()
    domain.refresh_from_db()
    assert domain.title == "Knowledge"
    assert counts["elements_updated"] == 1


def _bad_version(**overrides: Any) -> dict[str, Any]:
    """A new version of the PCF that is wrong in one way."""
    return {"slug": "pcf", "versions": [{"slug": "x", "label": "X", "source_title": "S", **overrides}]}


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"slug": "new-thing", "versions": []}, "needs name"),
        (_bad_version(status="draft"), "unknown status"),
        (_bad_version(published_on="2026-13-01"), "not a YYYY-MM-DD date"),
        (_bad_version(elements=[{"code": "1"}, {"code": "1"}]), "appears twice"),
        (_bad_version(source_title=""), "source_title"),
    ],
)
def test_bad_files_are_refused_whole(
    loaded: dict[str, int], tmp_path: Path, data: dict[str, Any], message: str
) -> None:
    before = _snapshot()
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(data))
    with pytest.raises(FrameworkDataError, match=message):
        load_framework_file(path)
    assert _snapshot() == before


def test_loader_works_with_historical_models() -> None:
    """What the data migration does: the models as they stood after 0002."""
    executor = MigrationExecutor(connection)
    state = executor.loader.project_state(("academy", "0002_load_frameworks"))
    counts = load_frameworks(apps=state.apps)
    assert counts["elements_created"] + counts["elements_updated"] + counts["elements_unchanged"] > 60
    assert state.apps is not global_apps
    assert [d.title for d in top_level("pcf", "2018")] == PCF_DOMAINS


def _shipped_slugs() -> set[str]:
    return {json.loads(path.read_text())["slug"] for path in default_data_paths()}


def _codes(framework_slug: str, version_slug: str) -> list[str]:
    return list(
        FrameworkElement.objects.filter(version__framework__slug=framework_slug, version__slug=version_slug)
        .order_by("position")
        .values_list("code", flat=True)
    )


def _snapshot() -> list[tuple]:
    return [
        *Framework.objects.order_by("slug").values_list(
            "slug", "name", "short_name", "publisher", "description", "updated_at"
        ),
        *FrameworkVersion.objects.order_by("framework__slug", "slug").values_list(
            "framework__slug",
            "slug",
            "label",
            "status",
            "published_on",
            "in_force_from",
            "in_force_until",
            "source_title",
            "source_url",
            "source_checked_on",
            "notes",
            "updated_at",
        ),
        *FrameworkElement.objects.order_by("version__framework__slug", "version__slug", "code").values_list(
            "version__framework__slug",
            "version__slug",
            "code",
            "parent__code",
            "title",
            "description",
            "position",
            "title_confirmed",
            "updated_at",
        ),
    ]
