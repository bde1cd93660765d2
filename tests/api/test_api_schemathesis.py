"""Schemathesis against /api/schema/: generated requests to every operation,
as an admin key, must never get a 5xx, and every answer must match the schema
(status code listed, content type, body).

Bounded (a few examples per operation, derandomised) to keep CI fast. The
calls go to the WSGI app in process; a guard refuses any socket or name
lookup beyond loopback, since generated webhook and evidence URLs name
hosts on the internet.
"""

import ipaddress
import json
import socket

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.api.core_support import make_key, publish

EXAMPLES = 6


@pytest.fixture
def loopback_only(monkeypatch):
    """Names resolve only if they are IP literals; connections only to loopback."""
    real_getaddrinfo, real_connect = socket.getaddrinfo, socket.socket.connect

    def getaddrinfo(host, *args, **kwargs):
        try:
            ipaddress.ip_address(host.decode() if isinstance(host, bytes) else str(host))
        except ValueError:
            raise socket.gaierror(socket.EAI_NONAME, "no DNS in tests") from None
        return real_getaddrinfo(host, *args, **kwargs)

    def connect(sock, address):
        if not ipaddress.ip_address(str(address[0]).split("%")[0]).is_loopback:
            raise ConnectionRefusedError(f"tests stay on loopback, not {address!r}")
        return real_connect(sock, address)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    monkeypatch.setattr(socket.socket, "connect", connect)


@pytest.fixture
def in_process_wsgi():
    """Django's test client does this too: a request ending must not close
    the connection that holds the test's transaction."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def _load_schema():
    """The schema /api/schema/ serves, built at collection without a request
    (schemathesis' lazy fixture loader does not work with this pytest)."""
    from drf_spectacular.generators import SchemaGenerator
    from drf_spectacular.renderers import OpenApiJsonRenderer

    from config.wsgi import application

    raw = json.loads(OpenApiJsonRenderer().render(SchemaGenerator().get_schema(request=None, public=True)))
    loaded = schemathesis.openapi.from_dict(raw)
    loaded.app = application
    return loaded


schema = _load_schema()


@pytest.fixture(autouse=True)
def claims(db, in_process_wsgi, loopback_only, alice, erin, make_claim, make_source):
    """Some rows, so generated ids sometimes exist."""
    source = make_source()
    made = [
        make_claim(
            text=f"Claim {i} about troops",
            sources=[(source, "stated")],
            appearances=[{"url": f"https://news.example/{i}"}],
        )
        for i in range(3)
    ]
    publish(made[0], alice, erin)
    return made


@pytest.fixture
def admin_key(adam):
    return make_key("admin", adam)


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)
def test_it_answers_generated_requests_without_5xx_and_as_documented(case, admin_key):
    case.call_and_validate(
        headers={"Authorization": f"Bearer {admin_key}"},
        checks=[not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance],
    )
