"""Moderation of ASYE portfolios: panels, their members (external moderators included), the
portfolios allocated to them, the checklist and decision per portfolio, and the employer's final
decision that completes (or ends) the year and locks the record (asye/lock.py)."""
