"""The environment variable names the project reads, found in its source.

Shared by the tests that keep docker-compose.yml, .env.example and README in step with the
settings: a name is "read" when academy/settings/*.py pass it to django-environ (`env("X")`,
`env.bool("X", ...)`, `env.db("X")`...) or when an entry point sets it up with `os.environ`."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SETTINGS_DIR = ROOT / "academy" / "settings"
# Entry points that read DJANGO_SETTINGS_MODULE themselves.
ENTRY_POINTS = (ROOT / "manage.py", ROOT / "academy" / "celery.py", ROOT / "academy" / "wsgi.py")

_ENV_CALL = re.compile(
    r"""\b(?:env(?:\.\w+)?|os\.environ\.(?:get|setdefault)|os\.getenv)\(\s*["']([A-Z][A-Z0-9_]*)["']"""
)
# env("NAME") or env.db("NAME") with nothing else: the variable is required.
_REQUIRED_ENV_CALL = re.compile(r"""\benv(?:\.\w+)?\(\s*["']([A-Z][A-Z0-9_]*)["']\s*\)""")

# Read by the test settings only to tell xdist workers apart; never configured by people.
INTERNAL_NAMES = frozenset({"PYTEST_XDIST_WORKER"})


def _sources(paths: list[Path]) -> str:
    return "\n".join(path.read_text(encoding="utf-8") for path in paths)


def settings_files() -> list[Path]:
    return sorted(SETTINGS_DIR.glob("*.py"))


def names_read() -> set[str]:
    """Every environment variable name the settings and entry points read."""
    return set(_ENV_CALL.findall(_sources([*settings_files(), *ENTRY_POINTS])))


def configurable_names() -> set[str]:
    """Names a person deploying or running the portal may set."""
    return names_read() - INTERNAL_NAMES


def names_required_by(module: str) -> set[str]:
    """Names a settings module (e.g. "production") reads without a default."""
    return set(_REQUIRED_ENV_CALL.findall((SETTINGS_DIR / f"{module}.py").read_text(encoding="utf-8")))
