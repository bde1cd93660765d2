"""The desk served by gunicorn against a private PostgreSQL cluster, for the
restart test: set up, load, and read back.

Run as a script (``python tests/reliability/pg_app.py setup|replay``) with
DATABASE_URL pointing at the private cluster, it prepares the data or checks
the history there, so the test process never changes its own connection.
"""

import json
import os
import random
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
REVIEWERS = 6
CLAIMS = 200


def script(command: str, env: dict) -> str:
    result = subprocess.run(
        [sys.executable, str(Path(__file__)), command], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout


def start_gunicorn(port: int, env: dict, log: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "config.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "2",
            "--worker-class",
            "gthread",
            "--threads",
            "4",
            "--timeout",
            "30",
            "--graceful-timeout",
            "3",
        ],
        cwd=ROOT,
        env=env,
        stdout=open(log, "ab"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


@dataclass
class Outcome:
    at: float
    op: str
    status: int
    content_type: str = ""
    body: dict = field(default_factory=dict)


class Load:
    """Reviewers take claims and assess or release them, readers poll statuses, until stopped."""

    def __init__(self, base: str, keys: dict, claims: list[int]):
        import requests

        self.base, self.keys, self.claims = base, keys, claims
        self.requests = requests
        self.outcomes: list[Outcome] = []
        self.assessed: dict[int, str] = {}  # claim id -> reviewer, for each 200 answer
        self.lock = threading.Lock()
        self.stop = threading.Event()

    def call(self, session, op, method, path, **kwargs):
        try:
            response = session.request(method, self.base + path, timeout=10, **kwargs)
        except self.requests.RequestException as exc:
            outcome = Outcome(time.monotonic(), op, 0, body={"error": type(exc).__name__})
        else:
            try:
                body = response.json()
            except ValueError:
                body = {"raw": response.text[:300]}
            outcome = Outcome(
                time.monotonic(),
                op,
                response.status_code,
                response.headers.get("Content-Type", ""),
                body if isinstance(body, dict) else {"list": True},
            )
        with self.lock:
            self.outcomes.append(outcome)
        return outcome

    def reviewer(self, name: str):
        session = self.requests.Session()
        session.headers["Authorization"] = f"Bearer {self.keys[name]}"
        while not self.stop.is_set():
            taken = self.call(session, "take", "POST", "/api/v1/queue/next")
            if taken.status != 200:
                time.sleep(0.05)
                continue
            claim = taken.body
            if random.random() < 0.5:  # give it back: the queue never runs dry
                self.call(
                    session,
                    "release",
                    "POST",
                    f"/api/v1/claims/{claim['id']}/release",
                    json={"version": claim["version"]},
                )
                continue
            done = self.call(
                session,
                "assess",
                "POST",
                f"/api/v1/claims/{claim['id']}/assess",
                json={
                    "version": claim["version"],
                    "verdict": "unproven",
                    "confidence": 0.5,
                    "rationale": "Could not confirm.",
                },
            )
            if done.status == 200:
                with self.lock:
                    self.assessed[claim["id"]] = name

    def reader(self):
        session = self.requests.Session()
        session.headers["Authorization"] = f"Bearer {self.keys['read']}"
        i = 0
        while not self.stop.is_set():
            i += 1
            self.call(session, "status", "GET", f"/api/v1/claims/{self.claims[i % len(self.claims)]}/status")

    def run(self) -> list[threading.Thread]:
        threads = [threading.Thread(target=self.reviewer, args=(f"r{i}",), daemon=True) for i in range(REVIEWERS)]
        threads += [threading.Thread(target=self.reader, daemon=True) for _ in range(2)]
        for thread in threads:
            thread.start()
        return threads


# --- Run inside the private database (as a script) ---------------------------------


def _setup() -> dict:
    from django.contrib.auth.models import Group, User

    from sources.roles import FACT_CHECKERS, ensure_roles
    from verification.api.keys import create_key
    from verification.workflow.claims import ClaimInput, create_claim

    ensure_roles()
    group = Group.objects.get(name=FACT_CHECKERS)
    keys = {"read": create_key("load read", "read")[1]}
    for i in range(REVIEWERS):
        user = User.objects.create_user(f"r{i}")
        user.groups.add(group)
        keys[f"r{i}"] = create_key(f"load r{i}", "review", user=user)[1]
    claims = [create_claim(None, ClaimInput(text=f"Restart claim {i}: the port is closed.")).pk for i in range(CLAIMS)]
    return {"keys": keys, "claims": claims}


def _replay() -> dict:
    from tests.reliability.replay import assert_history_replays
    from verification.models import Assessment, Claim, ClaimEvent

    events = assert_history_replays()
    return {
        "events": events,
        "assessments": Assessment.objects.count(),
        "assessed_events": ClaimEvent.objects.filter(kind="assessed").count(),
        "awaiting": dict(Claim.objects.filter(state="awaiting_signoff").values_list("pk", "last_reviewer__username")),
        "dangling": Claim.objects.filter(state="awaiting_signoff", pending_assessment__isnull=True).count(),
    }


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    print(json.dumps({"setup": _setup, "replay": _replay}[sys.argv[1]]()))
