"""Every environment variable the settings read is documented in .env.example and README."""

import re

from tests.settings_env import ROOT, configurable_names


def test_env_example_lists_every_setting() -> None:
    text = (ROOT / ".env.example").read_text(encoding="utf-8")
    listed = set(re.findall(r"^#?\s*([A-Z][A-Z0-9_]*)=", text, re.MULTILINE))

    missing = configurable_names() - listed
    assert not missing, f".env.example does not list {sorted(missing)}"


def test_readme_configuration_table_lists_every_setting() -> None:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    rows = set(re.findall(r"^\| `([A-Z][A-Z0-9_]*)` \|", text, re.MULTILINE))

    missing = configurable_names() - rows
    assert not missing, f"README's configuration table does not list {sorted(missing)}"
    unknown = rows - configurable_names()
    assert not unknown, f"README documents {sorted(unknown)}, which no settings module reads"
