"""Every admin page renders for an admin and is refused to a fact-checker.

The list of pages comes from the admin registry, so a newly registered model
is covered (and fails here until the fixture creates one of it)."""

import pytest
from django.contrib import admin
from django.contrib.admin.utils import quote
from django.test import RequestFactory
from django.urls import reverse

from tests.conftest import PASSWORD
from tests.verification.admin_fixtures import populate

# Models whose add page an admin may not use: history is append-only, keys are
# issued elsewhere, evidence is added on its claim, accounts are managed by superusers.
NO_ADD = {
    "auth.user",
    "auth.group",
    "sources.sourcegrade",
    "sources.sourceevent",
    "sources.trackrecord",
    "verification.assessment",
    "verification.claimevent",
    "verification.custodyevent",
    "verification.storedfile",
    "verification.preview",
    "verification.mediametadata",
    "verification.mediahash",
    "verification.trustedtimestamp",
    "verification.keyframeset",
    "verification.keyframe",
    "verification.snapshot",
    "verification.webhookevent",
    "verification.webhookdelivery",
    "verification.notification",
    "verification.deskprofile",
    "verification.verdicttranslation",
    "verification.mediareview",
    "verification.workerheartbeat",
    "verification.apikey",
    "verification.evidence",
    "verification.intakebatch",
    "verification.proposal",
    "verification.calibrationsnapshot",
    "verification.suggestionmodel",
    "verification.correction",
    # The desk's discussion and checklist ticks are written on the desk and through the API only.
    "verification.comment",
    "verification.commentrevision",
    "verification.checklisttick",
    "verification.brokerfailure",
    "verification.idempotentrequest",
    # Reviews by other organisations come only through an import (the list's "Import ClaimReview" page).
    "verification.externalreview",
    "verification.externalreviewimport",
    # django-axes' own admin: lockouts are recorded by login attempts, never added by hand.
    "axes.accessattempt",
    "axes.accesslog",
    "axes.accessfailurelog",
}


def pages():
    for model, model_admin in admin.site._registry.items():
        opts = model._meta
        obj = model._default_manager.order_by("pk").first()
        assert obj is not None, f"populate() must create a {opts.label} so its admin pages are tested"
        yield (
            opts.label_lower,
            model_admin,
            [
                ("changelist", reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")),
                ("search", reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist") + "?q=bud"),
                ("add", reverse(f"admin:{opts.app_label}_{opts.model_name}_add")),
                ("change", reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[quote(obj.pk)])),
            ],
        )


@pytest.mark.django_db
def test_it_renders_every_admin_page_for_an_admin(client, adam, alice, erin):
    populate(alice, erin)
    client.login(username="adam", password=PASSWORD)
    request = RequestFactory().get("/admin/")
    request.user = adam
    failures, seen = [], set()
    for label, model_admin, urls in pages():
        seen.add(label)
        for page, url in urls:
            expected = 403 if page == "add" and label in NO_ADD else 200
            status = client.get(url).status_code
            if status != expected:
                failures.append(f"{label} {page} {url}: {status}, expected {expected}")
        assert model_admin.has_add_permission(request) == (label not in NO_ADD), label
    assert not failures, "\n".join(failures)
    assert {"sources.source", "verification.claim", "verification.apikey", "verification.webhookendpoint"} <= seen


@pytest.mark.django_db
def test_it_sends_a_fact_checker_to_the_login_page_from_every_admin_page(client, alice, erin):
    populate(alice, erin)
    client.login(username="alice", password=PASSWORD)
    failures = []
    for label, _, urls in pages():
        for page, url in urls:
            response = client.get(url)
            if response.status_code != 302 or "/admin/login/" not in response["Location"]:
                failures.append(f"{label} {page}: {response.status_code} {response.get('Location')}")
    assert not failures, "\n".join(failures)


def test_it_registers_every_model_of_the_project():
    from django.apps import apps

    missing = [
        model._meta.label
        for app in ("sources", "verification")
        for model in apps.get_app_config(app).get_models()
        if model not in admin.site._registry
    ]
    assert missing == [], "register these in sources/admin.py or verification/admin_*.py"
