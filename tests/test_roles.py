"""The roles exist after migrate with every permission they list."""

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command

from sources.roles import ADMINS, ROLE_PERMISSIONS, ensure_roles


@pytest.mark.django_db
def test_it_grants_every_listed_permission_after_migrate():
    assert ensure_roles() == [], "a role lists a permission that no migrated model has"
    for role, codes in ROLE_PERMISSIONS.items():
        group = Group.objects.get(name=role)
        granted = {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.select_related("content_type")}
        assert granted == set(codes), role


@pytest.mark.django_db
def test_it_restores_the_roles_when_migrate_runs_again():
    Group.objects.get(name=ADMINS).permissions.clear()
    call_command("migrate", verbosity=0)
    assert Group.objects.get(name=ADMINS).permissions.count() == len(set(ROLE_PERMISSIONS[ADMINS]))
