"""The reminder engine: what is due, to whom, and how each person hears of it.

    models.py     Reminder (one row per reminder, unique key), preferences, digest settings
    services.py   the producer sweep, the delivery sweep, the daily digest, preferences, retry
    selectors.py  the operator page and the preferences page
    emails.py     the outbox kinds: one reminder, and the daily digest
    tasks.py      the periodic tasks (academy/schedules.py declares when they run)
    views.py      operators' list and retry; everyone's preferences

Apps plug in producers through `academy.registry.reminders`; docs/adr/0013-reminder-engine.md
explains the choices."""
