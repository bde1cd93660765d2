"""RELIABILITY.md maps each OWASP API Security Top 10 (2023) risk to tests.
The map must stay true: every risk has a row, and every test it names
exists (a renamed or deleted test fails here, not silently in the doc)."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
RISKS = [f"API{n}:2023" for n in range(1, 11)]
CITED = re.compile(r"`(tests/[\w/]+\.py)::(test_\w+)`")


def owasp_rows() -> dict[str, str]:
    text = (ROOT / "RELIABILITY.md").read_text()
    section = text.split("## OWASP API Security Top 10", 1)[1].split("\n## ", 1)[0]
    return {line.split("|")[1].strip(): line for line in section.splitlines() if line.startswith("| API")}


def test_it_maps_every_owasp_api_risk_to_tests_that_exist():
    rows = owasp_rows()
    assert [key.split(" ")[0] for key in rows] == RISKS
    missing = []
    for risk, row in rows.items():
        cited = CITED.findall(row)
        assert len(cited) >= 2, f"{risk} names fewer than two tests"
        for path, name in cited:
            source = ROOT / path
            if not source.exists() or not re.search(rf"def {name}\(", source.read_text()):
                missing.append(f"{risk}: {path}::{name}")
    assert not missing, "RELIABILITY.md names tests that do not exist:\n" + "\n".join(missing)
