"""Has this been checked already? The one claim matcher.

Every path that asks goes through ``find_matches``: the API's ``?text=``
lookup, the duplicate check when a claim is created (desk and API), intake's
dedup, the credibility suggestion's similar published claims, and the Fact
Check Tools-compatible search. See docs/matching.md.
"""

from verification.matching.core import Match, SeenBefore, find_matches, likely_duplicates, search_form, seen_before

__all__ = ["Match", "SeenBefore", "find_matches", "likely_duplicates", "search_form", "seen_before"]
