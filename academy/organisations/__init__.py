"""Organisations' own settings: their name, header colour and the thresholds the pages use
("evidence waiting longer than N days"). A setting left empty follows the partnership above,
then the deployment's default from Django settings (`organisation_settings_for`). Academy admins
change them for their organisation and the organisations beneath it."""
