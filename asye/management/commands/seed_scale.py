"""`manage.py seed_scale`: fill an empty database with national-scale invented ASYE and CPD
data for benchmarks (asye/scale_seed.py and cpd/scale_seed.py say what and how). Refuses
production settings, a database with people who were not seeded (unless --force) and a prefix
seeded before."""

import datetime
import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from asye.scale_seed import SeedRefused, Sizes, analyse_seeded_tables, seed_scale
from cpd.scale_seed import CpdSizes
from placements.scale_seed import PlacementSizes, analyse_placements_tables, seed_placements_scale


class Command(BaseCommand):
    help = (
        "Seed national-scale invented data for benchmarks: organisations, people, ASYE records and "
        "evidence, and practitioners with their CPD records."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        defaults = Sizes()
        parser.add_argument(
            "--scale", type=float, default=1.0, help="Multiply every size (0.01 for a quick run)."
        )
        parser.add_argument("--partnerships", type=int, default=defaults.partnerships)
        parser.add_argument(
            "--organisations", type=int, default=defaults.organisations, help="Member councils."
        )
        parser.add_argument("--nqsws", type=int, default=defaults.nqsws)
        parser.add_argument("--evidence", type=int, default=defaults.evidence, help="Evidence items in all.")
        parser.add_argument("--nqsws-per-assessor", type=int, default=defaults.nqsws_per_assessor)
        parser.add_argument("--nqsws-per-manager", type=int, default=defaults.nqsws_per_manager)
        parser.add_argument(
            "--practitioners",
            type=int,
            default=defaults.cpd.practitioners,
            help="Social workers who keep CPD, spread over the councils.",
        )
        parser.add_argument(
            "--cpd-records", type=int, default=defaults.cpd.records, help="CPD records in all."
        )
        parser.add_argument(
            "--largest-council",
            type=int,
            default=defaults.cpd.largest_council,
            help="Practitioners in the first council (the compliance view's benchmark reads it).",
        )
        parser.add_argument(
            "--placements",
            type=int,
            default=PlacementSizes().placements,
            help="Student placements in a partnership of their own (0: none).",
        )
        parser.add_argument("--seed", type=int, default=1, help="The same seed makes the same data.")
        parser.add_argument("--prefix", default="scale", help="Marks the seeded organisations and emails.")
        parser.add_argument("--today", type=datetime.date.fromisoformat, default=None, help="YYYY-MM-DD")
        parser.add_argument(
            "--force", action="store_true", help="Seed even beside people who were not seeded."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEMO_DATA_ALLOWED:
            raise CommandError(
                "seed_scale refuses to run with these settings (DEMO_DATA_ALLOWED is off): it fills the "
                f"database with invented people. (DJANGO_SETTINGS_MODULE is {settings.SETTINGS_MODULE}.)"
            )
        if options["scale"] <= 0:
            raise CommandError("--scale must be more than 0.")
        sizes = Sizes(
            partnerships=options["partnerships"],
            organisations=options["organisations"],
            nqsws=options["nqsws"],
            evidence=options["evidence"],
            nqsws_per_assessor=options["nqsws_per_assessor"],
            nqsws_per_manager=options["nqsws_per_manager"],
            cpd=CpdSizes(
                practitioners=options["practitioners"],
                records=options["cpd_records"],
                largest_council=options["largest_council"],
            ),
        ).scaled(options["scale"])
        self.stdout.write(
            f"Seeding {sizes.organisations:,} councils in {sizes.partnerships:,} partnerships, "
            f"{sizes.nqsws:,} NQSWs, {sizes.evidence:,} evidence items, {sizes.cpd.practitioners:,} "
            f"practitioners and {sizes.cpd.records:,} CPD records (prefix “{options['prefix']}”)."
        )
        started = time.perf_counter()
        try:
            seed_scale(
                sizes=sizes,
                seed=options["seed"],
                prefix=options["prefix"],
                today=options["today"],
                force=options["force"],
                progress=self.stdout.write,
            )
        except SeedRefused as refused:
            raise CommandError(str(refused)) from refused
        analyse_seeded_tables()
        placements = round(options["placements"] * options["scale"])
        if placements > 0:
            self.stdout.write(f"Seeding {placements:,} placements.")
            seed_placements_scale(
                prefix=options["prefix"],
                sizes=PlacementSizes().scaled(options["scale"], placements=placements),
                today=options["today"] or timezone.localdate(),
                seed=options["seed"],
            )
            analyse_placements_tables()
        seconds = time.perf_counter() - started
        self.stdout.write(self.style.SUCCESS(f"Seeded, committed and analysed in {seconds:.1f} s."))
