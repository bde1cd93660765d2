"""Forms of the desk pages. They only parse and validate input; the writes
happen in verification.workflow.transitions and verification.workflow.claims."""

import secrets

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.urls import reverse_lazy
from django.utils.text import format_lazy
from django.utils.translation import gettext, gettext_lazy

from sources.credibility.records import INFORMATION_CREDIBILITY
from sources.models import Source, SourceAlias
from sources.text import normalise_name
from verification.models import AttributionRole, Claim, Verdict
from verification.urlnorm import URL_ERRORS, URL_MAX_CHARS, WebURLValidator

# The Admiralty code's information-credibility axis, shown where it is set.
CREDIBILITY_CHOICES = [
    ("", gettext_lazy("Not graded")),
    *[(str(grade), format_lazy("{} – {}", grade, label)) for grade, label in INFORMATION_CREDIBILITY.items()],
]
PRIORITY_BANDS = {"urgent": (90, 100), "high": (70, 89), "normal": (40, 69), "low": (0, 39)}
PRIORITY_LABELS = {
    "urgent": gettext_lazy("Urgent"),
    "high": gettext_lazy("High"),
    "normal": gettext_lazy("Normal"),
    "low": gettext_lazy("Low"),
}


class WebURLField(forms.URLField):
    """An http(s) address typed on the desk, refused in the same words as the API
    and the domain use (verification.urlnorm); "example.org/x" means https://."""

    default_validators = [WebURLValidator()]
    default_error_messages = {"invalid": URL_ERRORS["invalid"]}

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", URL_MAX_CHARS)
        kwargs.setdefault("assume_scheme", "https")
        kwargs["error_messages"] = {**URL_ERRORS, **kwargs.get("error_messages", {})}
        super().__init__(**kwargs)


class VersionForm(forms.Form):
    """Every write carries the claim version the user was looking at."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class AssessmentForm(VersionForm):
    verdict = forms.ChoiceField(
        choices=[("", gettext_lazy("Choose a verdict…")), *Verdict.choices], label=gettext_lazy("Verdict")
    )
    confidence = forms.FloatField(
        min_value=0,
        max_value=1,
        initial=0.5,
        widget=forms.NumberInput(attrs={"type": "range", "min": "0", "max": "1", "step": "0.05"}),
        help_text=gettext_lazy("How sure you are of the verdict, from 0 (a guess) to 1 (certain)."),
        label=gettext_lazy("Confidence"),
    )
    credibility = forms.TypedChoiceField(
        choices=CREDIBILITY_CHOICES,
        coerce=int,
        empty_value=None,
        required=False,
        label=gettext_lazy("Information credibility"),
    )
    rationale = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=gettext_lazy("What readers see on the public page: the evidence and why it decides."),
        label=gettext_lazy("Rationale"),
    )


class SignOffForm(VersionForm):
    note = forms.CharField(required=False, label=gettext_lazy("Note (optional)"), widget=forms.TextInput)


class ReturnForm(VersionForm):
    comment = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), label=gettext_lazy("What should change?"))


class ReopenForm(VersionForm):
    reason = forms.CharField(widget=forms.TextInput, label=gettext_lazy("Why reopen?"))


class ClaimEditForm(VersionForm):
    text = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), label=gettext_lazy("Claim text"))
    language = forms.CharField(
        max_length=16,
        required=False,
        help_text=gettext_lazy("A BCP 47 tag: uk, ru, en … Left empty, it stays as it is."),
        label=gettext_lazy("Language"),
    )
    priority = forms.IntegerField(
        min_value=0, max_value=100, help_text=gettext_lazy("0 (low) to 100 (urgent)."), label=gettext_lazy("Priority")
    )


class TranslationForm(VersionForm):
    """An editor's translation of the published verdict for readers (docs/languages.md)."""

    language = forms.CharField(
        max_length=16,
        help_text=gettext_lazy("BCP 47 tag of the translation: en, uk, ru …"),
        label=gettext_lazy("Language"),
    )
    text = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), label=gettext_lazy("The claim, translated"))
    rationale = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}), label=gettext_lazy("The rationale, translated")
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "id_translate_%s")
        super().__init__(*args, **kwargs)


