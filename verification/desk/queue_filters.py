"""The queue's filters: what the filter form accepts, and how each narrows the list.

On the sign-off tab, verdict and confidence mean the *proposed* assessment (the one
awaiting sign-off), so an editor can triage by what reviewers propose; on the other
tabs they mean the published verdict, as the Verdict column shows there. Reviewer
means whoever the Reviewer column shows: the lease holder, or the author of the
assessment awaiting sign-off.
"""

from django import forms
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext, gettext_lazy

from sources.models import Source
from verification.desk.forms import PRIORITY_BANDS, QueueFilterForm, reviewers
from verification.models import Attribution

# Confidences are stored as floats from 0 to 1 and typed here as whole percents:
# 70 % must include a stored 0.7 that is a hair below 70/100 after arithmetic.
EPSILON = 1e-9


class QueueFilters(QueueFilterForm):
    reviewer = forms.ModelChoiceField(
        queryset=None,
        required=False,
        to_field_name="username",
        empty_label=gettext_lazy("Anyone"),
        label=gettext_lazy("Reviewer"),
    )
    confidence_min = forms.IntegerField(
        min_value=0, max_value=100, required=False, label=gettext_lazy("Confidence from (%)")
    )
    confidence_max = forms.IntegerField(
        min_value=0, max_value=100, required=False, label=gettext_lazy("Confidence to (%)")
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reviewer"].queryset = reviewers()
        self.fields["reviewer"].error_messages["invalid_choice"] = gettext(
            "No fact-checker or editor has that user name; pick one from the list."
        )

    def clean(self):
        data = super().clean()
        low, high = data.get("confidence_min"), data.get("confidence_max")
        if low is not None and high is not None and low > high:
            self.add_error(
                "confidence_max",
                gettext("It is below “Confidence from” (%(low)s %%): give a range from low to high.") % {"low": low},
            )
        return data


def apply_filters(claims, data: dict, proposed: bool = False):
    """Narrow ``claims`` by the valid filters in ``data``; ``proposed`` reads verdict and
    confidence from the assessment awaiting sign-off instead of the published one."""
    if data.get("q"):
        claims = claims.filter(text__icontains=data["q"])
    if data.get("state"):
        claims = claims.filter(state=data["state"])
    if data.get("tag"):
        claims = claims.filter(tags__name=data["tag"].strip().lower())
    if data.get("priority"):
        low, high = PRIORITY_BANDS[data["priority"]]
        claims = claims.filter(priority__gte=low, priority__lte=high)
    if data.get("source"):
        claims = claims.filter(Exists(_attributed_to(data["source"].strip())))
    return _by_assessment(claims, data, proposed)


def _attributed_to(name: str):
    return Attribution.objects.filter(claim=OuterRef("pk")).filter(
        Q(source__name__icontains=name) | Q(source_id__in=Source.objects.named(name).values("pk"))
    )


def _by_assessment(claims, data: dict, proposed: bool):
    verdict, confidence = (
        ("pending_assessment__verdict", "pending_assessment__confidence")
        if proposed
        else (
            "verdict",
            "confidence",
        )
    )
    if data.get("verdict"):
        claims = claims.filter(**{verdict: data["verdict"]})
    if data.get("confidence_min") is not None:
        claims = claims.filter(**{f"{confidence}__gte": data["confidence_min"] / 100 - EPSILON})
    if data.get("confidence_max") is not None:
        claims = claims.filter(**{f"{confidence}__lte": data["confidence_max"] / 100 + EPSILON})
    if data.get("reviewer"):
        person = data["reviewer"]
        mine = Q(pending_assessment__reviewer=person)
        claims = claims.filter(mine if proposed else mine | Q(lease_owner=person))
    return claims
