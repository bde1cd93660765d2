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


@pytest.fixture(autouse=True)
def _default_language():
    """A request in Ukrainian leaves its language active in the thread (Django
    never deactivates it); the next test starts in the desk's default again."""
    yield
    from django.utils import translation

    translation.deactivate()


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


# --- Query counts: the view's queries, not the rate limiter's -------------------------------------

CACHE_TABLE = "claimdesk_cache"


def _view_queries(captured: list[dict]) -> list[str]:
    """The SQL a request ran for itself. On the embedded default the shared
    rate-limit counters live in a database table (verification/api/throttling.py);
    their statements, and the savepoint each counter update opens, belong to the
    throttle, which has its own tests, not to the view whose queries are pinned."""
    sql = [q["sql"] for q in captured]
    drop = set()
    for i, statement in enumerate(sql):
        if CACHE_TABLE not in statement:
            continue
        drop.add(i)
        opened = next((j for j in range(i - 1, -1, -1) if sql[j].startswith("SAVEPOINT")), None)
        if opened is not None and all(CACHE_TABLE in sql[k] or k in drop for k in range(opened + 1, i)):
            name = sql[opened].split()[-1]
            drop.add(opened)
            for k in range(i + 1, len(sql)):  # ROLLBACK TO and RELEASE of the same savepoint
                if "SAVEPOINT" in sql[k] and sql[k].endswith(name):
                    drop.add(k)
                    if sql[k].startswith("RELEASE"):
                        break
    return [statement for i, statement in enumerate(sql) if i not in drop]


def _counting(exact: bool):
    from contextlib import contextmanager

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    @contextmanager
    def assert_queries(num: int, connection=connection, info: str | None = None):
        with CaptureQueriesContext(connection) as context:
            yield context
        done = _view_queries(context.captured_queries)
        if (len(done) != num) if exact else (len(done) > num):
            listing = "\n\n".join(done)
            pytest.fail(
                f"Expected {'' if exact else 'at most '}{num} queries but {len(done)} were done"
                + (f"\n{info}" if info else "")
                + f"\n\nQueries:\n========\n\n{listing}"
            )

    return assert_queries


@pytest.fixture
def django_assert_num_queries(db):
    """pytest-django's fixture, counting the view's queries only (see _view_queries)."""
    return _counting(exact=True)


@pytest.fixture
def django_assert_max_num_queries(db):
    return _counting(exact=False)
