"""`manage.py load_frameworks [extra.json ...]`: load the shipped frameworks, plus any extra files
(for example a new version of a framework), and print what changed. Safe to run again."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from academy.frameworks import FrameworkDataError, default_data_paths, load_frameworks


class Command(BaseCommand):
    help = "Load professional frameworks from academy/framework_data/ and any extra JSON files."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("extra", nargs="*", type=Path, help="Extra framework JSON files to load.")

    def handle(self, *args: Any, **options: Any) -> None:
        extra: list[Path] = options["extra"]
        missing = [str(path) for path in extra if not path.is_file()]
        if missing:
            raise CommandError(f"No such file: {', '.join(missing)}")
        try:
            counts = load_frameworks(paths=[*default_data_paths(), *extra])
        except FrameworkDataError as exc:
            raise CommandError(str(exc)) from exc
        for kind in ("frameworks", "versions", "elements"):
            self.stdout.write(
                f"{kind.capitalize()}: {counts[f'{kind}_created']} created, "
                f"{counts[f'{kind}_updated']} updated, {counts[f'{kind}_unchanged']} unchanged"
            )
        self.stdout.write(self.style.SUCCESS("Frameworks loaded."))
