"""Progress reviews of an ASYE record: foundational (3 months), midpoint (6), the optional
nine-month review and the final review, due on the dates the record computes."""
