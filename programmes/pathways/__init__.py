"""Career pathways as data: the steps of a social work career, what follows each, and the
programmes that lead there. Models live in programmes/models.py; this package holds the rest."""
