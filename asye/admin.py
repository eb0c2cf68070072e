"""The ASYE app's Django admin registrations (found by Django's admin autodiscovery)."""

from .moderation import admin as moderation_admin  # noqa: F401  (registers the moderation admins)
