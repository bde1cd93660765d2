"""Django admin for claims, evidence and access. Split by area; importing the
modules registers their ModelAdmins (Django autodiscovers only this file)."""

from verification import admin_access, admin_claims, admin_evidence, admin_intake  # noqa: F401
