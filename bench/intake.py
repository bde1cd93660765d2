"""How well does the rule-based extractor find claims and their sources?

Run from the repository root::

    python -m bench.intake                      # bench/intake_stories.json
    python -m bench.intake other_stories.json   # any file in the same format
    python -m bench.intake --misses             # also list what went wrong

It prints a per-story table, a summary table and, as its last line, one JSON
object: claim_precision, claim_recall, attribution_precision,
attribution_recall, role_accuracy (numbers between 0 and 1).

Stories file: ``{"stories": [{"id", "text", "expected": [{"fragment", "source",
"role", "is_opinion"}]}]}``; ``source`` and ``role`` are null for a claim the
story does not attribute.

Matching, precisely:

* Text is normalised with ``normalise_name`` (Cyrillic transliterated,
  lowercased, diacritics and apostrophes dropped, other punctuation turned into
  single spaces).
* A proposed claim *matches* an expected claim when the expected fragment,
  normalised, is a substring of the proposed claim's text, normalised. One
  proposed claim may match several expected claims (a sentence with two facts).
* claim_precision = proposed claims matching at least one expected claim /
  proposed claims. claim_recall = expected claims matched by at least one
  proposed claim / expected claims.
* A proposed attribution *matches* an expected source when
  ``rapidfuzz.fuzz.token_set_ratio`` of the normalised names is >= 85, taking
  the better of the attribution's name alone and its title plus name (so
  "Pentagon" matches name "Pat Ryder" with title "Pentagon spokesperson").
  token_set_ratio scores a subset as 100, so "Budanov" matches "Kyrylo Budanov".
* attribution_recall = expected claims with a source whose matched proposed
  claim carries a matching attribution / expected claims with a source (a
  missed claim is a missed attribution).
* attribution_precision = attributions on matched proposed claims that match
  the source of an expected claim they matched / all attributions on matched
  proposed claims. Attributions on unmatched proposed claims are left out:
  claim_precision already counts those claims as wrong.
* role_accuracy = expected attributions found (as for recall) whose matching
  attribution has the expected role / expected attributions found.
* opinion accuracy (printed, not in the JSON) = matched expected claims whose
  matched proposed claim has the expected is_opinion / matched expected claims.
* fragments split (printed, not in the JSON) = expected fragments that no single
  sentence of ``article_sentences`` holds: the sentence splitter's own errors.

A story the extractor rejects (ExtractionError) counts as proposing nothing.

Honest readings. The "written-first" stories were written before any extractor
code existed, though the rules were then designed with them in view. Each
"blind-N" batch was written and annotated before the extractor ever saw it,
scored once, and only then used to fix general bugs; annotations were never
edited after a run. The first scores on each blind batch are the best guide to
new copy:

    batch     claims P / R    attributions P / R   roles
    blind-1   0.963 / 0.900   0.864 / 0.679        0.789
    blind-2   1.000 / 0.800   0.929 / 0.565        1.000
    blind-3   0.963 / 0.963   1.000 / 0.769        0.800

Scores on the whole file (printed by the command) are therefore optimistic.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass, field
from pathlib import Path

from rapidfuzz import fuzz

from verification.intake.extraction import (
    ExtractionError,
    ProposedAttribution,
    ProposedClaim,
    article_sentences,
    extract_claims,
    normalise_name,
)

DEFAULT_STORIES = Path(__file__).with_name("intake_stories.json")
NAME_THRESHOLD = 85


@dataclass
class Counts:
    proposed: int = 0
    proposed_matched: int = 0
    expected: int = 0
    expected_matched: int = 0
    expected_sources: int = 0
    sources_found: int = 0
    attributions_on_matched: int = 0
    attributions_correct: int = 0
    roles_correct: int = 0
    opinion_correct: int = 0
    fragments_split: int = 0  # expected fragments that no single sentence holds
    misses: list[str] = field(default_factory=list)

    def add(self, other: Counts) -> None:
        for name in self.__dataclass_fields__:
            if name != "misses":
                setattr(self, name, getattr(self, name) + getattr(other, name))
        self.misses += other.misses


def _ratio(part: int, whole: int) -> float:
    return part / whole if whole else 0.0


def _norm(text: str) -> str:
    return normalise_name(text)


def names_match(attribution: ProposedAttribution, source: str) -> bool:
    expected = _norm(source)
    candidates = (_norm(attribution.name), _norm(f"{attribution.title} {attribution.name}"))
    return any(fuzz.token_set_ratio(c, expected) >= NAME_THRESHOLD for c in candidates if c)


def _matching_claim(fragment: str, claims: list[ProposedClaim]) -> ProposedClaim | None:
    wanted = _norm(fragment)
    return next((c for c in claims if wanted in _norm(c.text)), None)


def score_story(story: dict) -> Counts:
    """Score one story; see the module docstring for the rules."""
    counts = Counts(expected=len(story["expected"]))
    try:
        claims = extract_claims(story["text"])
    except ExtractionError as error:
        counts.misses.append(f"{story['id']}: rejected: {error}")
        claims = []
    counts.proposed = len(claims)
    sentences = [_norm(s) for s in article_sentences(story["text"])]
    for exp in story["expected"]:
        if not any(_norm(exp["fragment"]) in s for s in sentences):
            counts.fragments_split += 1
            counts.misses.append(f"{story['id']}: no one sentence holds {exp['fragment']!r}")
    matched_by: dict[int, list[dict]] = {}
    for exp in story["expected"]:
        claim = _matching_claim(exp["fragment"], claims)
        if claim is None:
            counts.misses.append(f"{story['id']}: missed claim: {exp['fragment']!r}")
        else:
            matched_by.setdefault(id(claim), []).append(exp)
        _score_expected_source(counts, story["id"], exp, claim)
    for claim in claims:
        expectations = matched_by.get(id(claim))
        if expectations is None:
            counts.misses.append(f"{story['id']}: extra claim: {claim.text!r}")
            continue
        counts.proposed_matched += 1
        _score_attributions(counts, story["id"], claim, expectations)
    return counts


def _score_expected_source(counts: Counts, story_id: str, exp: dict, claim) -> None:
    if claim is not None:
        counts.expected_matched += 1
        if claim.is_opinion == bool(exp.get("is_opinion")):
            counts.opinion_correct += 1
        else:
            counts.misses.append(f"{story_id}: opinion should be {exp.get('is_opinion')}: {exp['fragment']!r}")
    if not exp.get("source"):
        return
    counts.expected_sources += 1
    found = [a for a in (claim.attributions if claim else []) if names_match(a, exp["source"])]
    if not found:
        got = [a.name for a in claim.attributions] if claim else "no claim"
        counts.misses.append(f"{story_id}: missed source {exp['source']!r} (got {got})")
        return
    counts.sources_found += 1
    if any(a.role == exp["role"] for a in found):
        counts.roles_correct += 1
    else:
        counts.misses.append(f"{story_id}: role for {exp['source']!r} should be {exp['role']}, got {found[0].role}")


def _score_attributions(counts: Counts, story_id: str, claim, expectations: list[dict]) -> None:
    sources = [e["source"] for e in expectations if e.get("source")]
    for attribution in claim.attributions:
        counts.attributions_on_matched += 1
        if any(names_match(attribution, s) for s in sources):
            counts.attributions_correct += 1
        else:
            counts.misses.append(f"{story_id}: extra source {attribution.name!r}")


def metrics(counts: Counts) -> dict[str, float]:
    return {
        "claim_precision": _ratio(counts.proposed_matched, counts.proposed),
        "claim_recall": _ratio(counts.expected_matched, counts.expected),
        "attribution_precision": _ratio(counts.attributions_correct, counts.attributions_on_matched),
        "attribution_recall": _ratio(counts.sources_found, counts.expected_sources),
        "role_accuracy": _ratio(counts.roles_correct, counts.sources_found),
    }


def load_stories(path: Path) -> list[dict]:
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    stories = data["stories"] if isinstance(data, dict) else data
    for story in stories:
        if not {"id", "text", "expected"} <= story.keys():
            raise ValueError(f"{path}: each story needs id, text and expected; got {sorted(story)}")
    return stories


def _print_tables(rows: list[tuple[str, Counts]], total: Counts) -> None:
    print(f"{'story':<28} {'prop':>5} {'exp':>5} {'claims ok':>10} {'sources ok':>11} {'roles ok':>9}")
    for story_id, c in rows:
        print(
            f"{story_id:<28} {c.proposed:>5} {c.expected:>5} "
            f"{c.expected_matched:>5}/{c.expected:<4} {c.sources_found:>5}/{c.expected_sources:<5} "
            f"{c.roles_correct:>4}/{c.sources_found:<4}"
        )
    m = metrics(total)
    print()
    print(f"{'measure':<24} {'precision':>10} {'recall':>10}")
    print(f"{'claims':<24} {m['claim_precision']:>10.3f} {m['claim_recall']:>10.3f}")
    print(f"{'attributions':<24} {m['attribution_precision']:>10.3f} {m['attribution_recall']:>10.3f}")
    print(f"{'role accuracy':<24} {m['role_accuracy']:>10.3f}")
    print(f"{'opinion accuracy':<24} {_ratio(total.opinion_correct, total.expected_matched):>10.3f}")
    print(f"fragments split across sentences (or dropped): {total.fragments_split} of {total.expected}")


def _print_batches(batches: dict[str, Counts]) -> None:
    if len(batches) < 2:
        return
    print()
    print(f"{'batch':<24} {'claims P/R':>13} {'attribs P/R':>13} {'roles':>6}")
    for name, c in batches.items():
        m = metrics(c)
        print(
            f"{name:<24} {m['claim_precision']:>6.3f}/{m['claim_recall']:<6.3f} "
            f"{m['attribution_precision']:>6.3f}/{m['attribution_recall']:<6.3f} "
            f"{m['role_accuracy']:>6.3f}"
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.intake", description=__doc__.split("\n")[0])
    parser.add_argument("path", nargs="?", default=str(DEFAULT_STORIES), help="stories JSON file")
    parser.add_argument("--misses", action="store_true", help="list missed and extra items")
    args = parser.parse_args(argv)
    rows, total, batches = [], Counts(), {}
    for story in load_stories(Path(args.path)):
        counts = score_story(story)
        rows.append((story["id"], counts))
        total.add(counts)
        batches.setdefault(story.get("batch", "all"), Counts()).add(counts)
    _print_tables(rows, total)
    _print_batches(batches)
    if args.misses:
        print()
        print("\n".join(total.misses) or "no misses")
    print(json.dumps({k: round(v, 4) for k, v in metrics(total).items()}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
