"""Plug-in points: how a domain app adds to the core without the core importing it.

Each registry is one small module. An app registers from its `AppConfig.ready()`:

    class CpdConfig(AppConfig):
        def ready(self) -> None:
            from academy.navigation import register_nav
            from academy.registry import demo, home_panels, reminders, used_in
            from . import panels, selectors

            register_nav(label="CPD", url_name="cpd:ledger", order=40, count=selectors.nav_count)
            home_panels.register_home_panel(name="cpd.hours", title="Your CPD", ...)
            used_in.register_used_in(kind=used_in.CPD_RECORD, name="asye.evidence", provider=...)
            demo.register_demo_loader(load_cpd_demo, order=20)
            reminders.register_reminder_producer(name="cpd.renewal", produce=..., kinds=[...])

- navigation entries (roles, a per-request condition, a count badge): `academy.navigation`,
  read by the header on every page;
- home-page panels: `academy.registry.home_panels`, read by `academy:home`;
- "used in" providers (where a CPD record is cited): `academy.registry.used_in`, read by the
  record's page;
- demo data loaders: `academy.registry.demo`, run by `manage.py load_demo`;
- reminder producers: `academy.registry.reminders`, run by the reminder engine
  (`academy/reminders/`), which stores, delivers and cancels what they say is due.

Every registry is a `Registry`: named entries, registering the same entry twice is harmless,
two different entries under one name is a configuration error, and `registered()` adds an entry
for the length of a `with` block (tests)."""

from .base import Registry

__all__ = ["Registry"]
