"""Loaded with -p before Django reads its settings (see pyproject addopts).

Tests get their own var/ (database file, broker folder, media) so they never
touch a running `make run` desk, and generous API rates so throttling does not
make results depend on timing (throttling has its own test).
"""

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
os.environ.setdefault("CLAIMDESK_VAR_DIR", str(ROOT / "var" / "test"))
os.environ.setdefault("CLAIMDESK_ALLOW_LOOPBACK_FETCH", "1")
os.environ.setdefault("CLAIMDESK_API_RATE", "100000/minute")
os.environ.setdefault("CLAIMDESK_API_ANON_RATE", "100000/minute")
os.environ.setdefault("CLAIMDESK_WEBHOOK_RETRY_BASE_SECONDS", "1")  # retries within a second in tests
