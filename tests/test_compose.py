"""docker-compose.yml and the Dockerfile agree with the settings.

No Docker engine runs where the suite usually runs, so these tests read the files: the six
services exist, every variable compose sets is one the settings read, the Django processes share
one configuration, and the image's entry point knows each process compose asks for. Where Docker
does run, `docker compose config` validates the file too."""

import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import yaml
from django.urls import reverse

from tests.settings_env import ROOT, configurable_names, names_required_by

COMPOSE_FILE = ROOT / "docker-compose.yml"
DOCKERFILE = ROOT / "Dockerfile"
DJANGO_SERVICES = ("web", "worker", "beat")
SERVICES = {*DJANGO_SERVICES, "postgres", "redis", "mailpit"}


def compose() -> dict[str, Any]:
    return yaml.safe_load(COMPOSE_FILE.read_text(encoding="utf-8"))


def environment(service: dict[str, Any]) -> dict[str, str]:
    env = service.get("environment", {})
    if isinstance(env, list):  # the "- NAME=value" form
        return dict(item.split("=", 1) if "=" in item else (item, "") for item in env)
    return {name: str(value) for name, value in env.items()}


def dockerfile_instruction(name: str) -> list[str]:
    """The JSON (exec) form of the last ENTRYPOINT or CMD in the final stage."""
    found = re.findall(rf"^{name}\s+(\[.*\])\s*$", DOCKERFILE.read_text(encoding="utf-8"), re.MULTILINE)
    assert found, f"Dockerfile has no {name} in exec form"
    return json.loads(found[-1])


def entrypoint_commands(script: Path) -> set[str]:
    """The process names a `case "$command" in` entry point handles (`web)`, `worker)`...)."""
    return set(re.findall(r"^\s+([a-z][a-z-]*)\)\s*$", script.read_text(encoding="utf-8"), re.MULTILINE))


def docker_compose_config_errors() -> str | None:
    """`docker compose config` where a Docker engine answers; None when there is none to ask."""
    if shutil.which("docker") is None:
        return None
    probes = (["docker", "compose", "version"], ["docker", "info"])
    for probe in probes:
        if subprocess.run(probe, capture_output=True, check=False, timeout=30).returncode != 0:  # noqa: S603
            return None
    result = subprocess.run(  # noqa: S603
        ["docker", "compose", "-f", str(COMPOSE_FILE), "config", "--quiet"],  # noqa: S607
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
        cwd=ROOT,
    )
    return "" if result.returncode == 0 else result.stderr


def test_compose_file_has_the_six_services_and_is_valid() -> None:
    services = compose()["services"]

    assert set(services) == SERVICES
    for name in DJANGO_SERVICES:
        assert services[name].get("build") == ".", f"{name} must run the image built from the Dockerfile"
    # Where a Docker engine is present, compose itself must accept the file.
    errors = docker_compose_config_errors()
    assert not errors, f"docker compose config failed:\n{errors}"


def test_every_variable_compose_sets_is_read_by_the_settings() -> None:
    known = configurable_names()
    services = compose()["services"]

    for name in DJANGO_SERVICES:
        unknown = set(environment(services[name])) - known
        assert not unknown, f"{name} sets {sorted(unknown)}, which no settings module reads"


def test_django_processes_share_one_configuration() -> None:
    services = compose()["services"]
    envs = {name: environment(services[name]) for name in DJANGO_SERVICES}

    web = envs["web"]
    for name in ("DJANGO_SETTINGS_MODULE", "DATABASE_URL", "REDIS_URL"):
        assert web.get(name), f"web does not set {name}"
        for other in ("worker", "beat"):
            assert envs[other].get(name) == web[name], f"{other} and web disagree on {name}"
    assert web == envs["worker"] == envs["beat"]


def test_compose_gives_the_chosen_settings_everything_they_require() -> None:
    web = environment(compose()["services"]["web"])
    module = web["DJANGO_SETTINGS_MODULE"].rsplit(".", 1)[-1]

    missing = names_required_by(module) - set(web)
    assert not missing, f"academy.settings.{module} requires {sorted(missing)}"
    assert web["EMAIL_URL"] == "smtp://mailpit:1025"
    assert web["DATABASE_URL"].startswith("postgres://")
    assert "@postgres:" in web["DATABASE_URL"]
    assert web["REDIS_URL"].startswith("redis://redis:")


def test_dockerfile_entry_point_runs_every_compose_process() -> None:
    entrypoint = dockerfile_instruction("ENTRYPOINT")
    cmd = dockerfile_instruction("CMD")
    text = DOCKERFILE.read_text(encoding="utf-8")
    script = ROOT / entrypoint[0].removeprefix("/app/")

    assert "FROM python:3.11-slim" in text
    assert "uv sync --locked" in text
    assert "collectstatic" in text
    assert script.is_file(), f"ENTRYPOINT {entrypoint[0]} is not in the repository"
    assert script.stat().st_mode & 0o111, f"{script.name} is not executable"
    handled = entrypoint_commands(script)
    assert {"web", "worker", "beat", "migrate", "manage"} <= handled
    assert cmd[0] in handled
    services = compose()["services"]
    for name in DJANGO_SERVICES:
        command = services[name].get("command", cmd)
        assert command[0] == name, f"{name} runs {command!r}"
        assert command[0] in handled
    # The web process serves Django's WSGI application on the port compose publishes.
    script_text = script.read_text(encoding="utf-8")
    assert "gunicorn academy.wsgi:application" in script_text
    assert "--bind 0.0.0.0:8000" in script_text
    assert "EXPOSE 8000" in text
    assert "8000:8000" in services["web"]["ports"]
    assert "celery -A academy worker" in script_text
    assert "celery -A academy beat" in script_text
    # The image's default settings module is the one compose runs.
    assert f"DJANGO_SETTINGS_MODULE={environment(services['web'])['DJANGO_SETTINGS_MODULE']}" in text


def test_compose_runs_settings_that_refuse_the_demo_and_says_so() -> None:
    """The demo's accounts share a published password: the settings compose runs refuse
    `load_demo`, and the file tells the reader so instead of suggesting it."""
    module = environment(compose()["services"]["web"])["DJANGO_SETTINGS_MODULE"].rsplit(".", 1)[-1]
    settings_text = (ROOT / "academy" / "settings" / f"{module}.py").read_text(encoding="utf-8")
    comments = "\n".join(
        line for line in COMPOSE_FILE.read_text(encoding="utf-8").splitlines() if line.startswith("#")
    )

    assert re.search(r"^DEMO_DATA_ALLOWED = False$", settings_text, re.MULTILINE)
    assert "load_demo` refuses to run" in comments


def test_web_healthcheck_probes_liveness() -> None:
    """Compose restarts an unhealthy container: its probe must be the cheap liveness URL, never
    readiness, which fails whenever the database or a worker is down."""
    probe = " ".join(compose()["services"]["web"]["healthcheck"]["test"])

    assert f"http://127.0.0.1:8000{reverse('academy:health_live')}" in probe
    assert reverse("academy:health_ready") not in probe
