"""Fixtures of the reliability suite: private Redis and PostgreSQL instances,
the figures file, and how many faults to inject.

RELIABILITY_KILLS (default 20) sets the number of worker kills; CI runs the
default, `RELIABILITY_KILLS=100 make test` runs the long version.
"""

import os
import shutil
import tempfile
from pathlib import Path

import pytest

from tests.reliability import figures as figures_file
from tests.reliability.services import PrivatePostgres, PrivateRedis


@pytest.fixture(scope="session")
def kills() -> int:
    return int(os.environ.get("RELIABILITY_KILLS", "20"))


@pytest.fixture
def figures():
    """figures(section, name=value, ...) writes to var/reliability/figures.json."""
    return figures_file.record


@pytest.fixture(scope="session")
def private_redis(tmp_path_factory):
    server = PrivateRedis(tmp_path_factory.mktemp("redis")).start()
    yield server
    server.stop()


@pytest.fixture
def private_postgres():
    # Not under pytest's tmp dir: that one is private to root, and the
    # cluster runs as the postgres user.
    workdir = Path(tempfile.mkdtemp(prefix="claimdesk-pg-"))
    cluster = PrivatePostgres(workdir).init()
    cluster.start()
    yield cluster
    cluster.stop("immediate")
    shutil.rmtree(workdir, ignore_errors=True)