class CorrectionForm(VersionForm):
    """An editor proposes a typo fix to a published claim's text (docs/corrections.md)."""

    text = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        label=gettext_lazy("Corrected text"),
        help_text=gettext_lazy(
            "Spelling, punctuation, a name's transliteration or a link only. A change to what is "
            "claimed, who said it, a number or a date needs a reopen."
        ),
    )
    reason = forms.CharField(
        max_length=2000, label=gettext_lazy("What does it fix?"), help_text=gettext_lazy("Readers see this reason.")
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "id_correct_%s")
        super().__init__(*args, **kwargs)


class CorrectionApproveForm(VersionForm):
    note = forms.CharField(required=False, max_length=5000, label=gettext_lazy("Note (optional)"))

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "id_approve_%s")
        super().__init__(*args, **kwargs)


class CorrectionCloseForm(VersionForm):
    """Rejecting someone else's correction, or withdrawing one's own: always with a reason."""

    note = forms.CharField(max_length=5000, label=gettext_lazy("Why?"))

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "id_close_%s")
        super().__init__(*args, **kwargs)


def reviewers():
    """Users who may hold claims (fact-checkers, editors), for assignment menus."""
    return (
        get_user_model()
        .objects.filter(is_active=True)
        .filter(Q(groups__permissions__codename="review_claim") | Q(user_permissions__codename="review_claim"))
        .distinct()
        .order_by("username")
    )


class QueueFilterForm(forms.Form):
    TABS = [
        ("unassigned", gettext_lazy("Unassigned")),
        ("mine", gettext_lazy("Mine")),
        ("overdue", gettext_lazy("Overdue")),
        ("signoff", gettext_lazy("Awaiting my sign-off")),
        ("published", gettext_lazy("Recently published")),
        ("all", gettext_lazy("All")),
    ]

    tab = forms.ChoiceField(choices=TABS, required=False, widget=forms.HiddenInput)
    q = forms.CharField(required=False, label=gettext_lazy("Search claim text"), max_length=200)
    state = forms.ChoiceField(
        choices=[("", gettext_lazy("Any state")), *Claim.State.choices], required=False, label=gettext_lazy("State")
    )
    verdict = forms.ChoiceField(
        choices=[("", gettext_lazy("Any verdict")), *Verdict.choices], required=False, label=gettext_lazy("Verdict")
    )
    tag = forms.CharField(required=False, max_length=64, label=gettext_lazy("Tag"))
    source = forms.CharField(required=False, max_length=300, label=gettext_lazy("Source name"))
    priority = forms.ChoiceField(
        choices=[("", gettext_lazy("Any priority")), *PRIORITY_LABELS.items()],
        required=False,
        label=gettext_lazy("Priority"),
    )


