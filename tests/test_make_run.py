"""`make run` on the embedded default: it serves on PORT (the Procfile's web line
listens where honcho tells it, the printed URL says so), public links follow the
port unless PUBLIC_BASE_URL is set, and neither the seed nor the worker prints
kombu's "No hostname was supplied" warning. Each test starts the real commands
in a folder of its own, so a running `make run` desk is never touched."""

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
WARNING = "No hostname was supplied"
SETTING = (
    "import os, django; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'config.settings'); "
    "django.setup(); from django.conf import settings; print(settings.PUBLIC_BASE_URL)"
)


def embedded_env(folder: Path, **extra) -> dict:
    """The environment of a fresh checkout: no database or broker URL, a var/ of its own."""
    drop = {"DATABASE_URL", "CELERY_BROKER_URL", "CELERY_FILESYSTEM_DIR", "SQLITE_PATH", "CACHE_URL", "PORT"}
    env = {k: v for k, v in os.environ.items() if k not in drop and k != "PUBLIC_BASE_URL"}
    return {**env, "CLAIMDESK_VAR_DIR": str(folder), **extra}


def run(args, env, timeout=180) -> subprocess.CompletedProcess:
    return subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_it_hands_port_to_honcho_and_prints_the_desk_url_on_it():
    out = run(["make", "-n", "run", "PORT=8765"], os.environ, timeout=60).stdout
    assert "honcho start -f Procfile -p 8765" in out
    assert "Claimdesk: http://127.0.0.1:8765/desk/" in out and "127.0.0.1:8000" not in out


def test_the_procfile_serves_the_desk_on_the_port_honcho_hands_it(tmp_path):
    port = free_port()
    web = subprocess.Popen(
        [str(BIN / "honcho"), "start", "-f", "Procfile", "-p", str(port), "web"],
        cwd=ROOT,
        env=embedded_env(tmp_path),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,  # its own process group: stopped below with everything it started
    )
    try:
        deadline, page = time.monotonic() + 90, None
        while page is None and time.monotonic() < deadline and web.poll() is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/accounts/login/", timeout=5) as response:
                    page = (response.status, response.read().decode())
            except OSError:
                time.sleep(0.5)
    finally:
        os.killpg(web.pid, signal.SIGTERM)
        output = web.communicate(timeout=30)[0].decode(errors="replace")
    assert page is not None, f"nothing answered on port {port}:\n{output[-3000:]}"
    assert page[0] == 200 and "Log in" in page[1]


def test_public_links_follow_the_port_unless_set(tmp_path):
    followed = run([sys.executable, "-c", SETTING], embedded_env(tmp_path, PORT="8765"))
    assert followed.stdout.strip().splitlines()[-1] == "http://127.0.0.1:8765", followed.stderr
    chosen = run([sys.executable, "-c", SETTING], embedded_env(tmp_path, PORT="8765", PUBLIC_BASE_URL="https://x.org"))
    assert chosen.stdout.strip().splitlines()[-1] == "https://x.org", chosen.stderr


def test_a_bad_desk_time_zone_stops_start_up_naming_the_variable(tmp_path):
    result = run([sys.executable, "-c", SETTING], embedded_env(tmp_path, CLAIMDESK_TIME_ZONE="Mars/Olympus"))
    assert result.returncode != 0
    assert "CLAIMDESK_TIME_ZONE='Mars/Olympus' is not a time zone name" in result.stderr


def test_the_seed_and_the_worker_print_no_broker_warning_on_the_embedded_default(tmp_path):
    env = embedded_env(tmp_path)
    assert run([sys.executable, "manage.py", "migrate", "--noinput"], env).returncode == 0
    seed = run([sys.executable, "manage.py", "seed"], env)
    assert seed.returncode == 0 and "Seeded from" in seed.stdout, seed.stderr
    assert WARNING not in seed.stdout + seed.stderr

    worker = subprocess.Popen(
        [str(BIN / "celery"), "-A", "config", "worker", "--loglevel=INFO", "--pool=threads", "--concurrency=1"]
        + ["--without-gossip", "--without-mingle", f"--hostname=make-run-{os.getpid()}@localhost"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    lines = []
    try:
        for line in worker.stdout:  # until it is ready: everything it prints on the way
            lines.append(line)
            if " ready." in line:
                break
    finally:
        worker.send_signal(signal.SIGTERM)
        lines += worker.communicate(timeout=60)[0].splitlines(keepends=True)
    output = "".join(lines)
    assert " ready." in output and "filesystem://" in output, output[-3000:]
    assert WARNING not in output
