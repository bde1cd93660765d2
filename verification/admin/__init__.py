"""Django admin for every model, sources' included. Split by area; importing the
modules registers their ModelAdmins (Django autodiscovers only this package)."""

from verification.admin import access, checklists, claims, evidence, external, intake, sources  # noqa: F401
