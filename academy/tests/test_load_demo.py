"""`load_demo` creates people whose password is printed in README.md: production refuses it."""

from typing import Any

import pytest
from django.core.management import CommandError, call_command

from academy.models import User


@pytest.mark.django_db
def test_load_demo_refuses_where_demo_data_is_not_allowed(settings: Any) -> None:
    settings.DEMO_DATA_ALLOWED = False

    with pytest.raises(CommandError, match="load_demo refuses to run with these settings"):
        call_command("load_demo")
    assert not User.objects.exists()
