"""The suggested credibility of a claim: the one function the claim page, the API and the benchmark call.

`suggest_for_claim` reads what the desk holds about the claim (its attributions,
evidence and tags; the sources' graph, grades and track records; similar
published claims, through the claim matcher) and applies the model fitted on
the desk's own published verdicts (`verification.credibility.fitting`):

* `probability`: the chance this desk rates the claim true or likely true, with
  a 90 % interval from the model's uncertainty;
* `grade`: the Admiralty information credibility (1–6), from the probability and
  the shape of the support by the table in `sources.credibility.grades`;
* `reasons`: the three factors that moved the number most, and which way;
* `band`: how often suggestions near this probability came true on this desk.

It is a prior to weigh, never a verdict: nothing here writes to the claim, and
the reviewer's assessment is the only way a credibility grade is set.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.utils import formats
from django.utils.translation import gettext, gettext_lazy, ngettext

from sources.admiralty import CREDIBILITY_MEANING
from sources.credibility import grades
from sources.credibility.independence import AttributedSource, Corroboration, Group, corroboration
from sources.credibility.model import Z_90
from sources.credibility.records import INFORMATION_CREDIBILITY
from verification.credibility import fitted
from verification.credibility.features import ClaimFacts, DeskView, Reading, features
from verification.matching import find_matches
from verification.models import Attribution, AttributionRole, Claim, Evidence

# An opinion says nothing about whether the claim is true, so it joins no group.
IGNORED_ROLES = {AttributionRole.OPINION}
SIMILAR_CLAIMS = 10  # similar published claims read; chosen on LIAR's validation split
REASONS = 3
MIN_CONTRIBUTION = 0.02  # log-odds; smaller moves are not worth a line
MIN_BAND = 10  # held-out suggestions in a band before the panel says how that band fared
FEW_VERDICTS = 200  # below this, the panel says the number leans on the model's starting weights


@dataclass(frozen=True)
class Reason:
    factor: str  # a feature name, e.g. "source_record"
    direction: str  # "raises" or "lowers"
    text: str
    weight: float  # its contribution, in log-odds

    def as_dict(self) -> dict:
        return {"factor": self.factor, "direction": self.direction, "text": self.text}


STANCE_LABELS = {
    "supports": gettext_lazy("supports"),
    "refutes": gettext_lazy("refutes"),
    "could not confirm": gettext_lazy("could not confirm"),
    "relays only": gettext_lazy("relays only"),
}


@dataclass(frozen=True)
class GroupRow:
    """One independent group as the panel lists it."""

    origin: str
    members: list[str]
    stance: str  # supports | refutes | could not confirm | relays only: a code templates compare
    party: str  # "Russia–Ukraine war, Ukraine" or ""

    @property
    def stance_label(self) -> str:
        """The stance in the reader's language."""
        return str(STANCE_LABELS.get(self.stance, self.stance))


@dataclass(frozen=True)
class ClaimSuggestion:
    grade: int
    label: str
    meaning: str
    grade_rule: str
    probability: float
    interval: tuple[float, float]
    reasons: list[Reason]
    verdicts: int  # past verdicts the model learned from
    band: dict | None  # held-out reliability bin of this probability
    corroboration: Corroboration
    groups: list[GroupRow]

    def as_api(self) -> dict:
        return {
            "grade": self.grade,
            "label": self.label,
            "probability": round(self.probability, 3),
            "interval": [round(self.interval[0], 3), round(self.interval[1], 3)],
            "reasons": [r.as_dict() for r in self.reasons],
        }

    @property
    def what(self) -> str:
        """What the number is, in the panel's words."""
        n = self.verdicts
        return ngettext(
            "chance this desk rates it true or likely true, from %(count)s past verdict",
            "chance this desk rates it true or likely true, from %(count)s past verdicts",
            n,
        ) % {"count": formats.number_format(n, force_grouping=True)}

    @property
    def leans_on_prior(self) -> bool:
        return self.verdicts < FEW_VERDICTS

    @property
    def calibration(self) -> str:
        """How often suggestions in this probability's band came true on this desk (held-out history)."""
        b = self.band
        if not b or b["count"] < MIN_BAND:
            return gettext(
                "Too few verdicts held out from the fit yet to say how suggestions near %(rate)s fare on this desk."
            ) % {"rate": _percent(self.probability)}
        return ngettext(
            "Of %(count)s earlier suggestion between %(low)s and %(high)s (verdicts the model had not learned from), "
            "%(observed)s were rated true or likely true.",
            "Of %(count)s earlier suggestions between %(low)s and %(high)s (verdicts the model had not learned from), "
            "%(observed)s were rated true or likely true.",
            b["count"],
        ) % {
            "count": formats.number_format(b["count"], force_grouping=True),
            "low": _percent(b["lo"]),
            "high": _percent(b["hi"]),
            "observed": _percent(b["observed"]),
        }

    @property
    def independent_groups(self) -> int:
        """Independent groups that state or support the claim: the corroboration count."""
        return self.corroboration.supporting

    @property
    def parties_one_side(self) -> bool:
        return self.corroboration.parties_one_side_only


