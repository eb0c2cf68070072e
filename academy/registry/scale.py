"""Seeders that join `manage.py seed_scale` (asye/scale_seed.py) without the seeding app
importing them: an app whose data the national benchmark seed should hold (programmes, say)
registers one from its `AppConfig.ready()`.

A seeder is called inside the seed's transaction, after the organisations, people, ASYE and
CPD, as `seed(councils=..., rng=..., prefix=..., factor=..., use_copy=...)`: `councils` are the
seeded councils' ids (first the largest), `factor` the run's --scale. It returns how many rows of
each kind it wrote. `models` are the tables it fills, analysed after the seed."""

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.db.models import Model

from .base import Registry

Seed = Callable[..., dict[str, int]]


@dataclass(frozen=True)
class ScaleSeeder:
    name: str
    seed: Seed
    models: tuple[type[Model], ...] = ()


scale_seeders = Registry[ScaleSeeder]("scale seeder")


def register_scale_seeder(*, name: str, seed: Seed, models: Sequence[type[Model]] = ()) -> ScaleSeeder:
    return scale_seeders.register(name, ScaleSeeder(name, seed, tuple(models)))


def registered_scale_seeders() -> list[ScaleSeeder]:
    return scale_seeders.entries()
