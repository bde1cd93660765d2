"""The figures the reliability suite produces, for RELIABILITY.md.

Each test records what it did (kills survived, races run, cases generated...)
under its own section of ``var/reliability/figures.json``, keyed by the run
(database and broker), so the PostgreSQL and SQLite runs of CI keep their own
numbers. ``python -m tests.reliability.figures`` prints them as Markdown.
"""

import fcntl
import json
import os
import sys
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FIGURES = Path(os.environ.get("RELIABILITY_FIGURES", ROOT / "var" / "reliability" / "figures.json"))


def run_name() -> str:
    """'postgresql+redis', 'sqlite+filesystem', ...: which run produced a figure."""
    from django.conf import settings
    from django.db import connection

    broker = settings.CELERY_BROKER_URL.split(":", 1)[0]
    return f"{connection.vendor}+{broker}"


def record(section: str, **values) -> None:
    """Merge ``values`` into ``section`` of this run, under a file lock (two
    runs may write at once)."""
    FIGURES.parent.mkdir(parents=True, exist_ok=True)
    with open(FIGURES.with_suffix(".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        data = json.loads(FIGURES.read_text()) if FIGURES.exists() else {}
        run = data.setdefault(run_name(), {})
        # Merged, so tests that fill one section in parts (one per role) add up.
        run[section] = {**run.get(section, {}), **values, "at": datetime.now(UTC).isoformat(timespec="seconds")}
        tmp = FIGURES.with_suffix(".tmp")
        tmp.write_text(json.dumps(data, indent=2, sort_keys=True) + "\n")
        tmp.replace(FIGURES)


def markdown(data: dict) -> str:
    lines = []
    for run, sections in sorted(data.items()):
        lines += [f"### Run: {run}", "", "| test | figure | value |", "| --- | --- | --- |"]
        for section, values in sorted(sections.items()):
            for name, value in values.items():
                if name != "at":
                    lines.append(f"| {section} | {name} | {value} |")
        lines.append("")
    return "\n".join(lines)


if __name__ == "__main__":
    path = Path(sys.argv[1]) if len(sys.argv) > 1 else FIGURES
    print(markdown(json.loads(path.read_text())))
