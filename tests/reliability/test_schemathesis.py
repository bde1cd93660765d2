"""Schemathesis over every operation of /api/schema/, as each kind of key.

For each operation and each of a read key, a review key (a fact-checker's)
and an admin key (an admin's), Schemathesis generates valid and invalid
requests from the schema; path ids are drawn half from objects that exist
(the seed story plus a webhook, a delivery and an intake proposal), half
from the schema. Every response must be no server error, have a status code,
content type, headers and body the schema documents. Failures are collected,
not shrunk, so one run lists them all.

The requests go through the WSGI application in this process (no server,
no network); name resolution is refused, so no generated URL is looked up.
"""

import socket
from collections import Counter

import pytest
import schemathesis
from django.core.management import call_command
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from sources.models import Source
from verification.api.keys import create_key
from verification.models import Claim, Evidence, WebhookDelivery, WebhookEndpoint, WebhookEvent
from verification.models.intake import IntakeBatch, Proposal
from verification.webhooks.delivery import new_secret

pytestmark = pytest.mark.django_db

EXAMPLES = 10  # per operation, per key, per generation mode
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]


@pytest.fixture
def keep_test_connection():
    """Django's test client does this too: a real WSGI request would close
    the database connection at its end, and with it the test's transaction."""
    signals = (request_started, request_finished)
    for signal in signals:
        signal.disconnect(close_old_connections)
    yield
    for signal in signals:
        signal.connect(close_old_connections)


@pytest.fixture
def numeric_names_only(monkeypatch):
    """Generated webhook and evidence URLs name random hosts: never look them up."""
    real = socket.getaddrinfo

    def getaddrinfo(host, port, family=0, type=0, proto=0, flags=0):
        return real(host, port, family, type, proto, flags | socket.AI_NUMERICHOST)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)


def existing_ids(alice, erin) -> dict[str, list[int]]:
    """Objects worth addressing, by the collection their paths start with."""
    call_command("seed", verbosity=0)
    endpoint = WebhookEndpoint.objects.create(url="http://127.0.0.1:9/hook", secret=new_secret())
    event = WebhookEvent(type="webhook.ping", payload={"type": "webhook.ping", "data": {}})
    event.save()
    delivery = WebhookDelivery.objects.create(endpoint=endpoint, event=event, status="delivered", attempts=1)
    batch = IntakeBatch.objects.create(created_by=alice, text="The mayor said the bridge is closed.", status="done")
    proposal = Proposal.objects.create(batch=batch, position=0, text="The bridge is closed.")
    return {
        "claims": list(Claim.objects.values_list("pk", flat=True)) or [1],
        "sources": list(Source.objects.values_list("pk", flat=True)[:20]) or [1],
        "webhooks": [endpoint.pk],
        "deliveries": [delivery.pk],
        "intake": [batch.pk],
        "proposals": [proposal.pk],
        "evidence": list(Evidence.objects.values_list("pk", flat=True)[:5]) or [1],
    }


def collection(path: str) -> str:
    for name in ("deliveries", "proposals", "webhooks", "intake", "sources", "claims"):
        if f"/{name}/" in path:
            return name
    return "claims"


def fuzz(operation, key: str, ids: list[int], tally: Counter, failures: list) -> None:
    strategy = st.one_of(operation.as_strategy(GenerationMode.POSITIVE), operation.as_strategy(GenerationMode.NEGATIVE))

    @settings(
        max_examples=EXAMPLES * 2,
        deadline=None,
        database=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=strategy, pick=st.one_of(st.none(), st.sampled_from(ids)))
    def run(case, pick):
        if pick is not None and case.path_parameters and "id" in case.path_parameters:
            case.path_parameters["id"] = pick
        headers = {"Authorization": f"Bearer {key}"}
        response = case.call(headers=headers)
        tally["cases"] += 1
        tally[f"status {response.status_code}"] += 1
        try:
            case.validate_response(response, checks=CHECKS, headers=headers)
        except (Exception, BaseExceptionGroup) as exc:  # noqa: BLE001 - collected and reported together below
            failures.append(
                f"{operation.method.upper()} {operation.path} -> {response.status_code}: {str(exc).strip()[:1500]}"
            )

    run()


def test_it_answers_every_generated_request_as_the_schema_says(
    alice, adam, erin, numeric_names_only, keep_test_connection, figures
):
    ids = existing_ids(alice, erin)
    keys = {
        "read": create_key("fuzz read", "read")[1],
        "review": create_key("fuzz review", "review", user=alice)[1],
        "admin": create_key("fuzz admin", "admin", user=adam)[1],
    }
    schema = schemathesis.openapi.from_wsgi("/api/schema/", get_wsgi_application())
    operations = [result.ok() for result in schema.get_all_operations()]
    tally, failures = Counter(), []
    for operation in operations:
        for key in keys.values():
            fuzz(operation, key, ids[collection(operation.path)], tally, failures)
    figures(
        "schemathesis",
        operations=len(operations),
        keys=len(keys),
        cases=tally["cases"],
        server_errors=sum(n for s, n in tally.items() if s.startswith("status 5")),
        failures=len(failures),
    )
    assert not failures, f"{len(failures)} of {tally['cases']} responses break the schema:\n\n" + "\n\n".join(
        dict.fromkeys(failures)
    )
