"""The support and assessment agreement and the professional development plans of an ASYE
record: models, rules read from the programme version's form definitions, selectors, services,
forms, presenters and pages. Kept apart from the record (asye/) and from evidence so each part
reads on its own; the models are registered through `asye/models.py`."""
