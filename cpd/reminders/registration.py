"""Registers the CPD reminder producers with the core, and the demo's replay of the latest CPD
reminder, from `CpdConfig.ready()`."""

from academy.registry.demo import register_demo_loader
from academy.registry.reminders import register_reminder_producer

from . import producers
from .demo import load_cpd_reminders_demo

RENEWAL_PRODUCER = "cpd.renewal"
PSW_PRODUCER = "cpd.psw_at_risk"


def register_reminders() -> None:
    register_reminder_producer(
        name=RENEWAL_PRODUCER,
        produce=producers.renewal_reminders,
        kinds=[producers.RENEWAL_WINDOW, producers.DEADLINE],
        description="CPD: the renewal window opening and the steps before the year's end, to each person.",
    )
    register_reminder_producer(
        name=PSW_PRODUCER,
        produce=producers.psw_at_risk_summaries,
        kinds=[producers.PSW_SUMMARY],
        description="CPD: a weekly summary of who is at risk, to each principal social worker.",
    )
    # After the engine's own demo step (order 1000), which runs every producer at today's date.
    register_demo_loader(load_cpd_reminders_demo, order=1010, name="cpd.reminders")
