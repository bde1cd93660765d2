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


@pytest.mark.django_db
def test_it_lets_reviewers_and_editors_discuss_and_tick_and_only_admins_define_checklists(alice, erin, adam, carol):
    talk_and_tick = {"verification.add_comment", "verification.add_checklisttick"}
    define = {"verification.add_checklisttemplate", "verification.change_checklistitem"}
    for worker in (alice, erin, adam):
        assert all(worker.has_perm(p) for p in talk_and_tick), worker
    assert not any(carol.has_perm(p) for p in talk_and_tick | define)
    assert not any(user.has_perm(p) for user in (alice, erin) for p in define)
    assert all(adam.has_perm(p) for p in define)
    # Nobody deletes or changes the append-only rows, admins included; a ticked list is retired, not deleted.
    history = {
        "verification.change_comment",
        "verification.delete_comment",
        "verification.add_commentrevision",
        "verification.change_checklisttick",
        "verification.delete_checklisttick",
        "verification.delete_checklisttemplate",
    }
    assert not any(user.has_perm(p) for user in (alice, erin, adam) for p in history)
