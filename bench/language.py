"""How often a claim's language is detected right (English, Ukrainian, Russian).

    python -m bench.language [SENTENCES]

SENTENCES: a JSON object with a "sentences" list of {"id", "lang", "text"}
(default: both bench/language_dev_sentences.json, the set the detector was
chosen on, and bench/language_sentences.json, the blind set written before any
detector was chosen). Every sentence goes through
``verification.language.detect_language``, the function claim creation calls
on the desk, the API, the admin and intake.

Prints accuracy per language and the Ukrainian/Russian confusions; the last
line is one JSON object: language_accuracy_blind (or _<file stem>) and
language_uk_ru_accuracy_blind (Ukrainian and Russian sentences only).
"""

from __future__ import annotations

import json
import os
import sys
import time
from collections import Counter
from pathlib import Path

from bench.common import ROOT, print_table, save_results

SETS = {"dev": ROOT / "bench" / "language_dev_sentences.json", "blind": ROOT / "bench" / "language_sentences.json"}


def score(path: Path) -> dict:
    from verification.language import detect_language

    sentences = json.loads(path.read_text(encoding="utf-8"))["sentences"]
    right, seen, confused = Counter(), Counter(), Counter()
    detect_language("warm-up: load the models before the clock starts")
    started = time.perf_counter()
    for sentence in sentences:
        found = detect_language(sentence["text"])
        seen[sentence["lang"]] += 1
        right[sentence["lang"]] += found == sentence["lang"]
        if found != sentence["lang"]:
            confused[f"{sentence['lang']}->{found}"] += 1
    elapsed_ms = (time.perf_counter() - started) * 1000 / max(len(sentences), 1)
    slavic = [lang for lang in ("uk", "ru") if seen[lang]]
    return {
        "sentences": len(sentences),
        "accuracy": round(sum(right.values()) / len(sentences), 3),
        "uk_ru_accuracy": round(sum(right[x] for x in slavic) / max(sum(seen[x] for x in slavic), 1), 3),
        "by_language": {lang: round(right[lang] / seen[lang], 3) for lang in sorted(seen)},
        "confusions": dict(confused.most_common()),
        "ms_per_sentence": round(elapsed_ms, 3),
    }


def main(argv: list[str]) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    sets = {Path(arg).stem: Path(arg) for arg in argv} or SETS
    results, rows = {}, [("set", "sentences", "accuracy", "uk/ru only", "by language", "ms each")]
    for name, path in sets.items():
        found = score(path)
        rows.append((name, found["sentences"], found["accuracy"], found["uk_ru_accuracy"],
                     found["by_language"], found["ms_per_sentence"]))  # fmt: skip
        if found["confusions"]:
            print(f"{name}: wrong answers {found['confusions']}")
        results[f"language_accuracy_{name}"] = found["accuracy"]
        results[f"language_uk_ru_accuracy_{name}"] = found["uk_ru_accuracy"]
    print_table("Claim language detection (verification.language.detect_language)", rows)
    if not argv:
        save_results(results)
    print(json.dumps(results))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
