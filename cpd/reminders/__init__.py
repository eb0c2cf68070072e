"""CPD reminders (issue 18): the renewal window opening, the steps before the registration
year's end, and a weekly summary of who is at risk to each principal social worker. Produced
for the core's reminder engine (docs/adr/0013-reminder-engine.md) and registered from
`CpdConfig.ready()`."""
