"""Shared fixtures: personas, a real Celery worker, service gates.

Personas (healthchecks style): alice and bob are fact-checkers, erin and
frank are editors, adam is an admin, carol has an account but no role.
"""

import pytest

from tests.services import fail_undocumented_skip_in_ci

PASSWORD = "correct-horse-battery-staple"


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    # Tests may not vanish from CI: see tests/services.py.
    return fail_undocumented_skip_in_ci((yield), call.excinfo)


@pytest.hookimpl(wrapper=True)
def pytest_make_collect_report(collector):
    # A module skipped whole (pytest.skip(allow_module_level=True), importorskip) vanishes too.
    return fail_undocumented_skip_in_ci((yield), None)


def make_user(username, role=None, **extra):
    from django.contrib.auth.models import Group, User

    from sources.roles import ADMINS, ensure_roles

    ensure_roles()
    user = User.objects.create_user(username, f"{username}@example.org", PASSWORD, is_staff=(role == ADMINS), **extra)
    if role:
        user.groups.add(Group.objects.get(name=role))
    return user


@pytest.fixture
def alice(db):
    from sources.roles import FACT_CHECKERS

    return make_user("alice", FACT_CHECKERS)


@pytest.fixture
def bob(db):
    from sources.roles import FACT_CHECKERS

    return make_user("bob", FACT_CHECKERS)


@pytest.fixture
def erin(db):
    from sources.roles import EDITORS

    return make_user("erin", EDITORS)


@pytest.fixture
def frank(db):
    from sources.roles import EDITORS

    return make_user("frank", EDITORS)


@pytest.fixture
def adam(db):
    from sources.roles import ADMINS

    return make_user("adam", ADMINS)


@pytest.fixture
def carol(db):
    return make_user("carol")


@pytest.fixture
def make_claim(db):
    """Create a claim through the same action the API and pages use."""
    from verification.workflow.claims import AttributionInput, ClaimInput, create_claim

    def _make(text="North Korea has sent 11,000 soldiers to Russia.", actor=None, priority=50, sources=(), **kwargs):
        attributions = [AttributionInput(source=s, role=r) for s, r in sources]
        return create_claim(actor, ClaimInput(text=text, priority=priority, attributions=attributions, **kwargs))

    return _make


@pytest.fixture
def make_source(db):
    from sources.models import Source

    def _make(name="Kyrylo Budanov", kind="person", **kwargs):
        return Source.objects.create(name=name, kind=kind, **kwargs)

    return _make


@pytest.fixture(scope="session")
def celery_worker(django_db_setup, django_db_blocker, tmp_path_factory):
    """One real worker for the session, on Redis when configured, else on the
    embedded filesystem broker. Tests using it need transaction=True."""
    from tests.worker import CeleryWorker

    with django_db_blocker.unblock():
        worker = CeleryWorker(tmp_path_factory.mktemp("celery") / "worker.log").start()
    yield worker
    worker.stop()


@pytest.fixture
def seeded(db):
    from django.core.management import call_command

    call_command("seed", verbosity=0)


@pytest.fixture(autouse=True, scope="session")
def fast_password_hashing():
    """Personas are created in most tests; PBKDF2 at full strength costs ~0.5 s
    each. Password hashing itself is Django's, not ours, so a fast hasher
    loses no coverage."""
    from django.conf import settings

    if settings.configured:
        settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def sent_tasks(monkeypatch):
    """What verification.enqueue hands to the broker, in order, as (task name, [args], options).

    Celery's publish is the boundary recorded here (our own code runs unmocked),
    for tests that check *that* work was sent; the queue tests run a real worker."""
    from celery import current_app

    sent = []

    def record(name, args=(), **options):
        sent.append((name, list(args), {k: v for k, v in options.items() if v is not None}))

    monkeypatch.setattr(current_app, "send_task", record)
    return sent
