"""Feedback from people without an account: the NQSW asks someone (a person who uses services,
or another professional) through a one-time link sent by email or a short code shown on their
phone; the giver answers a short plain-language form and the answer lands as a draft evidence
item on the NQSW's record, for the NQSW to review and submit."""
