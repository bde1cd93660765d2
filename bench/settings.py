"""Production-like settings for the HTTP benchmarks: the app's own settings,
with the bench URLconf that adds the bare baseline views beside the real API."""

from config.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
