"""The outbox: every email the portal sends is a row first, then a send.

    models.py    OutboxMessage, one row per email
    registry.py  the kinds of email and how each is built at send time
    services.py  enqueue, the sweep that claims, sends and marks, and the operator's retry
    selectors.py what the operator page lists
    tasks.py     the periodic sweep and the on-commit shortcut
    emails.py    the core's own kinds: notifications and invitations
    account_emails.py  allauth's emails (password reset, confirmation...), links minted at send time

docs/adr/0007-outbox.md explains why it works this way."""
