"""The portfolio export: the whole ASYE portfolio as one PDF, and a ZIP of that PDF with the
attachments of every accepted item, built by a Celery task (`tasks.portfolio_export_build`), in a
full copy or an anonymised copy for moderation. The PDF is an ordered list of sections
(`sections.py`): another part of the app adds its own with one `register_section(...)` call."""