class BulkForm(forms.Form):
    ACTIONS = [
        ("assign", gettext_lazy("Assign")),
        ("release", gettext_lazy("Release")),
        ("export_csv", gettext_lazy("Export CSV")),
        ("export_json", gettext_lazy("Export JSON")),
    ]
    MAX = 200

    ids = forms.TypedMultipleChoiceField(
        coerce=int, choices=[], error_messages={"required": gettext_lazy("Select at least one claim.")}
    )
    action = forms.ChoiceField(choices=ACTIONS)
    assignee = forms.ModelChoiceField(queryset=None, required=False, label=gettext_lazy("Assign to"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = reviewers()
        self.fields["assignee"].empty_label = gettext("Choose a reviewer…")
        # Any integer id is accepted here; the transitions check each claim itself.
        raw = self.data.getlist("ids") if hasattr(self.data, "getlist") else []
        self.fields["ids"].choices = [(v, v) for v in raw if v.isdigit()]

    def clean_ids(self):
        return self.cleaned_data["ids"][: self.MAX]

    def clean(self):
        data = super().clean()
        if data.get("action") == "assign" and not data.get("assignee"):
            self.add_error("assignee", gettext("Choose whom to assign the selected claims to."))
        return data


def find_source(name: str) -> Source:
    """Resolve what a user typed to one live source: "#12", a name, or an alias."""
    name = (name or "").strip()
    if name.startswith("#") and name[1:].isdigit():
        match = list(Source.objects.filter(pk=int(name[1:]), merged_into__isnull=True)[:1])
    else:
        match = list(Source.objects.filter(name__iexact=name, merged_into__isnull=True)[:3])
        if not match:
            ids = SourceAlias.objects.filter(normalised=normalise_name(name)).values("source_id")
            match = list(Source.objects.filter(pk__in=ids, merged_into__isnull=True)[:3])
    if not match:
        raise ValidationError(
            gettext("No source called “%(name)s”. Pick one from the suggestions, or ask an admin to add it.")
            % {"name": name}
        )
    if len(match) > 1:
        options = ", ".join(f"#{s.pk} {s.name} ({s.country or gettext('no country')})" for s in match)
        raise ValidationError(
            gettext("“%(name)s” matches several sources: %(options)s. Type the one you mean as #id.")
            % {"name": name, "options": options}
        )
    return match[0]


def _source_input():
    """A text input whose suggestions come from the server as the user types (HTMX)."""
    return forms.TextInput(
        attrs={
            "list": "source-suggestions",
            "autocomplete": "off",
            "hx-get": reverse_lazy("desk-source-suggest"),
            "hx-trigger": "input changed delay:300ms",
            "hx-target": "#source-suggestions",
            "hx-swap": "innerHTML",
        }
    )


class AttributionRowForm(forms.Form):
    source = forms.CharField(required=False, max_length=300, label=gettext_lazy("Source"), widget=_source_input())
    role = forms.ChoiceField(
        choices=AttributionRole.choices, initial=AttributionRole.STATED, label=gettext_lazy("Role")
    )
    quote = forms.CharField(required=False, label=gettext_lazy("Quote (optional)"))
    relays = forms.CharField(
        required=False, max_length=300, label=gettext_lazy("Relays (source it passes on)"), widget=_source_input()
    )

    def clean_source(self):
        value = self.cleaned_data["source"]
        return find_source(value) if value.strip() else None

    def clean_relays(self):
        value = self.cleaned_data["relays"]
        return find_source(value) if value.strip() else None


AttributionFormSet = forms.formset_factory(AttributionRowForm, extra=3, max_num=20, absolute_max=20)


class ClaimSubmitForm(forms.Form):
    text = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        label=gettext_lazy("Claim"),
        help_text=gettext_lazy("The checkable statement, in one or two sentences."),
    )
    tags = forms.CharField(
        required=False, help_text=gettext_lazy("Comma-separated, e.g. war, troops."), label=gettext_lazy("Tags")
    )
    priority = forms.IntegerField(
        min_value=0,
        max_value=100,
        initial=50,
        help_text=gettext_lazy("0 (low) to 100 (urgent)."),
        label=gettext_lazy("Priority"),
    )
    language = forms.CharField(
        max_length=16,
        required=False,
        help_text=gettext_lazy("e.g. uk, ru, en. Leave empty and it is detected from the text."),
        label=gettext_lazy("Language"),
    )
    appeared_url = WebURLField(required=False, label=gettext_lazy("Where it appeared (article URL)"))
    evidence_url = WebURLField(required=False, label=gettext_lazy("First evidence: URL"))
    evidence_note = forms.CharField(
        required=False, label=gettext_lazy("First evidence: note"), widget=forms.Textarea(attrs={"rows": 2})
    )
    # A one-time token, new each time the form is shown: the same form sent again
    # (a double click, the back button, a retry after a timeout) finds the claim it made.
    submit_token = forms.CharField(required=False, max_length=200, widget=forms.HiddenInput)
    # The text the user was already asked "is it one of these?" about (its hash):
    # they said it is new, so that text is not asked about again; another text is.
    duplicates_checked = forms.CharField(required=False, max_length=64, widget=forms.HiddenInput)
    # Set by the "Add to this claim" buttons: add this sighting to that claim instead.
    link_to = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["submit_token"].initial = secrets.token_urlsafe(24)

    def clean_tags(self):
        return [t.strip() for t in self.cleaned_data["tags"].split(",") if t.strip()][:20]
