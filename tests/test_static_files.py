"""The front end: sources in static/src/, the built output in static/dist/, and only the built
output served. `collectstatic` with the production storage (whitenoise's compressed manifest)
must succeed, or the image build fails; it follows every `url()` in the CSS and every source
map comment, so a missing file shows up here first. Needs `npm run build` (`make install`)."""

import json
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.test import override_settings

from academy.settings import base

ROOT = Path(settings.BASE_DIR)


def test_only_the_built_output_is_served() -> None:
    assert [Path(folder) for folder in settings.STATICFILES_DIRS] == [ROOT / "static" / "dist"]
    for source in ("static/src/build.mjs", "static/src/scss/academy.scss", "static/src/images"):
        assert (ROOT / source).exists(), source


def test_the_built_output_is_not_committed() -> None:
    ignored = (ROOT / ".gitignore").read_text().splitlines()
    assert "/static/dist/" in ignored
    assert "/static/" not in ignored
    assert "/static/src/" not in ignored


def test_build_scripts_read_the_sources_from_static_src() -> None:
    scripts = json.loads((ROOT / "package.json").read_text())["scripts"]
    assert scripts["build:assets"] == "node static/src/build.mjs"
    assert "static/src/scss/academy.scss static/dist/academy.css" in scripts["build:css"]
    assert "COPY static/src/ static/src/" in (ROOT / "Dockerfile").read_text()


def test_collectstatic_with_the_production_storage(tmp_path: Path) -> None:
    assert (ROOT / "static" / "dist" / "academy.css").exists(), "run `npm run build` first"
    storages = {**settings.STORAGES, "staticfiles": base.STORAGES["staticfiles"]}
    assert "Manifest" in storages["staticfiles"]["BACKEND"]
    with override_settings(STATIC_ROOT=tmp_path, STORAGES=storages, DEBUG=False):
        call_command("collectstatic", "--noinput", verbosity=0)
    manifest = json.loads((tmp_path / "staticfiles.json").read_text())["paths"]
    for name in ("academy.css", "govuk/govuk-frontend.min.js", "images/favicon.svg"):
        assert name in manifest, name
    collected = {path.relative_to(tmp_path).as_posix() for path in tmp_path.rglob("*") if path.is_file()}
    assert not [name for name in collected if name.endswith((".scss", ".mjs"))]
    assert not [name for name in collected if name.startswith(("src/", "scss/"))]
