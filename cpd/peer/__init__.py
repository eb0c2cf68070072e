"""Asking a peer to confirm that a peer-reflection conversation took place: a one-time email
link (through the core's outbox) that tells the peer only the person's name and the date."""