def claim_facts(claim: Claim, attributions=None, tags=None) -> ClaimFacts:
    """What the claim itself holds. `attributions` (with relays loaded) and `tags` save queries."""
    if attributions is not None:
        attributed = [
            AttributedSource(a.source_id, a.role, a.relays.source_id if a.relays_id else None)
            for a in attributions
            if a.role not in IGNORED_ROLES
        ]
    else:
        rows = (
            Attribution.objects.filter(claim_id=claim.pk)
            .exclude(role__in=IGNORED_ROLES)
            .order_by("id")
            .values_list("source_id", "role", "relays__source_id")
        )
        attributed = [AttributedSource(source, role, relayed) for source, role, relayed in rows]
    evidence = (
        Evidence.objects.filter(claim_id=claim.pk).order_by("id").values_list("stance", "credibility", "provided_by_id")
    )
    if tags is None:
        tags = claim.tags.values_list("name", flat=True)
    return ClaimFacts(
        claim_id=claim.pk,
        text=claim.text,
        tags=tuple(sorted({getattr(t, "name", t) for t in tags})),
        attributions=tuple(attributed),
        evidence=tuple(grades.EvidenceItem(*row) for row in evidence),
    )


def similar_published(text: str, exclude: int | None) -> list[tuple[str, float, int]]:
    """(verdict, score, claim id) of the published claims most like `text`, from the claim matcher."""
    found = find_matches(text, published_only=True, exclude_claim=exclude, limit=SIMILAR_CLAIMS)
    return [(m.verdict, m.score, m.id) for m in found if m.kind == "claim"]


def suggest_for_claim(claim: Claim | int, attributions=None, tags=None) -> ClaimSuggestion:
    """The suggestion for one claim, read fresh from the database.

    1. Read the claim (attributions, evidence, tags) and the graph above its sources and
       evidence providers, with their grades and track records.
    2. Find similar published claims through the claim matcher; score the wording.
    3. Compute the features and the model's probability, its interval and its band.
    4. Grade by the table in `sources.credibility.grades`; explain the three largest factors.
    """
    claim = claim if isinstance(claim, Claim) else Claim.objects.get(pk=claim)
    facts = claim_facts(claim, attributions, tags)
    model = fitted.current()
    supporting = [a.source for a in facts.attributions]
    sources = fitted.source_view(supporting + [e.provider for e in facts.evidence], supporting, facts.tags)
    view = DeskView(
        graph=sources.graph,
        grades=sources.grades,
        records=sources.records,
        topic_records=sources.topic_records,
        tables=model.tables,
        matches=similar_published(facts.text, claim.pk),
        text_score=model.text.score(facts.text),
    )
    reading = features(facts, view, close_match=settings.MATCH_LINK_SCORE)
    return explain(reading, model, view, facts)


def probability_of(reading: Reading, model: fitted.FittedModel) -> tuple[float, tuple[float, float]]:
    """The calibrated probability and its 90 % interval (the coefficients' uncertainty, through Platt)."""
    z = model.logistic.z(reading.values)
    spread = Z_90 * model.logistic.z_sd(reading.values)
    return model.platt(z), (model.platt(z - spread), model.platt(z + spread))


def explain(reading: Reading, model: fitted.FittedModel, view: DeskView, facts: ClaimFacts) -> ClaimSuggestion:
    probability, interval = probability_of(reading, model)
    grade, rule = grades.grade(probability, reading.shape, reading.basis)
    return ClaimSuggestion(
        grade=grade,
        label=str(INFORMATION_CREDIBILITY[grade]),  # worded now, in the request's language
        meaning=str(CREDIBILITY_MEANING[grade]),
        grade_rule=rule,
        probability=probability,
        interval=interval,
        reasons=_reasons(reading, model, facts),
        verdicts=model.verdicts,
        band=model.band(probability),
        corroboration=corroboration(reading.shape.groups),
        groups=_rows(list(reading.shape.groups), view),
    )


def _reasons(reading: Reading, model: fitted.FittedModel, facts: ClaimFacts) -> list[Reason]:
    contributions = model.logistic.contributions(reading.values)
    ranked = sorted(contributions.items(), key=lambda item: -abs(item[1]))
    reasons = []
    for name, weight in ranked:
        if abs(weight) < MIN_CONTRIBUTION or len(reasons) == REASONS:
            break
        direction = "raises" if weight > 0 else "lowers"
        reasons.append(Reason(name, direction, _reason_text(name, reading, model, facts), round(weight, 3)))
    return reasons


def _reason_text(name: str, reading: Reading, model: fitted.FittedModel, facts: ClaimFacts) -> str:
    if name == "text":
        words = ", ".join(f"“{w}”" for w, _ in model.text.telling_words(facts.text))
        if not words:
            return gettext("Its wording")
        return gettext("Its wording: claims using %(words)s have fared this way on this desk") % {"words": words}
    return reading.notes.get(name, name.replace("_", " ").capitalize())


def _stance(group: Group) -> str:
    if group.supports:
        return "supports"
    if group.refutes:
        return "refutes"
    return "could not confirm" if group.not_confirming else "relays only"


def _rows(groups: list[Group], view: DeskView) -> list[GroupRow]:
    name = view.graph.name
    return [
        GroupRow(
            origin=name(g.root),
            members=[name(m) for m in g.members],
            stance=_stance(g),
            party=f"{g.conflict}, {g.side or gettext('sides differ')}" if g.all_parties else "",
        )
        for g in groups
    ]


def _percent(share: float) -> str:
    """0.42 as "42%", in the reader's number format."""
    return f"{formats.number_format(round(share * 100))}%"
