"""Demo data loaders. `manage.py load_demo` loads the core's demo academy (organisations,
people, one sign-in per role; `academy/demo.py`) and then each registered loader, lowest
`order` first (ties in the order registered). Loaders take no arguments, find the demo people
and organisations by their email addresses and slugs, and must be idempotent: `make demo` runs
them again on every call, and a second run changes nothing."""

from collections.abc import Callable
from dataclasses import dataclass

from .base import Registry

DemoLoader = Callable[[], None]


@dataclass(frozen=True)
class DemoRegistration:
    name: str
    loader: DemoLoader
    order: int


demo_loaders = Registry[DemoRegistration]("demo data loader")


def register_demo_loader(loader: DemoLoader, *, order: int = 100, name: str = "") -> DemoRegistration:
    """Add `loader`; `name` defaults to its module and function name."""
    name = name or f"{loader.__module__}.{loader.__qualname__}"
    return demo_loaders.register(name, DemoRegistration(name, loader, order))


def run_demo_loaders() -> list[str]:
    """Run every registered loader in order; the names of those run."""
    ordered = sorted(enumerate(demo_loaders.entries()), key=lambda pair: (pair[1].order, pair[0]))
    for _, registration in ordered:
        registration.loader()
    return [registration.name for _, registration in ordered]
